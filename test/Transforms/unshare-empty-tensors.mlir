// RUN: adjoint-opt %s -adj-unshare-empty-tensors=uses-per-tensor=1 | FileCheck %s
// RUN: adjoint-opt %s -adj-unshare-empty-tensors=uses-per-tensor=2 | FileCheck %s --check-prefix=TWO
// RUN: not adjoint-opt %s -adj-unshare-empty-tensors=uses-per-tensor=0 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: error: adj-unshare-empty-tensors: uses-per-tensor must be >= 1

// With one use per tensor.empty, each use of a shared one gets its own,
// next to the original; dynamic sizes are cloned too.
// CHECK-LABEL: func.func @shared
// CHECK:         %[[E0:.*]] = tensor.empty() : tensor<4xf32>
// CHECK-NEXT:    %[[E1:.*]] = tensor.empty() : tensor<4xf32>
// CHECK-NEXT:    %[[E2:.*]] = tensor.empty() : tensor<4xf32>
// CHECK-NOT:     tensor.empty
// CHECK-DAG:     linalg.generic {{.*}} outs(%[[E0]] : tensor<4xf32>)
// CHECK-DAG:     linalg.generic {{.*}} outs(%[[E1]] : tensor<4xf32>)
// CHECK-DAG:     linalg.generic {{.*}} outs(%[[E2]] : tensor<4xf32>)
// With two, the first two uses in program order keep the original, the
// third gets a clone.
// TWO-LABEL: func.func @shared
// TWO:         %[[E0:.*]] = tensor.empty() : tensor<4xf32>
// TWO-NEXT:    %[[E1:.*]] = tensor.empty() : tensor<4xf32>
// TWO-NOT:     tensor.empty
// TWO:         linalg.generic {{.*}} outs(%[[E0]] : tensor<4xf32>)
// TWO:         linalg.generic {{.*}} outs(%[[E0]] : tensor<4xf32>)
// TWO:         linalg.generic {{.*}} outs(%[[E1]] : tensor<4xf32>)
#map = affine_map<(d0) -> (d0)>
func.func @shared(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %a = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %b = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.addf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %c = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%b : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.subf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  return %a, %b, %c : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @dynamic
// CHECK-COUNT-2: tensor.empty(%{{.*}}) : tensor<?xf32>
// CHECK-NOT:     tensor.empty
func.func @dynamic(%n: index) -> (tensor<?xf32>, tensor<?xf32>) {
  %e = tensor.empty(%n) : tensor<?xf32>
  %c = arith.constant 1.0 : f32
  %a = linalg.fill ins(%c : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %b = linalg.fill ins(%c : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  return %a, %b : tensor<?xf32>, tensor<?xf32>
}
