// A public function with a public custom vjp of the wrong type: both are
// exported with the prefix.
func.func @k(%x: tensor<3xf32>) -> tensor<f32> attributes {adj.custom_vjp = @kv} {
  %y = adj.sum %x : tensor<3xf32> -> tensor<f32>
  return %y : tensor<f32>
}
func.func @kv(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}
func.func @g(%x: tensor<3xf32>) -> tensor<3xf32> {
  %g = adj.grad @k(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %g : tensor<3xf32>
}
