// Benchmark workload `cnn` (docs/performance.md): LeNet on a batch of 32
// 28x28 images: conv 5x5 (1 -> 6) + relu + 2x2 max pool, conv 5x5 (6 -> 16) +
// relu + 2x2 max pool, a linear layer 256 -> 10, mean softmax cross-entropy;
// and its gradient w.r.t. every kernel, bias and weight (not the data).

func.func @loss(%x: tensor<32x1x28x28xf32> {adj.name = "x"},
                %labels: tensor<32xi64> {adj.name = "labels"},
                %K1: tensor<6x1x5x5xf32> {adj.name = "K1"},
                %c1: tensor<6xf32> {adj.name = "c1"},
                %K2: tensor<16x6x5x5xf32> {adj.name = "K2"},
                %c2: tensor<16xf32> {adj.name = "c2"},
                %W: tensor<256x10xf32> {adj.name = "W"},
                %b: tensor<10xf32> {adj.name = "b"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %conv1 = adj.conv2d %x, %K1
      : tensor<32x1x28x28xf32>, tensor<6x1x5x5xf32> -> tensor<32x6x24x24xf32>
  %bias1 = adj.reshape %c1 : tensor<6xf32> -> tensor<6x1x1xf32>
  %z1 = adj.add %conv1, %bias1 : tensor<32x6x24x24xf32>, tensor<6x1x1xf32>
  %a1 = adj.relu %z1 : tensor<32x6x24x24xf32>
  %p1 = adj.max_pool2d %a1 kernel [2, 2] : tensor<32x6x24x24xf32> -> tensor<32x6x12x12xf32>
  %conv2 = adj.conv2d %p1, %K2
      : tensor<32x6x12x12xf32>, tensor<16x6x5x5xf32> -> tensor<32x16x8x8xf32>
  %bias2 = adj.reshape %c2 : tensor<16xf32> -> tensor<16x1x1xf32>
  %z2 = adj.add %conv2, %bias2 : tensor<32x16x8x8xf32>, tensor<16x1x1xf32>
  %a2 = adj.relu %z2 : tensor<32x16x8x8xf32>
  %p2 = adj.max_pool2d %a2 kernel [2, 2] : tensor<32x16x8x8xf32> -> tensor<32x16x4x4xf32>
  %flat = adj.reshape %p2 : tensor<32x16x4x4xf32> -> tensor<32x256xf32>
  %m = adj.matmul %flat, %W : tensor<32x256xf32>, tensor<256x10xf32> -> tensor<32x10xf32>
  %logits = adj.add %m, %b : tensor<32x10xf32>, tensor<10xf32>
  %loss = adj.softmax_cross_entropy %logits, %labels
      : tensor<32x10xf32>, tensor<32xi64> -> tensor<f32>
  return %loss : tensor<f32>
}

func.func @loss_and_gradients(%x: tensor<32x1x28x28xf32> {adj.name = "x"},
                              %labels: tensor<32xi64> {adj.name = "labels"},
                              %K1: tensor<6x1x5x5xf32> {adj.name = "K1"},
                              %c1: tensor<6xf32> {adj.name = "c1"},
                              %K2: tensor<16x6x5x5xf32> {adj.name = "K2"},
                              %c2: tensor<16xf32> {adj.name = "c2"},
                              %W: tensor<256x10xf32> {adj.name = "W"},
                              %b: tensor<10xf32> {adj.name = "b"})
    -> (tensor<f32> {adj.name = "loss"},
        tensor<6x1x5x5xf32> {adj.name = "grad_K1"},
        tensor<6xf32> {adj.name = "grad_c1"},
        tensor<16x6x5x5xf32> {adj.name = "grad_K2"},
        tensor<16xf32> {adj.name = "grad_c2"},
        tensor<256x10xf32> {adj.name = "grad_W"},
        tensor<10xf32> {adj.name = "grad_b"}) {
  %loss, %dK1, %dc1, %dK2, %dc2, %dW, %db = adj.value_and_grad
      @loss(%x, %labels, %K1, %c1, %K2, %c2, %W, %b) wrt [2, 3, 4, 5, 6, 7]
      : (tensor<32x1x28x28xf32>, tensor<32xi64>, tensor<6x1x5x5xf32>, tensor<6xf32>,
         tensor<16x6x5x5xf32>, tensor<16xf32>, tensor<256x10xf32>, tensor<10xf32>)
      -> (tensor<f32>, tensor<6x1x5x5xf32>, tensor<6xf32>, tensor<16x6x5x5xf32>,
          tensor<16xf32>, tensor<256x10xf32>, tensor<10xf32>)
  return %loss, %dK1, %dc1, %dK2, %dc2, %dW, %db
      : tensor<f32>, tensor<6x1x5x5xf32>, tensor<6xf32>, tensor<16x6x5x5xf32>,
        tensor<16xf32>, tensor<256x10xf32>, tensor<10xf32>
}
