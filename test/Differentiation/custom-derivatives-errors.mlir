// Errors of custom derivatives (adj.custom_vjp, adj.custom_jvp) and of
// declared functions without one: each at the function, saying what to do.
// RUN: adjoint-opt %s -adj-differentiate -split-input-file -verify-diagnostics

// expected-error @+1 {{cannot differentiate @f in forward mode: it has a custom derivative for the other mode only; give it `adj.custom_jvp = @f_custom_jvp` too}}
func.func private @f(%x: tensor<3xf64>) -> tensor<3xf64> attributes {adj.custom_vjp = @f_custom_vjp} {
  return %x : tensor<3xf64>
}
func.func private @f_custom_vjp(%x: tensor<3xf64>, %ct: tensor<3xf64>) -> tensor<3xf64> {
  return %ct : tensor<3xf64>
}
func.func @ask(%x: tensor<3xf64>) -> tensor<3xf64> {
  %y, %dy = adj.jvp @f(%x) tangents(%x) wrt [0] : (tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %dy : tensor<3xf64>
}

// -----

// expected-error @+1 {{`adj.custom_vjp = "g_vjp"` must name a func.func of this module (like @f_custom_vjp)}}
func.func private @f(%x: tensor<3xf64>) -> tensor<3xf64> attributes {adj.custom_vjp = "g_vjp"} {
  return %x : tensor<3xf64>
}
func.func @ask(%x: tensor<3xf64>) -> tensor<3xf64> {
  %y, %dx = adj.vjp @f(%x) cotangents(%x) wrt [0] : (tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %dx : tensor<3xf64>
}

// -----

// expected-error @+1 {{`adj.custom_vjp = @missing` must name a func.func of this module (like @f_custom_vjp)}}
func.func private @f(%x: tensor<3xf64>) -> tensor<3xf64> attributes {adj.custom_vjp = @missing} {
  return %x : tensor<3xf64>
}
func.func @ask(%x: tensor<3xf64>) -> tensor<3xf64> {
  %y, %dx = adj.vjp @f(%x) cotangents(%x) wrt [0] : (tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %dx : tensor<3xf64>
}

// -----

// The vjp returns a cotangent for the integer argument too.
// expected-error @+1 {{the custom vjp @f_custom_vjp of @f has type '(tensor<3xf64>, tensor<i64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<i64>)', but must have type '(tensor<3xf64>, tensor<i64>, tensor<3xf64>) -> tensor<3xf64>' (the arguments, then one cotangent per result -> one cotangent per float tensor argument)}}
func.func private @f(%x: tensor<3xf64>, %k: tensor<i64>) -> tensor<3xf64> attributes {adj.custom_vjp = @f_custom_vjp} {
  return %x : tensor<3xf64>
}
// expected-note @+1 {{@f_custom_vjp is defined here}}
func.func private @f_custom_vjp(%x: tensor<3xf64>, %k: tensor<i64>, %ct: tensor<3xf64>) -> (tensor<3xf64>, tensor<i64>) {
  return %ct, %k : tensor<3xf64>, tensor<i64>
}
func.func @ask(%x: tensor<3xf64>, %k: tensor<i64>) -> tensor<3xf64> {
  %y, %dx = adj.vjp @f(%x, %k) cotangents(%x) wrt [0] : (tensor<3xf64>, tensor<i64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %dx : tensor<3xf64>
}

// -----

// The jvp lacks the tangent argument.
// expected-error @+1 {{the custom jvp @f_custom_jvp of @f has type '(tensor<3xf64>) -> tensor<3xf64>', but must have type '(tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>' (the arguments, then one tangent per float tensor argument -> one tangent per result)}}
func.func private @f(%x: tensor<3xf64>) -> tensor<3xf64> attributes {adj.custom_jvp = @f_custom_jvp} {
  return %x : tensor<3xf64>
}
// expected-note @+1 {{@f_custom_jvp is defined here}}
func.func private @f_custom_jvp(%x: tensor<3xf64>) -> tensor<3xf64> {
  return %x : tensor<3xf64>
}
func.func @ask(%x: tensor<3xf64>) -> tensor<3xf64> {
  %y, %dy = adj.jvp @f(%x) tangents(%x) wrt [0] : (tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %dy : tensor<3xf64>
}

// -----

// An external kernel without a derivative.
// expected-error @+1 {{cannot differentiate @kernel: it is only declared; define it, or give it a custom derivative (adj.custom_vjp = @kernel_custom_vjp; see docs/adding-rules.md)}}
func.func private @kernel(%x: tensor<3xf64>) -> tensor<3xf64>
func.func @loss(%x: tensor<3xf64>) -> tensor<f64> {
  // expected-note @+1 {{called here, where a derivative is needed}}
  %y = call @kernel(%x) : (tensor<3xf64>) -> tensor<3xf64>
  %s = adj.sum %y : tensor<3xf64> -> tensor<f64>
  return %s : tensor<f64>
}
func.func @ask(%x: tensor<3xf64>) -> tensor<3xf64> {
  %g = adj.grad @loss(%x) : (tensor<3xf64>) -> tensor<3xf64>
  return %g : tensor<3xf64>
}

// -----

// A custom vjp that asks for the gradient of its own function: @f_grad would
// call @fv, which would call @f_grad. The request in @fv, and the one that
// needs @f's derivative, are a cycle like requests that ask for each other.
func.func private @f(%x: tensor<3xf64>) -> tensor<f64> attributes {adj.custom_vjp = @fv} {
  %s = adj.sum %x : tensor<3xf64> -> tensor<f64>
  return %s : tensor<f64>
}
func.func private @fv(%x: tensor<3xf64>, %c: tensor<f64>) -> tensor<3xf64> {
  // expected-error @+1 {{cannot differentiate @f: its derivative needs the derivative of a function that requests this one (the requests form a cycle)}}
  %d = adj.grad @f(%x) : (tensor<3xf64>) -> tensor<3xf64>
  %m = adj.mul %d, %c : tensor<3xf64>, tensor<f64>
  return %m : tensor<3xf64>
}
func.func @g(%x: tensor<3xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{cannot differentiate @f: its derivative needs the derivative of a function that requests this one (the requests form a cycle)}}
  %d = adj.grad @f(%x) : (tensor<3xf64>) -> tensor<3xf64>
  return %d : tensor<3xf64>
}

// -----

// The same through a function the custom vjp calls, and through a call of
// @f: the derivative of @loss calls @f's custom vjp.
func.func private @f(%x: tensor<3xf64>) -> tensor<f64> attributes {adj.custom_vjp = @fv} {
  %s = adj.sum %x : tensor<3xf64> -> tensor<f64>
  return %s : tensor<f64>
}
func.func private @fv(%x: tensor<3xf64>, %c: tensor<f64>) -> tensor<3xf64> {
  %d = call @helper(%x) : (tensor<3xf64>) -> tensor<3xf64>
  %m = adj.mul %d, %c : tensor<3xf64>, tensor<f64>
  return %m : tensor<3xf64>
}
func.func private @helper(%x: tensor<3xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{cannot differentiate @loss: its derivative needs the derivative of a function that requests this one (the requests form a cycle)}}
  %d = adj.grad @loss(%x) : (tensor<3xf64>) -> tensor<3xf64>
  return %d : tensor<3xf64>
}
func.func private @loss(%x: tensor<3xf64>) -> tensor<f64> {
  %y = call @f(%x) : (tensor<3xf64>) -> tensor<f64>
  return %y : tensor<f64>
}
