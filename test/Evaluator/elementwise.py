# RUN: %python %s
# Elementwise unary ops and adj.convert against NumPy.
import numpy as np
import adjtest as T
from adjtest import f64, ty

T.seed(1)

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))

# op, oracle, input domain: "any" (normal, scaled by 3), "pos" ([0.25, 2.25)),
# "log1p" (> -1), "unit" ((-0.9, 0.9)), "acosh" ((1, 4)).
UNARY = [
    ("neg", np.negative, "any"), ("abs", np.abs, "any"),
    ("exp", np.exp, "any"), ("log", np.log, "pos"),
    ("log1p", np.log1p, "log1p"), ("sqrt", np.sqrt, "pos"),
    ("rsqrt", lambda x: 1.0 / np.sqrt(x), "pos"), ("tanh", np.tanh, "any"),
    ("sigmoid", sigmoid, "any"), ("relu", lambda x: np.maximum(x, 0.0), "any"),
    ("sin", np.sin, "any"), ("cos", np.cos, "any"),
    ("square", np.square, "any"), ("floor", np.floor, "any"),
    ("ceil", np.ceil, "any"), ("round", np.round, "any"),
    ("tan", np.tan, "unit"), ("asin", np.arcsin, "unit"),
    ("acos", np.arccos, "unit"), ("atan", np.arctan, "any"),
    ("sinh", np.sinh, "any"), ("cosh", np.cosh, "any"),
    ("asinh", np.arcsinh, "any"), ("acosh", np.arccosh, "acosh"),
    ("atanh", np.arctanh, "unit"),
]

def sample(domain, shape, dtype):
    if domain == "pos":
        return T.randn(*shape, dtype=dtype, positive=True)
    if domain == "log1p":  # in (-1, 0] and tiny, where log1p matters
        x = np.concatenate([T.rng.uniform(-0.99, 1e-3, 6), 1e-10 * T.rng.normal(size=6)])
        return np.resize(x, shape).astype(dtype)
    if domain == "unit":
        return T.rng.uniform(-0.9, 0.9, shape).astype(dtype)
    if domain == "acosh":
        return T.rng.uniform(1.0, 4.0, shape).astype(dtype)
    return T.randn(*shape, dtype=dtype, scale=3.0)

for op, oracle, domain in UNARY:
    for shape, dtype in [((3, 4), np.float64), ((2, 3, 2), np.float32), ((), np.float64)]:
        x = sample(domain, shape, dtype)
        T.check(f"{op} {ty(x)}", f"""
            %r = adj.{op} %x : {ty(x)}
            return %r : {ty(x)}""", {"x": x}, oracle(f64(x)))

# IEEE special values: zeros, infinities, NaN, overflow and underflow (as
# C's <cmath>). NaN is left out where the .td does not define it (relu).
big = [0.0, -0.0, np.inf, -np.inf, 800.0, -800.0, 1e-300, np.nan]
SPECIAL = {"neg": big, "abs": big, "exp": big, "tanh": big, "sigmoid": big,
           "sin": big, "cos": big, "square": big + [1e200],
           "floor": big + [2.5, -2.5, 0.5, -0.5], "ceil": big + [2.5, -2.5],
           "round": big + [2.5, -2.5, 0.5, -0.5, 1.5, 4503599627370497.0],
           "relu": [0.0, -0.0, np.inf, -np.inf, 1e-300, -1e-300],
           "log": [0.0, -1.0, np.inf, 1e-300, np.nan],
           "log1p": [-1.0, -2.0, np.inf, 1e-300, -1e-300, np.nan],
           "sqrt": [0.0, -0.0, -1.0, np.inf, 1e-300, np.nan],
           "rsqrt": [0.0, -1.0, np.inf, 1e-300, np.nan],
           "tan": big, "atan": big, "sinh": big, "cosh": big, "asinh": big,
           "asin": [1.0, -1.0, 2.0, 0.0, -0.0, np.inf, np.nan],
           "acos": [1.0, -1.0, 2.0, 0.0, -0.0, np.inf, np.nan],
           "acosh": [1.0, 0.5, 1e300, np.inf, np.nan],
           "atanh": [1.0, -1.0, 2.0, 0.0, -0.0, 1e-300, np.nan]}
with np.errstate(all="ignore"):
    for op, oracle, _ in UNARY:
        x = np.array(SPECIAL[op])
        T.check(f"{op} special values", f"""
            %r = adj.{op} %x : {ty(x)}
            return %r : {ty(x)}""", {"x": x}, oracle(x))

# adj.convert: C conversions (float -> int truncates toward zero, nonzero ->
# i1 is true). Integer and i1 results come back as int64 / bool.
floats = [2.7, -2.7, 0.5, -0.5, 3.0, -0.0, 100.9, -7.25]
CONVERT = [  # input array, result element type, expected
    (np.array(floats), "i32", np.array([2, -2, 0, 0, 3, 0, 100, -7])),
    (np.array(floats, np.float32), "i64", np.array([2, -2, 0, 0, 3, 0, 100, -7])),
    (np.array(floats), "i1", np.array(floats) != 0),
    # f64 -> f32 on values exact in f32, so rounding or not gives the same.
    (np.array(floats, np.float32).astype(np.float64), "f32", np.array(floats, np.float32)),
    (np.array(floats, np.float32), "f64", np.array(floats, np.float32)),
    (np.array([[-3, 0], [7, 1 << 40]], np.int64), "f64", [[-3.0, 0.0], [7.0, 2.0**40]]),
    (np.array([-3, 0, 7], np.int32), "f32", [-3.0, 0.0, 7.0]),
    (np.array([-3, 0, 7], np.int32), "i64", np.array([-3, 0, 7])),
    (np.array([-5, 0, 5], np.int64), "i32", np.array([-5, 0, 5])),
    (np.array([0, 3, -1], np.int32), "i1", np.array([False, True, True])),
    (np.array([True, False, True]), "f32", [1.0, 0.0, 1.0]),
    (np.array([True, False]), "i64", np.array([1, 0])),
    (np.array(2.5), "i32", np.array(2)),
    # C leaves these undefined; the evaluator documents saturation, NaN -> 0
    # and, between integer types, keeping the low bits.
    (np.array([1e10, -1e10, np.nan, np.inf, -np.inf]), "i32",
     np.array([2**31 - 1, -2**31, 0, 2**31 - 1, -2**31])),
    (np.array([2**32 + 5, 2**31, -2**31 - 1], np.int64), "i32", np.array([5, -2**31, 2**31 - 1])),
]
for x, elem, want in CONVERT:
    out = ty(x.shape, elem)
    T.check(f"convert {ty(x)} -> {out}", f"""
        %r = adj.convert %x : {ty(x)} -> {out}
        return %r : {out}""", {"x": x}, np.asarray(want))

T.done()
