// Names close to the ones the C header refuses, all distinct in its C
// identifiers and macros (test/Target/header.test).
func.func @f(%a: tensor<3xf32> {adj.name = "w"}, %b: tensor<5xf32> {adj.name = "w_"},
             %c: tensor<2xf64> {adj.name = "null"}, %d: tensor<2xi64> {adj.name = "_x"},
             %e: tensor<2xf32> {adj.name = "workspace_"}, %g: tensor<2xf32> {adj.name = "Eof"},
             %h: tensor<2xi32> {adj.name = "int32"}, %i: tensor<2xf32> {adj.name = "stdin_"})
    -> (tensor<f32> {adj.name = "result"}, tensor<2xf64> {adj.name = "FLT_x"}) {
  %s = adj.sum %a : tensor<3xf32> -> tensor<f32>
  return %s, %c : tensor<f32>, tensor<2xf64>
}
func.func @f_x(%a: tensor<3xf32> {adj.name = "y"}) -> (tensor<3xf32> {adj.name = "r"}) {
  return %a : tensor<3xf32>
}
func.func @Loss(%a: tensor<4xf32> {adj.name = "x_z"}) -> (tensor<4xf32> {adj.name = "r"}) {
  return %a : tensor<4xf32>
}
