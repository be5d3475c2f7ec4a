// Differentiation rules for upstream math ops Adjoint has no rule for.
//
//   adjoint-run model.mlir --rules examples/rules/math.mlir --check-grad
//   adjoint-compile model.mlir --rules examples/rules/math.mlir --grad loss -o libm.so
//
// Each op is elementwise with one operand, so its reverse rule (cotangent of
// x = cotangent of y * f'(x)) and its forward rule (tangent of y = tangent of
// x * f'(x)) are the same function: it takes x, y = f(x) and the incoming
// derivative, and carries both attributes. The rules are written on
// tensor<*xf32> and so serve f32 tensors of every shape; an f64 model needs
// the same functions on tensor<*xf64>. See docs/adding-rules.md.

// erf'(x) = 2 / sqrt(pi) * exp(-x^2)
func.func @erf(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.erf", adj.forward_rule = "math.erf"} {
  %two_over_sqrt_pi = adj.constant dense<1.1283791670955126> : tensor<f32>
  %xx = adj.square %x : tensor<*xf32>
  %minus_xx = adj.neg %xx : tensor<*xf32>
  %e = adj.exp %minus_xx : tensor<*xf32>
  %slope = adj.mul %e, %two_over_sqrt_pi : tensor<*xf32>, tensor<f32>
  %r = adj.mul %d, %slope : tensor<*xf32>
  return %r : tensor<*xf32>
}

// atan'(x) = 1 / (1 + x^2)
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atan", adj.forward_rule = "math.atan"} {
  %one = adj.constant dense<1.0> : tensor<f32>
  %xx = adj.square %x : tensor<*xf32>
  %den = adj.add %xx, %one : tensor<*xf32>, tensor<f32>
  %r = adj.div %d, %den : tensor<*xf32>
  return %r : tensor<*xf32>
}

// cbrt'(x) = 1 / (3 cbrt(x)^2), from the result y = cbrt(x); infinite at 0.
func.func @cbrt(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.cbrt", adj.forward_rule = "math.cbrt"} {
  %three = adj.constant dense<3.0> : tensor<f32>
  %yy = adj.square %y : tensor<*xf32>
  %den = adj.mul %yy, %three : tensor<*xf32>, tensor<f32>
  %r = adj.div %d, %den : tensor<*xf32>
  return %r : tensor<*xf32>
}

// tan'(x) = 1 + tan(x)^2, from the result y = tan(x).
func.func @tan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.tan", adj.forward_rule = "math.tan"} {
  %one = adj.constant dense<1.0> : tensor<f32>
  %yy = adj.square %y : tensor<*xf32>
  %slope = adj.add %yy, %one : tensor<*xf32>, tensor<f32>
  %r = adj.mul %d, %slope : tensor<*xf32>
  return %r : tensor<*xf32>
}

// asinh'(x) = 1 / sqrt(1 + x^2)
func.func @asinh(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.asinh", adj.forward_rule = "math.asinh"} {
  %one = adj.constant dense<1.0> : tensor<f32>
  %xx = adj.square %x : tensor<*xf32>
  %sum = adj.add %xx, %one : tensor<*xf32>, tensor<f32>
  %slope = adj.rsqrt %sum : tensor<*xf32>
  %r = adj.mul %d, %slope : tensor<*xf32>
  return %r : tensor<*xf32>
}

// atan2(y, x), two operands: d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2).
func.func @atan2_vjp(%a: tensor<*xf32>, %b: tensor<*xf32>, %r: tensor<*xf32>, %d: tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>)
    attributes {adj.reverse_rule = "math.atan2"} {
  %aa = adj.square %a : tensor<*xf32>
  %bb = adj.square %b : tensor<*xf32>
  %den = adj.add %aa, %bb : tensor<*xf32>
  %s = adj.div %d, %den : tensor<*xf32>
  %da = adj.mul %s, %b : tensor<*xf32>
  %sa = adj.mul %s, %a : tensor<*xf32>
  %db = adj.neg %sa : tensor<*xf32>
  return %da, %db : tensor<*xf32>, tensor<*xf32>
}

func.func @atan2_jvp(%a: tensor<*xf32>, %b: tensor<*xf32>, %r: tensor<*xf32>, %ta: tensor<*xf32>, %tb: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.forward_rule = "math.atan2"} {
  %aa = adj.square %a : tensor<*xf32>
  %bb = adj.square %b : tensor<*xf32>
  %den = adj.add %aa, %bb : tensor<*xf32>
  %pa = adj.mul %ta, %b : tensor<*xf32>
  %pb = adj.mul %tb, %a : tensor<*xf32>
  %num = adj.sub %pa, %pb : tensor<*xf32>
  %t = adj.div %num, %den : tensor<*xf32>
  return %t : tensor<*xf32>
}
