// Reverse and forward rules of the elementwise ops against central finite
// differences of the reference evaluator (f64, seed 0, tolerance 1e-6);
// adjoint-run fails when any error is larger.
// RUN: adjoint-run %s --check-grad --seed 0 | FileCheck %s

// CHECK-LABEL: @unary_smooth:
// CHECK-COUNT-2: ok
func.func @unary_smooth(%x: tensor<3x4xf64>) -> (tensor<3x4xf64>, tensor<3x4xf64>) {
  %0 = adj.sin %x : tensor<3x4xf64>
  %1 = adj.cos %0 : tensor<3x4xf64>
  %2 = adj.tanh %1 : tensor<3x4xf64>
  %3 = adj.sigmoid %2 : tensor<3x4xf64>
  %4 = adj.exp %3 : tensor<3x4xf64>
  %5 = adj.neg %4 : tensor<3x4xf64>
  %6 = adj.square %5 : tensor<3x4xf64>
  %7 = adj.erf %x : tensor<3x4xf64>
  %8 = adj.gelu %x : tensor<3x4xf64>
  %9 = adj.gelu %7 approximate tanh : tensor<3x4xf64>
  %10 = adj.add %8, %9 : tensor<3x4xf64>
  return %6, %10 : tensor<3x4xf64>, tensor<3x4xf64>
}

// Functions with a restricted domain get a positive operand: exp(x) > 0.
// CHECK-LABEL: @unary_positive:
// CHECK-COUNT-2: ok
func.func @unary_positive(%x: tensor<5xf64>) -> tensor<5xf64> {
  %p = adj.exp %x : tensor<5xf64>
  %0 = adj.log %p : tensor<5xf64>
  %1 = adj.log1p %p : tensor<5xf64>
  %2 = adj.sqrt %p : tensor<5xf64>
  %3 = adj.rsqrt %p : tensor<5xf64>
  %4 = adj.add %0, %1 : tensor<5xf64>
  %5 = adj.mul %2, %3 : tensor<5xf64>
  %6 = adj.sub %4, %5 : tensor<5xf64>
  return %6 : tensor<5xf64>
}

// relu and abs away from their kink (random inputs are not 0).
// CHECK-LABEL: @unary_kinks:
// CHECK-COUNT-2: ok
func.func @unary_kinks(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %0 = adj.relu %x : tensor<2x3xf64>
  %1 = adj.abs %x : tensor<2x3xf64>
  %2 = adj.mul %0, %1 : tensor<2x3xf64>
  return %2 : tensor<2x3xf64>
}

// floor, ceil and round are piecewise constant: derivative 0 (random
// inputs are not integers or ties). Each multiplies x so that the checked
// derivative is the rounded value.
// CHECK-LABEL: @rounding:
// CHECK-COUNT-2: ok
func.func @rounding(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %s = adj.constant dense<3.0> : tensor<f64>
  %y = adj.mul %x, %s : tensor<2x3xf64>, tensor<f64>
  %0 = adj.floor %y : tensor<2x3xf64>
  %1 = adj.ceil %y : tensor<2x3xf64>
  %2 = adj.round %y : tensor<2x3xf64>
  %3 = adj.add %0, %1 : tensor<2x3xf64>
  %4 = adj.add %3, %2 : tensor<2x3xf64>
  %5 = adj.mul %4, %x : tensor<2x3xf64>
  return %5 : tensor<2x3xf64>
}

// Broadcasting in both operands: [3, 1] with [4] and rank-0 with [3, 4].
// CHECK-LABEL: @binary_broadcast:
// CHECK-COUNT-4: ok
func.func @binary_broadcast(%a: tensor<3x1xf64>, %b: tensor<4xf64>, %c: tensor<f64>) -> tensor<3x4xf64> {
  %0 = adj.add %a, %b : tensor<3x1xf64>, tensor<4xf64>
  %1 = adj.sub %0, %c : tensor<3x4xf64>, tensor<f64>
  %2 = adj.mul %1, %b : tensor<3x4xf64>, tensor<4xf64>
  %e = adj.exp %c : tensor<f64>
  %3 = adj.div %2, %e : tensor<3x4xf64>, tensor<f64>
  %4 = adj.div %a, %3 : tensor<3x1xf64>, tensor<3x4xf64>
  %5 = adj.maximum %4, %b : tensor<3x4xf64>, tensor<4xf64>
  %6 = adj.minimum %a, %5 : tensor<3x1xf64>, tensor<3x4xf64>
  return %6 : tensor<3x4xf64>
}

// pow with a positive base, in both operands.
// CHECK-LABEL: @pow:
// CHECK-COUNT-3: ok
func.func @pow(%a: tensor<2x3xf64>, %b: tensor<3xf64>) -> tensor<2x3xf64> {
  %p = adj.exp %a : tensor<2x3xf64>
  %0 = adj.pow %p, %b : tensor<2x3xf64>, tensor<3xf64>
  return %0 : tensor<2x3xf64>
}

