// RUN: adjoint-opt %s -convert-adj-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @conv2d
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x8x8xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x4x6x6xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<2x4x6x6xf32>)
// CHECK: %[[Y:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME: ins(%[[X]], %[[W]] : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<2x4x6x6xf32>)
// CHECK: return %[[Y]]
func.func @conv2d(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32> {
  %y = adj.conv2d %x, %w : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32> -> tensor<2x4x6x6xf32>
  return %y : tensor<2x4x6x6xf32>
}

// -----

// padding [top, left, bottom, right] pads dimensions 2 and 3 with zeros.
// CHECK-LABEL: func.func @conv2d_window
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x9x8xf64>, %[[W:.*]]: tensor<3x2x3x2xf64>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 0] high[0, 0, 2, 1]
// CHECK: tensor.yield %[[ZERO]] : f64
// CHECK: } : tensor<1x2x9x8xf64> to tensor<1x2x12x9xf64>
// CHECK: %[[Y:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>}
// CHECK-SAME: ins(%[[P]], %[[W]] : tensor<1x2x12x9xf64>, tensor<3x2x3x2xf64>)
// CHECK-SAME: -> tensor<1x3x8x4xf64>
// CHECK: return %[[Y]]
func.func @conv2d_window(%x: tensor<1x2x9x8xf64>, %w: tensor<3x2x3x2xf64>) -> tensor<1x3x8x4xf64> {
  %y = adj.conv2d %x, %w stride [1, 2] padding [1, 0, 2, 1] dilation [2, 1]
         : tensor<1x2x9x8xf64>, tensor<3x2x3x2xf64> -> tensor<1x3x8x4xf64>
  return %y : tensor<1x3x8x4xf64>
}

// -----

// Groups split the channels: NCHW -> NGCHW, OIHW -> GOIHW, and back.
// CHECK-LABEL: func.func @conv2d_groups
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x6x6xf32>, %[[W:.*]]: tensor<6x2x3x3xf32>)
// CHECK: %[[XG:.*]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2], [3], [4]] output_shape [2, 2, 2, 6, 6] : tensor<2x4x6x6xf32> into tensor<2x2x2x6x6xf32>
// CHECK: %[[WG:.*]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3] : tensor<6x2x3x3xf32> into tensor<2x3x2x3x3xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x2x3x4x4xf32>)
// CHECK: %[[YG:.*]] = linalg.conv_2d_ngchw_gfchw
// CHECK-SAME: ins(%[[XG]], %[[WG]] : tensor<2x2x2x6x6xf32>, tensor<2x3x2x3x3xf32>) outs(%[[INIT]] : tensor<2x2x3x4x4xf32>)
// CHECK: %[[Y:.*]] = tensor.collapse_shape %[[YG]] {{\[}}[0], [1, 2], [3], [4]] : tensor<2x2x3x4x4xf32> into tensor<2x6x4x4xf32>
// CHECK: return %[[Y]]
func.func @conv2d_groups(%x: tensor<2x4x6x6xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<2x6x4x4xf32> {
  %y = adj.conv2d %x, %w groups 2 : tensor<2x4x6x6xf32>, tensor<6x2x3x3xf32> -> tensor<2x6x4x4xf32>
  return %y : tensor<2x6x4x4xf32>
}

// -----

// The stride defaults to the kernel: the windows tile the input, and one
// generic over the output takes the maximum of its window's four elements
// from -inf in row-major order.
// CHECK-LABEL: func.func @max_pool2d
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>)
// CHECK-NOT: tensor.pad
// CHECK-NOT: linalg.pooling_nchw_max
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<1x2x2x2xf32>)
// CHECK-SAME: attrs = {adj.max_pool2d_kernel = array<i64: 2, 2>}
// CHECK: %[[I:.*]] = linalg.index 2
// CHECK: %[[J:.*]] = linalg.index 3
// CHECK: %[[TOP:.*]] = arith.muli %[[I]], %c2
// CHECK: %[[LEFT:.*]] = arith.muli %[[J]], %c2
// CHECK: %[[LOWEST:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[A:.*]] = tensor.extract %[[X]][%{{.*}}, %{{.*}}, %[[TOP]], %[[LEFT]]]
// CHECK: %[[M:.*]] = arith.maximumf %[[LOWEST]], %[[A]]
// CHECK: %[[M1:.*]] = arith.maximumf %[[M]]
// CHECK: %[[M2:.*]] = arith.maximumf %[[M1]]
// CHECK: %[[M3:.*]] = arith.maximumf %[[M2]]
// CHECK: linalg.yield %[[M3]]
// CHECK: return %[[Y]]
func.func @max_pool2d(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %y = adj.max_pool2d %x kernel [2, 2] : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Padded positions hold -inf, so they never win.
// CHECK-LABEL: func.func @max_pool2d_padded
// CHECK: %[[LOWEST:.*]] = arith.constant 0xFFF0000000000000 : f64
// CHECK: %[[P:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 0]
// CHECK: tensor.yield %[[LOWEST]] : f64
// CHECK: } : tensor<1x2x5x5xf64> to tensor<1x2x7x6xf64>
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<[2, 1]> : tensor<2xi64>}
// CHECK-SAME: ins(%[[P]], %{{.*}} : tensor<1x2x7x6xf64>, tensor<3x3xf64>)
func.func @max_pool2d_padded(%x: tensor<1x2x5x5xf64>) -> tensor<1x2x3x4xf64> {
  %y = adj.max_pool2d %x kernel [3, 3] stride [2, 1] padding [1, 1, 1, 0]
         : tensor<1x2x5x5xf64> -> tensor<1x2x3x4xf64>
  return %y : tensor<1x2x3x4xf64>
}

