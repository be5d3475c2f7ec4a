// Errors in rule files: each is reported at the rule's location (or, when
// the rule does not fit the op it meets, at the op with a note at the rule),
// and the tool exits nonzero. The rules are checked when loaded, before any
// derivative is built.
//
// RUN: rm -rf %t && split-file --leading-lines %s %t
// RUN: not adjoint-opt %t/model.mlir --rules %t/missing.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not adjoint-run %t/model.mlir --rules %t/missing.mlir --check-grad 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not adjoint-compile %t/model.mlir --rules %t/missing.mlir -o %t/x.so 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: cannot open the rule file '{{.*}}missing.mlir': No such file or directory
// RUN: not adjoint-opt %t/model.mlir --rules %t/parse.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=PARSE
// RUN: not adjoint-opt %t/model.mlir --rules %t/unknown-op.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=UNKNOWN --implicit-check-not="see current operation"
// RUN: not adjoint-opt %t/model.mlir --rules %t/not-a-string.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=NOT-STRING --implicit-check-not="see current operation"
// RUN: not adjoint-opt %t/model.mlir --rules %t/odd-arity.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=ODD --implicit-check-not="see current operation"
// RUN: not adjoint-opt %t/model.mlir --rules %t/wrong-arity.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=ARITY --implicit-check-not="see current operation"
// RUN: not adjoint-opt %t/model.mlir --rules %t/wrong-return.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=RETURN --implicit-check-not="see current operation"
// RUN: not adjoint-opt %t/model.mlir --rules %t/wrong-type.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=TYPE --implicit-check-not="see current operation"
// RUN: not adjoint-opt %t/model.mlir --rules %t/mixed-types.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=MIXED --implicit-check-not="see current operation"
// RUN: not adjoint-opt %t/model.mlir --rules %t/scalar.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=SCALAR --implicit-check-not="see current operation"
// RUN: not adjoint-opt %t/model.mlir --rules %t/regions.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=REGIONS --implicit-check-not="see current operation"
// RUN: not adjoint-run %t/plain.mlir --rules %t/call.mlir --check-grad 2>&1 | FileCheck %s --check-prefix=CALL
// An error in a rule file is not followed by a dump of the rule function
// (adjoint-opt's "note: see current operation"): the rule is not IR the pass
// works on. adj-report-coverage loads the rules the same way.
// RUN: not adjoint-opt %t/model.mlir --rules %t/odd-arity.mlir -adj-report-coverage 2>&1 | FileCheck %s --check-prefix=ODD --implicit-check-not="see current operation"
// A rule for a derivative request (adj.grad, adj.value_and_grad, adj.vjp,
// adj.jvp) would never be used: requests are replaced, not differentiated.
// RUN: not adjoint-opt %t/model.mlir --rules %t/request.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=REQUEST --implicit-check-not="see current operation"
// RUN: not adjoint-run %t/model.mlir --rules %t/request.mlir --check-grad 2>&1 | FileCheck %s --check-prefix=REQUEST
// RUN: not adjoint-opt %t/model.mlir --rules %t/empty.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not adjoint-opt %t/model64.mlir --rules %src_root/examples/rules/math.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=NO-MATCH
// RUN: not adjoint-opt %t/model.mlir --rules %t/bad-body.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=BODY
// RUN: not adjoint-run %t/model.mlir --rules %t/bad-body.mlir --check-grad 2>&1 | FileCheck %s --check-prefix=BODY
// RUN: not adjoint-opt %t/model.mlir --rules %t/forward-only.mlir -adj-differentiate 2>&1 | FileCheck %s --check-prefix=FORWARD-ONLY
// --check-grad builds both modes: an error of a function that is both rules
// is reported once, not once per mode.
// RUN: not adjoint-run %t/plain.mlir --rules %t/both-bad-body.mlir --check-grad 2>&1 | FileCheck %s --check-prefix=BOTH-BODY
// BOTH-BODY: error: the rule @atan for 'math.atan' does not apply to its types here
// BOTH-BODY-NOT: error:
// RUN: not adjoint-run %t/plain.mlir --rules %t/both-mixed-types.mlir --check-grad 2>&1 | FileCheck %s --check-prefix=BOTH-MIXED
// BOTH-MIXED: error: rule @atan: argument #1 has type 'tensor<*xf64>'
// BOTH-MIXED-NOT: error:
// A reverse rule alone serves adj.grad, but --check-grad also builds the
// jvp: the error names the reverse rule and the missing forward one.
// RUN: adjoint-opt %t/model.mlir --rules %t/reverse-only.mlir -adj-differentiate -o /dev/null
// RUN: not adjoint-run %t/model.mlir --fn f --rules %t/reverse-only.mlir --check-grad --seed 0 2>&1 | FileCheck %s --check-prefix=REVERSE-ONLY
// A rule with a wrong formula loads and applies, but fails the check
// against finite differences, which shows where the error is worst.
// RUN: not adjoint-run %t/model.mlir --fn f --rules %t/wrong-formula.mlir --check-grad | FileCheck %s --check-prefix=WRONG
// WRONG:      reverse  arg0 {{.*}} FAILED
// WRONG-NEXT:   worst at [{{[0-9]+}}, {{[0-9]+}}]: {{.*}} by the derivative, {{.*}} by finite differences
// WRONG:      forward  result 0 {{.*}} FAILED
// WRONG-NEXT:   worst at []: {{.*}} by the derivative, {{.*}} by finite differences
// adjoint-opt's --rules without a pass that reads them (adj-differentiate,
// alone, nested or in a pipeline, or adj-report-coverage) is an error that
// says what to add, before any IR is printed.
// RUN: not adjoint-opt %t/model.mlir --rules %src_root/examples/rules/math.mlir -canonicalize 2>&1 | FileCheck %s --check-prefix=UNREAD
// RUN: not adjoint-opt %t/model.mlir --rules %src_root/examples/rules/math.mlir 2>&1 | FileCheck %s --check-prefix=UNREAD
// RUN: not adjoint-opt %t/model.mlir --rules %src_root/examples/rules/math.mlir --adj-stage-optimize 2>&1 | FileCheck %s --check-prefix=UNREAD
// UNREAD: adjoint-opt: error: --rules has no effect: no pass in the pipeline differentiates. Add -adj-differentiate (or -adj-stage-differentiate) to resolve adj.grad and the other derivative requests with the rules, or -adj-report-coverage to list the ops that still have no rule
// UNREAD-NOT: func.func
// RUN: adjoint-opt %t/model.mlir --rules %src_root/examples/rules/math.mlir --pass-pipeline="builtin.module(canonicalize,adj-differentiate)" -o /dev/null
// RUN: adjoint-opt %t/model.mlir --rules %src_root/examples/rules/math.mlir --adj-stage-differentiate -o /dev/null
// RUN: adjoint-opt %t/model.mlir --rules %src_root/examples/rules/math.mlir -adj-report-coverage -o /dev/null 2>/dev/null

