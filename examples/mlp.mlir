// A two-layer perceptron classifier for 8x8 digit images (64 features,
// 10 classes), with its softmax cross-entropy loss over a batch of 32.
//
//   adjoint-opt examples/mlp.mlir
//   adjoint-run examples/mlp.mlir --fn loss --seed 0 --int-range 0:10

// The logits of a batch: relu(x W1 + b1) W2 + b2.
func.func @predict(%W1: tensor<64x32xf32> {adj.name = "W1"},
                   %b1: tensor<32xf32> {adj.name = "b1"},
                   %W2: tensor<32x10xf32> {adj.name = "W2"},
                   %b2: tensor<10xf32> {adj.name = "b2"},
                   %x: tensor<32x64xf32> {adj.name = "x"})
    -> (tensor<32x10xf32> {adj.name = "logits"}) {
  %xw = adj.matmul %x, %W1 : tensor<32x64xf32>, tensor<64x32xf32> -> tensor<32x32xf32>
  %z1 = adj.add %xw, %b1 : tensor<32x32xf32>, tensor<32xf32>
  %h = adj.relu %z1 : tensor<32x32xf32>
  %hw = adj.matmul %h, %W2 : tensor<32x32xf32>, tensor<32x10xf32> -> tensor<32x10xf32>
  %logits = adj.add %hw, %b2 : tensor<32x10xf32>, tensor<10xf32>
  return %logits : tensor<32x10xf32>
}

// The mean cross-entropy of the batch against integer labels in [0, 10).
func.func @loss(%W1: tensor<64x32xf32> {adj.name = "W1"},
                %b1: tensor<32xf32> {adj.name = "b1"},
                %W2: tensor<32x10xf32> {adj.name = "W2"},
                %b2: tensor<10xf32> {adj.name = "b2"},
                %x: tensor<32x64xf32> {adj.name = "x"},
                %labels: tensor<32xi64> {adj.name = "labels"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %logits = func.call @predict(%W1, %b1, %W2, %b2, %x)
      : (tensor<64x32xf32>, tensor<32xf32>, tensor<32x10xf32>, tensor<10xf32>,
         tensor<32x64xf32>) -> tensor<32x10xf32>
  %loss = adj.softmax_cross_entropy %logits, %labels
      : tensor<32x10xf32>, tensor<32xi64> -> tensor<f32>
  return %loss : tensor<f32>
}

// The loss and its gradient w.r.t. the parameters: what a training step
// needs. `adjoint-opt -adj-differentiate` turns the request into a call of a
// synthesized @loss_grad_wrt_0_1_2_3.
func.func @loss_and_gradients(%W1: tensor<64x32xf32> {adj.name = "W1"},
                              %b1: tensor<32xf32> {adj.name = "b1"},
                              %W2: tensor<32x10xf32> {adj.name = "W2"},
                              %b2: tensor<10xf32> {adj.name = "b2"},
                              %x: tensor<32x64xf32> {adj.name = "x"},
                              %labels: tensor<32xi64> {adj.name = "labels"})
    -> (tensor<f32> {adj.name = "loss"},
        tensor<64x32xf32> {adj.name = "grad_W1"},
        tensor<32xf32> {adj.name = "grad_b1"},
        tensor<32x10xf32> {adj.name = "grad_W2"},
        tensor<10xf32> {adj.name = "grad_b2"}) {
  %loss, %dW1, %db1, %dW2, %db2 = adj.value_and_grad
      @loss(%W1, %b1, %W2, %b2, %x, %labels) wrt [0, 1, 2, 3]
      : (tensor<64x32xf32>, tensor<32xf32>, tensor<32x10xf32>, tensor<10xf32>,
         tensor<32x64xf32>, tensor<32xi64>)
      -> (tensor<f32>, tensor<64x32xf32>, tensor<32xf32>, tensor<32x10xf32>,
          tensor<10xf32>)
  return %loss, %dW1, %db1, %dW2, %db2
      : tensor<f32>, tensor<64x32xf32>, tensor<32xf32>, tensor<32x10xf32>,
        tensor<10xf32>
}
