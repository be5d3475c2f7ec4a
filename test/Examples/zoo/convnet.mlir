// A convolutional net on a batch of 5 (prime) 2x11x11 images: conv 3x3
// stride 2 padding 1 + bias + batch norm + relu, average pool 2x2 stride 1
// with padding 1 (counting the padding), a grouped and dilated conv, max
// pool 3x3 stride 2 with padding, then a linear layer and the mean
// cross-entropy.
//
// RUN: adjoint-run %s --fn loss --seed 4 --int-range 0:4 --check-grad

func.func @loss(%K1: tensor<6x2x3x3xf32> {adj.name = "K1"},
                %c1: tensor<6x1x1xf32> {adj.name = "c1"},
                %gamma: tensor<6xf32> {adj.name = "gamma"},
                %beta: tensor<6xf32> {adj.name = "beta"},
                %K2: tensor<6x3x2x2xf32> {adj.name = "K2"},
                %W: tensor<24x4xf32> {adj.name = "W"},
                %b: tensor<4xf32> {adj.name = "b"},
                %x: tensor<5x2x11x11xf32> {adj.name = "x"},
                %labels: tensor<5xi64> {adj.name = "labels"})
    -> (tensor<f32> {adj.name = "loss"}) {
  // (11 + 2 - 3) / 2 + 1 = 6
  %y1 = adj.conv2d %x, %K1 stride [2, 2] padding [1, 1, 1, 1]
      : tensor<5x2x11x11xf32>, tensor<6x2x3x3xf32> -> tensor<5x6x6x6xf32>
  %z1 = adj.add %y1, %c1 : tensor<5x6x6x6xf32>, tensor<6x1x1xf32>
  %n1, %m, %v = adj.batch_norm %z1, %gamma, %beta epsilon 1.0e-3
      : tensor<5x6x6x6xf32>, tensor<6xf32>, tensor<6xf32>
  %a1 = adj.relu %n1 : tensor<5x6x6x6xf32>
  // (6 + 2 - 2) / 1 + 1 = 7
  %p1 = adj.avg_pool2d %a1 kernel [2, 2] stride [1, 1] padding [1, 1, 1, 1]
      : tensor<5x6x6x6xf32> -> tensor<5x6x7x7xf32>
  // groups 2, dilation 2: (7 - 2 * 1 - 1) / 1 + 1 = 5
  %y2 = adj.conv2d %p1, %K2 dilation [2, 2] groups 2
      : tensor<5x6x7x7xf32>, tensor<6x3x2x2xf32> -> tensor<5x6x5x5xf32>
  %a2 = adj.tanh %y2 : tensor<5x6x5x5xf32>
  // (5 + 1 + 0 - 3) / 2 + 1 = 2
  %p2 = adj.max_pool2d %a2 kernel [3, 3] stride [2, 2] padding [1, 1, 0, 0]
      : tensor<5x6x5x5xf32> -> tensor<5x6x2x2xf32>
  %flat = adj.reshape %p2 : tensor<5x6x2x2xf32> -> tensor<5x24xf32>
  %l0 = adj.matmul %flat, %W : tensor<5x24xf32>, tensor<24x4xf32> -> tensor<5x4xf32>
  %logits = adj.add %l0, %b : tensor<5x4xf32>, tensor<4xf32>
  %loss = adj.softmax_cross_entropy %logits, %labels
      : tensor<5x4xf32>, tensor<5xi64> -> tensor<f32>
  return %loss : tensor<f32>
}

// Forward mode: the loss's derivative along a direction in the two kernels,
// the batch-norm parameters and the linear layer.
func.func @jvp(%K1: tensor<6x2x3x3xf32> {adj.name = "K1"},
               %c1: tensor<6x1x1xf32> {adj.name = "c1"},
               %gamma: tensor<6xf32> {adj.name = "gamma"},
               %beta: tensor<6xf32> {adj.name = "beta"},
               %K2: tensor<6x3x2x2xf32> {adj.name = "K2"},
               %W: tensor<24x4xf32> {adj.name = "W"},
               %b: tensor<4xf32> {adj.name = "b"},
               %x: tensor<5x2x11x11xf32> {adj.name = "x"},
               %labels: tensor<5xi64> {adj.name = "labels"},
               %tK1: tensor<6x2x3x3xf32> {adj.name = "tK1"},
               %tgamma: tensor<6xf32> {adj.name = "tgamma"},
               %tbeta: tensor<6xf32> {adj.name = "tbeta"},
               %tK2: tensor<6x3x2x2xf32> {adj.name = "tK2"},
               %tW: tensor<24x4xf32> {adj.name = "tW"})
    -> (tensor<f32> {adj.name = "loss"}, tensor<f32> {adj.name = "dloss"}) {
  %l, %dl = adj.jvp @loss(%K1, %c1, %gamma, %beta, %K2, %W, %b, %x, %labels)
      tangents(%tK1, %tgamma, %tbeta, %tK2, %tW) wrt [0, 2, 3, 4, 5]
      : (tensor<6x2x3x3xf32>, tensor<6x1x1xf32>, tensor<6xf32>, tensor<6xf32>,
         tensor<6x3x2x2xf32>, tensor<24x4xf32>, tensor<4xf32>,
         tensor<5x2x11x11xf32>, tensor<5xi64>, tensor<6x2x3x3xf32>,
         tensor<6xf32>, tensor<6xf32>, tensor<6x3x2x2xf32>, tensor<24x4xf32>)
      -> (tensor<f32>, tensor<f32>)
  return %l, %dl : tensor<f32>, tensor<f32>
}
