// Benchmark workload `ffn` (docs/performance.md): a transformer feed-forward
// block on 128 tokens of width 256 (layer norm, linear to 1024, GELU with the
// tanh approximation, linear back to 256, residual), loss = sum of squares of
// the output, and its gradient w.r.t. the input and every parameter.

func.func @loss(%x: tensor<128x256xf32> {adj.name = "x"},
                %gamma: tensor<256xf32> {adj.name = "gamma"},
                %beta: tensor<256xf32> {adj.name = "beta"},
                %W1: tensor<256x1024xf32> {adj.name = "W1"},
                %b1: tensor<1024xf32> {adj.name = "b1"},
                %W2: tensor<1024x256xf32> {adj.name = "W2"},
                %b2: tensor<256xf32> {adj.name = "b2"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %n = adj.layer_norm %x, %gamma, %beta axis 1
      : tensor<128x256xf32>, tensor<256xf32>, tensor<256xf32>
  %m1 = adj.matmul %n, %W1 : tensor<128x256xf32>, tensor<256x1024xf32> -> tensor<128x1024xf32>
  %u = adj.add %m1, %b1 : tensor<128x1024xf32>, tensor<1024xf32>
  %h = adj.gelu %u approximate tanh : tensor<128x1024xf32>
  %m2 = adj.matmul %h, %W2 : tensor<128x1024xf32>, tensor<1024x256xf32> -> tensor<128x256xf32>
  %z = adj.add %m2, %b2 : tensor<128x256xf32>, tensor<256xf32>
  %y = adj.add %z, %x : tensor<128x256xf32>
  %y2 = adj.square %y : tensor<128x256xf32>
  %loss = adj.sum %y2 : tensor<128x256xf32> -> tensor<f32>
  return %loss : tensor<f32>
}

func.func @loss_and_gradients(%x: tensor<128x256xf32> {adj.name = "x"},
                              %gamma: tensor<256xf32> {adj.name = "gamma"},
                              %beta: tensor<256xf32> {adj.name = "beta"},
                              %W1: tensor<256x1024xf32> {adj.name = "W1"},
                              %b1: tensor<1024xf32> {adj.name = "b1"},
                              %W2: tensor<1024x256xf32> {adj.name = "W2"},
                              %b2: tensor<256xf32> {adj.name = "b2"})
    -> (tensor<f32> {adj.name = "loss"},
        tensor<128x256xf32> {adj.name = "grad_x"},
        tensor<256xf32> {adj.name = "grad_gamma"},
        tensor<256xf32> {adj.name = "grad_beta"},
        tensor<256x1024xf32> {adj.name = "grad_W1"},
        tensor<1024xf32> {adj.name = "grad_b1"},
        tensor<1024x256xf32> {adj.name = "grad_W2"},
        tensor<256xf32> {adj.name = "grad_b2"}) {
  %loss, %dx, %dgamma, %dbeta, %dW1, %db1, %dW2, %db2 = adj.value_and_grad
      @loss(%x, %gamma, %beta, %W1, %b1, %W2, %b2) wrt [0, 1, 2, 3, 4, 5, 6]
      : (tensor<128x256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256x1024xf32>,
         tensor<1024xf32>, tensor<1024x256xf32>, tensor<256xf32>)
      -> (tensor<f32>, tensor<128x256xf32>, tensor<256xf32>, tensor<256xf32>,
          tensor<256x1024xf32>, tensor<1024xf32>, tensor<1024x256xf32>, tensor<256xf32>)
  return %loss, %dx, %dgamma, %dbeta, %dW1, %db1, %dW2, %db2
      : tensor<f32>, tensor<128x256xf32>, tensor<256xf32>, tensor<256xf32>,
        tensor<256x1024xf32>, tensor<1024xf32>, tensor<1024x256xf32>, tensor<256xf32>
}
