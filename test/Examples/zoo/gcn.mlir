// A graph network on 7 nodes of 5 features and 12 directed edges (i64
// source and destination node indices, repeats included), as a new user
// writes it: each edge's message relu(x[src] Wm + bm) (a gather), summed
// into its destination node (a scatter_add) and averaged by the in-degree
// (a scatter_add of ones, at least 1); the node update tanh(agg + x Ws);
// a readout to 2 values per node against targets, mean squared error.
//
// RUN: adjoint-run %s --fn loss --seed 9 --int-range 0:7 --check-grad

func.func @loss(%Wm: tensor<5x6xf32> {adj.name = "Wm"},
                %bm: tensor<6xf32> {adj.name = "bm"},
                %Ws: tensor<5x6xf32> {adj.name = "Ws"},
                %Wo: tensor<6x2xf32> {adj.name = "Wo"},
                %x: tensor<7x5xf32> {adj.name = "x"},
                %y: tensor<7x2xf32> {adj.name = "y"},
                %src: tensor<12xi64> {adj.name = "src"},
                %dst: tensor<12xi64> {adj.name = "dst"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %xs = adj.gather %x[%src] axis 0 : tensor<7x5xf32>, tensor<12xi64> -> tensor<12x5xf32>
  %m0 = adj.matmul %xs, %Wm : tensor<12x5xf32>, tensor<5x6xf32> -> tensor<12x6xf32>
  %m1 = adj.add %m0, %bm : tensor<12x6xf32>, tensor<6xf32>
  %m = adj.relu %m1 : tensor<12x6xf32>
  %agg = adj.scatter_add %m[%dst] axis 0 : tensor<12x6xf32>, tensor<12xi64> -> tensor<7x6xf32>
  %ones = adj.fill 1.0 : tensor<12x1xf32>
  %deg0 = adj.scatter_add %ones[%dst] axis 0 : tensor<12x1xf32>, tensor<12xi64> -> tensor<7x1xf32>
  %one = adj.constant dense<1.0> : tensor<f32>
  %deg = adj.maximum %deg0, %one : tensor<7x1xf32>, tensor<f32>
  %mean = adj.div %agg, %deg : tensor<7x6xf32>, tensor<7x1xf32>
  %self = adj.matmul %x, %Ws : tensor<7x5xf32>, tensor<5x6xf32> -> tensor<7x6xf32>
  %u = adj.add %mean, %self : tensor<7x6xf32>
  %h = adj.tanh %u : tensor<7x6xf32>
  %out = adj.matmul %h, %Wo : tensor<7x6xf32>, tensor<6x2xf32> -> tensor<7x2xf32>
  %d = adj.sub %out, %y : tensor<7x2xf32>
  %d2 = adj.square %d : tensor<7x2xf32>
  %loss = adj.mean %d2 : tensor<7x2xf32> -> tensor<f32>
  return %loss : tensor<f32>
}
