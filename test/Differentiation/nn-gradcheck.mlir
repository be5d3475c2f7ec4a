// RUN: adjoint-run %s --check-grad --seed 0

// Reverse and forward rules of the neural-network ops against central finite
// differences, in f64. Window shapes are chosen so that strides do not divide
// the padded extents, paddings are asymmetric and windows overlap.

func.func @softmax(%x: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %y = adj.softmax %x axis 1 : tensor<3x5xf64>
  return %y : tensor<3x5xf64>
}

func.func @softmax_axis0(%x: tensor<4x2x3xf64>) -> tensor<4x2x3xf64> {
  %y = adj.softmax %x axis 0 : tensor<4x2x3xf64>
  return %y : tensor<4x2x3xf64>
}

func.func @log_softmax(%x: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %y = adj.log_softmax %x axis 1 : tensor<3x5xf64>
  return %y : tensor<3x5xf64>
}

func.func @log_softmax_axis1(%x: tensor<2x4x3xf64>) -> tensor<2x4x3xf64> {
  %y = adj.log_softmax %x axis 1 : tensor<2x4x3xf64>
  return %y : tensor<2x4x3xf64>
}

func.func @sce_mean(%logits: tensor<4x5xf64>) -> tensor<f64> {
  %labels = adj.constant dense<[3, 0, 4, 3]> : tensor<4xi64>
  %loss = adj.softmax_cross_entropy %logits, %labels
      : tensor<4x5xf64>, tensor<4xi64> -> tensor<f64>
  return %loss : tensor<f64>
}

func.func @sce_sum(%logits: tensor<4x5xf64>) -> tensor<f64> {
  %labels = adj.constant dense<[1, 2, 0, 4]> : tensor<4xi32>
  %loss = adj.softmax_cross_entropy %logits, %labels reduction sum
      : tensor<4x5xf64>, tensor<4xi32> -> tensor<f64>
  return %loss : tensor<f64>
}

func.func @sce_none(%logits: tensor<4x5xf64>) -> tensor<4xf64> {
  %labels = adj.constant dense<[4, 4, 1, 0]> : tensor<4xi64>
  %loss = adj.softmax_cross_entropy %logits, %labels reduction none
      : tensor<4x5xf64>, tensor<4xi64> -> tensor<4xf64>
  return %loss : tensor<4xf64>
}

// OH = (9 + 3 - 5) / 2 + 1 = 4 (remainder 1), OW = (8 + 1 - 5) / 2 + 1 = 3.
func.func @conv_s2_d2_g2(%x: tensor<2x4x9x8xf64>, %w: tensor<6x2x3x3xf64>)
    -> tensor<2x6x4x3xf64> {
  %y = adj.conv2d %x, %w stride [2, 2] padding [1, 0, 2, 1] dilation [2, 2]
      groups 2 : tensor<2x4x9x8xf64>, tensor<6x2x3x3xf64> -> tensor<2x6x4x3xf64>
  return %y : tensor<2x6x4x3xf64>
}

// Remainders of 2 rows (more than the dilation, and than the bottom padding)
// and 1 column (no right padding): the weight's cotangent leaves out input
// rows and columns no window reaches.
func.func @conv_s32_d21_g2(%x: tensor<2x4x10x11xf64>, %w: tensor<4x2x2x3xf64>)
    -> tensor<2x4x3x5xf64> {
  %y = adj.conv2d %x, %w stride [3, 2] padding [0, 1, 1, 0] dilation [2, 1]
      groups 2 : tensor<2x4x10x11xf64>, tensor<4x2x2x3xf64> -> tensor<2x4x3x5xf64>
  return %y : tensor<2x4x3x5xf64>
}

func.func @conv_s23_d12(%x: tensor<1x3x7x10xf64>, %w: tensor<2x3x2x3xf64>)
    -> tensor<1x2x4x3xf64> {
  %y = adj.conv2d %x, %w stride [2, 3] padding [0, 2, 1, 0] dilation [1, 2]
      : tensor<1x3x7x10xf64>, tensor<2x3x2x3xf64> -> tensor<1x2x4x3xf64>
  return %y : tensor<1x2x4x3xf64>
}

