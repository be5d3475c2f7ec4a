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
// a matmul is not merged into it (its 2 rows of 4 run as one loop of 8).
// CHECK-LABEL: func.func @matmul
// CHECK:         %[[M:.*]] = linalg.matmul
// CHECK:         %[[C:.*]] = tensor.collapse_shape %[[M]] {{\[\[}}0, 1]] : tensor<2x4xf32> into tensor<8xf32>
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel"]} ins(%[[C]] : tensor<8xf32>)
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %m = adj.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  %r = adj.relu %m : tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// The matmuls of a backward pass read transposed operands in place: the
// transposes disappear and the relu is computed once, not again in
// transposed order. A matmul with both operands transposed keeps one
// transpose, named, for adj-lower-to-kernels.
// CHECK-LABEL: func.func @transposed_operands
// CHECK-SAME:    (%[[A:.*]]: tensor<3x2xf32>, %[[X:.*]]: tensor<5x3xf32>, %[[Y:.*]]: tensor<4x3xf32>)
// CHECK:         %[[CY:.*]] = tensor.collapse_shape %[[Y]]
// CHECK:         %[[RC:.*]] = linalg.generic {{.*}} ins(%[[CY]] : tensor<12xf32>)
// CHECK:         %[[R:.*]] = tensor.expand_shape %[[RC]]
// CHECK:         %[[RT:.*]] = linalg.transpose ins(%[[R]] : tensor<4x3xf32>)
// CHECK:         linalg.matmul_transpose_b ins(%[[X]], %[[R]] : tensor<5x3xf32>, tensor<4x3xf32>)
// CHECK:         linalg.matmul_transpose_a ins(%[[A]], %[[RT]] : tensor<3x2xf32>, tensor<3x4xf32>)
// CHECK-NOT:     linalg.transpose
func.func @transposed_operands(%a: tensor<3x2xf32>, %x: tensor<5x3xf32>, %y: tensor<4x3xf32>)
    -> (tensor<5x4xf32>, tensor<2x4xf32>) {
  %r = adj.relu %y : tensor<4x3xf32>
  %rt = adj.transpose %r [1, 0] : tensor<4x3xf32> -> tensor<3x4xf32>
  %at = adj.transpose %a [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32>
  %p = adj.matmul %x, %rt : tensor<5x3xf32>, tensor<3x4xf32> -> tensor<5x4xf32>
  %q = adj.matmul %at, %rt : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  return %p, %q : tensor<5x4xf32>, tensor<2x4xf32>
}

// Batched: the last two dimensions swapped fold, other permutations do not.
// CHECK-LABEL: func.func @batch_transposed
// CHECK:         linalg.batch_matmul_transpose_b
// CHECK:         %[[CT:.*]] = linalg.transpose
// CHECK-SAME:      permutation = [1, 0, 2]
// CHECK:         linalg.batch_matmul ins(%{{.*}}, %[[CT]] :
func.func @batch_transposed(%a: tensor<2x5x3xf32>, %b: tensor<2x4x3xf32>, %c: tensor<3x2x4xf32>)
    -> (tensor<2x5x4xf32>, tensor<2x5x4xf32>) {
  %bt = adj.transpose %b [0, 2, 1] : tensor<2x4x3xf32> -> tensor<2x3x4xf32>
  %p = adj.matmul %a, %bt : tensor<2x5x3xf32>, tensor<2x3x4xf32> -> tensor<2x5x4xf32>
  %ct = adj.transpose %c [1, 0, 2] : tensor<3x2x4xf32> -> tensor<2x3x4xf32>
  %q = adj.matmul %a, %ct : tensor<2x5x3xf32>, tensor<2x3x4xf32> -> tensor<2x5x4xf32>
  return %p, %q : tensor<2x5x4xf32>, tensor<2x5x4xf32>
}

// A convolution's weight gradient convolves x^T with dy^T: the transpose
// of the relu stays named for adj-lower-to-kernels to fold into the
// convolution's strides, and the relu, also returned, is computed once.
// CHECK-LABEL: func.func @transposed_conv_operand
// CHECK:         %[[RC:.*]] = linalg.generic
// CHECK:         %[[R:.*]] = tensor.expand_shape %[[RC]]
// CHECK:         %[[RT:.*]] = linalg.transpose ins(%[[R]] : tensor<2x3x4x4xf32>)
// CHECK-SAME:      permutation = [1, 0, 2, 3]
// CHECK:         linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.*}}, %[[RT]] :
// CHECK-NOT:     linalg.generic
func.func @transposed_conv_operand(%x: tensor<2x5x6x6xf32>, %y: tensor<2x3x4x4xf32>)
    -> (tensor<5x3x3x3xf32>, tensor<2x3x4x4xf32>) {
  %r = adj.relu %y : tensor<2x3x4x4xf32>
  %xt = adj.transpose %x [1, 0, 2, 3] : tensor<2x5x6x6xf32> -> tensor<5x2x6x6xf32>
  %rt = adj.transpose %r [1, 0, 2, 3] : tensor<2x3x4x4xf32> -> tensor<3x2x4x4xf32>
  %c = adj.conv2d %xt, %rt : tensor<5x2x6x6xf32>, tensor<3x2x4x4xf32> -> tensor<5x3x3x3xf32>
  return %c, %r : tensor<5x3x3x3xf32>, tensor<2x3x4x4xf32>
}

// A transposed product with a transposed operand is the product of the
// swapped operands: (q^T s)^T = s^T q, (a y^T)^T = y a^T; no transpose is
// left. A product read elsewhere too is transposed by a loop.
// CHECK-LABEL: func.func @transposed_product
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x5x3xf32>, %[[S:.*]]: tensor<2x5x4xf32>, %[[A:.*]]: tensor<3x6xf32>, %[[Y:.*]]: tensor<4x6xf32>)
// CHECK:         linalg.batch_matmul_transpose_a ins(%[[S]], %[[Q]] : tensor<2x5x4xf32>, tensor<2x5x3xf32>) outs(%{{.*}} : tensor<2x4x3xf32>)
// CHECK:         linalg.matmul_transpose_b ins(%[[Y]], %[[A]] : tensor<4x6xf32>, tensor<3x6xf32>) outs(%{{.*}} : tensor<4x3xf32>)
// CHECK-NOT:     linalg.generic
// CHECK-LABEL: func.func @transposed_product_used
// CHECK:         linalg.matmul_transpose_b
// CHECK:         linalg.generic
func.func @transposed_product(%q: tensor<2x5x3xf32>, %s: tensor<2x5x4xf32>, %a: tensor<3x6xf32>, %y: tensor<4x6xf32>)
    -> (tensor<2x4x3xf32>, tensor<4x3xf32>) {
  %qt = adj.transpose %q [0, 2, 1] : tensor<2x5x3xf32> -> tensor<2x3x5xf32>
  %d = adj.matmul %qt, %s : tensor<2x3x5xf32>, tensor<2x5x4xf32> -> tensor<2x3x4xf32>
  %k = adj.transpose %d [0, 2, 1] : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
  %yt = adj.transpose %y [1, 0] : tensor<4x6xf32> -> tensor<6x4xf32>
  %e = adj.matmul %a, %yt : tensor<3x6xf32>, tensor<6x4xf32> -> tensor<3x4xf32>
  %et = adj.transpose %e [1, 0] : tensor<3x4xf32> -> tensor<4x3xf32>
  return %k, %et : tensor<2x4x3xf32>, tensor<4x3xf32>
}

