// The rules of examples/rules/math.mlir copied to f64, as the file tells an
// f64 model to do, against central finite differences at a tolerance only
// exact constants meet (2/sqrt(pi) to 9 digits failed it at 1e-5). The model
// cancels in atan2's derivative, which magnifies a wrong constant; @g
// differentiates the rules' derivatives again.
// RUN: sed 's/f32/f64/g' %src_root/examples/rules/math.mlir > %t.rules.mlir
// RUN: adjoint-run %s --rules %t.rules.mlir --check-grad --seed 2 --tolerance 1e-8 | FileCheck %s

// CHECK-LABEL: @loss:
// CHECK-COUNT-3: ok
func.func @loss(%x: tensor<4x3xf64>, %w: tensor<3xf64>) -> tensor<f64> {
  %h = adj.mul %x, %w : tensor<4x3xf64>, tensor<3xf64>
  %a = math.erf %h : tensor<4x3xf64>
  %b = math.atan2 %a, %h : tensor<4x3xf64>
  %c = math.cbrt %b : tensor<4x3xf64>
  %d = math.asinh %c : tensor<4x3xf64>
  %l = adj.mean %d : tensor<4x3xf64> -> tensor<f64>
  return %l : tensor<f64>
}

// CHECK-LABEL: @g:
// CHECK-COUNT-3: ok
func.func @g(%x: tensor<4x3xf64>, %w: tensor<3xf64>) -> tensor<f64> {
  %d = adj.grad @loss(%x, %w) wrt [1] : (tensor<4x3xf64>, tensor<3xf64>) -> tensor<3xf64>
  %s = adj.sum %d : tensor<3xf64> -> tensor<f64>
  return %s : tensor<f64>
}