// Padding wider than the kernel's span: the cotangent is cropped.
func.func @conv_wide_padding_g3(%x: tensor<1x3x5x5xf64>, %w: tensor<6x1x1x2xf64>)
    -> tensor<1x6x6x4xf64> {
  %y = adj.conv2d %x, %w stride [2, 2] padding [3, 2, 3, 2] groups 3
      : tensor<1x3x5x5xf64>, tensor<6x1x1x2xf64> -> tensor<1x6x6x4xf64>
  return %y : tensor<1x6x6x4xf64>
}

// ResNet's downsampling convolution: stride 2, padding 1, 3x3, and a 1x1
// stride-2 shortcut, whose odd rows and columns get no gradient.
func.func @conv_s2_p1(%x: tensor<2x3x8x7xf64>, %w: tensor<4x3x3x3xf64>)
    -> tensor<2x4x4x4xf64> {
  %y = adj.conv2d %x, %w stride [2, 2] padding [1, 1, 1, 1]
      : tensor<2x3x8x7xf64>, tensor<4x3x3x3xf64> -> tensor<2x4x4x4xf64>
  return %y : tensor<2x4x4x4xf64>
}

func.func @conv_1x1_s2(%x: tensor<2x3x7x8xf64>, %w: tensor<4x3x1x1xf64>)
    -> tensor<2x4x4x4xf64> {
  %y = adj.conv2d %x, %w stride [2, 2]
      : tensor<2x3x7x8xf64>, tensor<4x3x1x1xf64> -> tensor<2x4x4x4xf64>
  return %y : tensor<2x4x4x4xf64>
}

// Residue classes merged into one convolution (each class a block of its
// output channels): oddconv's 5x5 stride 3, ResNet's 7x7 stride-2 stem, a
// 4x4 stride-2 kernel whose classes need no zeros, stride in one dimension
// with a dilation in the other, and a class with no input row.
func.func @conv_s3_k5_merged(%x: tensor<2x3x8x7xf64>, %w: tensor<4x3x5x5xf64>)
    -> tensor<2x4x3x2xf64> {
  %y = adj.conv2d %x, %w stride [3, 3] padding [2, 2, 1, 0]
      : tensor<2x3x8x7xf64>, tensor<4x3x5x5xf64> -> tensor<2x4x3x2xf64>
  return %y : tensor<2x4x3x2xf64>
}

func.func @conv_s2_k7_merged(%x: tensor<1x2x9x10xf64>, %w: tensor<3x2x7x7xf64>)
    -> tensor<1x3x5x5xf64> {
  %y = adj.conv2d %x, %w stride [2, 2] padding [3, 3, 3, 3]
      : tensor<1x2x9x10xf64>, tensor<3x2x7x7xf64> -> tensor<1x3x5x5xf64>
  return %y : tensor<1x3x5x5xf64>
}

func.func @conv_s2_k4_merged(%x: tensor<1x2x6x7xf64>, %w: tensor<2x2x4x4xf64>)
    -> tensor<1x2x4x4xf64> {
  %y = adj.conv2d %x, %w stride [2, 2] padding [2, 2, 2, 2]
      : tensor<1x2x6x7xf64>, tensor<2x2x4x4xf64> -> tensor<1x2x4x4xf64>
  return %y : tensor<1x2x4x4xf64>
}

func.func @conv_s21_d12_merged(%x: tensor<1x3x7x8xf64>, %w: tensor<2x3x3x3xf64>)
    -> tensor<1x2x4x8xf64> {
  %y = adj.conv2d %x, %w stride [2, 1] padding [1, 2, 1, 2] dilation [1, 2]
      : tensor<1x3x7x8xf64>, tensor<2x3x3x3xf64> -> tensor<1x2x4x8xf64>
  return %y : tensor<1x2x4x8xf64>
}

func.func @conv_s3_merged_class_without_rows(%x: tensor<1x1x2x2xf64>,
                                             %w: tensor<2x1x5x5xf64>)
    -> tensor<1x2x1x1xf64> {
  %y = adj.conv2d %x, %w stride [3, 3] padding [2, 2, 2, 2]
      : tensor<1x1x2x2xf64>, tensor<2x1x5x5xf64> -> tensor<1x2x1x1xf64>
  return %y : tensor<1x2x1x1xf64>
}