func.func @transposed_product_used(%a: tensor<3x6xf32>, %y: tensor<4x6xf32>)
    -> (tensor<3x4xf32>, tensor<4x3xf32>) {
  %yt = adj.transpose %y [1, 0] : tensor<4x6xf32> -> tensor<6x4xf32>
  %e = adj.matmul %a, %yt : tensor<3x6xf32>, tensor<6x4xf32> -> tensor<3x4xf32>
  %et = adj.transpose %e [1, 0] : tensor<3x4xf32> -> tensor<4x3xf32>
  return %e, %et : tensor<3x4xf32>, tensor<4x3xf32>
}

// A sum of two products: the second accumulates into the first's result
// (through the reshapes of a batch of rows). A product plus an argument
// stays a loop: accumulating would copy the argument (one loop of 30 over
// collapsed views).
// CHECK-LABEL: func.func @sum_of_products
// CHECK-SAME:    (%{{.*}}: tensor<2x3x4xf32>, %[[W:.*]]: tensor<4x5xf32>, %{{.*}}: tensor<2x3x4xf32>, %[[V:.*]]: tensor<4x5xf32>, %[[C:.*]]: tensor<2x3x5xf32>)
// CHECK:         %[[Q:.*]] = linalg.matmul ins(%{{.*}}, %[[V]] : tensor<6x4xf32>, tensor<4x5xf32>) outs(%{{.*}} : tensor<6x5xf32>)
// CHECK:         %[[S:.*]] = linalg.matmul ins(%{{.*}}, %[[W]] : tensor<6x4xf32>, tensor<4x5xf32>) outs(%[[Q]] : tensor<6x5xf32>)
// CHECK:         %[[SE:.*]] = tensor.expand_shape %[[S]]
// CHECK:         %[[R:.*]] = linalg.matmul
// CHECK:         %[[RC:.*]] = tensor.collapse_shape %[[R]] {{\[\[}}0, 1]] : tensor<6x5xf32> into tensor<30xf32>
// CHECK:         %[[CC:.*]] = tensor.collapse_shape %[[C]] {{\[\[}}0, 1, 2]] : tensor<2x3x5xf32> into tensor<30xf32>
// CHECK:         %[[T:.*]] = linalg.generic {{.*}} ins(%[[RC]], %[[CC]] :
// CHECK:         %[[TE:.*]] = tensor.expand_shape %[[T]]
// CHECK:         return %[[SE]], %[[TE]]
func.func @sum_of_products(%a: tensor<2x3x4xf32>, %w: tensor<4x5xf32>, %b: tensor<2x3x4xf32>,
                           %v: tensor<4x5xf32>, %c: tensor<2x3x5xf32>)
    -> (tensor<2x3x5xf32>, tensor<2x3x5xf32>) {
  %p = adj.matmul %a, %w : tensor<2x3x4xf32>, tensor<4x5xf32> -> tensor<2x3x5xf32>
  %q = adj.matmul %b, %v : tensor<2x3x4xf32>, tensor<4x5xf32> -> tensor<2x3x5xf32>
  %s = adj.add %p, %q : tensor<2x3x5xf32>
  %r = adj.matmul %a, %v : tensor<2x3x4xf32>, tensor<4x5xf32> -> tensor<2x3x5xf32>
  %t = adj.add %r, %c : tensor<2x3x5xf32>
  return %s, %t : tensor<2x3x5xf32>, tensor<2x3x5xf32>
}

