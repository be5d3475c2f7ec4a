// RUN: adjoint-opt %s -adj-decompose -split-input-file | FileCheck %s

// Folded scalar constants are hoisted to the top of the function, hence the
// CHECK-DAGs before the body.

// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.*]]: tensor<4x10xf32>)
// CHECK: %[[M:.*]] = adj.max %[[X]] axes [1] keepdims : tensor<4x10xf32> -> tensor<4x1xf32>
// CHECK: %[[D:.*]] = adj.sub %[[X]], %[[M]] : tensor<4x10xf32>, tensor<4x1xf32>
// CHECK: %[[E:.*]] = adj.exp %[[D]] : tensor<4x10xf32>
// CHECK: %[[S:.*]] = adj.sum %[[E]] axes [1] keepdims : tensor<4x10xf32> -> tensor<4x1xf32>
// CHECK: %[[P:.*]] = adj.div %[[E]], %[[S]] : tensor<4x10xf32>, tensor<4x1xf32>
// CHECK: return %[[P]]
func.func @softmax(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %p = adj.softmax %x axis 1 : tensor<4x10xf32>
  return %p : tensor<4x10xf32>
}

// -----

// CHECK-LABEL: func.func @softmax_middle_axis
// CHECK: adj.max %{{.*}} axes [1] keepdims : tensor<2x3x4xf64> -> tensor<2x1x4xf64>
// CHECK: adj.sum %{{.*}} axes [1] keepdims : tensor<2x3x4xf64> -> tensor<2x1x4xf64>
// CHECK-NOT: adj.softmax
func.func @softmax_middle_axis(%x: tensor<2x3x4xf64>) -> tensor<2x3x4xf64> {
  %p = adj.softmax %x axis 1 : tensor<2x3x4xf64>
  return %p : tensor<2x3x4xf64>
}

// -----

// The softmax of an empty tensor is the tensor itself.
// CHECK-LABEL: func.func @softmax_empty
// CHECK-SAME: (%[[X:.*]]: tensor<3x0xf32>)
// CHECK-NEXT: return %[[X]]
func.func @softmax_empty(%x: tensor<3x0xf32>) -> tensor<3x0xf32> {
  %p = adj.softmax %x axis 1 : tensor<3x0xf32>
  return %p : tensor<3x0xf32>
}

// -----

// CHECK-LABEL: func.func @log_softmax
// CHECK-SAME: (%[[X:.*]]: tensor<4x10xf32>)
// CHECK: %[[M:.*]] = adj.max %[[X]] axes [1] keepdims
// CHECK: %[[D:.*]] = adj.sub %[[X]], %[[M]]
// CHECK: %[[E:.*]] = adj.exp %[[D]]
// CHECK: %[[S:.*]] = adj.sum %[[E]] axes [1] keepdims
// CHECK: %[[L:.*]] = adj.log %[[S]] : tensor<4x1xf32>
// CHECK: %[[Y:.*]] = adj.sub %[[D]], %[[L]] : tensor<4x10xf32>, tensor<4x1xf32>
// CHECK: return %[[Y]]
func.func @log_softmax(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %y = adj.log_softmax %x axis 1 : tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}

// -----