// A stride above the kernel (3 > 2), and stride 4 with dilation 2 (taps
// 2 apart in the kernel meet the same residue class).
func.func @conv_s3_k2_s4_d2(%x: tensor<1x2x11x13xf64>, %w: tensor<3x2x2x3xf64>)
    -> tensor<1x3x4x3xf64> {
  %y = adj.conv2d %x, %w stride [3, 4] padding [1, 0, 0, 2] dilation [1, 2]
      : tensor<1x2x11x13xf64>, tensor<3x2x2x3xf64> -> tensor<1x3x4x3xf64>
  return %y : tensor<1x3x4x3xf64>
}

// Strides beyond the input: residue classes with no input row, or no tap.
func.func @conv_s2_1x1_input(%x: tensor<1x1x1x1xf64>, %w: tensor<2x1x1x1xf64>)
    -> tensor<1x2x1x1xf64> {
  %y = adj.conv2d %x, %w stride [2, 2]
      : tensor<1x1x1x1xf64>, tensor<2x1x1x1xf64> -> tensor<1x2x1x1xf64>
  return %y : tensor<1x2x1x1xf64>
}

func.func @conv_s57(%x: tensor<1x2x3x4xf64>, %w: tensor<2x2x3x2xf64>)
    -> tensor<1x2x1x1xf64> {
  %y = adj.conv2d %x, %w stride [5, 7] padding [1, 1, 1, 0]
      : tensor<1x2x3x4xf64>, tensor<2x2x3x2xf64> -> tensor<1x2x1x1xf64>
  return %y : tensor<1x2x1x1xf64>
}

// Windows that miss a whole residue class (its ct rows lie past the last
// window, or in a dilation gap) or read only padding along a dimension:
// those cotangents are zero.
func.func @conv_class_past_windows(%x: tensor<1x1x2x1xf64>, %w: tensor<1x1x2x1xf64>)
    -> tensor<1x1x1x1xf64> {
  %y = adj.conv2d %x, %w stride [2, 1] padding [1, 0, 0, 0]
      : tensor<1x1x2x1xf64>, tensor<1x1x2x1xf64> -> tensor<1x1x1x1xf64>
  return %y : tensor<1x1x1x1xf64>
}

func.func @conv_class_in_dilation_gap(%x: tensor<1x1x2x1xf64>, %w: tensor<1x1x2x1xf64>)
    -> tensor<1x1x1x1xf64> {
  %y = adj.conv2d %x, %w stride [2, 1] padding [0, 0, 4, 0] dilation [5, 1]
      : tensor<1x1x2x1xf64>, tensor<1x1x2x1xf64> -> tensor<1x1x1x1xf64>
  return %y : tensor<1x1x1x1xf64>
}

func.func @conv_reads_only_padding(%x: tensor<1x1x1x1xf64>, %w: tensor<1x1x1x1xf64>)
    -> tensor<1x1x1x1xf64> {
  %y = adj.conv2d %x, %w stride [2, 1] padding [1, 0, 0, 0]
      : tensor<1x1x1x1xf64>, tensor<1x1x1x1xf64> -> tensor<1x1x1x1xf64>
  return %y : tensor<1x1x1x1xf64>
}

// Windows that tile the input (stride = kernel, a patch embedding): the
// input's cotangent is one matmul laid back into the windows.
func.func @conv_patches(%x: tensor<2x3x6x4xf64>, %w: tensor<5x3x3x2xf64>)
    -> tensor<2x5x2x2xf64> {
  %y = adj.conv2d %x, %w stride [3, 2]
      : tensor<2x3x6x4xf64>, tensor<5x3x3x2xf64> -> tensor<2x5x2x2xf64>
  return %y : tensor<2x5x2x2xf64>
}

func.func @conv_plain(%x: tensor<2x3x5x5xf64>, %w: tensor<4x3x3x3xf64>)
    -> tensor<2x4x3x3xf64> {
  %y = adj.conv2d %x, %w : tensor<2x3x5x5xf64>, tensor<4x3x3x3xf64>
      -> tensor<2x4x3x3xf64>
  return %y : tensor<2x4x3x3xf64>
}

