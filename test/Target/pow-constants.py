# RUN: %python %s
# adj.pow with the constant exponents canonicalization computes without pow
# (x, x*x, x*x*x, sqrt, rsqrt, 1/x, 1/(x*x)) and one it keeps (1.5): values
# and derivatives against NumPy's power in f64, for f32 and f64, on both
# signs (fractional exponents: positive x), at 1 and 2 threads.
import numpy as np

import compiletest as ct

N = 1027
rng = np.random.default_rng(0)
mixed = np.concatenate([rng.uniform(-3, 3, N - 3), [0.5, -1.0, 2.0]])
positive = np.abs(mixed) + 0.05
w = rng.uniform(-1, 1, N)

failures = []
for c in [1.0, 2.0, 3.0, 0.5, -0.5, -1.0, -2.0, 1.5]:
    x = mixed if c == int(c) and c > 0 else positive
    if c == -1.0 or c == -2.0:
        x = np.where(np.abs(mixed) < 0.05, 0.05, mixed)
    for dtype, e, tol in [(np.float32, "f32", 2e-6), (np.float64, "f64", 4e-15)]:
        T = f"tensor<{N}x{e}>"
        source = f"""
func.func @f(%x: {T}) -> {T} {{
  %c = adj.constant dense<{c}> : tensor<{e}>
  %y = adj.pow %x, %c : {T}, tensor<{e}>
  return %y : {T}
}}
func.func @loss(%x: {T}, %w: {T}) -> tensor<{e}> {{
  %y = func.call @f(%x) : ({T}) -> {T}
  %yw = adj.mul %y, %w : {T}
  %s = adj.sum %yw : {T} -> tensor<{e}>
  return %s : tensor<{e}>
}}"""
        label = f"x^{c} {e}"
        try:
            lib = ct.compile_source(source, ["--grad", "loss:wrt=0"])
            xs, ws = x.astype(dtype), w.astype(dtype)
            want = np.power(xs.astype(np.float64), c)
            dwant = ws * c * np.power(xs.astype(np.float64), c - 1)
            for threads in (1, 2):
                lib.dll.t_set_num_threads(threads)
                y, = lib.call("f", xs)
                dx, = lib.call("loss_grad", xs, ws)
                np.testing.assert_allclose(y, want, rtol=tol, atol=0)
                np.testing.assert_allclose(dx, dwant, rtol=4 * tol, atol=tol)
        except (AssertionError, RuntimeError) as err:
            failures.append(label)
            print(f"FAIL {label}: {err}")

print(f"{16 - len(failures)} of 16 passed")
assert not failures, failures
