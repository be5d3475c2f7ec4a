// RUN: adjoint-opt %s -split-input-file -adj-buffer-alias-scopes -mlir-print-debuginfo | FileCheck %s
// The claims as LLVM reads them (the oracle: LLVM's scoped-noalias
// analysis on every pair of accesses, at least one a store):
// RUN: adjoint-opt %s -adj-buffer-alias-scopes | mlir-translate --mlir-to-llvmir | opt -disable-output -aa-pipeline=scoped-noalias-aa -passes=aa-eval -print-all-alias-modref-info -evaluate-aa-metadata 2>&1 | FileCheck %s --check-prefix=AA

// Buffers A [0, 64), B [64, 128), C [0, 32) (C reuses A's bytes) and
// D [32, 96) (it overlaps A and B), as adj-mark-buffer-accesses leaves
// them in the locations of the accesses and of the ops computing their
// addresses. Each access excludes the buffers whose bytes it does not
// share; an argument overlaps no buffer; the stack may alias anything.
// AA-DAG: NoAlias: {{.*}}load {{.*}}%[[A:[0-9]+]], align{{.*}}<-> {{.*}}store {{.*}}%[[B:[0-9]+]], align
// AA-DAG: MayAlias: {{.*}}load {{.*}}%[[A]], align{{.*}}<-> {{.*}}store {{.*}}%[[D:[0-9]+]], align
// AA-DAG: NoAlias: {{.*}}load {{.*}}%[[A]], align{{.*}}<-> {{.*}}store {{.*}}%[[X:[0-9]+]], align
// AA-DAG: MayAlias: {{.*}}load {{.*}}%[[A]], align{{.*}}<-> {{.*}}store {{.*}}%[[S:[0-9]+]], align
// AA-DAG: NoAlias: {{.*}}load {{.*}}%[[C:[0-9]+]], align{{.*}}<-> {{.*}}store {{.*}}%[[B]], align
// AA-DAG: NoAlias: {{.*}}load {{.*}}%[[C]], align{{.*}}<-> {{.*}}store {{.*}}%[[D]], align
// AA-DAG: NoAlias: {{.*}}load {{.*}}%[[C]], align{{.*}}<-> {{.*}}store {{.*}}%[[X]], align
// AA-DAG: MayAlias: {{.*}}load {{.*}}%[[C]], align{{.*}}<-> {{.*}}store {{.*}}%[[S]], align
// AA-DAG: MayAlias: {{.*}}store {{.*}}%[[D]], align{{.*}}<-> {{.*}}store {{.*}}%[[B]], align
// AA-DAG: NoAlias: {{.*}}store {{.*}}%[[X]], align{{.*}}<-> {{.*}}store {{.*}}%[[B]], align
// AA-DAG: NoAlias: {{.*}}store {{.*}}%[[X]], align{{.*}}<-> {{.*}}store {{.*}}%[[D]], align
// AA-DAG: MayAlias: {{.*}}store {{.*}}%[[S]], align{{.*}}<-> {{.*}}store {{.*}}%[[B]], align
// AA-DAG: MayAlias: {{.*}}store {{.*}}%[[S]], align{{.*}}<-> {{.*}}store {{.*}}%[[D]], align
// AA-DAG: MayAlias: {{.*}}store {{.*}}%[[S]], align{{.*}}<-> {{.*}}store {{.*}}%[[X]], align
// Scopes are cuts of the bytes (arguments one byte each past the
// workspace, at 128): each access is on one side of a few of them.
// CHECK-DAG: #[[$D64:.*]] = #llvm.alias_scope_domain<{{.*}}description = "buffers buffers, cut at 64">
// CHECK-DAG: #[[$B64:.*]] = #llvm.alias_scope<{{.*}}domain = #[[$D64]], description = "below 64">
// CHECK-DAG: #[[$F64:.*]] = #llvm.alias_scope<{{.*}}domain = #[[$D64]], description = "from 64">
// CHECK-LABEL: llvm.func @buffers
llvm.func @buffers(%x: !llvm.ptr, %i: i64, %ws: !llvm.ptr) {
  // CHECK: llvm.load %{{.*}} {alias_scopes = [{{.*}}#[[$B64]]{{.*}}], noalias_scopes = [{{.*}}#[[$F64]]{{.*}}]} : !llvm.ptr -> f32 loc(#[[$LA:.*]])
  %pa = llvm.getelementptr %ws[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32 loc(#a)
  %a = llvm.load %pa : !llvm.ptr -> f32 loc(#a)
  %c = llvm.load %ws : !llvm.ptr -> f32 loc(#c)
  // CHECK: llvm.store %{{.*}} {alias_scopes = [{{.*}}#[[$F64]]{{.*}}], noalias_scopes = [{{.*}}#[[$B64]]{{.*}}]}
  %b = llvm.getelementptr %ws[64] : (!llvm.ptr) -> !llvm.ptr, i8
  %pb = llvm.getelementptr %b[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %a, %pb : f32, !llvm.ptr loc(#b)
  // CHECK: llvm.store %{{.*}} : f32, !llvm.ptr loc(#[[$LD:.*]])
  %d = llvm.getelementptr %ws[32] : (!llvm.ptr) -> !llvm.ptr, i8
  %pd = llvm.getelementptr %d[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %c, %pd : f32, !llvm.ptr loc(#d)
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
