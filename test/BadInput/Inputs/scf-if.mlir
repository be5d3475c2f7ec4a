// A function with a region whose condition is known only at run time: it
// compiles, but is not differentiated.
func.func @loss(%a: tensor<4xf32>) -> tensor<f32> {
  %i = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %e = tensor.extract %a[%i] : tensor<4xf32>
  %c = arith.cmpf ogt, %e, %zero : f32
  %r = scf.if %c -> tensor<4xf32> {
    %y = adj.exp %a : tensor<4xf32>
    scf.yield %y : tensor<4xf32>
  } else {
    scf.yield %a : tensor<4xf32>
  }
  %l = adj.sum %r : tensor<4xf32> -> tensor<f32>
  return %l : tensor<f32>
}
