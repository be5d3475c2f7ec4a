// RUN: adjoint-opt %s -adj-differentiate -split-input-file | FileCheck %s

// softmax: dx = y (ct - sum(ct y)); its Jacobian is symmetric, so the tangent
// is the same formula.

func.func @f(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %y = adj.softmax %x axis 1 : tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}
func.func @vjp(%x: tensor<2x5xf32>, %ct: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %y, %dx = adj.vjp @f(%x) cotangents(%ct)
      : (tensor<2x5xf32>, tensor<2x5xf32>) -> (tensor<2x5xf32>, tensor<2x5xf32>)
  return %dx : tensor<2x5xf32>
}
func.func @jvp(%x: tensor<2x5xf32>, %t: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %y, %ty = adj.jvp @f(%x) tangents(%t)
      : (tensor<2x5xf32>, tensor<2x5xf32>) -> (tensor<2x5xf32>, tensor<2x5xf32>)
  return %ty : tensor<2x5xf32>
}

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<2x5xf32>, %[[T:.*]]: tensor<2x5xf32>)
// CHECK:         %[[Y:.*]] = adj.softmax %[[X]] axis 1
// CHECK:         %[[TY:.*]] = adj.mul %[[T]], %[[Y]]
// CHECK:         %[[DOT:.*]] = adj.sum %[[TY]] axes [1] keepdims
// CHECK:         %[[D:.*]] = adj.sub %[[T]], %[[DOT]]
// CHECK:         %[[R:.*]] = adj.mul %[[Y]], %[[D]]
// CHECK:         return %[[Y]], %[[R]]

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<2x5xf32>, %[[CT:.*]]: tensor<2x5xf32>)
// CHECK:         %[[Y:.*]] = adj.softmax %[[X]] axis 1
// CHECK:         %[[CY:.*]] = adj.mul %[[CT]], %[[Y]]
// CHECK:         %[[DOT:.*]] = adj.sum %[[CY]] axes [1] keepdims
// CHECK:         %[[D:.*]] = adj.sub %[[CT]], %[[DOT]]
// CHECK:         %[[DX:.*]] = adj.mul %[[Y]], %[[D]]
// CHECK:         return %[[Y]], %[[DX]]
// -----

// log_softmax: dx = ct - exp(y) sum(ct), ty = t - sum(exp(y) t).

func.func @f(%x: tensor<2x5xf64>) -> tensor<2x5xf64> {
  %y = adj.log_softmax %x axis 1 : tensor<2x5xf64>
  return %y : tensor<2x5xf64>
}
func.func @vjp(%x: tensor<2x5xf64>, %ct: tensor<2x5xf64>) -> tensor<2x5xf64> {
  %y, %dx = adj.vjp @f(%x) cotangents(%ct)
      : (tensor<2x5xf64>, tensor<2x5xf64>) -> (tensor<2x5xf64>, tensor<2x5xf64>)
  return %dx : tensor<2x5xf64>
}
func.func @jvp(%x: tensor<2x5xf64>, %t: tensor<2x5xf64>) -> tensor<2x5xf64> {
  %y, %ty = adj.jvp @f(%x) tangents(%t)
      : (tensor<2x5xf64>, tensor<2x5xf64>) -> (tensor<2x5xf64>, tensor<2x5xf64>)
  return %ty : tensor<2x5xf64>
}

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<2x5xf64>, %[[T:.*]]: tensor<2x5xf64>)
// CHECK:         %[[Y:.*]] = adj.log_softmax %[[X]] axis 1
// CHECK:         %[[P:.*]] = adj.exp %[[Y]]
// CHECK:         %[[PT:.*]] = adj.mul %[[P]], %[[T]]
// CHECK:         %[[E:.*]] = adj.sum %[[PT]] axes [1] keepdims
// CHECK:         %[[TY:.*]] = adj.sub %[[T]], %[[E]]
// CHECK:         return %[[Y]], %[[TY]]

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<2x5xf64>, %[[CT:.*]]: tensor<2x5xf64>)
// CHECK:         %[[Y:.*]] = adj.log_softmax %[[X]] axis 1
// CHECK:         %[[P:.*]] = adj.exp %[[Y]]
// CHECK:         %[[S:.*]] = adj.sum %[[CT]] axes [1] keepdims
// CHECK:         %[[PS:.*]] = adj.mul %[[P]], %[[S]]
// CHECK:         %[[DX:.*]] = adj.sub %[[CT]], %[[PS]]
// CHECK:         return %[[Y]], %[[DX]]
// -----

// softmax_cross_entropy: (softmax(logits) - one_hot(labels)) scaled by the
// cotangent, and by 1/N for the mean; the labels get no cotangent.

