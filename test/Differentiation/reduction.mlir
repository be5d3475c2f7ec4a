// RUN: adjoint-opt %s -adj-differentiate -split-input-file | FileCheck %s

// Every reduction rule is dx = expand(dy) · w and ty = sum(tx · w) with
// w = ∂y/∂x; these tests check w and the expansion.

// sum: w = 1; the cotangent is broadcast back over the reduced axis.

func.func @f(%x: tensor<3x4x5xf64>) -> tensor<3x5xf64> {
  %s = adj.sum %x axes [1] : tensor<3x4x5xf64> -> tensor<3x5xf64>
  return %s : tensor<3x5xf64>
}
func.func @requests(%x: tensor<3x4x5xf64>, %dy: tensor<3x5xf64>) -> (tensor<3x5xf64>, tensor<3x4x5xf64>) {
  %y, %t = adj.jvp @f(%x) tangents(%x) : (tensor<3x4x5xf64>, tensor<3x4x5xf64>) -> (tensor<3x5xf64>, tensor<3x5xf64>)
  %y2, %dx = adj.vjp @f(%x) cotangents(%dy) : (tensor<3x4x5xf64>, tensor<3x5xf64>) -> (tensor<3x5xf64>, tensor<3x4x5xf64>)
  return %t, %dx : tensor<3x5xf64>, tensor<3x4x5xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x4x5xf64>, %[[DY:.*]]: tensor<3x5xf64>)
// CHECK:         %[[K:.*]] = adj.reshape %[[DY]] : tensor<3x5xf64> -> tensor<3x1x5xf64>
// CHECK:         %[[DX:.*]] = adj.broadcast_to %[[K]] : tensor<3x1x5xf64> -> tensor<3x4x5xf64>
// CHECK:         return %{{.*}}, %[[DX]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x4x5xf64>, %[[TX:.*]]: tensor<3x4x5xf64>)
// CHECK:         %[[T:.*]] = adj.sum %[[TX]] axes [1] : tensor<3x4x5xf64> -> tensor<3x5xf64>
// CHECK:         return %{{.*}}, %[[T]]

// -----

// mean: w = 1 / N; with keepdims the cotangent only needs a broadcast.

func.func @f(%x: tensor<3x4xf64>) -> tensor<3x1xf64> {
  %m = adj.mean %x axes [1] keepdims : tensor<3x4xf64> -> tensor<3x1xf64>
  return %m : tensor<3x1xf64>
}
func.func @requests(%x: tensor<3x4xf64>, %dy: tensor<3x1xf64>) -> (tensor<3x1xf64>, tensor<3x4xf64>) {
  %y, %t = adj.jvp @f(%x) tangents(%x) : (tensor<3x4xf64>, tensor<3x4xf64>) -> (tensor<3x1xf64>, tensor<3x1xf64>)
  %y2, %dx = adj.vjp @f(%x) cotangents(%dy) : (tensor<3x4xf64>, tensor<3x1xf64>) -> (tensor<3x1xf64>, tensor<3x4xf64>)
  return %t, %dx : tensor<3x1xf64>, tensor<3x4xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x4xf64>, %[[DY:.*]]: tensor<3x1xf64>)
// CHECK:         %[[B:.*]] = adj.broadcast_to %[[DY]] : tensor<3x1xf64> -> tensor<3x4xf64>
// CHECK:         %[[N:.*]] = adj.constant dense<2.500000e-01> : tensor<f64>
// CHECK:         %[[DX:.*]] = adj.mul %[[B]], %[[N]]
// CHECK:         return %{{.*}}, %[[DX]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x4xf64>, %[[TX:.*]]: tensor<3x4xf64>)
// CHECK:         %[[N:.*]] = adj.constant dense<2.500000e-01> : tensor<f64>
// CHECK:         %[[S:.*]] = adj.mul %[[TX]], %[[N]]
// CHECK:         %[[T:.*]] = adj.sum %[[S]] axes [1] keepdims : tensor<3x4xf64> -> tensor<3x1xf64>
// CHECK:         return %{{.*}}, %[[T]]

// -----

// max: w = [x = y] / #{x = y}, splitting the cotangent evenly among ties.

