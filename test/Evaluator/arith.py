# RUN: %python %s
# The elementwise arith ops (rule bodies and models may use them,
# docs/adding-rules.md) on tensors and scalars, against NumPy: float
# arithmetic, comparisons with NaN (ordered and unordered predicates),
# integer arithmetic that wraps, selection and conversions. math.fma,
# math.round (half away from zero) and math.roundeven too.
import numpy as np
import adjtest as T
from adjtest import f64, ty

T.seed(5)

FLOAT_BINARY = [
    ("addf", np.add), ("subf", np.subtract), ("mulf", np.multiply),
    ("divf", np.divide), ("remf", np.fmod), ("maximumf", np.maximum),
    ("minimumf", np.minimum), ("maxnumf", np.fmax), ("minnumf", np.fmin),
]
for dtype in [np.float64, np.float32]:
    x = T.randn(3, 4, dtype=dtype, scale=2.0)
    y = T.randn(3, 4, dtype=dtype, scale=2.0)
    x[0, 0] = np.nan  # maximumf propagates NaN, maxnumf takes the number
    for op, oracle in FLOAT_BINARY:
        T.check(f"arith.{op} {ty(x)}", f"""
            %r = arith.{op} %x, %y : {ty(x)}
            return %r : {ty(x)}""", {"x": x, "y": y}, oracle(f64(x), f64(y)))
    T.check(f"arith.negf {ty(x)}", f"""
        %r = arith.negf %x : {ty(x)}
        return %r : {ty(x)}""", {"x": x}, -f64(x))

# Every cmpf predicate, with NaN on either side and equal elements.
x = np.array([1.0, 2.0, np.nan, 3.0, np.nan, -1.0])
y = np.array([1.0, 1.0, 1.0, np.nan, np.nan, 0.0])
nan = np.isnan(x) | np.isnan(y)
with np.errstate(invalid="ignore"):
    PREDICATES = {
        "false": np.zeros_like(nan), "true": np.ones_like(nan),
        "ord": ~nan, "uno": nan,
        "oeq": x == y, "ueq": nan | (x == y), "one": ~nan & (x != y),
        "une": x != y, "ogt": x > y, "ugt": nan | (x > y), "oge": x >= y,
        "uge": nan | (x >= y), "olt": x < y, "ult": nan | (x < y),
        "ole": x <= y, "ule": nan | (x <= y),
    }
for predicate, want in PREDICATES.items():
    T.check(f"arith.cmpf {predicate}", f"""
        %r = arith.cmpf {predicate}, %x, %y : {ty(x)}
        return %r : {ty(x.shape, "i1")}""", {"x": x, "y": y}, want)

# Integers: wrap around at the type's width; unsigned predicates compare
# the bits (-1 is the largest).
a = np.array([2147483647, -5, 7, -2147483648], np.int32)
b = np.array([1, 3, -7, -1], np.int32)
for op, oracle in [("addi", np.add), ("subi", np.subtract),
                   ("muli", np.multiply), ("andi", np.bitwise_and),
                   ("ori", np.bitwise_or), ("xori", np.bitwise_xor)]:
    with np.errstate(over="ignore"):
        want = oracle(a, b)
    T.check(f"arith.{op} i32", f"""
        %r = arith.{op} %a, %b : {ty(a)}
        return %r : {ty(a)}""", {"a": a, "b": b}, want)
for predicate, want in [("slt", a < b), ("ult", a.view(np.uint32) < b.view(np.uint32)),
                        ("sge", a >= b), ("uge", a.view(np.uint32) >= b.view(np.uint32))]:
    T.check(f"arith.cmpi {predicate}", f"""
        %r = arith.cmpi {predicate}, %a, %b : {ty(a)}
        return %r : {ty(a.shape, "i1")}""", {"a": a, "b": b}, want)

# i1: addi is xor; sitofp reads true as -1, uitofp as 1.
p = np.array([True, True, False, False])
q = np.array([True, False, True, False])
T.check("arith.addi i1", f"""
    %r = arith.addi %p, %q : {ty(p)}
    return %r : {ty(p)}""", {"p": p, "q": q}, p ^ q)
T.check("arith.sitofp and uitofp of i1", f"""
    %s = arith.sitofp %p : {ty(p)} to {ty(p.shape, "f32")}
    %u = arith.uitofp %p : {ty(p)} to {ty(p.shape, "f32")}
    return %s, %u : {ty(p.shape, "f32")}, {ty(p.shape, "f32")}""",
        {"p": p}, [-p.astype(np.float64), p.astype(np.float64)])
T.check("arith.uitofp of i32", f"""
    %u = arith.uitofp %a : {ty(a)} to {ty(a.shape, "f64")}
    return %u : {ty(a.shape, "f64")}""", {"a": a}, a.view(np.uint32).astype(np.float64))

# Conversions: fptosi truncates toward zero; extf and truncf keep the value.
x = np.array([1.75, -1.75, 0.5, -3.0], np.float32)
T.check("arith.fptosi, sitofp, extf, truncf", f"""
    %i = arith.fptosi %x : {ty(x)} to {ty(x.shape, "i64")}
    %f = arith.sitofp %i : {ty(x.shape, "i64")} to {ty(x)}
    %e = arith.extf %x : {ty(x)} to {ty(x.shape, "f64")}
    %t = arith.truncf %e : {ty(x.shape, "f64")} to {ty(x)}
    return %i, %f, %t : {ty(x.shape, "i64")}, {ty(x)}, {ty(x)}""",
        {"x": x}, [np.trunc(x).astype(np.int64), np.trunc(f64(x)), f64(x)])

# Scalars: constants, arithmetic on them, a scalar condition selecting
# between tensors, and cmpf + select on tensors.
x = T.randn(2, 3)
y = T.randn(2, 3)
T.check("scalar arith and select", f"""
    %c = arith.constant 2.5 : f64
    %d = arith.constant -1.0 : f64
    %s = arith.mulf %c, %d : f64
    %z = arith.constant 0.0 : f64
    %cond = arith.cmpf olt, %s, %z : f64
    %t = arith.select %cond, %x, %y : {ty(x)}
    %gt = arith.cmpf ogt, %x, %y : {ty(x)}
    %m = arith.select %gt, %x, %y : tensor<2x3xi1>, {ty(x)}
    return %t, %m : {ty(x)}, {ty(x)}""", {"x": x, "y": y}, [x, np.maximum(x, y)])

# math: fma, round (half away from zero), roundeven.
x = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 0.25])
y, z = T.randn(6), T.randn(6)
T.check("math.fma, round, roundeven", f"""
    %f = math.fma %x, %y, %z : {ty(x)}
    %r = math.round %x : {ty(x)}
    %e = math.roundeven %x : {ty(x)}
    return %f, %r, %e : {ty(x)}, {ty(x)}, {ty(x)}""", {"x": x, "y": y, "z": z},
        [x * y + z, np.sign(x) * np.floor(np.abs(x) + 0.5), np.round(x)])

# Ops the evaluator has no kernel for: a clear error, not a wrong number.
i = np.array([1, -2, 3], np.int64)
src = T.func(f"""
    %r = arith.divsi %x, %x : {ty(i)}
    return %r : {ty(i)}""", {"x": i})
code, _, err, _, _ = T.run(src, {"x": i})
T.expect("arith.divsi is reported", code == 1 and
         "the reference evaluator does not support 'arith.divsi'" in err, err)

T.done()
