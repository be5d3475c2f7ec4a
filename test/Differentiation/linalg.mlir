// RUN: adjoint-opt %s -adj-differentiate -split-input-file | FileCheck %s

// C = A @ B: dA = dC @ Bᵀ and dB = Aᵀ @ dC, summed over the batch
// dimensions B was broadcast along; tC = tA @ B + A @ tB. B is a matrix
// shared by the batch: that sum is one product of A and dC flattened to
// matrices.

func.func @f(%a: tensor<2x3x4xf64>, %b: tensor<4x5xf64>) -> tensor<2x3x5xf64> {
  %c = adj.matmul %a, %b : tensor<2x3x4xf64>, tensor<4x5xf64> -> tensor<2x3x5xf64>
  return %c : tensor<2x3x5xf64>
}
func.func @requests(%a: tensor<2x3x4xf64>, %b: tensor<4x5xf64>, %dc: tensor<2x3x5xf64>) -> (tensor<2x3x5xf64>, tensor<2x3x4xf64>, tensor<4x5xf64>) {
  %y, %t = adj.jvp @f(%a, %b) tangents(%a, %b) : (tensor<2x3x4xf64>, tensor<4x5xf64>, tensor<2x3x4xf64>, tensor<4x5xf64>) -> (tensor<2x3x5xf64>, tensor<2x3x5xf64>)
  %y2, %da, %db = adj.vjp @f(%a, %b) cotangents(%dc) : (tensor<2x3x4xf64>, tensor<4x5xf64>, tensor<2x3x5xf64>) -> (tensor<2x3x5xf64>, tensor<2x3x4xf64>, tensor<4x5xf64>)
  return %t, %da, %db : tensor<2x3x5xf64>, tensor<2x3x4xf64>, tensor<4x5xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[A:.*]]: tensor<2x3x4xf64>, %[[B:.*]]: tensor<4x5xf64>, %[[DC:.*]]: tensor<2x3x5xf64>)
// CHECK:         %[[BT:.*]] = adj.transpose %[[B]] [1, 0]
// CHECK:         %[[DA:.*]] = adj.matmul %[[DC]], %[[BT]] : {{.*}} -> tensor<2x3x4xf64>
// CHECK:         %[[FA:.*]] = adj.reshape %[[A]] : tensor<2x3x4xf64> -> tensor<6x4xf64>
// CHECK:         %[[FDC:.*]] = adj.reshape %[[DC]] : tensor<2x3x5xf64> -> tensor<6x5xf64>
// CHECK:         %[[FAT:.*]] = adj.transpose %[[FA]] [1, 0]
// CHECK:         %[[DB:.*]] = adj.matmul %[[FAT]], %[[FDC]] : {{.*}} -> tensor<4x5xf64>
// CHECK:         return %{{.*}}, %[[DA]], %[[DB]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[A:.*]]: tensor<2x3x4xf64>, %[[B:.*]]: tensor<4x5xf64>, %[[TA:.*]]: tensor<2x3x4xf64>, %[[TB:.*]]: tensor<4x5xf64>)
// CHECK:         %[[L:.*]] = adj.matmul %[[TA]], %[[B]]
// CHECK:         %[[R:.*]] = adj.matmul %[[A]], %[[TB]]
// CHECK:         %[[T:.*]] = adj.add %[[L]], %[[R]]
// CHECK:         return %{{.*}}, %[[T]]

// -----

// Only the operands that need a cotangent get one: w.r.t. the lhs, with
// batch dimensions [1] and [2] broadcast to [2].

func.func @f(%a: tensor<1x3x4xf64>, %b: tensor<2x4x5xf64>) -> tensor<2x3x5xf64> {
  %c = adj.matmul %a, %b : tensor<1x3x4xf64>, tensor<2x4x5xf64> -> tensor<2x3x5xf64>
  return %c : tensor<2x3x5xf64>
}
func.func @requests(%a: tensor<1x3x4xf64>, %b: tensor<2x4x5xf64>, %dc: tensor<2x3x5xf64>) -> (tensor<2x3x5xf64>, tensor<1x3x4xf64>) {
  %t:2 = adj.jvp @f(%a, %b) tangents(%a) wrt [0] : (tensor<1x3x4xf64>, tensor<2x4x5xf64>, tensor<1x3x4xf64>) -> (tensor<2x3x5xf64>, tensor<2x3x5xf64>)
  %y, %da = adj.vjp @f(%a, %b) cotangents(%dc) wrt [0] : (tensor<1x3x4xf64>, tensor<2x4x5xf64>, tensor<2x3x5xf64>) -> (tensor<2x3x5xf64>, tensor<1x3x4xf64>)
  return %t#1, %da : tensor<2x3x5xf64>, tensor<1x3x4xf64>
}

