// RUN: adjoint-opt %s -adj-check-indices -split-input-file | FileCheck %s

// A gather and a cross-entropy with run-time indices get a check each; the
// scatter_add of the gather's derivative reads the same indices against the
// same bound and is not checked again. The status takes the id of the first
// op flagged and is returned last. Messages name the op, its location,
// forward or backward, the range and the function.

// CHECK-LABEL: module attributes {adj.status_messages = [
// CHECK-SAME: "adj.gather at {{.*}}check-indices.mlir{{.*}}:[[# @LINE + 23]]:8 (forward) read an index outside [0, 5) in f",
// CHECK-SAME: "adj.softmax_cross_entropy at {{.*}}check-indices.mlir{{.*}}:[[# @LINE + 24]]:8 (forward) read a label outside [0, 3) in f"]}
// CHECK-LABEL: func.func @f(
// CHECK-SAME: -> (tensor<f32>, tensor<5x3xf32>, i32) attributes {adj.checked_indices, adj.status}
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[GATHER:.*]] = adj.gather
// CHECK: %[[CHECK1:.*]] = linalg.generic {{.*}}iterator_types = ["reduction"]} ins(%[[I:.*]] : tensor<4xi64>) outs({{.*}} : tensor<i1>)
// CHECK: arith.constant 5 : i64
// CHECK: arith.cmpi uge
// CHECK: %[[BAD1:.*]] = tensor.extract %[[CHECK1]][] : tensor<i1>
// CHECK: %[[S1:.*]] = arith.select {{.*}}, %[[ZERO]] : i32
// CHECK: adj.softmax_cross_entropy
// CHECK: %[[CHECK2:.*]] = linalg.generic {{.*}} ins(%[[L:.*]] : tensor<4xi32>)
// CHECK: arith.constant 3 : i32
// CHECK: %[[BAD2:.*]] = tensor.extract %[[CHECK2]][]
// CHECK: %[[CLEAN:.*]] = arith.cmpi eq, %[[S1]], %[[ZERO]] : i32
// CHECK: %[[FIRST:.*]] = arith.andi %[[CLEAN]], %[[BAD2]] : i1
// CHECK: %[[TWO:.*]] = arith.constant 2 : i32
// CHECK: %[[S2:.*]] = arith.select %[[FIRST]], %[[TWO]], %[[S1]] : i32
// CHECK: adj.scatter_add
// CHECK-NOT: linalg.generic
// CHECK: return %{{.*}}, %{{.*}}, %[[S2]] : tensor<f32>, tensor<5x3xf32>, i32
func.func @f(%t: tensor<5x3xf32>, %i: tensor<4xi64>, %l: tensor<4xi32>) -> (tensor<f32>, tensor<5x3xf32>) {
  %e = adj.gather %t[%i] axis 0 : tensor<5x3xf32>, tensor<4xi64> -> tensor<4x3xf32>
  %one = adj.constant dense<1.0> : tensor<4x3xf32>
  %s = adj.softmax_cross_entropy %e, %l : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
  %d = adj.scatter_add %one[%i] axis 0 : tensor<4x3xf32>, tensor<4xi64> -> tensor<5x3xf32>
  return %s, %d : tensor<f32>, tensor<5x3xf32>
}

// -----

// Constant indices in range need no check, nor does a private function (it
// is checked where it was inlined) or adj.one_hot (a label out of range
// gives a row of zeros); a function without a check keeps its results.

// CHECK-NOT: adj.status_messages
// CHECK-LABEL: func.func @g(
// CHECK-SAME: -> tensor<2x3xf32> {
// CHECK-NOT: linalg.generic
// CHECK: return
// CHECK-LABEL: func.func private @h(
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @g(%t: tensor<5x3xf32>, %l: tensor<2xi64>) -> tensor<2x3xf32> {
  %i = adj.constant dense<[4, 0]> : tensor<2xi64>
  %e = adj.gather %t[%i] axis 0 : tensor<5x3xf32>, tensor<2xi64> -> tensor<2x3xf32>
  %h = adj.one_hot %l : tensor<2xi64> -> tensor<2x3xf32>
  %s = adj.add %e, %h : tensor<2x3xf32>, tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}
func.func private @h(%t: tensor<5x3xf32>, %i: tensor<2xi64>) -> tensor<2x3xf32> {
  %e = adj.gather %t[%i] axis 0 : tensor<5x3xf32>, tensor<2xi64> -> tensor<2x3xf32>
  return %e : tensor<2x3xf32>
}

// -----

// After adj-check-numerics (adj.status) the index status is combined with
// the NaN status, ahead of it. (A constant index out of range is an error of
// the op's verifier: test/Dialect/Adj/invalid.mlir.)

// CHECK-LABEL: module attributes {adj.status_messages = ["earlier message", "adj.gather at {{.*}} read an index outside [0, 5) in k"]}
// CHECK-LABEL: func.func @k(
// CHECK-SAME: -> (tensor<1x3xf32>, i32) attributes {adj.checked_indices, adj.status}
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[TWO:.*]] = arith.constant 2 : i32
// CHECK: %[[S:.*]] = arith.select %{{.*}}, %[[TWO]], %[[ZERO]] : i32
// CHECK: %[[CLEAN:.*]] = arith.cmpi eq, %[[S]], %{{.*}} : i32
// CHECK: %[[BOTH:.*]] = arith.select %[[CLEAN]], %[[NUMERICS:.*]], %[[S]] : i32
// CHECK: return %{{.*}}, %[[BOTH]] : tensor<1x3xf32>, i32
module attributes {adj.status_messages = ["earlier message"]} {
  func.func @k(%t: tensor<5x3xf32>, %i: tensor<1xi64>, %n: i32) -> (tensor<1x3xf32>, i32) attributes {adj.status} {
    %e = adj.gather %t[%i] axis 0 : tensor<5x3xf32>, tensor<1xi64> -> tensor<1x3xf32>
    return %e, %n : tensor<1x3xf32>, i32
  }
}

// -----

// An adj.one_hot marked in_range holds class labels (the derivative of a
// cross-entropy, an imported ONNX loss): it is checked, so the labels stay
// checked when the loss itself is dead.

// CHECK: module attributes {adj.status_messages = ["adj.one_hot at {{.*}}check-indices.mlir{{.*}}:{{[0-9]+}}:8 (forward) read a label outside [0, 3) in o"]}
// CHECK-LABEL: func.func @o(
// CHECK-SAME: -> (tensor<2x3xf32>, i32) attributes {adj.checked_indices, adj.status}
// CHECK: adj.one_hot %{{.*}} in_range
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<2xi64>)
// CHECK: arith.constant 3 : i64
// CHECK: arith.cmpi uge
func.func @o(%l: tensor<2xi64>) -> tensor<2x3xf32> {
  %h = adj.one_hot %l in_range : tensor<2xi64> -> tensor<2x3xf32>
  return %h : tensor<2x3xf32>
}