func.func @max_pool(%x: tensor<2x2x7x7xf64>) -> tensor<2x2x4x4xf64> {
  %y = adj.max_pool2d %x kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1]
      : tensor<2x2x7x7xf64> -> tensor<2x2x4x4xf64>
  return %y : tensor<2x2x4x4xf64>
}

func.func @max_pool_asymmetric(%x: tensor<1x3x6x7xf64>) -> tensor<1x3x6x3xf64> {
  %y = adj.max_pool2d %x kernel [2, 3] stride [1, 2] padding [0, 1, 1, 0]
      : tensor<1x3x6x7xf64> -> tensor<1x3x6x3xf64>
  return %y : tensor<1x3x6x3xf64>
}

// The derivative ops of max_pool2d are linear in `source`.
func.func @max_pool_scatter(%x: tensor<1x2x6x7xf64>, %s: tensor<1x2x3x3xf64>)
    -> tensor<1x2x6x7xf64> {
  %y = adj.max_pool2d_scatter %x, %s kernel [3, 3] stride [2, 2]
      padding [1, 0, 0, 0]
      : tensor<1x2x6x7xf64>, tensor<1x2x3x3xf64> -> tensor<1x2x6x7xf64>
  return %y : tensor<1x2x6x7xf64>
}

func.func @max_pool_gather(%x: tensor<1x2x6x7xf64>, %s: tensor<1x2x6x7xf64>)
    -> tensor<1x2x3x3xf64> {
  %y = adj.max_pool2d_gather %x, %s kernel [3, 3] stride [2, 2]
      padding [1, 0, 0, 0]
      : tensor<1x2x6x7xf64>, tensor<1x2x6x7xf64> -> tensor<1x2x3x3xf64>
  return %y : tensor<1x2x3x3xf64>
}

func.func @avg_pool(%x: tensor<2x2x7x6xf64>) -> tensor<2x2x4x3xf64> {
  %y = adj.avg_pool2d %x kernel [3, 3] stride [2, 2] padding [1, 1, 1, 0]
      : tensor<2x2x7x6xf64> -> tensor<2x2x4x3xf64>
  return %y : tensor<2x2x4x3xf64>
}

func.func @avg_pool_exclude(%x: tensor<2x2x7x6xf64>) -> tensor<2x2x4x3xf64> {
  %y = adj.avg_pool2d %x kernel [3, 3] stride [2, 2] padding [1, 1, 1, 0]
      exclude_padding : tensor<2x2x7x6xf64> -> tensor<2x2x4x3xf64>
  return %y : tensor<2x2x4x3xf64>
}

func.func @avg_pool_exclude_asymmetric(%x: tensor<1x3x5x8xf64>)
    -> tensor<1x3x5x4xf64> {
  %y = adj.avg_pool2d %x kernel [2, 3] stride [1, 2] padding [1, 0, 0, 1]
      exclude_padding : tensor<1x3x5x8xf64> -> tensor<1x3x5x4xf64>
  return %y : tensor<1x3x5x4xf64>
}

func.func @avg_pool_default_stride(%x: tensor<1x2x6x6xf64>) -> tensor<1x2x3x3xf64> {
  %y = adj.avg_pool2d %x kernel [2, 2] : tensor<1x2x6x6xf64> -> tensor<1x2x3x3xf64>
  return %y : tensor<1x2x3x3xf64>
}

// Windows that tile the input (stride = kernel): ct broadcast into each
// window; a non-square kernel, then exclude_padding (no padding: the same).
func.func @avg_pool_tiling(%x: tensor<2x3x4x9xf64>) -> tensor<2x3x2x3xf64> {
  %y = adj.avg_pool2d %x kernel [2, 3] : tensor<2x3x4x9xf64> -> tensor<2x3x2x3xf64>
  return %y : tensor<2x3x2x3xf64>
}

func.func @avg_pool_tiling_exclude(%x: tensor<1x2x6x4xf64>) -> tensor<1x2x2x2xf64> {
  %y = adj.avg_pool2d %x kernel [3, 2] exclude_padding
      : tensor<1x2x6x4xf64> -> tensor<1x2x2x2xf64>
  return %y : tensor<1x2x2x2xf64>
}

