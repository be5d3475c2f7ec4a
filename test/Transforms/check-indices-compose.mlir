// RUN: adjoint-opt %s -adj-check-indices -adj-check-numerics | FileCheck %s --check-prefix=IN
// RUN: adjoint-opt %s -adj-check-numerics -adj-check-indices | FileCheck %s --check-prefix=NI
// RUN: adjoint-opt %s -adj-check-indices -adj-check-indices | FileCheck %s --check-prefix=TWICE

// adj-check-indices and adj-check-numerics compose in either order: one
// status result, the second pass's ids continue the first's messages, and
// an index error is reported ahead of a NaN. Run twice, a pass adds no
// second check.

// IN: adj.status_messages = ["adj.gather at {{.*}} read an index outside [0, 5) in f", "adj.gather at {{.*}} produced the first NaN or Inf in f", "adj.exp at {{.*}} produced the first NaN or Inf in f"]
// IN-LABEL: func.func @f(
// IN-SAME: -> (tensor<2x3xf32>, i32)
// IN: %[[INDEX:.*]] = arith.select %{{.*}}, %c1_i32, %{{.*}} : i32
// IN: %[[CLEAN:.*]] = arith.cmpi eq, %[[INDEX]], %{{.*}} : i32
// IN: %[[BOTH:.*]] = arith.select %[[CLEAN]], %[[NUMERICS:.*]], %[[INDEX]] : i32
// IN: return %{{.*}}, %[[BOTH]] : tensor<2x3xf32>, i32

// NI: adj.status_messages = ["adj.gather at {{.*}} produced the first NaN or Inf in f", "adj.exp at {{.*}} produced the first NaN or Inf in f", "adj.gather at {{.*}} read an index outside [0, 5) in f"]
// NI-LABEL: func.func @f(
// NI-SAME: -> (tensor<2x3xf32>, i32)
// NI: %[[INDEX:.*]] = arith.select %{{.*}}, %c3_i32, %{{.*}} : i32
// NI: %[[CLEAN:.*]] = arith.cmpi eq, %[[INDEX]], %{{.*}} : i32
// NI: %[[BOTH:.*]] = arith.select %[[CLEAN]], %[[NUMERICS:.*]], %[[INDEX]] : i32
// NI: return %{{.*}}, %[[BOTH]] : tensor<2x3xf32>, i32

// TWICE: adj.status_messages = ["adj.gather at {{.*}} read an index outside [0, 5) in f"]
// TWICE-LABEL: func.func @f(
// TWICE-SAME: -> (tensor<2x3xf32>, i32)
// TWICE: linalg.generic
// TWICE-NOT: linalg.generic
// TWICE: return %{{.*}}, %{{.*}} : tensor<2x3xf32>, i32
func.func @f(%t: tensor<5x3xf32>, %i: tensor<2xi64>) -> tensor<2x3xf32> {
  %e = adj.gather %t[%i] axis 0 : tensor<5x3xf32>, tensor<2xi64> -> tensor<2x3xf32>
  %y = adj.exp %e : tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
