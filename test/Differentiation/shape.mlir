// RUN: adjoint-opt %s -adj-differentiate -split-input-file | FileCheck %s

// Shape ops are linear: the tangent is the op applied to the operand's
// tangent, the cotangent the transposed op applied to the result's.

// reshape: reshaped back.

func.func @f(%x: tensor<2x3x4xf64>) -> tensor<4x6xf64> {
  %r = adj.reshape %x : tensor<2x3x4xf64> -> tensor<4x6xf64>
  return %r : tensor<4x6xf64>
}
func.func @requests(%x: tensor<2x3x4xf64>, %dy: tensor<4x6xf64>) -> (tensor<4x6xf64>, tensor<2x3x4xf64>) {
  %y, %t = adj.jvp @f(%x) tangents(%x) : (tensor<2x3x4xf64>, tensor<2x3x4xf64>) -> (tensor<4x6xf64>, tensor<4x6xf64>)
  %y2, %dx = adj.vjp @f(%x) cotangents(%dy) : (tensor<2x3x4xf64>, tensor<4x6xf64>) -> (tensor<4x6xf64>, tensor<2x3x4xf64>)
  return %t, %dx : tensor<4x6xf64>, tensor<2x3x4xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3x4xf64>, %[[DY:.*]]: tensor<4x6xf64>)
// CHECK:         %[[DX:.*]] = adj.reshape %[[DY]] : tensor<4x6xf64> -> tensor<2x3x4xf64>
// CHECK:         return %{{.*}}, %[[DX]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3x4xf64>, %[[TX:.*]]: tensor<2x3x4xf64>)
// CHECK:         %[[T:.*]] = adj.reshape %[[TX]] : tensor<2x3x4xf64> -> tensor<4x6xf64>
// CHECK:         return %{{.*}}, %[[T]]

// -----

// broadcast_to: summed over the prepended and the stretched dimensions.

func.func @f(%x: tensor<3x1xf64>) -> tensor<2x3x4xf64> {
  %b = adj.broadcast_to %x : tensor<3x1xf64> -> tensor<2x3x4xf64>
  return %b : tensor<2x3x4xf64>
}
func.func @requests(%x: tensor<3x1xf64>, %dy: tensor<2x3x4xf64>) -> (tensor<2x3x4xf64>, tensor<3x1xf64>) {
  %y, %t = adj.jvp @f(%x) tangents(%x) : (tensor<3x1xf64>, tensor<3x1xf64>) -> (tensor<2x3x4xf64>, tensor<2x3x4xf64>)
  %y2, %dx = adj.vjp @f(%x) cotangents(%dy) : (tensor<3x1xf64>, tensor<2x3x4xf64>) -> (tensor<2x3x4xf64>, tensor<3x1xf64>)
  return %t, %dx : tensor<2x3x4xf64>, tensor<3x1xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x1xf64>, %[[DY:.*]]: tensor<2x3x4xf64>)
// CHECK:         %[[S:.*]] = adj.sum %[[DY]] axes [0, 2] keepdims : tensor<2x3x4xf64> -> tensor<1x3x1xf64>
// CHECK:         %[[DX:.*]] = adj.reshape %[[S]] : tensor<1x3x1xf64> -> tensor<3x1xf64>
// CHECK:         return %{{.*}}, %[[DX]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x1xf64>, %[[TX:.*]]: tensor<3x1xf64>)
// CHECK:         %[[T:.*]] = adj.broadcast_to %[[TX]] : tensor<3x1xf64> -> tensor<2x3x4xf64>
// CHECK:         return %{{.*}}, %[[T]]

// -----

// A strided slice: its cotangent is padded back into place, with stride - 1
// zeros between neighbours and zeros up to the operand's size.

func.func @f(%x: tensor<5x7xf64>) -> tensor<2x2xf64> {
  %s = adj.slice %x start [1, 0] limit [5, 5] stride [2, 3] : tensor<5x7xf64> -> tensor<2x2xf64>
  return %s : tensor<2x2xf64>
}
func.func @requests(%x: tensor<5x7xf64>, %dy: tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<5x7xf64>) {
  %y, %t = adj.jvp @f(%x) tangents(%x) : (tensor<5x7xf64>, tensor<5x7xf64>) -> (tensor<2x2xf64>, tensor<2x2xf64>)
  %y2, %dx = adj.vjp @f(%x) cotangents(%dy) : (tensor<5x7xf64>, tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<5x7xf64>)
  return %t, %dx : tensor<2x2xf64>, tensor<5x7xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<5x7xf64>, %[[DY:.*]]: tensor<2x2xf64>)
