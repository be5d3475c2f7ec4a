// A residual block built from shape ops on a 7x13 input: the input and its
// column-reversed copy are concatenated (7x26), projected, split in two
// halves by strided slices (even and odd columns), combined, reshaped to
// 7x13x1 and broadcast against a learned 1x1x3 per-channel scale, reduced
// back, transposed twice, padded and cropped again, then added to the
// input. The loss is sum(out * w) with w a fixed weight tensor.
//
// RUN: adjoint-run %s --fn loss --seed 8 --check-grad

func.func @loss(%P: tensor<26x26xf32> {adj.name = "P"},
                %s: tensor<1x1x3xf32> {adj.name = "s"},
                %c: tensor<1x13xf32> {adj.name = "c"},
                %x: tensor<7x13xf32> {adj.name = "x"},
                %w: tensor<7x13xf32> {adj.name = "w"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %xr = adj.reverse %x dims [1] : tensor<7x13xf32>
  %cat = adj.concat %x, %xr axis 1 : tensor<7x13xf32>, tensor<7x13xf32> -> tensor<7x26xf32>
  %proj = adj.matmul %cat, %P : tensor<7x26xf32>, tensor<26x26xf32> -> tensor<7x26xf32>
  %even = adj.slice %proj start [0, 0] limit [7, 26] stride [1, 2]
      : tensor<7x26xf32> -> tensor<7x13xf32>
  %odd = adj.slice %proj start [0, 1] limit [7, 26] stride [1, 2]
      : tensor<7x26xf32> -> tensor<7x13xf32>
  %so = adj.sigmoid %odd : tensor<7x13xf32>
  %gated = adj.mul %even, %so : tensor<7x13xf32>
  %r = adj.reshape %gated : tensor<7x13xf32> -> tensor<7x13x1xf32>
  %b = adj.broadcast_to %r : tensor<7x13x1xf32> -> tensor<7x13x3xf32>
  %bs = adj.mul %b, %s : tensor<7x13x3xf32>, tensor<1x1x3xf32>
  %red = adj.sum %bs axes [2] : tensor<7x13x3xf32> -> tensor<7x13xf32>
  %t = adj.transpose %red [1, 0] : tensor<7x13xf32> -> tensor<13x7xf32>
  %ct = adj.transpose %c [1, 0] : tensor<1x13xf32> -> tensor<13x1xf32>
  %tc = adj.add %t, %ct : tensor<13x7xf32>, tensor<13x1xf32>
  %pad = adj.pad %tc low [1, 0] high [2, 3] value 0.5 : tensor<13x7xf32> -> tensor<16x10xf32>
  %crop = adj.slice %pad start [1, 0] limit [14, 7] : tensor<16x10xf32> -> tensor<13x7xf32>
  %back = adj.transpose %crop [1, 0] : tensor<13x7xf32> -> tensor<7x13xf32>
  %out = adj.add %back, %x : tensor<7x13xf32>
  %ow = adj.mul %out, %w : tensor<7x13xf32>
  %loss = adj.sum %ow : tensor<7x13xf32> -> tensor<f32>
  return %loss : tensor<f32>
}
