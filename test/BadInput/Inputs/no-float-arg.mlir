// A scalar loss of no float argument: nothing to differentiate.
func.func @no_float(%i: tensor<3xi64>) -> tensor<f32> {
  %0 = adj.fill 1.0 : tensor<f32>
  return %0 : tensor<f32>
}
