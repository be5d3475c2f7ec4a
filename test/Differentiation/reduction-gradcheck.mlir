// RUN: adjoint-run %s --check-grad --seed 0
//
// Generated inputs never hold an exact zero, which is where the prod rule
// has its special cases: check @prod_argument_zeros again at such inputs.
// RUN: %python -c "import numpy as np; np.savez('%t.npz', arg0=np.array( \
// RUN:   [[0.5, -0.7, 0.9, 0.3], [0.6, 0.0, -0.8, 0.4], [0.0, 0.7, 0.5, 0.0], \
// RUN:    [0.0, 0.0, 0.0, 0.0]]))"
// RUN: adjoint-run %s --check-grad --fn prod_argument_zeros --inputs %t.npz

// Reverse and forward mode of the reductions against central finite
// differences: subsets of axes and all axes, with and without keepdims.

func.func @sum_axis(%x: tensor<3x4x5xf64>) -> tensor<3x5xf64> {
  %s = adj.sum %x axes [1] : tensor<3x4x5xf64> -> tensor<3x5xf64>
  %y = adj.square %s : tensor<3x5xf64>
  return %y : tensor<3x5xf64>
}

func.func @sum_axes_keepdims(%x: tensor<3x4x5xf64>) -> tensor<1x4x1xf64> {
  %s = adj.sum %x axes [2, 0] keepdims : tensor<3x4x5xf64> -> tensor<1x4x1xf64>
  return %s : tensor<1x4x1xf64>
}

func.func @sum_all(%x: tensor<3x4xf64>) -> tensor<f64> {
  %e = adj.exp %x : tensor<3x4xf64>
  %s = adj.sum %e : tensor<3x4xf64> -> tensor<f64>
  return %s : tensor<f64>
}

func.func @mean_axis_keepdims(%x: tensor<3x4x5xf64>) -> tensor<3x4x1xf64> {
  %m = adj.mean %x axes [2] keepdims : tensor<3x4x5xf64> -> tensor<3x4x1xf64>
  %y = adj.square %m : tensor<3x4x1xf64>
  return %y : tensor<3x4x1xf64>
}

func.func @mean_all(%x: tensor<4x5xf64>) -> tensor<f64> {
  %m = adj.mean %x : tensor<4x5xf64> -> tensor<f64>
  return %m : tensor<f64>
}

func.func @max_axis(%x: tensor<3x4x5xf64>) -> tensor<3x5xf64> {
  %m = adj.max %x axes [1] : tensor<3x4x5xf64> -> tensor<3x5xf64>
  return %m : tensor<3x5xf64>
}

func.func @max_all_keepdims(%x: tensor<3x4xf64>) -> tensor<1x1xf64> {
  %m = adj.max %x keepdims : tensor<3x4xf64> -> tensor<1x1xf64>
  return %m : tensor<1x1xf64>
}

func.func @min_axes(%x: tensor<3x4x5xf64>) -> tensor<4xf64> {
  %m = adj.min %x axes [0, 2] : tensor<3x4x5xf64> -> tensor<4xf64>
  return %m : tensor<4xf64>
}

// Ties among constants: rows 0 and 2 of %t have two elements equal to 2,
// its maximum, which does not depend on %x; row 1 is %x's own row.
func.func @max_constant_ties(%x: tensor<3x4xf64>) -> tensor<3xf64> {
  %c = adj.constant dense<[[2.0, -2.0, 2.0, -2.0], [-2.0, -2.0, -2.0, -2.0], [-2.0, 2.0, -2.0, 2.0]]> : tensor<3x4xf64>
  %t = adj.maximum %x, %c : tensor<3x4xf64>
  %m = adj.max %t axes [1] : tensor<3x4xf64> -> tensor<3xf64>
  return %m : tensor<3xf64>
}

