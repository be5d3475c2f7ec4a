// A reverse-mode rule only, for math.exp2: d/dx 2^x = ln 2 * 2^x.
func.func @exp2(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.exp2"} {
  %ln2 = adj.constant dense<0.693147182> : tensor<f32>
  %slope = adj.mul %y, %ln2 : tensor<*xf32>, tensor<f32>
  %r = adj.mul %d, %slope : tensor<*xf32>
  return %r : tensor<*xf32>
}
