// RUN: adjoint-opt %s -adj-lower-to-kernels -split-input-file | FileCheck %s

// A weight gradient xᵀ·dy into a zeroed output: the transpose becomes a
// strided view of %x, the fill goes, and the kernel overwrites.
// CHECK: llvm.func @adjoint_rt_sgemm
// CHECK-LABEL: func.func @weight_gradient
// CHECK-SAME: (%[[X:.*]]: memref<32x64xf32>
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<{{[0-9]+}}xf32>
// CHECK-NOT: linalg.transpose
// CHECK-NOT: linalg.fill
// CHECK: memref.transpose %[[X]]
// CHECK: %[[OVERWRITE:.*]] = arith.constant 0 : i32
// CHECK: llvm.call @adjoint_rt_sgemm({{.*}}, %[[OVERWRITE]], %{{.*}})
// CHECK-NOT: linalg.matmul
func.func @weight_gradient(%x: memref<32x64xf32>, %dy: memref<32x16xf32>,
                           %dw: memref<64x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<64x32xf32>
  linalg.transpose ins(%x : memref<32x64xf32>) outs(%t : memref<64x32xf32>) permutation = [1, 0]
  linalg.fill ins(%zero : f32) outs(%dw : memref<64x16xf32>)
  linalg.matmul ins(%t, %dy : memref<64x32xf32>, memref<32x16xf32>) outs(%dw : memref<64x16xf32>)
  return
}

// -----

// A grouped convolution: one call, the group count first, then each
// operand's pointer, group stride and the strides of one group's operand.
// CHECK: llvm.func @adjoint_rt_sconv2d_grouped
// CHECK-LABEL: func.func @grouped
// CHECK-DAG: %[[G:.*]] = arith.constant 3 : i64
// CHECK-DAG: %[[C:.*]] = arith.constant 2 : i64
// CHECK-DAG: %[[F:.*]] = arith.constant 4 : i64
// CHECK: llvm.call @adjoint_rt_sconv2d_grouped(%[[G]], %{{.*}}, %[[C]], %[[F]],
// CHECK-NOT: linalg.conv
func.func @grouped(%x: memref<5x3x2x9x9xf32>, %w: memref<3x4x2x3x3xf32>,
                   %y: memref<5x3x4x7x7xf32>) {
  linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<5x3x2x9x9xf32>, memref<3x4x2x3x3xf32>)
    outs(%y : memref<5x3x4x7x7xf32>)
  return
}

// -----

// The source is overwritten after the transpose, and the zeroed output is
// read before the product: the transpose and the fill stay; the kernel
// still overwrites the zeros.
// CHECK-LABEL: func.func @kept
// CHECK: linalg.transpose
// CHECK: linalg.fill
// CHECK: linalg.fill
// CHECK-NOT: memref.transpose
// CHECK: %[[OVERWRITE:.*]] = arith.constant 0 : i32
// CHECK: llvm.call @adjoint_rt_sgemm({{.*}}, %[[OVERWRITE]], %{{.*}})
func.func @kept(%x: memref<32x64xf32>, %dy: memref<32x16xf32>,
                %dw: memref<64x16xf32>, %copy: memref<64x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %t = memref.alloc() : memref<64x32xf32>
  linalg.transpose ins(%x : memref<32x64xf32>) outs(%t : memref<64x32xf32>) permutation = [1, 0]
  linalg.fill ins(%one : f32) outs(%x : memref<32x64xf32>)
  linalg.fill ins(%zero : f32) outs(%dw : memref<64x16xf32>)
  linalg.copy ins(%dw : memref<64x16xf32>) outs(%copy : memref<64x16xf32>)
  linalg.matmul ins(%t, %dy : memref<64x32xf32>, memref<32x16xf32>) outs(%dw : memref<64x16xf32>)
  return
}

// -----

// A linalg.generic that only permutes is a transpose too. Its result, in an
// argument's buffer that a later fill overwrites whole (mlp-small's dz2 W2ᵀ
// in the buffer of the gradient of W2), is dead: it goes; in an argument
// the caller reads, or when the generic computes something, it stays.
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-LABEL: func.func @generic_transpose
// CHECK-SAME: (%[[W:[^:]*]]: memref<64x64xf32>
// CHECK-NOT: linalg.generic
// CHECK: memref.transpose %[[W]]
// CHECK: llvm.call @adjoint_rt_sgemm
// CHECK: linalg.fill
func.func @generic_transpose(%w: memref<64x64xf32>, %x: memref<1x64xf32>,
                             %y: memref<1x64xf32>, %dw: memref<64x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : memref<64x64xf32>) outs(%dw : memref<64x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.fill ins(%zero : f32) outs(%y : memref<1x64xf32>)
  linalg.matmul ins(%x, %dw : memref<1x64xf32>, memref<64x64xf32>) outs(%y : memref<1x64xf32>)
  linalg.fill ins(%zero : f32) outs(%dw : memref<64x64xf32>)
  return
}

