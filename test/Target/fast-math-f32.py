# RUN: %python %s
# f32 transcendentals in compiled loops (adj-fast-math's polynomials) against
# NumPy in f64 rounded to f32: within 4 ulp on points of every scale,
# subnormal inputs of log and log2 included (their approximations once gave
# log(FLT_MIN) for every subnormal), and the same infinities and NaNs.
# 4099 points: the vector loop and its scalar remainder both run.
import math

import numpy as np

import compiletest as ct

N = 4099
rng = np.random.default_rng(0)
subnormal = 2.0 ** -126 * rng.uniform(0, 1, 300)
EXTREMES = [0.0, -0.0, 1e-45, 1e-42, 1.17e-38, 1.2e-38, 1e-30, 7.9, 8.0,
            -9.0, 88.0, 89.0, -104.0, np.inf, -np.inf, np.nan, -1.0]
x = np.concatenate([EXTREMES, subnormal, np.exp(rng.uniform(-87, 88, 1500)),
                    3 * rng.standard_normal(1500),
                    rng.uniform(-12, 12, N - 3300 - len(EXTREMES))])
x = x.astype(np.float32)
T = f"tensor<{N}xf32>"
UNARY = [("log", np.log), ("log2", np.log2), ("exp", np.exp),
         ("tanh", np.tanh), ("erf", np.vectorize(math.erf)),
         ("log1p", np.log1p), ("expm1", np.expm1)]

failures = []
for op, oracle in UNARY:
    lib = ct.compile_source(
        f"func.func @f(%x: {T}) -> {T} {{\n  %r = math.{op} %x : {T}\n"
        f"  return %r : {T}\n}}")
    got, = lib.call("f", x)
    with np.errstate(all="ignore"):
        want = oracle(x.astype(np.float64)).astype(np.float32)
    finite = np.isfinite(want)
    try:
        assert np.array_equal(np.isnan(got), np.isnan(want)), "NaN differs"
        assert np.array_equal(got[np.isinf(want)], want[np.isinf(want)]), \
            "inf differs"
        error = np.abs(got[finite].astype(np.float64) - want[finite])
        ulps = error / np.spacing(np.abs(want[finite]))
        worst = np.argmax(ulps)
        assert ulps[worst] <= 4, (
            f"{ulps[worst]:.3g} ulp at x = {x[finite][worst]!r}: "
            f"got {got[finite][worst]!r}, want {want[finite][worst]!r}")
    except AssertionError as e:
        failures.append(op)
        print(f"FAIL math.{op}: {e}")
print(f"{len(UNARY) - len(failures)} passed, {len(failures)} failed")
assert not failures