// CHECK:         %[[DX:.*]] = adj.pad %[[DY]] low [1, 0] high [1, 3] interior [1, 2] : tensor<2x2xf64> -> tensor<5x7xf64>
// CHECK:         return %{{.*}}, %[[DX]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<5x7xf64>, %[[TX:.*]]: tensor<5x7xf64>)
// CHECK:         %[[T:.*]] = adj.slice %[[TX]] start [1, 0] limit [5, 5] stride [2, 3]
// CHECK:         return %{{.*}}, %[[T]]

// -----

// pad: the cotangent is the strided slice (stride interior + 1) that picks
// the operand's elements; the tangent pads with 0, not with the value.

func.func @f(%x: tensor<3x4xf64>) -> tensor<8x11xf64> {
  %p = adj.pad %x low [1, 0] high [2, 1] interior [1, 2] value -1.0 : tensor<3x4xf64> -> tensor<8x11xf64>
  return %p : tensor<8x11xf64>
}
func.func @requests(%x: tensor<3x4xf64>, %dy: tensor<8x11xf64>) -> (tensor<8x11xf64>, tensor<3x4xf64>) {
  %y, %t = adj.jvp @f(%x) tangents(%x) : (tensor<3x4xf64>, tensor<3x4xf64>) -> (tensor<8x11xf64>, tensor<8x11xf64>)
  %y2, %dx = adj.vjp @f(%x) cotangents(%dy) : (tensor<3x4xf64>, tensor<8x11xf64>) -> (tensor<8x11xf64>, tensor<3x4xf64>)
  return %t, %dx : tensor<8x11xf64>, tensor<3x4xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x4xf64>, %[[DY:.*]]: tensor<8x11xf64>)
// CHECK:         %[[DX:.*]] = adj.slice %[[DY]] start [1, 0] limit [6, 10] stride [2, 3] : tensor<8x11xf64> -> tensor<3x4xf64>
// CHECK:         return %{{.*}}, %[[DX]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<3x4xf64>, %[[TX:.*]]: tensor<3x4xf64>)
// CHECK:         %[[T:.*]] = adj.pad %[[TX]] low [1, 0] high [2, 1] interior [1, 2] :
// CHECK:         return %{{.*}}, %[[T]]

// -----

// concat: each input's cotangent is its slice of dy, for the inputs in
// `wrt` only; an input without tangent contributes zeros.

func.func @f(%a: tensor<2x1xf64>, %b: tensor<2x3xf64>, %c: tensor<2x2xf64>) -> tensor<2x6xf64> {
  %t = adj.concat %a, %b, %c axis 1 : tensor<2x1xf64>, tensor<2x3xf64>, tensor<2x2xf64> -> tensor<2x6xf64>
  return %t : tensor<2x6xf64>
}
func.func @requests(%a: tensor<2x1xf64>, %b: tensor<2x3xf64>, %c: tensor<2x2xf64>, %dy: tensor<2x6xf64>) -> (tensor<2x6xf64>, tensor<2x1xf64>, tensor<2x2xf64>) {
  %y, %t = adj.jvp @f(%a, %b, %c) tangents(%a, %c) wrt [0, 2] : (tensor<2x1xf64>, tensor<2x3xf64>, tensor<2x2xf64>, tensor<2x1xf64>, tensor<2x2xf64>) -> (tensor<2x6xf64>, tensor<2x6xf64>)
  %y2, %da, %dc = adj.vjp @f(%a, %b, %c) cotangents(%dy) wrt [0, 2] : (tensor<2x1xf64>, tensor<2x3xf64>, tensor<2x2xf64>, tensor<2x6xf64>) -> (tensor<2x6xf64>, tensor<2x1xf64>, tensor<2x2xf64>)
  return %t, %da, %dc : tensor<2x6xf64>, tensor<2x1xf64>, tensor<2x2xf64>
}