func.func @f(%logits: tensor<4x3xf32>, %labels: tensor<4xi64>) -> tensor<f32> {
  %loss = adj.softmax_cross_entropy %logits, %labels
      : tensor<4x3xf32>, tensor<4xi64> -> tensor<f32>
  return %loss : tensor<f32>
}
func.func @grad(%logits: tensor<4x3xf32>, %labels: tensor<4xi64>) -> tensor<4x3xf32> {
  %d = adj.grad @f(%logits, %labels)
      : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<4x3xf32>
  return %d : tensor<4x3xf32>
}
func.func @jvp(%logits: tensor<4x3xf32>, %labels: tensor<4xi64>,
               %t: tensor<4x3xf32>) -> tensor<f32> {
  %loss, %tl = adj.jvp @f(%logits, %labels) tangents(%t)
      : (tensor<4x3xf32>, tensor<4xi64>, tensor<4x3xf32>)
      -> (tensor<f32>, tensor<f32>)
  return %tl : tensor<f32>
}

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[L:.*]]: tensor<4x3xf32>, %[[LABELS:.*]]: tensor<4xi64>, %[[T:.*]]: tensor<4x3xf32>)
// CHECK:         %[[P:.*]] = adj.softmax %[[L]] axis 1
// CHECK:         %[[Y:.*]] = adj.one_hot %[[LABELS]] in_range : tensor<4xi64> -> tensor<4x3xf32>
// CHECK:         %[[G:.*]] = adj.sub %[[P]], %[[Y]]
// CHECK:         %[[GT:.*]] = adj.mul %[[G]], %[[T]]
// CHECK:         %[[ROWS:.*]] = adj.sum %[[GT]] axes [1]
// CHECK:         %[[TOTAL:.*]] = adj.sum %[[ROWS]] axes [0]
// CHECK:         %[[N:.*]] = adj.constant dense<2.500000e-01> : tensor<f32>
// CHECK:         %[[MEAN:.*]] = adj.mul %[[TOTAL]], %[[N]]
// CHECK:         return %{{.*}}, %[[MEAN]]

// CHECK-LABEL: func.func private @f_grad(
// CHECK:         %[[P:.*]] = adj.softmax %{{.*}} axis 1
// CHECK:         %[[Y:.*]] = adj.one_hot
// CHECK:         %[[G:.*]] = adj.sub %[[P]], %[[Y]]
// CHECK:         %[[GS:.*]] = adj.mul %[[G]], %{{.*}} : tensor<4x3xf32>, tensor<f32>
// CHECK:         %[[N:.*]] = adj.constant dense<2.500000e-01> : tensor<f32>
// CHECK:         %[[D:.*]] = adj.mul %[[GS]], %[[N]]
// CHECK:         return %{{.*}}, %[[D]] : tensor<f32>, tensor<4x3xf32>
// -----

// reduction none: the per-example cotangent scales its row.

func.func @f(%logits: tensor<4x3xf32>, %labels: tensor<4xi32>) -> tensor<4xf32> {
  %loss = adj.softmax_cross_entropy %logits, %labels reduction none
      : tensor<4x3xf32>, tensor<4xi32> -> tensor<4xf32>
  return %loss : tensor<4xf32>
}
func.func @vjp(%logits: tensor<4x3xf32>, %labels: tensor<4xi32>,
               %ct: tensor<4xf32>) -> tensor<4x3xf32> {
  %loss, %d = adj.vjp @f(%logits, %labels) cotangents(%ct)
      : (tensor<4x3xf32>, tensor<4xi32>, tensor<4xf32>)
      -> (tensor<4xf32>, tensor<4x3xf32>)
  return %d : tensor<4x3xf32>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[CT:[^:]*]]: tensor<4xf32>)
// CHECK:         %[[ROWS:.*]] = adj.reshape %[[CT]] : tensor<4xf32> -> tensor<4x1xf32>
// CHECK:         %[[G:.*]] = adj.sub
// CHECK:         %[[D:.*]] = adj.mul %[[G]], %[[ROWS]]
// CHECK-NOT:     adj.constant
// CHECK:         return %{{.*}}, %[[D]]
// -----

// conv2d with stride 2, asymmetric padding, dilation 2 and 2 groups.
// d input: per residue class of input positions (rows mod 2, columns mod 2),
// ct convolved with the taps of the flipped kernel (channels swapped within
// each group) that reach it; the four classes interleaved. With dilation 2
// only odd rows and even columns are reached: three classes are zero, the
// fourth uses all taps, ct padded by (k - 1) d - p, less the stride's shift.
// d weight: the input, batch as channels,
// convolved with ct as a kernel, stride and dilation swapped, without the
// last padded row no window reaches (bottom padding 2 -> 1): its output is
// the kernel's size. Tangent: conv(tx, w) + conv(x, tw).

