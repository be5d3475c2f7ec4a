// RUN: adjoint-opt %s -split-input-file -adj-buffer-alias-scopes -mlir-print-debuginfo | FileCheck %s

// Buffers A [0, 64), B [64, 128), C [0, 32) (C reuses A's bytes) and
// D [32, 96) (it overlaps A and B), as adj-mark-buffer-accesses leaves
// them in the locations of the accesses and of the ops computing their
// addresses.
// CHECK-DAG: #[[$A:.*]] = #llvm.alias_scope<{{.*}}description = "[0, 64)">
// CHECK-DAG: #[[$B:.*]] = #llvm.alias_scope<{{.*}}description = "[64, 128)">
// CHECK-DAG: #[[$C:.*]] = #llvm.alias_scope<{{.*}}description = "[0, 32)">
// CHECK-DAG: #[[$D:.*]] = #llvm.alias_scope<{{.*}}description = "[32, 96)">
// CHECK-DAG: #[[$X:.*]] = #llvm.alias_scope<{{.*}}description = "argument 0">
// CHECK-LABEL: llvm.func @buffers
llvm.func @buffers(%x: !llvm.ptr, %i: i64, %ws: !llvm.ptr) {
  // Each buffer excludes those whose bytes it does not share.
  // CHECK: llvm.load %{{.*}} {alias_scopes = [#[[$A]]], noalias_scopes = [#[[$B]], #[[$X]]]} : !llvm.ptr -> f32 loc(#[[$LA:.*]])
  %pa = llvm.getelementptr %ws[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32 loc(#a)
  %a = llvm.load %pa : !llvm.ptr -> f32 loc(#a)
  // CHECK: llvm.load %{{.*}} {alias_scopes = [#[[$C]]], noalias_scopes = [#[[$D]], #[[$B]], #[[$X]]]}
  %c = llvm.load %ws : !llvm.ptr -> f32 loc(#c)
  // CHECK: llvm.store %{{.*}} {alias_scopes = [#[[$B]]], noalias_scopes = [#[[$C]], #[[$A]], #[[$X]]]}
  %b = llvm.getelementptr %ws[64] : (!llvm.ptr) -> !llvm.ptr, i8
  %pb = llvm.getelementptr %b[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %a, %pb : f32, !llvm.ptr loc(#b)
  // CHECK: llvm.store %{{.*}} {alias_scopes = [#[[$D]]], noalias_scopes = [#[[$C]], #[[$X]]]} : f32, !llvm.ptr loc(#[[$LD:.*]])
  %d = llvm.getelementptr %ws[32] : (!llvm.ptr) -> !llvm.ptr, i8
  %pd = llvm.getelementptr %d[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %c, %pd : f32, !llvm.ptr loc(#d)
  // An argument overlaps no buffer.
  // CHECK: llvm.store %{{.*}} {alias_scopes = [#[[$X]]], noalias_scopes = [#[[$C]], #[[$A]], #[[$D]], #[[$B]]]}
  %px = llvm.getelementptr %x[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %a, %px : f32, !llvm.ptr loc(#x)
  // Unmarked (the stack): no scope.
  // CHECK: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr loc(
  %s = llvm.alloca %i x f32 : (i64) -> !llvm.ptr
  llvm.store %a, %s : f32, !llvm.ptr
  llvm.return
}
// Every location gets its original form back.
// CHECK-NOT: adj.buffer
// CHECK-DAG: #[[$LA]] = loc("a.mlir":1:1)
// CHECK-DAG: #[[$LD]] = loc("d.mlir":1:1)
#a = loc(fused<{adj.buffer = array<i64: 0, 64>}>["a.mlir":1:1])
#b = loc(fused<{adj.buffer = array<i64: 64, 64>}>["b.mlir":1:1])
#c = loc(fused<{adj.buffer = array<i64: 0, 32>}>["c.mlir":1:1])
#d = loc(fused<{adj.buffer = array<i64: 32, 64>}>["d.mlir":1:1])
#x = loc(fused<{adj.argument = 0 : i64}>["x.mlir":1:1])

// -----

// Unmarked accesses: nothing changes.
// CHECK-LABEL: llvm.func @unmarked
// CHECK-NOT: alias_scopes
llvm.func @unmarked(%ws: !llvm.ptr) {
  %p = llvm.getelementptr %ws[64] : (!llvm.ptr) -> !llvm.ptr, f32
  %v = llvm.load %ws : !llvm.ptr -> f32
  llvm.store %v, %p : f32, !llvm.ptr
  llvm.return
}
