// An LSTM cell unrolled over 3 steps on a batch of 7 (f32), 3 inputs, 5
// hidden units: one matmul of [x, h] (a concat) gives the four gates, taken
// apart with slices; c = f * c + i * g, h = o * tanh(c). A linear read-out
// of the last state is scored by the summed softmax cross-entropy.
//
// RUN: adjoint-run %s --fn loss --seed 3 --int-range 0:3 --check-grad

func.func private @cell(%x: tensor<7x3xf32>, %h: tensor<7x5xf32>,
                        %c: tensor<7x5xf32>, %W: tensor<8x20xf32>,
                        %b: tensor<20xf32>) -> (tensor<7x5xf32>, tensor<7x5xf32>) {
  %xh = adj.concat %x, %h axis 1 : tensor<7x3xf32>, tensor<7x5xf32> -> tensor<7x8xf32>
  %g0 = adj.matmul %xh, %W : tensor<7x8xf32>, tensor<8x20xf32> -> tensor<7x20xf32>
  %gs = adj.add %g0, %b : tensor<7x20xf32>, tensor<20xf32>
  %ip = adj.slice %gs start [0, 0] limit [7, 5] : tensor<7x20xf32> -> tensor<7x5xf32>
  %fp = adj.slice %gs start [0, 5] limit [7, 10] : tensor<7x20xf32> -> tensor<7x5xf32>
  %gp = adj.slice %gs start [0, 10] limit [7, 15] : tensor<7x20xf32> -> tensor<7x5xf32>
  %op = adj.slice %gs start [0, 15] limit [7, 20] : tensor<7x20xf32> -> tensor<7x5xf32>
  %i = adj.sigmoid %ip : tensor<7x5xf32>
  %f = adj.sigmoid %fp : tensor<7x5xf32>
  %g = adj.tanh %gp : tensor<7x5xf32>
  %o = adj.sigmoid %op : tensor<7x5xf32>
  %fc = adj.mul %f, %c : tensor<7x5xf32>
  %ig = adj.mul %i, %g : tensor<7x5xf32>
  %c2 = adj.add %fc, %ig : tensor<7x5xf32>
  %tc = adj.tanh %c2 : tensor<7x5xf32>
  %h2 = adj.mul %o, %tc : tensor<7x5xf32>
  return %h2, %c2 : tensor<7x5xf32>, tensor<7x5xf32>
}

func.func @loss(%W: tensor<8x20xf32> {adj.name = "W"},
                %b: tensor<20xf32> {adj.name = "b"},
                %V: tensor<5x3xf32> {adj.name = "V"},
                %x0: tensor<7x3xf32> {adj.name = "x0"},
                %x1: tensor<7x3xf32> {adj.name = "x1"},
                %x2: tensor<7x3xf32> {adj.name = "x2"},
                %labels: tensor<7xi32> {adj.name = "labels"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %z = adj.fill 0.0 : tensor<7x5xf32>
  %h1, %c1 = func.call @cell(%x0, %z, %z, %W, %b)
      : (tensor<7x3xf32>, tensor<7x5xf32>, tensor<7x5xf32>, tensor<8x20xf32>, tensor<20xf32>)
      -> (tensor<7x5xf32>, tensor<7x5xf32>)
  %h2, %c2 = func.call @cell(%x1, %h1, %c1, %W, %b)
      : (tensor<7x3xf32>, tensor<7x5xf32>, tensor<7x5xf32>, tensor<8x20xf32>, tensor<20xf32>)
      -> (tensor<7x5xf32>, tensor<7x5xf32>)
  %h3, %c3 = func.call @cell(%x2, %h2, %c2, %W, %b)
      : (tensor<7x3xf32>, tensor<7x5xf32>, tensor<7x5xf32>, tensor<8x20xf32>, tensor<20xf32>)
      -> (tensor<7x5xf32>, tensor<7x5xf32>)
  %logits = adj.matmul %h3, %V : tensor<7x5xf32>, tensor<5x3xf32> -> tensor<7x3xf32>
  %loss = adj.softmax_cross_entropy %logits, %labels reduction sum
      : tensor<7x3xf32>, tensor<7xi32> -> tensor<f32>
  return %loss : tensor<f32>
}

// Forward mode through the unrolled cell: the loss and its derivative along
// (tW, tx0).
func.func @jvp(%W: tensor<8x20xf32> {adj.name = "W"},
               %b: tensor<20xf32> {adj.name = "b"},
               %V: tensor<5x3xf32> {adj.name = "V"},
               %x0: tensor<7x3xf32> {adj.name = "x0"},
               %x1: tensor<7x3xf32> {adj.name = "x1"},
               %x2: tensor<7x3xf32> {adj.name = "x2"},
               %labels: tensor<7xi32> {adj.name = "labels"},
               %tW: tensor<8x20xf32> {adj.name = "tW"},
               %tx0: tensor<7x3xf32> {adj.name = "tx0"})
    -> (tensor<f32> {adj.name = "loss"}, tensor<f32> {adj.name = "dloss"}) {
  %l, %dl = adj.jvp @loss(%W, %b, %V, %x0, %x1, %x2, %labels)
      tangents(%tW, %tx0) wrt [0, 3]
      : (tensor<8x20xf32>, tensor<20xf32>, tensor<5x3xf32>, tensor<7x3xf32>,
         tensor<7x3xf32>, tensor<7x3xf32>, tensor<7xi32>, tensor<8x20xf32>,
         tensor<7x3xf32>) -> (tensor<f32>, tensor<f32>)
  return %l, %dl : tensor<f32>, tensor<f32>
}
