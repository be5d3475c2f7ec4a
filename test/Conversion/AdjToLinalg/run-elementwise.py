# RUN: %python %s
# The elementwise lowerings, compiled with adjoint-compile and run against
# the reference evaluator: every unary and binary op in f32 and f64, NumPy
# broadcasting of every shape kind (prepended, unit, 0-d), the NaN rules of
# maximum/minimum/relu/compare, the stable sigmoid at large magnitudes,
# every conversion (float-to-int saturation and NaN included), constants,
# fill and iota.
import numpy as np
import adjtest as T
import compiletest as ct
from adjtest import ty

T.seed(7)
NAN, INF = np.nan, np.inf


def check(label, body, inputs):
    """Compiles `body` as function @main of `inputs` and compares it with
    the evaluator."""
    ct.check_against_evaluator(label, T.func(body, inputs), "main", inputs)


def values(dtype, domain, shape=(3, 4)):
    if domain == "pos":
        return T.randn(*shape, dtype=dtype, positive=True)
    if domain == "log1p":
        return np.asarray(T.rng.uniform(-0.9, 3.0, shape), dtype=dtype)
    return T.randn(*shape, dtype=dtype, scale=3.0)


UNARY = [("neg", "any"), ("abs", "any"), ("exp", "any"), ("log", "pos"),
         ("log1p", "log1p"), ("sqrt", "pos"), ("rsqrt", "pos"),
         ("tanh", "any"), ("sigmoid", "any"), ("relu", "any"), ("sin", "any"),
         ("cos", "any"), ("square", "any"), ("erf", "any"), ("floor", "any"),
         ("ceil", "any"), ("round", "any")]
for dtype in (np.float32, np.float64):
    for op, domain in UNARY:
        x = values(dtype, domain)
        check(f"{op} {T.elem(x)}", f"""
            %r = adj.{op} %x : {ty(x)}
            return %r : {ty(x)}""", {"x": x})

# Large magnitudes, where e^-x overflows; NaN and infinities pass through
# (f64 only: the harness's f32 tolerance is relative to the largest
# magnitude, which must be finite).
for dtype in (np.float32, np.float64):
    x = np.array([-1000, -100, -40, -1e-8, 0, 1e-8, 40, 100, 1000] +
                 ([NAN, -INF, INF] if dtype == np.float64 else []),
                 dtype=dtype)
    for op in ("sigmoid", "tanh", "relu", "abs", "neg"):
        check(f"{op} extremes {T.elem(x)}", f"""
            %r = adj.{op} %x : {ty(x)}
            return %r : {ty(x)}""", {"x": x})

# Rounding at ties (round: to even), signed zeros and integers; beyond 2^52
# every double is an integer.
for dtype in (np.float32, np.float64):
    x = np.array([-2.5, -1.5, -0.5, -0.0, 0.5, 1.5, 2.5, 3.0, -3.0, 0.49999997,
                  1e7 + 0.5, -(2.0 ** 23)], dtype=dtype)
    for op in ("floor", "ceil", "round"):
        check(f"{op} ties {T.elem(x)}", f"""
            %r = adj.{op} %x : {ty(x)}
            return %r : {ty(x)}""", {"x": x})

# Binary ops over each kind of broadcast.
SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((4, 1), (1, 3)),
          ((2, 1, 3), (4, 1)), ((), (2, 3)), ((2, 3), ())]
for dtype in (np.float32, np.float64):
    for op in ("add", "sub", "mul", "div", "pow", "maximum", "minimum"):
        for a_shape, b_shape in SHAPES:
            positive = op == "pow"
            a = T.randn(*a_shape, dtype=dtype, positive=positive)
            b = T.randn(*b_shape, dtype=dtype)
            out = np.broadcast_shapes(a_shape, b_shape)
            check(f"{op} {a_shape} {b_shape} {T.elem(a)}", f"""
                %r = adj.{op} %a, %b : {ty(a)}, {ty(b)}
                return %r : {ty(out, T.elem(a))}""", {"a": a, "b": b})

# maximum and minimum propagate NaN (checked in f64, see above); compare is
# ordered except ne.
for dtype in (np.float32, np.float64):
    a = np.array([1, NAN, 2, NAN, -INF, 0.0, -0.0, 3], dtype=dtype)
    b = np.array([NAN, 1, 2, NAN, 5, -0.0, 0.0, -INF], dtype=dtype)
    for op in ("maximum", "minimum") if dtype == np.float64 else ():
        check(f"{op} NaN {T.elem(a)}", f"""
            %r = adj.{op} %a, %b : {ty(a)}, {ty(b)}
            return %r : {ty(a)}""", {"a": a, "b": b})
    for direction in ("eq", "ne", "lt", "le", "gt", "ge"):
        check(f"compare {direction} NaN {T.elem(a)}", f"""
            %r = adj.compare {direction}, %a, %b : {ty(a)}, {ty(b)}
            return %r : {ty(a.shape, "i1")}""", {"a": a, "b": b})

