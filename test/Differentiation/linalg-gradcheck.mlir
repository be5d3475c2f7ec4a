// RUN: adjoint-run %s --check-grad --seed 0

// Reverse and forward mode of adj.matmul, adj.dot and adj.transpose against
// central finite differences.

func.func @matmul(%a: tensor<3x4xf64>, %b: tensor<4x5xf64>) -> tensor<3x5xf64> {
  %c = adj.matmul %a, %b : tensor<3x4xf64>, tensor<4x5xf64> -> tensor<3x5xf64>
  return %c : tensor<3x5xf64>
}

func.func @matmul_batched(%a: tensor<2x3x4xf64>, %b: tensor<2x4x2xf64>) -> tensor<2x3x2xf64> {
  %c = adj.matmul %a, %b : tensor<2x3x4xf64>, tensor<2x4x2xf64> -> tensor<2x3x2xf64>
  return %c : tensor<2x3x2xf64>
}

// The rank-2 lhs is broadcast over the batch: its cotangent sums over it.
func.func @matmul_broadcast_lhs(%a: tensor<3x4xf64>, %b: tensor<2x4x5xf64>) -> tensor<2x3x5xf64> {
  %c = adj.matmul %a, %b : tensor<3x4xf64>, tensor<2x4x5xf64> -> tensor<2x3x5xf64>
  return %c : tensor<2x3x5xf64>
}

// Batch dimensions [2, 1] and [3] broadcast to [2, 3]: size-1 and missing
// dimensions are both summed back.
func.func @matmul_broadcast_both(%a: tensor<2x1x3x4xf64>, %b: tensor<3x4x2xf64>) -> tensor<2x3x3x2xf64> {
  %c = adj.matmul %a, %b : tensor<2x1x3x4xf64>, tensor<3x4x2xf64> -> tensor<2x3x3x2xf64>
  return %c : tensor<2x3x3x2xf64>
}

// Both operands are the same value: the two cotangents add up.
func.func @matmul_square(%a: tensor<3x3xf64>) -> tensor<3x3xf64> {
  %c = adj.matmul %a, %a : tensor<3x3xf64>, tensor<3x3xf64> -> tensor<3x3xf64>
  return %c : tensor<3x3xf64>
}

// Only one operand is varied; the other is a constant.
func.func @matmul_constant_rhs(%a: tensor<2x3xf64>) -> tensor<2x2xf64> {
  %w = adj.constant dense<[[1.0, -2.0], [0.5, 3.0], [-1.5, 0.25]]> : tensor<3x2xf64>
  %c = adj.matmul %a, %w : tensor<2x3xf64>, tensor<3x2xf64> -> tensor<2x2xf64>
  %y = adj.tanh %c : tensor<2x2xf64>
  return %y : tensor<2x2xf64>
}

func.func @dot(%u: tensor<6xf64>, %v: tensor<6xf64>) -> tensor<f64> {
  %d = adj.dot %u, %v : tensor<6xf64> -> tensor<f64>
  return %d : tensor<f64>
}

func.func @dot_self(%u: tensor<5xf64>) -> tensor<f64> {
  %e = adj.exp %u : tensor<5xf64>
  %d = adj.dot %u, %e : tensor<5xf64> -> tensor<f64>
  return %d : tensor<f64>
}

func.func @transpose_rank3(%x: tensor<2x3x4xf64>) -> tensor<4x2x3xf64> {
  %t = adj.transpose %x [2, 0, 1] : tensor<2x3x4xf64> -> tensor<4x2x3xf64>
  %y = adj.sin %t : tensor<4x2x3xf64>
  return %y : tensor<4x2x3xf64>
}

// Attention-like: q @ kᵀ with a transposed batch of keys.
func.func @matmul_transposed(%q: tensor<2x3x4xf64>, %k: tensor<2x5x4xf64>) -> tensor<2x3x5xf64> {
  %kt = adj.transpose %k [0, 2, 1] : tensor<2x5x4xf64> -> tensor<2x4x5xf64>
  %s = adj.matmul %q, %kt : tensor<2x3x4xf64>, tensor<2x4x5xf64> -> tensor<2x3x5xf64>
  return %s : tensor<2x3x5xf64>
}
