// Malformed IR: a function without its closing brace. Each tool reports the
// parser's error at its location and exits non-zero.
// RUN: not adjoint-opt %s 2>&1 | FileCheck %s
// RUN: not adjoint-run %s --seed 0 2>&1 | FileCheck %s
// RUN: not adjoint-compile %s -o %t.so 2>&1 | FileCheck %s

// CHECK: malformed.mlir:[[# @LINE + 4]]:28: error: expected operation name in quotes
// CHECK-NOT: error
func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = adj.sin %x : tensor<3xf32>
  return %0 : tensor<3xf32>
