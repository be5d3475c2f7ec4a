// A model that calls an external kernel (test/Target/Inputs/kernels.c),
// differentiated through the kernel's hand-written vjp.
func.func private @scaled_tanh(tensor<2x3xf32>, tensor<2xf32>, tensor<i64>) -> tensor<2x3xf32>
    attributes {adj.custom_vjp = @scaled_tanh_vjp}
func.func private @scaled_tanh_vjp(tensor<2x3xf32>, tensor<2xf32>, tensor<i64>, tensor<2x3xf32>)
    -> (tensor<2x3xf32>, tensor<2xf32>)

func.func @loss(%x: tensor<2x3xf32> {adj.name = "x"}, %s: tensor<2xf32> {adj.name = "s"},
                %k: tensor<i64> {adj.name = "k"}, %w: tensor<2x3xf32> {adj.name = "w"}) -> tensor<f32> {
  %y = call @scaled_tanh(%x, %s, %k) : (tensor<2x3xf32>, tensor<2xf32>, tensor<i64>) -> tensor<2x3xf32>
  %p = adj.mul %y, %w : tensor<2x3xf32>, tensor<2x3xf32>
  %sq = adj.square %p : tensor<2x3xf32>
  %l = adj.sum %sq : tensor<2x3xf32> -> tensor<f32>
  return %l : tensor<f32>
}