func.func @f(%x: tensor<2x4x9x8xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<2x6x4x3xf32> {
  %y = adj.conv2d %x, %w stride [2, 2] padding [1, 0, 2, 1] dilation [2, 2]
      groups 2 : tensor<2x4x9x8xf32>, tensor<6x2x3x3xf32> -> tensor<2x6x4x3xf32>
  return %y : tensor<2x6x4x3xf32>
}
func.func @vjp(%x: tensor<2x4x9x8xf32>, %w: tensor<6x2x3x3xf32>,
               %ct: tensor<2x6x4x3xf32>)
    -> (tensor<2x4x9x8xf32>, tensor<6x2x3x3xf32>) {
  %y, %dx, %dw = adj.vjp @f(%x, %w) cotangents(%ct)
      : (tensor<2x4x9x8xf32>, tensor<6x2x3x3xf32>, tensor<2x6x4x3xf32>)
      -> (tensor<2x6x4x3xf32>, tensor<2x4x9x8xf32>, tensor<6x2x3x3xf32>)
  return %dx, %dw : tensor<2x4x9x8xf32>, tensor<6x2x3x3xf32>
}
func.func @jvp(%x: tensor<2x4x9x8xf32>, %w: tensor<6x2x3x3xf32>,
               %tx: tensor<2x4x9x8xf32>, %tw: tensor<6x2x3x3xf32>)
    -> tensor<2x6x4x3xf32> {
  %y, %ty = adj.jvp @f(%x, %w) tangents(%tx, %tw)
      : (tensor<2x4x9x8xf32>, tensor<6x2x3x3xf32>, tensor<2x4x9x8xf32>,
         tensor<6x2x3x3xf32>) -> (tensor<2x6x4x3xf32>, tensor<2x6x4x3xf32>)
  return %ty : tensor<2x6x4x3xf32>
}

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<2x4x9x8xf32>, %[[W:.*]]: tensor<6x2x3x3xf32>, %[[TX:.*]]: tensor<2x4x9x8xf32>, %[[TW:.*]]: tensor<6x2x3x3xf32>)
// CHECK:         %[[A:.*]] = adj.conv2d %[[TX]], %[[W]] stride [2, 2] padding [1, 0, 2, 1] dilation [2, 2] groups 2
// CHECK:         %[[B:.*]] = adj.conv2d %[[X]], %[[TW]] stride [2, 2] padding [1, 0, 2, 1] dilation [2, 2] groups 2
// CHECK:         %[[TY:.*]] = adj.add %[[A]], %[[B]]
// CHECK:         return %{{.*}}, %[[TY]]

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<2x4x9x8xf32>, %[[W:.*]]: tensor<6x2x3x3xf32>, %[[CT:.*]]: tensor<2x6x4x3xf32>)
// CHECK:         %[[FLIP:.*]] = adj.reverse %[[W]] dims [2, 3]
// CHECK:         %[[SPLIT:.*]] = adj.reshape %[[FLIP]] : tensor<6x2x3x3xf32> -> tensor<2x3x2x3x3xf32>
// CHECK:         %[[SWAP:.*]] = adj.transpose %[[SPLIT]] [0, 2, 1, 3, 4]
// CHECK:         %[[WT:.*]] = adj.reshape %[[SWAP]] : tensor<2x2x3x3x3xf32> -> tensor<4x3x3x3xf32>
// CHECK:         adj.constant dense<0.000000e+00> : tensor<2x4x5x4xf32>
// CHECK:         %[[PART:.*]] = adj.conv2d %[[CT]], %[[WT]] padding [1, 2, 1, 1] groups 2 : tensor<2x6x4x3xf32>, tensor<4x3x3x3xf32> -> tensor<2x4x4x4xf32>
// CHECK:         adj.pad %[[PART]] low [0, 0, 0, 0] high [0, 0, 1, 0] : tensor<2x4x4x4xf32> -> tensor<2x4x5x4xf32>
// CHECK:         %[[ROWS:.*]] = adj.concat %{{.*}}, %{{.*}} axis 3 : tensor<2x4x5x1x4x2xf32>, tensor<2x4x5x1x4x2xf32> -> tensor<2x4x5x2x4x2xf32>
// CHECK:         %[[IL:.*]] = adj.reshape %[[ROWS]] : tensor<2x4x5x2x4x2xf32> -> tensor<2x4x10x8xf32>
// CHECK:         %[[DX:.*]] = adj.slice %[[IL]] start [0, 0, 0, 0] limit [2, 4, 9, 8]
// CHECK:         %[[XS:.*]] = adj.reshape %[[X]] : tensor<2x4x9x8xf32> -> tensor<2x2x2x9x8xf32>
// CHECK:         %[[XT:.*]] = adj.transpose %[[XS]] [2, 1, 0, 3, 4]
// CHECK:         %[[XB:.*]] = adj.reshape %[[XT]] : tensor<2x2x2x9x8xf32> -> tensor<2x4x9x8xf32>
// CHECK:         %[[CTT:.*]] = adj.transpose %[[CT]] [1, 0, 2, 3]
// CHECK:         %[[DWT:.*]] = adj.conv2d %[[XB]], %[[CTT]] stride [2, 2] padding [1, 0, 1, 1] dilation [2, 2] groups 2 : tensor<2x4x9x8xf32>, tensor<6x2x4x3xf32> -> tensor<2x6x3x3xf32>
// CHECK:         %[[DW:.*]] = adj.transpose %[[DWT]] [1, 0, 2, 3]
// CHECK:         return %{{.*}}, %[[DX]], %[[DW]]
// -----

// Stride 2 without padding: the last row and column of the input, which no
// window reaches, are left out of the weight's cotangent.

func.func @f(%x: tensor<1x1x8x8xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %y = adj.conv2d %x, %w stride [2, 2] : tensor<1x1x8x8xf32>, tensor<1x1x3x3xf32> -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}
func.func @vjp(%x: tensor<1x1x8x8xf32>, %w: tensor<1x1x3x3xf32>,
               %ct: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %y, %dw = adj.vjp @f(%x, %w) cotangents(%ct) wrt [1]
      : (tensor<1x1x8x8xf32>, tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>)
      -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>)
  return %dw : tensor<1x1x3x3xf32>
}

// CHECK-LABEL: func.func private @f_vjp_wrt_1(
// CHECK:         %[[XS:.*]] = adj.slice %{{.*}} start [0, 0, 0, 0] limit [1, 1, 7, 7] : tensor<1x1x8x8xf32> -> tensor<1x1x7x7xf32>
// CHECK:         adj.conv2d %{{.*}}, %{{.*}} dilation [2, 2] : tensor<1x1x7x7xf32>, tensor<1x1x3x3xf32> -> tensor<1x1x3x3xf32>
// CHECK-NOT:     adj.slice
// CHECK:         return
// -----

// Windows that tile the input (stride = kernel, no padding): the input's
// cotangent is one matmul of ct, per output pixel, by the weight, laid back
// into the windows; no convolution.

func.func @f(%x: tensor<2x3x6x4xf32>, %w: tensor<5x3x3x2xf32>) -> tensor<2x5x2x2xf32> {
  %y = adj.conv2d %x, %w stride [3, 2] : tensor<2x3x6x4xf32>, tensor<5x3x3x2xf32> -> tensor<2x5x2x2xf32>
  return %y : tensor<2x5x2x2xf32>
}
func.func @vjp(%x: tensor<2x3x6x4xf32>, %w: tensor<5x3x3x2xf32>,
               %ct: tensor<2x5x2x2xf32>) -> tensor<2x3x6x4xf32> {
  %y, %dx = adj.vjp @f(%x, %w) cotangents(%ct) wrt [0]
      : (tensor<2x3x6x4xf32>, tensor<5x3x3x2xf32>, tensor<2x5x2x2xf32>)
      -> (tensor<2x5x2x2xf32>, tensor<2x3x6x4xf32>)
  return %dx : tensor<2x3x6x4xf32>
}

