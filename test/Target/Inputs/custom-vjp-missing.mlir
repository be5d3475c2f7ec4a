// A public function (exported as <prefix>_k) whose custom vjp does not exist.
func.func @k(%x: tensor<3xf32>) -> tensor<f32> attributes {adj.custom_vjp = @nope} {
  %y = adj.sum %x : tensor<3xf32> -> tensor<f32>
  return %y : tensor<f32>
}
func.func @g(%x: tensor<3xf32>) -> tensor<3xf32> {
  %g = adj.grad @k(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %g : tensor<3xf32>
}
