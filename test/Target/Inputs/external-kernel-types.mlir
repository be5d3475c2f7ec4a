// External functions whose types cannot be passed to C.
func.func private @dynamic(tensor<?xf32>) -> tensor<3xf32>
func.func private @scalar(f32) -> tensor<3xi1>
func.func @f(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xi1>) {
  %d = tensor.cast %x : tensor<3xf32> to tensor<?xf32>
  %y = call @dynamic(%d) : (tensor<?xf32>) -> tensor<3xf32>
  %c = arith.constant 1.0 : f32
  %m = call @scalar(%c) : (f32) -> tensor<3xi1>
  return %y, %m : tensor<3xf32>, tensor<3xi1>
}
