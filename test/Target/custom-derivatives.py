# Custom derivatives (adj.custom_vjp / adj.custom_jvp): the compiled library
# and the reference evaluator compute exactly the user's derivative, checked
# against NumPy.
#  - a straight-through estimator: sign(w) forward, the identity backward
#    (its body's own derivative would be zero);
#  - log-sum-exp whose vjp is the softmax, computed from the result so that
#    it does not overflow for large inputs.
# RUN: %python %s

import numpy as np

import compiletest as ct

SOURCE = """
func.func private @binarize(%x: tensor<6xf32>) -> tensor<6xf32>
    attributes {adj.custom_vjp = @binarize_custom_vjp,
                adj.custom_jvp = @binarize_custom_jvp} {
  %zero = adj.fill 0.0 : tensor<6xf32>
  %one = adj.fill 1.0 : tensor<6xf32>
  %minus = adj.fill -1.0 : tensor<6xf32>
  %m = adj.compare gt, %x, %zero : tensor<6xf32>, tensor<6xf32>
  %y = adj.select %m, %one, %minus : tensor<6xi1>, tensor<6xf32>, tensor<6xf32>
  return %y : tensor<6xf32>
}
func.func private @binarize_custom_vjp(%x: tensor<6xf32>, %ct: tensor<6xf32>) -> tensor<6xf32> {
  return %ct : tensor<6xf32>
}
func.func private @binarize_custom_jvp(%x: tensor<6xf32>, %t: tensor<6xf32>) -> tensor<6xf32> {
  return %t : tensor<6xf32>
}
func.func private @ste_loss(%w: tensor<6xf32>, %x: tensor<6xf32>) -> tensor<f32> {
  %b = call @binarize(%w) : (tensor<6xf32>) -> tensor<6xf32>
  %p = adj.mul %b, %x : tensor<6xf32>, tensor<6xf32>
  %l = adj.sum %p : tensor<6xf32> -> tensor<f32>
  return %l : tensor<f32>
}
func.func @ste(%w: tensor<6xf32>, %x: tensor<6xf32>) -> (tensor<f32>, tensor<6xf32>) {
  %l, %dw = adj.value_and_grad @ste_loss(%w, %x) wrt [0]
      : (tensor<6xf32>, tensor<6xf32>) -> (tensor<f32>, tensor<6xf32>)
  return %l, %dw : tensor<f32>, tensor<6xf32>
}
func.func @ste_jvp(%w: tensor<6xf32>, %t: tensor<6xf32>) -> (tensor<6xf32>, tensor<6xf32>) {
  %y, %dy = adj.jvp @binarize(%w) tangents(%t) wrt [0]
      : (tensor<6xf32>, tensor<6xf32>) -> (tensor<6xf32>, tensor<6xf32>)
  return %y, %dy : tensor<6xf32>, tensor<6xf32>
}

func.func private @lse(%x: tensor<4x5xf32>) -> tensor<4xf32>
    attributes {adj.custom_vjp = @lse_custom_vjp} {
  %m = adj.max %x axes [1] keepdims : tensor<4x5xf32> -> tensor<4x1xf32>
  %d = adj.sub %x, %m : tensor<4x5xf32>, tensor<4x1xf32>
  %e = adj.exp %d : tensor<4x5xf32>
  %s = adj.sum %e axes [1] : tensor<4x5xf32> -> tensor<4xf32>
  %l = adj.log %s : tensor<4xf32>
  %m1 = adj.reshape %m : tensor<4x1xf32> -> tensor<4xf32>
  %y = adj.add %l, %m1 : tensor<4xf32>, tensor<4xf32>
  return %y : tensor<4xf32>
}
// d lse / dx = softmax(x) = exp(x - lse(x)).
func.func private @lse_custom_vjp(%x: tensor<4x5xf32>, %ct: tensor<4xf32>) -> tensor<4x5xf32> {
  %y = call @lse(%x) : (tensor<4x5xf32>) -> tensor<4xf32>
  %y1 = adj.reshape %y : tensor<4xf32> -> tensor<4x1xf32>
  %d = adj.sub %x, %y1 : tensor<4x5xf32>, tensor<4x1xf32>
  %p = adj.exp %d : tensor<4x5xf32>
  %c1 = adj.reshape %ct : tensor<4xf32> -> tensor<4x1xf32>
  %g = adj.mul %p, %c1 : tensor<4x5xf32>, tensor<4x1xf32>
  return %g : tensor<4x5xf32>
}
func.func @lse_vjp(%x: tensor<4x5xf32>, %ct: tensor<4xf32>) -> (tensor<4xf32>, tensor<4x5xf32>) {
  %y, %dx = adj.vjp @lse(%x) cotangents(%ct) wrt [0]
      : (tensor<4x5xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4x5xf32>)
  return %y, %dx : tensor<4xf32>, tensor<4x5xf32>
}
"""

rng = np.random.default_rng(0)
w = rng.normal(size=6).astype(np.float32)
x = rng.normal(size=6).astype(np.float32)
t = rng.normal(size=6).astype(np.float32)
# Rows that overflow exp in f32 unless the maximum is subtracted.
big = (rng.normal(size=(4, 5)) * 3 + np.array([[0], [100], [-100], [1000]])).astype(np.float32)
ct_lse = rng.normal(size=4).astype(np.float32)

x64 = big.astype(np.float64)
lse = np.log(np.exp(x64 - x64.max(1, keepdims=True)).sum(1)) + x64.max(1)
expected = {
    "ste": [np.sum(np.sign(w) * x), x],   # the identity gradient
    "ste_jvp": [np.sign(w), t],
    "lse_vjp": [lse, np.exp(x64 - lse[:, None]) * ct_lse[:, None]],
}
inputs = {"ste": [w, x], "ste_jvp": [w, t], "lse_vjp": [big, ct_lse]}

lib = ct.compile_source(SOURCE)
for fn, want in expected.items():
    ct._count += 1
    got = lib.call(fn, *inputs[fn])
    evaluated = ct.evaluate(SOURCE, fn, {f"arg{i}": a for i, a in enumerate(inputs[fn])})
    for i, (g, e, w_) in enumerate(zip(got, evaluated, want)):
        ct.compare(g, w_, "f32", f"{fn}: compiled result {i} vs NumPy")
        ct.compare(e, w_, "f32", f"{fn}: evaluated result {i} vs NumPy")
ct.done()
