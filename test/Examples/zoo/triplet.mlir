// Metric learning on 6 triplets of 5 features, as a new user writes it: a
// shared encoder tanh(x W + b) to 4 dimensions; the triplet margin loss
// mean(relu(|a - p| - |a - n| + 1)) with Euclidean distances
// sqrt(sum(d^2) + 1e-6); plus an InfoNCE term over the anchors and
// positives: L2-normalized embeddings (rsqrt), similarities / 0.1, and
// mean(logsumexp(row) - diagonal), the diagonal picked by an identity
// mask.
//
// RUN: adjoint-run %s --fn loss --seed 7 --check-grad

func.func private @encode(%x: tensor<6x5xf32>, %W: tensor<5x4xf32>,
                          %b: tensor<4xf32>) -> tensor<6x4xf32> {
  %z = adj.matmul %x, %W : tensor<6x5xf32>, tensor<5x4xf32> -> tensor<6x4xf32>
  %zb = adj.add %z, %b : tensor<6x4xf32>, tensor<4xf32>
  %e = adj.tanh %zb : tensor<6x4xf32>
  return %e : tensor<6x4xf32>
}

func.func private @distance(%u: tensor<6x4xf32>, %v: tensor<6x4xf32>) -> tensor<6xf32> {
  %d = adj.sub %u, %v : tensor<6x4xf32>
  %d2 = adj.square %d : tensor<6x4xf32>
  %s = adj.sum %d2 axes [1] : tensor<6x4xf32> -> tensor<6xf32>
  %eps = adj.constant dense<1.0e-6> : tensor<f32>
  %se = adj.add %s, %eps : tensor<6xf32>, tensor<f32>
  %r = adj.sqrt %se : tensor<6xf32>
  return %r : tensor<6xf32>
}

func.func private @normalize(%u: tensor<6x4xf32>) -> tensor<6x4xf32> {
  %u2 = adj.square %u : tensor<6x4xf32>
  %s = adj.sum %u2 axes [1] keepdims : tensor<6x4xf32> -> tensor<6x1xf32>
  %inv = adj.rsqrt %s : tensor<6x1xf32>
  %n = adj.mul %u, %inv : tensor<6x4xf32>, tensor<6x1xf32>
  return %n : tensor<6x4xf32>
}

func.func @loss(%W: tensor<5x4xf32> {adj.name = "W"},
                %b: tensor<4xf32> {adj.name = "b"},
                %a: tensor<6x5xf32> {adj.name = "a"},
                %p: tensor<6x5xf32> {adj.name = "p"},
                %n: tensor<6x5xf32> {adj.name = "n"})
    -> (tensor<f32> {adj.name = "loss"}) {
  %ea = func.call @encode(%a, %W, %b) : (tensor<6x5xf32>, tensor<5x4xf32>, tensor<4xf32>) -> tensor<6x4xf32>
  %ep = func.call @encode(%p, %W, %b) : (tensor<6x5xf32>, tensor<5x4xf32>, tensor<4xf32>) -> tensor<6x4xf32>
  %en = func.call @encode(%n, %W, %b) : (tensor<6x5xf32>, tensor<5x4xf32>, tensor<4xf32>) -> tensor<6x4xf32>
  %dp = func.call @distance(%ea, %ep) : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6xf32>
  %dn = func.call @distance(%ea, %en) : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6xf32>
  %gap = adj.sub %dp, %dn : tensor<6xf32>
  %margin = adj.constant dense<1.0> : tensor<f32>
  %hinge0 = adj.add %gap, %margin : tensor<6xf32>, tensor<f32>
  %hinge = adj.relu %hinge0 : tensor<6xf32>
  %triplet = adj.mean %hinge : tensor<6xf32> -> tensor<f32>

  %za = func.call @normalize(%ea) : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %zp = func.call @normalize(%ep) : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %zpt = adj.transpose %zp [1, 0] : tensor<6x4xf32> -> tensor<4x6xf32>
  %sim = adj.matmul %za, %zpt : tensor<6x4xf32>, tensor<4x6xf32> -> tensor<6x6xf32>
  %temp = adj.constant dense<10.0> : tensor<f32>
  %logits = adj.mul %sim, %temp : tensor<6x6xf32>, tensor<f32>
  %lse = adj.logsumexp %logits axes [1] : tensor<6x6xf32> -> tensor<6xf32>
  %eye = adj.constant dense<[[1.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]]> : tensor<6x6xf32>
  %diag0 = adj.mul %logits, %eye : tensor<6x6xf32>
  %diag = adj.sum %diag0 axes [1] : tensor<6x6xf32> -> tensor<6xf32>
  %nce0 = adj.sub %lse, %diag : tensor<6xf32>
  %nce = adj.mean %nce0 : tensor<6xf32> -> tensor<f32>
  %loss = adj.add %triplet, %nce : tensor<f32>
  return %loss : tensor<f32>
}
