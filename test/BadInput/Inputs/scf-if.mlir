// A function with a region: it compiles, but is not differentiated.
func.func @loss(%a: tensor<4xf32>) -> tensor<f32> {
  %c = arith.constant true
  %r = scf.if %c -> tensor<4xf32> {
    %y = adj.exp %a : tensor<4xf32>
    scf.yield %y : tensor<4xf32>
  } else {
    scf.yield %a : tensor<4xf32>
  }
  %l = adj.sum %r : tensor<4xf32> -> tensor<f32>
  return %l : tensor<f32>
}
