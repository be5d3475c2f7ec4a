// How requests become calls: one derivative per (function, mode, wrt),
// names that say what they are and never clash, callees differentiated on
// demand.
// RUN: adjoint-opt %s -adj-differentiate -split-input-file | FileCheck %s

// Two requests for the same derivative share one function; adj.grad uses
// the value_and_grad function without its value.
// CHECK-LABEL: func.func @two_requests
// CHECK:         %[[A:.*]]:2 = call @f_grad(%{{.*}})
// CHECK:         %[[B:.*]]:2 = call @f_grad(%{{.*}})
// CHECK:         return %[[A]]#0, %[[A]]#1, %[[B]]#1
// CHECK-NOT:     func.func private @f_grad_0
func.func @f(%x: tensor<3xf64>) -> tensor<f64> {
  %0 = adj.sum %x : tensor<3xf64> -> tensor<f64>
  return %0 : tensor<f64>
}
func.func @two_requests(%x: tensor<3xf64>) -> (tensor<f64>, tensor<3xf64>, tensor<3xf64>) {
  %v, %g = adj.value_and_grad @f(%x) : (tensor<3xf64>) -> (tensor<f64>, tensor<3xf64>)
  %h = adj.grad @f(%x) : (tensor<3xf64>) -> tensor<3xf64>
  return %v, %g, %h : tensor<f64>, tensor<3xf64>, tensor<3xf64>
}

// -----

// A name already taken by the user is not reused.
// CHECK-LABEL: func.func private @f_jvp_0
// CHECK-LABEL: func.func @f_jvp(
// CHECK-LABEL: func.func @ask
// CHECK:         call @f_jvp_0
func.func @f(%x: tensor<f64>) -> tensor<f64> {
  %0 = adj.sin %x : tensor<f64>
  return %0 : tensor<f64>
}
func.func @f_jvp(%x: tensor<f64>) -> tensor<f64> {
  return %x : tensor<f64>
}
func.func @ask(%x: tensor<f64>) -> tensor<f64> {
  %a, %b = adj.jvp @f(%x) tangents(%x) : (tensor<f64>, tensor<f64>) -> (tensor<f64>, tensor<f64>)
  return %b : tensor<f64>
}

// -----

// A subset of the float arguments shows in the name; the callee's derivative
// is synthesized for the arguments the call needs, and the argument names
// carry over.
// CHECK-LABEL: func.func private @inner_vjp_wrt_1
// CHECK-LABEL: func.func private @outer_grad_wrt_1
// CHECK-SAME:    {adj.name = "w"}
// CHECK:         call @inner_vjp_wrt_1
func.func @inner(%x: tensor<2xf64>, %w: tensor<2xf64>) -> tensor<2xf64> {
  %0 = adj.mul %x, %w : tensor<2xf64>
  return %0 : tensor<2xf64>
}
func.func @outer(%x: tensor<2xf64>, %w: tensor<2xf64> {adj.name = "w"}) -> tensor<f64> {
  %0 = func.call @inner(%x, %w) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
  %1 = adj.sum %0 : tensor<2xf64> -> tensor<f64>
  return %1 : tensor<f64>
}
func.func @ask(%x: tensor<2xf64>, %w: tensor<2xf64>) -> tensor<2xf64> {
  %g = adj.grad @outer(%x, %w) wrt [1] : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
  return %g : tensor<2xf64>
}
