// RUN: adjoint-opt %s -adj-export-c-abi -split-input-file -verify-diagnostics
// The pass on IR it is not written for is an error that says what it
// expects, never invalid IR: adj-level IR (tensor arguments, tensor results
// the pass would replace by one status while their attributes stayed) and
// a second run (a second workspace and @f_workspace_size).
// RUN: not adjoint-opt %S/../../examples/cnn.mlir -adj-stage-differentiate -adj-stage-optimize -adj-stage-linalg -adj-stage-bufferize -adj-export-c-abi 2>&1 | FileCheck %s --check-prefix=TWICE
// TWICE: cnn.mlir:{{[0-9]+}}:1: error: @loss already has its C ABI (adj.workspace_size): adj-export-c-abi expects bufferized functions {{.*}} and runs once: it is the last pass of adj-stage-bufferize
// TWICE-NOT: redefinition

// Every function is reported, not only the first.
// expected-error @+1 {{cannot give @tensors its C ABI: it takes a 'tensor<3xf32>'; adj-export-c-abi expects bufferized functions whose results are caller-allocated out-parameters (memref arguments; no result, or only the i32 status of adj-check-numerics or adj-check-indices), and runs once: it is the last pass of adj-stage-bufferize (docs/reference/TransformsPasses.md)}}
func.func @tensors(%x: tensor<3xf32> {adj.name = "x"}) -> (tensor<f32> {adj.name = "s"}, tensor<3xf32> {adj.name = "g"}) {
  %s = adj.sum %x : tensor<3xf32> -> tensor<f32>
  return %s, %x : tensor<f32>, tensor<3xf32>
}
// expected-error @+1 {{cannot give @results its C ABI: it returns 'memref<3xf32>', 'memref<3xf32>'; adj-export-c-abi expects bufferized functions}}
func.func @results(%x: memref<3xf32>) -> (memref<3xf32>, memref<3xf32>) {
  return %x, %x : memref<3xf32>, memref<3xf32>
}
// Not exported: private functions are not checked.
func.func private @helper(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

// -----

// expected-error @+1 {{@f already has its C ABI (adj.workspace_size): adj-export-c-abi expects}}
func.func @f(%x: memref<3xf32>, %out: memref<3xf32>, %ws: memref<0xi8>) -> i32 attributes {adj.workspace_size = 0 : i64} {
  %c0 = arith.constant 0 : i32
  return %c0 : i32
}
func.func @f_workspace_size() -> i64 {
  %c0 = arith.constant 0 : i64
  return %c0 : i64
}

// -----

// The status of adj-check-numerics or adj-check-indices is the one result
// allowed: it becomes the function's status.
func.func @status(%x: memref<3xf32>, %out: memref<3xf32>) -> i32 {
  %c1 = arith.constant 1 : i32
  return %c1 : i32
}
