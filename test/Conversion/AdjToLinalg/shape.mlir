// RUN: adjoint-opt %s -convert-adj-to-linalg -split-input-file | FileCheck %s

// Shape ops become views where the elements stay in place (reshape, slice),
// tensor slicing and padding ops, and parallel linalg ops otherwise.

// A reshape collapses to the coarsest shape both sides merge into, then
// expands: [2, 3, 4] -> [6, 2, 2] goes through [6, 4].

// CHECK-LABEL: func.func @reshape(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3x4xf32>, %[[S:.*]]: tensor<1x1xi64>)
// CHECK:         %[[C:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK:         %[[R:.*]] = tensor.expand_shape %[[C]] {{\[\[}}0], [1, 2]] output_shape [6, 2, 2] : tensor<6x4xf32> into tensor<6x2x2xf32>
// CHECK:         %[[F:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK:         %[[U:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1], [2, 3]] output_shape [2, 3, 4, 1] : tensor<2x3x4xf32> into tensor<2x3x4x1xf32>
// CHECK:         %[[Z:.*]] = tensor.collapse_shape %[[S]] [] : tensor<1x1xi64> into tensor<i64>
// CHECK:         return %[[R]], %[[F]], %[[U]], %[[Z]]
func.func @reshape(%x: tensor<2x3x4xf32>, %s: tensor<1x1xi64>) -> (tensor<6x2x2xf32>, tensor<24xf32>, tensor<2x3x4x1xf32>, tensor<i64>) {
  %0 = adj.reshape %x : tensor<2x3x4xf32> -> tensor<6x2x2xf32>
  %1 = adj.reshape %x : tensor<2x3x4xf32> -> tensor<24xf32>
  %2 = adj.reshape %x : tensor<2x3x4xf32> -> tensor<2x3x4x1xf32>
  %3 = adj.reshape %s : tensor<1x1xi64> -> tensor<i64>
  return %0, %1, %2, %3 : tensor<6x2x2xf32>, tensor<24xf32>, tensor<2x3x4x1xf32>, tensor<i64>
}

// -----

// A tensor without elements has no order to keep.

// CHECK-LABEL: func.func @reshape_empty(
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<3x0xf32>
// CHECK:         return %[[E]]
func.func @reshape_empty(%x: tensor<0x3xf32>) -> tensor<3x0xf32> {
  %0 = adj.reshape %x : tensor<0x3xf32> -> tensor<3x0xf32>
  return %0 : tensor<3x0xf32>
}

// -----

// broadcast_to: the repeated unit dimensions are collapsed away, then
// linalg.broadcast adds them back with the prepended ones.

// CHECK-LABEL: func.func @broadcast_to(
// CHECK-SAME:      %[[X:.*]]: tensor<4x1xf64>)
// CHECK:         %[[C:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1]] : tensor<4x1xf64> into tensor<4xf64>
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<2x4x3xf64>
// CHECK:         %[[R:.*]] = linalg.broadcast ins(%[[C]] : tensor<4xf64>) outs(%[[E]] : tensor<2x4x3xf64>) dimensions = [0, 2]
// CHECK:         return %[[R]]
func.func @broadcast_to(%x: tensor<4x1xf64>) -> tensor<2x4x3xf64> {
  %b = adj.broadcast_to %x : tensor<4x1xf64> -> tensor<2x4x3xf64>
  return %b : tensor<2x4x3xf64>
}

// -----

// CHECK-LABEL: func.func @slice(
// CHECK-SAME:      %[[X:.*]]: tensor<4x8xf32>)
// CHECK:         %[[R:.*]] = tensor.extract_slice %[[X]][1, 2] [2, 3] [2, 2] : tensor<4x8xf32> to tensor<2x3xf32>
// CHECK:         return %[[R]]
func.func @slice(%x: tensor<4x8xf32>) -> tensor<2x3xf32> {
  %s = adj.slice %x start [1, 2] limit [4, 8] stride [2, 2] : tensor<4x8xf32> -> tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}

// -----

// concat inserts each input into a tensor.empty at its offset.

// CHECK-LABEL: func.func @concat(
// CHECK-SAME:      %[[A:.*]]: tensor<4x3xi1>, %[[B:.*]]: tensor<4x5xi1>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4x8xi1>
// CHECK:         %[[R0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [4, 3] [1, 1]
// CHECK:         %[[R1:.*]] = tensor.insert_slice %[[B]] into %[[R0]][0, 3] [4, 5] [1, 1]
// CHECK:         return %[[R1]]
func.func @concat(%a: tensor<4x3xi1>, %b: tensor<4x5xi1>) -> tensor<4x8xi1> {
  %c = adj.concat %a, %b axis 1 : tensor<4x3xi1>, tensor<4x5xi1> -> tensor<4x8xi1>
  return %c : tensor<4x8xi1>
}

// -----