// -----

// The window sums are a depthwise convolution with a kernel of ones.
// Padding counts in the divisor by default: every window divides by KH * KW.
// CHECK-LABEL: func.func @avg_pool2d
// CHECK: %[[P:.*]] = tensor.pad
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[K:.*]] = linalg.fill ins(%[[ONE]] : f32) outs(%{{.*}} : tensor<2x1x3x3xf32>)
// CHECK: %[[GP:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0], [1, 2], [3], [4]] {{.*}} : tensor<1x2x7x7xf32> into tensor<1x2x1x7x7xf32>
// CHECK: %[[GK:.*]] = tensor.expand_shape %[[K]] {{\[\[}}0, 1], [2], [3], [4]] {{.*}} : tensor<2x1x3x3xf32> into tensor<2x1x1x3x3xf32>
// CHECK: %[[G:.*]] = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[GP]], %[[GK]] : tensor<1x2x1x7x7xf32>, tensor<2x1x1x3x3xf32>)
// CHECK: %[[SUM:.*]] = tensor.collapse_shape %[[G]] {{.*}} : tensor<1x2x1x3x3xf32> into tensor<1x2x3x3xf32>
// CHECK: %[[N:.*]] = arith.constant 9.000000e+00 : f32
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK-SAME: outs(%[[SUM]] : tensor<1x2x3x3xf32>)
// CHECK: ^bb0(%[[S:.*]]: f32):
// CHECK: %[[A:.*]] = arith.divf %[[S]], %[[N]] : f32
// CHECK: linalg.yield %[[A]]
// CHECK: return %[[Y]]
func.func @avg_pool2d(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y = adj.avg_pool2d %x kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1]
         : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// With exclude_padding each window divides by its in-bounds count.
// CHECK-DAG: #[[$SPATIAL:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @avg_pool2d_exclude_padding
// CHECK: linalg.conv_2d_ngchw_gfchw
// CHECK: %[[SUM:.*]] = tensor.collapse_shape
// CHECK: %[[COUNTS:.*]] = arith.constant dense<{{\[}}[4.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<3x3xf32>
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$SPATIAL]], #[[$ID]]]
// CHECK-SAME: ins(%[[COUNTS]] : tensor<3x3xf32>) outs(%[[SUM]] : tensor<1x2x3x3xf32>)
// CHECK: ^bb0(%[[C:.*]]: f32, %[[S:.*]]: f32):
// CHECK: arith.divf %[[S]], %[[C]] : f32
// CHECK: return %[[Y]]
func.func @avg_pool2d_exclude_padding(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y = adj.avg_pool2d %x kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1] exclude_padding
         : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Without padding, exclude_padding changes nothing.
