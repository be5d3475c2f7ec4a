// RUN: adjoint-opt %s -adj-mark-buffer-accesses -mlir-print-debuginfo | FileCheck %s

// Accesses through a workspace view, directly or through view-like ops,
// carry its buffer's bytes in their location, those of an argument its
// index; others (the stack, the workspace itself) keep theirs.
// CHECK-LABEL: func.func @accesses
// CHECK: memref.load %[[VIEW:.*]][%{{.*}}] : memref<16xf32> loc(#[[$LOAD:.*]])
// CHECK: memref.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<4xf32, strided<[1], offset: 4>> loc(#[[$STORE:.*]])
// CHECK: memref.store %{{.*}}, %{{.*}}[] : memref<f32> loc(#[[$STACK:.*]])
// CHECK: memref.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<4xf32, strided<[2]>> loc(#[[$OUT:.*]])
// CHECK: memref.load %{{.*}}[%{{.*}}] : memref<128xi8> loc(#[[$WS:.*]])
func.func @accesses(%i: index, %out: memref<8xf32>, %ws: memref<128xi8>)
    attributes {adj.workspace_size = 128 : i64} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %a = memref.view %ws[%c0][] {adj.buffer = array<i64: 0, 64>} : memref<128xi8> to memref<16xf32>
  %b = memref.view %ws[%c64][] {adj.buffer = array<i64: 64, 64>} : memref<128xi8> to memref<16xf32>
  %v = memref.load %a[%i] : memref<16xf32> loc("load.mlir":1:1)
  %s = memref.subview %b[4] [4] [1] : memref<16xf32> to memref<4xf32, strided<[1], offset: 4>>
  memref.store %v, %s[%i] : memref<4xf32, strided<[1], offset: 4>> loc("store.mlir":2:2)
  %t = memref.alloca() : memref<f32>
  memref.store %v, %t[] : memref<f32> loc("stack.mlir":3:3)
  %o = memref.subview %out[0] [4] [2] : memref<8xf32> to memref<4xf32, strided<[2]>>
  memref.store %v, %o[%i] : memref<4xf32, strided<[2]>> loc("out.mlir":4:4)
  %w = memref.load %ws[%i] : memref<128xi8> loc("ws.mlir":5:5)
  return
}
// CHECK-DAG: #[[$STACK]] = loc("stack.mlir":3:3)
// CHECK-DAG: #[[$LOAD]] = loc(fused<{adj.buffer = array<i64: 0, 64>}>[#[[$LOADED:.*]]])
// CHECK-DAG: #[[$LOADED]] = loc("load.mlir":1:1)
// CHECK-DAG: #[[$STORE]] = loc(fused<{adj.buffer = array<i64: 64, 64>}>[#[[$STORED:.*]]])
// CHECK-DAG: #[[$STORED]] = loc("store.mlir":2:2)
// CHECK-DAG: #[[$OUT]] = loc(fused<{adj.argument = 1 : i64}>[#[[$OUTED:.*]]])
// CHECK-DAG: #[[$OUTED]] = loc("out.mlir":4:4)
// CHECK-DAG: #[[$WS]] = loc("ws.mlir":5:5)
