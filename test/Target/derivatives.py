# Compiled derivative functions of every kind — value_and_grad, grad, vjp,
# jvp and a Hessian-vector product (jvp of a gradient) — against the
# reference evaluator on the same inputs, in f64 and f32.
# RUN: %python %s

import numpy as np

import compiletest as ct

SOURCE = """
func.func private @f(%W: tensor<5x4xf64>, %b: tensor<4xf64>, %x: tensor<3x5xf64>)
    -> (tensor<f64>, tensor<3x4xf64>) {
  %0 = adj.matmul %x, %W : tensor<3x5xf64>, tensor<5x4xf64> -> tensor<3x4xf64>
  %1 = adj.add %0, %b : tensor<3x4xf64>, tensor<4xf64>
  %2 = adj.tanh %1 : tensor<3x4xf64>
  %3 = adj.logsumexp %2 axes [1] : tensor<3x4xf64> -> tensor<3xf64>
  %4 = adj.sum %3 : tensor<3xf64> -> tensor<f64>
  return %4, %2 : tensor<f64>, tensor<3x4xf64>
}
func.func private @scalar(%W: tensor<5x4xf64>, %b: tensor<4xf64>, %x: tensor<3x5xf64>) -> tensor<f64> {
  %s, %y = func.call @f(%W, %b, %x) : (tensor<5x4xf64>, tensor<4xf64>, tensor<3x5xf64>) -> (tensor<f64>, tensor<3x4xf64>)
  return %s : tensor<f64>
}
func.func @value_and_grad(%W: tensor<5x4xf64>, %b: tensor<4xf64>, %x: tensor<3x5xf64>)
    -> (tensor<f64>, tensor<5x4xf64>, tensor<4xf64>) {
  %v, %dW, %db = adj.value_and_grad @scalar(%W, %b, %x) wrt [0, 1]
      : (tensor<5x4xf64>, tensor<4xf64>, tensor<3x5xf64>) -> (tensor<f64>, tensor<5x4xf64>, tensor<4xf64>)
  return %v, %dW, %db : tensor<f64>, tensor<5x4xf64>, tensor<4xf64>
}
func.func @grad_x(%W: tensor<5x4xf64>, %b: tensor<4xf64>, %x: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %dx = adj.grad @scalar(%W, %b, %x) wrt [2] : (tensor<5x4xf64>, tensor<4xf64>, tensor<3x5xf64>) -> tensor<3x5xf64>
  return %dx : tensor<3x5xf64>
}
func.func @vjp(%W: tensor<5x4xf64>, %b: tensor<4xf64>, %x: tensor<3x5xf64>, %cs: tensor<f64>, %cy: tensor<3x4xf64>)
    -> (tensor<f64>, tensor<3x4xf64>, tensor<5x4xf64>, tensor<4xf64>, tensor<3x5xf64>) {
  %s, %y, %dW, %db, %dx = adj.vjp @f(%W, %b, %x) cotangents(%cs, %cy)
      : (tensor<5x4xf64>, tensor<4xf64>, tensor<3x5xf64>, tensor<f64>, tensor<3x4xf64>)
        -> (tensor<f64>, tensor<3x4xf64>, tensor<5x4xf64>, tensor<4xf64>, tensor<3x5xf64>)
  return %s, %y, %dW, %db, %dx : tensor<f64>, tensor<3x4xf64>, tensor<5x4xf64>, tensor<4xf64>, tensor<3x5xf64>
}
func.func @jvp(%W: tensor<5x4xf64>, %b: tensor<4xf64>, %x: tensor<3x5xf64>, %tW: tensor<5x4xf64>)
    -> (tensor<f64>, tensor<3x4xf64>, tensor<f64>, tensor<3x4xf64>) {
  %s, %y, %ts, %ty = adj.jvp @f(%W, %b, %x) tangents(%tW) wrt [0]
      : (tensor<5x4xf64>, tensor<4xf64>, tensor<3x5xf64>, tensor<5x4xf64>)
        -> (tensor<f64>, tensor<3x4xf64>, tensor<f64>, tensor<3x4xf64>)
  return %s, %y, %ts, %ty : tensor<f64>, tensor<3x4xf64>, tensor<f64>, tensor<3x4xf64>
}
func.func private @gradient(%W: tensor<5x4xf64>, %b: tensor<4xf64>, %x: tensor<3x5xf64>) -> tensor<5x4xf64> {
  %dW = adj.grad @scalar(%W, %b, %x) wrt [0] : (tensor<5x4xf64>, tensor<4xf64>, tensor<3x5xf64>) -> tensor<5x4xf64>
  return %dW : tensor<5x4xf64>
}
func.func @hvp(%W: tensor<5x4xf64>, %b: tensor<4xf64>, %x: tensor<3x5xf64>, %v: tensor<5x4xf64>) -> tensor<5x4xf64> {
  %g, %hv = adj.jvp @gradient(%W, %b, %x) tangents(%v) wrt [0]
      : (tensor<5x4xf64>, tensor<4xf64>, tensor<3x5xf64>, tensor<5x4xf64>) -> (tensor<5x4xf64>, tensor<5x4xf64>)
  return %hv : tensor<5x4xf64>
}
"""

rng = np.random.default_rng(3)
SHAPES = {"W": (5, 4), "b": (4,), "x": (3, 5)}
EXTRA = {"vjp": {"cs": (), "cy": (3, 4)}, "jvp": {"tW": (5, 4)},
         "hvp": {"v": (5, 4)}}
for dtype, source in [(np.float64, SOURCE),
                      (np.float32, SOURCE.replace("f64>", "f32>"))]:
    for fn in ["value_and_grad", "grad_x", "vjp", "jvp", "hvp"]:
        shapes = dict(SHAPES, **EXTRA.get(fn, {}))
        inputs = {f"arg{i}": rng.normal(size=s).astype(dtype)
                  for i, s in enumerate(shapes.values())}
        ct.check_against_evaluator(f"{fn} {np.dtype(dtype)}", source, fn,
                                   inputs)
ct.done()
