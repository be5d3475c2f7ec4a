// A loop carrying a tensor across iterations: adjoint-compile refuses it.
func.func @loss(%a: tensor<4xf32>) -> tensor<f32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%x = %a) -> tensor<4xf32> {
    %y = adj.exp %x : tensor<4xf32>
    scf.yield %y : tensor<4xf32>
  }
  %l = adj.sum %r : tensor<4xf32> -> tensor<f32>
  return %l : tensor<f32>
}
