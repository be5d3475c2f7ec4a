// RUN: adjoint-opt %s -split-input-file -adj-parallelize-loops="chunk-work=4 ops-per-iteration=4" | FileCheck %s
// RUN: not adjoint-opt %s -split-input-file -adj-parallelize-loops=chunk-work=0 2>&1 | FileCheck %s --check-prefix=ERROR
// RUN: not adjoint-opt %s -split-input-file -adj-parallelize-loops=ops-per-iteration=0 2>&1 | FileCheck %s --check-prefix=ERROR-OPS

// ERROR: error: adj-parallelize-loops: chunk-work and ops-per-iteration must be at least 1, not 0 and 32
// ERROR-OPS: error: adj-parallelize-loops: chunk-work and ops-per-iteration must be at least 1, not 8192 and 0

// A reduction over the whole loop (a loss) and an elementwise output: 64
// iterations in 16 chunks of 4, each reducing into its own slot; the slots
// are folded into the output in chunk order afterwards, at any thread count
// (one thread runs the same region: the chunks set the order of the sum).
// CHECK-LABEL: func.func @loss
// CHECK-SAME:    (%[[X:.*]]: memref<64xf32>, %[[L:.*]]: memref<f32>, %[[D:.*]]: memref<64xf32>)
// CHECK:         %[[PARTIAL:.*]] = memref.alloca() : memref<16xf32>
// CHECK:         %[[N:.*]] = llvm.call @adjoint_rt_num_threads() : () -> i32
// CHECK-NOT:     scf.
// CHECK:         omp.parallel num_threads(%[[N]] : i32) {
// CHECK:           %[[ACC:.*]] = memref.alloca() : memref<f32>
// CHECK:           omp.wsloop schedule(static) {
// CHECK:             omp.loop_nest (%[[C:.*]]) : index = (%{{.*}}) to (%c16) step (%{{.*}}) {
// CHECK:               %[[LO:.*]] = arith.muli %[[C]], %c4
// CHECK:               linalg.fill ins(%{{.*}} : f32) outs(%[[ACC]] : memref<f32>)
// CHECK-DAG:           %[[XS:.*]] = memref.subview %[[X]][%[[LO]]] [4] [1]
// CHECK-DAG:           %[[DS:.*]] = memref.subview %[[D]][%[[LO]]] [4] [1]
// CHECK:               linalg.generic {{.*}} ins(%[[XS]] : {{.*}}) outs(%[[ACC]], %[[DS]] :
// CHECK:                 arith.addf
// CHECK:               %[[SLOT:.*]] = memref.subview %[[PARTIAL]][%[[C]]] [1] [1] : memref<16xf32> to memref<f32, strided<[], offset: ?>>
// CHECK:               linalg.copy ins(%[[ACC]] : memref<f32>) outs(%[[SLOT]] :
// CHECK:               omp.yield
// CHECK:           omp.terminator
// CHECK:         omp.terminator
// CHECK-NOT:     omp.
// CHECK-NOT:     scf.
// CHECK:         linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[PARTIAL]] : memref<16xf32>) outs(%[[L]] : memref<f32>)
// CHECK:           arith.addf
// CHECK:         return
// CHECK:       llvm.func @adjoint_rt_num_threads() -> i32
#id = affine_map<(d0) -> (d0)>
#scalar = affine_map<(d0) -> ()>
func.func @loss(%x: memref<64xf32>, %l: memref<f32>, %d: memref<64xf32>) {
  linalg.generic {indexing_maps = [#id, #scalar, #id], iterator_types = ["reduction"]}
      ins(%x : memref<64xf32>) outs(%l, %d : memref<f32>, memref<64xf32>) {
  ^bb0(%in: f32, %acc: f32, %out: f32):
    %e = math.exp %in : f32
    %s = arith.addf %e, %acc : f32
    linalg.yield %s, %e : f32, f32
  }
  return
}

// -----

// The outermost dimension every output indexes is split, here the columns
// of a column sum: each chunk sums whole columns, in the original order,
// with no partial results. The columns are the innermost loop: a chunk
// keeps at least 64 of them, so that its loop vectorizes. 1809 iterations
// would make 452 chunks of 4; 201 columns hold 3 chunks of 64, and the
// count is a power of two: 2 chunks, from column c * 201 / 2 to
// (c + 1) * 201 / 2. 100 columns hold one chunk: that sum stays whole.
// CHECK-LABEL: func.func @column_sum
// CHECK-NOT:     memref.alloca
// CHECK:         %[[N:.*]] = llvm.call @adjoint_rt_num_threads() : () -> i32
// CHECK-NOT:     scf.
// CHECK:         omp.parallel num_threads(%[[N]] : i32)
// CHECK:         omp.loop_nest (%[[C:.*]]) : index = (%{{.*}}) to (%c2)
// CHECK:           %[[LO:.*]] = arith.divui
// CHECK:           %[[HI:.*]] = arith.divui
// CHECK:           %[[SIZE:.*]] = arith.subi %[[HI]], %[[LO]]
// CHECK:           memref.subview %{{.*}}[0, %[[LO]]] [9, %[[SIZE]]] [1, 1] : memref<9x201xf32>
// CHECK:           memref.subview %{{.*}}[%[[LO]]] [%[[SIZE]]] [1] : memref<201xf32>
// CHECK:           linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
// CHECK:         omp.terminator
// CHECK-NOT:     omp.loop_nest
// CHECK:         linalg.generic {{.*}} ins(%{{.*}} : memref<9x100xf32>)
// CHECK-NOT:     omp.
// CHECK:         return
func.func @column_sum(%x: memref<9x201xf32>, %s: memref<201xf32>,
                      %narrow: memref<9x100xf32>, %t: memref<100xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<9x201xf32>) outs(%s : memref<201xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %sum = arith.addf %in, %acc : f32
    linalg.yield %sum : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%narrow : memref<9x100xf32>) outs(%t : memref<100xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %sum = arith.addf %in, %acc : f32
    linalg.yield %sum : f32
  }
  return
}

// -----

// A convolution's bias gradient beside its relu mask: the images (d0) are
// a reduction for the bias gradient, the channels (d1) the outermost
// dimension both outputs index. The largest output indexes the images: the
// split is along them, the bias gradient as partial results (8 chunks of
// an image, 8 slots of 3 channels), so that each thread writes the images
// the kernels before and after it gave it.
// CHECK-LABEL: func.func @batch_first
// CHECK:         %[[PARTIAL:.*]] = memref.alloca() : memref<8x3xf32>
// CHECK:         omp.loop_nest (%[[C:.*]]) : index = (%{{.*}}) to (%c8)
// CHECK:           %[[LO:.*]] = arith.muli %[[C]], %c1
// CHECK:           memref.subview %{{.*}}[%[[LO]], 0, 0] [1, 3, 16] [1, 1, 1] : memref<8x3x16xf32>
// CHECK:           linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction"]
// CHECK-NOT:     scf.for
// CHECK:         linalg.generic {{.*}} ins(%[[PARTIAL]] : memref<8x3xf32>) outs(%{{.*}} : memref<3xf32>)
func.func @batch_first(%dy: memref<8x3x16xf32>, %db: memref<3xf32>,
                       %dz: memref<8x3x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>,
                                   affine_map<(d0, d1, d2) -> (d1)>,
                                   affine_map<(d0, d1, d2) -> (d0, d1, d2)>],
                  iterator_types = ["reduction", "parallel", "reduction"]}
      ins(%dy : memref<8x3x16xf32>) outs(%db, %dz : memref<3xf32>, memref<8x3x16xf32>) {
  ^bb0(%in: f32, %acc: f32, %out: f32):
    %sum = arith.addf %in, %acc : f32
    %r = arith.maximumf %in, %out : f32
    linalg.yield %sum, %r : f32, f32
  }
  return
}

