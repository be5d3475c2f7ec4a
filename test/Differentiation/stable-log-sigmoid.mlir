// adj-differentiate first rewrites adj.log of a sigmoid into stable forms
// (adj::populateStableLogPatterns), in every function, so that both the
// value and the derivative built from it stay finite.
// RUN: adjoint-opt %s -split-input-file -adj-differentiate -canonicalize | FileCheck %s
// The values against PyTorch f64 at x in [-1e4, 1e4]: Import/stable-logsigmoid.py.

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
