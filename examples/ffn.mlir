// A transformer feed-forward block on 16 tokens of width 32: layer norm,
// a linear layer to width 64, GELU (tanh approximation), a linear layer back
// to 32 and a residual connection. The loss is the mean square of the block's
// output.
//
//   adjoint-run examples/ffn.mlir --fn loss --seed 0

func.func @loss(%gamma: tensor<32xf32> {adj.name = "gamma"},
                %beta: tensor<32xf32> {adj.name = "beta"},
                %W1: tensor<32x64xf32> {adj.name = "W1"},
                %b1: tensor<64xf32> {adj.name = "b1"},
                %W2: tensor<64x32xf32> {adj.name = "W2"},
                %b2: tensor<32xf32> {adj.name = "b2"},
                %x: tensor<16x32xf32> {adj.name = "x"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %n = adj.layer_norm %x, %gamma, %beta axis 1
      : tensor<16x32xf32>, tensor<32xf32>, tensor<32xf32>
  %h0 = adj.matmul %n, %W1 : tensor<16x32xf32>, tensor<32x64xf32> -> tensor<16x64xf32>
  %h1 = adj.add %h0, %b1 : tensor<16x64xf32>, tensor<64xf32>
  %h = adj.gelu %h1 approximate tanh : tensor<16x64xf32>
  %y0 = adj.matmul %h, %W2 : tensor<16x64xf32>, tensor<64x32xf32> -> tensor<16x32xf32>
  %y1 = adj.add %y0, %b2 : tensor<16x32xf32>, tensor<32xf32>
  %y = adj.add %y1, %x : tensor<16x32xf32>
  %sq = adj.square %y : tensor<16x32xf32>
  %loss = adj.mean %sq : tensor<16x32xf32> -> tensor<f32>
  return %loss : tensor<f32>
}

// The loss and its gradient w.r.t. the parameters (not the input x).
func.func @loss_and_gradients(%gamma: tensor<32xf32> {adj.name = "gamma"},
                              %beta: tensor<32xf32> {adj.name = "beta"},
                              %W1: tensor<32x64xf32> {adj.name = "W1"},
                              %b1: tensor<64xf32> {adj.name = "b1"},
                              %W2: tensor<64x32xf32> {adj.name = "W2"},
                              %b2: tensor<32xf32> {adj.name = "b2"},
                              %x: tensor<16x32xf32> {adj.name = "x"})
    -> (tensor<f32> {adj.name = "loss"},
        tensor<32xf32> {adj.name = "grad_gamma"},
        tensor<32xf32> {adj.name = "grad_beta"},
        tensor<32x64xf32> {adj.name = "grad_W1"},
        tensor<64xf32> {adj.name = "grad_b1"},
        tensor<64x32xf32> {adj.name = "grad_W2"},
        tensor<32xf32> {adj.name = "grad_b2"}) {
  %loss, %dgamma, %dbeta, %dW1, %db1, %dW2, %db2 = adj.value_and_grad
      @loss(%gamma, %beta, %W1, %b1, %W2, %b2, %x) wrt [0, 1, 2, 3, 4, 5]
      : (tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>, tensor<64xf32>,
         tensor<64x32xf32>, tensor<32xf32>, tensor<16x32xf32>)
      -> (tensor<f32>, tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>,
          tensor<64xf32>, tensor<64x32xf32>, tensor<32xf32>)
  return %loss, %dgamma, %dbeta, %dW1, %db1, %dW2, %db2
      : tensor<f32>, tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>,
        tensor<64xf32>, tensor<64x32xf32>, tensor<32xf32>
}
