// Checks that malformed adj ops are rejected with the verifiers' messages.
// RUN: adjoint-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// Type constraints (ODS)
//===----------------------------------------------------------------------===//

func.func @dynamic_shape(%x: tensor<?xf32>) {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values, but got 'tensor<?xf32>'}}
  %0 = adj.exp %x : tensor<?xf32>
  return
}

// -----

func.func @unranked(%x: tensor<*xf32>) {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values, but got 'tensor<*xf32>'}}
  %0 = "adj.exp"(%x) : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// Parses (rule files use it), but does not verify.
func.func @unranked_custom_form(%x: tensor<*xf32>) {
  // expected-error @+1 {{'adj.exp' op operand #0 must be statically shaped tensor}}
  %0 = adj.exp %x : tensor<*xf32>
  return
}

// -----

func.func @integer_for_float(%x: tensor<4xi32>) {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values, but got 'tensor<4xi32>'}}
  %0 = adj.tanh %x : tensor<4xi32>
  return
}

// -----

func.func @unary_result_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "adj.neg"(%x) : (tensor<4xf32>) -> tensor<4xf64>
  return
}

// -----

func.func @binary_dynamic_shape(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values, but got 'tensor<?x3xf32>'}}
  %0 = adj.add %x, %x : tensor<?x3xf32>
  return
}

// -----

func.func @gelu_bad_approximation(%x: tensor<4xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'approximate' [none, tanh]}}
  %0 = adj.gelu %x approximate fast : tensor<4xf32>
  return
}

// -----

func.func @convert_shape(%x: tensor<4xi64>) {
  // expected-error @+1 {{'adj.convert' op requires the same shape for all operands and results}}
  %0 = adj.convert %x : tensor<4xi64> -> tensor<5xf32>
  return
}

// -----

func.func @convert_element_type(%x: tensor<4xi64>) {
  // expected-error @+1 {{result #0 must be statically shaped tensor of 32-bit float or 64-bit float or 32-bit signless integer or 64-bit signless integer or 1-bit signless integer values, but got 'tensor<4xi8>'}}
  %0 = adj.convert %x : tensor<4xi64> -> tensor<4xi8>
  return
}

// -----

func.func @compare_bad_direction(%x: tensor<4xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'direction' [eq, ne, lt, le, gt, ge]}}
  %0 = adj.compare gte, %x, %x : tensor<4xf32>
  return
}

// -----

func.func @cross_entropy_bad_reduction(%x: tensor<4x3xf32>, %l: tensor<4xi64>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'reduction' [mean, sum, none]}}
  %0 = adj.softmax_cross_entropy %x, %l reduction avg : tensor<4x3xf32>, tensor<4xi64> -> tensor<f32>
  return
}

// -----

func.func @select_float_condition(%c: tensor<4xf32>, %x: tensor<4xf32>) {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 1-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = adj.select %c, %x, %x : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  return
}

// -----

func.func @constant_element_type() {
  // expected-error @+1 {{result #0 must be statically shaped tensor of 32-bit float or 64-bit float or 32-bit signless integer or 64-bit signless integer or 1-bit signless integer values, but got 'tensor<2xi8>'}}
  %0 = adj.constant dense<1> : tensor<2xi8>
  return
}

// -----

func.func @constant_type_mismatch() {
  // expected-error @+1 {{failed to verify that all of {value, result} have same type}}
  %0 = "adj.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  return
}

// -----

func.func @fill_integer() {
  // expected-error @+1 {{result #0 must be statically shaped tensor of 32-bit float or 64-bit float values, but got 'tensor<4xi32>'}}
  %0 = adj.fill 1.0 : tensor<4xi32>
  return
}

// -----

func.func @iota_bool() {
  // expected-error @+1 {{result #0 must be statically shaped tensor of 32-bit float or 64-bit float or 32-bit signless integer or 64-bit signless integer values, but got 'tensor<4xi1>'}}
  %0 = adj.iota dim 0 : tensor<4xi1>
  return
}

// -----

func.func @dot_operand_types(%x: tensor<4xf32>, %y: tensor<5xf32>) {
  // expected-error @+1 {{failed to verify that all of {lhs, rhs} have same type}}
  %0 = "adj.dot"(%x, %y) : (tensor<4xf32>, tensor<5xf32>) -> tensor<f32>
  return
}

// -----