// CHECK-LABEL: func.func private @f_vjp_wrt_0(
// CHECK-SAME:      %[[A:.*]]: tensor<1x3x4xf64>, %[[B:.*]]: tensor<2x4x5xf64>, %[[DC:.*]]: tensor<2x3x5xf64>)
// CHECK:         %[[BT:.*]] = adj.transpose %[[B]] [0, 2, 1]
// CHECK:         %[[DAB:.*]] = adj.matmul %[[DC]], %[[BT]] : {{.*}} -> tensor<2x3x4xf64>
// CHECK:         %[[DA:.*]] = adj.sum %[[DAB]] axes [0] keepdims : tensor<2x3x4xf64> -> tensor<1x3x4xf64>
// CHECK-NOT:     adj.transpose %[[A]]
// CHECK:         return %{{.*}}, %[[DA]]

// CHECK-LABEL: func.func private @f_jvp_wrt_0(
// CHECK-SAME:      %[[A:.*]]: tensor<1x3x4xf64>, %[[B:.*]]: tensor<2x4x5xf64>, %[[TA:.*]]: tensor<1x3x4xf64>)
// CHECK:         %[[T:.*]] = adj.matmul %[[TA]], %[[B]]
// CHECK-NOT:     adj.add
// CHECK:         return %{{.*}}, %[[T]]

// -----

// A batch of B broadcast along A's batch: dB is the batch of products
// summed (no flattening: B is not a matrix).

func.func @f(%a: tensor<2x3x4xf64>, %b: tensor<1x4x5xf64>) -> tensor<2x3x5xf64> {
  %c = adj.matmul %a, %b : tensor<2x3x4xf64>, tensor<1x4x5xf64> -> tensor<2x3x5xf64>
  return %c : tensor<2x3x5xf64>
}
func.func @requests(%a: tensor<2x3x4xf64>, %b: tensor<1x4x5xf64>, %dc: tensor<2x3x5xf64>) -> tensor<1x4x5xf64> {
  %y, %db = adj.vjp @f(%a, %b) cotangents(%dc) wrt [1] : (tensor<2x3x4xf64>, tensor<1x4x5xf64>, tensor<2x3x5xf64>) -> (tensor<2x3x5xf64>, tensor<1x4x5xf64>)
  return %db : tensor<1x4x5xf64>
}

// CHECK-LABEL: func.func private @f_vjp_wrt_1(
// CHECK-SAME:      %[[A:.*]]: tensor<2x3x4xf64>, %[[B:.*]]: tensor<1x4x5xf64>, %[[DC:.*]]: tensor<2x3x5xf64>)
// CHECK:         %[[AT:.*]] = adj.transpose %[[A]] [0, 2, 1]
// CHECK:         %[[DBB:.*]] = adj.matmul %[[AT]], %[[DC]] : {{.*}} -> tensor<2x4x5xf64>
// CHECK:         %[[DB:.*]] = adj.sum %[[DBB]] axes [0] keepdims : tensor<2x4x5xf64> -> tensor<1x4x5xf64>
// CHECK:         return %{{.*}}, %[[DB]]

// -----

// K = 0: no flattening (it would divide by the empty dimension); dB is the
// empty sum of the batch of products.

func.func @f(%a: tensor<2x3x0xf64>, %b: tensor<0x4xf64>) -> tensor<2x3x4xf64> {
  %c = adj.matmul %a, %b : tensor<2x3x0xf64>, tensor<0x4xf64> -> tensor<2x3x4xf64>
  return %c : tensor<2x3x4xf64>
}
func.func @requests(%a: tensor<2x3x0xf64>, %b: tensor<0x4xf64>, %dc: tensor<2x3x4xf64>) -> tensor<0x4xf64> {
  %y, %db = adj.vjp @f(%a, %b) cotangents(%dc) wrt [1] : (tensor<2x3x0xf64>, tensor<0x4xf64>, tensor<2x3x4xf64>) -> (tensor<2x3x4xf64>, tensor<0x4xf64>)
  return %db : tensor<0x4xf64>
}

