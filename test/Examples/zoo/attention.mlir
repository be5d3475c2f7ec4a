// Two pre-norm self-attention layers on a batch of 3 sequences of 7 tokens
// of width 13: layer norm, Q/K/V projections (a 3-D by 2-D matmul), scores
// Q K^T / sqrt(13) (a transpose and a batched matmul), softmax over the
// keys, the weighted values, an output projection and a residual. The loss
// is the mean square distance to a target.
//
// RUN: adjoint-run %s --fn loss --seed 1 --check-grad

func.func private @layer(%x: tensor<3x7x13xf32>, %g: tensor<13xf32>,
                         %b: tensor<13xf32>, %Wq: tensor<13x13xf32>,
                         %Wk: tensor<13x13xf32>, %Wv: tensor<13x13xf32>,
                         %Wo: tensor<13x13xf32>) -> tensor<3x7x13xf32> {
  %n = adj.layer_norm %x, %g, %b axis 2
      : tensor<3x7x13xf32>, tensor<13xf32>, tensor<13xf32>
  %q = adj.matmul %n, %Wq : tensor<3x7x13xf32>, tensor<13x13xf32> -> tensor<3x7x13xf32>
  %k = adj.matmul %n, %Wk : tensor<3x7x13xf32>, tensor<13x13xf32> -> tensor<3x7x13xf32>
  %v = adj.matmul %n, %Wv : tensor<3x7x13xf32>, tensor<13x13xf32> -> tensor<3x7x13xf32>
  %kt = adj.transpose %k [0, 2, 1] : tensor<3x7x13xf32> -> tensor<3x13x7xf32>
  %s0 = adj.matmul %q, %kt : tensor<3x7x13xf32>, tensor<3x13x7xf32> -> tensor<3x7x7xf32>
  %scale = adj.constant dense<0.27735009811261457> : tensor<f32>
  %s = adj.mul %s0, %scale : tensor<3x7x7xf32>, tensor<f32>
  %p = adj.softmax %s axis 2 : tensor<3x7x7xf32>
  %a = adj.matmul %p, %v : tensor<3x7x7xf32>, tensor<3x7x13xf32> -> tensor<3x7x13xf32>
  %o = adj.matmul %a, %Wo : tensor<3x7x13xf32>, tensor<13x13xf32> -> tensor<3x7x13xf32>
  %y = adj.add %o, %x : tensor<3x7x13xf32>
  return %y : tensor<3x7x13xf32>
}