// CHECK-LABEL: func.func private @f_vjp_wrt_0_2(
// CHECK-SAME:      %[[DY:[^:]*]]: tensor<2x6xf64>)
// CHECK:         %[[DA:.*]] = adj.slice %[[DY]] start [0, 0] limit [2, 1] : tensor<2x6xf64> -> tensor<2x1xf64>
// CHECK-NOT:     adj.slice %[[DY]] start [0, 1]
// CHECK:         %[[DC:.*]] = adj.slice %[[DY]] start [0, 4] limit [2, 6] : tensor<2x6xf64> -> tensor<2x2xf64>
// CHECK:         return %{{.*}}, %[[DA]], %[[DC]]

// CHECK-LABEL: func.func private @f_jvp_wrt_0_2(
// CHECK-SAME:      %[[TA:[^:]*]]: tensor<2x1xf64>, %[[TC:[^:]*]]: tensor<2x2xf64>)
// CHECK:         %[[ZERO:.*]] = adj.constant dense<0.000000e+00> : tensor<2x3xf64>
// CHECK:         %[[T:.*]] = adj.concat %[[TA]], %[[ZERO]], %[[TC]] axis 1
// CHECK:         return %{{.*}}, %[[T]]

// -----

// gather: repeated indices accumulate in the scatter_add of the cotangent.

func.func @f(%x: tensor<5x3xf64>) -> tensor<3x2x3xf64> {
  %idx = adj.constant dense<[[0, 2], [2, 4], [0, 0]]> : tensor<3x2xi64>
  %g = adj.gather %x[%idx] axis 0 : tensor<5x3xf64>, tensor<3x2xi64> -> tensor<3x2x3xf64>
  return %g : tensor<3x2x3xf64>
}
func.func @requests(%x: tensor<5x3xf64>, %dy: tensor<3x2x3xf64>) -> (tensor<3x2x3xf64>, tensor<5x3xf64>) {
  %y, %t = adj.jvp @f(%x) tangents(%x) : (tensor<5x3xf64>, tensor<5x3xf64>) -> (tensor<3x2x3xf64>, tensor<3x2x3xf64>)
  %y2, %dx = adj.vjp @f(%x) cotangents(%dy) : (tensor<5x3xf64>, tensor<3x2x3xf64>) -> (tensor<3x2x3xf64>, tensor<5x3xf64>)
  return %t, %dx : tensor<3x2x3xf64>, tensor<5x3xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<5x3xf64>, %[[DY:.*]]: tensor<3x2x3xf64>)
// CHECK:         %[[IDX:.*]] = adj.constant dense<{{\[\[}}0, 2], [2, 4], [0, 0]]> : tensor<3x2xi64>
// CHECK:         %[[DX:.*]] = adj.scatter_add %[[DY]][%[[IDX]]] axis 0 : tensor<3x2x3xf64>, tensor<3x2xi64> -> tensor<5x3xf64>
// CHECK:         return %{{.*}}, %[[DX]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<5x3xf64>, %[[TX:.*]]: tensor<5x3xf64>)
// CHECK:         %[[IDX:.*]] = adj.constant
// CHECK:         %[[T:.*]] = adj.gather %[[TX]][%[[IDX]]] axis 0
// CHECK:         return %{{.*}}, %[[T]]

// -----

// scatter_add: the cotangent of the updates gathers dy; the indices (an
// argument here) get no derivative.

func.func @f(%u: tensor<3x5x2xf64>, %idx: tensor<5xi32>) -> tensor<3x4x2xf64> {
  %s = adj.scatter_add %u[%idx] axis 1 : tensor<3x5x2xf64>, tensor<5xi32> -> tensor<3x4x2xf64>
  return %s : tensor<3x4x2xf64>
}
func.func @requests(%u: tensor<3x5x2xf64>, %idx: tensor<5xi32>, %dy: tensor<3x4x2xf64>) -> (tensor<3x4x2xf64>, tensor<3x5x2xf64>) {
  %y, %t = adj.jvp @f(%u, %idx) tangents(%u) : (tensor<3x5x2xf64>, tensor<5xi32>, tensor<3x5x2xf64>) -> (tensor<3x4x2xf64>, tensor<3x4x2xf64>)
  %y2, %du = adj.vjp @f(%u, %idx) cotangents(%dy) : (tensor<3x5x2xf64>, tensor<5xi32>, tensor<3x4x2xf64>) -> (tensor<3x4x2xf64>, tensor<3x5x2xf64>)
  return %t, %du : tensor<3x4x2xf64>, tensor<3x5x2xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[U:.*]]: tensor<3x5x2xf64>, %[[IDX:.*]]: tensor<5xi32>, %[[DY:.*]]: tensor<3x4x2xf64>)
