// A model whose request synthesizes a private loss_grad_wrt_0.
func.func @loss(%x: tensor<3xf32>, %i: tensor<2xi64>) -> tensor<f32> {
  %0 = adj.sin %x : tensor<3xf32>
  %1 = adj.gather %0[%i] axis 0 : tensor<3xf32>, tensor<2xi64> -> tensor<2xf32>
  %2 = adj.sum %1 : tensor<2xf32> -> tensor<f32>
  return %2 : tensor<f32>
}
func.func @step(%x: tensor<3xf32>, %i: tensor<2xi64>) -> tensor<3xf32> {
  %g = adj.grad @loss(%x, %i) : (tensor<3xf32>, tensor<2xi64>) -> tensor<3xf32>
  return %g : tensor<3xf32>
}