//--- model.mlir
func.func @f(%x: tensor<3x2xf32>) -> tensor<f32> {
  // BODY: model.mlir:[[@LINE+4]]:8: error: the rule @atan for 'math.atan' does not apply to its types here: 'adj.sum' op axis 2 is out of range [0, 2) for a tensor of rank 2
  // BODY: bad-body.mlir:{{[0-9]+}}:8: note: in this op of the rule
  // FORWARD-ONLY: model.mlir:[[@LINE+2]]:8: error: cannot differentiate 'math.atan': it has no differentiation rule
  // REVERSE-ONLY: model.mlir:[[@LINE+1]]:8: error: 'math.atan' has a reverse rule ({{.*}}reverse-only.mlir:{{[0-9]+}}) but forward mode (adj.jvp, and --check-grad, which checks both modes) needs a forward rule (adj.forward_rule): see docs/adding-rules.md
  %a = math.atan %x : tensor<3x2xf32>
  %s = adj.sum %a : tensor<3x2xf32> -> tensor<f32>
  return %s : tensor<f32>
}
func.func @df(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %g = adj.grad @f(%x) : (tensor<3x2xf32>) -> tensor<3x2xf32>
  return %g : tensor<3x2xf32>
}

//--- plain.mlir
func.func @f(%x: tensor<3x2xf32>) -> tensor<f32> {
  %a = math.atan %x : tensor<3x2xf32>
  %s = adj.sum %a : tensor<3x2xf32> -> tensor<f32>
  return %s : tensor<f32>
}

