// Σ tanh(x) + exp(-x²): an elementwise chain whose loss and gradient fuse.
func.func @f(%x: tensor<64xf32>) -> tensor<f32> {
  %t = adj.tanh %x : tensor<64xf32>
  %s = adj.square %x : tensor<64xf32>
  %n = adj.neg %s : tensor<64xf32>
  %e = adj.exp %n : tensor<64xf32>
  %y = adj.add %t, %e : tensor<64xf32>, tensor<64xf32>
  %l = adj.sum %y : tensor<64xf32> -> tensor<f32>
  return %l : tensor<f32>
}
