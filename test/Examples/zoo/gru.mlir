// A GRU cell unrolled over 3 time steps, in f64, on a batch of 5 with 4
// inputs and 11 hidden units: update and reset gates (sigmoid), candidate
// state (tanh, gated by the reset gate), h = (1 - z) * n + z * h. Each
// step's input is a slice of the sequence. The loss is a linear read-out
// of the last state against targets, plus the mean square of every state.
//
// RUN: adjoint-run %s --fn loss --seed 2 --check-grad

func.func private @cell(%x: tensor<5x4xf64>, %h: tensor<5x11xf64>,
                        %W: tensor<4x33xf64>, %U: tensor<11x33xf64>,
                        %b: tensor<33xf64>) -> tensor<5x11xf64> {
  %xw0 = adj.matmul %x, %W : tensor<5x4xf64>, tensor<4x33xf64> -> tensor<5x33xf64>
  %xw = adj.add %xw0, %b : tensor<5x33xf64>, tensor<33xf64>
  %hu = adj.matmul %h, %U : tensor<5x11xf64>, tensor<11x33xf64> -> tensor<5x33xf64>
  %xz = adj.slice %xw start [0, 0] limit [5, 11] : tensor<5x33xf64> -> tensor<5x11xf64>
  %xr = adj.slice %xw start [0, 11] limit [5, 22] : tensor<5x33xf64> -> tensor<5x11xf64>
  %xn = adj.slice %xw start [0, 22] limit [5, 33] : tensor<5x33xf64> -> tensor<5x11xf64>
  %hz = adj.slice %hu start [0, 0] limit [5, 11] : tensor<5x33xf64> -> tensor<5x11xf64>
  %hr = adj.slice %hu start [0, 11] limit [5, 22] : tensor<5x33xf64> -> tensor<5x11xf64>
  %hn = adj.slice %hu start [0, 22] limit [5, 33] : tensor<5x33xf64> -> tensor<5x11xf64>
  %z0 = adj.add %xz, %hz : tensor<5x11xf64>
  %z = adj.sigmoid %z0 : tensor<5x11xf64>
  %r0 = adj.add %xr, %hr : tensor<5x11xf64>
  %r = adj.sigmoid %r0 : tensor<5x11xf64>
  %rh = adj.mul %r, %hn : tensor<5x11xf64>
  %n0 = adj.add %xn, %rh : tensor<5x11xf64>
  %n = adj.tanh %n0 : tensor<5x11xf64>
  %one = adj.constant dense<1.0> : tensor<f64>
  %omz = adj.sub %one, %z : tensor<f64>, tensor<5x11xf64>
  %a = adj.mul %omz, %n : tensor<5x11xf64>
  %c = adj.mul %z, %h : tensor<5x11xf64>
  %hnew = adj.add %a, %c : tensor<5x11xf64>
  return %hnew : tensor<5x11xf64>
}

func.func @loss(%W: tensor<4x33xf64> {adj.name = "W"},
                %U: tensor<11x33xf64> {adj.name = "U"},
                %b: tensor<33xf64> {adj.name = "b"},
                %h0: tensor<5x11xf64> {adj.name = "h0"},
                %V: tensor<11x2xf64> {adj.name = "V"},
                %xs: tensor<3x5x4xf64> {adj.name = "xs"},
                %y: tensor<5x2xf64> {adj.name = "y"})
    -> (tensor<f64> {adj.name = "loss"}) {
  %x0s = adj.slice %xs start [0, 0, 0] limit [1, 5, 4] : tensor<3x5x4xf64> -> tensor<1x5x4xf64>
  %x1s = adj.slice %xs start [1, 0, 0] limit [2, 5, 4] : tensor<3x5x4xf64> -> tensor<1x5x4xf64>
  %x2s = adj.slice %xs start [2, 0, 0] limit [3, 5, 4] : tensor<3x5x4xf64> -> tensor<1x5x4xf64>
  %x0 = adj.reshape %x0s : tensor<1x5x4xf64> -> tensor<5x4xf64>
  %x1 = adj.reshape %x1s : tensor<1x5x4xf64> -> tensor<5x4xf64>
  %x2 = adj.reshape %x2s : tensor<1x5x4xf64> -> tensor<5x4xf64>
  %h1 = func.call @cell(%x0, %h0, %W, %U, %b)
      : (tensor<5x4xf64>, tensor<5x11xf64>, tensor<4x33xf64>, tensor<11x33xf64>, tensor<33xf64>) -> tensor<5x11xf64>
  %h2 = func.call @cell(%x1, %h1, %W, %U, %b)
      : (tensor<5x4xf64>, tensor<5x11xf64>, tensor<4x33xf64>, tensor<11x33xf64>, tensor<33xf64>) -> tensor<5x11xf64>
  %h3 = func.call @cell(%x2, %h2, %W, %U, %b)
      : (tensor<5x4xf64>, tensor<5x11xf64>, tensor<4x33xf64>, tensor<11x33xf64>, tensor<33xf64>) -> tensor<5x11xf64>
  %o = adj.matmul %h3, %V : tensor<5x11xf64>, tensor<11x2xf64> -> tensor<5x2xf64>
  %d = adj.sub %o, %y : tensor<5x2xf64>
  %d2 = adj.square %d : tensor<5x2xf64>
  %l1 = adj.sum %d2 : tensor<5x2xf64> -> tensor<f64>
  %hs = adj.concat %h1, %h2, %h3 axis 0
      : tensor<5x11xf64>, tensor<5x11xf64>, tensor<5x11xf64> -> tensor<15x11xf64>
  %hs2 = adj.square %hs : tensor<15x11xf64>
  %l2 = adj.mean %hs2 : tensor<15x11xf64> -> tensor<f64>
  %loss = adj.add %l1, %l2 : tensor<f64>, tensor<f64>
  return %loss : tensor<f64>
}