// CHECK-LABEL: func.func private @f_vjp_wrt_0(
// CHECK:         %[[CTT:.*]] = adj.transpose %{{.*}} [0, 2, 3, 1] : tensor<2x5x2x2xf32> -> tensor<2x2x2x5xf32>
// CHECK:         %[[ROWS:.*]] = adj.reshape %[[CTT]] : tensor<2x2x2x5xf32> -> tensor<8x5xf32>
// CHECK:         %[[WM:.*]] = adj.reshape %{{.*}} : tensor<5x3x3x2xf32> -> tensor<5x18xf32>
// CHECK:         %[[P:.*]] = adj.matmul %[[ROWS]], %[[WM]] : tensor<8x5xf32>, tensor<5x18xf32> -> tensor<8x18xf32>
// CHECK:         %[[WIN:.*]] = adj.reshape %[[P]] : tensor<8x18xf32> -> tensor<2x2x2x3x3x2xf32>
// CHECK:         %[[T:.*]] = adj.transpose %[[WIN]] [0, 3, 1, 4, 2, 5]
// CHECK:         %[[DX:.*]] = adj.reshape %[[T]] : tensor<2x3x2x3x2x2xf32> -> tensor<2x3x6x4xf32>
// CHECK-NOT:     adj.conv2d
// CHECK:         return %{{.*}}, %[[DX]]
// -----

// Only the input is differentiated: no weight cotangent is built. The
// padding is wider than the kernel's span: ct's rows and columns that only
// saw padding are cropped. Rows of even residue are reached by no window.

func.func @f(%x: tensor<1x3x5x5xf32>, %w: tensor<2x3x1x2xf32>) -> tensor<1x2x6x4xf32> {
  %y = adj.conv2d %x, %w stride [2, 2] padding [3, 2, 3, 2]
      : tensor<1x3x5x5xf32>, tensor<2x3x1x2xf32> -> tensor<1x2x6x4xf32>
  return %y : tensor<1x2x6x4xf32>
}
func.func @vjp(%x: tensor<1x3x5x5xf32>, %w: tensor<2x3x1x2xf32>,
               %ct: tensor<1x2x6x4xf32>) -> tensor<1x3x5x5xf32> {
  %y, %dx = adj.vjp @f(%x, %w) cotangents(%ct) wrt [0]
      : (tensor<1x3x5x5xf32>, tensor<2x3x1x2xf32>, tensor<1x2x6x4xf32>)
      -> (tensor<1x2x6x4xf32>, tensor<1x3x5x5xf32>)
  return %dx : tensor<1x3x5x5xf32>
}

// CHECK-LABEL: func.func private @f_vjp_wrt_0(
// CHECK:         %[[ZERO:.*]] = adj.constant dense<0.000000e+00> : tensor<1x3x3x3xf32>
// CHECK:         %[[TAP1:.*]] = adj.slice %{{.*}} start [0, 0, 0, 1] limit [3, 2, 1, 2] stride [1, 1, 2, 2] : tensor<3x2x1x2xf32> -> tensor<3x2x1x1xf32>
// CHECK:         %[[CROP1:.*]] = adj.slice %{{.*}} start [0, 0, 2, 1] limit [1, 2, 4, 4] : tensor<1x2x6x4xf32> -> tensor<1x2x2x3xf32>
// CHECK:         adj.conv2d %[[CROP1]], %[[TAP1]] : tensor<1x2x2x3xf32>, tensor<3x2x1x1xf32> -> tensor<1x3x2x3xf32>
// CHECK:         %[[TAP0:.*]] = adj.slice %{{.*}} start [0, 0, 0, 0] limit [3, 2, 1, 2] stride [1, 1, 2, 2] : tensor<3x2x1x2xf32> -> tensor<3x2x1x1xf32>
// CHECK:         %[[CROP0:.*]] = adj.slice %{{.*}} start [0, 0, 2, 1] limit [1, 2, 4, 3] : tensor<1x2x6x4xf32> -> tensor<1x2x2x2xf32>
// CHECK:         adj.conv2d %[[CROP0]], %[[TAP0]] : tensor<1x2x2x2xf32>, tensor<3x2x1x1xf32> -> tensor<1x3x2x2xf32>
// CHECK-NOT:     adj.conv2d
// CHECK:         %[[IL:.*]] = adj.reshape %{{.*}} : tensor<1x3x3x2x3x2xf32> -> tensor<1x3x6x6xf32>
// CHECK:         %[[DX:.*]] = adj.slice %[[IL]] start [0, 0, 0, 0] limit [1, 3, 5, 5]
// CHECK:         return %{{.*}}, %[[DX]]
// -----

// A 5x5 stride-3 kernel: the nine residue classes are one convolution of ct
// with 18 = 9 x 2 output channels, each class's taps (1 or 2 per dimension)
// zero-padded to a 2x2 kernel (36 taps for 25: merged), and one transpose
// interleaves the classes.