// CHECK-LABEL: func.func @generic_transpose_returned
// CHECK-SAME: (%[[W:[^:]*]]: memref<64x64xf32>
// CHECK: linalg.generic
// CHECK: memref.transpose %[[W]]
// CHECK: llvm.call @adjoint_rt_sgemm
func.func @generic_transpose_returned(%w: memref<64x64xf32>, %x: memref<1x64xf32>,
                                      %y: memref<1x64xf32>, %wt: memref<64x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : memref<64x64xf32>) outs(%wt : memref<64x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.fill ins(%zero : f32) outs(%y : memref<1x64xf32>)
  linalg.matmul ins(%x, %wt : memref<1x64xf32>, memref<64x64xf32>) outs(%y : memref<1x64xf32>)
  return
}

// CHECK-LABEL: func.func @generic_not_transpose
// CHECK: linalg.generic
// CHECK: arith.negf
// CHECK-NOT: memref.transpose
// CHECK: llvm.call @adjoint_rt_sgemm
func.func @generic_not_transpose(%w: memref<64x64xf32>, %x: memref<1x64xf32>,
                                 %y: memref<1x64xf32>, %dw: memref<64x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : memref<64x64xf32>) outs(%dw : memref<64x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  }
  linalg.fill ins(%zero : f32) outs(%y : memref<1x64xf32>)
  linalg.matmul ins(%x, %dw : memref<1x64xf32>, memref<64x64xf32>) outs(%y : memref<1x64xf32>)
  linalg.fill ins(%zero : f32) outs(%dw : memref<64x64xf32>)
  return
}

// -----

// An output that does not hold zeros is accumulated into.
// CHECK-LABEL: func.func @accumulate
// CHECK: linalg.fill
// CHECK: %[[ACCUMULATE:.*]] = arith.constant 1 : i32
// CHECK: llvm.call @adjoint_rt_sgemm({{.*}}, %[[ACCUMULATE]], %{{.*}})
func.func @accumulate(%a: memref<4x5xf32>, %b: memref<5x6xf32>, %c: memref<4x6xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%c : memref<4x6xf32>)
  linalg.matmul ins(%a, %b : memref<4x5xf32>, memref<5x6xf32>) outs(%c : memref<4x6xf32>)
  return
}

// -----

// f64 products and convolutions call the runtime's f64 functions, the
// pointers computed on f64 elements. The function's one scratch buffer (in
// floats) fits both its f64 product (4x6x5: 5 x (16 + 8) doubles, 240
// floats) and its f32 one (5 x (32 + 8) floats).
// CHECK-DAG: llvm.func @adjoint_rt_dgemm
// CHECK-DAG: llvm.func @adjoint_rt_dconv2d
// CHECK-LABEL: func.func @double
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<240xf32>
// CHECK: llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f64
// CHECK: llvm.call @adjoint_rt_dgemm
// CHECK: llvm.call @adjoint_rt_sgemm
// CHECK-NOT: linalg.matmul
func.func @double(%a: memref<4x5xf64>, %b: memref<6x5xf64>, %c: memref<4x6xf64>,
                  %x: memref<4x5xf32>, %y: memref<5x6xf32>, %z: memref<4x6xf32>) {
  linalg.matmul_transpose_b ins(%a, %b : memref<4x5xf64>, memref<6x5xf64>) outs(%c : memref<4x6xf64>)
  linalg.matmul ins(%x, %y : memref<4x5xf32>, memref<5x6xf32>) outs(%z : memref<4x6xf32>)
  return
}

// CHECK-LABEL: func.func @double_conv
// CHECK: llvm.call @adjoint_rt_dconv2d(
// CHECK: llvm.call @adjoint_rt_dconv2d_grouped(
// CHECK-NOT: linalg.conv_2d
func.func @double_conv(%x: memref<1x2x5x5xf64>, %w: memref<3x2x3x3xf64>,
                       %y: memref<1x3x3x3xf64>, %gx: memref<1x2x2x5x5xf64>,
                       %gw: memref<2x3x2x3x3xf64>, %gy: memref<1x2x3x3x3xf64>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<1x2x5x5xf64>, memref<3x2x3x3xf64>) outs(%y : memref<1x3x3x3xf64>)
  linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%gx, %gw : memref<1x2x2x5x5xf64>, memref<2x3x2x3x3xf64>) outs(%gy : memref<1x2x3x3x3xf64>)
  return
}

// -----

