// adj-report-coverage: every op without a rule is a warning at its location,
// all in one run; every operand through which no derivative flows is a
// remark saying why; each function ends with a summary. Functions reached
// through calls are reported too; uncalled private ones are not.
// RUN: adjoint-opt %s -adj-report-coverage -verify-diagnostics -split-input-file
// The IR is unchanged and the exit code is 0; report-all adds a remark per
// op that has a rule.
// RUN: adjoint-opt %s -adj-report-coverage 2>&1 | FileCheck %s
// RUN: adjoint-opt %s -adj-report-coverage=report-all 2>&1 | FileCheck %s --check-prefix=ALL

// A model with several missing rules, and integer operands.
// expected-remark @+1 {{@model: 7 ops, 3 without a rule}}
func.func @model(%x: tensor<4x3xf32>, %y: tensor<4x3xf32>,
                 %labels: tensor<4xi64>) -> tensor<f32> {
  // expected-warning @+1 {{no differentiation rule for 'arith.addf'; add one (docs/adding-rules.md)}}
  %0 = arith.addf %x, %y : tensor<4x3xf32>
  %1 = adj.tanh %0 : tensor<4x3xf32>
  // expected-warning @+1 {{no differentiation rule for 'math.erf'; add one (docs/adding-rules.md)}}
  %2 = math.erf %1 : tensor<4x3xf32>
  // expected-warning @+1 {{no differentiation rule for 'arith.mulf'; add one (docs/adding-rules.md)}}
  %3 = arith.mulf %2, %x : tensor<4x3xf32>
  %c = arith.constant dense<1> : tensor<4xi64>
  // expected-remark @+2 {{operand #0 of 'arith.addi' is not differentiable: its type 'tensor<4xi64>' is integer}}
  // expected-remark @+1 {{operand #1 of 'arith.addi' is not differentiable: its type 'tensor<4xi64>' is integer}}
  %l = arith.addi %labels, %c : tensor<4xi64>
  // expected-remark @+1 {{operand #1 of 'adj.softmax_cross_entropy' is not differentiable: its type 'tensor<4xi64>' is integer}}
  %loss = adj.softmax_cross_entropy %3, %l : tensor<4x3xf32>, tensor<4xi64> -> tensor<f32>
  return %loss : tensor<f32>
}

// CHECK: coverage.mlir:[[#]]:8: warning: no differentiation rule for 'arith.addf'; add one (docs/adding-rules.md)
// CHECK: coverage.mlir:[[#]]:8: warning: no differentiation rule for 'math.erf'; add one (docs/adding-rules.md)
// CHECK: coverage.mlir:[[#]]:8: warning: no differentiation rule for 'arith.mulf'; add one (docs/adding-rules.md)
// CHECK: coverage.mlir:[[#]]:1: remark: @model: 7 ops, 3 without a rule
// ALL: coverage.mlir:[[#]]:8: remark: 'adj.tanh' has a differentiation rule
// ALL: coverage.mlir:[[#]]:8: remark: 'arith.constant' has a differentiation rule
// ALL: coverage.mlir:[[#]]:11: remark: 'adj.softmax_cross_entropy' has a differentiation rule

// -----

// A callee's missing rule is reported, with the callee's summary; indices,
// masks and what a rule declares constant are remarks.
// expected-remark @+1 {{@caller: 5 ops, 0 without a rule}}
func.func @caller(%table: tensor<5x2xf32>, %i: tensor<3xi32>,
                  %m: tensor<3x2xi1>) -> tensor<3x2xf32> {
  // expected-remark @+1 {{operand #1 of 'adj.gather' is not differentiable: its type 'tensor<3xi32>' is integer}}
  %0 = adj.gather %table[%i] axis 0 : tensor<5x2xf32>, tensor<3xi32> -> tensor<3x2xf32>
  %1 = func.call @callee(%0) : (tensor<3x2xf32>) -> tensor<3x2xf32>
  // expected-remark @+2 {{operand #0 of 'adj.compare' is not differentiable: the rule of 'adj.compare' says so}}
  // expected-remark @+1 {{operand #1 of 'adj.compare' is not differentiable: the rule of 'adj.compare' says so}}
  %2 = adj.compare gt, %1, %0 : tensor<3x2xf32>
  // expected-remark @+2 {{operand #0 of 'arith.andi' is not differentiable: its type 'tensor<3x2xi1>' is a mask (i1)}}
  // expected-remark @+1 {{operand #1 of 'arith.andi' is not differentiable: its type 'tensor<3x2xi1>' is a mask (i1)}}
  %3 = arith.andi %2, %m : tensor<3x2xi1>
  // expected-remark @+1 {{operand #0 of 'adj.select' is not differentiable: its type 'tensor<3x2xi1>' is a mask (i1)}}
  %4 = adj.select %3, %1, %0 : tensor<3x2xi1>, tensor<3x2xf32>, tensor<3x2xf32>
  return %4 : tensor<3x2xf32>
}