// stride = kernel with a row and a column left over: the transposed window.
func.func @avg_pool_leftover(%x: tensor<1x2x7x5xf64>) -> tensor<1x2x3x2xf64> {
  %y = adj.avg_pool2d %x kernel [2, 2] : tensor<1x2x7x5xf64> -> tensor<1x2x3x2xf64>
  return %y : tensor<1x2x3x2xf64>
}

func.func @layer_norm(%x: tensor<3x5xf64>, %g: tensor<5xf64>, %b: tensor<5xf64>)
    -> tensor<3x5xf64> {
  %y = adj.layer_norm %x, %g, %b axis 1
      : tensor<3x5xf64>, tensor<5xf64>, tensor<5xf64>
  return %y : tensor<3x5xf64>
}

func.func @layer_norm_2d(%x: tensor<2x3x4xf64>, %g: tensor<3x4xf64>,
                         %b: tensor<3x4xf64>) -> tensor<2x3x4xf64> {
  %y = adj.layer_norm %x, %g, %b axis 1 epsilon 1.0e-3
      : tensor<2x3x4xf64>, tensor<3x4xf64>, tensor<3x4xf64>
  return %y : tensor<2x3x4xf64>
}

func.func @batch_norm(%x: tensor<3x2x3x2xf64>, %g: tensor<2xf64>, %b: tensor<2xf64>)
    -> (tensor<3x2x3x2xf64>, tensor<2xf64>, tensor<2xf64>) {
  %y, %mean, %var = adj.batch_norm %x, %g, %b
      : tensor<3x2x3x2xf64>, tensor<2xf64>, tensor<2xf64>
  return %y, %mean, %var : tensor<3x2x3x2xf64>, tensor<2xf64>, tensor<2xf64>
}

func.func @batch_norm_rank2(%x: tensor<5x3xf64>, %g: tensor<3xf64>, %b: tensor<3xf64>)
    -> (tensor<5x3xf64>, tensor<3xf64>, tensor<3xf64>) {
  %y, %mean, %var = adj.batch_norm %x, %g, %b epsilon 1.0e-2
      : tensor<5x3xf64>, tensor<3xf64>, tensor<3xf64>
  return %y, %mean, %var : tensor<5x3xf64>, tensor<3xf64>, tensor<3xf64>
}

//===----------------------------------------------------------------------===//
// Second derivatives: the derivatives above are adj ops, differentiated again.
//===----------------------------------------------------------------------===//

func.func private @p_conv(%x: tensor<2x4x9x8xf64>, %w: tensor<6x2x3x3xf64>)
    -> tensor<2x6x4x3xf64> {
  %y = adj.conv2d %x, %w stride [2, 2] padding [1, 0, 2, 1] dilation [2, 2]
      groups 2 : tensor<2x4x9x8xf64>, tensor<6x2x3x3xf64> -> tensor<2x6x4x3xf64>
  return %y : tensor<2x6x4x3xf64>
}

func.func @second_conv(%x: tensor<2x4x9x8xf64>, %w: tensor<6x2x3x3xf64>,
                       %ct: tensor<2x6x4x3xf64>)
    -> (tensor<2x4x9x8xf64>, tensor<6x2x3x3xf64>) {
  %y, %dx, %dw = adj.vjp @p_conv(%x, %w) cotangents(%ct)
      : (tensor<2x4x9x8xf64>, tensor<6x2x3x3xf64>, tensor<2x6x4x3xf64>)
      -> (tensor<2x6x4x3xf64>, tensor<2x4x9x8xf64>, tensor<6x2x3x3xf64>)
  return %dx, %dw : tensor<2x4x9x8xf64>, tensor<6x2x3x3xf64>
}

func.func private @p_conv_cropped(%x: tensor<1x3x5x5xf64>, %w: tensor<6x1x1x2xf64>)
    -> tensor<1x6x6x4xf64> {
  %y = adj.conv2d %x, %w stride [2, 2] padding [3, 2, 3, 2] groups 3
      : tensor<1x3x5x5xf64>, tensor<6x1x1x2xf64> -> tensor<1x6x6x4xf64>
  return %y : tensor<1x6x6x4xf64>
}