// Mixed element types and other types stay linalg ops.
// CHECK-LABEL: func.func @mixed
// CHECK: linalg.matmul
// CHECK: linalg.matmul
// CHECK-NOT: llvm.call
func.func @mixed(%a: memref<4x5xf32>, %b: memref<5x6xf32>, %c: memref<4x6xf64>,
                 %d: memref<4x5xf16>, %e: memref<5x6xf16>, %f: memref<4x6xf16>) {
  linalg.matmul ins(%a, %b : memref<4x5xf32>, memref<5x6xf32>) outs(%c : memref<4x6xf64>)
  linalg.matmul ins(%d, %e : memref<4x5xf16>, memref<5x6xf16>) outs(%f : memref<4x6xf16>)
  return
}

// -----

// A zero-padded input (what bufferization makes of tensor.pad): the
// convolution reads the image in place, with its size and the padding
// before it (rows 2, columns 1); the fill and copy go. The scratch holds
// the runtime's padded copy (2 x 11 x 11 = 242 floats, 256 in 64-byte
// units) before the GEMM's packing (18 x (32 + 88) = 2160 floats).
// CHECK-LABEL: func.func @padded
// CHECK-SAME: (%[[X:[^:]*]]: memref<1x2x7x9xf32>
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<2416xf32>
// CHECK-NOT: linalg.map
// CHECK-NOT: linalg.copy
// CHECK: arith.constant 7 : i64
// CHECK-NEXT: arith.constant 9 : i64
// CHECK-NEXT: arith.constant 2 : i64
// CHECK-NEXT: arith.constant 1 : i64
// CHECK-NEXT: builtin.unrealized_conversion_cast %[[X]]
// CHECK: llvm.call @adjoint_rt_sconv2d(
// CHECK-NOT: memref.alloc
// CHECK: return
func.func @padded(%x: memref<1x2x7x9xf32>, %w: memref<3x2x3x3xf32>,
                  %y: memref<1x3x9x9xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x2x11x11xf32>
  linalg.map outs(%p : memref<1x2x11x11xf32>)
    () {
      linalg.yield %zero : f32
    }
  %i = memref.subview %p[0, 0, 2, 1] [1, 2, 7, 9] [1, 1, 1, 1] : memref<1x2x11x11xf32> to memref<1x2x7x9xf32, strided<[242, 121, 11, 1], offset: 23>>
  linalg.copy ins(%x : memref<1x2x7x9xf32>) outs(%i : memref<1x2x7x9xf32, strided<[242, 121, 11, 1], offset: 23>>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%p, %w : memref<1x2x11x11xf32>, memref<3x2x3x3xf32>) outs(%y : memref<1x3x9x9xf32>)
  return
}

// The padded buffer is read again after the convolution: the fill and copy
// stay for that reader, the convolution still reads the image.
// CHECK-LABEL: func.func @padded_kept
// CHECK-SAME: (%[[X:[^:]*]]: memref<1x1x10x10xf32>
// CHECK: linalg.fill
// CHECK: linalg.copy ins(%[[X]]
// CHECK: builtin.unrealized_conversion_cast %[[X]]
// CHECK: llvm.call @adjoint_rt_sconv2d(
// CHECK: linalg.copy
func.func @padded_kept(%x: memref<1x1x10x10xf32>, %w: memref<1x1x3x3xf32>,
                       %y: memref<1x1x10x10xf32>, %q: memref<1x1x12x12xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x1x12x12xf32>
  linalg.fill ins(%zero : f32) outs(%p : memref<1x1x12x12xf32>)
  %i = memref.subview %p[0, 0, 1, 1] [1, 1, 10, 10] [1, 1, 1, 1] : memref<1x1x12x12xf32> to memref<1x1x10x10xf32, strided<[144, 144, 12, 1], offset: 13>>
  linalg.copy ins(%x : memref<1x1x10x10xf32>) outs(%i : memref<1x1x10x10xf32, strided<[144, 144, 12, 1], offset: 13>>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%p, %w : memref<1x1x12x12xf32>, memref<1x1x3x3xf32>) outs(%y : memref<1x1x10x10xf32>)
  linalg.copy ins(%p : memref<1x1x12x12xf32>) outs(%q : memref<1x1x12x12xf32>)
  return
}