//--- model64.mlir
// Every op whose f32 rules do not accept its f64 types is reported, with the
// ops that have no rule at all, in one run.
func.func @f(%x: tensor<3xf64>) -> tensor<f64> {
  // NO-MATCH: model64.mlir:[[@LINE+2]]:8: error: no rule file rule for 'math.atan' accepts its operand and result types (tensor<3xf64>, tensor<3xf64>); add a rule for these types (rules on tensor<*xf32> accept every f32 shape)
  // NO-MATCH: math.mlir:{{[0-9]+}}:1: note: rule @atan is for 1 operand and 1 result of types (tensor<*xf32>, tensor<*xf32>)
  %a = math.atan %x : tensor<3xf64>
  // NO-MATCH: model64.mlir:[[@LINE+1]]:8: error: cannot differentiate 'math.acos': it has no differentiation rule
  %b = math.acos %a : tensor<3xf64>
  // NO-MATCH: model64.mlir:[[@LINE+2]]:8: error: no rule file rule for 'math.atan2' accepts its operand and result types (tensor<3xf64>, tensor<3xf64>, tensor<3xf64>)
  // NO-MATCH: math.mlir:{{[0-9]+}}:1: note: rule @atan2_vjp is for 2 operands and 1 result of types (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  %c = math.atan2 %b, %x : tensor<3xf64>
  // NO-MATCH: model64.mlir:[[@LINE+2]]:8: error: no rule file rule for 'math.asinh' accepts its operand and result types (tensor<3xf64>, tensor<3xf64>)
  // NO-MATCH: math.mlir:{{[0-9]+}}:1: note: rule @asinh is for 1 operand and 1 result of types (tensor<*xf32>, tensor<*xf32>)
  %d = math.asinh %c : tensor<3xf64>
  %s = adj.sum %d : tensor<3xf64> -> tensor<f64>
  return %s : tensor<f64>
}
func.func @df(%x: tensor<3xf64>) -> tensor<3xf64> {
  %g = adj.grad @f(%x) : (tensor<3xf64>) -> tensor<3xf64>
  return %g : tensor<3xf64>
}

//--- request.mlir
// Each signature fits its op; only being for a request is wrong.
// REQUEST: request.mlir:[[@LINE+1]]:1: error: rule @grad is for 'adj.grad', a derivative request: requests are resolved, not differentiated (adj-differentiate replaces each by a call of the derivative function it builds, whose ops have rules of their own), so this rule would never be used; remove it, or write rules for the ops of the function the request asks about
func.func @grad(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "adj.grad"} {
  return %d : tensor<*xf32>
}
// REQUEST: request.mlir:[[@LINE+1]]:1: error: rule @jvp is for 'adj.jvp', a derivative request
func.func @jvp(%x: tensor<*xf32>, %t: tensor<*xf32>, %y: tensor<*xf32>, %dy: tensor<*xf32>, %dx: tensor<*xf32>, %dt: tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>)
    attributes {adj.forward_rule = "adj.jvp"} {
  return %dx, %dt : tensor<*xf32>, tensor<*xf32>
}
// REQUEST: request.mlir:[[@LINE+1]]:1: error: rule @value_and_grad is for 'adj.value_and_grad', a derivative request
func.func @value_and_grad(%x: tensor<*xf32>, %y: tensor<*xf32>, %g: tensor<*xf32>, %dy: tensor<*xf32>, %dg: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "adj.value_and_grad"} {
  return %dg : tensor<*xf32>
}
// REQUEST: request.mlir:[[@LINE+1]]:1: error: rule @vjp is for 'adj.vjp', a derivative request
func.func @vjp(%x: tensor<*xf32>, %c: tensor<*xf32>, %y: tensor<*xf32>, %g: tensor<*xf32>, %dy: tensor<*xf32>, %dg: tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>)
    attributes {adj.reverse_rule = "adj.vjp"} {
  return %dy, %dg : tensor<*xf32>, tensor<*xf32>
}

//--- parse.mlir
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atan"} {
  // PARSE: parse.mlir:[[@LINE+1]]:8: error: custom op 'adj.frobnicate' is unknown
  %r = adj.frobnicate %d : tensor<*xf32>
  return %r : tensor<*xf32>
}

//--- unknown-op.mlir
// UNKNOWN: unknown-op.mlir:[[@LINE+1]]:1: error: rule @atan is for 'math.atann', which is not an op of a registered dialect; check the spelling
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atann"} {
  return %d : tensor<*xf32>
}

//--- not-a-string.mlir
// NOT-STRING: not-a-string.mlir:[[@LINE+1]]:1: error: rule @atan: adj.forward_rule must be a string naming an op, e.g. "math.atan"
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.forward_rule = @atan} {
  return %d : tensor<*xf32>
}

//--- odd-arity.mlir
// The cotangent of the result is missing.
// ODD: odd-arity.mlir:[[@LINE+1]]:1: error: rule @atan takes 2 arguments and returns 1 value, which fits no op: a reverse rule takes the op's operands, then its results, then one cotangent per result, and returns one cotangent per operand
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atan"} {
  return %y : tensor<*xf32>
}

//--- wrong-arity.mlir
// A rule of one operand for math.atan2, which has two.
// ARITY: wrong-arity.mlir:[[@LINE+1]]:1: error: rule @atan2 is for an op with 1 operand and 1 result (it takes 3 arguments and returns 1 value), but 'math.atan2' has 2 or more operands
func.func @atan2(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atan2"} {
  return %d : tensor<*xf32>
}

