// Reductions over different axes of a 4x7x5 f64 tensor, with and without
// keepdims: a sum over axis 2, a mean over axes [0, 2] kept, max over axis
// 1, min over axis 0 kept, a product over axis 2 (of values near 1),
// logsumexp over [1, 2], each combined with broadcasting and reduced to a
// scalar.
//
// RUN: adjoint-run %s --fn loss --seed 10 --check-grad

func.func @loss(%x: tensor<4x7x5xf64> {adj.name = "x"},
                %v: tensor<5xf64> {adj.name = "v"})
    -> (tensor<f64> {adj.name = "loss"}) {
  %xv = adj.mul %x, %v : tensor<4x7x5xf64>, tensor<5xf64>
  %s = adj.sum %xv axes [2] : tensor<4x7x5xf64> -> tensor<4x7xf64>
  %m = adj.mean %x axes [0, 2] keepdims : tensor<4x7x5xf64> -> tensor<1x7x1xf64>
  %c = adj.sub %x, %m : tensor<4x7x5xf64>, tensor<1x7x1xf64>
  %mx = adj.max %c axes [1] : tensor<4x7x5xf64> -> tensor<4x5xf64>
  %mn = adj.min %xv axes [0] keepdims : tensor<4x7x5xf64> -> tensor<1x7x5xf64>
  %tenth = adj.constant dense<0.1> : tensor<f64>
  %one = adj.constant dense<1.0> : tensor<f64>
  %sm = adj.mul %x, %tenth : tensor<4x7x5xf64>, tensor<f64>
  %near1 = adj.add %sm, %one : tensor<4x7x5xf64>, tensor<f64>
  %pr = adj.prod %near1 axes [2] : tensor<4x7x5xf64> -> tensor<4x7xf64>
  %lse = adj.logsumexp %xv axes [1, 2] : tensor<4x7x5xf64> -> tensor<4xf64>
  %a = adj.mul %s, %pr : tensor<4x7xf64>
  %a1 = adj.sum %a : tensor<4x7xf64> -> tensor<f64>
  %b = adj.square %mx : tensor<4x5xf64>
  %b1 = adj.mean %b : tensor<4x5xf64> -> tensor<f64>
  %c1 = adj.sum %mn : tensor<1x7x5xf64> -> tensor<f64>
  %d1 = adj.sum %lse : tensor<4xf64> -> tensor<f64>
  %l1 = adj.add %a1, %b1 : tensor<f64>
  %l2 = adj.add %l1, %c1 : tensor<f64>
  %loss = adj.add %l2, %d1 : tensor<f64>
  return %loss : tensor<f64>
}
