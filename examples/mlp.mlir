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
                   %x: tensor<32x64xf32> {adj.name = "x"}) -> tensor<32x10xf32> {
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
                %labels: tensor<32xi64> {adj.name = "labels"}) -> tensor<f32> {
  %logits = func.call @predict(%W1, %b1, %W2, %b2, %x)
      : (tensor<64x32xf32>, tensor<32xf32>, tensor<32x10xf32>, tensor<10xf32>,
         tensor<32x64xf32>) -> tensor<32x10xf32>
  %loss = adj.softmax_cross_entropy %logits, %labels
      : tensor<32x10xf32>, tensor<32xi64> -> tensor<f32>
  return %loss : tensor<f32>
}