// A non-finite maximum is replaced by 0 so that an all -inf lane gives -inf.
// CHECK-LABEL: func.func @logsumexp
// CHECK-SAME: (%[[X:.*]]: tensor<4x10xf32>)
// CHECK-DAG: %[[ZERO:.*]] = adj.constant dense<0.000000e+00> : tensor<f32>
// CHECK-DAG: %[[INF:.*]] = adj.constant dense<0x7F800000> : tensor<f32>
// CHECK: %[[M:.*]] = adj.max %[[X]] axes [1] keepdims : tensor<4x10xf32> -> tensor<4x1xf32>
// CHECK: %[[A:.*]] = adj.abs %[[M]]
// CHECK: %[[F:.*]] = adj.compare lt, %[[A]], %[[INF]]
// CHECK: %[[SHIFT:.*]] = adj.select %[[F]], %[[M]], %[[ZERO]]
// CHECK: %[[D:.*]] = adj.sub %[[X]], %[[SHIFT]]
// CHECK: %[[E:.*]] = adj.exp %[[D]]
// CHECK: %[[S:.*]] = adj.sum %[[E]] axes [1] keepdims
// CHECK: %[[L:.*]] = adj.log %[[S]]
// CHECK: %[[R:.*]] = adj.add %[[L]], %[[SHIFT]] : tensor<4x1xf32>
// CHECK: %[[Y:.*]] = adj.reshape %[[R]] : tensor<4x1xf32> -> tensor<4xf32>
// CHECK: return %[[Y]]
func.func @logsumexp(%x: tensor<4x10xf32>) -> tensor<4xf32> {
  %y = adj.logsumexp %x axes [1] : tensor<4x10xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// With keepdims the result needs no reshape.
// CHECK-LABEL: func.func @logsumexp_keepdims
// CHECK: %[[R:.*]] = adj.add %{{.*}}, %{{.*}} : tensor<2x1x1xf64>
// CHECK-NOT: adj.reshape
// CHECK: return %[[R]]
func.func @logsumexp_keepdims(%x: tensor<2x3x4xf64>) -> tensor<2x1x1xf64> {
  %y = adj.logsumexp %x axes [1, 2] keepdims : tensor<2x3x4xf64> -> tensor<2x1x1xf64>
  return %y : tensor<2x1x1xf64>
}

// -----

// CHECK-LABEL: func.func @logsumexp_all
// CHECK: adj.max %{{.*}} axes [0, 1] keepdims : tensor<3x4xf64> -> tensor<1x1xf64>
// CHECK: adj.reshape %{{.*}} : tensor<1x1xf64> -> tensor<f64>
func.func @logsumexp_all(%x: tensor<3x4xf64>) -> tensor<f64> {
  %y = adj.logsumexp %x : tensor<3x4xf64> -> tensor<f64>
  return %y : tensor<f64>
}

// -----

// log(sum(exp(nothing))) = -inf.
// CHECK-LABEL: func.func @logsumexp_empty_axis
// CHECK: %[[Y:.*]] = adj.constant dense<0xFF800000> : tensor<5xf32>
// CHECK-NOT: adj.max
// CHECK: return %[[Y]]
func.func @logsumexp_empty_axis(%x: tensor<0x5xf32>) -> tensor<5xf32> {
  %y = adj.logsumexp %x axes [0] : tensor<0x5xf32> -> tensor<5xf32>
  return %y : tensor<5xf32>
}

// -----

// CHECK-LABEL: func.func @mean
// CHECK-SAME: (%[[X:.*]]: tensor<4x10xf32>)
// CHECK-DAG: %[[N:.*]] = adj.constant dense<1.000000e+01> : tensor<f32>
// CHECK: %[[S:.*]] = adj.sum %[[X]] axes [1] : tensor<4x10xf32> -> tensor<4xf32>
// CHECK: %[[Y:.*]] = adj.div %[[S]], %[[N]] : tensor<4xf32>, tensor<f32>
// CHECK: return %[[Y]]
func.func @mean(%x: tensor<4x10xf32>) -> tensor<4xf32> {
  %y = adj.mean %x axes [1] : tensor<4x10xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @mean_all_keepdims
// CHECK-DAG: %[[N:.*]] = adj.constant dense<2.400000e+01> : tensor<f64>
// CHECK: %[[S:.*]] = adj.sum %{{.*}} axes [0, 1, 2] keepdims : tensor<2x3x4xf64> -> tensor<1x1x1xf64>
// CHECK: adj.div %[[S]], %[[N]] : tensor<1x1x1xf64>, tensor<f64>
func.func @mean_all_keepdims(%x: tensor<2x3x4xf64>) -> tensor<1x1x1xf64> {
  %y = adj.mean %x keepdims : tensor<2x3x4xf64> -> tensor<1x1x1xf64>
  return %y : tensor<1x1x1xf64>
}

// -----

// loss[n] = log(sum(exp(d[n]))) - d[n, label[n]] with d = x - max(x); the
// label's entry is selected through a one-hot mask. A label out of range
// matches no class: (1 - sum(one_hot[n])) * max(x[n]) is added back, so the
// row's loss is logsumexp(x[n]), consistent with the softmax gradient.
// CHECK-LABEL: func.func @cross_entropy_mean
// CHECK-SAME: (%[[X:.*]]: tensor<4x10xf32>, %[[L:.*]]: tensor<4xi64>)
// CHECK-DAG: %[[N:.*]] = adj.constant dense<4.000000e+00> : tensor<f32>
// CHECK-DAG: %[[ONE:.*]] = adj.constant dense<1.000000e+00> : tensor<f32>
// CHECK-DAG: %[[ZERO:.*]] = adj.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[M:.*]] = adj.max %[[X]] axes [1] keepdims
// CHECK: %[[D:.*]] = adj.sub %[[X]], %[[M]]
// CHECK: %[[E:.*]] = adj.exp %[[D]]
// CHECK: %[[S:.*]] = adj.sum %[[E]] axes [1] keepdims : tensor<4x10xf32> -> tensor<4x1xf32>
// CHECK: %[[LSE:.*]] = adj.log %[[S]] : tensor<4x1xf32>
// CHECK: %[[OH:.*]] = adj.one_hot %[[L]] in_range : tensor<4xi64> -> tensor<4x10xf32>
// CHECK: %[[MASK:.*]] = adj.compare ne, %[[OH]], %[[ZERO]]
// CHECK: %[[SEL:.*]] = adj.select %[[MASK]], %[[D]], %[[ZERO]] : tensor<4x10xi1>, tensor<4x10xf32>, tensor<f32>
// CHECK: %[[PICK:.*]] = adj.sum %[[SEL]] axes [1] keepdims : tensor<4x10xf32> -> tensor<4x1xf32>
// CHECK: %[[HITS:.*]] = adj.sum %[[OH]] axes [1] keepdims
// CHECK: %[[MISS:.*]] = adj.sub %[[ONE]], %[[HITS]]
// CHECK: %[[BACK:.*]] = adj.mul %[[MISS]], %[[M]]
// CHECK: %[[DIFF:.*]] = adj.sub %[[LSE]], %[[PICK]] : tensor<4x1xf32>
// CHECK: %[[ROW:.*]] = adj.add %[[DIFF]], %[[BACK]]
// CHECK: %[[LOSS:.*]] = adj.reshape %[[ROW]] : tensor<4x1xf32> -> tensor<4xf32>
// CHECK: %[[T:.*]] = adj.sum %[[LOSS]] axes [0] : tensor<4xf32> -> tensor<f32>
// CHECK: %[[Y:.*]] = adj.div %[[T]], %[[N]] : tensor<f32>
// CHECK: return %[[Y]]
func.func @cross_entropy_mean(%x: tensor<4x10xf32>, %l: tensor<4xi64>) -> tensor<f32> {
  %y = adj.softmax_cross_entropy %x, %l : tensor<4x10xf32>, tensor<4xi64> -> tensor<f32>
  return %y : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @cross_entropy_sum
// CHECK: adj.one_hot %{{.*}} : tensor<3xi32> -> tensor<3x5xf64>
// CHECK: %[[T:.*]] = adj.sum %{{.*}} axes [0] : tensor<3xf64> -> tensor<f64>
// CHECK-NOT: adj.div
// CHECK: return %[[T]]
func.func @cross_entropy_sum(%x: tensor<3x5xf64>, %l: tensor<3xi32>) -> tensor<f64> {
  %y = adj.softmax_cross_entropy %x, %l reduction sum : tensor<3x5xf64>, tensor<3xi32> -> tensor<f64>
  return %y : tensor<f64>
}

// -----

// CHECK-LABEL: func.func @cross_entropy_none
// CHECK: %[[LOSS:.*]] = adj.reshape %{{.*}} : tensor<3x1xf64> -> tensor<3xf64>
// CHECK-NEXT: return %[[LOSS]] : tensor<3xf64>
func.func @cross_entropy_none(%x: tensor<3x5xf64>, %l: tensor<3xi64>) -> tensor<3xf64> {
  %y = adj.softmax_cross_entropy %x, %l reduction none : tensor<3x5xf64>, tensor<3xi64> -> tensor<3xf64>
  return %y : tensor<3xf64>
}

// -----

// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[G:.*]]: tensor<3x4xf32>, %[[B:.*]]: tensor<3x4xf32>)
// CHECK-DAG: %[[N:.*]] = adj.constant dense<1.200000e+01> : tensor<f32>
// CHECK-DAG: %[[EPS:.*]] = adj.constant dense<1.000000e-03> : tensor<f32>
// CHECK: %[[S:.*]] = adj.sum %[[X]] axes [1, 2] keepdims : tensor<2x3x4xf32> -> tensor<2x1x1xf32>
// CHECK: %[[MEAN:.*]] = adj.div %[[S]], %[[N]]
// CHECK: %[[D:.*]] = adj.sub %[[X]], %[[MEAN]]
// CHECK: %[[SQ:.*]] = adj.square %[[D]]
// CHECK: %[[SS:.*]] = adj.sum %[[SQ]] axes [1, 2] keepdims
// CHECK: %[[VAR:.*]] = adj.div %[[SS]], %[[N]]
// CHECK: %[[VE:.*]] = adj.add %[[VAR]], %[[EPS]]
// CHECK: %[[R:.*]] = adj.rsqrt %[[VE]] : tensor<2x1x1xf32>
// CHECK: %[[XN:.*]] = adj.mul %[[D]], %[[R]]
// CHECK: %[[SC:.*]] = adj.mul %[[XN]], %[[G]] : tensor<2x3x4xf32>, tensor<3x4xf32>
// CHECK: %[[Y:.*]] = adj.add %[[SC]], %[[B]] : tensor<2x3x4xf32>, tensor<3x4xf32>
// CHECK: return %[[Y]]
func.func @layer_norm(%x: tensor<2x3x4xf32>, %g: tensor<3x4xf32>, %b: tensor<3x4xf32>) -> tensor<2x3x4xf32> {
  %y = adj.layer_norm %x, %g, %b axis 1 epsilon 1.0e-3 : tensor<2x3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// The statistics are over every axis but 1; scale and bias become [C, 1, 1].
// CHECK-LABEL: func.func @batch_norm
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x5xf64>, %[[G:.*]]: tensor<3xf64>, %[[B:.*]]: tensor<3xf64>)
// CHECK-DAG: %[[N:.*]] = adj.constant dense<4.000000e+01> : tensor<f64>
// CHECK-DAG: %[[EPS:.*]] = adj.constant dense<1.000000e-05> : tensor<f64>
// CHECK: %[[S:.*]] = adj.sum %[[X]] axes [0, 2, 3] keepdims : tensor<2x3x4x5xf64> -> tensor<1x3x1x1xf64>
// CHECK: %[[MEAN:.*]] = adj.div %[[S]], %[[N]]
// CHECK: %[[D:.*]] = adj.sub %[[X]], %[[MEAN]]
// CHECK: %[[SQ:.*]] = adj.square %[[D]]
// CHECK: %[[SS:.*]] = adj.sum %[[SQ]] axes [0, 2, 3] keepdims
// CHECK: %[[VAR:.*]] = adj.div %[[SS]], %[[N]]
// CHECK: %[[VE:.*]] = adj.add %[[VAR]], %[[EPS]]
// CHECK: %[[R:.*]] = adj.rsqrt %[[VE]]
// CHECK: %[[XN:.*]] = adj.mul %[[D]], %[[R]]
// CHECK: %[[G3:.*]] = adj.reshape %[[G]] : tensor<3xf64> -> tensor<3x1x1xf64>
// CHECK: %[[B3:.*]] = adj.reshape %[[B]] : tensor<3xf64> -> tensor<3x1x1xf64>
// CHECK: %[[SC:.*]] = adj.mul %[[XN]], %[[G3]]
// CHECK: %[[Y:.*]] = adj.add %[[SC]], %[[B3]]
// CHECK: %[[M:.*]] = adj.reshape %[[MEAN]] : tensor<1x3x1x1xf64> -> tensor<3xf64>
// CHECK: %[[V:.*]] = adj.reshape %[[VAR]] : tensor<1x3x1x1xf64> -> tensor<3xf64>
// CHECK: return %[[Y]], %[[M]], %[[V]]
func.func @batch_norm(%x: tensor<2x3x4x5xf64>, %g: tensor<3xf64>, %b: tensor<3xf64>)
    -> (tensor<2x3x4x5xf64>, tensor<3xf64>, tensor<3xf64>) {
  %y, %m, %v = adj.batch_norm %x, %g, %b : tensor<2x3x4x5xf64>, tensor<3xf64>, tensor<3xf64>
  return %y, %m, %v : tensor<2x3x4x5xf64>, tensor<3xf64>, tensor<3xf64>
}

// -----

// On [N, C] scale and bias broadcast as they are.
// CHECK-LABEL: func.func @batch_norm_2d
// CHECK: adj.sum %{{.*}} axes [0] keepdims : tensor<8x3xf32> -> tensor<1x3xf32>
// CHECK: adj.mul %{{.*}}, %{{.*}} : tensor<8x3xf32>, tensor<3xf32>
// CHECK: adj.add %{{.*}}, %{{.*}} : tensor<8x3xf32>, tensor<3xf32>
func.func @batch_norm_2d(%x: tensor<8x3xf32>, %g: tensor<3xf32>, %b: tensor<3xf32>)
    -> (tensor<8x3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y, %m, %v = adj.batch_norm %x, %g, %b : tensor<8x3xf32>, tensor<3xf32>, tensor<3xf32>
  return %y, %m, %v : tensor<8x3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @gelu
// CHECK-SAME: (%[[X:.*]]: tensor<8xf64>)
// CHECK-DAG: %[[HALF:.*]] = adj.constant dense<5.000000e-01> : tensor<f64>
// CHECK-DAG: %[[ONE:.*]] = adj.constant dense<1.000000e+00> : tensor<f64>
// CHECK-DAG: %[[RSQRT2:.*]] = adj.constant dense<0.70710678118654757> : tensor<f64>
// CHECK: %[[A:.*]] = adj.mul %[[X]], %[[RSQRT2]]
// CHECK: %[[E:.*]] = adj.erf %[[A]]
// CHECK: %[[P:.*]] = adj.add %[[E]], %[[ONE]]
// CHECK: %[[H:.*]] = adj.mul %[[X]], %[[HALF]]
// CHECK: %[[Y:.*]] = adj.mul %[[H]], %[[P]] : tensor<8xf64>
// CHECK: return %[[Y]]
func.func @gelu(%x: tensor<8xf64>) -> tensor<8xf64> {
  %y = adj.gelu %x : tensor<8xf64>
  return %y : tensor<8xf64>
}

// -----

// CHECK-LABEL: func.func @gelu_tanh
// CHECK-SAME: (%[[X:.*]]: tensor<8xf32>)
// CHECK-DAG: %[[BETA:.*]] = adj.constant dense<0.797884583> : tensor<f32>
// CHECK-DAG: %[[C:.*]] = adj.constant dense<4.471500e-02> : tensor<f32>
// CHECK-DAG: %[[HALF:.*]] = adj.constant dense<5.000000e-01> : tensor<f32>
// CHECK-DAG: %[[ONE:.*]] = adj.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[X2:.*]] = adj.mul %[[X]], %[[X]]
// CHECK: %[[X3:.*]] = adj.mul %[[X2]], %[[X]]
// CHECK: %[[CX3:.*]] = adj.mul %[[X3]], %[[C]]
// CHECK: %[[S:.*]] = adj.add %[[X]], %[[CX3]]
// CHECK: %[[I:.*]] = adj.mul %[[S]], %[[BETA]]
// CHECK: %[[T:.*]] = adj.tanh %[[I]]
// CHECK: %[[P:.*]] = adj.add %[[T]], %[[ONE]]
// CHECK: %[[H:.*]] = adj.mul %[[X]], %[[HALF]]
// CHECK: %[[Y:.*]] = adj.mul %[[H]], %[[P]]
// CHECK: return %[[Y]]
func.func @gelu_tanh(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = adj.gelu %x approximate tanh : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// sigmoid is primitive: convert-adj-to-linalg lowers it in its stable form.
// CHECK-LABEL: func.func @sigmoid
// CHECK: adj.sigmoid
func.func @sigmoid(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = adj.sigmoid %x : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// Primitive ops stay as they are.
// CHECK-LABEL: func.func @primitives
// CHECK: adj.rsqrt
// CHECK: adj.max
// CHECK: adj.square
// CHECK: adj.relu
func.func @primitives(%x: tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<3xf32>, tensor<4x3xf32>, tensor<4x3xf32>) {
  %a = adj.rsqrt %x : tensor<4x3xf32>
  %b = adj.max %x axes [0] : tensor<4x3xf32> -> tensor<3xf32>
  %c = adj.square %x : tensor<4x3xf32>
  %d = adj.relu %x : tensor<4x3xf32>
  return %a, %b, %c, %d : tensor<4x3xf32>, tensor<3xf32>, tensor<4x3xf32>, tensor<4x3xf32>
}
