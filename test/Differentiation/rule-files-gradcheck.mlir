// The rules of examples/rules/math.mlir, reverse and forward, against central
// finite differences of the reference evaluator, each on tensors of several
// shapes (the rules are written once, on tensor<*xf32>). adjoint-run fails
// when any error exceeds the tolerance (1e-6).
// RUN: adjoint-run %s --rules %src_root/examples/rules/math.mlir --check-grad | FileCheck %s

// CHECK-LABEL: @erf:
// CHECK-COUNT-3: ok
func.func @erf(%x: tensor<3x4xf32>, %v: tensor<5xf32>) -> tensor<f32> {
  %a = math.erf %x : tensor<3x4xf32>
  %b = math.erf %v : tensor<5xf32>
  %sa = adj.sum %a : tensor<3x4xf32> -> tensor<f32>
  %sb = adj.sum %b : tensor<5xf32> -> tensor<f32>
  %r = adj.mul %sa, %sb : tensor<f32>
  return %r : tensor<f32>
}

// CHECK-LABEL: @atan:
// CHECK-COUNT-2: ok
func.func @atan(%x: tensor<2x3x2xf32>) -> tensor<2x3x2xf32> {
  %s = adj.mul %x, %x : tensor<2x3x2xf32>
  %a = math.atan %s : tensor<2x3x2xf32>
  return %a : tensor<2x3x2xf32>
}

// cbrt of exp(x) > 0: cbrt' is infinite at 0.
// CHECK-LABEL: @cbrt:
// CHECK-COUNT-2: ok
func.func @cbrt(%x: tensor<6xf32>) -> tensor<6xf32> {
  %e = adj.exp %x : tensor<6xf32>
  %c = math.cbrt %e : tensor<6xf32>
  return %c : tensor<6xf32>
}

// CHECK-LABEL: @tan:
// CHECK-COUNT-2: ok
func.func @tan(%x: tensor<f32>) -> tensor<f32> {
  %t = math.tan %x : tensor<f32>
  return %t : tensor<f32>
}

// CHECK-LABEL: @asinh:
// CHECK-COUNT-2: ok
func.func @asinh(%x: tensor<4x1xf32>) -> tensor<4x1xf32> {
  %t = math.asinh %x : tensor<4x1xf32>
  return %t : tensor<4x1xf32>
}

// Two operands, two separate rules (a reverse and a forward one).
// CHECK-LABEL: @atan2:
// CHECK-COUNT-3: ok
func.func @atan2(%y: tensor<3xf32>, %x: tensor<3xf32>) -> tensor<3xf32> {
  %e = adj.exp %x : tensor<3xf32>
  %t = math.atan2 %y, %e : tensor<3xf32>
  return %t : tensor<3xf32>
}

// The second derivative: the ops a rule builds are differentiated in turn.
// CHECK-LABEL: @atan_erf_grad:
// CHECK-COUNT-2: ok
func.func private @atan_erf(%x: tensor<3xf32>) -> tensor<f32> {
  %a = math.atan %x : tensor<3xf32>
  %b = math.erf %a : tensor<3xf32>
  %s = adj.sum %b : tensor<3xf32> -> tensor<f32>
  return %s : tensor<f32>
}
func.func @atan_erf_grad(%x: tensor<3xf32>) -> tensor<3xf32> {
  %g = adj.grad @atan_erf(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %g : tensor<3xf32>
}
