// RUN: adjoint-opt %s -adj-check-indices -split-input-file -verify-diagnostics

// An index read inside a region (hand-written scf.if) cannot reach the
// function's status: an error, not a silent skip.

func.func @f(%t: tensor<5x3xf32>, %i: tensor<2xi64>, %c: i1) -> tensor<2x3xf32> {
  %r = scf.if %c -> tensor<2x3xf32> {
    // expected-error @below {{--check-indices: cannot check the indices of an op inside scf.if: compute it in the function's body, before the scf.if (a model is straight-line code: compute both branches and pick with adj.select)}}
    %e = adj.gather %t[%i] axis 0 : tensor<5x3xf32>, tensor<2xi64> -> tensor<2x3xf32>
    scf.yield %e : tensor<2x3xf32>
  } else {
    %z = adj.constant dense<0.0> : tensor<2x3xf32>
    scf.yield %z : tensor<2x3xf32>
  }
  return %r : tensor<2x3xf32>
}

// -----

// Nor can one in a function of several blocks.

// expected-error @below {{--check-indices: @g has more than one block}}
func.func @g(%t: tensor<5x3xf32>, %i: tensor<2xi64>) -> tensor<2x3xf32> {
  %e = adj.gather %t[%i] axis 0 : tensor<5x3xf32>, tensor<2xi64> -> tensor<2x3xf32>
  cf.br ^bb1
^bb1:
  return %e : tensor<2x3xf32>
}

// -----

// Before the optimize stage: the new status result would break the
// derivative request of @loss (once an internal verifier error).

func.func @loss(%t: tensor<5xf32>, %i: tensor<2xi64>) -> tensor<f32> {
  %e = adj.gather %t[%i] axis 0 : tensor<5xf32>, tensor<2xi64> -> tensor<2xf32>
  %s = adj.sum %e : tensor<2xf32> -> tensor<f32>
  return %s : tensor<f32>
}
func.func @g(%t: tensor<5xf32>, %i: tensor<2xi64>) -> tensor<5xf32> {
  // expected-error @below {{'adj-check-indices' gives each public function a status result, which this op does not expect: run it after every derivative request is resolved and every call inlined (adjoint-opt --adj-stage-differentiate --adj-stage-optimize first, as adjoint-compile does)}}
  %d = adj.grad @loss(%t, %i) wrt [0] : (tensor<5xf32>, tensor<2xi64>) -> tensor<5xf32>
  return %d : tensor<5xf32>
}

// -----

// Nor a call of a public function.

func.func @h(%x: tensor<3xf32>) -> tensor<3xf32> {
  %y = adj.exp %x : tensor<3xf32>
  return %y : tensor<3xf32>
}
func.func @k(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @below {{'adj-check-indices' gives each public function a status result}}
  %y = func.call @h(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}