// Softmax: the exp is computed once, in the sum's loop, which also stores
// it for the division by the sum (fused into both readers, it was computed
// twice).
// CHECK-LABEL: func.func @softmax_exp_once
// CHECK:         %[[M:.*]] = linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "reduction"]
// CHECK:           arith.maximumf
// CHECK:         %[[E:.*]]:2 = linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "reduction"]} ins(%{{.*}}, %[[M]] :
// CHECK:           %[[X:.*]] = math.exp
// CHECK:           %[[S:.*]] = arith.addf %[[X]],
// CHECK:           linalg.yield %[[X]], %[[S]]
// CHECK:         linalg.generic {{.*}} ins(%[[E]]#0, %[[E]]#1 :
// CHECK-NOT:       math.exp
// CHECK:           arith.divf
func.func @softmax_exp_once(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %p = adj.softmax %x axis 1 : tensor<4x8xf32>
  return %p : tensor<4x8xf32>
}

// A reduction that reads the exp twice is left alone by the rewrite above
// (fusion would keep the second read, which would then read the fused op's
// own result); the usual fusion still computes the exp in each reader.
// CHECK-LABEL: func.func @exp_read_twice
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "reduction"]
// CHECK:           math.exp
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel"]
// CHECK:           math.exp
// CHECK:           arith.divf
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @exp_read_twice(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %empty = tensor.empty() : tensor<4x8xf32>
  %e = linalg.generic {indexing_maps = [#id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%empty : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.exp %a : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  %zero = arith.constant 0.0 : f32
  %acc0 = tensor.empty() : tensor<4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%acc0 : tensor<4xf32>) -> tensor<4xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #row],
                       iterator_types = ["parallel", "reduction"]}
      ins(%e, %e : tensor<4x8xf32>, tensor<4x8xf32>) outs(%acc : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %q = arith.addf %p, %o : f32
    linalg.yield %q : f32
  } -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%e, %s : tensor<4x8xf32>, tensor<4xf32>) outs(%empty : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.divf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// Siblings whose first result is used before the second: merged at the
// first's place when the second's inputs are available there (a row sum
// used at once, and a later map of the same tensor; the map's init is the
// earlier negation's)...
// CHECK-LABEL: func.func @merge_at_first
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>, %[[Y:.*]]: tensor<4x8xf32>)
// CHECK:         linalg.generic {{.*}} ins(%[[Y]] :
// CHECK:         %[[R:.*]]:2 = linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "reduction"]
// CHECK-SAME:      ins(%[[X]] :
// CHECK:           arith.addf
// CHECK:           math.tanh
// CHECK:         linalg.generic {{.*}} ins(%[[R]]#0 : tensor<4xf32>)
// CHECK:           math.exp
// CHECK-NOT:     linalg.generic
func.func @merge_at_first(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>)
    -> (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x8xf32>) {
  %n = adj.neg %y : tensor<4x8xf32>
  %s = adj.sum %x axes [1] keepdims : tensor<4x8xf32> -> tensor<4x1xf32>
  %e = adj.exp %s : tensor<4x1xf32>
  %t = adj.tanh %x : tensor<4x8xf32>
  return %n, %e, %t : tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x8xf32>
}

