// Higher derivatives. Each public function below returns a gradient (or a
// Hessian-vector product); --check-grad differentiates it once more in both
// modes, i.e. forward-over-reverse (jvp of a gradient: a Hessian-vector
// product) and reverse-over-reverse (vjp of a gradient), and compares with
// finite differences of the gradient itself.
// RUN: adjoint-run %s --check-grad --seed 0 | FileCheck %s

// f(W, x) = Σ tanh(x W)²: the gradient w.r.t. both arguments.
// CHECK-LABEL: @grad_mlp:
// CHECK-COUNT-4: ok
func.func private @mlp(%W: tensor<3x4xf64>, %x: tensor<2x3xf64>) -> tensor<f64> {
  %0 = adj.matmul %x, %W : tensor<2x3xf64>, tensor<3x4xf64> -> tensor<2x4xf64>
  %1 = adj.tanh %0 : tensor<2x4xf64>
  %2 = adj.square %1 : tensor<2x4xf64>
  %3 = adj.sum %2 : tensor<2x4xf64> -> tensor<f64>
  return %3 : tensor<f64>
}
func.func @grad_mlp(%W: tensor<3x4xf64>, %x: tensor<2x3xf64>) -> (tensor<3x4xf64>, tensor<2x3xf64>) {
  %gW, %gx = adj.grad @mlp(%W, %x) : (tensor<3x4xf64>, tensor<2x3xf64>) -> (tensor<3x4xf64>, tensor<2x3xf64>)
  return %gW, %gx : tensor<3x4xf64>, tensor<2x3xf64>
}

// The softmax cross-entropy of a linear model, w.r.t. the weights only.
// CHECK-LABEL: @grad_logistic:
// CHECK-COUNT-3: ok
func.func private @logistic(%W: tensor<4x3xf64>, %x: tensor<5x4xf64>) -> tensor<f64> {
  %labels = adj.constant dense<[0, 2, 1, 1, 0]> : tensor<5xi64>
  %0 = adj.matmul %x, %W : tensor<5x4xf64>, tensor<4x3xf64> -> tensor<5x3xf64>
  %1 = adj.softmax_cross_entropy %0, %labels : tensor<5x3xf64>, tensor<5xi64> -> tensor<f64>
  return %1 : tensor<f64>
}
func.func @grad_logistic(%W: tensor<4x3xf64>, %x: tensor<5x4xf64>) -> tensor<4x3xf64> {
  %g = adj.grad @logistic(%W, %x) wrt [0] : (tensor<4x3xf64>, tensor<5x4xf64>) -> tensor<4x3xf64>
  return %g : tensor<4x3xf64>
}

// An explicit Hessian-vector product (forward over reverse), checked in turn:
// third derivatives.
// CHECK-LABEL: @hvp:
// CHECK-COUNT-3: ok
func.func private @grad_only(%W: tensor<3x4xf64>, %x: tensor<2x3xf64>) -> tensor<3x4xf64> {
  %gW = adj.grad @mlp(%W, %x) wrt [0] : (tensor<3x4xf64>, tensor<2x3xf64>) -> tensor<3x4xf64>
  return %gW : tensor<3x4xf64>
}
func.func @hvp(%W: tensor<3x4xf64>, %x: tensor<2x3xf64>, %v: tensor<3x4xf64>) -> tensor<3x4xf64> {
  %g, %hv = adj.jvp @grad_only(%W, %x) tangents(%v) wrt [0] : (tensor<3x4xf64>, tensor<2x3xf64>, tensor<3x4xf64>) -> (tensor<3x4xf64>, tensor<3x4xf64>)
  return %hv : tensor<3x4xf64>
}

// The second derivative of a scalar function of a scalar.
// CHECK-LABEL: @second_derivative:
// CHECK-COUNT-2: ok
func.func private @scalar(%x: tensor<f64>) -> tensor<f64> {
  %0 = adj.sin %x : tensor<f64>
  %1 = adj.exp %x : tensor<f64>
  %2 = adj.mul %0, %1 : tensor<f64>
  return %2 : tensor<f64>
}
func.func private @first(%x: tensor<f64>) -> tensor<f64> {
  %g = adj.grad @scalar(%x) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}
func.func @second_derivative(%x: tensor<f64>) -> tensor<f64> {
  %g = adj.grad @first(%x) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}

// Second derivatives of the trigonometric and hyperbolic functions and
// their inverses (their rules are adj ops, differentiated again).
// CHECK-LABEL: @second_derivative_trigonometric:
// CHECK-COUNT-2: ok
func.func private @trigonometric(%x: tensor<f64>) -> tensor<f64> {
  %t = adj.tanh %x : tensor<f64>
  %k = adj.constant dense<0.8> : tensor<f64>
  %u = adj.mul %t, %k : tensor<f64>, tensor<f64>
  %0 = adj.tan %u : tensor<f64>
  %1 = adj.asin %u : tensor<f64>
  %2 = adj.acos %u : tensor<f64>
  %3 = adj.atanh %u : tensor<f64>
  %e = adj.exp %x : tensor<f64>
  %one = adj.constant dense<1.0> : tensor<f64>
  %p = adj.add %e, %one : tensor<f64>, tensor<f64>
  %4 = adj.acosh %p : tensor<f64>
  %5 = adj.atan %x : tensor<f64>
  %6 = adj.sinh %x : tensor<f64>
  %7 = adj.cosh %x : tensor<f64>
  %8 = adj.asinh %x : tensor<f64>
  %a = adj.mul %0, %1 : tensor<f64>
  %b = adj.add %a, %2 : tensor<f64>
  %c = adj.mul %b, %3 : tensor<f64>
  %d = adj.add %c, %4 : tensor<f64>
  %f = adj.mul %5, %6 : tensor<f64>
  %g = adj.add %f, %7 : tensor<f64>
  %h = adj.mul %g, %8 : tensor<f64>
  %s = adj.add %d, %h : tensor<f64>
  return %s : tensor<f64>
}
func.func private @first_trigonometric(%x: tensor<f64>) -> tensor<f64> {
  %g = adj.grad @trigonometric(%x) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}
func.func @second_derivative_trigonometric(%x: tensor<f64>) -> tensor<f64> {
  %g = adj.grad @first_trigonometric(%x) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}
