// A workspace above warn-bytes (16 GiB by default) gets a warning at its
// largest buffer, with the sizes; the function is still exported.
// RUN: adjoint-opt %s -adj-export-c-abi -verify-diagnostics -split-input-file | FileCheck %s
// RUN: adjoint-opt %s -adj-export-c-abi=warn-bytes=4096 -split-input-file 2>&1 | FileCheck %s --check-prefix=SMALL

// 5e9 floats and 2e9 doubles: 36 GB live at once.
// CHECK-LABEL: func.func @huge
// CHECK-SAME:    attributes {adj.workspace_size = 36000000000 : i64}
func.func @huge(%x: memref<f32>, %out: memref<f32>) {
  // expected-warning @below {{the workspace of @huge takes 36000000000 bytes (33.5 GiB), more than 17179869184 (16.0 GiB): a call will most likely fail to allocate it; its largest buffer, this op's result, takes 20000000000 bytes (18.6 GiB)}}
  %a = memref.alloc() : memref<5000000000xf32>
  %b = memref.alloc() : memref<2000000000xf64>
  memref.copy %a, %a : memref<5000000000xf32> to memref<5000000000xf32>
  memref.copy %b, %b : memref<2000000000xf64> to memref<2000000000xf64>
  memref.copy %a, %a : memref<5000000000xf32> to memref<5000000000xf32>
  return
}

// -----

// 16 GiB exactly, and a small workspace: no warning (but at warn-bytes=4096).
// CHECK-LABEL: func.func @at_bound
// CHECK-LABEL: func.func @small
// SMALL: warning: the workspace of @huge takes 36000000000 bytes (33.5 GiB), more than 4096 (0.0 GiB)
// SMALL: warning: the workspace of @at_bound takes 17179869184 bytes (16.0 GiB), more than 4096 (0.0 GiB)
// SMALL-NOT: warning: the workspace of @small
func.func @at_bound(%x: memref<f32>, %out: memref<f32>) {
  %a = memref.alloc() : memref<4294967296xf32>
  memref.copy %a, %a : memref<4294967296xf32> to memref<4294967296xf32>
  return
}
func.func @small(%x: memref<f32>, %out: memref<f32>) {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %a, %a : memref<16xf32> to memref<16xf32>
  return
}
