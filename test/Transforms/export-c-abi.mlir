// RUN: adjoint-opt %s -adj-export-c-abi | FileCheck %s --check-prefix=REUSE
// RUN: adjoint-opt %s -adj-export-c-abi=reuse=false | FileCheck %s --check-prefix=BUMP

// %a is dead once %b is written, so %c takes its bytes; %b overlaps both
// (the op that reads one writes the other). Each view records its
// buffer's bytes (offset, size) for adj-mark-buffer-accesses.
// REUSE-LABEL: func.func @chain
// REUSE-SAME:    %{{.*}}: memref<128xi8>) -> i32
// REUSE-SAME:    adj.workspace_size = 128
// REUSE:         %[[A:.*]] = memref.view %{{.*}}[%c0{{.*}}][] {adj.buffer = array<i64: 0, 64>}
// REUSE:         %[[B:.*]] = memref.view %{{.*}}[%c64{{.*}}][] {adj.buffer = array<i64: 64, 64>}
// REUSE:         %[[C:.*]] = memref.view %{{.*}}[%c0{{.*}}][] {adj.buffer = array<i64: 0, 64>}
// REUSE:         linalg.copy ins(%[[A]] : memref<16xf32>) outs(%[[B]]
// REUSE:         linalg.copy ins(%[[B]] : memref<16xf32>) outs(%[[C]]
// BUMP-LABEL:  func.func @chain
// BUMP-SAME:     adj.workspace_size = 192
func.func @chain(%x: memref<16xf32>, %out: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  %c = memref.alloc() : memref<16xf32>
  linalg.copy ins(%x : memref<16xf32>) outs(%a : memref<16xf32>)
  linalg.copy ins(%a : memref<16xf32>) outs(%b : memref<16xf32>)
  linalg.copy ins(%b : memref<16xf32>) outs(%c : memref<16xf32>)
  linalg.copy ins(%c : memref<16xf32>) outs(%out : memref<16xf32>)
  return
}

// A view keeps its buffer alive: %a is used through %v until the end.
// REUSE-LABEL: func.func @view
// REUSE-SAME:    adj.workspace_size = 192
func.func @view(%x: memref<16xf32>, %out: memref<4x4xf32>) {
  %a = memref.alloc() : memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  %c = memref.alloc() : memref<16xf32>
  linalg.copy ins(%x : memref<16xf32>) outs(%a : memref<16xf32>)
  %v = memref.expand_shape %a [[0, 1]] output_shape [4, 4] : memref<16xf32> into memref<4x4xf32>
  linalg.copy ins(%a : memref<16xf32>) outs(%b : memref<16xf32>)
  linalg.copy ins(%b : memref<16xf32>) outs(%c : memref<16xf32>)
  linalg.copy ins(%v : memref<4x4xf32>) outs(%out : memref<4x4xf32>)
  return
}
