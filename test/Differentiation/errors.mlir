// Errors of the differentiation pass: every op without a rule is reported at
// once, with its location; recursion, declarations and control flow are
// refused with a reason.
// RUN: adjoint-opt %s -adj-differentiate -split-input-file -verify-diagnostics

func.func @no_rules(%x: tensor<3xf64>, %y: tensor<3xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{cannot differentiate 'arith.addf': it has no differentiation rule}}
  %0 = arith.addf %x, %y : tensor<3xf64>
  %1 = adj.sin %0 : tensor<3xf64>
  // expected-error @+1 {{cannot differentiate 'arith.mulf': it has no differentiation rule}}
  %2 = arith.mulf %1, %x : tensor<3xf64>
  return %2 : tensor<3xf64>
}
func.func @ask(%x: tensor<3xf64>, %y: tensor<3xf64>, %c: tensor<3xf64>) -> tensor<3xf64> {
  %r, %dx = adj.vjp @no_rules(%x, %y) cotangents(%c) wrt [0] : (tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %dx : tensor<3xf64>
}

// -----

// The ops without a rule of the functions it calls are reported in the same
// run, with the caller's (and a declared callee's, which needs a custom
// derivative).
func.func private @tan_helper(%x: tensor<3xf64>, %k: tensor<3xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{cannot differentiate 'math.tan': it has no differentiation rule}}
  %0 = math.tan %x : tensor<3xf64>
  // No derivative flows through %k: no rule is needed.
  %1 = math.tan %k : tensor<3xf64>
  %2 = adj.mul %0, %1 : tensor<3xf64>
  return %2 : tensor<3xf64>
}
// expected-error @+1 {{cannot differentiate @declared: it is only declared}}
func.func private @declared(tensor<3xf64>) -> tensor<3xf64>
func.func @calls_helper(%x: tensor<3xf64>, %k: tensor<3xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{cannot differentiate 'math.sinh': it has no differentiation rule}}
  %0 = math.sinh %x : tensor<3xf64>
  %1 = func.call @tan_helper(%0, %k) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  // expected-note @+1 {{called here, where a derivative is needed}}
  %2 = func.call @declared(%1) : (tensor<3xf64>) -> tensor<3xf64>
  // expected-error @+1 {{cannot differentiate 'math.cosh': it has no differentiation rule}}
  %3 = math.cosh %2 : tensor<3xf64>
  return %3 : tensor<3xf64>
}
func.func @ask_helper(%x: tensor<3xf64>, %k: tensor<3xf64>, %c: tensor<3xf64>) -> tensor<3xf64> {
  %r, %dx = adj.vjp @calls_helper(%x, %k) cotangents(%c) wrt [0] : (tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %dx : tensor<3xf64>
}

// -----

// An op without a rule is fine where no derivative flows through it.
func.func @constant_part(%x: tensor<3xf64>, %k: tensor<3xf64>) -> tensor<3xf64> {
  %0 = arith.addf %k, %k : tensor<3xf64>
  %1 = adj.mul %0, %x : tensor<3xf64>
  return %1 : tensor<3xf64>
}
func.func @ask_constant(%x: tensor<3xf64>, %k: tensor<3xf64>) -> tensor<3xf64> {
  %r, %t = adj.jvp @constant_part(%x, %k) tangents(%x) wrt [0] : (tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %t : tensor<3xf64>
}

// -----

// expected-error @+1 {{cannot differentiate @recursive: it is recursive}}
func.func @recursive(%x: tensor<f64>) -> tensor<f64> {
  %0 = func.call @recursive(%x) : (tensor<f64>) -> tensor<f64>
  %1 = adj.sin %0 : tensor<f64>
  return %1 : tensor<f64>
}
func.func @ask_recursive(%x: tensor<f64>) -> tensor<f64> {
  %g = adj.grad @recursive(%x) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}

// -----

// expected-error @+1 {{cannot differentiate @declared: it is only declared}}
func.func private @declared(%x: tensor<f64>) -> tensor<f64>
func.func @calls_declared(%x: tensor<f64>) -> tensor<f64> {
  // expected-note @+1 {{called here, where a derivative is needed}}
  %0 = func.call @declared(%x) : (tensor<f64>) -> tensor<f64>
  return %0 : tensor<f64>
}
func.func @ask_declared(%x: tensor<f64>) -> tensor<f64> {
  %g = adj.grad @calls_declared(%x) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}

// -----

// The error is at the op with a region.
// expected-note @+1 {{in this function}}
func.func @with_region(%x: tensor<2xf64>) -> tensor<2xf64> {
  // expected-error @+1 {{cannot differentiate @with_region through this 'tensor.generate': only straight-line functions}}
  %0 = tensor.generate {
  ^bb0(%i: index):
    %c = arith.constant 1.0 : f64
    tensor.yield %c : f64
  } : tensor<2xf64>
  %1 = adj.mul %0, %x : tensor<2xf64>
  return %1 : tensor<2xf64>
}
func.func @ask_region(%x: tensor<2xf64>, %t: tensor<2xf64>) -> tensor<2xf64> {
  %r, %d = adj.jvp @with_region(%x) tangents(%t) : (tensor<2xf64>, tensor<2xf64>) -> (tensor<2xf64>, tensor<2xf64>)
  return %d : tensor<2xf64>
}

// -----

func.func @a(%x: tensor<f64>) -> tensor<f64> {
  // expected-error @+1 {{cannot differentiate @b: its derivative needs the derivative of a function that requests this one}}
  %g = adj.grad @b(%x) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}
func.func @b(%x: tensor<f64>) -> tensor<f64> {
  // expected-error @+1 {{cannot differentiate @a: its derivative needs the derivative of a function that requests this one}}
  %g = adj.grad @a(%x) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}

// -----

// A derivative cannot flow through a float scalar: a tensor built from one
// that depends on what is differentiated is an error, not a silent zero. A
// scalar that only steers an integer (an index) is not.
func.func @through_scalar(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<f32> {
  %c0 = arith.constant 0 : index
  // expected-note @+1 {{the value comes from this 'tensor.extract'}}
  %e = tensor.extract %a[%c0] : tensor<3xf32>
  // expected-note @+1 {{the value comes from this 'arith.mulf'}}
  %f = arith.mulf %e, %e : f32
  // expected-error @+1 {{cannot differentiate through operand #0 of 'tensor.splat', of type 'f32': derivatives flow only through float tensors}}
  %t = tensor.splat %f : tensor<3xf32>
  %m = adj.mul %t, %b : tensor<3xf32>
  // expected-error @+1 {{cannot differentiate through operand #0 of 'tensor.from_elements', of type 'f32'}}
  %g = tensor.from_elements %e : tensor<f32>
  %s = adj.sum %m : tensor<3xf32> -> tensor<f32>
  %r = adj.add %s, %g : tensor<f32>
  %k = arith.fptosi %e : f32 to i64
  %i = tensor.from_elements %k : tensor<i64>
  return %r : tensor<f32>
}
func.func @ask_scalar(%a: tensor<3xf32>, %b: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %r, %da = adj.value_and_grad @through_scalar(%a, %b) wrt [0] : (tensor<3xf32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
  return %r, %da : tensor<f32>, tensor<3xf32>
}