// CHECK:         %[[DU:.*]] = adj.gather %[[DY]][%[[IDX]]] axis 1 : tensor<3x4x2xf64>, tensor<5xi32> -> tensor<3x5x2xf64>
// CHECK:         return %{{.*}}, %[[DU]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[U:.*]]: tensor<3x5x2xf64>, %[[IDX:.*]]: tensor<5xi32>, %[[TU:.*]]: tensor<3x5x2xf64>)
// CHECK:         %[[T:.*]] = adj.scatter_add %[[TU]][%[[IDX]]] axis 1
// CHECK:         return %{{.*}}, %[[T]]

// -----

// reverse is its own transpose.

func.func @f(%x: tensor<2x3x4xf64>) -> tensor<2x3x4xf64> {
  %r = adj.reverse %x dims [0, 2] : tensor<2x3x4xf64>
  return %r : tensor<2x3x4xf64>
}
func.func @requests(%x: tensor<2x3x4xf64>, %dy: tensor<2x3x4xf64>) -> (tensor<2x3x4xf64>, tensor<2x3x4xf64>) {
  %y, %t = adj.jvp @f(%x) tangents(%x) : (tensor<2x3x4xf64>, tensor<2x3x4xf64>) -> (tensor<2x3x4xf64>, tensor<2x3x4xf64>)
  %y2, %dx = adj.vjp @f(%x) cotangents(%dy) : (tensor<2x3x4xf64>, tensor<2x3x4xf64>) -> (tensor<2x3x4xf64>, tensor<2x3x4xf64>)
  return %t, %dx : tensor<2x3x4xf64>, tensor<2x3x4xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3x4xf64>, %[[DY:.*]]: tensor<2x3x4xf64>)
// CHECK:         %[[DX:.*]] = adj.reverse %[[DY]] dims [0, 2]
// CHECK:         return %{{.*}}, %[[DX]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3x4xf64>, %[[TX:.*]]: tensor<2x3x4xf64>)
// CHECK:         %[[T:.*]] = adj.reverse %[[TX]] dims [0, 2]
// CHECK:         return %{{.*}}, %[[T]]

// -----

// one_hot has no derivative: only the product with %x is differentiated.

func.func @f(%x: tensor<4x3xf64>, %labels: tensor<4xi64>) -> tensor<4x3xf64> {
  %h = adj.one_hot %labels : tensor<4xi64> -> tensor<4x3xf64>
  %y = adj.mul %x, %h : tensor<4x3xf64>
  return %y : tensor<4x3xf64>
}
func.func @requests(%x: tensor<4x3xf64>, %labels: tensor<4xi64>, %dy: tensor<4x3xf64>) -> (tensor<4x3xf64>, tensor<4x3xf64>) {
  %y, %t = adj.jvp @f(%x, %labels) tangents(%x) : (tensor<4x3xf64>, tensor<4xi64>, tensor<4x3xf64>) -> (tensor<4x3xf64>, tensor<4x3xf64>)
  %y2, %dx = adj.vjp @f(%x, %labels) cotangents(%dy) : (tensor<4x3xf64>, tensor<4xi64>, tensor<4x3xf64>) -> (tensor<4x3xf64>, tensor<4x3xf64>)
  return %t, %dx : tensor<4x3xf64>, tensor<4x3xf64>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<4x3xf64>, %[[L:.*]]: tensor<4xi64>, %[[DY:.*]]: tensor<4x3xf64>)
// CHECK:         %[[H:.*]] = adj.one_hot %[[L]]
// CHECK-NOT:     adj.one_hot
// CHECK:         %[[DX:.*]] = adj.mul %[[DY]], %[[H]]
// CHECK:         return %{{.*}}, %[[DX]]

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<4x3xf64>, %[[L:.*]]: tensor<4xi64>, %[[TX:.*]]: tensor<4x3xf64>)
// CHECK:         %[[H:.*]] = adj.one_hot %[[L]]
// CHECK-NOT:     adj.one_hot
// CHECK:         %[[T:.*]] = adj.mul %[[TX]], %[[H]]
// CHECK:         return %{{.*}}, %[[T]]
