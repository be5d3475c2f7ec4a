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