// ... and not when the second needs a value computed after the first.
// CHECK-LABEL: func.func @merge_blocked
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK-NOT:       math.exp
// CHECK:         linalg.generic
// CHECK:           math.exp
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK:           arith.subf
func.func @merge_blocked(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>)
    -> (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x8xf32>) {
  %n = adj.neg %y : tensor<4x8xf32>
  %s = adj.sum %x axes [1] keepdims : tensor<4x8xf32> -> tensor<4x1xf32>
  %e = adj.exp %s : tensor<4x1xf32>
  %c = adj.sub %x, %e : tensor<4x8xf32>, tensor<4x1xf32>
  return %n, %e, %c : tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x8xf32>
}

// Two row sums of the same tensor (a layer norm's backward pass) are one
// loop that reads the tensor once.
// CHECK-LABEL: func.func @two_row_sums
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK-SAME:      outs(%{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32>)
// CHECK-NOT:     linalg.generic
func.func @two_row_sums(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> (tensor<4x1xf32>, tensor<4x1xf32>) {
  %s = adj.sum %x axes [1] keepdims : tensor<4x8xf32> -> tensor<4x1xf32>
  %p = adj.mul %x, %y : tensor<4x8xf32>
  %t = adj.sum %p axes [1] keepdims : tensor<4x8xf32> -> tensor<4x1xf32>
  return %s, %t : tensor<4x1xf32>, tensor<4x1xf32>
}

// Per-channel sums over N, H and W (a batch norm's backward pass) are one
// loop too, which reduces H and W as one dimension of a collapsed view. A
// reduction whose innermost dimension is parallel keeps its dimensions.
// CHECK-LABEL: func.func @channel_sums
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4x5xf32>, %[[Y:.*]]: tensor<2x3x4x5xf32>)
// CHECK-DAG:     %[[CX:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1], [2, 3]] : tensor<2x3x4x5xf32> into tensor<2x3x20xf32>
// CHECK-DAG:     %[[CY:.*]] = tensor.collapse_shape %[[Y]] {{\[\[}}0], [1], [2, 3]] : tensor<2x3x4x5xf32> into tensor<2x3x20xf32>
// CHECK:         linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[CX]], %[[CY]] : tensor<2x3x20xf32>, tensor<2x3x20xf32>)
// CHECK-SAME:      outs(%{{.*}}, %{{.*}} : tensor<3xf32>, tensor<3xf32>)
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction", "parallel"]
// CHECK-SAME:      ins(%[[X]] : tensor<2x3x4x5xf32>)
func.func @channel_sums(%x: tensor<2x3x4x5xf32>, %y: tensor<2x3x4x5xf32>)
    -> (tensor<1x3x1x1xf32>, tensor<1x3x1x1xf32>, tensor<2x1x1x5xf32>) {
  %s = adj.sum %x axes [0, 2, 3] keepdims : tensor<2x3x4x5xf32> -> tensor<1x3x1x1xf32>
  %p = adj.mul %x, %y : tensor<2x3x4x5xf32>
  %t = adj.sum %p axes [0, 2, 3] keepdims : tensor<2x3x4x5xf32> -> tensor<1x3x1x1xf32>
  %c = adj.sum %x axes [1, 2] keepdims : tensor<2x3x4x5xf32> -> tensor<2x1x1x5xf32>
  return %s, %t, %c : tensor<1x3x1x1xf32>, tensor<1x3x1x1xf32>, tensor<2x1x1x5xf32>
}

// Max pooling with overlapping windows becomes a generic whose innermost
// loop runs along the output row, outside the window's loops (KH, KW):
// vectorizable. Average pooling's sums are a depthwise convolution, which
// stays named for adj-lower-to-kernels.
// CHECK-LABEL: func.func @pools
// CHECK:         linalg.conv_2d_ngchw_gfchw
// CHECK-SAME:      outs(%{{.*}} : tensor<2x3x1x4x4xf32>)
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]
// CHECK-SAME:      outs(%{{.*}} : tensor<2x3x3x3xf32>)
// CHECK:           arith.maximumf
// CHECK-NOT:     linalg.pooling
func.func @pools(%x: tensor<2x3x8x8xf32>) -> (tensor<2x3x4x4xf32>, tensor<2x3x3x3xf32>) {
  %a = adj.avg_pool2d %x kernel [2, 2] : tensor<2x3x8x8xf32> -> tensor<2x3x4x4xf32>
  %m = adj.max_pool2d %x kernel [3, 3] stride [2, 2] : tensor<2x3x8x8xf32> -> tensor<2x3x3x3xf32>
  return %a, %m : tensor<2x3x4x4xf32>, tensor<2x3x3x3xf32>
}

