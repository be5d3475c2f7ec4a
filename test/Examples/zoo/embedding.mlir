// A bag-of-embeddings classifier: 5 sequences of 7 tokens (i64, repeats
// included) look up rows of a 17x6 table (a gather along axis 0), are
// mean-pooled over the sequence, go through a linear layer with relu and a
// second one to 3 classes; the loss is the mean cross-entropy plus a small
// L2 penalty on the table (a dot of its flattened self).
//
// RUN: adjoint-run %s --fn loss --seed 5 --int-range 0:3 --check-grad

func.func @loss(%E: tensor<17x6xf32> {adj.name = "E"},
                %W1: tensor<6x9xf32> {adj.name = "W1"},
                %b1: tensor<9xf32> {adj.name = "b1"},
                %W2: tensor<9x3xf32> {adj.name = "W2"},
                %tokens: tensor<5x7xi64> {adj.name = "tokens"},
                %labels: tensor<5xi64> {adj.name = "labels"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %e = adj.gather %E[%tokens] axis 0
      : tensor<17x6xf32>, tensor<5x7xi64> -> tensor<5x7x6xf32>
  %pooled = adj.mean %e axes [1] : tensor<5x7x6xf32> -> tensor<5x6xf32>
  %h0 = adj.matmul %pooled, %W1 : tensor<5x6xf32>, tensor<6x9xf32> -> tensor<5x9xf32>
  %h1 = adj.add %h0, %b1 : tensor<5x9xf32>, tensor<9xf32>
  %h = adj.relu %h1 : tensor<5x9xf32>
  %logits = adj.matmul %h, %W2 : tensor<5x9xf32>, tensor<9x3xf32> -> tensor<5x3xf32>
  %ce = adj.softmax_cross_entropy %logits, %labels
      : tensor<5x3xf32>, tensor<5xi64> -> tensor<f32>
  %flat = adj.reshape %E : tensor<17x6xf32> -> tensor<102xf32>
  %l2 = adj.dot %flat, %flat : tensor<102xf32> -> tensor<f32>
  %lambda = adj.constant dense<0.01> : tensor<f32>
  %reg = adj.mul %l2, %lambda : tensor<f32>
  %loss = adj.add %ce, %reg : tensor<f32>
  return %loss : tensor<f32>
}
