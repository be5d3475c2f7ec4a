// A small convolutional classifier for 1x12x12 images (10 classes) over a
// batch of 8: conv 3x3 (padding 1) + batch norm + relu + 2x2 max pool, conv
// 3x3 + relu + 2x2 average pool, then a linear layer and the softmax
// cross-entropy loss.
//
//   adjoint-run examples/cnn.mlir --fn loss --seed 0 --int-range 0:10

func.func @loss(%K1: tensor<4x1x3x3xf32> {adj.name = "K1"},
                %c1: tensor<4x1x1xf32> {adj.name = "c1"},
                %gamma: tensor<4xf32> {adj.name = "gamma"},
                %beta: tensor<4xf32> {adj.name = "beta"},
                %K2: tensor<8x4x3x3xf32> {adj.name = "K2"},
                %c2: tensor<8x1x1xf32> {adj.name = "c2"},
                %W: tensor<32x10xf32> {adj.name = "W"},
                %b: tensor<10xf32> {adj.name = "b"},
                %x: tensor<8x1x12x12xf32> {adj.name = "x"},
                %labels: tensor<8xi64> {adj.name = "labels"})
    -> (tensor<f32> {adj.name = "loss"}) {
  // 8x1x12x12 -> 8x4x12x12 -> 8x4x6x6
  %conv1 = adj.conv2d %x, %K1 padding [1, 1, 1, 1]
      : tensor<8x1x12x12xf32>, tensor<4x1x3x3xf32> -> tensor<8x4x12x12xf32>
  %z1 = adj.add %conv1, %c1 : tensor<8x4x12x12xf32>, tensor<4x1x1xf32>
  %n1, %mean, %var = adj.batch_norm %z1, %gamma, %beta
      : tensor<8x4x12x12xf32>, tensor<4xf32>, tensor<4xf32>
  %a1 = adj.relu %n1 : tensor<8x4x12x12xf32>
  %p1 = adj.max_pool2d %a1 kernel [2, 2] : tensor<8x4x12x12xf32> -> tensor<8x4x6x6xf32>
  // 8x4x6x6 -> 8x8x4x4 -> 8x8x2x2
  %conv2 = adj.conv2d %p1, %K2
      : tensor<8x4x6x6xf32>, tensor<8x4x3x3xf32> -> tensor<8x8x4x4xf32>
  %z2 = adj.add %conv2, %c2 : tensor<8x8x4x4xf32>, tensor<8x1x1xf32>
  %a2 = adj.relu %z2 : tensor<8x8x4x4xf32>
  %p2 = adj.avg_pool2d %a2 kernel [2, 2] : tensor<8x8x4x4xf32> -> tensor<8x8x2x2xf32>
  // 8x32 -> 8x10
  %flat = adj.reshape %p2 : tensor<8x8x2x2xf32> -> tensor<8x32xf32>
  %fw = adj.matmul %flat, %W : tensor<8x32xf32>, tensor<32x10xf32> -> tensor<8x10xf32>
  %logits = adj.add %fw, %b : tensor<8x10xf32>, tensor<10xf32>
  %loss = adj.softmax_cross_entropy %logits, %labels
      : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return %loss : tensor<f32>
}

// The loss and its gradient w.r.t. every parameter.
func.func @loss_and_gradients(%K1: tensor<4x1x3x3xf32> {adj.name = "K1"},
                              %c1: tensor<4x1x1xf32> {adj.name = "c1"},
                              %gamma: tensor<4xf32> {adj.name = "gamma"},
                              %beta: tensor<4xf32> {adj.name = "beta"},
                              %K2: tensor<8x4x3x3xf32> {adj.name = "K2"},
                              %c2: tensor<8x1x1xf32> {adj.name = "c2"},
                              %W: tensor<32x10xf32> {adj.name = "W"},
                              %b: tensor<10xf32> {adj.name = "b"},
                              %x: tensor<8x1x12x12xf32> {adj.name = "x"},
                              %labels: tensor<8xi64> {adj.name = "labels"})
    -> (tensor<f32> {adj.name = "loss"},
        tensor<4x1x3x3xf32> {adj.name = "grad_K1"},
        tensor<4x1x1xf32> {adj.name = "grad_c1"},
        tensor<4xf32> {adj.name = "grad_gamma"},
        tensor<4xf32> {adj.name = "grad_beta"},
        tensor<8x4x3x3xf32> {adj.name = "grad_K2"},
        tensor<8x1x1xf32> {adj.name = "grad_c2"},
        tensor<32x10xf32> {adj.name = "grad_W"},
        tensor<10xf32> {adj.name = "grad_b"}) {
  %loss, %dK1, %dc1, %dgamma, %dbeta, %dK2, %dc2, %dW, %db = adj.value_and_grad
      @loss(%K1, %c1, %gamma, %beta, %K2, %c2, %W, %b, %x, %labels)
      wrt [0, 1, 2, 3, 4, 5, 6, 7]
      : (tensor<4x1x3x3xf32>, tensor<4x1x1xf32>, tensor<4xf32>, tensor<4xf32>,
         tensor<8x4x3x3xf32>, tensor<8x1x1xf32>, tensor<32x10xf32>,
         tensor<10xf32>, tensor<8x1x12x12xf32>, tensor<8xi64>)
      -> (tensor<f32>, tensor<4x1x3x3xf32>, tensor<4x1x1xf32>, tensor<4xf32>,
          tensor<4xf32>, tensor<8x4x3x3xf32>, tensor<8x1x1xf32>,
          tensor<32x10xf32>, tensor<10xf32>)
  return %loss, %dK1, %dc1, %dgamma, %dbeta, %dK2, %dc2, %dW, %db
      : tensor<f32>, tensor<4x1x3x3xf32>, tensor<4x1x1xf32>, tensor<4xf32>,
        tensor<4xf32>, tensor<8x4x3x3xf32>, tensor<8x1x1xf32>,
        tensor<32x10xf32>, tensor<10xf32>
}
