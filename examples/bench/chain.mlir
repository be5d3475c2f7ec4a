// Benchmark workload `chain` (docs/performance.md): a long elementwise chain
// over 2^20 floats, loss = sum(tanh(x) * sigmoid(x) + exp(-x^2)), and its
// gradient w.r.t. x. Fused, it is bound by the transcendentals, not memory.

func.func @loss(%x: tensor<1048576xf32> {adj.name = "x"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %t = adj.tanh %x : tensor<1048576xf32>
  %s = adj.sigmoid %x : tensor<1048576xf32>
  %ts = adj.mul %t, %s : tensor<1048576xf32>
  %x2 = adj.square %x : tensor<1048576xf32>
  %nx2 = adj.neg %x2 : tensor<1048576xf32>
  %e = adj.exp %nx2 : tensor<1048576xf32>
  %y = adj.add %ts, %e : tensor<1048576xf32>
  %loss = adj.sum %y : tensor<1048576xf32> -> tensor<f32>
  return %loss : tensor<f32>
}

func.func @loss_and_gradients(%x: tensor<1048576xf32> {adj.name = "x"})
    -> (tensor<f32> {adj.name = "loss"},
        tensor<1048576xf32> {adj.name = "grad_x"}) {
  %loss, %dx = adj.value_and_grad @loss(%x) wrt [0]
      : (tensor<1048576xf32>) -> (tensor<f32>, tensor<1048576xf32>)
  return %loss, %dx : tensor<f32>, tensor<1048576xf32>
}
