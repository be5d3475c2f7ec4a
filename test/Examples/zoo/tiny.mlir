// Degenerate shapes: a 1x1 weight, a 0-d bias, a batch of 1, a 1x1 conv on
// a 1x1x1x1 image, a softmax over an axis of size 1 (constant 1) and a
// matmul with an inner dimension of 1.
//
// RUN: adjoint-run %s --fn loss --seed 11 --check-grad

func.func @loss(%w: tensor<1x1xf32> {adj.name = "w"},
                %b: tensor<f32> {adj.name = "b"},
                %k: tensor<1x1x1x1xf32> {adj.name = "k"},
                %u: tensor<3x1xf32> {adj.name = "u"},
                %x: tensor<1x1xf32> {adj.name = "x"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %h0 = adj.matmul %x, %w : tensor<1x1xf32>, tensor<1x1xf32> -> tensor<1x1xf32>
  %h = adj.add %h0, %b : tensor<1x1xf32>, tensor<f32>
  %img = adj.reshape %h : tensor<1x1xf32> -> tensor<1x1x1x1xf32>
  %cv = adj.conv2d %img, %k : tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32> -> tensor<1x1x1x1xf32>
  %f = adj.reshape %cv : tensor<1x1x1x1xf32> -> tensor<1x1xf32>
  %sm = adj.softmax %f axis 1 : tensor<1x1xf32>
  %t = adj.tanh %f : tensor<1x1xf32>
  %o = adj.matmul %u, %t : tensor<3x1xf32>, tensor<1x1xf32> -> tensor<3x1xf32>
  %os = adj.mul %o, %sm : tensor<3x1xf32>, tensor<1x1xf32>
  %sq = adj.square %os : tensor<3x1xf32>
  %loss = adj.sum %sq : tensor<3x1xf32> -> tensor<f32>
  return %loss : tensor<f32>
}
