// mine.softplus without the plugin that defines it.
func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  %y = mine.softplus %x : tensor<3xf32>
  return %y : tensor<3xf32>
}