for direction in ("eq", "ne", "lt", "le", "gt", "ge"):
    a = T.randint(0, 3, 4, 3).astype(np.float32)
    b = T.randint(0, 3, 3).astype(np.float32)
    check(f"compare {direction} broadcast", f"""
        %r = adj.compare {direction}, %a, %b : {ty(a)}, {ty(b)}
        return %r : {ty((4, 3), "i1")}""", {"a": a, "b": b})

# select broadcasts its three operands together.
for c_shape, t_shape, f_shape in [((4, 3), (4, 3), (4, 3)),
                                  ((4, 3), (3,), ()),
                                  ((4, 1), (1, 3), (4, 3)),
                                  ((), (2, 3), (3,))]:
    for dtype in (np.float32, np.float64):
        c = np.asarray(T.rng.random(c_shape) < 0.5)
        t = T.randn(*t_shape, dtype=dtype)
        f = T.randn(*f_shape, dtype=dtype)
        out = np.broadcast_shapes(c_shape, t_shape, f_shape)
        check(f"select {c_shape} {t_shape} {f_shape} {T.elem(t)}", f"""
            %r = adj.select %c, %t, %f : {ty(c)}, {ty(t)}, {ty(f)}
            return %r : {ty(out, T.elem(t))}""", {"c": c, "t": t, "f": f})

# convert: floats round, floats to integers truncate toward zero and
# saturate (NaN gives 0), integers wrap, nonzero (NaN too) is true.
FINITE = [0.0, -0.0, 0.5, -0.5, 1.99, -1.99, 7, -7, 1e3, 3e9, -3e9, 1e30,
          -1e30]
FLOATS = FINITE + [NAN, INF, -INF]
INTS = [0, 1, -1, 7, 2**31 - 1, -2**31, 2**31, 2**33 + 5, -2**40 - 3]
CASES = [
    (np.array(FLOATS, np.float32), "f64"), (np.array(FINITE, np.float64), "f32"),
    (np.array(FLOATS, np.float32), "i32"), (np.array(FLOATS, np.float64), "i32"),
    (np.array(FINITE[:-2], np.float64), "i64"),
    (np.array(FLOATS, np.float32), "i1"), (np.array(FLOATS, np.float64), "i1"),
    (np.array(INTS, np.int64), "i32"), (np.array(INTS, np.int64), "f64"),
    (np.array(INTS, np.int64), "f32"), (np.array(INTS, np.int64), "i1"),
    (np.array(INTS[:6], np.int32), "i64"), (np.array(INTS[:6], np.int32), "f32"),
    (np.array(INTS[:6], np.int32), "i1"),
    (np.array([True, False, True]), "f32"), (np.array([True, False]), "f64"),
    (np.array([True, False, True]), "i32"), (np.array([True, False]), "i64"),
]
for x, to in CASES:
    check(f"convert {T.elem(x)} -> {to}", f"""
        %r = adj.convert %x : {ty(x)} -> {ty(x.shape, to)}
        return %r : {ty(x.shape, to)}""", {"x": x})

# Constants, fill (0.1 is rounded to f32 for an f32 tensor) and iota. The
# argument keeps each function non-constant, so nothing folds them away
# before the lowering.
for elem in ("f32", "f64"):
    x = T.randn(2, 3, dtype=np.float32 if elem == "f32" else np.float64)
    check(f"constant fill iota {elem}", f"""
        %c = adj.constant dense<[[1.5, -2.0, 0.1], [3.0, 4.25, -0.0]]> : {ty((2, 3), elem)}
        %f = adj.fill 0.1 : {ty((2, 3), elem)}
        %i = adj.iota dim 1 : {ty((2, 3), elem)}
        %j = adj.iota dim 0 : {ty((2, 3), elem)}
        %0 = adj.mul %x, %c : {ty(x)}, {ty((2, 3), elem)}
        %1 = adj.add %0, %f : {ty(x)}, {ty((2, 3), elem)}
        %2 = adj.mul %1, %i : {ty(x)}, {ty((2, 3), elem)}
        %3 = adj.sub %2, %j : {ty(x)}, {ty((2, 3), elem)}
        return %3, %f, %i : {ty(x)}, {ty((2, 3), elem)}, {ty((2, 3), elem)}""",
          {"x": x})
for elem in ("i32", "i64"):
    x = T.randn(4, 5)
    check(f"iota {elem}", f"""
        %i = adj.iota dim 1 : {ty((4, 5), elem)}
        %c = adj.constant dense<[1, -2, 3, 4, 5]> : {ty((5,), elem)}
        %f = adj.convert %i : {ty((4, 5), elem)} -> {ty((4, 5), "f64")}
        %r = adj.mul %x, %f : {ty(x)}, {ty((4, 5), "f64")}
        return %r, %i, %c : {ty(x)}, {ty((4, 5), elem)}, {ty((5,), elem)}""",
          {"x": x})

ct.done()