// Second order: the gradient w.r.t. W, U and b, and its forward derivative
// along (vW, vU, vb), a Hessian-vector product (forward over reverse).
func.func @grads(%W: tensor<4x33xf64>, %U: tensor<11x33xf64>, %b: tensor<33xf64>,
                 %h0: tensor<5x11xf64>, %V: tensor<11x2xf64>,
                 %xs: tensor<3x5x4xf64>, %y: tensor<5x2xf64>)
    -> (tensor<4x33xf64>, tensor<11x33xf64>, tensor<33xf64>) {
  %dW, %dU, %db = adj.grad @loss(%W, %U, %b, %h0, %V, %xs, %y) wrt [0, 1, 2]
      : (tensor<4x33xf64>, tensor<11x33xf64>, tensor<33xf64>, tensor<5x11xf64>,
         tensor<11x2xf64>, tensor<3x5x4xf64>, tensor<5x2xf64>)
      -> (tensor<4x33xf64>, tensor<11x33xf64>, tensor<33xf64>)
  return %dW, %dU, %db : tensor<4x33xf64>, tensor<11x33xf64>, tensor<33xf64>
}

func.func @hvp(%W: tensor<4x33xf64> {adj.name = "W"},
               %U: tensor<11x33xf64> {adj.name = "U"},
               %b: tensor<33xf64> {adj.name = "b"},
               %h0: tensor<5x11xf64> {adj.name = "h0"},
               %V: tensor<11x2xf64> {adj.name = "V"},
               %xs: tensor<3x5x4xf64> {adj.name = "xs"},
               %y: tensor<5x2xf64> {adj.name = "y"},
               %vW: tensor<4x33xf64> {adj.name = "vW"},
               %vU: tensor<11x33xf64> {adj.name = "vU"},
               %vb: tensor<33xf64> {adj.name = "vb"})
    -> (tensor<4x33xf64> {adj.name = "hW"}, tensor<11x33xf64> {adj.name = "hU"},
        tensor<33xf64> {adj.name = "hb"}) {
  %gW, %gU, %gb, %hW, %hU, %hb = adj.jvp @grads(%W, %U, %b, %h0, %V, %xs, %y)
      tangents(%vW, %vU, %vb) wrt [0, 1, 2]
      : (tensor<4x33xf64>, tensor<11x33xf64>, tensor<33xf64>, tensor<5x11xf64>,
         tensor<11x2xf64>, tensor<3x5x4xf64>, tensor<5x2xf64>,
         tensor<4x33xf64>, tensor<11x33xf64>, tensor<33xf64>)
      -> (tensor<4x33xf64>, tensor<11x33xf64>, tensor<33xf64>,
          tensor<4x33xf64>, tensor<11x33xf64>, tensor<33xf64>)
  return %hW, %hU, %hb : tensor<4x33xf64>, tensor<11x33xf64>, tensor<33xf64>
}
