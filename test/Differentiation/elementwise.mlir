// Structure of the elementwise rules: which ops the reverse and forward rules
// build, that constant operands get no cotangent, and where derivative ops
// point back to.
// RUN: adjoint-opt %s -adj-differentiate -split-input-file | FileCheck %s
// RUN: adjoint-opt %s -adj-differentiate -split-input-file --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC

// sin'(x) = cos x; the broadcast operand %w of mul gets its cotangent summed
// back to tensor<f64>; maximum routes the cotangent through a 1 / 0.5 / 0
// share. %k is not differentiated: nothing is built for it.
// CHECK-LABEL: func.func private @f_vjp_wrt_0_1
// CHECK-SAME:    (%[[X:.*]]: tensor<3xf64>, %[[W:.*]]: tensor<f64>, %[[K:.*]]: tensor<3xf64>, %[[CT:.*]]: tensor<3xf64>)
// CHECK:         %[[S:.*]] = adj.sin %[[X]]
// CHECK:         %[[T:.*]] = adj.mul %[[S]], %[[W]]
// CHECK:         %[[HALF:.*]] = adj.constant dense<5.000000e-01>
// CHECK:         %[[TIE:.*]] = adj.compare eq, %[[T]], %[[K]]
// CHECK:         %[[WINS:.*]] = adj.compare gt, %[[T]], %[[K]]
// CHECK:         %[[SHARE:.*]] = adj.select %[[WINS]]
// CHECK:         %[[DT:.*]] = adj.mul %[[CT]], %[[SHARE]]
// CHECK:         %[[DS:.*]] = adj.mul %[[DT]], %[[W]] : tensor<3xf64>, tensor<f64>
// CHECK:         %[[DWFULL:.*]] = adj.mul %[[DT]], %[[S]]
// CHECK:         %[[DWSUM:.*]] = adj.sum %[[DWFULL]] axes [0] keepdims
// CHECK:         %[[DW:.*]] = adj.reshape %[[DWSUM]] : tensor<1xf64> -> tensor<f64>
// CHECK:         %[[COS:.*]] = adj.cos %[[X]]
// CHECK:         %[[DX:.*]] = adj.mul %[[DS]], %[[COS]]
// CHECK:         return %{{.*}}, %[[DX]], %[[DW]]
// LOC-LABEL: func.func private @f_vjp_wrt_0_1
// LOC:         adj.sin {{.*}} loc(#[[SINLOC:loc[0-9]+]])
// LOC:         adj.cos {{.*}} loc(#[[COSLOC:loc[0-9]+]])
// LOC:         #[[COSLOC]] = loc("adjoint"(#[[SINLOC]]))
func.func @f(%x: tensor<3xf64>, %w: tensor<f64>, %k: tensor<3xf64>) -> tensor<3xf64> {
  %s = adj.sin %x : tensor<3xf64>
  %t = adj.mul %s, %w : tensor<3xf64>, tensor<f64>
  %u = adj.maximum %t, %k : tensor<3xf64>
  return %u : tensor<3xf64>
}
func.func @rev(%x: tensor<3xf64>, %w: tensor<f64>, %k: tensor<3xf64>, %c: tensor<3xf64>) -> (tensor<3xf64>, tensor<f64>) {
  %y, %dx, %dw = adj.vjp @f(%x, %w, %k) cotangents(%c) wrt [0, 1] : (tensor<3xf64>, tensor<f64>, tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>, tensor<f64>)
  return %dx, %dw : tensor<3xf64>, tensor<f64>
}

// -----

// Forward mode: the tangent of sin is t · cos x, then the product rule with
// only %x varying; nothing is built for the other operand's partial.
// CHECK-LABEL: func.func private @g_jvp_wrt_0
// CHECK-SAME:    (%[[X:.*]]: tensor<3xf64>, %[[W:.*]]: tensor<3xf64>, %[[TX:.*]]: tensor<3xf64>)
// CHECK:         %[[S:.*]] = adj.sin %[[X]]
// CHECK:         %[[COS:.*]] = adj.cos %[[X]]
// CHECK:         %[[TS:.*]] = adj.mul %[[TX]], %[[COS]]
// CHECK:         %[[Y:.*]] = adj.mul %[[S]], %[[W]]
// CHECK-NEXT:    %[[TY:.*]] = adj.mul %[[TS]], %[[W]]
// CHECK-NEXT:    return %[[Y]], %[[TY]]
func.func @g(%x: tensor<3xf64>, %w: tensor<3xf64>) -> tensor<3xf64> {
  %s = adj.sin %x : tensor<3xf64>
  %y = adj.mul %s, %w : tensor<3xf64>
  return %y : tensor<3xf64>
}
func.func @fwd(%x: tensor<3xf64>, %w: tensor<3xf64>, %t: tensor<3xf64>) -> tensor<3xf64> {
  %y, %dy = adj.jvp @g(%x, %w) tangents(%t) wrt [0] : (tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %dy : tensor<3xf64>
}

// -----

// relu'(0) = 0: the cotangent passes where x > 0 only.
// CHECK-LABEL: func.func private @r_grad
// CHECK-SAME:    (%[[X:.*]]: tensor<f64>)
// CHECK:         %[[POS:.*]] = adj.compare gt, %[[X]], %{{.*}} : tensor<f64>
// CHECK:         adj.select %[[POS]]
func.func @r(%x: tensor<f64>) -> tensor<f64> {
  %y = adj.relu %x : tensor<f64>
  return %y : tensor<f64>
}
func.func @dr(%x: tensor<f64>) -> tensor<f64> {
  %g = adj.grad @r(%x) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}

// -----

// A value used twice accumulates both cotangents with adj.add; labels of
// integer type are never differentiated.
// CHECK-LABEL: func.func private @twice_grad
// CHECK-SAME:    (%[[X:.*]]: tensor<f64>, %[[L:.*]]: tensor<i64>)
// CHECK:         %[[ONE:.*]] = adj.constant dense<1.000000e+00>
// CHECK:         %[[A:.*]] = adj.mul %[[ONE]], %[[X]]
// CHECK:         %[[B:.*]] = adj.mul %{{.*}}, %[[X]]
// CHECK:         %[[SUM:.*]] = adj.add %[[A]], %[[B]]
// CHECK:         return %{{.*}}, %[[SUM]] : tensor<f64>, tensor<f64>
func.func @twice(%x: tensor<f64>, %l: tensor<i64>) -> tensor<f64> {
  %y = adj.mul %x, %x : tensor<f64>
  return %y : tensor<f64>
}
func.func @dtwice(%x: tensor<f64>, %l: tensor<i64>) -> tensor<f64> {
  %g = adj.grad @twice(%x, %l) : (tensor<f64>, tensor<i64>) -> tensor<f64>
  return %g : tensor<f64>
}
