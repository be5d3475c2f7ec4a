// A scalar function calling a declaration, without any adj op: parsing it
// loads no adj dialect.
func.func private @g(%x: tensor<3xf32>) -> tensor<f32>
func.func @f(%x: tensor<3xf32>) -> tensor<f32> {
  %0 = func.call @g(%x) : (tensor<3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
