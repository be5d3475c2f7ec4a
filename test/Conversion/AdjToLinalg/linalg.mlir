// RUN: adjoint-opt %s -convert-adj-to-linalg -split-input-file | FileCheck %s

// Contractions and reductions become named linalg ops on zero- (or
// identity-) filled accumulators.

// CHECK-LABEL: func.func @matmul(
// CHECK-SAME:      %[[A:.*]]: tensor<4x8xf32>, %[[B:.*]]: tensor<8x3xf32>)
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4x3xf32>
// CHECK:         %[[ACC:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<4x3xf32>)
// CHECK:         %[[R:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<4x8xf32>, tensor<8x3xf32>) outs(%[[ACC]] : tensor<4x3xf32>)
// CHECK:         return %[[R]]
func.func @matmul(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>) -> tensor<4x3xf32> {
  %y = adj.matmul %a, %b : tensor<4x8xf32>, tensor<8x3xf32> -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// Batches of lhs against an unbatched rhs are more rows of one 2-D matmul,
// on views (the linear layer on [batch, seq, features]).

// CHECK-LABEL: func.func @matmul_rows(
// CHECK-SAME:      %[[A:.*]]: tensor<2x4x8x16xf64>, %[[B:.*]]: tensor<1x16x8xf64>)
// CHECK-DAG:     %[[A2:.*]] = tensor.collapse_shape %[[A]] {{\[\[}}0, 1, 2], [3]] : tensor<2x4x8x16xf64> into tensor<64x16xf64>
// CHECK-DAG:     %[[B2:.*]] = tensor.collapse_shape %[[B]] {{\[\[}}0, 1], [2]] : tensor<1x16x8xf64> into tensor<16x8xf64>
// CHECK:         %[[R:.*]] = linalg.matmul ins(%[[A2]], %[[B2]] : tensor<64x16xf64>, tensor<16x8xf64>) outs(%{{.*}} : tensor<64x8xf64>)
// CHECK:         %[[Y:.*]] = tensor.expand_shape %[[R]] {{\[\[}}0, 1, 2], [3]] output_shape [2, 4, 8, 8] : tensor<64x8xf64> into tensor<2x4x8x8xf64>
// CHECK:         return %[[Y]]
func.func @matmul_rows(%a: tensor<2x4x8x16xf64>, %b: tensor<1x16x8xf64>) -> tensor<2x4x8x8xf64> {
  %y = adj.matmul %a, %b : tensor<2x4x8x16xf64>, tensor<1x16x8xf64> -> tensor<2x4x8x8xf64>
  return %y : tensor<2x4x8x8xf64>
}

// -----

// Batched: the batch dimensions collapse into one for linalg.batch_matmul;
// an operand whose batch broadcasts is materialized with linalg.broadcast.

// CHECK-LABEL: func.func @batch_matmul(
// CHECK-SAME:      %[[A:.*]]: tensor<2x4x5x8xf32>, %[[B:.*]]: tensor<4x8x3xf32>)
// CHECK:         %[[A3:.*]] = tensor.collapse_shape %[[A]] {{\[\[}}0, 1], [2], [3]] : tensor<2x4x5x8xf32> into tensor<8x5x8xf32>
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<2x4x8x3xf32>
// CHECK:         %[[BB:.*]] = linalg.broadcast ins(%[[B]] : tensor<4x8x3xf32>) outs(%[[E]] : tensor<2x4x8x3xf32>) dimensions = [0]
// CHECK:         %[[B3:.*]] = tensor.collapse_shape %[[BB]] {{\[\[}}0, 1], [2], [3]] : tensor<2x4x8x3xf32> into tensor<8x8x3xf32>
// CHECK:         %[[R:.*]] = linalg.batch_matmul ins(%[[A3]], %[[B3]] : tensor<8x5x8xf32>, tensor<8x8x3xf32>) outs(%{{.*}} : tensor<8x5x3xf32>)
// CHECK:         tensor.expand_shape %[[R]] {{\[\[}}0, 1], [2], [3]] output_shape [2, 4, 5, 3]
func.func @batch_matmul(%a: tensor<2x4x5x8xf32>, %b: tensor<4x8x3xf32>) -> tensor<2x4x5x3xf32> {
  %y = adj.matmul %a, %b : tensor<2x4x5x8xf32>, tensor<4x8x3xf32> -> tensor<2x4x5x3xf32>
  return %y : tensor<2x4x5x3xf32>
}

// -----

// CHECK-LABEL: func.func @batch_matmul_broadcast_lhs(
// CHECK-SAME:      %[[A:.*]]: tensor<5x8xf32>, %[[B:.*]]: tensor<3x8x6xf32>)
// CHECK:         %[[AB:.*]] = linalg.broadcast ins(%[[A]] : tensor<5x8xf32>) outs(%{{.*}} : tensor<3x5x8xf32>) dimensions = [0]
// CHECK:         %[[R:.*]] = linalg.batch_matmul ins(%[[AB]], %[[B]] : tensor<3x5x8xf32>, tensor<3x8x6xf32>)
// CHECK:         return %[[R]]
func.func @batch_matmul_broadcast_lhs(%a: tensor<5x8xf32>, %b: tensor<3x8x6xf32>) -> tensor<3x5x6xf32> {
  %y = adj.matmul %a, %b : tensor<5x8xf32>, tensor<3x8x6xf32> -> tensor<3x5x6xf32>
  return %y : tensor<3x5x6xf32>
}

// -----

// CHECK-LABEL: func.func @dot(
// CHECK-SAME:      %[[U:.*]]: tensor<16xf64>, %[[V:.*]]: tensor<16xf64>)
// CHECK:         %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f64) outs(%{{.*}} : tensor<f64>)
// CHECK:         %[[R:.*]] = linalg.dot ins(%[[U]], %[[V]] : tensor<16xf64>, tensor<16xf64>) outs(%[[ACC]] : tensor<f64>)
// CHECK:         return %[[R]]
func.func @dot(%u: tensor<16xf64>, %v: tensor<16xf64>) -> tensor<f64> {
  %d = adj.dot %u, %v : tensor<16xf64> -> tensor<f64>
  return %d : tensor<f64>
}

// -----

// CHECK-LABEL: func.func @transpose(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3x4xi1>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4x2x3xi1>
// CHECK:         %[[R:.*]] = linalg.transpose ins(%[[X]] : tensor<2x3x4xi1>) outs(%[[E]] : tensor<4x2x3xi1>) permutation = [2, 0, 1]
// CHECK:         return %[[R]]
func.func @transpose(%x: tensor<2x3x4xi1>) -> tensor<4x2x3xi1> {
  %t = adj.transpose %x [2, 0, 1] : tensor<2x3x4xi1> -> tensor<4x2x3xi1>
  return %t : tensor<4x2x3xi1>
}

// -----

// Reductions start from the identity; max and min combine with
// arith.maximumf/minimumf, so that NaN propagates.

// CHECK-LABEL: func.func @sum(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3x4xf64>)
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK:         %[[ACC:.*]] = linalg.fill ins(%[[ZERO]] : f64) outs(%{{.*}} : tensor<3xf64>)
// CHECK:         %[[R:.*]] = linalg.reduce ins(%[[X]] : tensor<2x3x4xf64>) outs(%[[ACC]] : tensor<3xf64>) dimensions = [0, 2]
// CHECK:           (%[[IN:.*]]: f64, %[[INIT:.*]]: f64) {
// CHECK:             %[[S:.*]] = arith.addf %[[IN]], %[[INIT]] : f64
// CHECK:             linalg.yield %[[S]] : f64
// CHECK:         return %[[R]]
func.func @sum(%x: tensor<2x3x4xf64>) -> tensor<3xf64> {
  %s = adj.sum %x axes [0, 2] : tensor<2x3x4xf64> -> tensor<3xf64>
  return %s : tensor<3xf64>
}

// -----

// CHECK-LABEL: func.func @prod_all(
// CHECK:         %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:         %[[ACC:.*]] = linalg.fill ins(%[[ONE]] : f32) outs(%{{.*}} : tensor<f32>)
// CHECK:         linalg.reduce ins(%{{.*}} : tensor<2x3xf32>) outs(%[[ACC]] : tensor<f32>) dimensions = [0, 1]
// CHECK:           arith.mulf
func.func @prod_all(%x: tensor<2x3xf32>) -> tensor<f32> {
  %p = adj.prod %x : tensor<2x3xf32> -> tensor<f32>
  return %p : tensor<f32>
}

// -----

// keepdims restores the reduced axes with size 1: an expand_shape.

// CHECK-LABEL: func.func @max_keepdims(
// CHECK:         %[[NINF:.*]] = arith.constant 0xFFF0000000000000 : f64
// CHECK:         %[[ACC:.*]] = linalg.fill ins(%[[NINF]] : f64) outs(%{{.*}} : tensor<2xf64>)
// CHECK:         %[[R:.*]] = linalg.reduce ins(%{{.*}} : tensor<2x3x4xf64>) outs(%[[ACC]] : tensor<2xf64>) dimensions = [1, 2]
// CHECK:           arith.maximumf
// CHECK:         %[[K:.*]] = tensor.expand_shape %[[R]] {{\[\[}}0, 1, 2]] output_shape [2, 1, 1] : tensor<2xf64> into tensor<2x1x1xf64>
// CHECK:         return %[[K]]
func.func @max_keepdims(%x: tensor<2x3x4xf64>) -> tensor<2x1x1xf64> {
  %m = adj.max %x axes [1, 2] keepdims : tensor<2x3x4xf64> -> tensor<2x1x1xf64>
  return %m : tensor<2x1x1xf64>
}

// -----

// CHECK-LABEL: func.func @min_all_keepdims(
// CHECK:         %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK:         %[[ACC:.*]] = linalg.fill ins(%[[INF]] : f32) outs(%{{.*}} : tensor<f32>)
// CHECK:         %[[R:.*]] = linalg.reduce ins(%{{.*}} : tensor<2x3xf32>) outs(%[[ACC]] : tensor<f32>) dimensions = [0, 1]
// CHECK:           arith.minimumf
// CHECK:         tensor.expand_shape %[[R]] [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @min_all_keepdims(%x: tensor<2x3xf32>) -> tensor<1x1xf32> {
  %m = adj.min %x keepdims : tensor<2x3xf32> -> tensor<1x1xf32>
  return %m : tensor<1x1xf32>
}

// -----

// Reducing no axis (a 0-d operand, or an empty axes list) is the identity.

// CHECK-LABEL: func.func @no_axis(
// CHECK-SAME:      %[[X:.*]]: tensor<f32>, %[[Y:.*]]: tensor<3xf32>)
// CHECK-NOT:     linalg.reduce
// CHECK:         return %[[X]], %[[Y]]
func.func @no_axis(%x: tensor<f32>, %y: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %0 = adj.sum %x : tensor<f32> -> tensor<f32>
  %1 = adj.max %y axes [] : tensor<3xf32> -> tensor<3xf32>
  return %0, %1 : tensor<f32>, tensor<3xf32>
}
