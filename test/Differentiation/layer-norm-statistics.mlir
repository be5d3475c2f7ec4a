// RUN: adjoint-opt %s -adj-differentiate -inline -adj-decompose -canonicalize -cse | FileCheck %s

// The derivative rule of layer_norm rebuilds the statistics the way
// adj-decompose expands the op: after CSE the backward pass reuses the
// forward's mean, variance and 1/sqrt(var + eps) instead of recomputing them.

func.func @f(%x: tensor<4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<f32> {
  %y = adj.layer_norm %x, %g, %b axis 1 : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>
  %s = adj.sum %y : tensor<4x8xf32> -> tensor<f32>
  return %s : tensor<f32>
}

// CHECK-LABEL: func.func @value_and_grad
// CHECK:         adj.square
// CHECK-NOT:     adj.square
// CHECK:         adj.rsqrt
// CHECK-NOT:     adj.rsqrt
// CHECK:         return
func.func @value_and_grad(%x: tensor<4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>)
    -> (tensor<f32>, tensor<4x8xf32>, tensor<8xf32>) {
  %l, %dx, %dg = adj.value_and_grad @f(%x, %g, %b) wrt [0, 1]
      : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>)
      -> (tensor<f32>, tensor<4x8xf32>, tensor<8xf32>)
  return %l, %dx, %dg : tensor<f32>, tensor<4x8xf32>, tensor<8xf32>
}
