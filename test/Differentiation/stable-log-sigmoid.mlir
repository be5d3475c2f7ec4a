// The differentiate stage canonicalizes before adj-differentiate, so the
// derivative of log(sigmoid(x)) is built from adj.log's stable form
// -softplus(-x) (its FileCheck: Dialect/Adj/canonicalize.mlir) and stays
// finite where sigmoid rounds to 0; adjoint-run runs the same stage, also
// without a request.
// RUN: rm -rf %t && split-file %s %t
// RUN: adjoint-opt %t/grad.mlir --adj-stage-differentiate | FileCheck %s
// RUN: adjoint-run %t/grad.mlir --fn main | FileCheck %s --check-prefix=VALUE
// RUN: adjoint-run %t/forward.mlir | FileCheck %s --check-prefix=FORWARD
// The values against PyTorch f64 at x in [-1e4, 1e4]: Import/stable-logsigmoid.py.

//--- grad.mlir
// CHECK-LABEL: func @f
// CHECK-NOT:     adj.sigmoid
// CHECK-NOT:     adj.log %
// CHECK:         adj.log1p
// CHECK-LABEL: func private @f_grad
// CHECK-NOT:     adj.sigmoid
// CHECK-NOT:     adj.log %
// CHECK:         return
func.func @f(%x: tensor<4xf64>) -> tensor<f64> {
  %0 = adj.sigmoid %x : tensor<4xf64>
  %1 = adj.log %0 : tensor<4xf64>
  %2 = adj.sum %1 : tensor<4xf64> -> tensor<f64>
  return %2 : tensor<f64>
}

// At x = -800 sigmoid(x) is 0 even in f64: log(sigmoid(x)) = -800 and its
// derivative 1 - sigmoid(x) = 1 (the unstable form: -inf and NaN).
// log(sigmoid(x)) = -softplus(-x), d/dx = sigmoid(-x):
//   x = -800, -200, 0, 30 -> -800, -200, -log 2, -e^-30
// VALUE:      result 0: tensor<f64>
// VALUE-NEXT: -1000.6931
// VALUE:      result 1: tensor<4xf64>
// VALUE-NEXT: [{{ *}}1, 1, 0.5, 9.3576{{[0-9]*}}e-14]
func.func @main() -> (tensor<f64>, tensor<4xf64>) {
  %x = adj.constant dense<[-800.0, -200.0, 0.0, 30.0]> : tensor<4xf64>
  %v, %g = adj.value_and_grad @f(%x) : (tensor<4xf64>) -> (tensor<f64>, tensor<4xf64>)
  return %v, %g : tensor<f64>, tensor<4xf64>
}

//--- forward.mlir
// A module without a request: the evaluator canonicalizes it too.
// FORWARD:      result 0: tensor<4xf64>
// FORWARD-NEXT: [{{ *}}-800, -200, -0.69314{{[0-9]*}}, -9.3576{{[0-9]*}}e-14]
func.func @forward() -> tensor<4xf64> {
  %x = adj.constant dense<[-800.0, -200.0, 0.0, 30.0]> : tensor<4xf64>
  %0 = adj.sigmoid %x : tensor<4xf64>
  %1 = adj.log %0 : tensor<4xf64>
  return %1 : tensor<4xf64>
}
