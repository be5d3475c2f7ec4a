// A rule file's rules for an op with a built-in rule apply to the types
// they accept; other uses keep the built-in rule. Inputs/sin-rules.mlir is
// for f64 only: the f64 adj.sin gets the file's rule (sin(x + pi/2)), the
// f32 one the built-in adj.cos, and both derivatives are right.
// RUN: adjoint-opt %s --rules %S/Inputs/sin-rules.mlir -adj-differentiate | FileCheck %s
// RUN: adjoint-run %s --rules %S/Inputs/sin-rules.mlir --check-grad | FileCheck %s --check-prefix=GRAD

// CHECK-LABEL: func.func private @f_grad
// CHECK-DAG:     adj.cos %{{.*}} : tensor<3xf32>
// CHECK-DAG:     adj.constant dense<1.5707963267948966> : tensor<f64>
// CHECK-NOT:     adj.cos %{{.*}} : tensor<4xf64>
// GRAD-LABEL: @f:
// GRAD-COUNT-3: ok
// GRAD-NOT: FAILED
func.func @f(%x: tensor<3xf32>, %z: tensor<4xf64>) -> tensor<f64> {
  %a = adj.sin %x : tensor<3xf32>
  %s = adj.sum %a : tensor<3xf32> -> tensor<f32>
  %sd = adj.convert %s : tensor<f32> -> tensor<f64>
  %b = adj.sin %z : tensor<4xf64>
  %t = adj.sum %b : tensor<4xf64> -> tensor<f64>
  %r = adj.add %sd, %t : tensor<f64>
  return %r : tensor<f64>
}
func.func @g(%x: tensor<3xf32>, %z: tensor<4xf64>) -> (tensor<3xf32>, tensor<4xf64>) {
  %gx, %gz = adj.grad @f(%x, %z) : (tensor<3xf32>, tensor<4xf64>) -> (tensor<3xf32>, tensor<4xf64>)
  return %gx, %gz : tensor<3xf32>, tensor<4xf64>
}