func.func @min_constant_ties(%x: tensor<3x4xf64>) -> tensor<1x4xf64> {
  %c = adj.constant dense<[[-2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0], [-2.0, 2.0, 2.0, 2.0]]> : tensor<3x4xf64>
  %t = adj.minimum %x, %c : tensor<3x4xf64>
  %m = adj.min %t axes [0] keepdims : tensor<3x4xf64> -> tensor<1x4xf64>
  return %m : tensor<1x4xf64>
}

// Ties that move with %x: every maximum is reached twice, by the two copies
// of %x. Each gets half the cotangent, which adds up to the whole.
func.func @max_argument_ties(%x: tensor<2x3xf64>) -> tensor<3xf64> {
  %xx = adj.concat %x, %x axis 0 : tensor<2x3xf64>, tensor<2x3xf64> -> tensor<4x3xf64>
  %m = adj.max %xx axes [0] : tensor<4x3xf64> -> tensor<3xf64>
  return %m : tensor<3xf64>
}

func.func @min_argument_ties(%x: tensor<2x3xf64>) -> tensor<2xf64> {
  %n = adj.neg %x : tensor<2x3xf64>
  %xx = adj.concat %x, %n, %x axis 1 : tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64> -> tensor<2x9xf64>
  %m = adj.min %xx axes [1] : tensor<2x9xf64> -> tensor<2xf64>
  return %m : tensor<2xf64>
}

func.func @prod_axis(%x: tensor<3x4xf64>) -> tensor<3xf64> {
  %p = adj.prod %x axes [1] : tensor<3x4xf64> -> tensor<3xf64>
  return %p : tensor<3xf64>
}

func.func @prod_all_keepdims(%x: tensor<2x3xf64>) -> tensor<1x1xf64> {
  %p = adj.prod %x keepdims : tensor<2x3xf64> -> tensor<1x1xf64>
  return %p : tensor<1x1xf64>
}

// Row 0 holds no zero, row 1 one zero, row 2 two zeros, row 3 only zeros:
// y / x would give NaN at the zeros.
func.func @prod_zeros(%x: tensor<4x4xf64>) -> tensor<4xf64> {
  %mask = adj.constant dense<[[1.0, 1.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0], [0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf64>
  %t = adj.mul %x, %mask : tensor<4x4xf64>
  %p = adj.prod %t axes [1] : tensor<4x4xf64> -> tensor<4xf64>
  return %p : tensor<4xf64>
}

// With zeros in %x (second RUN line): the derivative at a slice's only zero
// is the product of the others; with two zeros or more, every derivative is
// 0.
func.func @prod_argument_zeros(%x: tensor<4x4xf64>) -> tensor<4xf64> {
  %p = adj.prod %x axes [1] : tensor<4x4xf64> -> tensor<4xf64>
  return %p : tensor<4xf64>
}

// A constant zero mixed in: the product of row 0 is 0 whatever %x is, so
// its derivative is 0; row 1 holds no zero.
func.func @prod_constant_zero(%x: tensor<2x3xf64>) -> tensor<2xf64> {
  %z = adj.constant dense<[[0.0], [2.0]]> : tensor<2x1xf64>
  %t = adj.concat %x, %z axis 1 : tensor<2x3xf64>, tensor<2x1xf64> -> tensor<2x4xf64>
  %p = adj.prod %t axes [1] : tensor<2x4xf64> -> tensor<2xf64>
  return %p : tensor<2xf64>
}

func.func @logsumexp_axis(%x: tensor<3x4x5xf64>) -> tensor<3x5xf64> {
  %l = adj.logsumexp %x axes [1] : tensor<3x4x5xf64> -> tensor<3x5xf64>
  return %l : tensor<3x5xf64>
}

// exp(720) overflows f64: only the stable form gives a derivative.
func.func @logsumexp_large(%x: tensor<3x4xf64>) -> tensor<3x1xf64> {
  %c = adj.constant dense<720.0> : tensor<f64>
  %t = adj.add %x, %c : tensor<3x4xf64>, tensor<f64>
  %l = adj.logsumexp %t axes [1] keepdims : tensor<3x4xf64> -> tensor<3x1xf64>
  return %l : tensor<3x1xf64>
}
