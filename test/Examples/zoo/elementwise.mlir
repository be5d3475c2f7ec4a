// Every elementwise op in one scalar function of a 9x1 and a 1x11 input
// broadcast to 9x11, with a 0-d scale: pow (variable base and exponent),
// div, sqrt, rsqrt, log, log1p, exp, abs, maximum, minimum, a compare +
// select, erf, sin, cos, neg and sigmoid.
//
// RUN: adjoint-run %s --fn loss --seed 9 --check-grad

func.func @loss(%x: tensor<9x1xf32> {adj.name = "x"},
                %y: tensor<1x11xf32> {adj.name = "y"},
                %w: tensor<f32> {adj.name = "w"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %a0 = adj.add %x, %y : tensor<9x1xf32>, tensor<1x11xf32>
  %a = adj.mul %a0, %w : tensor<9x11xf32>, tensor<f32>
  %pos = adj.exp %a : tensor<9x11xf32>
  %t1 = adj.pow %pos, %y : tensor<9x11xf32>, tensor<1x11xf32>
  %one = adj.constant dense<1.0> : tensor<f32>
  %pp1 = adj.add %pos, %one : tensor<9x11xf32>, tensor<f32>
  %t2 = adj.div %a, %pp1 : tensor<9x11xf32>
  %sq = adj.square %a : tensor<9x11xf32>
  %sq1 = adj.add %sq, %one : tensor<9x11xf32>, tensor<f32>
  %t3 = adj.sqrt %sq1 : tensor<9x11xf32>
  %t4 = adj.rsqrt %pp1 : tensor<9x11xf32>
  %t5 = adj.log1p %pos : tensor<9x11xf32>
  %t6 = adj.abs %a : tensor<9x11xf32>
  %sa = adj.sin %a : tensor<9x11xf32>
  %t7 = adj.maximum %a, %sa : tensor<9x11xf32>
  %cy = adj.cos %y : tensor<1x11xf32>
  %t8 = adj.minimum %a, %cy : tensor<9x11xf32>, tensor<1x11xf32>
  %half = adj.constant dense<0.5> : tensor<f32>
  %m = adj.compare gt, %a, %half : tensor<9x11xf32>, tensor<f32>
  %two = adj.constant dense<2.0> : tensor<f32>
  %a2 = adj.mul %a, %two : tensor<9x11xf32>, tensor<f32>
  %t9 = adj.select %m, %a2, %sq : tensor<9x11xi1>, tensor<9x11xf32>, tensor<9x11xf32>
  %t10 = adj.erf %a : tensor<9x11xf32>
  %t11 = adj.log %sq1 : tensor<9x11xf32>
  %t12 = adj.sigmoid %t2 : tensor<9x11xf32>
  %t13 = adj.neg %t12 : tensor<9x11xf32>
  %s1 = adj.add %t1, %t2 : tensor<9x11xf32>
  %s2 = adj.add %s1, %t3 : tensor<9x11xf32>
  %s3 = adj.sub %s2, %t4 : tensor<9x11xf32>
  %s4 = adj.add %s3, %t5 : tensor<9x11xf32>
  %s5 = adj.mul %s4, %t6 : tensor<9x11xf32>
  %s6 = adj.add %s5, %t7 : tensor<9x11xf32>
  %s7 = adj.add %s6, %t8 : tensor<9x11xf32>
  %s8 = adj.add %s7, %t9 : tensor<9x11xf32>
  %s9 = adj.mul %s8, %t10 : tensor<9x11xf32>
  %s10 = adj.add %s9, %t11 : tensor<9x11xf32>
  %s11 = adj.add %s10, %t13 : tensor<9x11xf32>
  %loss = adj.mean %s11 : tensor<9x11xf32> -> tensor<f32>
  return %loss : tensor<f32>
}
