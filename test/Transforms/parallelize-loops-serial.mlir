// RUN: adjoint-opt %s -split-input-file -adj-parallelize-loops="chunk-work=4 ops-per-iteration=4 threads=false" | FileCheck %s

// threads=false (-O0): the chunks of a reduction run one after the other in
// an scf.for on the calling thread, each summing into its slot of partial
// results, folded in chunk order: the same order as with threads, so a long
// sum is accurate without them.
// CHECK-LABEL: func.func @loss
// CHECK-SAME:    (%[[X:.*]]: memref<64xf32>, %[[L:.*]]: memref<f32>, %[[D:.*]]: memref<64xf32>)
// CHECK-NOT:     omp.
// CHECK:         %[[PARTIAL:.*]] = memref.alloca() : memref<16xf32>
// CHECK:         %[[ACC:.*]] = memref.alloca() : memref<f32>
// CHECK:         scf.for %[[C:.*]] = %{{.*}} to %c16 step %{{.*}} {
// CHECK:           %[[LO:.*]] = arith.muli %[[C]], %c4
// CHECK:           linalg.fill ins(%{{.*}} : f32) outs(%[[ACC]] : memref<f32>)
// CHECK-DAG:       %[[XS:.*]] = memref.subview %[[X]][%[[LO]]] [4] [1]
// CHECK-DAG:       %[[DS:.*]] = memref.subview %[[D]][%[[LO]]] [4] [1]
// CHECK:           linalg.generic {{.*}} ins(%[[XS]] : {{.*}}) outs(%[[ACC]], %[[DS]] :
// CHECK:           %[[SLOT:.*]] = memref.subview %[[PARTIAL]][%[[C]]] [1] [1]
// CHECK:           linalg.copy ins(%[[ACC]] : memref<f32>) outs(%[[SLOT]] :
// CHECK:         }
// CHECK:         linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[PARTIAL]] : memref<16xf32>) outs(%[[L]] : memref<f32>)
// CHECK:         return
// CHECK-NOT:     adjoint_rt_num_threads
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

// A loop without partial results gains nothing from chunks on one thread:
// it stays whole.
// CHECK-LABEL: func.func @map
// CHECK-NOT:     scf.for
// CHECK-NOT:     omp.
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{.*}} : memref<64xf32>) outs(%{{.*}} : memref<64xf32>)
#id = affine_map<(d0) -> (d0)>
func.func @map(%x: memref<64xf32>, %y: memref<64xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<64xf32>) outs(%y : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  return
}