// CHECK-LABEL: func.func @avg_pool2d_exclude_no_padding
// CHECK-NOT: tensor.pad
// CHECK: arith.constant 4.000000e+00 : f32
// CHECK: arith.divf
func.func @avg_pool2d_exclude_no_padding(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %y = adj.avg_pool2d %x kernel [2, 2] exclude_padding : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// One generic over the output; a small window without padding is unrolled:
// the maximum of its elements, then the first position holding it (or a
// NaN), chosen by selects from the last position back; the result reads
// `source` at the winner.
// CHECK-LABEL: func.func @max_pool2d_gather
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>, %[[S:.*]]: tensor<1x2x4x4xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x2x2x2xf32>
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: outs(%[[E]] : tensor<1x2x2x2xf32>)
// CHECK: %[[N:.*]] = linalg.index 0 : index
// CHECK: %[[C:.*]] = linalg.index 1 : index
// CHECK-NOT: scf.for
// CHECK: %[[V0:.*]] = tensor.extract %[[X]]
// CHECK: %[[M1:.*]] = arith.maximumf %[[V0]]
// CHECK: %[[M2:.*]] = arith.maximumf %[[M1]]
// CHECK: %[[M:.*]] = arith.maximumf %[[M2]]
// CHECK-COUNT-2: arith.ori
// CHECK: %[[EQ:.*]] = arith.cmpf oeq, %[[V0]], %[[M]]
// CHECK-NEXT: %[[NAN:.*]] = arith.cmpf uno, %[[V0]], %[[V0]]
// CHECK-NEXT: %[[HIT:.*]] = arith.ori %[[EQ]], %[[NAN]]
// CHECK-NEXT: %[[ROW:.*]] = arith.select %[[HIT]]
// CHECK-NEXT: %[[COL:.*]] = arith.select %[[HIT]]
// CHECK-NEXT: %[[R:.*]] = tensor.extract %[[S]][%[[N]], %[[C]], %[[ROW]], %[[COL]]] : tensor<1x2x4x4xf32>
// CHECK: linalg.yield %[[R]] : f32
// CHECK: return %[[Y]]
func.func @max_pool2d_gather(%x: tensor<1x2x4x4xf32>, %s: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %y = adj.max_pool2d_gather %x, %s kernel [2, 2] : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// A padded window checks the bounds of the padded sides only, and reads at
// a clamped position.
// CHECK-LABEL: func.func @max_pool2d_gather_padded
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.cmpi sge
// CHECK: arith.maxsi
// CHECK-NOT: arith.cmpi slt
// CHECK: tensor.extract
func.func @max_pool2d_gather_padded(%x: tensor<1x1x4x4xf64>, %s: tensor<1x1x4x4xf64>) -> tensor<1x1x4x2xf64> {
  %y = adj.max_pool2d_gather %x, %s kernel [2, 2] stride [1, 2] padding [1, 0, 0, 0]
         : tensor<1x1x4x4xf64>, tensor<1x1x4x4xf64> -> tensor<1x1x4x2xf64>
  return %y : tensor<1x1x4x2xf64>
}

// -----

// Two parallel generics: the argmax position of every window, then for
// every input position the sum over the windows covering it that chose it.
// CHECK-LABEL: func.func @max_pool2d_scatter
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x5x5xf64>, %[[S:.*]]: tensor<1x2x2x2xf64>)
// CHECK: %[[PE:.*]] = tensor.empty() : tensor<1x2x2x2xindex>
// CHECK: %[[POS:.*]] = linalg.generic
// CHECK-SAME: outs(%[[PE]] : tensor<1x2x2x2xindex>)
// CHECK: tensor.extract %[[X]]
// CHECK: linalg.yield %{{.*}} : index
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x2x5x5xf64>
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: outs(%[[E]] : tensor<1x2x5x5xf64>)
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[P:.*]] = tensor.extract %[[POS]]
// CHECK: %[[HIT:.*]] = arith.cmpi eq, %[[P]]
// CHECK: %[[V:.*]] = tensor.extract %[[S]]
// CHECK: %[[ADD:.*]] = arith.addf %{{.*}}, %[[V]] : f64
// CHECK: arith.select %[[HIT]], %[[ADD]]
// CHECK: return %[[Y]]
func.func @max_pool2d_scatter(%x: tensor<1x2x5x5xf64>, %s: tensor<1x2x2x2xf64>) -> tensor<1x2x5x5xf64> {
  %y = adj.max_pool2d_scatter %x, %s kernel [3, 3] stride [2, 2]
         : tensor<1x2x5x5xf64>, tensor<1x2x2x2xf64> -> tensor<1x2x5x5xf64>
  return %y : tensor<1x2x5x5xf64>
}

// -----

// Tiling windows (stride = kernel, no padding): one generic over the input,
// marked for adj-lower-to-kernels; each position finds the one window
// covering it by a division and that window's argmax, without loops.
// CHECK-LABEL: func.func @max_pool2d_scatter_tiled
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x5x4xf32>, %[[S:.*]]: tensor<1x2x2x2xf32>)
// CHECK-NOT: index>
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<1x2x5x4xf32>)
// CHECK-SAME: attrs = {adj.max_pool2d_scatter_kernel = array<i64: 2, 2>}
// CHECK-NOT: scf.for
// CHECK: arith.divui %{{.*}}, %c2
// CHECK: arith.divui %{{.*}}, %c2
// CHECK: tensor.extract %[[X]]
// CHECK: arith.maximumf
// CHECK: %[[ROW:.*]] = arith.cmpi eq
// CHECK: %[[COLUMN:.*]] = arith.cmpi eq
// CHECK: arith.andi %[[ROW]], %[[COLUMN]]
// CHECK: tensor.extract %[[S]]
// CHECK: arith.select
// CHECK: return %[[Y]]
func.func @max_pool2d_scatter_tiled(%x: tensor<1x2x5x4xf32>, %s: tensor<1x2x2x2xf32>) -> tensor<1x2x5x4xf32> {
  %y = adj.max_pool2d_scatter %x, %s kernel [2, 2]
         : tensor<1x2x5x4xf32>, tensor<1x2x2x2xf32> -> tensor<1x2x5x4xf32>
  return %y : tensor<1x2x5x4xf32>
}
