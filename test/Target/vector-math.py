# RUN: %python %s
# f64 math in compiled loops (vectorized with glibc's libmvec on x86-64,
# lib/Target/NativeCode.cpp) against NumPy's libm: within 4 ulp on random
# points of every scale, the same infinities, NaNs and signed zeros on the
# extremes (0, -0, subnormals, overflow, inf, nan). 4099 points: the vector
# loop and its scalar remainder both run.
import math

import numpy as np

import compiletest as ct

N = 4099
rng = np.random.default_rng(0)
EXTREMES = [0.0, -0.0, 5e-324, -5e-324, 1e-310, 1e-300, -1e-300, 1e-20,
            -1e-17, 1e-8, 0.5, 1.0, -1.0, 2.0, 19.0, 20.0, -22.0, 300.0,
            700.0, 709.7, 710.0, -745.0, -746.0, 1e10, 1e300, -1e300, 1.7e308,
            np.inf, -np.inf, np.nan]
x = np.concatenate([
    EXTREMES, 3 * rng.standard_normal(1500),
    np.exp(rng.uniform(-700, 700, 1500)) * rng.choice([-1, 1], 1500),
    rng.uniform(-40, 40, N - 3000 - len(EXTREMES))])
y = np.concatenate([rng.uniform(-3, 3, N // 2), rng.standard_normal(N - N // 2)])
T = f"tensor<{N}xf64>"

UNARY = [("tanh", np.tanh), ("exp", np.exp), ("log", np.log),
         ("log1p", np.log1p), ("expm1", np.expm1), ("sin", np.sin), ("cos", np.cos),
         ("erf", np.vectorize(math.erf)), ("atan", np.arctan),
         ("exp2", np.exp2), ("log2", np.log2), ("log10", np.log10),
         ("sinh", np.sinh), ("cosh", np.cosh), ("cbrt", np.cbrt),
         ("tan", np.tan), ("asinh", np.arcsinh)]
BINARY = [("powf", np.power, np.abs(x), y), ("atan2", np.arctan2, x, y)]


failures = []


def check(label, body, inputs, want):
    args = ", ".join(f"%{name}: {T}" for name in inputs)
    try:
        lib = ct.compile_source(
            f"func.func @f({args}) -> {T} {{\n{body}\n  return %r : {T}\n}}")
        got, = lib.call("f", *inputs.values())
        finite = np.isfinite(want)
        assert np.array_equal(np.isnan(got), np.isnan(want)), "NaN differs"
        assert np.array_equal(got[~finite & ~np.isnan(want)],
                              want[~finite & ~np.isnan(want)]), "inf differs"
        zero = want == 0
        assert np.array_equal(got[zero], want[zero]) and np.array_equal(
            np.signbit(got[zero]), np.signbit(want[zero])), "zero differs"
        ulps = np.abs(got[finite] - want[finite]) / np.spacing(
            np.abs(want[finite]))
        worst = np.argmax(ulps)
        assert ulps[worst] <= 4, (
            f"{ulps[worst]:.3g} ulp at {worst}: got {got[finite][worst]!r}, "
            f"want {want[finite][worst]!r}")
    except (AssertionError, RuntimeError, OSError) as e:
        failures.append(label)
        print(f"FAIL {label}: {e}")


with np.errstate(all="ignore"):
    for op, oracle in UNARY:
        check(f"math.{op}", f"  %r = math.{op} %x : {T}", {"x": x}, oracle(x))
    for op, oracle, a, b in BINARY:
        check(f"math.{op}", f"  %r = math.{op} %x, %y : {T}",
              {"x": a, "y": b}, oracle(a, b))
checks = len(UNARY) + len(BINARY)
print(f"{checks - len(failures)} passed, {len(failures)} failed")
assert not failures