func.func @loss(%g1: tensor<13xf32> {adj.name = "g1"},
                %b1: tensor<13xf32> {adj.name = "b1"},
                %Wq1: tensor<13x13xf32> {adj.name = "Wq1"},
                %Wk1: tensor<13x13xf32> {adj.name = "Wk1"},
                %Wv1: tensor<13x13xf32> {adj.name = "Wv1"},
                %Wo1: tensor<13x13xf32> {adj.name = "Wo1"},
                %g2: tensor<13xf32> {adj.name = "g2"},
                %b2: tensor<13xf32> {adj.name = "b2"},
                %Wq2: tensor<13x13xf32> {adj.name = "Wq2"},
                %Wk2: tensor<13x13xf32> {adj.name = "Wk2"},
                %Wv2: tensor<13x13xf32> {adj.name = "Wv2"},
                %Wo2: tensor<13x13xf32> {adj.name = "Wo2"},
                %x: tensor<3x7x13xf32> {adj.name = "x"},
                %t: tensor<3x7x13xf32> {adj.name = "t"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %h1 = func.call @layer(%x, %g1, %b1, %Wq1, %Wk1, %Wv1, %Wo1)
      : (tensor<3x7x13xf32>, tensor<13xf32>, tensor<13xf32>, tensor<13x13xf32>,
         tensor<13x13xf32>, tensor<13x13xf32>, tensor<13x13xf32>) -> tensor<3x7x13xf32>
  %h2 = func.call @layer(%h1, %g2, %b2, %Wq2, %Wk2, %Wv2, %Wo2)
      : (tensor<3x7x13xf32>, tensor<13xf32>, tensor<13xf32>, tensor<13x13xf32>,
         tensor<13x13xf32>, tensor<13x13xf32>, tensor<13x13xf32>) -> tensor<3x7x13xf32>
  %d = adj.sub %h2, %t : tensor<3x7x13xf32>
  %sq = adj.square %d : tensor<3x7x13xf32>
  %loss = adj.mean %sq : tensor<3x7x13xf32> -> tensor<f32>
  return %loss : tensor<f32>
}

// Second order in f32: the gradient w.r.t. the first layer's query and
// second layer's value weights, and its forward derivative (a
// Hessian-vector product through softmax and layer norm).
func.func private @grads(%g1: tensor<13xf32>, %b1: tensor<13xf32>,
    %Wq1: tensor<13x13xf32>, %Wk1: tensor<13x13xf32>, %Wv1: tensor<13x13xf32>,
    %Wo1: tensor<13x13xf32>, %g2: tensor<13xf32>, %b2: tensor<13xf32>,
    %Wq2: tensor<13x13xf32>, %Wk2: tensor<13x13xf32>, %Wv2: tensor<13x13xf32>,
    %Wo2: tensor<13x13xf32>, %x: tensor<3x7x13xf32>, %t: tensor<3x7x13xf32>)
    -> (tensor<13x13xf32>, tensor<13x13xf32>) {
  %dq, %dv = adj.grad @loss(%g1, %b1, %Wq1, %Wk1, %Wv1, %Wo1, %g2, %b2, %Wq2,
      %Wk2, %Wv2, %Wo2, %x, %t) wrt [2, 10]
      : (tensor<13xf32>, tensor<13xf32>, tensor<13x13xf32>, tensor<13x13xf32>,
         tensor<13x13xf32>, tensor<13x13xf32>, tensor<13xf32>, tensor<13xf32>,
         tensor<13x13xf32>, tensor<13x13xf32>, tensor<13x13xf32>,
         tensor<13x13xf32>, tensor<3x7x13xf32>, tensor<3x7x13xf32>)
      -> (tensor<13x13xf32>, tensor<13x13xf32>)
  return %dq, %dv : tensor<13x13xf32>, tensor<13x13xf32>
}

func.func @hvp(%g1: tensor<13xf32> {adj.name = "g1"},
               %b1: tensor<13xf32> {adj.name = "b1"},
               %Wq1: tensor<13x13xf32> {adj.name = "Wq1"},
               %Wk1: tensor<13x13xf32> {adj.name = "Wk1"},
               %Wv1: tensor<13x13xf32> {adj.name = "Wv1"},
               %Wo1: tensor<13x13xf32> {adj.name = "Wo1"},
               %g2: tensor<13xf32> {adj.name = "g2"},
               %b2: tensor<13xf32> {adj.name = "b2"},
               %Wq2: tensor<13x13xf32> {adj.name = "Wq2"},
               %Wk2: tensor<13x13xf32> {adj.name = "Wk2"},
               %Wv2: tensor<13x13xf32> {adj.name = "Wv2"},
               %Wo2: tensor<13x13xf32> {adj.name = "Wo2"},
               %x: tensor<3x7x13xf32> {adj.name = "x"},
               %t: tensor<3x7x13xf32> {adj.name = "t"},
               %vq: tensor<13x13xf32> {adj.name = "vq"},
               %vv: tensor<13x13xf32> {adj.name = "vv"})
    -> (tensor<13x13xf32> {adj.name = "hq"}, tensor<13x13xf32> {adj.name = "hv"}) {
  %dq, %dv, %hq, %hv = adj.jvp @grads(%g1, %b1, %Wq1, %Wk1, %Wv1, %Wo1, %g2,
      %b2, %Wq2, %Wk2, %Wv2, %Wo2, %x, %t) tangents(%vq, %vv) wrt [2, 10]
      : (tensor<13xf32>, tensor<13xf32>, tensor<13x13xf32>, tensor<13x13xf32>,
         tensor<13x13xf32>, tensor<13x13xf32>, tensor<13xf32>, tensor<13xf32>,
         tensor<13x13xf32>, tensor<13x13xf32>, tensor<13x13xf32>,
         tensor<13x13xf32>, tensor<3x7x13xf32>, tensor<3x7x13xf32>,
         tensor<13x13xf32>, tensor<13x13xf32>)
      -> (tensor<13x13xf32>, tensor<13x13xf32>, tensor<13x13xf32>, tensor<13x13xf32>)
  return %hq, %hv : tensor<13x13xf32>, tensor<13x13xf32>
}