// expected-remark @+1 {{@callee: 2 ops, 1 without a rule}}
func.func private @callee(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  // expected-warning @+1 {{no differentiation rule for 'math.exp2'; add one (docs/adding-rules.md)}}
  %0 = math.exp2 %x : tensor<3x2xf32>
  %1 = adj.exp %0 : tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// Not called: not reported.
func.func private @unused(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %0 = math.exp2 %x : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// CHECK: remark: @caller: 5 ops, 0 without a rule
// CHECK: warning: no differentiation rule for 'math.exp2'
// CHECK: remark: @callee: 2 ops, 1 without a rule
// CHECK-NOT: @unused
// CHECK: func.func @model

// -----

// An op without a rule through which no derivative can flow (no float
// operand) is not a missing rule.
// expected-remark @+1 {{@integers: 1 ops, 0 without a rule}}
func.func @integers(%i: tensor<3xi64>) -> tensor<3xf32> {
  // expected-remark @+1 {{operand #0 of 'arith.sitofp' is not differentiable: its type 'tensor<3xi64>' is integer}}
  %0 = arith.sitofp %i : tensor<3xi64> to tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// A derivative request needs no rule (nor are its integer operands
// reported): its callee, even a private one, is reported instead.
// expected-remark @+1 {{@train: 0 ops, 0 without a rule}}
func.func @train(%x: tensor<3xf32>, %i: tensor<3xi64>) -> (tensor<3xf32>, tensor<3xf32>) {
  %g = adj.grad @private_loss(%x, %i) wrt [0] : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xf32>
  %v, %d = adj.value_and_grad @private_loss(%x, %i) wrt [0] : (tensor<3xf32>, tensor<3xi64>) -> (tensor<f32>, tensor<3xf32>)
  return %g, %d : tensor<3xf32>, tensor<3xf32>
}
// expected-remark @+1 {{@private_loss: 2 ops, 1 without a rule}}
func.func private @private_loss(%x: tensor<3xf32>, %i: tensor<3xi64>) -> tensor<f32> {
  // expected-warning @+1 {{no differentiation rule for 'math.exp2'}}
  %0 = math.exp2 %x : tensor<3xf32>
  %1 = adj.sum %0 : tensor<3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// A tensor built from a float scalar that depends on a float argument is a
// warning, as it is adj-differentiate's error (errors.mlir), so that one
// report lists all that stands in the way; one that no result depends on,
// or built from an integer argument's scalar, is not.
// expected-remark @+1 {{@scalar_path: 9 ops, 0 without a rule, 1 through a float scalar}}
func.func @scalar_path(%a: tensor<3xf32>, %b: tensor<3xf32>, %i: tensor<3xi64>) -> tensor<3xf32> {
  %c0 = arith.constant 0 : index
  // expected-remark @+2 {{operand #1 of 'tensor.extract' is not differentiable: its type 'index' is integer}}
  // expected-note @+1 {{the value comes from this 'tensor.extract'}}
  %e = tensor.extract %a[%c0] : tensor<3xf32>
  // expected-warning @+2 {{cannot differentiate through operand #0 of 'tensor.splat', of type 'f32': derivatives flow only through float tensors}}
  // expected-remark @+1 {{operand #0 of 'tensor.splat' is not differentiable: its type 'f32' is not a float tensor}}
  %t = tensor.splat %e : tensor<3xf32>
  %m = adj.mul %t, %b : tensor<3xf32>
  // expected-remark @+1 {{operand #0 of 'tensor.from_elements' is not differentiable: its type 'f32' is not a float tensor}}
  %dead = tensor.from_elements %e : tensor<f32>
  // expected-remark @+2 {{operand #0 of 'tensor.extract' is not differentiable: its type 'tensor<3xi64>' is integer}}
  // expected-remark @+1 {{operand #1 of 'tensor.extract' is not differentiable: its type 'index' is integer}}
  %k = tensor.extract %i[%c0] : tensor<3xi64>
  // expected-remark @+1 {{operand #0 of 'arith.sitofp' is not differentiable: its type 'i64' is integer}}
  %f = arith.sitofp %k : i64 to f32
  // expected-remark @+1 {{operand #0 of 'tensor.splat' is not differentiable: its type 'f32' is not a float tensor}}
  %s = tensor.splat %f : tensor<3xf32>
  %r = adj.add %m, %s : tensor<3xf32>
  return %r : tensor<3xf32>
}
