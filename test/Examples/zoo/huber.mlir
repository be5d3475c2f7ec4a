// Robust regression in f64, as a new user writes it: a two-layer net
// (SiLU as x * sigmoid(x)) on 9 examples of 4 features to 3 targets; the
// loss is the Huber loss with delta 0.5, where(|d| < 0.5, d^2 / 2,
// 0.5 (|d| - 0.25)), plus smooth-L1 with beta 0.3 and the mean absolute
// error, each a mean. Random inputs are off the kinks.
//
// RUN: adjoint-run %s --fn loss --seed 8 --check-grad

func.func @loss(%W1: tensor<4x8xf64> {adj.name = "W1"},
                %b1: tensor<8xf64> {adj.name = "b1"},
                %W2: tensor<8x3xf64> {adj.name = "W2"},
                %x: tensor<9x4xf64> {adj.name = "x"},
                %y: tensor<9x3xf64> {adj.name = "y"})
    -> (tensor<f64> {adj.name = "loss"}) {
  %z0 = adj.matmul %x, %W1 : tensor<9x4xf64>, tensor<4x8xf64> -> tensor<9x8xf64>
  %z = adj.add %z0, %b1 : tensor<9x8xf64>, tensor<8xf64>
  %s = adj.sigmoid %z : tensor<9x8xf64>
  %h = adj.mul %z, %s : tensor<9x8xf64>
  %pred = adj.matmul %h, %W2 : tensor<9x8xf64>, tensor<8x3xf64> -> tensor<9x3xf64>
  %d = adj.sub %pred, %y : tensor<9x3xf64>
  %ad = adj.abs %d : tensor<9x3xf64>
  %sq = adj.square %d : tensor<9x3xf64>
  %half = adj.constant dense<0.5> : tensor<f64>
  // Huber, delta 0.5.
  %small = adj.compare lt, %ad, %half : tensor<9x3xf64>, tensor<f64>
  %quad = adj.mul %sq, %half : tensor<9x3xf64>, tensor<f64>
  %quarter = adj.constant dense<0.25> : tensor<f64>
  %lin0 = adj.sub %ad, %quarter : tensor<9x3xf64>, tensor<f64>
  %lin = adj.mul %lin0, %half : tensor<9x3xf64>, tensor<f64>
  %hub = adj.select %small, %quad, %lin : tensor<9x3xi1>, tensor<9x3xf64>, tensor<9x3xf64>
  %huber = adj.mean %hub : tensor<9x3xf64> -> tensor<f64>
  // Smooth-L1, beta 0.3: d^2 / (2 beta) inside, |d| - beta / 2 outside.
  %beta = adj.constant dense<0.3> : tensor<f64>
  %inner = adj.compare lt, %ad, %beta : tensor<9x3xf64>, tensor<f64>
  %scale = adj.constant dense<1.6666666666666667> : tensor<f64>
  %q = adj.mul %sq, %scale : tensor<9x3xf64>, tensor<f64>
  %shift = adj.constant dense<0.15> : tensor<f64>
  %l = adj.sub %ad, %shift : tensor<9x3xf64>, tensor<f64>
  %sl1e = adj.select %inner, %q, %l : tensor<9x3xi1>, tensor<9x3xf64>, tensor<9x3xf64>
  %sl1 = adj.mean %sl1e : tensor<9x3xf64> -> tensor<f64>
  %mae = adj.mean %ad : tensor<9x3xf64> -> tensor<f64>
  %t = adj.add %huber, %sl1 : tensor<f64>
  %loss = adj.add %t, %mae : tensor<f64>
  return %loss : tensor<f64>
}