// A row sum and a column sum of the same tensor stay two loops too. A map of
// the same tensor joins one of them.
// CHECK-LABEL: func.func @row_and_column_sums
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK:           math.exp
// CHECK:           math.tanh
// CHECK:         linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
// CHECK:           math.exp
// CHECK-NOT:     linalg.generic
func.func @row_and_column_sums(%x: tensor<4x8xf32>) -> (tensor<4x1xf32>, tensor<1x8xf32>, tensor<4x8xf32>) {
  %e = adj.exp %x : tensor<4x8xf32>
  %r = adj.sum %e axes [1] keepdims : tensor<4x8xf32> -> tensor<4x1xf32>
  %c = adj.sum %e axes [0] keepdims : tensor<4x8xf32> -> tensor<1x8xf32>
  %t = adj.tanh %x : tensor<4x8xf32>
  return %r, %c, %t : tensor<4x1xf32>, tensor<1x8xf32>, tensor<4x8xf32>
}

// A map whose result a matmul reads first is stored anyway: a later
// consumer (a backward pass's 1 - tanh^2) loads it instead of computing the
// tanh again. A consumer with no earlier kernel reader still fuses it.
// CHECK-LABEL: func.func @stored_for_kernel
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>, %[[W:.*]]: tensor<3x4xf32>, %[[D:.*]]: tensor<2x3xf32>)
// CHECK:         %[[XC:.*]] = tensor.collapse_shape %[[X]]
// CHECK:         %[[T:.*]] = linalg.generic {{.*}} ins(%[[XC]] : tensor<6xf32>)
// CHECK:           math.tanh
// CHECK:         %[[TE:.*]] = tensor.expand_shape %[[T]]
// CHECK:         linalg.matmul ins(%[[TE]], %[[W]] :
// CHECK:         %[[DC:.*]] = tensor.collapse_shape %[[D]]
// CHECK:         linalg.generic {{.*}} ins(%[[DC]], %[[T]] : tensor<6xf32>, tensor<6xf32>)
// CHECK-NOT:       math.tanh
// CHECK:           linalg.yield
func.func @stored_for_kernel(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>, %d: tensor<2x3xf32>)
    -> (tensor<2x4xf32>, tensor<2x3xf32>) {
  %t = adj.tanh %x : tensor<2x3xf32>
  %m = adj.matmul %t, %w : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  %t2 = adj.mul %t, %t : tensor<2x3xf32>
  %g = adj.mul %d, %t2 : tensor<2x3xf32>
  return %m, %g : tensor<2x4xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @kernel_reads_later
// CHECK:         %[[G:.*]]:2 = linalg.generic
// CHECK:           math.tanh
// CHECK:         %[[GE:.*]] = tensor.expand_shape %[[G]]#{{[01]}}
// CHECK:         linalg.matmul ins(%[[GE]]
// CHECK-NOT:     math.tanh
func.func @kernel_reads_later(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>, %d: tensor<2x3xf32>)
    -> (tensor<2x4xf32>, tensor<2x3xf32>) {
  %t = adj.tanh %x : tensor<2x3xf32>
  %g = adj.mul %d, %t : tensor<2x3xf32>
  %m = adj.matmul %t, %w : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  return %m, %g : tensor<2x4xf32>, tensor<2x3xf32>
}

// A value tested for equality (the max rule's tie mask, t == max(t)) is
// computed once, not copied into its readers: two copies of the tanh can
// differ in the last bit (a vector and a scalar tanh), and a row whose mask
// then matches nothing divides 0 by 0.
// CHECK-LABEL: func.func @tie_mask
// CHECK:         math.tanh
// CHECK-NOT:     math.tanh
// CHECK:         arith.cmpf oeq
// CHECK-NOT:     math.tanh
// CHECK:         return
func.func @tie_mask(%x: tensor<1x29xf32>) -> (tensor<29xf32>, tensor<1x1xf32>) {
  %t = adj.tanh %x : tensor<1x29xf32>
  %m = adj.max %t axes [0] : tensor<1x29xf32> -> tensor<29xf32>
  %r = adj.reshape %m : tensor<29xf32> -> tensor<1x29xf32>
  %e = adj.compare eq, %t, %r : tensor<1x29xf32>, tensor<1x29xf32>
  %f = adj.convert %e : tensor<1x29xi1> -> tensor<1x29xf32>
  %g = adj.mul %f, %t : tensor<1x29xf32>, tensor<1x29xf32>
  %s = adj.sum %g axes [1] keepdims : tensor<1x29xf32> -> tensor<1x1xf32>
  return %m, %s : tensor<29xf32>, tensor<1x1xf32>
}

// A transposed product of operands of two element types keeps its
// transpose: the swapped product's body would take them in the wrong order.
// CHECK-LABEL: func.func @transposed_product_mixed_types
// CHECK:         linalg.matmul_transpose_a ins(%{{.*}}, %{{.*}} : tensor<3x2xf16>, tensor<3x4xf32>)
// CHECK:         linalg.generic
func.func @transposed_product_mixed_types(%a: tensor<3x2xf16>, %b: tensor<3x4xf32>) -> tensor<4x2xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %p = linalg.matmul_transpose_a ins(%a, %b : tensor<3x2xf16>, tensor<3x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%p : tensor<2x4xf32>) outs(%e2 : tensor<4x2xf32>) permutation = [1, 0]
  return %t : tensor<4x2xf32>
}

