// RUN: adjoint-opt %s -split-input-file -adj-workspace-alias-scopes | FileCheck %s

// Buffers: A [0, 64), B [64, 128), C [0, 32) (C reuses A's bytes) and
// D [32, 96) (it overlaps A and B). A view at offset 0 is the workspace
// itself; the others are GEPs of constant bytes.
// CHECK-DAG: #[[$A:.*]] = #llvm.alias_scope<{{.*}}description = "[0, 64)">
// CHECK-DAG: #[[$B:.*]] = #llvm.alias_scope<{{.*}}description = "[64, 128)">
// CHECK-DAG: #[[$D:.*]] = #llvm.alias_scope<{{.*}}description = "[32, 96)">
// CHECK-LABEL: llvm.func @regions
llvm.func @regions(%x: !llvm.ptr, %i: i64, %ws: !llvm.ptr)
    attributes {adj.workspace_buffers = array<i64: 0, 64, 64, 64, 0, 32, 32, 64>} {
  // A or C, then B: each does not alias the other; neither is said not to
  // alias D.
  // CHECK: llvm.load %{{.*}} {alias_scopes = [#[[$A]]], noalias_scopes = [#[[$B]]]}
  %pa = llvm.getelementptr %ws[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %a = llvm.load %pa : !llvm.ptr -> f32
  // CHECK: llvm.store %{{.*}} {alias_scopes = [#[[$B]]], noalias_scopes = [#[[$A]]]}
  %b = llvm.getelementptr %ws[64] : (!llvm.ptr) -> !llvm.ptr, i8
  %pb = llvm.getelementptr %b[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %a, %pb : f32, !llvm.ptr
  // CHECK: llvm.store %{{.*}} {alias_scopes = [#[[$D]]]} :
  %d = llvm.getelementptr %ws[32] : (!llvm.ptr) -> !llvm.ptr, i8
  %pd = llvm.getelementptr %d[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %a, %pd : f32, !llvm.ptr
  // An argument's buffer: no scope.
  // CHECK: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr
  %px = llvm.getelementptr %x[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %a, %px : f32, !llvm.ptr
  llvm.return
}

// -----

// A one-byte load at a constant offset may be an element of a one-byte
// buffer at 0 ([0, 128) here), not only a view at that offset ([64, 65)).
// CHECK-DAG: #[[$ALL:.*]] = #llvm.alias_scope<{{.*}}description = "[0, 128)">
// CHECK-DAG: #[[$HIGH:.*]] = #llvm.alias_scope<{{.*}}description = "[128, 192)">
// CHECK-LABEL: llvm.func @byte
llvm.func @byte(%ws: !llvm.ptr)
    attributes {adj.workspace_buffers = array<i64: 0, 128, 64, 1, 128, 64>} {
  // CHECK: llvm.load %{{.*}} {alias_scopes = [#[[$ALL]]], noalias_scopes = [#[[$HIGH]]]} : !llvm.ptr -> i8
  %p = llvm.getelementptr %ws[64] : (!llvm.ptr) -> !llvm.ptr, i8
  %v = llvm.load %p : !llvm.ptr -> i8
  // CHECK: llvm.store %{{.*}} {alias_scopes = [#[[$HIGH]]], noalias_scopes = [#[[$ALL]]]}
  %q = llvm.getelementptr %ws[128] : (!llvm.ptr) -> !llvm.ptr, i8
  %w = llvm.sext %v : i8 to i32
  llvm.store %w, %q : i32, !llvm.ptr
  llvm.return
}

// -----

// Without the placement (not an exported function): nothing changes.
// CHECK-LABEL: llvm.func @unplaced
// CHECK-NOT: alias_scopes
llvm.func @unplaced(%ws: !llvm.ptr) {
  %p = llvm.getelementptr %ws[64] : (!llvm.ptr) -> !llvm.ptr, f32
  %v = llvm.load %ws : !llvm.ptr -> f32
  llvm.store %v, %p : f32, !llvm.ptr
  llvm.return
}