// CHECK-LABEL: func.func @pad(
// CHECK-SAME:      %[[X:.*]]: tensor<4x8xf32>)
// CHECK:         %[[V:.*]] = arith.constant -2.500000e+00 : f32
// CHECK:         %[[R:.*]] = tensor.pad %[[X]] low[0, 1] high[1, 2] {
// CHECK:           tensor.yield %[[V]] : f32
// CHECK:         } : tensor<4x8xf32> to tensor<5x11xf32>
// CHECK:         return %[[R]]
func.func @pad(%x: tensor<4x8xf32>) -> tensor<5x11xf32> {
  %p = adj.pad %x low [0, 1] high [1, 2] value -2.5 : tensor<4x8xf32> -> tensor<5x11xf32>
  return %p : tensor<5x11xf32>
}

// -----

// Interior padding: the operand is written with stride interior + 1 into a
// tensor filled with the value.

// CHECK-LABEL: func.func @pad_interior(
// CHECK-SAME:      %[[X:.*]]: tensor<4x8xf64>)
// CHECK:         %[[V:.*]] = arith.constant 1.500000e+00 : f64
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<9x11xf64>
// CHECK:         %[[F:.*]] = linalg.fill ins(%[[V]] : f64) outs(%[[E]] : tensor<9x11xf64>)
// CHECK:         %[[R:.*]] = tensor.insert_slice %[[X]] into %[[F]][1, 1] [4, 8] [2, 1] : tensor<4x8xf64> into tensor<9x11xf64>
// CHECK:         return %[[R]]
func.func @pad_interior(%x: tensor<4x8xf64>) -> tensor<9x11xf64> {
  %p = adj.pad %x low [1, 1] high [1, 2] interior [1, 0] value 1.5 : tensor<4x8xf64> -> tensor<9x11xf64>
  return %p : tensor<9x11xf64>
}

// -----

// gather: a generic over the result reads the indices and extracts from the
// operand at the index clamped to [0, size - 1].

// CHECK-DAG:   #[[$IDX:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG:   #[[$ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @gather(
// CHECK-SAME:      %[[X:.*]]: tensor<4x8xf32>, %[[I:.*]]: tensor<2x3xi64>)
// CHECK:         linalg.generic {indexing_maps = [#[[$IDX]], #[[$ID]]]
// CHECK-SAME:        ins(%[[I]] : tensor<2x3xi64>) outs(%{{.*}} : tensor<4x2x3xf32>)
// CHECK:         ^bb0(%[[IN:.*]]: i64, %{{.*}}: f32):
// CHECK:           %[[D0:.*]] = linalg.index 0 : index
// CHECK:           %[[K:.*]] = arith.index_cast %[[IN]] : i64 to index
// CHECK-DAG:       %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-DAG:       %[[LAST:.*]] = arith.constant 7 : index
// CHECK:           %[[LO:.*]] = arith.maxsi %[[K]], %[[ZERO]] : index
// CHECK:           %[[KC:.*]] = arith.minsi %[[LO]], %[[LAST]] : index
// CHECK:           %[[V:.*]] = tensor.extract %[[X]][%[[D0]], %[[KC]]] : tensor<4x8xf32>
// CHECK:           linalg.yield %[[V]] : f32
func.func @gather(%x: tensor<4x8xf32>, %i: tensor<2x3xi64>) -> tensor<4x2x3xf32> {
  %g = adj.gather %x[%i] axis 1 : tensor<4x8xf32>, tensor<2x3xi64> -> tensor<4x2x3xf32>
  return %g : tensor<4x2x3xf32>
}

// -----

// scatter_add: a loop over the indices, in order, adds each [outer, inner]
// slice of the updates into the accumulator's slice at the (clamped) index,
// computing into that slice so that bufferization updates it in place. The
// slices keep their unit dimensions (no rank-reducing slices: MLIR 19's
// canonicalizer breaks them when the index is a constant).