func.func @f(%x: tensor<1x2x7x7xf32>, %w: tensor<3x2x5x5xf32>) -> tensor<1x3x3x3xf32> {
  %y = adj.conv2d %x, %w stride [3, 3] padding [2, 2, 2, 2]
      : tensor<1x2x7x7xf32>, tensor<3x2x5x5xf32> -> tensor<1x3x3x3xf32>
  return %y : tensor<1x3x3x3xf32>
}
func.func @vjp(%x: tensor<1x2x7x7xf32>, %w: tensor<3x2x5x5xf32>,
               %ct: tensor<1x3x3x3xf32>) -> tensor<1x2x7x7xf32> {
  %y, %dx = adj.vjp @f(%x, %w) cotangents(%ct) wrt [0]
      : (tensor<1x2x7x7xf32>, tensor<3x2x5x5xf32>, tensor<1x3x3x3xf32>)
      -> (tensor<1x3x3x3xf32>, tensor<1x2x7x7xf32>)
  return %dx : tensor<1x2x7x7xf32>
}

// CHECK-LABEL: func.func private @f_vjp_wrt_0(
// CHECK-SAME:      %[[X:.*]]: tensor<1x2x7x7xf32>, %[[W:.*]]: tensor<3x2x5x5xf32>, %[[CT:.*]]: tensor<1x3x3x3xf32>)
// CHECK:         %[[FLIP:.*]] = adj.reverse %[[W]] dims [2, 3]
// CHECK:         %[[WT:.*]] = adj.transpose %[[FLIP]] [1, 0, 2, 3] : tensor<3x2x5x5xf32> -> tensor<2x3x5x5xf32>
// CHECK:         %[[T00:.*]] = adj.slice %[[WT]] start [0, 0, 2, 2] limit [2, 3, 5, 5] stride [1, 1, 3, 3] : tensor<2x3x5x5xf32> -> tensor<2x3x1x1xf32>
// CHECK:         %[[K00:.*]] = adj.pad %[[T00]] low [0, 0, 0, 0] high [0, 0, 1, 1] : tensor<2x3x1x1xf32> -> tensor<2x3x2x2xf32>
// CHECK:         %[[K22:.*]] = adj.slice %[[WT]] start [0, 0, 0, 0] limit [2, 3, 5, 5] stride [1, 1, 3, 3] : tensor<2x3x5x5xf32> -> tensor<2x3x2x2xf32>
// CHECK:         %[[K:.*]] = adj.concat %[[K00]], {{.*}}, %[[K22]] axis 0 : {{.*}} -> tensor<18x3x2x2xf32>
// CHECK:         %[[ALL:.*]] = adj.conv2d %[[CT]], %[[K]] padding [0, 0, 1, 1] : tensor<1x3x3x3xf32>, tensor<18x3x2x2xf32> -> tensor<1x18x3x3xf32>
// CHECK-NOT:     adj.conv2d
// CHECK:         %[[SPLIT:.*]] = adj.reshape %[[ALL]] : tensor<1x18x3x3xf32> -> tensor<1x3x3x2x3x3xf32>
// CHECK:         %[[IL:.*]] = adj.transpose %[[SPLIT]] [0, 3, 4, 1, 5, 2] : tensor<1x3x3x2x3x3xf32> -> tensor<1x2x3x3x3x3xf32>
// CHECK:         %[[FULL:.*]] = adj.reshape %[[IL]] : tensor<1x2x3x3x3x3xf32> -> tensor<1x2x9x9xf32>
// CHECK:         %[[DX:.*]] = adj.slice %[[FULL]] start [0, 0, 0, 0] limit [1, 2, 7, 7]
// CHECK:         return %{{.*}}, %[[DX]]
// -----

// A 4x4 stride-2 kernel with padding 1: the classes' taps start one ct row
// apart, so a merged kernel would be 3x3 per class, 36 taps for 16. The
// four classes stay four convolutions.

func.func @f(%x: tensor<1x2x8x8xf32>, %w: tensor<3x2x4x4xf32>) -> tensor<1x3x4x4xf32> {
  %y = adj.conv2d %x, %w stride [2, 2] padding [1, 1, 1, 1]
      : tensor<1x2x8x8xf32>, tensor<3x2x4x4xf32> -> tensor<1x3x4x4xf32>
  return %y : tensor<1x3x4x4xf32>
}
func.func @vjp(%x: tensor<1x2x8x8xf32>, %w: tensor<3x2x4x4xf32>,
               %ct: tensor<1x3x4x4xf32>) -> tensor<1x2x8x8xf32> {
  %y, %dx = adj.vjp @f(%x, %w) cotangents(%ct) wrt [0]
      : (tensor<1x2x8x8xf32>, tensor<3x2x4x4xf32>, tensor<1x3x4x4xf32>)
      -> (tensor<1x3x4x4xf32>, tensor<1x2x8x8xf32>)
  return %dx : tensor<1x2x8x8xf32>
}

// CHECK-LABEL: func.func private @f_vjp_wrt_0(
// CHECK-COUNT-4: adj.conv2d %{{.*}} : tensor<1x3x4x4xf32>, tensor<2x3x2x2xf32> -> tensor<1x2x4x4xf32>
// CHECK-NOT:     adj.conv2d
// CHECK:         adj.concat %{{.*}} axis 3
// CHECK:         return
// -----

// max_pool2d routes through each window's first maximum: scatter in reverse
// mode, gather in forward mode.

func.func @f(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %y = adj.max_pool2d %x kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1]
      : tensor<1x2x7x7xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}