func.func @f(%x: tensor<3x4xf64>) -> tensor<3xf64> {
  %m = adj.max %x axes [1] : tensor<3x4xf64> -> tensor<3xf64>
  return %m : tensor<3xf64>
}
func.func @requests(%x: tensor<3x4xf64>, %dy: tensor<3xf64>) -> (tensor<3xf64>, tensor<3x4xf64>) {
  %y, %t = adj.jvp @f(%x) tangents(%x) : (tensor<3x4xf64>, tensor<3x4xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  %y2, %dx = adj.vjp @f(%x) cotangents(%dy) : (tensor<3x4xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3x4xf64>)
  return %t, %dx : tensor<3xf64>, tensor<3x4xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x4xf64>, %[[DY:.*]]: tensor<3xf64>)
// CHECK:         %[[Y:.*]] = adj.max %[[X]] axes [1]
// CHECK:         %[[DYB:.*]] = adj.broadcast_to %{{.*}} : tensor<3x1xf64> -> tensor<3x4xf64>
// CHECK:         %[[YK:.*]] = adj.reshape %[[Y]] : tensor<3xf64> -> tensor<3x1xf64>
// CHECK:         %[[YB:.*]] = adj.broadcast_to %[[YK]]
// CHECK:         %[[EQ:.*]] = adj.compare eq, %[[X]], %[[YB]]
// CHECK:         %[[HIT:.*]] = adj.convert %[[EQ]] : tensor<3x4xi1> -> tensor<3x4xf64>
// CHECK:         %[[TIES:.*]] = adj.sum %[[HIT]] axes [1] keepdims
// CHECK:         %[[W:.*]] = adj.div %[[HIT]], %[[TIES]] : tensor<3x4xf64>, tensor<3x1xf64>
// CHECK:         %[[DX:.*]] = adj.mul %[[DYB]], %[[W]]
// CHECK:         return %[[Y]], %[[DX]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x4xf64>, %[[TX:.*]]: tensor<3x4xf64>)
// CHECK:         %[[EQ:.*]] = adj.compare eq, %[[X]], %{{.*}}
// CHECK:         %[[W:.*]] = adj.div
// CHECK:         %[[S:.*]] = adj.mul %[[TX]], %[[W]]
// CHECK:         %[[T:.*]] = adj.sum %[[S]] axes [1] : tensor<3x4xf64> -> tensor<3xf64>
// CHECK:         return %{{.*}}, %[[T]]

// -----

// min: the same rule as max, over all axes with keepdims.

func.func @f(%x: tensor<3x4xf64>) -> tensor<1x1xf64> {
  %m = adj.min %x keepdims : tensor<3x4xf64> -> tensor<1x1xf64>
  return %m : tensor<1x1xf64>
}
func.func @requests(%x: tensor<3x4xf64>, %dy: tensor<1x1xf64>) -> (tensor<1x1xf64>, tensor<3x4xf64>) {
  %y, %t = adj.jvp @f(%x) tangents(%x) : (tensor<3x4xf64>, tensor<3x4xf64>) -> (tensor<1x1xf64>, tensor<1x1xf64>)
  %y2, %dx = adj.vjp @f(%x) cotangents(%dy) : (tensor<3x4xf64>, tensor<1x1xf64>) -> (tensor<1x1xf64>, tensor<3x4xf64>)
  return %t, %dx : tensor<1x1xf64>, tensor<3x4xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x4xf64>, %[[DY:.*]]: tensor<1x1xf64>)
// CHECK:         %[[Y:.*]] = adj.min %[[X]] keepdims
// CHECK:         %[[DYB:.*]] = adj.broadcast_to %[[DY]] : tensor<1x1xf64> -> tensor<3x4xf64>
// CHECK:         %[[YB:.*]] = adj.broadcast_to %[[Y]] : tensor<1x1xf64> -> tensor<3x4xf64>
// CHECK:         %[[EQ:.*]] = adj.compare eq, %[[X]], %[[YB]]
// CHECK:         %[[HIT:.*]] = adj.convert %[[EQ]]
// CHECK:         %[[TIES:.*]] = adj.sum %[[HIT]] axes [0, 1] keepdims
// CHECK:         %[[W:.*]] = adj.div %[[HIT]], %[[TIES]]
// CHECK:         %[[DX:.*]] = adj.mul %[[DYB]], %[[W]]
// CHECK:         return %[[Y]], %[[DX]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x4xf64>, %[[TX:.*]]: tensor<3x4xf64>)
// CHECK:         %[[W:.*]] = adj.div
// CHECK:         %[[S:.*]] = adj.mul %[[TX]], %[[W]]
// CHECK:         %[[T:.*]] = adj.sum %[[S]] axes [0, 1] keepdims : tensor<3x4xf64> -> tensor<1x1xf64>
// CHECK:         return %{{.*}}, %[[T]]

// -----

// prod: w = the product of the other elements, from the product P of the
// non-zero elements and the number of zeros z: P / x where z = 0, P at the
// zero where z = 1, 0 otherwise.

func.func @f(%x: tensor<3x4xf64>) -> tensor<f64> {
  %p = adj.prod %x : tensor<3x4xf64> -> tensor<f64>
  return %p : tensor<f64>
}
func.func @requests(%x: tensor<3x4xf64>, %dy: tensor<f64>) -> (tensor<f64>, tensor<3x4xf64>) {
  %y, %t = adj.jvp @f(%x) tangents(%x) : (tensor<3x4xf64>, tensor<3x4xf64>) -> (tensor<f64>, tensor<f64>)
  %y2, %dx = adj.vjp @f(%x) cotangents(%dy) : (tensor<3x4xf64>, tensor<f64>) -> (tensor<f64>, tensor<3x4xf64>)
  return %t, %dx : tensor<f64>, tensor<3x4xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x4xf64>, %[[DY:.*]]: tensor<f64>)
// CHECK:         %[[DYB:.*]] = adj.broadcast_to %{{.*}} : tensor<1x1xf64> -> tensor<3x4xf64>
// CHECK:         %[[ZERO:.*]] = adj.constant dense<0.000000e+00> : tensor<f64>
// CHECK:         %[[ONE:.*]] = adj.constant dense<1.000000e+00> : tensor<f64>
// CHECK:         %[[ISZ:.*]] = adj.compare eq, %[[X]], %[[ZERO]]
// CHECK:         %[[NZ:.*]] = adj.select %[[ISZ]], %[[ONE]], %[[X]]
// CHECK:         %[[P:.*]] = adj.prod %[[NZ]] axes [0, 1] keepdims : tensor<3x4xf64> -> tensor<1x1xf64>
// CHECK:         %[[ZF:.*]] = adj.convert %[[ISZ]]
// CHECK:         %[[Z:.*]] = adj.sum %[[ZF]] axes [0, 1] keepdims
// CHECK:         %[[ONEZ:.*]] = adj.compare eq, %[[Z]], %[[ONE]]
// CHECK:         %[[ATZ:.*]] = adj.select %[[ONEZ]], %[[P]], %[[ZERO]]
// CHECK:         %[[Q:.*]] = adj.div %[[P]], %[[NZ]]
// CHECK:         %[[NOZ:.*]] = adj.compare eq, %[[Z]], %[[ZERO]]
// CHECK:         %[[ELSE:.*]] = adj.select %[[NOZ]], %[[Q]], %[[ZERO]]
// CHECK:         %[[W:.*]] = adj.select %[[ISZ]], %[[ATZ]], %[[ELSE]]
// CHECK:         %[[DX:.*]] = adj.mul %[[DYB]], %[[W]]
// CHECK:         return %{{.*}}, %[[DX]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x4xf64>, %[[TX:.*]]: tensor<3x4xf64>)
// CHECK:         %[[P:.*]] = adj.prod %{{.*}} axes [0, 1] keepdims
// CHECK:         %[[S:.*]] = adj.mul %[[TX]], %{{.*}} : tensor<3x4xf64>
// CHECK:         %[[T:.*]] = adj.sum %[[S]] axes [0, 1] : tensor<3x4xf64> -> tensor<f64>
// CHECK:         return %{{.*}}, %[[T]]

// -----

// logsumexp: w = exp(x - y), the softmax, with x - y <= 0.

func.func @f(%x: tensor<3x4xf64>) -> tensor<3xf64> {
  %l = adj.logsumexp %x axes [1] : tensor<3x4xf64> -> tensor<3xf64>
  return %l : tensor<3xf64>
}
func.func @requests(%x: tensor<3x4xf64>, %dy: tensor<3xf64>) -> (tensor<3xf64>, tensor<3x4xf64>) {
  %y, %t = adj.jvp @f(%x) tangents(%x) : (tensor<3x4xf64>, tensor<3x4xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  %y2, %dx = adj.vjp @f(%x) cotangents(%dy) : (tensor<3x4xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3x4xf64>)
  return %t, %dx : tensor<3xf64>, tensor<3x4xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x4xf64>, %[[DY:.*]]: tensor<3xf64>)
// CHECK:         %[[Y:.*]] = adj.logsumexp %[[X]] axes [1]
// CHECK:         %[[DYB:.*]] = adj.broadcast_to
// CHECK:         %[[YK:.*]] = adj.reshape %[[Y]]
// CHECK:         %[[YB:.*]] = adj.broadcast_to %[[YK]]
// CHECK:         %[[D:.*]] = adj.sub %[[X]], %[[YB]]
// CHECK:         %[[W:.*]] = adj.exp %[[D]]
// CHECK:         %[[DX:.*]] = adj.mul %[[DYB]], %[[W]]
// CHECK:         return %[[Y]], %[[DX]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x4xf64>, %[[TX:.*]]: tensor<3x4xf64>)
// CHECK:         %[[D:.*]] = adj.sub %[[X]], %{{.*}}
// CHECK:         %[[W:.*]] = adj.exp %[[D]]
// CHECK:         %[[S:.*]] = adj.mul %[[TX]], %[[W]]
// CHECK:         %[[T:.*]] = adj.sum %[[S]] axes [1] : tensor<3x4xf64> -> tensor<3xf64>
// CHECK:         return %{{.*}}, %[[T]]