// A sibling whose body reads the other's result (a tensor.extract from
// above, not an operand) is not merged with it: the merged op would read
// its own result.
// CHECK-LABEL: func.func @extract_from_sibling
// CHECK:         %[[A:.*]] = linalg.generic
// CHECK:         linalg.generic
// CHECK:           tensor.extract %[[A]]
func.func @extract_from_sibling(%x: tensor<4x8xf32>, %i0: tensor<4xf32>, %i1: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
    ins(%x : tensor<4x8xf32>) outs(%i0 : tensor<4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %s = arith.addf %v, %o : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
    ins(%x : tensor<4x8xf32>) outs(%i1 : tensor<4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %i = linalg.index 0 : index
    %e = tensor.extract %a[%i] : tensor<4xf32>
    %m = arith.mulf %v, %e : f32
    %s = arith.addf %m, %o : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

// The reduction dimensions of a slice are not collapsed: they need not be
// contiguous, and bufferization would copy the slice to collapse them.
// CHECK-LABEL: func.func @sum_of_slice
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "reduction", "reduction"]
func.func @sum_of_slice(%x: tensor<2x3x4x8xf32>) -> tensor<2x3xf32> {
  %s = adj.slice %x start [0, 0, 0, 0] limit [2, 3, 4, 4] : tensor<2x3x4x8xf32> -> tensor<2x3x4x4xf32>
  %a = adj.sum %s axes [2, 3] : tensor<2x3x4x4xf32> -> tensor<2x3xf32>
  return %a : tensor<2x3xf32>
}

// Inner reduction dimensions are not collapsed through an indexing map
// that is not a projected permutation (a window, d1 + d2): the upstream
// check asserts on one.
// CHECK-LABEL: func.func @collapse_non_permutation
// CHECK:         iterator_types = ["parallel", "reduction", "reduction"]
func.func @collapse_non_permutation(%x: tensor<2x9xf32>, %win: tensor<3x7xf32>, %init: tensor<2xf32>) -> tensor<2xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1 + d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0)>], iterator_types = ["parallel", "reduction", "reduction"]}
    ins(%x, %win : tensor<2x9xf32>, tensor<3x7xf32>) outs(%init : tensor<2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// A max pooling scatter marked for the runtime's kernel stays a generic of
// its own, with its dimensions and its mark (rows of 4 do not collapse it):
// its consumer, collapsed, loads its result.
// CHECK-LABEL: func.func @max_pool_scatter_kept
// CHECK: %[[S:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: adj.max_pool2d_scatter_kernel
// CHECK: %[[SC:.*]] = tensor.collapse_shape %[[S]]
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[SC]]
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @max_pool_scatter_kept(%x: tensor<1x1x4x4xf32>, %s: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %e = tensor.empty() : tensor<1x1x4x4xf32>
  %g = linalg.generic {indexing_maps = [#id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%e : tensor<1x1x4x4xf32>) attrs = {adj.max_pool2d_scatter_kernel = array<i64: 2, 2>} {
  ^bb0(%out: f32):
    %c0 = arith.constant 0 : index
    %a = tensor.extract %x[%c0, %c0, %c0, %c0] : tensor<1x1x4x4xf32>
    %b = tensor.extract %s[%c0, %c0, %c0, %c0] : tensor<1x1x2x2xf32>
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x1x4x4xf32>
  %m = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%g, %x : tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) outs(%e : tensor<1x1x4x4xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %pos = arith.cmpf ogt, %in2, %zero : f32
    %r = arith.select %pos, %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x1x4x4xf32>
  return %m : tensor<1x1x4x4xf32>
}

// A product over a reduced dimension of extent 1 (an outer product: a weight
// gradient of one example) is an elementwise multiplication, read through
// broadcasting maps; no matmul is left. A sum of two of them accumulates one
// into the other; fusion then computes both and the relu in one loop.
// CHECK-LABEL: func.func @outer_products
// CHECK-SAME:    (%[[X:.*]]: tensor<1x3xf32>, %[[D:.*]]: tensor<1x4xf32>, %[[Y:.*]]: tensor<1x3xf32>, %[[E:.*]]: tensor<1x4xf32>)
// CHECK-NOT:     linalg.matmul
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[D]], %[[Y]], %[[E]] :
// CHECK:           %[[Q:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK:           %[[P:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK:           %[[S:.*]] = arith.addf %[[P]], %[[Q]] : f32
// CHECK:           %[[R:.*]] = arith.maximumf %[[P]], %{{.*}} : f32
// CHECK:           linalg.yield %[[S]], %[[R]]
// CHECK-NOT:     linalg.matmul
func.func @outer_products(%x: tensor<1x3xf32>, %d: tensor<1x4xf32>,
                          %y: tensor<1x3xf32>, %e: tensor<1x4xf32>)
    -> (tensor<3x4xf32>, tensor<3x4xf32>) {
  %xt = adj.transpose %x [1, 0] : tensor<1x3xf32> -> tensor<3x1xf32>
  %p = adj.matmul %xt, %d : tensor<3x1xf32>, tensor<1x4xf32> -> tensor<3x4xf32>
  %yt = adj.transpose %y [1, 0] : tensor<1x3xf32> -> tensor<3x1xf32>
  %q = adj.matmul %yt, %e : tensor<3x1xf32>, tensor<1x4xf32> -> tensor<3x4xf32>
  %s = adj.add %p, %q : tensor<3x4xf32>
  %r = adj.relu %p : tensor<3x4xf32>
  return %s, %r : tensor<3x4xf32>, tensor<3x4xf32>
}

// A product over two or more elements stays a matmul for its kernel.
// CHECK-LABEL: func.func @inner_product_kept
// CHECK:         linalg.matmul
func.func @inner_product_kept(%a: tensor<3x2xf32>, %b: tensor<2x4xf32>) -> tensor<3x4xf32> {
  %m = adj.matmul %a, %b : tensor<3x2xf32>, tensor<2x4xf32> -> tensor<3x4xf32>
  return %m : tensor<3x4xf32>
}

// An elementwise map whose rows are not whole 8-element vectors (11 x 11
// planes, f32 or f64) runs as one loop over all its elements, on collapsed
// views: one masked vector in all instead of one per row.
// CHECK-LABEL: func.func @whole_plane
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x11x11xf32>, %[[Y:.*]]: tensor<4x3x5xf64>)
// CHECK:         %[[XC:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1, 2, 3]] : tensor<2x3x11x11xf32> into tensor<726xf32>
// CHECK:         %[[T:.*]] = linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%[[XC]] : tensor<726xf32>)
// CHECK:           math.tanh
// CHECK:         %[[TE:.*]] = tensor.expand_shape %[[T]] {{\[\[}}0, 1, 2, 3]] output_shape [2, 3, 11, 11]
// CHECK:         %[[YC:.*]] = tensor.collapse_shape %[[Y]] {{\[\[}}0, 1, 2]] : tensor<4x3x5xf64> into tensor<60xf64>
// CHECK:         %[[E:.*]] = linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%[[YC]] : tensor<60xf64>)
// CHECK:           math.exp
// CHECK:         %[[EE:.*]] = tensor.expand_shape %[[E]]
// CHECK:         return %[[TE]], %[[EE]]
func.func @whole_plane(%x: tensor<2x3x11x11xf32>, %y: tensor<4x3x5xf64>)
    -> (tensor<2x3x11x11xf32>, tensor<4x3x5xf64>) {
  %t = adj.tanh %x : tensor<2x3x11x11xf32>
  %e = adj.exp %y : tensor<4x3x5xf64>
  return %t, %e : tensor<2x3x11x11xf32>, tensor<4x3x5xf64>
}

