// Benchmark workload `mlp` (docs/performance.md): a 784-512-512-10 ReLU
// perceptron on a batch of 64, mean softmax cross-entropy, and its gradient
// w.r.t. every weight and bias (not the data).

func.func @loss(%x: tensor<64x784xf32> {adj.name = "x"},
                %labels: tensor<64xi64> {adj.name = "labels"},
                %W1: tensor<784x512xf32> {adj.name = "W1"},
                %b1: tensor<512xf32> {adj.name = "b1"},
                %W2: tensor<512x512xf32> {adj.name = "W2"},
                %b2: tensor<512xf32> {adj.name = "b2"},
                %W3: tensor<512x10xf32> {adj.name = "W3"},
                %b3: tensor<10xf32> {adj.name = "b3"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %m1 = adj.matmul %x, %W1 : tensor<64x784xf32>, tensor<784x512xf32> -> tensor<64x512xf32>
  %z1 = adj.add %m1, %b1 : tensor<64x512xf32>, tensor<512xf32>
  %h1 = adj.relu %z1 : tensor<64x512xf32>
  %m2 = adj.matmul %h1, %W2 : tensor<64x512xf32>, tensor<512x512xf32> -> tensor<64x512xf32>
  %z2 = adj.add %m2, %b2 : tensor<64x512xf32>, tensor<512xf32>
  %h2 = adj.relu %z2 : tensor<64x512xf32>
  %m3 = adj.matmul %h2, %W3 : tensor<64x512xf32>, tensor<512x10xf32> -> tensor<64x10xf32>
  %logits = adj.add %m3, %b3 : tensor<64x10xf32>, tensor<10xf32>
  %loss = adj.softmax_cross_entropy %logits, %labels
      : tensor<64x10xf32>, tensor<64xi64> -> tensor<f32>
  return %loss : tensor<f32>
}

func.func @loss_and_gradients(%x: tensor<64x784xf32> {adj.name = "x"},
                              %labels: tensor<64xi64> {adj.name = "labels"},
                              %W1: tensor<784x512xf32> {adj.name = "W1"},
                              %b1: tensor<512xf32> {adj.name = "b1"},
                              %W2: tensor<512x512xf32> {adj.name = "W2"},
                              %b2: tensor<512xf32> {adj.name = "b2"},
                              %W3: tensor<512x10xf32> {adj.name = "W3"},
                              %b3: tensor<10xf32> {adj.name = "b3"})
    -> (tensor<f32> {adj.name = "loss"},
        tensor<784x512xf32> {adj.name = "grad_W1"},
        tensor<512xf32> {adj.name = "grad_b1"},
        tensor<512x512xf32> {adj.name = "grad_W2"},
        tensor<512xf32> {adj.name = "grad_b2"},
        tensor<512x10xf32> {adj.name = "grad_W3"},
        tensor<10xf32> {adj.name = "grad_b3"}) {
  %loss, %dW1, %db1, %dW2, %db2, %dW3, %db3 = adj.value_and_grad
      @loss(%x, %labels, %W1, %b1, %W2, %b2, %W3, %b3) wrt [2, 3, 4, 5, 6, 7]
      : (tensor<64x784xf32>, tensor<64xi64>, tensor<784x512xf32>, tensor<512xf32>,
         tensor<512x512xf32>, tensor<512xf32>, tensor<512x10xf32>, tensor<10xf32>)
      -> (tensor<f32>, tensor<784x512xf32>, tensor<512xf32>, tensor<512x512xf32>,
          tensor<512xf32>, tensor<512x10xf32>, tensor<10xf32>)
  return %loss, %dW1, %db1, %dW2, %db2, %dW3, %db3
      : tensor<f32>, tensor<784x512xf32>, tensor<512xf32>, tensor<512x512xf32>,
        tensor<512xf32>, tensor<512x10xf32>, tensor<10xf32>
}