func.func @second_conv_cropped(%x: tensor<1x3x5x5xf64>, %w: tensor<6x1x1x2xf64>,
                               %ct: tensor<1x6x6x4xf64>)
    -> (tensor<1x3x5x5xf64>, tensor<6x1x1x2xf64>) {
  %y, %dx, %dw = adj.vjp @p_conv_cropped(%x, %w) cotangents(%ct)
      : (tensor<1x3x5x5xf64>, tensor<6x1x1x2xf64>, tensor<1x6x6x4xf64>)
      -> (tensor<1x6x6x4xf64>, tensor<1x3x5x5xf64>, tensor<6x1x1x2xf64>)
  return %dx, %dw : tensor<1x3x5x5xf64>, tensor<6x1x1x2xf64>
}

func.func private @p_max_pool(%x: tensor<1x2x7x7xf64>) -> tensor<1x2x4x4xf64> {
  %y = adj.max_pool2d %x kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1]
      : tensor<1x2x7x7xf64> -> tensor<1x2x4x4xf64>
  return %y : tensor<1x2x4x4xf64>
}

func.func @second_max_pool(%x: tensor<1x2x7x7xf64>, %ct: tensor<1x2x4x4xf64>,
                           %t: tensor<1x2x7x7xf64>)
    -> (tensor<1x2x7x7xf64>, tensor<1x2x4x4xf64>) {
  %y, %dx = adj.vjp @p_max_pool(%x) cotangents(%ct)
      : (tensor<1x2x7x7xf64>, tensor<1x2x4x4xf64>)
      -> (tensor<1x2x4x4xf64>, tensor<1x2x7x7xf64>)
  %y2, %ty = adj.jvp @p_max_pool(%x) tangents(%t)
      : (tensor<1x2x7x7xf64>, tensor<1x2x7x7xf64>)
      -> (tensor<1x2x4x4xf64>, tensor<1x2x4x4xf64>)
  return %dx, %ty : tensor<1x2x7x7xf64>, tensor<1x2x4x4xf64>
}

func.func private @p_avg_pool(%x: tensor<2x2x7x6xf64>) -> tensor<2x2x4x3xf64> {
  %y = adj.avg_pool2d %x kernel [3, 3] stride [2, 2] padding [1, 1, 1, 0]
      exclude_padding : tensor<2x2x7x6xf64> -> tensor<2x2x4x3xf64>
  return %y : tensor<2x2x4x3xf64>
}

func.func @second_avg_pool(%x: tensor<2x2x7x6xf64>, %ct: tensor<2x2x4x3xf64>)
    -> tensor<2x2x7x6xf64> {
  %y, %dx = adj.vjp @p_avg_pool(%x) cotangents(%ct)
      : (tensor<2x2x7x6xf64>, tensor<2x2x4x3xf64>)
      -> (tensor<2x2x4x3xf64>, tensor<2x2x7x6xf64>)
  return %dx : tensor<2x2x7x6xf64>
}

func.func private @p_softmax(%x: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %y = adj.softmax %x axis 1 : tensor<3x5xf64>
  return %y : tensor<3x5xf64>
}

func.func @second_softmax(%x: tensor<3x5xf64>, %ct: tensor<3x5xf64>)
    -> tensor<3x5xf64> {
  %y, %dx = adj.vjp @p_softmax(%x) cotangents(%ct)
      : (tensor<3x5xf64>, tensor<3x5xf64>) -> (tensor<3x5xf64>, tensor<3x5xf64>)
  return %dx : tensor<3x5xf64>
}

func.func private @p_log_softmax(%x: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %y = adj.log_softmax %x axis 1 : tensor<3x5xf64>
  return %y : tensor<3x5xf64>
}