func.func @transpose_missing_permutation(%x: tensor<4x3xf32>) {
  // expected-error @+1 {{requires attribute 'permutation'}}
  %0 = "adj.transpose"(%x) : (tensor<4x3xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @gather_float_indices(%x: tensor<10x4xf32>, %i: tensor<3xf32>) {
  // expected-error @+1 {{operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<3xf32>'}}
  %0 = adj.gather %x[%i] axis 0 : tensor<10x4xf32>, tensor<3xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @one_hot_integer_result(%l: tensor<4xi64>) {
  // expected-error @+1 {{result #0 must be statically shaped tensor of 32-bit float or 64-bit float values, but got 'tensor<4x10xi32>'}}
  %0 = adj.one_hot %l : tensor<4xi64> -> tensor<4x10xi32>
  return
}

// -----

func.func @softmax_result_type(%x: tensor<4x3xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "adj.softmax"(%x) {axis = 1 : i64} : (tensor<4x3xf32>) -> tensor<4x3xf64>
  return
}

// -----

//===----------------------------------------------------------------------===//
// A written result type that disagrees with the inferred one
//===----------------------------------------------------------------------===//

func.func @add_result_type(%x: tensor<4x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{'adj.add' op inferred type(s) 'tensor<4x3xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "adj.add"(%x, %b) : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @compare_result_type(%x: tensor<4xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<4xi1>' are incompatible with return type(s) of operation 'tensor<3xi1>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "adj.compare"(%x, %x) {direction = 0 : i32} : (tensor<4xf32>, tensor<4xf32>) -> tensor<3xi1>
  return
}

// -----

func.func @matmul_result_type(%a: tensor<4x5xf32>, %b: tensor<5x6xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<4x6xf32>' are incompatible with return type(s) of operation 'tensor<4x5xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.matmul %a, %b : tensor<4x5xf32>, tensor<5x6xf32> -> tensor<4x5xf32>
  return
}

// -----

func.func @sum_keepdims_result_type(%x: tensor<4x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<4x1xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.sum %x axes [1] keepdims : tensor<4x3xf32> -> tensor<4xf32>
  return
}

// -----

func.func @cross_entropy_reduction_none_result_type(%x: tensor<4x3xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{inferred type(s) 'tensor<4xf32>' are incompatible with return type(s) of operation 'tensor<f32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.softmax_cross_entropy %x, %l reduction none : tensor<4x3xf32>, tensor<4xi64> -> tensor<f32>
  return
}

// -----

func.func @batch_norm_result_types(%x: tensor<4x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<4x3xf32>', 'tensor<3xf32>', 'tensor<3xf32>' are incompatible with return type(s) of operation 'tensor<4x3xf32>', 'tensor<4xf32>', 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:3 = "adj.batch_norm"(%x, %s, %s) : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<4x3xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

//===----------------------------------------------------------------------===//
// Elementwise binary ops, compare, select
//===----------------------------------------------------------------------===//

func.func @add_scalar_operands(%x: f32) {
  // expected-error @+1 {{'adj.add' op expects ranked tensor operands}}
  %0 = adj.add %x, %x : f32
  return
}

// -----

func.func @add_no_broadcast(%x: tensor<4x3xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{'adj.add' op operand shapes 'tensor<4x3xf32>' and 'tensor<4xf32>' do not broadcast (NumPy rules: right-aligned dimensions must be equal or 1)}}
  %0 = adj.add %x, %y : tensor<4x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @sub_element_types(%x: tensor<4xf32>, %y: tensor<4xf64>) {
  // expected-error @+1 {{'adj.sub' op operands have different element types ('tensor<4xf32>' and 'tensor<4xf64>'); convert one with adj.convert}}
  %0 = adj.sub %x, %y : tensor<4xf32>, tensor<4xf64>
  return
}

// -----

func.func @mul_no_broadcast(%x: tensor<2x3xf32>, %y: tensor<3x2xf32>) {
  // expected-error @+1 {{'adj.mul' op operand shapes 'tensor<2x3xf32>' and 'tensor<3x2xf32>' do not broadcast}}
  %0 = adj.mul %x, %y : tensor<2x3xf32>, tensor<3x2xf32>
  return
}

// -----

func.func @div_element_types(%x: tensor<f64>, %y: tensor<f32>) {
  // expected-error @+1 {{'adj.div' op operands have different element types}}
  %0 = adj.div %x, %y : tensor<f64>, tensor<f32>
  return
}

// -----

func.func @pow_no_broadcast(%x: tensor<5xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{'adj.pow' op operand shapes 'tensor<5xf32>' and 'tensor<4xf32>' do not broadcast}}
  %0 = adj.pow %x, %y : tensor<5xf32>, tensor<4xf32>
  return
}

// -----

func.func @maximum_unranked(%x: tensor<*xf32>) {
  // expected-error @+1 {{'adj.maximum' op operand #0 must be statically shaped tensor}}
  %0 = adj.maximum %x, %x : tensor<*xf32>
  return
}

// -----

func.func @minimum_no_broadcast(%x: tensor<2x1x3xf32>, %y: tensor<4x2xf32>) {
  // expected-error @+1 {{'adj.minimum' op operand shapes 'tensor<2x1x3xf32>' and 'tensor<4x2xf32>' do not broadcast}}
  %0 = adj.minimum %x, %y : tensor<2x1x3xf32>, tensor<4x2xf32>
  return
}

// -----

func.func @compare_no_broadcast(%x: tensor<4x3xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{'adj.compare' op operand shapes 'tensor<4x3xf32>' and 'tensor<4xf32>' do not broadcast}}
  %0 = adj.compare lt, %x, %y : tensor<4x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @compare_element_types(%x: tensor<4xf32>, %y: tensor<4xf64>) {
  // expected-error @+1 {{'adj.compare' op operands have different element types}}
  %0 = adj.compare eq, %x, %y : tensor<4xf32>, tensor<4xf64>
  return
}

// -----

func.func @select_values_no_broadcast(%c: tensor<4xi1>, %x: tensor<4xf32>, %y: tensor<3xf32>) {
  // expected-error @+1 {{'adj.select' op operand shapes 'tensor<4xf32>' and 'tensor<3xf32>' do not broadcast}}
  %0 = adj.select %c, %x, %y : tensor<4xi1>, tensor<4xf32>, tensor<3xf32>
  return
}

// -----

func.func @select_values_element_types(%c: tensor<4xi1>, %x: tensor<4xf32>, %y: tensor<4xf64>) {
  // expected-error @+1 {{'adj.select' op operands have different element types}}
  %0 = adj.select %c, %x, %y : tensor<4xi1>, tensor<4xf32>, tensor<4xf64>
  return
}

// -----

func.func @select_condition_no_broadcast(%c: tensor<3xi1>, %x: tensor<4xf32>) {
  // expected-error @+1 {{'adj.select' op condition shape 'tensor<3xi1>' does not broadcast with 'tensor<4xf32>'}}
  %0 = adj.select %c, %x, %x : tensor<3xi1>, tensor<4xf32>, tensor<4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

func.func @iota_dim_out_of_range() {
  // expected-error @+1 {{'adj.iota' op dim 2 is out of range [0, 2) for a tensor of rank 2}}
  %0 = adj.iota dim 2 : tensor<4x8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

func.func @matmul_element_types(%a: tensor<4x5xf32>, %b: tensor<5x6xf64>) {
  // expected-error @+2 {{'adj.matmul' op operands have different element types}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.matmul %a, %b : tensor<4x5xf32>, tensor<5x6xf64> -> tensor<4x6xf32>
  return
}

// -----

func.func @matmul_vector(%a: tensor<4x5xf32>, %v: tensor<5xf32>) {
  // expected-error @+2 {{'adj.matmul' op expects operands of rank 2 or more ([..., M, K] and [..., K, N]), got 'tensor<4x5xf32>' and 'tensor<5xf32>'; adj.reshape a vector to [K, 1] (right) or [1, K] (left) and the result back, or use adj.dot for two vectors}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.matmul %a, %v : tensor<4x5xf32>, tensor<5xf32> -> tensor<4xf32>
  return
}

// -----

func.func @matmul_contracting(%a: tensor<4x5xf32>, %b: tensor<6x7xf32>) {
  // expected-error @+2 {{'adj.matmul' op contracting dimensions differ: lhs 'tensor<4x5xf32>' has K = 5 but rhs 'tensor<6x7xf32>' has K = 6}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.matmul %a, %b : tensor<4x5xf32>, tensor<6x7xf32> -> tensor<4x7xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x4x5xf32>, %b: tensor<3x5x6xf32>) {
  // expected-error @+2 {{'adj.matmul' op batch dimensions of 'tensor<2x4x5xf32>' and 'tensor<3x5x6xf32>' do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.matmul %a, %b : tensor<2x4x5xf32>, tensor<3x5x6xf32> -> tensor<2x4x6xf32>
  return
}

// -----

func.func @dot_matrices(%a: tensor<4x4xf32>) {
  // expected-error @+2 {{'adj.dot' op expects two vectors of the same type (rank 1), got 'tensor<4x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.dot %a, %a : tensor<4x4xf32> -> tensor<f32>
  return
}

// -----

func.func @transpose_length(%x: tensor<4x3xf32>) {
  // expected-error @+2 {{'adj.transpose' op permutation [0] has 1 entries but the operand has rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.transpose %x [0] : tensor<4x3xf32> -> tensor<4xf32>
  return
}

// -----

func.func @transpose_repeated(%x: tensor<4x3xf32>) {
  // expected-error @+2 {{'adj.transpose' op permutation [0, 0] is not a permutation of [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.transpose %x [0, 0] : tensor<4x3xf32> -> tensor<4x4xf32>
  return
}

// -----

func.func @transpose_out_of_range(%x: tensor<4x3xf32>) {
  // expected-error @+2 {{'adj.transpose' op permutation [2, 0] is not a permutation of [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.transpose %x [2, 0] : tensor<4x3xf32> -> tensor<3x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

func.func @sum_axis_out_of_range(%x: tensor<4x3xf32>) {
  // expected-error @+2 {{'adj.sum' op axis 2 is out of range [0, 2) for a tensor of rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.sum %x axes [2] : tensor<4x3xf32> -> tensor<4xf32>
  return
}

// -----

func.func @mean_negative_axis(%x: tensor<4x3xf32>) {
  // expected-error @+2 {{'adj.mean' op axis -1 is out of range [0, 2) for a tensor of rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.mean %x axes [-1] : tensor<4x3xf32> -> tensor<4xf32>
  return
}

// -----

func.func @max_repeated_axis(%x: tensor<4x3xf32>) {
  // expected-error @+2 {{'adj.max' op axis 1 appears twice in axes [1, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.max %x axes [1, 1] : tensor<4x3xf32> -> tensor<4xf32>
  return
}

// -----

func.func @min_result_type(%x: tensor<4x3xf32>) {
  // expected-error @+2 {{'adj.min' op inferred type(s) 'tensor<f32>' are incompatible with return type(s) of operation 'tensor<1x1xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.min %x : tensor<4x3xf32> -> tensor<1x1xf32>
  return
}

// -----

func.func @prod_axis_out_of_range(%x: tensor<4xf32>) {
  // expected-error @+2 {{'adj.prod' op axis 1 is out of range [0, 1) for a tensor of rank 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.prod %x axes [1] : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @logsumexp_repeated_axis(%x: tensor<4x3xf32>) {
  // expected-error @+2 {{'adj.logsumexp' op axis 0 appears twice in axes [0, 1, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.logsumexp %x axes [0, 1, 0] : tensor<4x3xf32> -> tensor<f32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

func.func @reshape_element_type(%x: tensor<4x3xf32>) {
  // expected-error @+1 {{'adj.reshape' op changes the element type from 'f32' to 'f64'}}
  %0 = adj.reshape %x : tensor<4x3xf32> -> tensor<12xf64>
  return
}

// -----

func.func @reshape_element_count(%x: tensor<4x3xf32>) {
  // expected-error @+1 {{'adj.reshape' op cannot reshape 'tensor<4x3xf32>' (12 elements) to 'tensor<13xf32>' (13 elements)}}
  %0 = adj.reshape %x : tensor<4x3xf32> -> tensor<13xf32>
  return
}

// -----

func.func @broadcast_to_element_type(%x: tensor<3xf32>) {
  // expected-error @+1 {{'adj.broadcast_to' op changes the element type from 'f32' to 'f64'}}
  %0 = adj.broadcast_to %x : tensor<3xf32> -> tensor<4x3xf64>
  return
}

// -----

func.func @broadcast_to_incompatible(%x: tensor<3xf32>) {
  // expected-error @+1 {{'adj.broadcast_to' op cannot broadcast 'tensor<3xf32>' to 'tensor<3x4xf32>' (NumPy rules: right-aligned dimensions must be equal or 1)}}
  %0 = adj.broadcast_to %x : tensor<3xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @broadcast_to_lower_rank(%x: tensor<1x3xf32>) {
  // expected-error @+1 {{'adj.broadcast_to' op cannot broadcast 'tensor<1x3xf32>' to 'tensor<3xf32>'}}
  %0 = adj.broadcast_to %x : tensor<1x3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @slice_entries(%x: tensor<4x8xf32>) {
  // expected-error @+2 {{'adj.slice' op start, limit and stride need one entry per dimension (2), got [0], [4, 8] and [1, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.slice %x start [0] limit [4, 8] : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @slice_stride_entries(%x: tensor<4x8xf32>) {
  // expected-error @+2 {{'adj.slice' op start, limit and stride need one entry per dimension (2), got [0, 0], [4, 8] and [2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.slice %x start [0, 0] limit [4, 8] stride [2] : tensor<4x8xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @slice_negative_start(%x: tensor<4x8xf32>) {
  // expected-error @+2 {{'adj.slice' op dimension 0: needs 0 <= start (-1) <= limit (4) <= size (4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.slice %x start [-1, 0] limit [4, 8] : tensor<4x8xf32> -> tensor<5x8xf32>
  return
}

// -----

func.func @slice_start_after_limit(%x: tensor<4x8xf32>) {
  // expected-error @+2 {{'adj.slice' op dimension 1: needs 0 <= start (5) <= limit (3) <= size (8)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.slice %x start [0, 5] limit [4, 3] : tensor<4x8xf32> -> tensor<4x0xf32>
  return
}

// -----

func.func @slice_limit_past_end(%x: tensor<4x8xf32>) {
  // expected-error @+2 {{'adj.slice' op dimension 1: needs 0 <= start (0) <= limit (9) <= size (8)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.slice %x start [0, 0] limit [4, 9] : tensor<4x8xf32> -> tensor<4x9xf32>
  return
}

// -----

func.func @slice_zero_stride(%x: tensor<4x8xf32>) {
  // expected-error @+2 {{'adj.slice' op dimension 1: stride 0 must be at least 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.slice %x start [0, 0] limit [4, 8] stride [1, 0] : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @concat_no_inputs() {
  // expected-error @+2 {{'adj.concat' op expects at least one input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "adj.concat"() {axis = 0 : i64} : () -> tensor<4xf32>
  return
}

// -----

func.func @concat_axis_out_of_range(%a: tensor<4x3xf32>) {
  // expected-error @+2 {{'adj.concat' op axis 2 is out of range [0, 2) for a tensor of rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.concat %a, %a axis 2 : tensor<4x3xf32>, tensor<4x3xf32> -> tensor<4x6xf32>
  return
}

// -----

func.func @concat_element_types(%a: tensor<4x3xf32>, %b: tensor<4x3xi32>) {
  // expected-error @+2 {{'adj.concat' op operands have different element types ('tensor<4x3xf32>' and 'tensor<4x3xi32>'); convert one with adj.convert}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.concat %a, %b axis 1 : tensor<4x3xf32>, tensor<4x3xi32> -> tensor<4x6xf32>
  return
}

// -----

func.func @concat_ranks(%a: tensor<4x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{'adj.concat' op inputs have different ranks: 'tensor<4x3xf32>' and 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.concat %a, %b axis 0 : tensor<4x3xf32>, tensor<4xf32> -> tensor<8x3xf32>
  return
}

// -----

func.func @concat_other_dimension(%a: tensor<4x3xf32>, %b: tensor<5x3xf32>) {
  // expected-error @+2 {{'adj.concat' op inputs 'tensor<4x3xf32>' and 'tensor<5x3xf32>' differ in dimension 0, which is not the concatenation axis 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.concat %a, %b axis 1 : tensor<4x3xf32>, tensor<5x3xf32> -> tensor<4x6xf32>
  return
}

// -----

func.func @pad_entries(%x: tensor<4x8xf32>) {
  // expected-error @+2 {{'adj.pad' op low, high and interior need one entry per dimension (2), got [1], [1, 1] and [0, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.pad %x low [1] high [1, 1] : tensor<4x8xf32> -> tensor<6x10xf32>
  return
}

// -----

func.func @pad_negative(%x: tensor<4x8xf32>) {
  // expected-error @+2 {{'adj.pad' op padding must be non-negative, got low [0, -1], high [0, 0] and interior [0, 0] (use adj.slice to crop)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.pad %x low [0, -1] high [0, 0] : tensor<4x8xf32> -> tensor<4x7xf32>
  return
}

// -----

func.func @pad_interior_entries(%x: tensor<4x8xf32>) {
  // expected-error @+2 {{'adj.pad' op low, high and interior need one entry per dimension (2), got [0, 0], [0, 0] and [1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.pad %x low [0, 0] high [0, 0] interior [1] : tensor<4x8xf32> -> tensor<7x8xf32>
  return
}

// -----

func.func @pad_negative_interior(%x: tensor<4x8xf32>) {
  // expected-error @+2 {{'adj.pad' op padding must be non-negative, got low [0, 0], high [0, 0] and interior [0, -1] (use adj.slice to crop)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.pad %x low [0, 0] high [0, 0] interior [0, -1] : tensor<4x8xf32> -> tensor<4x1xf32>
  return
}

// -----

func.func @pad_interior_result_type(%x: tensor<4x8xf32>) {
  // expected-error @+2 {{'adj.pad' op inferred type(s) 'tensor<10x8xf32>' are incompatible with return type(s) of operation 'tensor<12x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.pad %x low [0, 0] high [0, 0] interior [2, 0] : tensor<4x8xf32> -> tensor<12x8xf32>
  return
}

// -----

func.func @gather_axis_out_of_range(%x: tensor<10x4xf32>, %i: tensor<3xi64>) {
  // expected-error @+2 {{'adj.gather' op axis 2 is out of range [0, 2) for a tensor of rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.gather %x[%i] axis 2 : tensor<10x4xf32>, tensor<3xi64> -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_add_axis(%u: tensor<3x4xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{'adj.scatter_add' op axis 2 is out of range [0, 2) for a tensor of rank 2}}
  %0 = adj.scatter_add %u[%i] axis 2 : tensor<3x4xf32>, tensor<3xi64> -> tensor<10x4xf32>
  return
}

// -----

func.func @scatter_add_element_type(%u: tensor<3x4xf64>, %i: tensor<3xi64>) {
  // expected-error @+1 {{'adj.scatter_add' op changes the element type from 'f64' to 'f32'}}
  %0 = adj.scatter_add %u[%i] axis 0 : tensor<3x4xf64>, tensor<3xi64> -> tensor<10x4xf32>
  return
}

// -----

// Constant indices out of range: the first bad entry, its position and the
// range, when the IR is read.
func.func @gather_constant_index_out_of_range(%x: tensor<4x10xf32>) {
  %i = adj.constant dense<[[3, 9], [10, -1]]> : tensor<2x2xi64>
  // expected-error @+1 {{'adj.gather' op index 10 at position [1, 0] of the constant indices is out of range [0, 10) for axis 1 of 'tensor<4x10xf32>'}}
  %0 = adj.gather %x[%i] axis 1 : tensor<4x10xf32>, tensor<2x2xi64> -> tensor<4x2x2xf32>
  return
}

// -----

func.func @gather_constant_negative_index(%x: tensor<4x10xf32>) {
  %i = arith.constant dense<-1> : tensor<3xi32>
  // expected-error @+1 {{'adj.gather' op index -1 at position [0] of the constant indices is out of range [0, 4) for axis 0 of 'tensor<4x10xf32>'}}
  %0 = adj.gather %x[%i] axis 0 : tensor<4x10xf32>, tensor<3xi32> -> tensor<3x10xf32>
  return
}

// -----

func.func @scatter_add_constant_index_out_of_range(%u: tensor<3x4xf32>) {
  %i = adj.constant dense<[0, 9, 10]> : tensor<3xi64>
  // expected-error @+1 {{'adj.scatter_add' op index 10 at position [2] of the constant indices is out of range [0, 10) for axis 0 of 'tensor<10x4xf32>'}}
  %0 = adj.scatter_add %u[%i] axis 0 : tensor<3x4xf32>, tensor<3xi64> -> tensor<10x4xf32>
  return
}

// -----

func.func @cross_entropy_constant_label_out_of_range(%x: tensor<4x3xf32>) {
  %l = adj.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  // expected-error @+1 {{'adj.softmax_cross_entropy' op label 3 at position [3] of the constant labels is out of range [0, 3) for logits 'tensor<4x3xf32>'}}
  %0 = adj.softmax_cross_entropy %x, %l : tensor<4x3xf32>, tensor<4xi64> -> tensor<f32>
  return
}

// -----

// Class labels (in_range) must be in range; other one_hot indices give a
// row of zeros, out of range or not.
func.func @one_hot_constant_label_out_of_range() {
  %l = adj.constant dense<[2, 5]> : tensor<2xi64>
  %0 = adj.one_hot %l : tensor<2xi64> -> tensor<2x5xf32>
  // expected-error @+1 {{'adj.one_hot' op label 5 at position [1] of the constant labels is out of range [0, 5) for the classes of 'tensor<2x5xf32>'}}
  %1 = adj.one_hot %l in_range : tensor<2xi64> -> tensor<2x5xf32>
  return
}

// -----

func.func @scatter_add_updates_shape(%u: tensor<4x3xf32>, %i: tensor<2x3xi32>) {
  // expected-error @+1 {{'adj.scatter_add' op updates 'tensor<4x3xf32>' must have shape [4, 2, 3]: the result's dimensions with the indices' shape in place of axis 1}}
  %0 = adj.scatter_add %u[%i] axis 1 : tensor<4x3xf32>, tensor<2x3xi32> -> tensor<4x10xf32>
  return
}

// -----

func.func @scatter_add_float_indices(%u: tensor<3x4xf32>, %i: tensor<3xf32>) {
  // expected-error @+1 {{operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<3xf32>'}}
  %0 = adj.scatter_add %u[%i] axis 0 : tensor<3x4xf32>, tensor<3xf32> -> tensor<10x4xf32>
  return
}

// -----

func.func @reverse_dim(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'adj.reverse' op dim 2 is out of range [0, 2) for a tensor of rank 2}}
  %0 = adj.reverse %x dims [2] : tensor<3x4xf32>
  return
}

// -----

func.func @reverse_repeated_dim(%x: tensor<3x4xi1>) {
  // expected-error @+1 {{'adj.reverse' op dim 1 appears twice in dims [1, 0, 1]}}
  %0 = adj.reverse %x dims [1, 0, 1] : tensor<3x4xi1>
  return
}

// -----

func.func @reverse_result_type(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "adj.reverse"(%x) {dims = array<i64: 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @one_hot_shape(%l: tensor<4xi64>) {
  // expected-error @+1 {{'adj.one_hot' op result 'tensor<5x10xf32>' must be the indices' shape 'tensor<4xi64>' with one more dimension, the number of classes}}
  %0 = adj.one_hot %l : tensor<4xi64> -> tensor<5x10xf32>
  return
}

// -----

func.func @one_hot_rank(%l: tensor<4xi64>) {
  // expected-error @+1 {{'adj.one_hot' op result 'tensor<4xf32>' must be the indices' shape 'tensor<4xi64>' with one more dimension, the number of classes}}
  %0 = adj.one_hot %l : tensor<4xi64> -> tensor<4xf32>
  return
}

// -----

func.func @one_hot_no_classes(%l: tensor<4xi32>) {
  // expected-error @+1 {{'adj.one_hot' op needs at least one class, got 'tensor<4x0xf32>'}}
  %0 = adj.one_hot %l : tensor<4xi32> -> tensor<4x0xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Neural-network ops
//===----------------------------------------------------------------------===//

func.func @softmax_axis(%x: tensor<4x3xf32>) {
  // expected-error @+1 {{'adj.softmax' op axis 2 is out of range [0, 2) for a tensor of rank 2}}
  %0 = adj.softmax %x axis 2 : tensor<4x3xf32>
  return
}

// -----

func.func @log_softmax_axis(%x: tensor<f32>) {
  // expected-error @+1 {{'adj.log_softmax' op axis 0 is out of range [0, 0) for a tensor of rank 0}}
  %0 = adj.log_softmax %x axis 0 : tensor<f32>
  return
}

// -----

func.func @cross_entropy_logits_rank(%x: tensor<4xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{'adj.softmax_cross_entropy' op expects logits [N, C] and labels [N], got 'tensor<4xf32>' and 'tensor<4xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.softmax_cross_entropy %x, %l : tensor<4xf32>, tensor<4xi64> -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_batch(%x: tensor<4x10xf32>, %l: tensor<5xi32>) {
  // expected-error @+2 {{'adj.softmax_cross_entropy' op expects logits [N, C] and labels [N], got 'tensor<4x10xf32>' and 'tensor<5xi32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.softmax_cross_entropy %x, %l reduction sum : tensor<4x10xf32>, tensor<5xi32> -> tensor<f32>
  return
}

// -----

func.func @conv2d_rank(%x: tensor<1x28x28xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error @+2 {{'adj.conv2d' op expects an NCHW input and OIHW weights (rank 4), got 'tensor<1x28x28xf32>' and 'tensor<6x1x3x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.conv2d %x, %w : tensor<1x28x28xf32>, tensor<6x1x3x3xf32> -> tensor<1x6x26x26xf32>
  return
}

// -----

func.func @conv2d_element_types(%x: tensor<1x1x8x8xf32>, %w: tensor<6x1x3x3xf64>) {
  // expected-error @+2 {{'adj.conv2d' op operands have different element types}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.conv2d %x, %w : tensor<1x1x8x8xf32>, tensor<6x1x3x3xf64> -> tensor<1x6x6x6xf32>
  return
}

// -----

func.func @conv2d_zero_groups(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) {
  // expected-error @+2 {{'adj.conv2d' op groups (0) must be at least 1 and divide the input channels (4) and output channels (6)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.conv2d %x, %w groups 0 : tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32> -> tensor<1x6x6x6xf32>
  return
}

// -----

func.func @conv2d_groups_divide(%x: tensor<1x4x8x8xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error @+2 {{'adj.conv2d' op groups (4) must be at least 1 and divide the input channels (4) and output channels (6)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.conv2d %x, %w groups 4 : tensor<1x4x8x8xf32>, tensor<6x1x3x3xf32> -> tensor<1x6x6x6xf32>
  return
}

// -----

func.func @conv2d_weight_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) {
  // expected-error @+2 {{'adj.conv2d' op weight 'tensor<6x4x3x3xf32>' must have C / groups = 2 input channels, as input 'tensor<1x4x8x8xf32>' has 4 channels in 2 group(s)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.conv2d %x, %w groups 2 : tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32> -> tensor<1x6x6x6xf32>
  return
}

// -----

func.func @conv2d_stride_entries(%x: tensor<1x1x8x8xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error @+2 {{'adj.conv2d' op stride needs 2 entries, got [2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.conv2d %x, %w stride [2] : tensor<1x1x8x8xf32>, tensor<6x1x3x3xf32> -> tensor<1x6x3x3xf32>
  return
}

// -----

func.func @conv2d_zero_stride(%x: tensor<1x1x8x8xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error @+2 {{'adj.conv2d' op stride entries must be at least 1, got [1, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.conv2d %x, %w stride [1, 0] : tensor<1x1x8x8xf32>, tensor<6x1x3x3xf32> -> tensor<1x6x6x6xf32>
  return
}

// -----

func.func @conv2d_padding_entries(%x: tensor<1x1x8x8xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error @+2 {{'adj.conv2d' op padding needs 4 entries, got [1, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.conv2d %x, %w padding [1, 1] : tensor<1x1x8x8xf32>, tensor<6x1x3x3xf32> -> tensor<1x6x8x8xf32>
  return
}

// -----

func.func @conv2d_negative_padding(%x: tensor<1x1x8x8xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error @+2 {{'adj.conv2d' op padding entries must be at least 0, got [0, 0, -1, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.conv2d %x, %w padding [0, 0, -1, 0] : tensor<1x1x8x8xf32>, tensor<6x1x3x3xf32> -> tensor<1x6x5x6xf32>
  return
}

// -----

func.func @conv2d_dilation_entries(%x: tensor<1x1x8x8xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error @+2 {{'adj.conv2d' op dilation needs 2 entries, got [2, 2, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.conv2d %x, %w dilation [2, 2, 2] : tensor<1x1x8x8xf32>, tensor<6x1x3x3xf32> -> tensor<1x6x4x4xf32>
  return
}

// -----

func.func @conv2d_zero_dilation(%x: tensor<1x1x8x8xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error @+2 {{'adj.conv2d' op dilation entries must be at least 1, got [0, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.conv2d %x, %w dilation [0, 1] : tensor<1x1x8x8xf32>, tensor<6x1x3x3xf32> -> tensor<1x6x8x6xf32>
  return
}

// -----

func.func @conv2d_window_too_large(%x: tensor<1x1x8x8xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error @+2 {{'adj.conv2d' op the window (kernel [3, 3], dilation [4, 1]) does not fit in the input 'tensor<1x1x8x8xf32>' padded by [0, 0, 0, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.conv2d %x, %w dilation [4, 1] : tensor<1x1x8x8xf32>, tensor<6x1x3x3xf32> -> tensor<1x6x1x6xf32>
  return
}

// -----

func.func @max_pool2d_rank(%x: tensor<6x28x28xf32>) {
  // expected-error @+2 {{'adj.max_pool2d' op expects an NCHW input (rank 4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.max_pool2d %x kernel [2, 2] : tensor<6x28x28xf32> -> tensor<6x14x14xf32>
  return
}

// -----

func.func @max_pool2d_kernel_entries(%x: tensor<1x1x8x8xf32>) {
  // expected-error @+2 {{'adj.max_pool2d' op kernel needs 2 entries, got [2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.max_pool2d %x kernel [2] : tensor<1x1x8x8xf32> -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_pool2d_zero_kernel(%x: tensor<1x1x8x8xf32>) {
  // expected-error @+2 {{'adj.max_pool2d' op kernel entries must be at least 1, got [0, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.max_pool2d %x kernel [0, 2] : tensor<1x1x8x8xf32> -> tensor<1x1x8x4xf32>
  return
}

// -----

func.func @max_pool2d_stride_entries(%x: tensor<1x1x8x8xf32>) {
  // expected-error @+2 {{'adj.max_pool2d' op stride needs 2 entries, got [1, 1, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.max_pool2d %x kernel [2, 2] stride [1, 1, 1] : tensor<1x1x8x8xf32> -> tensor<1x1x7x7xf32>
  return
}

// -----

func.func @avg_pool2d_padding_entries(%x: tensor<1x1x8x8xf32>) {
  // expected-error @+2 {{'adj.avg_pool2d' op padding needs 4 entries, got [1, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.avg_pool2d %x kernel [3, 3] padding [1, 1] : tensor<1x1x8x8xf32> -> tensor<1x1x3x3xf32>
  return
}

// -----

func.func @avg_pool2d_negative_padding(%x: tensor<1x1x8x8xf32>) {
  // expected-error @+2 {{'adj.avg_pool2d' op padding entries must be at least 0, got [-1, 0, 0, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.avg_pool2d %x kernel [2, 2] padding [-1, 0, 0, 0] : tensor<1x1x8x8xf32> -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @avg_pool2d_zero_stride(%x: tensor<1x1x8x8xf32>) {
  // expected-error @+2 {{'adj.avg_pool2d' op stride entries must be at least 1, got [0, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.avg_pool2d %x kernel [2, 2] stride [0, 0] : tensor<1x1x8x8xf32> -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @avg_pool2d_padding_not_below_kernel(%x: tensor<1x1x8x8xf32>) {
  // expected-error @+2 {{'adj.avg_pool2d' op padding [0, 0, 2, 0] must be smaller than the kernel [2, 2] so that every window holds an input element}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.avg_pool2d %x kernel [2, 2] padding [0, 0, 2, 0] exclude_padding : tensor<1x1x8x8xf32> -> tensor<1x1x5x4xf32>
  return
}

// -----

func.func @max_pool2d_exclude_padding(%x: tensor<1x1x8x8xf32>) {
  // exclude_padding belongs to avg_pool2d only.
  // expected-error @+1 {{expected ':'}}
  %0 = adj.max_pool2d %x kernel [2, 2] exclude_padding : tensor<1x1x8x8xf32> -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_pool2d_scatter_source(%x: tensor<1x1x4x4xf32>, %s: tensor<1x1x3x3xf32>) {
  // expected-error @+2 {{'adj.max_pool2d_scatter' op source 'tensor<1x1x3x3xf32>' must have the pooling output's type 'tensor<1x1x2x2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.max_pool2d_scatter %x, %s kernel [2, 2] : tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32> -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_pool2d_scatter_result_type(%x: tensor<1x1x4x4xf32>, %s: tensor<1x1x2x2xf32>) {
  // expected-error @+2 {{'adj.max_pool2d_scatter' op inferred type(s) 'tensor<1x1x4x4xf32>' are incompatible with return type(s) of operation 'tensor<1x1x2x2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.max_pool2d_scatter %x, %s kernel [2, 2] : tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32> -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @max_pool2d_scatter_padding(%x: tensor<1x1x4x4xf32>, %s: tensor<1x1x2x2xf32>) {
  // expected-error @+2 {{'adj.max_pool2d_scatter' op padding [2, 0, 0, 0] must be smaller than the kernel [2, 2] so that every window holds an input element}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.max_pool2d_scatter %x, %s kernel [2, 2] padding [2, 0, 0, 0] : tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_pool2d_gather_source(%x: tensor<1x1x4x4xf32>, %s: tensor<1x1x4x4xf64>) {
  // expected-error @+1 {{'adj.max_pool2d_gather' op source 'tensor<1x1x4x4xf64>' must have the operand's type 'tensor<1x1x4x4xf32>'}}
  %0 = adj.max_pool2d_gather %x, %s kernel [2, 2] : tensor<1x1x4x4xf32>, tensor<1x1x4x4xf64> -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @max_pool2d_gather_stride(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+2 {{'adj.max_pool2d_gather' op stride entries must be at least 1, got [0, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.max_pool2d_gather %x, %x kernel [2, 2] stride [0, 1] : tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @max_pool2d_window_too_large(%x: tensor<1x1x2x8xf32>) {
  // expected-error @+2 {{'adj.max_pool2d' op the window (kernel [3, 3]) does not fit in the input 'tensor<1x1x2x8xf32>' padded by [0, 0, 0, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = adj.max_pool2d %x kernel [3, 3] : tensor<1x1x2x8xf32> -> tensor<1x1x0x2xf32>
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<4x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'adj.layer_norm' op axis 2 is out of range [0, 2) for a tensor of rank 2}}
  %0 = adj.layer_norm %x, %s, %s axis 2 : tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>
  return
}

// -----

func.func @layer_norm_affine_shape(%x: tensor<4x3xf32>, %s: tensor<3xf32>, %b: tensor<4x3xf32>) {
  // expected-error @+1 {{'adj.layer_norm' op scale and bias must have shape [4, 3] for input 'tensor<4x3xf32>', got 'tensor<3xf32>'}}
  %0 = adj.layer_norm %x, %s, %b axis 0 : tensor<4x3xf32>, tensor<3xf32>, tensor<4x3xf32>
  return
}

// -----

func.func @layer_norm_element_types(%x: tensor<4x3xf32>, %s: tensor<3xf64>) {
  // expected-error @+1 {{'adj.layer_norm' op operands have different element types ('tensor<4x3xf32>' and 'tensor<3xf64>'); convert one with adj.convert}}
  %0 = adj.layer_norm %x, %s, %s axis 1 : tensor<4x3xf32>, tensor<3xf64>, tensor<3xf64>
  return
}

// -----

func.func @layer_norm_negative_epsilon(%x: tensor<4x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'adj.layer_norm' op epsilon must be non-negative, got -1.000000e+00}}
  %0 = adj.layer_norm %x, %s, %s axis 1 epsilon -1.0 : tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>
  return
}

// -----

func.func @batch_norm_rank(%x: tensor<4xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'adj.batch_norm' op expects an [N, C, ...] input of rank 2 or more}}
  %0:3 = adj.batch_norm %x, %s, %s : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  return
}

// -----

func.func @batch_norm_affine_shape(%x: tensor<8x6x4x4xf32>, %s: tensor<6xf32>, %b: tensor<6x1x1xf32>) {
  // expected-error @+1 {{'adj.batch_norm' op scale and bias must have shape [6] for input 'tensor<8x6x4x4xf32>', got 'tensor<6x1x1xf32>'}}
  %0:3 = adj.batch_norm %x, %s, %b : tensor<8x6x4x4xf32>, tensor<6xf32>, tensor<6x1x1xf32>
  return
}

// -----

func.func @batch_norm_element_types(%x: tensor<8x6xf64>, %s: tensor<6xf32>) {
  // expected-error @+1 {{'adj.batch_norm' op operands have different element types ('tensor<8x6xf64>' and 'tensor<6xf32>'); convert one with adj.convert}}
  %0:3 = adj.batch_norm %x, %s, %s : tensor<8x6xf64>, tensor<6xf32>, tensor<6xf32>
  return
}

// -----

func.func @batch_norm_negative_epsilon(%x: tensor<8x6xf32>, %s: tensor<6xf32>) {
  // expected-error @+1 {{'adj.batch_norm' op epsilon must be non-negative, got -1.000000e-03}}
  %0:3 = adj.batch_norm %x, %s, %s epsilon -1.0e-3 : tensor<8x6xf32>, tensor<6xf32>, tensor<6xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Differentiation requests
//===----------------------------------------------------------------------===//

func.func @request_unknown_callee(%x: tensor<3xf32>) {
  // expected-error @+1 {{'adj.grad' op differentiates @nope, which is not a func.func in this module}}
  %0 = adj.grad @nope(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

module @not_a_function {}

func.func @request_callee_not_a_function(%x: tensor<3xf32>) {
  // expected-error @+1 {{'adj.vjp' op differentiates @not_a_function, which is not a func.func in this module}}
  %0:2 = adj.vjp @not_a_function(%x) cotangents(%x) : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func private @external(%x: tensor<3xf32>) -> tensor<f32>

func.func @request_external_callee(%x: tensor<3xf32>) {
  // expected-error @+1 {{'adj.value_and_grad' op differentiates @external, which has no body; give it one, or attach a custom derivative}}
  %0:2 = adj.value_and_grad @external(%x) : (tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
  return
}

// -----

func.func @vector(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

func.func @request_argument_types(%x: tensor<4xf32>) {
  // expected-error @+1 {{'adj.jvp' op passes arguments of types ('tensor<4xf32>') but @vector takes ('tensor<3xf32>')}}
  %0:2 = adj.jvp @vector(%x) tangents(%x) : (tensor<4xf32>, tensor<4xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @scalar(%x: tensor<3xf32>, %l: tensor<3xi64>) -> tensor<f32> {
  %0 = adj.sum %x : tensor<3xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

func.func @request_wrt_out_of_range(%x: tensor<3xf32>, %l: tensor<3xi64>) {
  // expected-error @+1 {{'adj.grad' op wrt index 2 is out of range: @scalar has 2 argument(s)}}
  %0 = adj.grad @scalar(%x, %l) wrt [2] : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @scalar(%x: tensor<3xf32>, %l: tensor<3xi64>) -> tensor<f32> {
  %0 = adj.sum %x : tensor<3xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

func.func @request_wrt_negative(%x: tensor<3xf32>, %l: tensor<3xi64>) {
  // expected-error @+1 {{'adj.grad' op wrt index -1 is out of range: @scalar has 2 argument(s)}}
  %0 = adj.grad @scalar(%x, %l) wrt [-1] : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @scalar(%x: tensor<3xf32>, %l: tensor<3xi64>) -> tensor<f32> {
  %0 = adj.sum %x : tensor<3xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

func.func @request_wrt_repeated(%x: tensor<3xf32>, %l: tensor<3xi64>) {
  // expected-error @+1 {{'adj.grad' op wrt index 0 appears twice}}
  %0:2 = adj.grad @scalar(%x, %l) wrt [0, 0] : (tensor<3xf32>, tensor<3xi64>) -> (tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @scalar(%x: tensor<3xf32>, %l: tensor<3xi64>) -> tensor<f32> {
  %0 = adj.sum %x : tensor<3xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

func.func @request_wrt_integer(%x: tensor<3xf32>, %l: tensor<3xi64>) {
  // expected-error @+1 {{'adj.grad' op cannot differentiate w.r.t. argument 1 of type 'tensor<3xi64>': only floating-point tensors have derivatives}}
  %0 = adj.grad @scalar(%x, %l) wrt [1] : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xi64>
  return
}

// -----

func.func @vector(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

func.func @grad_of_vector_function(%x: tensor<3xf32>) {
  // expected-error @+1 {{'adj.grad' op needs @vector to return one 0-d floating-point tensor, but it returns ('tensor<3xf32>'); use adj.vjp with a cotangent for other results}}
  %0 = adj.grad @vector(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @two_results(%x: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  return %x, %x : tensor<f32>, tensor<f32>
}

func.func @value_and_grad_of_two_results(%x: tensor<f32>) {
  // expected-error @+1 {{'adj.value_and_grad' op needs @two_results to return one 0-d floating-point tensor, but it returns ('tensor<f32>', 'tensor<f32>')}}
  %0:2 = adj.value_and_grad @two_results(%x) : (tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return
}

// -----

func.func @scalar(%x: tensor<3xf32>, %l: tensor<3xi64>) -> tensor<f32> {
  %0 = adj.sum %x : tensor<3xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

func.func @grad_results(%x: tensor<3xf32>, %l: tensor<3xi64>) {
  // expected-error @+1 {{'adj.grad' op must return ('tensor<3xf32>'), not ('tensor<3xf64>')}}
  %0 = adj.grad @scalar(%x, %l) : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xf64>
  return
}

// -----

func.func @scalar(%x: tensor<3xf32>, %l: tensor<3xi64>) -> tensor<f32> {
  %0 = adj.sum %x : tensor<3xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

func.func @value_and_grad_results(%x: tensor<3xf32>, %l: tensor<3xi64>) {
  // expected-error @+1 {{'adj.value_and_grad' op must return ('tensor<f32>', 'tensor<3xf32>'), not ('tensor<3xf32>')}}
  %0 = adj.value_and_grad @scalar(%x, %l) : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @mixed(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xi64>) {
  %0 = adj.convert %x : tensor<3xf32> -> tensor<3xi64>
  return %x, %0 : tensor<3xf32>, tensor<3xi64>
}

func.func @vjp_integer_result(%x: tensor<3xf32>) {
  // expected-error @+1 {{'adj.vjp' op differentiates @mixed, whose result of type 'tensor<3xi64>' has no derivative}}
  %0:3 = adj.vjp @mixed(%x) cotangents(%x) : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xi64>, tensor<3xf32>)
  return
}

// -----

func.func @vector(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

func.func @vjp_cotangents(%x: tensor<3xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'adj.vjp' op needs one cotangent per result of @vector, of types ('tensor<3xf32>'), got ('tensor<f32>')}}
  %0:2 = adj.vjp @vector(%x) cotangents(%s) : (tensor<3xf32>, tensor<f32>) -> (tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @vector(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

func.func @vjp_results(%x: tensor<3xf32>) {
  // expected-error @+1 {{'adj.vjp' op must return ('tensor<3xf32>', 'tensor<3xf32>'), not ('tensor<3xf32>')}}
  %0 = adj.vjp @vector(%x) cotangents(%x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @mixed(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xi64>) {
  %0 = adj.convert %x : tensor<3xf32> -> tensor<3xi64>
  return %x, %0 : tensor<3xf32>, tensor<3xi64>
}

func.func @jvp_integer_result(%x: tensor<3xf32>) {
  // expected-error @+1 {{'adj.jvp' op differentiates @mixed, whose result of type 'tensor<3xi64>' has no derivative}}
  %0:4 = adj.jvp @mixed(%x) tangents(%x) : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xi64>, tensor<3xf32>, tensor<3xi64>)
  return
}

// -----

func.func @vector(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

func.func @jvp_tangents(%x: tensor<3xf32>) {
  // expected-error @+1 {{'adj.jvp' op needs one tangent per differentiated argument, of types ('tensor<3xf32>'), got ()}}
  %0:2 = adj.jvp @vector(%x) tangents() : (tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @vector(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

func.func @jvp_results(%x: tensor<3xf32>) {
  // expected-error @+1 {{'adj.jvp' op must return ('tensor<3xf32>', 'tensor<3xf32>'), not ('tensor<3xf32>')}}
  %0 = adj.jvp @vector(%x) tangents(%x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @vector(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

func.func @jvp_float_tangents(%x: tensor<3xf32>, %t: tensor<3xi32>) {
  // expected-error @+1 {{operand #1 must be variadic of statically shaped tensor of 32-bit float or 64-bit float values, but got 'tensor<3xi32>'}}
  %0:2 = adj.jvp @vector(%x) tangents(%t) : (tensor<3xf32>, tensor<3xi32>) -> (tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @slice_huge_stride(%x: tensor<4xf32>) -> tensor<0xf32> {
  // expected-error @+2 {{'adj.slice' op inferred type(s) 'tensor<1xf32>' are incompatible with return type(s) of operation 'tensor<0xf32>'}}
  // expected-error @+1 {{'adj.slice' op failed to infer returned types}}
  %0 = adj.slice %x start [0] limit [4] stride [9223372036854775807] : tensor<4xf32> -> tensor<0xf32>
  return %0 : tensor<0xf32>
}

// -----

func.func @pad_overflow(%x: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{'adj.pad' op dimension 0 overflows 64 bits once padded}}
  // expected-error @+1 {{'adj.pad' op failed to infer returned types}}
  %0 = adj.pad %x low [9223372036854775807] high [9223372036854775807] : tensor<4xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @pad_interior_overflow(%x: tensor<3xf32>) -> tensor<1xf32> {
  // expected-error @+2 {{'adj.pad' op dimension 0 overflows 64 bits once padded}}
  // expected-error @+1 {{'adj.pad' op failed to infer returned types}}
  %0 = adj.pad %x low [0] high [0] interior [9223372036854775807] : tensor<3xf32> -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

func.func @conv_empty_kernel(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x0x3xf32>) -> tensor<1x1x5x2xf32> {
  // expected-error @+2 {{'adj.conv2d' op needs a window and an input of at least 1x1, got kernel [0, 3] and input 'tensor<1x1x4x4xf32>'}}
  // expected-error @+1 {{'adj.conv2d' op failed to infer returned types}}
  %0 = adj.conv2d %x, %w : tensor<1x1x4x4xf32>, tensor<1x1x0x3xf32> -> tensor<1x1x5x2xf32>
  return %0 : tensor<1x1x5x2xf32>
}

// -----

func.func @pool_empty_input(%x: tensor<1x1x0x4xf32>) -> tensor<1x1x1x2xf32> {
  // expected-error @+2 {{'adj.max_pool2d' op needs a window and an input of at least 1x1, got kernel [2, 2] and input 'tensor<1x1x0x4xf32>'}}
  // expected-error @+1 {{'adj.max_pool2d' op failed to infer returned types}}
  %0 = adj.max_pool2d %x kernel [2, 2] padding [1, 0, 1, 0] : tensor<1x1x0x4xf32> -> tensor<1x1x1x2xf32>
  return %0 : tensor<1x1x1x2xf32>
}

// -----

func.func @sce_no_class(%l: tensor<4x0xf32>, %y: tensor<4xi64>) -> tensor<f32> {
  // expected-error @+2 {{'adj.softmax_cross_entropy' op needs at least one class, got logits 'tensor<4x0xf32>'}}
  // expected-error @+1 {{'adj.softmax_cross_entropy' op failed to infer returned types}}
  %0 = adj.softmax_cross_entropy %l, %y : tensor<4x0xf32>, tensor<4xi64> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @fill_overflow() -> tensor<2xf32> {
  // expected-error @+1 {{'adj.fill' op value 1.000000e+300 overflows 'f32'}}
  %0 = adj.fill 1.0e300 : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @s(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func @empty_wrt(%x: tensor<f32>) {
  // expected-error @+1 {{'adj.grad' op differentiates w.r.t. no argument: list at least one index in wrt, or omit it for all floating-point arguments}}
  adj.grad @s(%x) wrt [] : (tensor<f32>) -> ()
  return
}

// -----

// expected-error @+1 {{adj.name of a function argument names a parameter of the generated C header, got "1x": it is not a C identifier (letters, digits and '_', not starting with a digit); rename it (docs/c-abi.md lists the names refused)}}
func.func @bad_name(%x: tensor<f32> {adj.name = "1x"}) -> tensor<f32> {
  return %x : tensor<f32>
}

// -----

// A keyword would make the generated header compile as neither C nor C++.
// expected-error @+1 {{adj.name of a function argument names a parameter of the generated C header, got "class": it is a C or C++ keyword; rename it}}
func.func @keyword_name(%x: tensor<f32> {adj.name = "class"}) -> tensor<f32> {
  return %x : tensor<f32>
}

// -----

// expected-error @+1 {{adj.name of a function result names a parameter of the generated C header, got "new": it is a C or C++ keyword; rename it}}
func.func @keyword_result(%x: tensor<f32>) -> (tensor<f32> {adj.name = "new"}) {
  return %x : tensor<f32>
}

// -----

// expected-error @+1 {{adj.name of a function argument must be a string, got 1 : i64}}
func.func @name_not_string(%x: tensor<f32> {adj.name = 1}) -> tensor<f32> {
  return %x : tensor<f32>
}

// -----

// A macro of a standard header replaces the parameter's name in the
// prototype: `const float *NULL` is `const float *((void *)0)` after
// #include <stdio.h>.
// expected-error @+1 {{adj.name of a function argument names a parameter of the generated C header, got "NULL": the standard C headers define it (a macro or a type), so the header would not compile after, e.g., #include <stdio.h>; rename it}}
func.func @standard_macro(%x: tensor<f32> {adj.name = "NULL"}) -> tensor<f32> {
  return %x : tensor<f32>
}

// -----

// expected-error @+1 {{got "errno": the standard C headers define it}}
func.func @standard_errno(%x: tensor<f32>) -> (tensor<f32> {adj.name = "errno"}) {
  return %x : tensor<f32>
}

// -----

// <stdint.h>'s types (which the header includes itself) and limits.
// expected-error @+1 {{got "int32_t": the standard C headers define it}}
func.func @standard_type(%x: tensor<f32> {adj.name = "int32_t"}) -> tensor<f32> {
  return %x : tensor<f32>
}

// -----

// expected-error @+1 {{got "UINT_LEAST16_MAX": the standard C headers define it}}
func.func @standard_limit(%x: tensor<f32> {adj.name = "UINT_LEAST16_MAX"}) -> tensor<f32> {
  return %x : tensor<f32>
}

// -----

// expected-error @+1 {{got "DBL_EPSILON": the standard C headers define it}}
func.func @standard_float(%x: tensor<f32> {adj.name = "DBL_EPSILON"}) -> tensor<f32> {
  return %x : tensor<f32>
}

// -----

// expected-error @+1 {{got "__x": C reserves names that begin with '__' or '_' and a capital letter for the compiler and its library; rename it}}
func.func @reserved_double_underscore(%x: tensor<f32> {adj.name = "__x"}) -> tensor<f32> {
  return %x : tensor<f32>
}

// -----

// expected-error @+1 {{got "_X": C reserves names that begin with '__' or '_' and a capital letter}}
func.func @reserved_underscore_capital(%x: tensor<f32> {adj.name = "_X"}) -> tensor<f32> {
  return %x : tensor<f32>
}

// -----

// The C ABI's own last parameter: `const float *workspace, ..., void
// *workspace` declares it twice.
// expected-error @+1 {{adj.name of a function argument names a parameter of the generated C header, got "workspace": every exported function's last C parameter is its workspace, named 'workspace'; rename it}}
func.func @workspace_name(%x: tensor<f32> {adj.name = "workspace"}) -> tensor<f32> {
  return %x : tensor<f32>
}

// -----

// expected-error @+1 {{unknown attribute 'adj.label' on a function result; adj.name is the only adj attribute there}}
func.func @bad_result_attr(%x: tensor<f32>) -> (tensor<f32> {adj.label = "y"}) {
  return %x : tensor<f32>
}

// -----

// expected-error @+1 {{unknown attribute 'adj.label' on a function argument; adj.name and adj.initial_value are the adj attributes there}}
func.func @bad_arg_attr(%x: tensor<f32> {adj.label = "x"}) -> tensor<f32> {
  return %x : tensor<f32>
}

// -----

// expected-error @+1 {{adj.initial_value of argument 0 must be a dense float constant of the argument's type 'tensor<2xf32>', got dense<1.000000e+00> : tensor<3xf32>}}
func.func @bad_initial_value(%w: tensor<2xf32> {adj.initial_value = dense<1.0> : tensor<3xf32>}) -> tensor<2xf32> {
  return %w : tensor<2xf32>
}