// CHECK-LABEL: func.func @scatter_add(
// CHECK-SAME:      %[[U:.*]]: tensor<8x16x64xf32>, %[[I:.*]]: tensor<8x16xi32>)
// CHECK:         %[[ZEROS:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1000x64xf32>)
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK:         %[[R:.*]] = scf.for %[[J0:.*]] = %{{.*}} to %[[C8]] step %{{.*}} iter_args(%[[ACC0:.*]] = %[[ZEROS]]) -> (tensor<1000x64xf32>) {
// CHECK:           %[[INNER:.*]] = scf.for %[[J1:.*]] = %{{.*}} to %[[C16]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[ACC0]]) -> (tensor<1000x64xf32>) {
// CHECK:             %[[K:.*]] = tensor.extract %[[I]][%[[J0]], %[[J1]]] : tensor<8x16xi32>
// CHECK:             %[[KI:.*]] = arith.index_cast %[[K]] : i32 to index
// CHECK:             %[[LO:.*]] = arith.maxsi %[[KI]]
// CHECK:             %[[KC:.*]] = arith.minsi %[[LO]]
// CHECK:             %[[UPD:.*]] = tensor.extract_slice %[[U]][%[[J0]], %[[J1]], 0] [1, 1, 64] [1, 1, 1] : tensor<8x16x64xf32> to tensor<1x1x64xf32>
// CHECK:             %[[CUR:.*]] = tensor.extract_slice %[[ACC]][%[[KC]], 0] [1, 64] [1, 1] : tensor<1000x64xf32> to tensor<1x64xf32>
// CHECK:             %[[SUM:.*]] = linalg.generic
// CHECK-SAME:            ins(%[[UPD]] : tensor<1x1x64xf32>) outs(%[[CUR]] : tensor<1x64xf32>)
// CHECK:             ^bb0(%[[IN:.*]]: f32, %[[OUT:.*]]: f32):
// CHECK:               arith.addf %[[OUT]], %[[IN]] : f32
// CHECK:             %[[NEXT:.*]] = tensor.insert_slice %[[SUM]] into %[[ACC]][%[[KC]], 0] [1, 64] [1, 1]
// CHECK:             scf.yield %[[NEXT]]
// CHECK:           scf.yield %[[INNER]]
// CHECK:         return %[[R]]
func.func @scatter_add(%u: tensor<8x16x64xf32>, %i: tensor<8x16xi32>) -> tensor<1000x64xf32> {
  %s = adj.scatter_add %u[%i] axis 0 : tensor<8x16x64xf32>, tensor<8x16xi32> -> tensor<1000x64xf32>
  return %s : tensor<1000x64xf32>
}

// -----

// With 0-d indices there is no loop; the slices keep the result's rank.

// CHECK-LABEL: func.func @scatter_add_scalar_index(
// CHECK-NOT:     scf.for
// CHECK:         tensor.extract %{{.*}}[] : tensor<i64>
// CHECK:         tensor.extract_slice %{{.*}}[%{{.*}}] [1] [1] : tensor<5xf64> to tensor<1xf64>
// CHECK:         linalg.generic
// CHECK:         tensor.insert_slice %{{.*}} into %{{.*}}[%{{.*}}] [1] [1] : tensor<1xf64> into tensor<5xf64>
func.func @scatter_add_scalar_index(%u: tensor<f64>, %i: tensor<i64>) -> tensor<5xf64> {
  %s = adj.scatter_add %u[%i] axis 0 : tensor<f64>, tensor<i64> -> tensor<5xf64>
  return %s : tensor<5xf64>
}

// -----

// CHECK-DAG:   #[[$LABELS:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG:   #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @one_hot(
// CHECK-SAME:      %[[L:.*]]: tensor<64xi64>)
// CHECK:         linalg.generic {indexing_maps = [#[[$LABELS]], #[[$ID]]]
// CHECK-SAME:        ins(%[[L]] : tensor<64xi64>) outs(%{{.*}} : tensor<64x10xf32>)
// CHECK:         ^bb0(%[[IN:.*]]: i64, %{{.*}}: f32):
// CHECK:           %[[C:.*]] = linalg.index 1 : index
// CHECK:           %[[CI:.*]] = arith.index_cast %[[C]] : index to i64
// CHECK:           %[[EQ:.*]] = arith.cmpi eq, %[[IN]], %[[CI]] : i64
// CHECK:           %[[V:.*]] = arith.uitofp %[[EQ]] : i1 to f32
// CHECK:           linalg.yield %[[V]] : f32
func.func @one_hot(%l: tensor<64xi64>) -> tensor<64x10xf32> {
  %y = adj.one_hot %l : tensor<64xi64> -> tensor<64x10xf32>
  return %y : tensor<64x10xf32>
}

// -----

// reverse: a generic over the result extracts at the mirrored position.

// CHECK-LABEL: func.func @reverse(
// CHECK-SAME:      %[[X:.*]]: tensor<6x1x5xf32>)
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.*}} : tensor<6x1x5xf32>)
// CHECK:           %[[I0:.*]] = linalg.index 0 : index
// CHECK:           %[[I1:.*]] = linalg.index 1 : index
// CHECK:           %[[I2:.*]] = linalg.index 2 : index
// CHECK:           %[[C4:.*]] = arith.constant 4 : index
// CHECK:           %[[R2:.*]] = arith.subi %[[C4]], %[[I2]] : index
// CHECK:           %[[V:.*]] = tensor.extract %[[X]][%[[I0]], %[[I1]], %[[R2]]] : tensor<6x1x5xf32>
// CHECK:           linalg.yield %[[V]] : f32
func.func @reverse(%x: tensor<6x1x5xf32>) -> tensor<6x1x5xf32> {
  %r = adj.reverse %x dims [2] : tensor<6x1x5xf32>
  return %r : tensor<6x1x5xf32>
}
