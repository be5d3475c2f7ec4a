// A 3-layer MLP on odd shapes (33 examples of 65 features, widths 47 and
// 13): GELU (erf) then GELU (tanh approximation), a linear output to 3
// targets and the mean squared error.
//
// RUN: adjoint-run %s --fn loss --seed 7 --check-grad

func.func @loss(%W1: tensor<65x47xf32> {adj.name = "W1"},
                %b1: tensor<47xf32> {adj.name = "b1"},
                %W2: tensor<47x13xf32> {adj.name = "W2"},
                %b2: tensor<13xf32> {adj.name = "b2"},
                %W3: tensor<13x3xf32> {adj.name = "W3"},
                %x: tensor<33x65xf32> {adj.name = "x"},
                %y: tensor<33x3xf32> {adj.name = "y"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %a0 = adj.matmul %x, %W1 : tensor<33x65xf32>, tensor<65x47xf32> -> tensor<33x47xf32>
  %a1 = adj.add %a0, %b1 : tensor<33x47xf32>, tensor<47xf32>
  %h1 = adj.gelu %a1 : tensor<33x47xf32>
  %a2 = adj.matmul %h1, %W2 : tensor<33x47xf32>, tensor<47x13xf32> -> tensor<33x13xf32>
  %a3 = adj.add %a2, %b2 : tensor<33x13xf32>, tensor<13xf32>
  %h2 = adj.gelu %a3 approximate tanh : tensor<33x13xf32>
  %o = adj.matmul %h2, %W3 : tensor<33x13xf32>, tensor<13x3xf32> -> tensor<33x3xf32>
  %d = adj.sub %o, %y : tensor<33x3xf32>
  %d2 = adj.square %d : tensor<33x3xf32>
  %loss = adj.mean %d2 : tensor<33x3xf32> -> tensor<f32>
  return %loss : tensor<f32>
}