// -----

// Views of the workspace (and the constants) a chunk reads are cloned into
// the parallel region: the outlined function receives the workspace, not
// pointers into it.
// CHECK-LABEL: func.func @views_sunk
// CHECK-SAME:    (%[[WS:.*]]: memref<512xi8>)
// CHECK:         omp.loop_nest
// CHECK-DAG:       %[[A:.*]] = memref.view %[[WS]][%{{.*}}][] : memref<512xi8> to memref<64xf32>
// CHECK-DAG:       %[[B:.*]] = memref.view %[[WS]][%{{.*}}][] : memref<512xi8> to memref<64xf32>
// CHECK-DAG:       memref.subview %[[A]]
// CHECK-DAG:       memref.subview %[[B]]
// CHECK:           linalg.generic
func.func @views_sunk(%ws: memref<512xi8>) {
  %c0 = arith.constant 0 : index
  %c256 = arith.constant 256 : index
  %a = memref.view %ws[%c0][] : memref<512xi8> to memref<64xf32>
  %b = memref.view %ws[%c256][] : memref<512xi8> to memref<64xf32>
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%a : memref<64xf32>) outs(%b : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// Named ops are generalized first; linalg.index of the split dimension
// counts from the chunk's start, so the chunk's start is added to it.
// CHECK-LABEL: func.func @named_and_index
// CHECK:         omp.loop_nest (%[[C:.*]]) : index
// CHECK:           %[[LO:.*]] = arith.muli %[[C]], %c4
// CHECK:           linalg.generic
// CHECK:             %[[I:.*]] = linalg.index 0 : index
// CHECK:             %[[J:.*]] = arith.addi %[[I]], %[[LO]] : index
// CHECK:             linalg.yield %[[J]] : index
// CHECK:         omp.loop_nest
// CHECK:           linalg.generic
// CHECK-NOT:       linalg.copy
// CHECK:         return
func.func @named_and_index(%x: memref<32xf32>, %y: memref<32xindex>, %z: memref<32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      outs(%y : memref<32xindex>) {
  ^bb0(%out: index):
    %i = linalg.index 0 : index
    linalg.yield %i : index
  }
  linalg.copy ins(%x : memref<32xf32>) outs(%z : memref<32xf32>)
  return
}

// -----

// A body of many ops counts as several iterations: 4 iterations of 9 ops
// (with the yield) at 4 ops per iteration are 8 iterations of work, 2
// chunks of 4; the same loop with a light body stays whole.
// CHECK-LABEL: func.func @heavy_body
// CHECK:         omp.loop_nest (%{{.*}}) : index = (%{{.*}}) to (%c2)
// CHECK:           linalg.generic
// CHECK-COUNT-8:     math.
// CHECK:           omp.terminator
// CHECK:         omp.terminator
// CHECK-NOT:     omp.
// CHECK:         return
func.func @heavy_body(%x: memref<4xf32>, %y: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%x : memref<4xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = math.exp %in : f32
    %1 = math.tanh %0 : f32
    %2 = math.exp %1 : f32
    %3 = math.tanh %2 : f32
    %4 = math.exp %3 : f32
    %5 = math.tanh %4 : f32
    %6 = math.exp %5 : f32
    %7 = math.tanh %6 : f32
    linalg.yield %7 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%x : memref<4xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = math.exp %in : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// Loops under two chunks of work, and reductions without a neutral element
// or with more than one combining op, stay as they are.
// CHECK-LABEL: func.func @unchanged
// CHECK-NOT:     omp.
// CHECK:         return
func.func @unchanged(%small: memref<7xf32>, %x: memref<64xf32>, %l: memref<f32>) {
  linalg.copy ins(%small : memref<7xf32>) outs(%small : memref<7xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>],
                  iterator_types = ["reduction"]}
      ins(%x : memref<64xf32>) outs(%l : memref<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %t = arith.addf %in, %acc : f32
    %u = arith.mulf %t, %t : f32
    linalg.yield %u : f32
  }
  return
}
