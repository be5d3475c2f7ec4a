// RUN: adjoint-opt %s --adj-stage-linalg=optimize=false -adj-fuse-elementwise -canonicalize -cse | FileCheck %s

// A loss (a reduction) and a gradient-like map of the same exp: one loop,
// one exp.
// CHECK-LABEL: func.func @sibling
// CHECK:         %[[R:.*]]:2 = linalg.generic
// CHECK-SAME:      iterator_types = ["reduction"]
// CHECK-SAME:      outs(%{{.*}}, %{{.*}} : tensor<f32>, tensor<16xf32>)
// CHECK:           math.exp
// CHECK-NOT:       math.exp
// CHECK:           math.tanh
// CHECK:           linalg.yield
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[R]]#0, %[[R]]#1
func.func @sibling(%x: tensor<16xf32>) -> (tensor<f32>, tensor<16xf32>) {
  %e = adj.exp %x : tensor<16xf32>
  %l = adj.sum %e : tensor<16xf32> -> tensor<f32>
  %t = adj.tanh %e : tensor<16xf32>
  return %l, %t : tensor<f32>, tensor<16xf32>
}

// A producer read by a broadcast is not fused: it would be recomputed for
// every row.
// CHECK-LABEL: func.func @broadcast
// CHECK:         linalg.generic
// CHECK:           math.exp
// CHECK:         linalg.generic
// CHECK-NOT:       math.exp
// CHECK:           arith.mulf
func.func @broadcast(%x: tensor<4xf32>, %y: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %e = adj.exp %x : tensor<4xf32>
  %p = adj.mul %y, %e : tensor<3x4xf32>, tensor<4xf32>
  return %p : tensor<3x4xf32>
}

// Contractions stay named ops, for their kernels; the elementwise consumer of
// a matmul is not merged into it.
// CHECK-LABEL: func.func @matmul
// CHECK:         linalg.matmul
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel"]
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %m = adj.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  %r = adj.relu %m : tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}
