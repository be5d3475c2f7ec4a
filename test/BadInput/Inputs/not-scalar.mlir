// Functions that --grad / --value-and-grad cannot differentiate as a loss:
// a vector result, two results, none, and a scalar that
// is not even a tensor.
func.func @vector(%x: tensor<3x4xf32>) -> tensor<3xf32> {
  %0 = adj.sum %x axes [1] : tensor<3x4xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func @two(%x: tensor<3xf32>) -> (tensor<f32>, tensor<f32>) {
  %0 = adj.sum %x : tensor<3xf32> -> tensor<f32>
  return %0, %0 : tensor<f32>, tensor<f32>
}
func.func @none(%x: tensor<3xf32>) {
  return
}
func.func @scalar(%x: f32) -> f32 {
  return %x : f32
}
