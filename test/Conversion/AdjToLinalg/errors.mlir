// RUN: adjoint-opt %s -convert-adj-to-linalg -split-input-file -verify-diagnostics

// Composite ops are adj-decompose's to expand; convert-adj-to-linalg has no
// lowering for them and fails at their location.

func.func @softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @below {{failed to legalize operation 'adj.softmax'}}
  %y = adj.softmax %x axis 1 : tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @mean(%x: tensor<2x3xf64>) -> tensor<f64> {
  // expected-error @below {{failed to legalize operation 'adj.mean'}}
  %y = adj.mean %x : tensor<2x3xf64> -> tensor<f64>
  return %y : tensor<f64>
}