// A grouped convolution reads the image split into groups as the padded
// buffer was.
// CHECK-LABEL: func.func @padded_grouped
// CHECK-SAME: (%[[X:[^:]*]]: memref<1x4x10x10xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[G:.*]] = memref.expand_shape %[[X]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 10, 10]
// CHECK: builtin.unrealized_conversion_cast %[[G]]
// CHECK: llvm.call @adjoint_rt_sconv2d_grouped(
func.func @padded_grouped(%x: memref<1x4x10x10xf32>, %w: memref<2x3x2x3x3xf32>,
                          %y: memref<1x2x3x10x10xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x4x12x12xf32>
  linalg.fill ins(%zero : f32) outs(%p : memref<1x4x12x12xf32>)
  %i = memref.subview %p[0, 0, 1, 1] [1, 4, 10, 10] [1, 1, 1, 1] : memref<1x4x12x12xf32> to memref<1x4x10x10xf32, strided<[576, 144, 12, 1], offset: 13>>
  linalg.copy ins(%x : memref<1x4x10x10xf32>) outs(%i : memref<1x4x10x10xf32, strided<[576, 144, 12, 1], offset: 13>>)
  %g = memref.expand_shape %p [[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 12, 12] : memref<1x4x12x12xf32> into memref<1x2x2x12x12xf32>
  linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%g, %w : memref<1x2x2x12x12xf32>, memref<2x3x2x3x3xf32>) outs(%y : memref<1x2x3x10x10xf32>)
  return
}

// Rows of 16 pixels: the runtime would copy the padded input itself, and
// the fill and copy of compiled code stay (they measured faster).
// CHECK-LABEL: func.func @padded_wide
// CHECK: linalg.fill
// CHECK: linalg.copy
// CHECK: llvm.call @adjoint_rt_sconv2d(
func.func @padded_wide(%x: memref<1x1x16x16xf32>, %w: memref<1x1x3x3xf32>,
                       %y: memref<1x1x16x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x1x18x18xf32>
  linalg.fill ins(%zero : f32) outs(%p : memref<1x1x18x18xf32>)
  %i = memref.subview %p[0, 0, 1, 1] [1, 1, 16, 16] [1, 1, 1, 1] : memref<1x1x18x18xf32> to memref<1x1x16x16xf32, strided<[324, 324, 18, 1], offset: 19>>
  linalg.copy ins(%x : memref<1x1x16x16xf32>) outs(%i : memref<1x1x16x16xf32, strided<[324, 324, 18, 1], offset: 19>>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%p, %w : memref<1x1x18x18xf32>, memref<1x1x3x3xf32>) outs(%y : memref<1x1x16x16xf32>)
  return
}

// -----

// Max pooling over tiling windows, marked by convert-adj-to-linalg: its
// generic becomes one call with the shapes (N, C, H, W, OH, OW, KH, KW),
// then each buffer's pointer and strides: the input, `source`, the output.
// CHECK: llvm.func @adjoint_rt_smax_pool2d_scatter
// CHECK-LABEL: func.func @max_pool2d_scatter
// CHECK-DAG: %[[N:.*]] = arith.constant 2 : i64
// CHECK-DAG: %[[C:.*]] = arith.constant 3 : i64
// CHECK-DAG: %[[H:.*]] = arith.constant 5 : i64
// CHECK-DAG: %[[W:.*]] = arith.constant 4 : i64
// CHECK: llvm.call @adjoint_rt_smax_pool2d_scatter(%[[N]], %[[C]], %[[H]], %[[W]], %{{.*}})
// CHECK-NOT: linalg.generic
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @max_pool2d_scatter(%x: memref<2x3x5x4xf32>, %s: memref<2x3x2x2xf32>,
                              %y: memref<2x3x5x4xf32>) {
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%y : memref<2x3x5x4xf32>) attrs = {adj.max_pool2d_scatter_kernel = array<i64: 2, 2>} {
  ^bb0(%out: f32):
    %n = linalg.index 0 : index
    %c = linalg.index 1 : index
    %h = linalg.index 2 : index
    %w = linalg.index 3 : index
    %zero = arith.constant 0 : index
    %a = memref.load %x[%n, %c, %h, %w] : memref<2x3x5x4xf32>
    %b = memref.load %s[%n, %c, %zero, %zero] : memref<2x3x2x2xf32>
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A marked generic whose body reads a buffer of neither the input's nor
// the pooled shape stays a loop.
// CHECK-LABEL: func.func @max_pool2d_unknown
// CHECK-NOT: llvm.call
// CHECK: linalg.generic
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @max_pool2d_unknown(%x: memref<2x3x4x4xf32>, %z: memref<2x3x4x4xf32>,
                              %y: memref<2x3x2x2xf32>) {
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%y : memref<2x3x2x2xf32>) attrs = {adj.max_pool2d_kernel = array<i64: 2, 2>} {
  ^bb0(%out: f32):
    %n = linalg.index 0 : index
    %c = linalg.index 1 : index
    %a = memref.load %x[%n, %c, %n, %n] : memref<2x3x4x4xf32>
    %b = memref.load %z[%n, %c, %n, %n] : memref<2x3x4x4xf32>
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  }
  return
}
