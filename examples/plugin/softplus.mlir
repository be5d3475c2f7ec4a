// A one-layer regression with the plugin's softplus activation:
//   loss = mean((softplus(x W + b) − y)²)
// Needs the plugin: --load-dialect-plugin=libMinePlugin.so (see README.md).
func.func @loss(%W: tensor<3x4xf32> {adj.name = "W"},
                %b: tensor<4xf32> {adj.name = "b"},
                %x: tensor<5x3xf32> {adj.name = "x"},
                %y: tensor<5x4xf32> {adj.name = "y"}) -> tensor<f32> {
  %h = adj.matmul %x, %W : tensor<5x3xf32>, tensor<3x4xf32> -> tensor<5x4xf32>
  %z = adj.add %h, %b : tensor<5x4xf32>, tensor<4xf32>
  %a = mine.softplus %z : tensor<5x4xf32>
  %d = adj.sub %a, %y : tensor<5x4xf32>, tensor<5x4xf32>
  %sq = adj.square %d : tensor<5x4xf32>
  %l = adj.mean %sq : tensor<5x4xf32> -> tensor<f32>
  return %l : tensor<f32>
}
