// Calls are differentiated through the callee's own derivative: several
// results, a callee called twice, nested calls, an argument the result does
// not depend on (its derivative is zero), an unused result.
// RUN: adjoint-run %s --check-grad --seed 0 | FileCheck %s

func.func private @two_results(%x: tensor<3xf64>, %w: tensor<3xf64>) -> (tensor<3xf64>, tensor<f64>) {
  %0 = adj.mul %x, %w : tensor<3xf64>
  %1 = adj.tanh %0 : tensor<3xf64>
  %2 = adj.dot %x, %w : tensor<3xf64> -> tensor<f64>
  return %1, %2 : tensor<3xf64>, tensor<f64>
}
func.func private @nested(%x: tensor<3xf64>) -> tensor<3xf64> {
  %a, %b = func.call @two_results(%x, %x) : (tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<f64>)
  %0 = adj.mul %a, %b : tensor<3xf64>, tensor<f64>
  return %0 : tensor<3xf64>
}

// CHECK-LABEL: @calls:
// CHECK-COUNT-4: ok
func.func @calls(%x: tensor<3xf64>, %w: tensor<3xf64>, %unused: tensor<2xf64>) -> tensor<3xf64> {
  %a, %b = func.call @two_results(%x, %w) : (tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<f64>)
  %c, %d = func.call @two_results(%a, %x) : (tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<f64>)
  %n = func.call @nested(%c) : (tensor<3xf64>) -> tensor<3xf64>
  %0 = adj.mul %n, %b : tensor<3xf64>, tensor<f64>
  return %0 : tensor<3xf64>
}
