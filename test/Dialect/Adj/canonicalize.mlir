// Checks every folder of the adj dialect, and the cases each must leave alone.
// RUN: adjoint-opt %s -split-input-file -canonicalize="test-convergence" | FileCheck %s

// CHECK-LABEL: func @neg_neg
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @neg_neg(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = adj.neg %x : tensor<4xf32>
  %1 = adj.neg %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @neg_abs
// CHECK:         %[[A:.*]] = adj.abs
// CHECK:         %[[N:.*]] = adj.neg %[[A]]
// CHECK:         return %[[N]]
func.func @neg_abs(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = adj.abs %x : tensor<4xf32>
  %1 = adj.neg %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @neg_neg_neg
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT:    %[[N:.*]] = adj.neg %[[X]]
// CHECK-NEXT:    return %[[N]]
func.func @neg_neg_neg(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = adj.neg %x : tensor<4xf32>
  %1 = adj.neg %0 : tensor<4xf32>
  %2 = adj.neg %1 : tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @convert_same_type
// CHECK-SAME:    (%[[X:.*]]: tensor<4xi64>)
// CHECK-NEXT:    return %[[X]]
func.func @convert_same_type(%x: tensor<4xi64>) -> tensor<4xi64> {
  %0 = adj.convert %x : tensor<4xi64> -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// A round trip through another type is not the identity (f64 -> f32 rounds).
// CHECK-LABEL: func @convert_other_type
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf64>)
// CHECK:         %[[A:.*]] = adj.convert %[[X]] : tensor<4xf64> -> tensor<4xf32>
// CHECK:         %[[B:.*]] = adj.convert %[[A]] : tensor<4xf32> -> tensor<4xf64>
// CHECK:         return %[[B]]
func.func @convert_other_type(%x: tensor<4xf64>) -> tensor<4xf64> {
  %0 = adj.convert %x : tensor<4xf64> -> tensor<4xf32>
  %1 = adj.convert %0 : tensor<4xf32> -> tensor<4xf64>
  return %1 : tensor<4xf64>
}

// -----

// CHECK-LABEL: func @add_zero
// CHECK-SAME:    (%[[X:.*]]: tensor<4x3xf32>)
// CHECK-NEXT:    return %[[X]], %[[X]], %[[X]]
func.func @add_zero(%x: tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>) {
  %zero = adj.constant dense<-0.0> : tensor<4x3xf32>
  %zero_row = adj.constant dense<-0.0> : tensor<3xf32>
  %zero_scalar = adj.fill -0.0 : tensor<f32>
  %0 = adj.add %x, %zero : tensor<4x3xf32>
  %1 = adj.add %x, %zero_row : tensor<4x3xf32>, tensor<3xf32>
  %2 = adj.add %x, %zero_scalar : tensor<4x3xf32>, tensor<f32>
  return %0, %1, %2 : tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>
}

// -----

// x + (+0.0) is not x when x is -0.0, so it stays.
// CHECK-LABEL: func @add_positive_zero
// CHECK:         adj.add
func.func @add_positive_zero(%x: tensor<3xf32>) -> tensor<3xf32> {
  %zero = adj.constant dense<0.0> : tensor<3xf32>
  %0 = adj.add %x, %zero : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// The constant moves to the right of the commutative add, then folds.
// CHECK-LABEL: func @zero_add
// CHECK-SAME:    (%[[X:.*]]: tensor<3xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @zero_add(%x: tensor<3xf32>) -> tensor<3xf32> {
  %zero = adj.constant dense<-0.0> : tensor<3xf32>
  %0 = adj.add %zero, %x : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Adding a zero that broadcasts x to a larger shape is not the identity.
// CHECK-LABEL: func @add_zero_broadcasts
// CHECK-SAME:    (%[[X:.*]]: tensor<3xf32>)
// CHECK:         %[[Z:.*]] = adj.constant dense<0.000000e+00> : tensor<4x3xf32>
// CHECK:         %[[R:.*]] = adj.add %[[X]], %[[Z]] : tensor<3xf32>, tensor<4x3xf32>
// CHECK:         return %[[R]]
func.func @add_zero_broadcasts(%x: tensor<3xf32>) -> tensor<4x3xf32> {
  %zero = adj.constant dense<0.0> : tensor<4x3xf32>
  %0 = adj.add %x, %zero : tensor<3xf32>, tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func @add_not_zero
// CHECK-DAG:     %[[ONE:.*]] = adj.constant dense<1.000000e+00> : tensor<3xf32>
// CHECK-DAG:     %[[MIX:.*]] = adj.constant dense<[0.000000e+00, 1.000000e+00, 0.000000e+00]> : tensor<3xf32>
// CHECK:         %[[A:.*]] = adj.add %{{.*}}, %[[ONE]]
// CHECK:         %[[B:.*]] = adj.add %{{.*}}, %[[MIX]]
// CHECK:         return %[[A]], %[[B]]
func.func @add_not_zero(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %one = adj.constant dense<1.0> : tensor<3xf32>
  %mix = adj.constant dense<[0.0, 1.0, 0.0]> : tensor<3xf32>
  %0 = adj.add %x, %one : tensor<3xf32>
  %1 = adj.add %x, %mix : tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func @sub_zero
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf64>)
// CHECK-NEXT:    return %[[X]]
func.func @sub_zero(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %zero = adj.fill 0.0 : tensor<3xf64>
  %0 = adj.sub %x, %zero : tensor<2x3xf64>, tensor<3xf64>
  return %0 : tensor<2x3xf64>
}

// -----

// sub is not commutative: 0 - x stays.
// CHECK-LABEL: func @zero_sub
// CHECK-SAME:    (%[[X:.*]]: tensor<3xf32>)
// CHECK:         %[[Z:.*]] = adj.constant dense<0.000000e+00> : tensor<3xf32>
// CHECK:         %[[R:.*]] = adj.sub %[[Z]], %[[X]]
// CHECK:         return %[[R]]
func.func @zero_sub(%x: tensor<3xf32>) -> tensor<3xf32> {
  %zero = adj.constant dense<0.0> : tensor<3xf32>
  %0 = adj.sub %zero, %x : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @mul_one
// CHECK-SAME:    (%[[X:.*]]: tensor<4x3xf32>)
// CHECK-NEXT:    return %[[X]], %[[X]]
func.func @mul_one(%x: tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %one = adj.constant dense<1.0> : tensor<f32>
  %0 = adj.mul %x, %one : tensor<4x3xf32>, tensor<f32>
  %1 = adj.mul %one, %x : tensor<f32>, tensor<4x3xf32>
  return %0, %1 : tensor<4x3xf32>, tensor<4x3xf32>
}

// -----

// Multiplying by 0 is not folded (x may be inf or nan); 1 that broadcasts
// x stays.
// CHECK-LABEL: func @mul_not_one
// CHECK-SAME:    (%[[X:.*]]: tensor<3xf32>)
// CHECK-DAG:     %[[ZERO:.*]] = adj.constant dense<0.000000e+00> : tensor<3xf32>
// CHECK-DAG:     %[[ONES:.*]] = adj.constant dense<1.000000e+00> : tensor<2x3xf32>
// CHECK:         %[[A:.*]] = adj.mul %[[X]], %[[ZERO]]
// CHECK:         %[[B:.*]] = adj.mul %[[X]], %[[ONES]]
// CHECK:         return %[[A]], %[[B]]
func.func @mul_not_one(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<2x3xf32>) {
  %zero = adj.constant dense<0.0> : tensor<3xf32>
  %ones = adj.constant dense<1.0> : tensor<2x3xf32>
  %0 = adj.mul %x, %zero : tensor<3xf32>
  %1 = adj.mul %ones, %x : tensor<2x3xf32>, tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @div_one
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @div_one(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = adj.fill 1.0 : tensor<4xf32>
  %0 = adj.div %x, %one : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @one_div
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK:         %[[R:.*]] = adj.div %{{.*}}, %[[X]]
// CHECK:         return %[[R]]
func.func @one_div(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = adj.fill 1.0 : tensor<4xf32>
  %0 = adj.div %one, %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// maximum and minimum have no folders (pow's are below).
// CHECK-LABEL: func @no_identity_folders
// CHECK:         adj.maximum
// CHECK:         adj.minimum
func.func @no_identity_folders(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %1 = adj.maximum %x, %x : tensor<4xf32>
  %2 = adj.minimum %x, %x : tensor<4xf32>
  return %1, %2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func @fill
// CHECK-DAG:     %[[A:.*]] = adj.constant dense<1.500000e+00> : tensor<2x3xf32>
// CHECK-DAG:     %[[B:.*]] = adj.constant dense<-2.500000e-01> : tensor<4xf64>
// CHECK-NOT:     adj.fill
// CHECK:         return %[[A]], %[[B]]
func.func @fill() -> (tensor<2x3xf32>, tensor<4xf64>) {
  %0 = adj.fill 1.5 : tensor<2x3xf32>
  %1 = adj.fill -0.25 : tensor<4xf64>
  return %0, %1 : tensor<2x3xf32>, tensor<4xf64>
}

// -----

// Equal constants are merged; unused ones are erased.
// CHECK-LABEL: func @constant
// CHECK:         %[[C:.*]] = adj.constant dense<[1, 2]> : tensor<2xi32>
// CHECK-NOT:     adj.constant
// CHECK:         return %[[C]], %[[C]]
func.func @constant() -> (tensor<2xi32>, tensor<2xi32>) {
  %0 = adj.constant dense<[1, 2]> : tensor<2xi32>
  %1 = adj.constant dense<[1, 2]> : tensor<2xi32>
  %2 = adj.constant dense<0.0> : tensor<8xf32>
  return %0, %1 : tensor<2xi32>, tensor<2xi32>
}

// -----

// CHECK-LABEL: func @iota
// CHECK:         adj.iota dim 0 : tensor<4xf32>
func.func @iota() -> tensor<4xf32> {
  %0 = adj.iota dim 0 : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @transpose_identity
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = adj.transpose %x [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// transpose(transpose(x, p), q) = transpose(x, [p[q[0]], p[q[1]], ...]).
// CHECK-LABEL: func @transpose_transpose
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT:    %[[T:.*]] = adj.transpose %[[X]] [2, 1, 0] : tensor<2x3x4xf32> -> tensor<4x3x2xf32>
// CHECK-NEXT:    return %[[T]]
func.func @transpose_transpose(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {
  %0 = adj.transpose %x [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %1 = adj.transpose %0 [1, 0, 2] : tensor<3x4x2xf32> -> tensor<4x3x2xf32>
  return %1 : tensor<4x3x2xf32>
}

// -----

// CHECK-LABEL: func @transpose_inverse
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xi1>)
// CHECK-NEXT:    return %[[X]]
func.func @transpose_inverse(%x: tensor<2x3x4xi1>) -> tensor<2x3x4xi1> {
  %0 = adj.transpose %x [1, 2, 0] : tensor<2x3x4xi1> -> tensor<3x4x2xi1>
  %1 = adj.transpose %0 [2, 0, 1] : tensor<3x4x2xi1> -> tensor<2x3x4xi1>
  return %1 : tensor<2x3x4xi1>
}

// -----

// A transpose whose input has another use still composes; the inner one stays
// for that use.
// CHECK-LABEL: func @transpose_shared
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    %[[T:.*]] = adj.transpose %[[X]] [1, 0]
// CHECK-NEXT:    return %[[T]], %[[X]]
func.func @transpose_shared(%x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<2x3xf32>) {
  %0 = adj.transpose %x [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = adj.transpose %0 [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @transpose_once
// CHECK:         adj.transpose %{{.*}} [1, 0]
func.func @transpose_once(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = adj.transpose %x [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Reductions over nothing, or over kept axes of size 1, are the identity.
// CHECK-LABEL: func @trivial_reductions
// CHECK-SAME:    (%[[X:.*]]: tensor<4x1xf32>, %[[S:.*]]: tensor<f64>)
// CHECK-NEXT:    return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[S]]
func.func @trivial_reductions(%x: tensor<4x1xf32>, %s: tensor<f64>)
    -> (tensor<4x1xf32>, tensor<4x1xf32>, tensor<4x1xf32>, tensor<4x1xf32>,
        tensor<4x1xf32>, tensor<f64>) {
  %0 = adj.sum %x axes [1] keepdims : tensor<4x1xf32> -> tensor<4x1xf32>
  %1 = adj.mean %x axes [] : tensor<4x1xf32> -> tensor<4x1xf32>
  %2 = adj.max %x axes [1] keepdims : tensor<4x1xf32> -> tensor<4x1xf32>
  %3 = adj.min %x axes [] keepdims : tensor<4x1xf32> -> tensor<4x1xf32>
  %4 = adj.prod %x axes [1] keepdims : tensor<4x1xf32> -> tensor<4x1xf32>
  %5 = adj.logsumexp %s : tensor<f64> -> tensor<f64>
  return %0, %1, %2, %3, %4, %5 : tensor<4x1xf32>, tensor<4x1xf32>, tensor<4x1xf32>, tensor<4x1xf32>, tensor<4x1xf32>, tensor<f64>
}

// -----

// Dropping a size-1 axis changes the type; reducing a size-4 axis is real.
// CHECK-LABEL: func @nontrivial_reductions
// CHECK:         adj.sum %{{.*}} axes [1] : tensor<4x1xf32> -> tensor<4xf32>
// CHECK:         adj.logsumexp %{{.*}} axes [0] keepdims : tensor<4x1xf32> -> tensor<1x1xf32>
func.func @nontrivial_reductions(%x: tensor<4x1xf32>) -> (tensor<4xf32>, tensor<1x1xf32>) {
  %0 = adj.sum %x axes [1] : tensor<4x1xf32> -> tensor<4xf32>
  %1 = adj.logsumexp %x axes [0] keepdims : tensor<4x1xf32> -> tensor<1x1xf32>
  return %0, %1 : tensor<4xf32>, tensor<1x1xf32>
}

// -----

// CHECK-LABEL: func @reshape_same_type
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @reshape_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = adj.reshape %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @reshape_reshape
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT:    %[[R:.*]] = adj.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<4x6xf32>
// CHECK-NEXT:    return %[[R]]
func.func @reshape_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = adj.reshape %x : tensor<2x3x4xf32> -> tensor<24xf32>
  %1 = adj.reshape %0 : tensor<24xf32> -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// CHECK-LABEL: func @reshape_round_trip
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xi64>)
// CHECK-NEXT:    return %[[X]]
func.func @reshape_round_trip(%x: tensor<2x3xi64>) -> tensor<2x3xi64> {
  %0 = adj.reshape %x : tensor<2x3xi64> -> tensor<3x2xi64>
  %1 = adj.reshape %0 : tensor<3x2xi64> -> tensor<2x3xi64>
  return %1 : tensor<2x3xi64>
}

// -----

// CHECK-LABEL: func @reshape_constant
// CHECK-NEXT:    %[[C:.*]] = adj.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-NEXT:    return %[[C]]
func.func @reshape_constant() -> tensor<2x3xf32> {
  %0 = adj.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>
  %1 = adj.reshape %0 : tensor<6xf32> -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @reshape_once
// CHECK:         adj.reshape %{{.*}} : tensor<2x3xf32> -> tensor<6xf32>
func.func @reshape_once(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  %0 = adj.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

// CHECK-LABEL: func @broadcast_to_same_type
// CHECK-SAME:    (%[[X:.*]]: tensor<4x3xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @broadcast_to_same_type(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %0 = adj.broadcast_to %x : tensor<4x3xf32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func @broadcast_to_splat
// CHECK-DAG:     %[[A:.*]] = adj.constant dense<2.000000e+00> : tensor<4x3xf32>
// CHECK-DAG:     %[[B:.*]] = adj.constant dense<true> : tensor<2x5xi1>
// CHECK-NOT:     adj.broadcast_to
// CHECK:         return %[[A]], %[[B]]
func.func @broadcast_to_splat() -> (tensor<4x3xf32>, tensor<2x5xi1>) {
  %two = adj.fill 2.0 : tensor<3xf32>
  %true = adj.constant dense<true> : tensor<1xi1>
  %0 = adj.broadcast_to %two : tensor<3xf32> -> tensor<4x3xf32>
  %1 = adj.broadcast_to %true : tensor<1xi1> -> tensor<2x5xi1>
  return %0, %1 : tensor<4x3xf32>, tensor<2x5xi1>
}

// -----

// CHECK-LABEL: func @broadcast_to_not_splat
// CHECK-SAME:    (%[[X:.*]]: tensor<3xf32>)
// CHECK:         %[[C:.*]] = adj.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK-DAG:     %[[A:.*]] = adj.broadcast_to %[[C]] : tensor<3xf32> -> tensor<2x3xf32>
// CHECK-DAG:     %[[B:.*]] = adj.broadcast_to %[[X]] : tensor<3xf32> -> tensor<2x3xf32>
// CHECK:         return %[[A]], %[[B]]
func.func @broadcast_to_not_splat(%x: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %c = adj.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %0 = adj.broadcast_to %c : tensor<3xf32> -> tensor<2x3xf32>
  %1 = adj.broadcast_to %x : tensor<3xf32> -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @slice_everything
// CHECK-SAME:    (%[[X:.*]]: tensor<4x1xf32>)
// CHECK-NEXT:    return %[[X]], %[[X]]
func.func @slice_everything(%x: tensor<4x1xf32>) -> (tensor<4x1xf32>, tensor<4x1xf32>) {
  %0 = adj.slice %x start [0, 0] limit [4, 1] : tensor<4x1xf32> -> tensor<4x1xf32>
  %1 = adj.slice %x start [0, 0] limit [4, 1] stride [1, 7] : tensor<4x1xf32> -> tensor<4x1xf32>
  return %0, %1 : tensor<4x1xf32>, tensor<4x1xf32>
}

// -----

// CHECK-LABEL: func @slice_part
// CHECK:         adj.slice %{{.*}} start [1, 0] limit [4, 1] : tensor<4x1xf32> -> tensor<3x1xf32>
// CHECK:         adj.slice %{{.*}} start [0, 0] limit [4, 1] stride [2, 1] : tensor<4x1xf32> -> tensor<2x1xf32>
func.func @slice_part(%x: tensor<4x1xf32>) -> (tensor<3x1xf32>, tensor<2x1xf32>) {
  %0 = adj.slice %x start [1, 0] limit [4, 1] : tensor<4x1xf32> -> tensor<3x1xf32>
  %1 = adj.slice %x start [0, 0] limit [4, 1] stride [2, 1] : tensor<4x1xf32> -> tensor<2x1xf32>
  return %0, %1 : tensor<3x1xf32>, tensor<2x1xf32>
}

// -----

// CHECK-LABEL: func @concat_one
// CHECK-SAME:    (%[[X:.*]]: tensor<4x3xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @concat_one(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %0 = adj.concat %x axis 1 : tensor<4x3xf32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func @concat_two
// CHECK:         adj.concat %{{.*}}, %{{.*}} axis 0 : tensor<4x3xf32>, tensor<4x3xf32> -> tensor<8x3xf32>
func.func @concat_two(%x: tensor<4x3xf32>) -> tensor<8x3xf32> {
  %0 = adj.concat %x, %x axis 0 : tensor<4x3xf32>, tensor<4x3xf32> -> tensor<8x3xf32>
  return %0 : tensor<8x3xf32>
}

// -----

// Reversing nothing, or only dimensions of size 1, is the identity.
// CHECK-LABEL: func @reverse_trivial
// CHECK-SAME:    (%[[X:.*]]: tensor<6x1x5x1xf32>)
// CHECK-NEXT:    return %[[X]], %[[X]]
func.func @reverse_trivial(%x: tensor<6x1x5x1xf32>) -> (tensor<6x1x5x1xf32>, tensor<6x1x5x1xf32>) {
  %0 = adj.reverse %x dims [1, 3] : tensor<6x1x5x1xf32>
  %1 = adj.reverse %x dims [] : tensor<6x1x5x1xf32>
  return %0, %1 : tensor<6x1x5x1xf32>, tensor<6x1x5x1xf32>
}

// -----

// CHECK-LABEL: func @reverse_nontrivial
// CHECK-SAME:    (%[[X:.*]]: tensor<6x1x5x1xf32>)
// CHECK-NEXT:    %[[R:.*]] = adj.reverse %[[X]] dims [1, 2] : tensor<6x1x5x1xf32>
// CHECK-NEXT:    return %[[R]]
func.func @reverse_nontrivial(%x: tensor<6x1x5x1xf32>) -> tensor<6x1x5x1xf32> {
  %0 = adj.reverse %x dims [1, 2] : tensor<6x1x5x1xf32>
  return %0 : tensor<6x1x5x1xf32>
}

// -----

// adj.log of a sigmoid: the stable forms (StableMath.cpp), also in
// forward-only compiles; the values against PyTorch f64:
// Import/stable-logsigmoid.py.
// log(sigmoid(x)) -> -softplus(-x), softplus(z) = select(z > 0, z, 0) +
// log1p(exp(select(z > 0, -z, z))): finite where sigmoid rounds to 0.
// CHECK-LABEL: func @log_sigmoid
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK-NOT:     adj.sigmoid
// CHECK-NOT:     adj.log %
// CHECK-DAG:     %[[ZERO:.*]] = adj.constant dense<0.000000e+00> : tensor<f32>
// CHECK-DAG:     %[[Z:.*]] = adj.neg %[[X]]
// CHECK:         %[[P:.*]] = adj.compare gt, %[[Z]], %[[ZERO]]
// CHECK:         %[[LIN:.*]] = adj.select %[[P]], %[[Z]], %[[ZERO]]
// CHECK:         %[[MABS:.*]] = adj.select %[[P]], %[[X]], %[[Z]]
// CHECK:         %[[E:.*]] = adj.exp %[[MABS]]
// CHECK:         %[[L:.*]] = adj.log1p %[[E]]
// CHECK:         %[[SP:.*]] = adj.add %[[LIN]], %[[L]]
// CHECK:         %[[R:.*]] = adj.neg %[[SP]]
// CHECK:         return %[[R]]
func.func @log_sigmoid(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = adj.sigmoid %x : tensor<4xf32>
  %1 = adj.log %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// log(1 - sigmoid(x)) -> -softplus(x).
// CHECK-LABEL: func @log_one_minus_sigmoid
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK-NOT:     adj.sigmoid
// CHECK:         %[[P:.*]] = adj.compare gt, %[[X]]
// CHECK:         adj.log1p
// CHECK:         %[[R:.*]] = adj.neg
// CHECK:         return %[[R]]
func.func @log_one_minus_sigmoid(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = adj.constant dense<1.0> : tensor<f32>
  %0 = adj.sigmoid %x : tensor<4xf32>
  %1 = adj.sub %one, %0 : tensor<f32>, tensor<4xf32>
  %2 = adj.log %1 : tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// Left alone: 2 - sigmoid(x), and a 1 that broadcasts the sigmoid.
// CHECK-LABEL: func @log_sigmoid_kept
// CHECK:         adj.log
// CHECK:         adj.log
func.func @log_sigmoid_kept(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<3x4xf32>) {
  %two = adj.constant dense<2.0> : tensor<f32>
  %ones = adj.constant dense<1.0> : tensor<3x4xf32>
  %0 = adj.sigmoid %x : tensor<4xf32>
  %1 = adj.sub %two, %0 : tensor<f32>, tensor<4xf32>
  %2 = adj.log %1 : tensor<4xf32>
  %3 = adj.sub %ones, %0 : tensor<3x4xf32>, tensor<4xf32>
  %4 = adj.log %3 : tensor<3x4xf32>
  return %2, %4 : tensor<4xf32>, tensor<3x4xf32>
}

// -----

// Splat constants fold, in IEEE arithmetic of the element type: 0.1 + 0.2 is
// not 0.3 in f32 either (0.1f + 0.2f = 0.300000012f, the same as 0.3f) ...
// CHECK-LABEL: func @splat_arith
// CHECK-DAG:     %[[A:.*]] = adj.constant dense<3.000000e+00> : tensor<2x3xf32>
// CHECK-DAG:     %[[S:.*]] = adj.constant dense<-1.000000e+00> : tensor<f64>
// CHECK-DAG:     %[[M:.*]] = adj.constant dense<6.000000e+00> : tensor<3xf32>
// CHECK-DAG:     %[[D:.*]] = adj.constant dense<0x7F800000> : tensor<f32>
// CHECK:         return %[[A]], %[[S]], %[[M]], %[[D]]
func.func @splat_arith() -> (tensor<2x3xf32>, tensor<f64>, tensor<3xf32>, tensor<f32>) {
  %one = adj.constant dense<1.0> : tensor<f32>
  %two = adj.constant dense<2.0> : tensor<2x3xf32>
  %a = adj.add %one, %two : tensor<f32>, tensor<2x3xf32>
  %one64 = adj.constant dense<1.0> : tensor<f64>
  %two64 = adj.constant dense<2.0> : tensor<f64>
  %s = adj.sub %one64, %two64 : tensor<f64>
  %three = adj.constant dense<3.0> : tensor<3xf32>
  %two1 = adj.constant dense<2.0> : tensor<f32>
  %m = adj.mul %three, %two1 : tensor<3xf32>, tensor<f32>
  %zero = adj.constant dense<0.0> : tensor<f32>
  %d = adj.div %one, %zero : tensor<f32>
  return %a, %s, %m, %d : tensor<2x3xf32>, tensor<f64>, tensor<3xf32>, tensor<f32>
}

// -----

// ... but a constant that is not a splat is left alone.
// CHECK-LABEL: func @dense_arith_kept
// CHECK:         adj.add
func.func @dense_arith_kept() -> tensor<2xf32> {
  %a = adj.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = adj.constant dense<1.0> : tensor<f32>
  %c = adj.add %a, %b : tensor<2xf32>, tensor<f32>
  return %c : tensor<2xf32>
}

// -----

// pow with the exponents PyTorch computes without pow.
// CHECK-LABEL: func @pow_constants
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK:         %[[ONE:.*]] = adj.constant dense<1.000000e+00> : tensor<f32>
// CHECK:         %[[SQ:.*]] = adj.mul %[[X]], %[[X]]
// CHECK:         %[[SQ1:.*]] = adj.mul %[[X]], %[[X]]
// CHECK:         %[[CUBE:.*]] = adj.mul %[[SQ1]], %[[X]]
// CHECK:         %[[SQRT:.*]] = adj.sqrt %[[X]]
// CHECK:         %[[RSQRT:.*]] = adj.rsqrt %[[X]]
// CHECK:         %[[INV:.*]] = adj.div %[[ONE]], %[[X]]
// CHECK:         %[[SQ2:.*]] = adj.mul %[[X]], %[[X]]
// CHECK:         %[[INV2:.*]] = adj.div %[[ONE]], %[[SQ2]]
// CHECK:         return %[[X]], %[[SQ]], %[[CUBE]], %[[SQRT]], %[[RSQRT]], %[[INV]], %[[INV2]]
func.func @pow_constants(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %c1 = adj.constant dense<1.0> : tensor<f32>
  %c2 = adj.constant dense<2.0> : tensor<f32>
  %c3 = adj.constant dense<3.0> : tensor<4xf32>
  %ch = adj.constant dense<0.5> : tensor<f32>
  %cmh = adj.constant dense<-0.5> : tensor<f32>
  %cm1 = adj.constant dense<-1.0> : tensor<f32>
  %cm2 = adj.constant dense<-2.0> : tensor<f32>
  %p1 = adj.pow %x, %c1 : tensor<4xf32>, tensor<f32>
  %p2 = adj.pow %x, %c2 : tensor<4xf32>, tensor<f32>
  %p3 = adj.pow %x, %c3 : tensor<4xf32>, tensor<4xf32>
  %ph = adj.pow %x, %ch : tensor<4xf32>, tensor<f32>
  %pmh = adj.pow %x, %cmh : tensor<4xf32>, tensor<f32>
  %pm1 = adj.pow %x, %cm1 : tensor<4xf32>, tensor<f32>
  %pm2 = adj.pow %x, %cm2 : tensor<4xf32>, tensor<f32>
  return %p1, %p2, %p3, %ph, %pmh, %pm1, %pm2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Other exponents, run-time ones and an exponent that broadcasts x stay pow;
// the derivative's exponent (2 - 1) folds, so x^2's derivative has no pow.
// CHECK-LABEL: func @pow_kept
// CHECK-COUNT-3: adj.pow
// CHECK-NOT:     adj.pow
func.func @pow_kept(%x: tensor<4xf32>, %e: tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<3x4xf32>, tensor<4xf32>) {
  %c = adj.constant dense<1.5> : tensor<f32>
  %a = adj.pow %x, %c : tensor<4xf32>, tensor<f32>
  %b = adj.pow %x, %e : tensor<4xf32>, tensor<f32>
  %c2 = adj.constant dense<2.0> : tensor<3x4xf32>
  %d = adj.pow %x, %c2 : tensor<4xf32>, tensor<3x4xf32>
  %one = adj.constant dense<1.0> : tensor<f32>
  %two = adj.constant dense<2.0> : tensor<f32>
  %em1 = adj.sub %two, %one : tensor<f32>
  %f = adj.pow %x, %em1 : tensor<4xf32>, tensor<f32>
  return %a, %b, %d, %f : tensor<4xf32>, tensor<4xf32>, tensor<3x4xf32>, tensor<4xf32>
}

// -----

// A sum over a broadcast never materialises the reduced broadcast
// dimensions: 4e9 copies of each element summed are the element times 4e9.
// CHECK-LABEL: func @sum_of_broadcast_all
// CHECK-SAME:    (%[[X:.*]]: tensor<3xf32>)
// CHECK-DAG:     %[[N:.*]] = adj.constant dense<4.000000e+09> : tensor<f32>
// CHECK-DAG:     %[[S:.*]] = adj.sum %[[X]] axes [0] keepdims : tensor<3xf32> -> tensor<1xf32>
// CHECK:         %[[M:.*]] = adj.mul %[[S]], %[[N]] : tensor<1xf32>, tensor<f32>
// CHECK:         %[[R:.*]] = adj.reshape %[[M]] : tensor<1xf32> -> tensor<f32>
// CHECK-NOT:     adj.broadcast_to
// CHECK:         return %[[R]]
func.func @sum_of_broadcast_all(%x: tensor<3xf32>) -> tensor<f32> {
  %0 = adj.broadcast_to %x : tensor<3xf32> -> tensor<4000000000x3xf32>
  %1 = adj.sum %0 : tensor<4000000000x3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// Only the added dimension is reduced: no reduction of x is left.
// CHECK-LABEL: func @sum_of_broadcast_added_dim
// CHECK-SAME:    (%[[X:.*]]: tensor<3xf64>)
// CHECK:         %[[N:.*]] = adj.constant dense<6.400000e+01> : tensor<f64>
// CHECK:         %[[M:.*]] = adj.mul %[[X]], %[[N]] : tensor<3xf64>, tensor<f64>
// CHECK-NOT:     adj.sum
// CHECK:         return %[[M]]
func.func @sum_of_broadcast_added_dim(%x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = adj.broadcast_to %x : tensor<3xf64> -> tensor<64x3xf64>
  %1 = adj.sum %0 axes [0] : tensor<64x3xf64> -> tensor<3xf64>
  return %1 : tensor<3xf64>
}

// -----

// keepdims, a size-1 dimension expanded and reduced, an expanded dimension
// kept (broadcast again, on the small result), an unexpanded one reduced.
// CHECK-LABEL: func @sum_of_broadcast_keepdims
// CHECK-SAME:    (%[[X:.*]]: tensor<5x1x1xf32>)
// CHECK-DAG:     %[[N:.*]] = adj.constant dense<2.400000e+01> : tensor<f32>
// CHECK-DAG:     %[[S:.*]] = adj.sum %[[X]] axes [0] keepdims : tensor<5x1x1xf32> -> tensor<1x1x1xf32>
// CHECK:         %[[M:.*]] = adj.mul %[[S]], %[[N]]
// CHECK:         %[[B:.*]] = adj.broadcast_to %[[M]] : tensor<1x1x1xf32> -> tensor<1x1x7x1xf32>
// CHECK:         return %[[B]]
func.func @sum_of_broadcast_keepdims(%x: tensor<5x1x1xf32>) -> tensor<1x1x7x1xf32> {
  %0 = adj.broadcast_to %x : tensor<5x1x1xf32> -> tensor<3x5x7x8xf32>
  %1 = adj.sum %0 axes [0, 1, 3] keepdims : tensor<3x5x7x8xf32> -> tensor<1x1x7x1xf32>
  return %1 : tensor<1x1x7x1xf32>
}

// -----

// The mean of copies is the value copied: no factor.
// CHECK-LABEL: func @mean_of_broadcast
// CHECK-SAME:    (%[[X:.*]]: tensor<4x1xf32>)
// CHECK:         %[[S:.*]] = adj.mean %[[X]] axes [0] keepdims : tensor<4x1xf32> -> tensor<1x1xf32>
// CHECK:         %[[R:.*]] = adj.reshape %[[S]] : tensor<1x1xf32> -> tensor<f32>
// CHECK:         return %[[R]]
func.func @mean_of_broadcast(%x: tensor<4x1xf32>) -> tensor<f32> {
  %0 = adj.broadcast_to %x : tensor<4x1xf32> -> tensor<4x9xf32>
  %1 = adj.mean %0 : tensor<4x9xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// Left alone: the reduced dimensions are not expanded by the broadcast; a
// max is not a sum of copies; an empty broadcast's mean is NaN.
// CHECK-LABEL: func @reduction_of_broadcast_kept
// CHECK-COUNT-2: adj.broadcast_to
func.func @reduction_of_broadcast_kept(%x: tensor<3xf32>, %y: tensor<4x0xf32>)
    -> (tensor<8xf32>, tensor<f32>, tensor<f32>) {
  %0 = adj.broadcast_to %x : tensor<3xf32> -> tensor<8x3xf32>
  %1 = adj.sum %0 axes [1] : tensor<8x3xf32> -> tensor<8xf32>
  %2 = adj.max %0 : tensor<8x3xf32> -> tensor<f32>
  %3 = adj.broadcast_to %y : tensor<4x0xf32> -> tensor<2x4x0xf32>
  %4 = adj.mean %3 : tensor<2x4x0xf32> -> tensor<f32>
  return %1, %2, %4 : tensor<8xf32>, tensor<f32>, tensor<f32>
}

// -----

// The sum of a splat constant is the value times the count of reduced
// elements, its mean the value, with or without axes and keepdims (a bias
// gradient's sum of the seed of ones).
// CHECK-LABEL: func @reduction_of_splat
// CHECK-DAG:     %[[ALL:.*]] = adj.constant dense<1.200000e+01> : tensor<f32>
// CHECK-DAG:     %[[ROWS:.*]] = adj.constant dense<4.000000e+00> : tensor<3xf32>
// CHECK-DAG:     %[[KEPT:.*]] = adj.constant dense<-7.500000e+00> : tensor<1x3xf64>
// CHECK-DAG:     %[[MEAN:.*]] = adj.constant dense<2.500000e+00> : tensor<4x1xf32>
// CHECK-DAG:     %[[MALL:.*]] = adj.constant dense<2.500000e+00> : tensor<f32>
// CHECK-NOT:     adj.sum
// CHECK-NOT:     adj.mean
// CHECK:         return %[[ALL]], %[[ROWS]], %[[KEPT]], %[[MEAN]], %[[MALL]]
func.func @reduction_of_splat()
    -> (tensor<f32>, tensor<3xf32>, tensor<1x3xf64>, tensor<4x1xf32>, tensor<f32>) {
  %ones = adj.constant dense<1.0> : tensor<4x3xf32>
  %all = adj.sum %ones : tensor<4x3xf32> -> tensor<f32>
  %rows = adj.sum %ones axes [0] : tensor<4x3xf32> -> tensor<3xf32>
  %c = adj.constant dense<-2.5> : tensor<3x3xf64>
  %kept = adj.sum %c axes [0] keepdims : tensor<3x3xf64> -> tensor<1x3xf64>
  %h = adj.constant dense<2.5> : tensor<4x3xf32>
  %mean = adj.mean %h axes [1] keepdims : tensor<4x3xf32> -> tensor<4x1xf32>
  %mall = adj.mean %h : tensor<4x3xf32> -> tensor<f32>
  return %all, %rows, %kept, %mean, %mall
      : tensor<f32>, tensor<3xf32>, tensor<1x3xf64>, tensor<4x1xf32>, tensor<f32>
}

// -----

// The count is rounded to the element type, then multiplied: 2^24 + 1 ones
// in f32 sum to 2^24 = 0x4B800000 (a sum of a broadcast folds the same way).
// CHECK-LABEL: func @sum_of_splat_rounded
// CHECK:         %[[S:.*]] = adj.constant dense<0x4B800000> : tensor<f32>
// CHECK:         return %[[S]]
func.func @sum_of_splat_rounded() -> tensor<f32> {
  %ones = adj.constant dense<1.0> : tensor<16777217xf32>
  %s = adj.sum %ones : tensor<16777217xf32> -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// Left alone: an empty reduction (its mean is NaN, its sum 0 even of an
// infinity, its max -inf), a constant that is not a splat, a prod.
// CHECK-LABEL: func @reduction_of_splat_kept
// CHECK:         adj.sum
// CHECK:         adj.mean
// CHECK:         adj.max
// CHECK:         adj.sum
// CHECK:         adj.min
// CHECK:         adj.prod
func.func @reduction_of_splat_kept()
    -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<f32>, tensor<f32>, tensor<f32>) {
  %empty = adj.constant dense<0x7F800000> : tensor<0x3xf32>
  %s = adj.sum %empty axes [0] : tensor<0x3xf32> -> tensor<3xf32>
  %m = adj.mean %empty axes [0] : tensor<0x3xf32> -> tensor<3xf32>
  %e = adj.max %empty axes [0] : tensor<0x3xf32> -> tensor<3xf32>
  %d = adj.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %t = adj.sum %d : tensor<2xf32> -> tensor<f32>
  %n = adj.min %d : tensor<2xf32> -> tensor<f32>
  %twos = adj.constant dense<2.0> : tensor<4xf32>
  %p = adj.prod %twos : tensor<4xf32> -> tensor<f32>
  return %s, %m, %e, %t, %n, %p
      : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<f32>, tensor<f32>, tensor<f32>
}

// -----

// The max and min of a splat constant are its value, NaN included, with or
// without axes and keepdims.
// CHECK-LABEL: func @max_min_of_splat
// CHECK-DAG:     %[[MAX:.*]] = adj.constant dense<-1.500000e+00> : tensor<f32>
// CHECK-DAG:     %[[MIN:.*]] = adj.constant dense<-1.500000e+00> : tensor<4x1xf32>
// CHECK-DAG:     %[[NAN:.*]] = adj.constant dense<0x7FF8000000000000> : tensor<3xf64>
// CHECK-NOT:     adj.max
// CHECK-NOT:     adj.min
// CHECK:         return %[[MAX]], %[[MIN]], %[[NAN]]
func.func @max_min_of_splat() -> (tensor<f32>, tensor<4x1xf32>, tensor<3xf64>) {
  %c = adj.constant dense<-1.5> : tensor<4x3xf32>
  %max = adj.max %c : tensor<4x3xf32> -> tensor<f32>
  %min = adj.min %c axes [1] keepdims : tensor<4x3xf32> -> tensor<4x1xf32>
  %nan = adj.constant dense<0x7FF8000000000000> : tensor<2x3xf64>
  %n = adj.max %nan axes [0] : tensor<2x3xf64> -> tensor<3xf64>
  return %max, %min, %n : tensor<f32>, tensor<4x1xf32>, tensor<3xf64>
}

// -----

// The elementwise maximum and minimum of splat constants, broadcast: a NaN
// operand gives NaN, as numpy.maximum.
// CHECK-LABEL: func @maximum_minimum_of_splats
// CHECK-DAG:     %[[MAX:.*]] = adj.constant dense<2.000000e+00> : tensor<2x3xf32>
// CHECK-DAG:     %[[MIN:.*]] = adj.constant dense<-1.000000e+00> : tensor<3xf32>
// CHECK-DAG:     %[[NAN:.*]] = adj.constant dense<0x7FC00000> : tensor<3xf32>
// CHECK-NOT:     adj.maximum
// CHECK-NOT:     adj.minimum
// CHECK:         return %[[MAX]], %[[MIN]], %[[NAN]]
func.func @maximum_minimum_of_splats() -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %a = adj.constant dense<-1.0> : tensor<f32>
  %b = adj.constant dense<2.0> : tensor<2x3xf32>
  %c = adj.constant dense<5.0> : tensor<3xf32>
  %nan = adj.constant dense<0x7FC00000> : tensor<f32>
  %max = adj.maximum %a, %b : tensor<f32>, tensor<2x3xf32>
  %min = adj.minimum %c, %a : tensor<3xf32>, tensor<f32>
  %n = adj.minimum %c, %nan : tensor<3xf32>, tensor<f32>
  return %max, %min, %n : tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// ... but not of a constant that is not a splat.
// CHECK-LABEL: func @maximum_of_dense_kept
// CHECK:         adj.maximum
func.func @maximum_of_dense_kept() -> tensor<2xf32> {
  %a = adj.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %b = adj.constant dense<2.0> : tensor<f32>
  %c = adj.maximum %a, %b : tensor<2xf32>, tensor<f32>
  return %c : tensor<2xf32>
}