// Rows of whole 8-element vectors keep their loops (no masks).
// CHECK-LABEL: func.func @whole_rows
// CHECK-NOT:     tensor.collapse_shape
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]} ins(%{{.*}} : tensor<4x3x16xf32>)
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]} ins(%{{.*}} : tensor<4x3x8xf64>)
func.func @whole_rows(%x: tensor<4x3x16xf32>, %y: tensor<4x3x8xf64>)
    -> (tensor<4x3x16xf32>, tensor<4x3x8xf64>) {
  %t = adj.tanh %x : tensor<4x3x16xf32>
  %e = adj.exp %y : tensor<4x3x8xf64>
  return %t, %e : tensor<4x3x16xf32>, tensor<4x3x8xf64>
}

// A broadcast operand collapses only the dimensions it reads whole or not
// at all: a per-channel scale leaves each 11 x 11 plane one loop of 121; a
// row broadcast across the middle dimension ([2, 1, 11] against [2, 3,
// 11]), or a bias read by every row, leaves the rows as they are.
// CHECK-LABEL: func.func @broadcast_operands
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x11x11xf32>, %{{.*}}: tensor<3x1x1xf32>, %[[Y:.*]]: tensor<2x3x11xf32>, %{{.*}}: tensor<2x1x11xf32>, %[[Z:.*]]: tensor<5x11xf32>, %{{.*}}: tensor<11xf32>)
// CHECK:         %[[XC:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1], [2, 3]] : tensor<2x3x11x11xf32> into tensor<2x3x121xf32>
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[XC]], %{{.*}} : tensor<2x3x121xf32>, tensor<3xf32>)
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[Y]], %{{.*}} : tensor<2x3x11xf32>, tensor<2x11xf32>)
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[Z]], %{{.*}} : tensor<5x11xf32>, tensor<11xf32>)
func.func @broadcast_operands(%x: tensor<2x3x11x11xf32>, %c: tensor<3x1x1xf32>,
                              %y: tensor<2x3x11xf32>, %r: tensor<2x1x11xf32>,
                              %z: tensor<5x11xf32>, %b: tensor<11xf32>)
    -> (tensor<2x3x11x11xf32>, tensor<2x3x11xf32>, tensor<5x11xf32>) {
  %p = adj.mul %x, %c : tensor<2x3x11x11xf32>, tensor<3x1x1xf32>
  %q = adj.mul %y, %r : tensor<2x3x11xf32>, tensor<2x1x11xf32>
  %s = adj.add %z, %b : tensor<5x11xf32>, tensor<11xf32>
  return %p, %q, %s : tensor<2x3x11x11xf32>, tensor<2x3x11xf32>, tensor<5x11xf32>
}
