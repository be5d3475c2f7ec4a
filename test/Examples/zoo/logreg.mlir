// Multinomial logistic regression in f64 on 31 (prime) examples of 7
// features and 4 classes, written out by hand: log_softmax of the logits,
// one_hot of the i32 labels, the negative mean log-likelihood
// -sum(onehot * logp) / N, and an L2 penalty sum(W^2) / 2.
//
// RUN: adjoint-run %s --fn loss --seed 6 --int-range 0:4 --check-grad

func.func @loss(%W: tensor<7x4xf64> {adj.name = "W"},
                %b: tensor<4xf64> {adj.name = "b"},
                %x: tensor<31x7xf64> {adj.name = "x"},
                %labels: tensor<31xi32> {adj.name = "labels"})
    -> (tensor<f64> {adj.name = "loss"}) {
  %z0 = adj.matmul %x, %W : tensor<31x7xf64>, tensor<7x4xf64> -> tensor<31x4xf64>
  %z = adj.add %z0, %b : tensor<31x4xf64>, tensor<4xf64>
  %lp = adj.log_softmax %z axis 1 : tensor<31x4xf64>
  %y = adj.one_hot %labels : tensor<31xi32> -> tensor<31x4xf64>
  %ll = adj.mul %y, %lp : tensor<31x4xf64>
  %per = adj.sum %ll axes [1] : tensor<31x4xf64> -> tensor<31xf64>
  %m = adj.mean %per : tensor<31xf64> -> tensor<f64>
  %nll = adj.neg %m : tensor<f64>
  %w2 = adj.square %W : tensor<7x4xf64>
  %s = adj.sum %w2 : tensor<7x4xf64> -> tensor<f64>
  %half = adj.constant dense<0.5> : tensor<f64>
  %reg = adj.mul %s, %half : tensor<f64>
  %loss = adj.add %nll, %reg : tensor<f64>
  return %loss : tensor<f64>
}
