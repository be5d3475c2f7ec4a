// Two float arguments and a label, for the tests of derivative requests
// that ask for the same entry point; @f_value_and's --grad entry point is
// @f's --value-and-grad one.
func.func @f(%w: tensor<3xf32> {adj.name = "w"}, %y: tensor<3xi64> {adj.name = "y"},
             %x: tensor<3xf32> {adj.name = "x"}) -> tensor<f32> {
  %p = adj.mul %w, %x : tensor<3xf32>, tensor<3xf32>
  %s = adj.sum %p : tensor<3xf32> -> tensor<f32>
  return %s : tensor<f32>
}
func.func @f_value_and(%x: tensor<3xf32>) -> tensor<f32> {
  %s = adj.sum %x : tensor<3xf32> -> tensor<f32>
  return %s : tensor<f32>
}
