// adj-report-coverage counts what adj-differentiate would use besides the
// built-in rules: rules from rule files (--rules, or the pass's `rules`
// option), for each mode, and custom derivatives of called functions.
// RUN: adjoint-opt %s --rules %src_root/examples/rules/math.mlir --rules %S/Inputs/exp2-reverse-rule.mlir -adj-report-coverage -verify-diagnostics
// RUN: adjoint-opt %s -adj-report-coverage="rules=%src_root/examples/rules/math.mlir,%S/Inputs/exp2-reverse-rule.mlir" -verify-diagnostics
// Without the rule files, math.erf and math.exp2 have no rule at all.
// RUN: adjoint-opt %s -adj-report-coverage 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: warning: no differentiation rule for 'math.erf'; add one (docs/adding-rules.md)
// NONE: warning: no differentiation rule for 'math.exp2'; add one (docs/adding-rules.md)
// NONE: remark: @model: 5 ops, 4 without a rule

// expected-remark @+1 {{@model: 5 ops, 3 without a rule}}
func.func @model(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = math.erf %x : tensor<4xf32>
  // expected-warning @+1 {{'math.exp2' has a reverse-mode rule from a rule file but no forward-mode one: adj.jvp cannot differentiate it (docs/adding-rules.md)}}
  %1 = math.exp2 %0 : tensor<4xf32>
  // Custom derivatives for both modes: @both's body is never differentiated,
  // so its missing rule is not reported.
  %2 = func.call @both(%1) : (tensor<4xf32>) -> tensor<4xf32>
  // expected-warning @+1 {{call of @declared, which is only declared: define it, or give it a custom derivative (docs/adding-rules.md)}}
  %3 = func.call @declared(%2) : (tensor<4xf32>) -> tensor<4xf32>
  // expected-warning @+1 {{call of @declared_vjp_only, which is only declared and has a custom vjp only: adj.jvp cannot differentiate it (docs/adding-rules.md)}}
  %4 = func.call @declared_vjp_only(%3) : (tensor<4xf32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

func.func private @both(%x: tensor<4xf32>) -> tensor<4xf32>
    attributes {adj.custom_vjp = @both_vjp, adj.custom_jvp = @both_jvp} {
  %0 = math.exp2 %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func private @both_vjp(%x: tensor<4xf32>, %ct: tensor<4xf32>) -> tensor<4xf32> {
  %0 = adj.neg %ct : tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func private @both_jvp(%x: tensor<4xf32>, %t: tensor<4xf32>) -> tensor<4xf32> {
  %0 = adj.neg %t : tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func private @declared(%x: tensor<4xf32>) -> tensor<4xf32>
func.func private @declared_vjp_only(%x: tensor<4xf32>) -> tensor<4xf32>
    attributes {adj.custom_vjp = @declared_vjp}
func.func private @declared_vjp(%x: tensor<4xf32>, %ct: tensor<4xf32>) -> tensor<4xf32> {
  %0 = adj.neg %ct : tensor<4xf32>
  return %0 : tensor<4xf32>
}
