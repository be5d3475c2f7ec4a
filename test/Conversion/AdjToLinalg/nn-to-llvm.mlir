// The lowering of the window ops survives upstream bufferization and
// lowering to the LLVM dialect: nothing but llvm ops remains.
//
// RUN: adjoint-opt %s -convert-adj-to-linalg \
// RUN: | mlir-opt --one-shot-bufferize="bufferize-function-boundaries" \
// RUN:     --convert-linalg-to-loops --convert-scf-to-cf \
// RUN:     --expand-strided-metadata --lower-affine --finalize-memref-to-llvm \
// RUN:     --convert-math-to-llvm --convert-arith-to-llvm \
// RUN:     --convert-func-to-llvm --convert-cf-to-llvm \
// RUN:     --reconcile-unrealized-casts > %t
// RUN: FileCheck %s < %t
// RUN: FileCheck %s --check-prefix=ONLY-LLVM < %t

// ONLY-LLVM-NOT: {{(linalg|tensor|memref|scf|cf|arith|math|func|affine|bufferization)\.}}
// ONLY-LLVM-NOT: unrealized_conversion_cast

// CHECK-LABEL: llvm.func @conv2d
func.func @conv2d(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x4x3xf32> {
  %y = adj.conv2d %x, %w stride [2, 2] padding [1, 1, 0, 1] dilation [1, 2]
         : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32> -> tensor<2x4x4x3xf32>
  return %y : tensor<2x4x4x3xf32>
}

// CHECK-LABEL: llvm.func @conv2d_groups
func.func @conv2d_groups(%x: tensor<1x4x6x6xf64>, %w: tensor<6x2x3x3xf64>) -> tensor<1x6x6x6xf64> {
  %y = adj.conv2d %x, %w padding [1, 1, 1, 1] groups 2
         : tensor<1x4x6x6xf64>, tensor<6x2x3x3xf64> -> tensor<1x6x6x6xf64>
  return %y : tensor<1x6x6x6xf64>
}

// CHECK-LABEL: llvm.func @max_pool2d
func.func @max_pool2d(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y = adj.max_pool2d %x kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1]
         : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// CHECK-LABEL: llvm.func @avg_pool2d
func.func @avg_pool2d(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y = adj.avg_pool2d %x kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1]
         : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// CHECK-LABEL: llvm.func @avg_pool2d_exclude_padding
func.func @avg_pool2d_exclude_padding(%x: tensor<1x2x5x5xf64>) -> tensor<1x2x3x3xf64> {
  %y = adj.avg_pool2d %x kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1] exclude_padding
         : tensor<1x2x5x5xf64> -> tensor<1x2x3x3xf64>
  return %y : tensor<1x2x3x3xf64>
}

// CHECK-LABEL: llvm.func @max_pool2d_gather
func.func @max_pool2d_gather(%x: tensor<1x2x5x5xf32>, %s: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y = adj.max_pool2d_gather %x, %s kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1]
         : tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// CHECK-LABEL: llvm.func @max_pool2d_scatter
func.func @max_pool2d_scatter(%x: tensor<1x2x5x5xf64>, %s: tensor<1x2x3x3xf64>) -> tensor<1x2x5x5xf64> {
  %y = adj.max_pool2d_scatter %x, %s kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1]
         : tensor<1x2x5x5xf64>, tensor<1x2x3x3xf64> -> tensor<1x2x5x5xf64>
  return %y : tensor<1x2x5x5xf64>
}
