// A small model for the bad-input tests: two public functions and a
// declaration.
func.func private @declared(%x: tensor<3xf32>) -> tensor<3xf32>
func.func @f(%x: tensor<3xf32> {adj.name = "x"},
             %i: tensor<2xi64> {adj.name = "i"}) -> tensor<f32> {
  %0 = adj.sin %x : tensor<3xf32>
  %1 = adj.gather %0[%i] axis 0 : tensor<3xf32>, tensor<2xi64> -> tensor<2xf32>
  %2 = adj.sum %1 : tensor<2xf32> -> tensor<f32>
  return %2 : tensor<f32>
}
func.func @g(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = func.call @declared(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