func.func @vjp(%x: tensor<1x2x7x7xf32>, %ct: tensor<1x2x4x4xf32>) -> tensor<1x2x7x7xf32> {
  %y, %dx = adj.vjp @f(%x) cotangents(%ct)
      : (tensor<1x2x7x7xf32>, tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x7x7xf32>)
  return %dx : tensor<1x2x7x7xf32>
}
func.func @jvp(%x: tensor<1x2x7x7xf32>, %t: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %y, %ty = adj.jvp @f(%x) tangents(%t)
      : (tensor<1x2x7x7xf32>, tensor<1x2x7x7xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>)
  return %ty : tensor<1x2x4x4xf32>
}

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %[[X:.*]]: tensor<1x2x7x7xf32>, %[[T:.*]]: tensor<1x2x7x7xf32>)
// CHECK:         %[[TY:.*]] = adj.max_pool2d_gather %[[X]], %[[T]] kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1]
// CHECK:         return %{{.*}}, %[[TY]]

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<1x2x7x7xf32>, %[[CT:.*]]: tensor<1x2x4x4xf32>)
// CHECK:         %[[DX:.*]] = adj.max_pool2d_scatter %[[X]], %[[CT]] kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1]
// CHECK:         return %{{.*}}, %[[DX]]
// -----

// max_pool2d_scatter and _gather are each other's transpose; their operand
// gets no cotangent.

func.func @f(%x: tensor<1x1x4x4xf32>, %s: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %y = adj.max_pool2d_scatter %x, %s kernel [2, 2]
      : tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}
func.func @vjp(%x: tensor<1x1x4x4xf32>, %s: tensor<1x1x2x2xf32>,
               %ct: tensor<1x1x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) {
  %y, %dx, %ds = adj.vjp @f(%x, %s) cotangents(%ct)
      : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>, tensor<1x1x4x4xf32>)
      -> (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>)
  return %dx, %ds : tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>
}
func.func @g(%x: tensor<1x1x4x4xf32>, %s: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %y = adj.max_pool2d_gather %x, %s kernel [2, 2]
      : tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}
func.func @g_vjp_request(%x: tensor<1x1x4x4xf32>, %s: tensor<1x1x4x4xf32>,
                         %ct: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %y, %ds = adj.vjp @g(%x, %s) cotangents(%ct) wrt [1]
      : (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>)
      -> (tensor<1x1x2x2xf32>, tensor<1x1x4x4xf32>)
  return %ds : tensor<1x1x4x4xf32>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<1x1x4x4xf32>, %{{.*}}: tensor<1x1x2x2xf32>, %[[CT:.*]]: tensor<1x1x4x4xf32>)
// CHECK:         %[[DS:.*]] = adj.max_pool2d_gather %[[X]], %[[CT]] kernel [2, 2]
// CHECK:         %[[DX:.*]] = adj.constant dense<0.000000e+00> : tensor<1x1x4x4xf32>
// CHECK:         return %{{.*}}, %[[DX]], %[[DS]]

// CHECK-LABEL: func.func private @g_vjp_wrt_1(
// CHECK-SAME:      %[[X:.*]]: tensor<1x1x4x4xf32>, %{{.*}}: tensor<1x1x4x4xf32>, %[[CT:.*]]: tensor<1x1x2x2xf32>)
// CHECK:         %[[DS:.*]] = adj.max_pool2d_scatter %[[X]], %[[CT]] kernel [2, 2]
// CHECK:         return %{{.*}}, %[[DS]]
// -----

// avg_pool2d with exclude_padding: ct divided by each window's count of
// input elements, spread over the windows by a depthwise transposed
// convolution with a kernel of ones. Its tangent is the pool of the tangent.

func.func @f(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y = adj.avg_pool2d %x kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1]
      exclude_padding : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}
func.func @vjp(%x: tensor<1x2x5x5xf32>, %ct: tensor<1x2x3x3xf32>) -> tensor<1x2x5x5xf32> {
  %y, %dx = adj.vjp @f(%x) cotangents(%ct)
      : (tensor<1x2x5x5xf32>, tensor<1x2x3x3xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x5x5xf32>)
  return %dx : tensor<1x2x5x5xf32>
}
func.func @jvp(%x: tensor<1x2x5x5xf32>, %t: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y, %ty = adj.jvp @f(%x) tangents(%t)
      : (tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>)
  return %ty : tensor<1x2x3x3xf32>
}

// CHECK-LABEL: func.func private @f_jvp(
// CHECK-SAME:      %{{.*}}: tensor<1x2x5x5xf32>, %[[T:.*]]: tensor<1x2x5x5xf32>)
// CHECK:         %[[TY:.*]] = adj.avg_pool2d %[[T]] kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1] exclude_padding
// CHECK:         return %{{.*}}, %[[TY]]

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %{{.*}}: tensor<1x2x5x5xf32>, %[[CT:.*]]: tensor<1x2x3x3xf32>)
// CHECK:         %[[COUNTS:.*]] = adj.constant dense<{{\[\[}}4.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<3x3xf32>
// CHECK:         %[[AVG:.*]] = adj.div %[[CT]], %[[COUNTS]]
// CHECK:         %[[SPREAD:.*]] = adj.pad %[[AVG]] low [0, 0, 1, 1] high [0, 0, 1, 1] interior [0, 0, 1, 1]
// CHECK:         %[[ONES:.*]] = adj.constant dense<1.000000e+00> : tensor<2x1x3x3xf32>
// CHECK:         %[[DX:.*]] = adj.conv2d %[[SPREAD]], %[[ONES]] groups 2 : tensor<1x2x7x7xf32>, tensor<2x1x3x3xf32> -> tensor<1x2x5x5xf32>
// CHECK:         return %{{.*}}, %[[DX]]
// -----

// Without exclude_padding every window divides by the kernel's size. These
// windows tile the input (stride = kernel): ct is broadcast into each one.

