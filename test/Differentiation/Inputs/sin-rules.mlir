// Overrides the built-in rules of adj.sin: cos(x) written as sin(x + pi/2),
// which the built-in rules never build, so that the override shows in the IR.
func.func @sin(%x: tensor<*xf64>, %y: tensor<*xf64>, %d: tensor<*xf64>) -> tensor<*xf64>
    attributes {adj.reverse_rule = "adj.sin", adj.forward_rule = "adj.sin"} {
  %half_pi = adj.constant dense<1.5707963267948966> : tensor<f64>
  %shifted = adj.add %x, %half_pi : tensor<*xf64>, tensor<f64>
  %slope = adj.sin %shifted : tensor<*xf64>
  %r = adj.mul %d, %slope : tensor<*xf64>
  return %r : tensor<*xf64>
}