// select and compare: the mask has no derivative, the values do.
// CHECK-LABEL: @select:
// CHECK-COUNT-3: ok
func.func @select(%x: tensor<4x2xf64>, %y: tensor<2xf64>) -> tensor<4x2xf64> {
  %m = adj.compare gt, %x, %y : tensor<4x2xf64>, tensor<2xf64>
  %s = adj.sin %y : tensor<2xf64>
  %0 = adj.select %m, %s, %x : tensor<4x2xi1>, tensor<2xf64>, tensor<4x2xf64>
  return %0 : tensor<4x2xf64>
}

// An i1 or integer result has no derivative: it is skipped, the float
// results are checked, and a function with none is skipped whole.
// CHECK-LABEL: @mask_and_value:
// CHECK-NEXT: forward  result 0         skipped: tensor<3xi1> has no derivative
// CHECK-COUNT-2: ok
// CHECK-NOT: FAILED
func.func @mask_and_value(%x: tensor<3xf64>) -> (tensor<3xi1>, tensor<3xf64>) {
  %z = adj.fill 0.0 : tensor<3xf64>
  %m = adj.compare gt, %x, %z : tensor<3xf64>, tensor<3xf64>
  %s = adj.sin %x : tensor<3xf64>
  return %m, %s : tensor<3xi1>, tensor<3xf64>
}
// CHECK: @mask: skipped: no float result to differentiate
func.func @mask(%x: tensor<3xf32>) -> tensor<3xi1> {
  %z = adj.fill 0.0 : tensor<3xf32>
  %m = adj.compare gt, %x, %z : tensor<3xf32>, tensor<3xf32>
  return %m : tensor<3xi1>
}

// A value used many times: its cotangents add up.
// CHECK-LABEL: @fan_out:
// CHECK-COUNT-2: ok
func.func @fan_out(%x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = adj.mul %x, %x : tensor<3xf64>
  %1 = adj.mul %0, %x : tensor<3xf64>
  %2 = adj.add %1, %x : tensor<3xf64>
  %3 = adj.sin %x : tensor<3xf64>
  %4 = adj.mul %2, %3 : tensor<3xf64>
  return %4 : tensor<3xf64>
}

// convert between float types keeps the derivative.
// CHECK-LABEL: @convert:
// CHECK-COUNT-2: ok
func.func @convert(%x: tensor<3xf64>) -> tensor<3xf32> {
  %0 = adj.convert %x : tensor<3xf64> -> tensor<3xf32>
  %1 = adj.tanh %0 : tensor<3xf32>
  return %1 : tensor<3xf32>
}

// The trigonometric and hyperbolic functions and their inverses, each on
// its domain: atan, sinh, cosh and asinh anywhere; tan, asin, acos and atanh
// of 0.8 tanh(x); acosh of 1 + exp(x).
// CHECK-LABEL: @unary_trigonometric:
// CHECK-COUNT-2: ok
func.func @unary_trigonometric(%x: tensor<2x3xf64>) -> (tensor<2x3xf64>, tensor<2x3xf64>) {
  %t = adj.tanh %x : tensor<2x3xf64>
  %k = adj.constant dense<0.8> : tensor<f64>
  %u = adj.mul %t, %k : tensor<2x3xf64>, tensor<f64>
  %0 = adj.tan %u : tensor<2x3xf64>
  %1 = adj.asin %u : tensor<2x3xf64>
  %2 = adj.acos %u : tensor<2x3xf64>
  %3 = adj.atanh %u : tensor<2x3xf64>
  %e = adj.exp %x : tensor<2x3xf64>
  %one = adj.constant dense<1.0> : tensor<f64>
  %p = adj.add %e, %one : tensor<2x3xf64>, tensor<f64>
  %4 = adj.acosh %p : tensor<2x3xf64>
  %5 = adj.atan %x : tensor<2x3xf64>
  %6 = adj.sinh %x : tensor<2x3xf64>
  %7 = adj.cosh %x : tensor<2x3xf64>
  %8 = adj.asinh %x : tensor<2x3xf64>
  %a = adj.mul %0, %1 : tensor<2x3xf64>
  %b = adj.add %a, %2 : tensor<2x3xf64>
  %c = adj.mul %b, %3 : tensor<2x3xf64>
  %d = adj.add %c, %4 : tensor<2x3xf64>
  %f = adj.mul %5, %6 : tensor<2x3xf64>
  %g = adj.add %f, %7 : tensor<2x3xf64>
  %h = adj.mul %g, %8 : tensor<2x3xf64>
  return %d, %h : tensor<2x3xf64>, tensor<2x3xf64>
}