// CHECK-LABEL: func.func private @f_vjp_wrt_1(
// CHECK:         adj.matmul {{.*}} -> tensor<2x0x4xf64>
// CHECK:         adj.sum {{.*}} axes [0] keepdims : tensor<2x0x4xf64> -> tensor<1x0x4xf64>

// -----

// y = Σ uᵢ vᵢ: du = dy · v, dv = dy · u; ty = dot(tu, v) + dot(u, tv).

func.func @f(%u: tensor<5xf64>, %v: tensor<5xf64>) -> tensor<f64> {
  %d = adj.dot %u, %v : tensor<5xf64> -> tensor<f64>
  return %d : tensor<f64>
}
func.func @requests(%u: tensor<5xf64>, %v: tensor<5xf64>, %dy: tensor<f64>) -> (tensor<f64>, tensor<5xf64>, tensor<5xf64>) {
  %y, %t = adj.jvp @f(%u, %v) tangents(%u, %v) : (tensor<5xf64>, tensor<5xf64>, tensor<5xf64>, tensor<5xf64>) -> (tensor<f64>, tensor<f64>)
  %y2, %du, %dv = adj.vjp @f(%u, %v) cotangents(%dy) : (tensor<5xf64>, tensor<5xf64>, tensor<f64>) -> (tensor<f64>, tensor<5xf64>, tensor<5xf64>)
  return %t, %du, %dv : tensor<f64>, tensor<5xf64>, tensor<5xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[U:.*]]: tensor<5xf64>, %[[V:.*]]: tensor<5xf64>, %[[DY:.*]]: tensor<f64>)
// CHECK:         %[[DU:.*]] = adj.mul %[[DY]], %[[V]] : tensor<f64>, tensor<5xf64>
// CHECK:         %[[DV:.*]] = adj.mul %[[DY]], %[[U]] : tensor<f64>, tensor<5xf64>
// CHECK:         return %{{.*}}, %[[DU]], %[[DV]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[U:.*]]: tensor<5xf64>, %[[V:.*]]: tensor<5xf64>, %[[TU:.*]]: tensor<5xf64>, %[[TV:.*]]: tensor<5xf64>)
// CHECK:         %[[L:.*]] = adj.dot %[[TU]], %[[V]]
// CHECK:         %[[R:.*]] = adj.dot %[[U]], %[[TV]]
// CHECK:         %[[T:.*]] = adj.add %[[L]], %[[R]]
// CHECK:         return %{{.*}}, %[[T]]

// -----

// The cotangent of a transpose is transposed back by the inverse
// permutation.

func.func @f(%x: tensor<2x3x4xf64>) -> tensor<4x2x3xf64> {
  %t = adj.transpose %x [2, 0, 1] : tensor<2x3x4xf64> -> tensor<4x2x3xf64>
  return %t : tensor<4x2x3xf64>
}
func.func @requests(%x: tensor<2x3x4xf64>, %dy: tensor<4x2x3xf64>) -> (tensor<4x2x3xf64>, tensor<2x3x4xf64>) {
  %y, %t = adj.jvp @f(%x) tangents(%x) : (tensor<2x3x4xf64>, tensor<2x3x4xf64>) -> (tensor<4x2x3xf64>, tensor<4x2x3xf64>)
  %y2, %dx = adj.vjp @f(%x) cotangents(%dy) : (tensor<2x3x4xf64>, tensor<4x2x3xf64>) -> (tensor<4x2x3xf64>, tensor<2x3x4xf64>)
  return %t, %dx : tensor<4x2x3xf64>, tensor<2x3x4xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3x4xf64>, %[[DY:.*]]: tensor<4x2x3xf64>)
// CHECK:         %[[DX:.*]] = adj.transpose %[[DY]] [1, 2, 0] : tensor<4x2x3xf64> -> tensor<2x3x4xf64>
// CHECK:         return %{{.*}}, %[[DX]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3x4xf64>, %[[TX:.*]]: tensor<2x3x4xf64>)
// CHECK:         %[[T:.*]] = adj.transpose %[[TX]] [2, 0, 1]
// CHECK:         return %{{.*}}, %[[T]]
