# RUN: %python %s
# A long unrolled program, cut by adj-outline-long-functions into functions
# of at most 2000 ops (checked in its LLVM IR: 5 of them): an RK4 integrator
# of the Lotka-Volterra system, one step function called 8 times, whose
# loss and gradient must match central differences of a float64 NumPy
# integrator.
import subprocess

import numpy as np

import compiletest as ct

STEPS, H = 8, 0.01
T2, T4 = "tensor<2xf32>", "tensor<4xf32>"
# p = [a, -c, -b, d]: dx = a x - b x y, dy = -c y + d x y.
source = f"""
func.func private @f(%s: {T2}, %p: {T4}) -> {T2} {{
  %lin = adj.slice %p start [0] limit [2] : {T4} -> {T2}
  %quad = adj.slice %p start [2] limit [4] : {T4} -> {T2}
  %r = adj.reverse %s dims [0] : {T2}
  %xy = adj.mul %s, %r : {T2}
  %a = adj.mul %lin, %s : {T2}
  %b = adj.mul %quad, %xy : {T2}
  %d = adj.add %a, %b : {T2}
  return %d : {T2}
}}
func.func private @step(%s: {T2}, %p: {T4}) -> {T2} {{
  %h = adj.constant dense<{H}> : tensor<f32>
  %h2 = adj.constant dense<{H / 2}> : tensor<f32>
  %h6 = adj.constant dense<{H / 6}> : tensor<f32>
  %two = adj.constant dense<2.0> : tensor<f32>
  %k1 = func.call @f(%s, %p) : ({T2}, {T4}) -> {T2}
  %t1 = adj.mul %h2, %k1 : tensor<f32>, {T2}
  %s1 = adj.add %s, %t1 : {T2}
  %k2 = func.call @f(%s1, %p) : ({T2}, {T4}) -> {T2}
  %t2 = adj.mul %h2, %k2 : tensor<f32>, {T2}
  %s2 = adj.add %s, %t2 : {T2}
  %k3 = func.call @f(%s2, %p) : ({T2}, {T4}) -> {T2}
  %t3 = adj.mul %h, %k3 : tensor<f32>, {T2}
  %s3 = adj.add %s, %t3 : {T2}
  %k4 = func.call @f(%s3, %p) : ({T2}, {T4}) -> {T2}
  %k22 = adj.mul %two, %k2 : tensor<f32>, {T2}
  %k32 = adj.mul %two, %k3 : tensor<f32>, {T2}
  %u1 = adj.add %k1, %k22 : {T2}
  %u2 = adj.add %u1, %k32 : {T2}
  %u3 = adj.add %u2, %k4 : {T2}
  %u = adj.mul %h6, %u3 : tensor<f32>, {T2}
  %n = adj.add %s, %u : {T2}
  return %n : {T2}
}}
func.func @loss(%s0: {T2}, %p: {T4}) -> tensor<f32> {{
""" + "".join(
    f"  %s{i + 1} = func.call @step(%s{i}, %p) : ({T2}, {T4}) -> {T2}\n"
    for i in range(STEPS)) + f"""  %sq = adj.square %s{STEPS} : {T2}
  %l = adj.sum %sq : {T2} -> tensor<f32>
  return %l : tensor<f32>
}}
"""


def loss(s, p):
    def f(s):
        x, y = s
        return np.array([p[0] * x + p[2] * x * y, p[1] * y + p[3] * x * y])
    for _ in range(STEPS):
        k1 = f(s)
        k2 = f(s + H / 2 * k1)
        k3 = f(s + H / 2 * k2)
        k4 = f(s + H * k3)
        s = s + H / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return float(np.sum(s * s))


d = ct.tmpdir()
src = d + "/rk4.mlir"
with open(src, "w") as f:
    f.write(source)
ir = subprocess.run([ct.COMPILE, src, "-o", "-", "--emit=llvm-ir", "--prefix",
                     "t", "--value-and-grad", "loss"], capture_output=True,
                    text=True, check=True).stdout
parts = ir.count("define internal fastcc void @t_loss_value_and_grad_part")
assert parts >= 2, f"expected the value and gradient cut into pieces, found {parts}"

lib = ct.compile_source(source, ["--value-and-grad", "loss"])
s0, p = np.array([1.0, 0.5]), np.array([1.1, -0.4, -0.4, 0.1])
value, ds, dp = lib.call("loss_value_and_grad", s0.astype(np.float32),
                         p.astype(np.float32))
eps = 1e-6
want_s = [(loss(s0 + e, p) - loss(s0 - e, p)) / (2 * eps)
          for e in np.eye(2) * eps]
want_p = [(loss(s0, p + e) - loss(s0, p - e)) / (2 * eps)
          for e in np.eye(4) * eps]
np.testing.assert_allclose(value, loss(s0, p), rtol=1e-5)
np.testing.assert_allclose(np.concatenate([ds, dp]),
                           np.concatenate([want_s, want_p]), rtol=1e-4,
                           atol=1e-6)
print(f"{parts} pieces; value and gradient match")
