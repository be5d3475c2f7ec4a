// A function that names its own derivatives (adj.custom_vjp, adj.custom_jvp)
// is differentiated by calling them, not by differentiating its body: here a
// straight-through estimator, whose body's derivative would be zero.
// RUN: adjoint-opt %s -adj-differentiate | FileCheck %s

func.func @binarize(%x: tensor<6xf64>) -> tensor<6xf64>
    attributes {adj.custom_vjp = @binarize_custom_vjp,
                adj.custom_jvp = @binarize_custom_jvp} {
  %zero = adj.fill 0.0 : tensor<6xf64>
  %one = adj.fill 1.0 : tensor<6xf64>
  %minus = adj.fill -1.0 : tensor<6xf64>
  %m = adj.compare gt, %x, %zero : tensor<6xf64>, tensor<6xf64>
  %y = adj.select %m, %one, %minus : tensor<6xi1>, tensor<6xf64>, tensor<6xf64>
  return %y : tensor<6xf64>
}
func.func private @binarize_custom_vjp(%x: tensor<6xf64>, %ct: tensor<6xf64>) -> tensor<6xf64> {
  return %ct : tensor<6xf64>
}
func.func private @binarize_custom_jvp(%x: tensor<6xf64>, %t: tensor<6xf64>) -> tensor<6xf64> {
  return %t : tensor<6xf64>
}

// CHECK-LABEL: func.func private @binarize_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<6xf64>, %[[T:.*]]: tensor<6xf64>)
// CHECK:         %[[Y:.*]] = call @binarize(%[[X]])
// CHECK:         %[[DY:.*]] = call @binarize_custom_jvp(%[[X]], %[[T]])
// CHECK:         return %[[Y]], %[[DY]]
// CHECK-LABEL: func.func private @binarize_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<6xf64>, %[[C:.*]]: tensor<6xf64>)
// CHECK:         %[[Y:.*]] = call @binarize(%[[X]])
// CHECK:         %[[DX:.*]] = call @binarize_custom_vjp(%[[X]], %[[C]])
// CHECK:         return %[[Y]], %[[DX]]

// The custom derivatives get and return nothing for the integer argument.
func.func private @scaled(%x: tensor<3xf64>, %k: tensor<i64>, %s: tensor<f64>) -> tensor<3xf64>
    attributes {adj.custom_vjp = @scaled_custom_vjp, adj.custom_jvp = @scaled_custom_jvp} {
  %y = adj.mul %x, %s : tensor<3xf64>, tensor<f64>
  return %y : tensor<3xf64>
}
func.func private @scaled_custom_vjp(%x: tensor<3xf64>, %k: tensor<i64>, %s: tensor<f64>,
                                     %ct: tensor<3xf64>) -> (tensor<3xf64>, tensor<f64>) {
  %dx = adj.mul %ct, %s : tensor<3xf64>, tensor<f64>
  %p = adj.mul %ct, %x : tensor<3xf64>, tensor<3xf64>
  %ds = adj.sum %p : tensor<3xf64> -> tensor<f64>
  return %dx, %ds : tensor<3xf64>, tensor<f64>
}
func.func private @scaled_custom_jvp(%x: tensor<3xf64>, %k: tensor<i64>, %s: tensor<f64>,
                                     %tx: tensor<3xf64>, %ts: tensor<f64>) -> tensor<3xf64> {
  %a = adj.mul %tx, %s : tensor<3xf64>, tensor<f64>
  %b = adj.mul %x, %ts : tensor<3xf64>, tensor<f64>
  %t = adj.add %a, %b : tensor<3xf64>, tensor<3xf64>
  return %t : tensor<3xf64>
}

// Only the derivative w.r.t. %s: the vjp's cotangent of %x is dropped, the
// jvp gets a zero tangent for %x.
// CHECK-LABEL: func.func private @scaled_jvp_wrt_2(
// CHECK-SAME:      %[[X:.*]]: tensor<3xf64>, %[[K:.*]]: tensor<i64>, %[[S:.*]]: tensor<f64>, %[[T:.*]]: tensor<f64>)
// CHECK:         %[[Y:.*]] = call @scaled(%[[X]], %[[K]], %[[S]])
// CHECK:         %[[ZERO:.*]] = adj.constant dense<0.000000e+00> : tensor<3xf64>
// CHECK:         %[[DY:.*]] = call @scaled_custom_jvp(%[[X]], %[[K]], %[[S]], %[[ZERO]], %[[T]])
// CHECK:         return %[[Y]], %[[DY]]
// CHECK-LABEL: func.func private @scaled_vjp_wrt_2(
// CHECK-SAME:      %[[X:.*]]: tensor<3xf64>, %[[K:.*]]: tensor<i64>, %[[S:.*]]: tensor<f64>, %[[C:.*]]: tensor<3xf64>)
// CHECK:         %[[Y:.*]] = call @scaled(%[[X]], %[[K]], %[[S]])
// CHECK:         %[[D:.*]]:2 = call @scaled_custom_vjp(%[[X]], %[[K]], %[[S]], %[[C]])
// CHECK:         return %[[Y]], %[[D]]#1