func.func @second_log_softmax(%x: tensor<3x5xf64>, %ct: tensor<3x5xf64>,
                              %t: tensor<3x5xf64>)
    -> (tensor<3x5xf64>, tensor<3x5xf64>) {
  %y, %dx = adj.vjp @p_log_softmax(%x) cotangents(%ct)
      : (tensor<3x5xf64>, tensor<3x5xf64>) -> (tensor<3x5xf64>, tensor<3x5xf64>)
  %y2, %ty = adj.jvp @p_log_softmax(%x) tangents(%t)
      : (tensor<3x5xf64>, tensor<3x5xf64>) -> (tensor<3x5xf64>, tensor<3x5xf64>)
  return %dx, %ty : tensor<3x5xf64>, tensor<3x5xf64>
}

func.func private @p_sce(%logits: tensor<4x5xf64>) -> tensor<f64> {
  %labels = adj.constant dense<[3, 0, 4, 3]> : tensor<4xi64>
  %loss = adj.softmax_cross_entropy %logits, %labels
      : tensor<4x5xf64>, tensor<4xi64> -> tensor<f64>
  return %loss : tensor<f64>
}

func.func @second_sce(%logits: tensor<4x5xf64>) -> tensor<4x5xf64> {
  %d = adj.grad @p_sce(%logits) : (tensor<4x5xf64>) -> tensor<4x5xf64>
  return %d : tensor<4x5xf64>
}

func.func private @p_layer_norm(%x: tensor<2x3x4xf64>, %g: tensor<3x4xf64>,
                                %b: tensor<3x4xf64>) -> tensor<2x3x4xf64> {
  %y = adj.layer_norm %x, %g, %b axis 1 epsilon 1.0e-3
      : tensor<2x3x4xf64>, tensor<3x4xf64>, tensor<3x4xf64>
  return %y : tensor<2x3x4xf64>
}

func.func @second_layer_norm(%x: tensor<2x3x4xf64>, %g: tensor<3x4xf64>,
                             %b: tensor<3x4xf64>, %ct: tensor<2x3x4xf64>)
    -> (tensor<2x3x4xf64>, tensor<3x4xf64>, tensor<3x4xf64>) {
  %y, %dx, %dg, %db = adj.vjp @p_layer_norm(%x, %g, %b) cotangents(%ct)
      : (tensor<2x3x4xf64>, tensor<3x4xf64>, tensor<3x4xf64>, tensor<2x3x4xf64>)
      -> (tensor<2x3x4xf64>, tensor<2x3x4xf64>, tensor<3x4xf64>, tensor<3x4xf64>)
  return %dx, %dg, %db : tensor<2x3x4xf64>, tensor<3x4xf64>, tensor<3x4xf64>
}

func.func private @p_batch_norm(%x: tensor<3x2x3x2xf64>, %g: tensor<2xf64>,
                                %b: tensor<2xf64>)
    -> (tensor<3x2x3x2xf64>, tensor<2xf64>, tensor<2xf64>) {
  %y, %mean, %var = adj.batch_norm %x, %g, %b
      : tensor<3x2x3x2xf64>, tensor<2xf64>, tensor<2xf64>
  return %y, %mean, %var : tensor<3x2x3x2xf64>, tensor<2xf64>, tensor<2xf64>
}

// The cotangents come first: --check-grad draws its random cotangents from
// the same stream as the inputs, and a cotangent of dx equal to x would make
// d/dscale vanish (x̂'s Jacobian maps x to ~0).
func.func @second_batch_norm(%cy: tensor<3x2x3x2xf64>, %cm: tensor<2xf64>,
                             %cv: tensor<2xf64>, %x: tensor<3x2x3x2xf64>,
                             %g: tensor<2xf64>, %b: tensor<2xf64>)
    -> (tensor<3x2x3x2xf64>, tensor<2xf64>, tensor<2xf64>) {
  %y, %m, %v, %dx, %dg, %db = adj.vjp @p_batch_norm(%x, %g, %b)
      cotangents(%cy, %cm, %cv)
      : (tensor<3x2x3x2xf64>, tensor<2xf64>, tensor<2xf64>,
         tensor<3x2x3x2xf64>, tensor<2xf64>, tensor<2xf64>)
      -> (tensor<3x2x3x2xf64>, tensor<2xf64>, tensor<2xf64>,
          tensor<3x2x3x2xf64>, tensor<2xf64>, tensor<2xf64>)
  return %dx, %dg, %db : tensor<3x2x3x2xf64>, tensor<2xf64>, tensor<2xf64>
}