func.func @f(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %y = adj.avg_pool2d %x kernel [2, 2] : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}
func.func @vjp(%x: tensor<1x1x4x4xf32>, %ct: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %y, %dx = adj.vjp @f(%x) cotangents(%ct)
      : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x4x4xf32>)
  return %dx : tensor<1x1x4x4xf32>
}

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %{{.*}}: tensor<1x1x4x4xf32>, %[[CT:.*]]: tensor<1x1x2x2xf32>)
// CHECK:         %[[K:.*]] = adj.constant dense<2.500000e-01> : tensor<f32>
// CHECK:         %[[AVG:.*]] = adj.mul %[[CT]], %[[K]]
// CHECK:         %[[COL:.*]] = adj.reshape %[[AVG]] : tensor<1x1x2x2xf32> -> tensor<1x1x2x1x2x1xf32>
// CHECK:         %[[WIN:.*]] = adj.broadcast_to %[[COL]] : tensor<1x1x2x1x2x1xf32> -> tensor<1x1x2x2x2x2xf32>
// CHECK:         %[[DX:.*]] = adj.reshape %[[WIN]] : tensor<1x1x2x2x2x2xf32> -> tensor<1x1x4x4xf32>
// CHECK-NOT:     adj.conv2d
// CHECK:         return %{{.*}}, %[[DX]]
// -----

// layer_norm: with x^ = (x - mean) rsqrt(var + eps), dx = r (g - mean(g) -
// x^ mean(x^ g)) for g = ct scale; d scale and d bias sum over the leading
// dimensions.

func.func @f(%x: tensor<4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %y = adj.layer_norm %x, %g, %b axis 1 : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>
  return %y : tensor<4x8xf32>
}
func.func @vjp(%x: tensor<4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>,
               %ct: tensor<4x8xf32>)
    -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %y, %dx, %dg, %db = adj.vjp @f(%x, %g, %b) cotangents(%ct)
      : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4x8xf32>)
      -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return %dx, %dg, %db : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>
}
func.func @jvp(%x: tensor<4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>,
               %t: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y, %ty = adj.jvp @f(%x, %g, %b) tangents(%t) wrt [0]
      : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4x8xf32>)
      -> (tensor<4x8xf32>, tensor<4x8xf32>)
  return %ty : tensor<4x8xf32>
}

// CHECK-LABEL: func.func private @f_jvp_wrt_0(
// CHECK-SAME:      %[[X:.*]]: tensor<4x8xf32>, %[[G:.*]]: tensor<8xf32>, %{{.*}}: tensor<8xf32>, %[[T:.*]]: tensor<4x8xf32>)
// CHECK:         %[[MU:.*]] = adj.mean %[[X]] axes [1] keepdims
// CHECK:         %[[XC:.*]] = adj.sub %[[X]], %[[MU]]
// CHECK:         %[[SQ:.*]] = adj.square %[[XC]]
// CHECK:         adj.mean %[[SQ]] axes [1] keepdims
// CHECK:         %[[R:.*]] = adj.rsqrt
// CHECK:         %[[XHAT:.*]] = adj.mul %[[XC]], %[[R]]
// CHECK:         %[[J:.*]] = adj.mul %[[R]], %{{.*}} : tensor<4x1xf32>, tensor<4x8xf32>
// CHECK:         %[[TY:.*]] = adj.mul %[[J]], %[[G]] : tensor<4x8xf32>, tensor<8xf32>
// CHECK:         return %{{.*}}, %[[TY]]

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<4x8xf32>, %[[G:.*]]: tensor<8xf32>, %{{.*}}: tensor<8xf32>, %[[CT:.*]]: tensor<4x8xf32>)
// CHECK:         %[[XHAT:.*]] = adj.mul %{{.*}}, %[[R:.*]] : tensor<4x8xf32>, tensor<4x1xf32>
// CHECK:         %[[CTG:.*]] = adj.mul %[[CT]], %[[G]] : tensor<4x8xf32>, tensor<8xf32>
// CHECK:         %[[DX:.*]] = adj.mul %[[R]], %{{.*}} : tensor<4x1xf32>, tensor<4x8xf32>
// CHECK:         %[[CX:.*]] = adj.mul %[[CT]], %[[XHAT]]
// CHECK:         %[[DG:.*]] = adj.sum %[[CX]] axes [0] keepdims
// CHECK:         %[[DGR:.*]] = adj.reshape %[[DG]] : tensor<1x8xf32> -> tensor<8xf32>
// CHECK:         %[[DB:.*]] = adj.sum %[[CT]] axes [0] keepdims
// CHECK:         %[[DBR:.*]] = adj.reshape %[[DB]] : tensor<1x8xf32> -> tensor<8xf32>
// CHECK:         return %{{.*}}, %[[DX]], %[[DGR]], %[[DBR]]
// -----

// batch_norm: the cotangents of the batch mean (1/M each) and variance
// (2 (x - mean)/M) flow into dx too.

func.func @f(%x: tensor<4x3x2x2xf32>, %g: tensor<3xf32>, %b: tensor<3xf32>)
    -> (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y, %mean, %var = adj.batch_norm %x, %g, %b
      : tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>
  return %y, %mean, %var : tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>
}
func.func @vjp(%x: tensor<4x3x2x2xf32>, %g: tensor<3xf32>, %b: tensor<3xf32>,
               %ct: tensor<4x3x2x2xf32>, %cm: tensor<3xf32>, %cv: tensor<3xf32>)
    -> (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y, %m, %v, %dx, %dg, %db = adj.vjp @f(%x, %g, %b) cotangents(%ct, %cm, %cv)
      : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4x3x2x2xf32>,
         tensor<3xf32>, tensor<3xf32>)
      -> (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4x3x2x2xf32>,
          tensor<3xf32>, tensor<3xf32>)
  return %dx, %dg, %db : tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>
}
func.func @jvp(%x: tensor<4x3x2x2xf32>, %g: tensor<3xf32>, %b: tensor<3xf32>,
               %t: tensor<4x3x2x2xf32>)
    -> (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y, %m, %v, %ty, %tm, %tv = adj.jvp @f(%x, %g, %b) tangents(%t) wrt [0]
      : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4x3x2x2xf32>)
      -> (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4x3x2x2xf32>,
          tensor<3xf32>, tensor<3xf32>)
  return %ty, %tm, %tv : tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>
}

