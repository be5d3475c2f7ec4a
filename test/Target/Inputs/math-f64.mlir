// tanh, exp and log1p of f64 values, one loop after fusion.
func.func @f(%x: tensor<1024xf64> {adj.name = "x"}) -> tensor<1024xf64> {
  %t = adj.tanh %x : tensor<1024xf64>
  %e = adj.exp %t : tensor<1024xf64>
  %l = adj.log1p %e : tensor<1024xf64>
  return %l : tensor<1024xf64>
}