// A custom jvp may ask for the gradient of its own function: that is the
// reverse derivative, built from the custom vjp, which asks for nothing. So
// it is no cycle, and the jvp request waits until @dot_custom_jvp's request
// is replaced: ẏ = <∇f, ẋ>.
func.func private @dot(%x: tensor<3xf64>, %w: tensor<3xf64>) -> tensor<f64>
    attributes {adj.custom_vjp = @dot_custom_vjp, adj.custom_jvp = @dot_custom_jvp} {
  %p = adj.mul %x, %w : tensor<3xf64>, tensor<3xf64>
  %s = adj.sum %p : tensor<3xf64> -> tensor<f64>
  return %s : tensor<f64>
}
func.func private @dot_custom_vjp(%x: tensor<3xf64>, %w: tensor<3xf64>, %c: tensor<f64>)
    -> (tensor<3xf64>, tensor<3xf64>) {
  %dx = adj.mul %w, %c : tensor<3xf64>, tensor<f64>
  %dw = adj.mul %x, %c : tensor<3xf64>, tensor<f64>
  return %dx, %dw : tensor<3xf64>, tensor<3xf64>
}
func.func private @dot_custom_jvp(%x: tensor<3xf64>, %w: tensor<3xf64>,
                                  %tx: tensor<3xf64>, %tw: tensor<3xf64>) -> tensor<f64> {
  %gx, %gw = adj.grad @dot(%x, %w) : (tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  %a = adj.mul %gx, %tx : tensor<3xf64>, tensor<3xf64>
  %b = adj.mul %gw, %tw : tensor<3xf64>, tensor<3xf64>
  %c = adj.add %a, %b : tensor<3xf64>, tensor<3xf64>
  %t = adj.sum %c : tensor<3xf64> -> tensor<f64>
  return %t : tensor<f64>
}

// CHECK-LABEL: func.func private @dot_jvp(
// CHECK:         call @dot_custom_jvp(
// CHECK-LABEL: func.func private @dot_grad(
// CHECK:         call @dot_custom_vjp(
// CHECK-LABEL: func.func private @dot_custom_jvp(
// CHECK:         call @dot_grad(
// CHECK-NOT:     adj.grad

func.func @requests(%x: tensor<6xf64>, %c: tensor<6xf64>, %v: tensor<3xf64>, %k: tensor<i64>,
                    %s: tensor<f64>, %cv: tensor<3xf64>, %ts: tensor<f64>)
    -> (tensor<6xf64>, tensor<6xf64>, tensor<f64>, tensor<3xf64>) {
  %y, %dx = adj.vjp @binarize(%x) cotangents(%c) wrt [0] : (tensor<6xf64>, tensor<6xf64>) -> (tensor<6xf64>, tensor<6xf64>)
  %z, %dz = adj.jvp @binarize(%x) tangents(%c) wrt [0] : (tensor<6xf64>, tensor<6xf64>) -> (tensor<6xf64>, tensor<6xf64>)
  %w, %ds = adj.vjp @scaled(%v, %k, %s) cotangents(%cv) wrt [2] : (tensor<3xf64>, tensor<i64>, tensor<f64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<f64>)
  %u, %du = adj.jvp @scaled(%v, %k, %s) tangents(%ts) wrt [2] : (tensor<3xf64>, tensor<i64>, tensor<f64>, tensor<f64>) -> (tensor<3xf64>, tensor<3xf64>)
  %v2, %dv = adj.jvp @dot(%v, %cv) tangents(%cv, %v) : (tensor<3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> (tensor<f64>, tensor<f64>)
  return %dx, %dz, %ds, %du : tensor<6xf64>, tensor<6xf64>, tensor<f64>, tensor<3xf64>
}