//--- wrong-return.mlir
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atan"} {
  // RETURN: wrong-return.mlir:[[@LINE+1]]:3: error: rule @atan returns 2 value(s), but its type declares 1
  return %d, %d : tensor<*xf32>, tensor<*xf32>
}

//--- wrong-type.mlir
// TYPE: wrong-type.mlir:[[@LINE+1]]:1: error: rule @atan: the cotangent it returns for operand #0 has type 'tensor<*xf64>', which cannot match that operand #0's type 'tensor<*xf32>' (argument #0)
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf64>
    attributes {adj.reverse_rule = "math.atan"} {
  %r = "adj.convert"(%d) : (tensor<*xf32>) -> tensor<*xf64>
  return %r : tensor<*xf64>
}

//--- mixed-types.mlir
// MIXED: mixed-types.mlir:[[@LINE+1]]:1: error: rule @atan: argument #1 has type 'tensor<*xf64>' and argument #0 'tensor<*xf32>', but 'math.atan' gives its operands and results one type
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf64>, %d: tensor<*xf64>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atan"} {
  return %x : tensor<*xf32>
}

//--- scalar.mlir
// SCALAR: scalar.mlir:[[@LINE+1]]:1: error: rule @atan: argument #0 has type 'f32'; rule values are tensors
func.func @atan(%x: f32, %y: f32, %d: f32) -> f32
    attributes {adj.reverse_rule = "math.atan"} {
  return %d : f32
}

//--- regions.mlir
// REGIONS: regions.mlir:[[@LINE+1]]:1: error: rule @atan must be one block of ops without regions, ending with func.return
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atan"} {
  %c = arith.constant true
  %r = scf.if %c -> tensor<*xf32> {
    scf.yield %d : tensor<*xf32>
  } else {
    scf.yield %x : tensor<*xf32>
  }
  return %r : tensor<*xf32>
}

//--- call.mlir
// The body is copied into the model, where @atan_helper does not exist.
func.func @atan_helper(%x: tensor<*xf32>) -> tensor<*xf32> {
  return %x : tensor<*xf32>
}
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atan", adj.forward_rule = "math.atan"} {
  // CALL: call.mlir:[[@LINE+2]]:8: error: rule @atan calls a function (func.call): a rule body cannot call functions
  // CALL-NOT: error:
  %r = func.call @atan_helper(%d) : (tensor<*xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

//--- empty.mlir
// EMPTY: error: the rule file '{{.*}}empty.mlir' holds no rule: mark each rule function with adj.reverse_rule = "dialect.op" or adj.forward_rule
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32> {
  return %d : tensor<*xf32>
}

//--- bad-body.mlir
// Summing over axis 2 needs a rank of 3 or more: fine for some shapes, not
// for the model's tensor<3x2xf32>.
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atan"} {
  %s = "adj.sum"(%d) {axes = array<i64: 2>, keepdims} : (tensor<*xf32>) -> tensor<*xf32>
  %r = adj.mul %d, %s : tensor<*xf32>
  return %r : tensor<*xf32>
}

//--- both-bad-body.mlir
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atan", adj.forward_rule = "math.atan"} {
  %s = "adj.sum"(%d) {axes = array<i64: 2>, keepdims} : (tensor<*xf32>) -> tensor<*xf32>
  %r = adj.mul %d, %s : tensor<*xf32>
  return %r : tensor<*xf32>
}

//--- both-mixed-types.mlir
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf64>, %d: tensor<*xf64>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atan", adj.forward_rule = "math.atan"} {
  return %x : tensor<*xf32>
}

//--- forward-only.mlir
// A forward rule does not give a reverse one.
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.forward_rule = "math.atan"} {
  return %d : tensor<*xf32>
}

//--- reverse-only.mlir
// atan' = 1 / (1 + x^2), in reverse mode only.
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atan"} {
  %one = adj.constant dense<1.0> : tensor<f32>
  %xx = adj.mul %x, %x : tensor<*xf32>
  %den = adj.add %xx, %one : tensor<*xf32>, tensor<f32>
  %r = adj.div %d, %den : tensor<*xf32>
  return %r : tensor<*xf32>
}

//--- wrong-formula.mlir
// atan' is 1 / (1 + x^2), not 1 + x^2.
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atan", adj.forward_rule = "math.atan"} {
  %one = adj.constant dense<1.0> : tensor<f32>
  %xx = adj.mul %x, %x : tensor<*xf32>
  %slope = adj.add %xx, %one : tensor<*xf32>, tensor<f32>
  %r = adj.mul %d, %slope : tensor<*xf32>
  return %r : tensor<*xf32>
}
