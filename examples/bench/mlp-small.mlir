// Benchmark workload `mlp-small` (docs/performance.md): one example through
// a 32-64-64-1 tanh perceptron, loss (y - target)^2, and its gradient w.r.t.
// every weight and bias. 34 kFLOP: it measures the per-call latency.

func.func @loss(%x: tensor<1x32xf32> {adj.name = "x"},
                %target: tensor<f32> {adj.name = "target"},
                %W1: tensor<32x64xf32> {adj.name = "W1"},
                %b1: tensor<64xf32> {adj.name = "b1"},
                %W2: tensor<64x64xf32> {adj.name = "W2"},
                %b2: tensor<64xf32> {adj.name = "b2"},
                %W3: tensor<64x1xf32> {adj.name = "W3"},
                %b3: tensor<1xf32> {adj.name = "b3"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %m1 = adj.matmul %x, %W1 : tensor<1x32xf32>, tensor<32x64xf32> -> tensor<1x64xf32>
  %z1 = adj.add %m1, %b1 : tensor<1x64xf32>, tensor<64xf32>
  %h1 = adj.tanh %z1 : tensor<1x64xf32>
  %m2 = adj.matmul %h1, %W2 : tensor<1x64xf32>, tensor<64x64xf32> -> tensor<1x64xf32>
  %z2 = adj.add %m2, %b2 : tensor<1x64xf32>, tensor<64xf32>
  %h2 = adj.tanh %z2 : tensor<1x64xf32>
  %m3 = adj.matmul %h2, %W3 : tensor<1x64xf32>, tensor<64x1xf32> -> tensor<1x1xf32>
  %y = adj.add %m3, %b3 : tensor<1x1xf32>, tensor<1xf32>
  %d = adj.sub %y, %target : tensor<1x1xf32>, tensor<f32>
  %d2 = adj.square %d : tensor<1x1xf32>
  %loss = adj.mean %d2 : tensor<1x1xf32> -> tensor<f32>
  return %loss : tensor<f32>
}

func.func @loss_and_gradients(%x: tensor<1x32xf32> {adj.name = "x"},
                              %target: tensor<f32> {adj.name = "target"},
                              %W1: tensor<32x64xf32> {adj.name = "W1"},
                              %b1: tensor<64xf32> {adj.name = "b1"},
                              %W2: tensor<64x64xf32> {adj.name = "W2"},
                              %b2: tensor<64xf32> {adj.name = "b2"},
                              %W3: tensor<64x1xf32> {adj.name = "W3"},
                              %b3: tensor<1xf32> {adj.name = "b3"})
    -> (tensor<f32> {adj.name = "loss"},
        tensor<32x64xf32> {adj.name = "grad_W1"},
        tensor<64xf32> {adj.name = "grad_b1"},
        tensor<64x64xf32> {adj.name = "grad_W2"},
        tensor<64xf32> {adj.name = "grad_b2"},
        tensor<64x1xf32> {adj.name = "grad_W3"},
        tensor<1xf32> {adj.name = "grad_b3"}) {
  %loss, %dW1, %db1, %dW2, %db2, %dW3, %db3 = adj.value_and_grad
      @loss(%x, %target, %W1, %b1, %W2, %b2, %W3, %b3) wrt [2, 3, 4, 5, 6, 7]
      : (tensor<1x32xf32>, tensor<f32>, tensor<32x64xf32>, tensor<64xf32>,
         tensor<64x64xf32>, tensor<64xf32>, tensor<64x1xf32>, tensor<1xf32>)
      -> (tensor<f32>, tensor<32x64xf32>, tensor<64xf32>, tensor<64x64xf32>,
          tensor<64xf32>, tensor<64x1xf32>, tensor<1xf32>)
  return %loss, %dW1, %db1, %dW2, %db2, %dW3, %db3
      : tensor<f32>, tensor<32x64xf32>, tensor<64xf32>, tensor<64x64xf32>,
        tensor<64xf32>, tensor<64x1xf32>, tensor<1xf32>
}
