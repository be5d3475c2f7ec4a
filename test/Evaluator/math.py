# RUN: %python %s
# Upstream math ops on tensors (models and rule files use those Adjoint has no
# op of its own for) against NumPy and Python's math module.
import math
import numpy as np
import adjtest as T
from adjtest import f64, ty

T.seed(2)

# op, oracle, input domain: "any" (normal), "unit" ((-0.9, 0.9)), "pos"
# ([0.25, 2.25)), "ge1" ([1.25, 3.25)).
UNARY = [
    ("absf", np.abs, "any"), ("acos", np.arccos, "unit"),
    ("acosh", np.arccosh, "ge1"), ("asin", np.arcsin, "unit"),
    ("asinh", np.arcsinh, "any"), ("atan", np.arctan, "any"),
    ("atanh", np.arctanh, "unit"), ("cbrt", np.cbrt, "any"),
    ("ceil", np.ceil, "any"), ("cos", np.cos, "any"), ("cosh", np.cosh, "any"),
    ("erf", np.vectorize(math.erf), "any"), ("exp", np.exp, "any"),
    ("exp2", np.exp2, "any"), ("expm1", np.expm1, "any"),
    ("floor", np.floor, "any"), ("log", np.log, "pos"),
    ("log10", np.log10, "pos"), ("log1p", np.log1p, "pos"),
    ("log2", np.log2, "pos"), ("rsqrt", lambda x: 1.0 / np.sqrt(x), "pos"),
    ("sin", np.sin, "any"), ("sinh", np.sinh, "any"), ("sqrt", np.sqrt, "pos"),
    ("tan", np.tan, "unit"), ("tanh", np.tanh, "any"), ("trunc", np.trunc, "any"),
]
BINARY = [("atan2", np.arctan2), ("copysign", np.copysign), ("powf", np.power)]

def sample(domain, shape, dtype):
    if domain == "unit":
        return T.rng.uniform(-0.9, 0.9, shape).astype(dtype)
    if domain == "pos":
        return T.randn(*shape, dtype=dtype, positive=True)
    if domain == "ge1":
        return (T.randn(*shape, dtype=dtype, positive=True) + 1).astype(dtype)
    return T.randn(*shape, dtype=dtype, scale=2.0)

for op, oracle, domain in UNARY:
    for shape, dtype in [((3, 4), np.float64), ((2, 3), np.float32)]:
        x = sample(domain, shape, dtype)
        T.check(f"math.{op} {ty(x)}", f"""
            %r = math.{op} %x : {ty(x)}
            return %r : {ty(x)}""", {"x": x}, oracle(f64(x)))

for op, oracle in BINARY:
    x = T.randn(2, 3, positive=True)
    y = T.randn(2, 3)
    T.check(f"math.{op}", f"""
        %r = math.{op} %x, %y : {ty(x)}
        return %r : {ty(x)}""", {"x": x, "y": y}, oracle(x, y))

# Integer math ops have no kernel: a clear error, not a wrong number.
i = np.array([1, -2, 3], np.int64)
src = T.func(f"""
    %r = math.absi %x : {ty(i)}
    return %r : {ty(i)}""", {"x": i})
code, _, err, _, _ = T.run(src, {"x": i})
T.expect("math.absi is reported", code == 1 and
         "the reference evaluator does not support 'math.absi' on 'tensor<3xi64>'" in err, err)

T.done()
