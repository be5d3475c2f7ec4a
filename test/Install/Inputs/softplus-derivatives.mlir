// The reverse and forward derivatives of mine.softplus, asked for in the IR.
func.func @f(%x: tensor<3xf64>) -> tensor<3xf64> {
  %y = mine.softplus %x : tensor<3xf64>
  return %y : tensor<3xf64>
}
func.func @df(%x: tensor<3xf64>, %c: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>) {
  %y, %dx = adj.vjp @f(%x) cotangents(%c) wrt [0] : (tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  %z, %dy = adj.jvp @f(%x) tangents(%c) wrt [0] : (tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %dx, %dy : tensor<3xf64>, tensor<3xf64>
}