// CHECK-LABEL: func.func private @f_jvp_wrt_0(
// CHECK-SAME:      %[[X:.*]]: tensor<4x3x2x2xf32>, %{{.*}}: tensor<3xf32>, %{{.*}}: tensor<3xf32>, %[[T:.*]]: tensor<4x3x2x2xf32>)
// CHECK:         %[[MU:.*]] = adj.mean %[[X]] axes [0, 2, 3] keepdims
// CHECK:         %[[XC:.*]] = adj.sub %[[X]], %[[MU]]
// CHECK:         %[[GC:.*]] = adj.reshape %{{.*}} : tensor<3xf32> -> tensor<1x3x1x1xf32>
// CHECK:         %[[TY:.*]] = adj.mul %{{.*}}, %[[GC]] : tensor<4x3x2x2xf32>, tensor<1x3x1x1xf32>
// CHECK:         %[[TMU:.*]] = adj.mean %[[T]] axes [0, 2, 3] keepdims
// CHECK:         %[[TMUR:.*]] = adj.reshape %[[TMU]] : tensor<1x3x1x1xf32> -> tensor<3xf32>
// CHECK:         %[[XT:.*]] = adj.mul %[[XC]], %[[T]]
// CHECK:         %[[COV:.*]] = adj.mean %[[XT]] axes [0, 2, 3] keepdims
// CHECK:         %[[TWO:.*]] = adj.constant dense<2.000000e+00>
// CHECK:         %[[TV:.*]] = adj.mul %[[COV]], %[[TWO]]
// CHECK:         %[[TVR:.*]] = adj.reshape %[[TV]] : tensor<1x3x1x1xf32> -> tensor<3xf32>
// CHECK:         return %{{.*}}, %{{.*}}, %{{.*}}, %[[TY]], %[[TMUR]], %[[TVR]]

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<4x3x2x2xf32>, %{{.*}}: tensor<3xf32>, %{{.*}}: tensor<3xf32>, %[[CT:.*]]: tensor<4x3x2x2xf32>, %[[CM:.*]]: tensor<3xf32>, %[[CV:.*]]: tensor<3xf32>)
// CHECK:         %[[XC:.*]] = adj.sub %[[X]], %{{.*}}
// CHECK:         %[[XH:.*]] = adj.mul %[[XC]], %{{.*}} : tensor<4x3x2x2xf32>, tensor<1x3x1x1xf32>
// CHECK:         %[[S:.*]] = adj.mean %[[CT]] axes [0, 2, 3] keepdims
// CHECK:         %[[CTXH:.*]] = adj.mul %[[CT]], %[[XH]]
// CHECK:         %[[SN:.*]] = adj.mean %[[CTXH]] axes [0, 2, 3] keepdims
// CHECK-NOT:     adj.sum
// CHECK-NOT:     adj.mean
// CHECK:         %[[JY:.*]] = adj.mul %{{.*}}, %{{.*}} : tensor<1x3x1x1xf32>, tensor<4x3x2x2xf32>
// CHECK:         %[[CMC:.*]] = adj.reshape %[[CM]] : tensor<3xf32> -> tensor<1x3x1x1xf32>
// CHECK:         %[[INVM:.*]] = adj.constant dense<6.250000e-02>
// CHECK:         %[[CMS:.*]] = adj.mul %[[CMC]], %[[INVM]]
// CHECK:         %[[CMB:.*]] = adj.broadcast_to %[[CMS]] : tensor<1x3x1x1xf32> -> tensor<4x3x2x2xf32>
// CHECK:         %[[DX1:.*]] = adj.add %[[JY]], %[[CMB]]
// CHECK:         %[[CVC:.*]] = adj.reshape %[[CV]] : tensor<3xf32> -> tensor<1x3x1x1xf32>
// CHECK:         %[[TWOM:.*]] = adj.constant dense<1.250000e-01>
// CHECK:         %[[CVS:.*]] = adj.mul %[[CVC]], %[[TWOM]]
// CHECK:         %[[CVX:.*]] = adj.mul %[[XC]], %[[CVS]]
// CHECK:         %[[DX:.*]] = adj.add %[[DX1]], %[[CVX]]
// CHECK:         %[[DGM:.*]] = adj.mean %{{.*}} axes [0, 2, 3] keepdims
// CHECK:         %[[M:.*]] = adj.constant dense<1.600000e+01>
// CHECK:         %[[DGK:.*]] = adj.mul %[[DGM]], %[[M]]
// CHECK:         %[[DG:.*]] = adj.reshape %[[DGK]] : tensor<1x3x1x1xf32> -> tensor<3xf32>
// CHECK:         %[[DBM:.*]] = adj.mean %[[CT]] axes [0, 2, 3] keepdims
// CHECK:         %[[DBK:.*]] = adj.mul %[[DBM]], %{{.*}}
// CHECK:         %[[DB:.*]] = adj.reshape %[[DBK]] : tensor<1x3x1x1xf32> -> tensor<3xf32>
// CHECK:         return %{{.*}}, %{{.*}}, %{{.*}}, %[[DX]], %[[DG]], %[[DB]]
