//===- Passes.td - Differentiation passes ------------------*- tablegen -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_DIFFERENTIATION_PASSES_TD
#define ADJOINT_DIFFERENTIATION_PASSES_TD

include "mlir/Pass/PassBase.td"

def AdjDifferentiate : Pass<"adj-differentiate", "::mlir::ModuleOp"> {
  let summary = "Replace derivative requests by calls to synthesized functions";
  let description = [{
    Replaces every `adj.value_and_grad`, `adj.grad`, `adj.vjp` and `adj.jvp`
    by a `func.call` of a derivative function built from the callee's body
    with the ops' `DifferentiableOpInterface` rules. Each derivative is
    synthesized once per (function, mode, argument set), named after the
    function (`@f_grad`, `@f_vjp`, `@f_jvp`, with `_wrt_i_j` for a subset of
    the arguments) and private. Derivatives of callees are synthesized as
    needed; a request whose callee itself contains requests is handled after
    them, which is how higher derivatives are asked for.

    The pass differentiates the IR as written; the compiler's `differentiate`
    stage (`--adj-stage-differentiate`) canonicalizes first, so derivatives
    are built from the canonical forms (e.g. adj.log's stable
    log(sigmoid(x)) = -softplus(-x)).

    Before:
    ```mlir
    func.func @f(%x: tensor<3xf64>) -> tensor<f64> {
      %s = adj.sin %x : tensor<3xf64>
      %y = adj.sum %s : tensor<3xf64> -> tensor<f64>
      return %y : tensor<f64>
    }
    func.func @df(%x: tensor<3xf64>) -> tensor<3xf64> {
      %g = adj.grad @f(%x) : (tensor<3xf64>) -> tensor<3xf64>
      return %g : tensor<3xf64>
    }
    ```
    After (`@df` calls `@f_grad`, which returns the value and cos(x)):
    ```mlir
    func.func private @f_grad(%x: tensor<3xf64>) -> (tensor<f64>, tensor<3xf64>) {
      %s = adj.sin %x : tensor<3xf64>
      %y = adj.sum %s : tensor<3xf64> -> tensor<f64>
      %one = adj.constant dense<1.0> : tensor<f64>
      %ds = adj.broadcast_to %one : tensor<f64> -> tensor<3xf64>
      %c = adj.cos %x : tensor<3xf64>
      %dx = adj.mul %ds, %c : tensor<3xf64>
      return %y, %dx : tensor<f64>, tensor<3xf64>
    }
    ```
    Errors name every op without a rule at once, with its location.

    Rules written in MLIR (docs/adding-rules.md) are read from the files of
    the `rules` option (and those of the tools' `--rules` flag); they take
    precedence over the built-in rules.
  }];
  let dependentDialects = ["::adjoint::adj::AdjDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::math::MathDialect"];
  let options = [
    ListOption<"ruleFiles", "rules", "std::string",
               "Rule files (MLIR) whose rules are used before the built-in "
               "ones">,
  ];
}

def AdjReportCoverage : Pass<"adj-report-coverage", "::mlir::ModuleOp"> {
  let summary = "Report which ops of a model have a differentiation rule";
  let description = [{
    For every public function, and every function it calls (transitively),
    reports what differentiating it would meet, without changing the IR and
    without failing:

    * an op that a derivative could flow through, i.e. with a float tensor
      operand and a float tensor result, but without a rule (neither a
      `DifferentiableOpInterface` nor one from the rule files of the `rules`
      option and the tools' `--rules` flag), or with a rule-file rule for
      one mode only: a warning at its location;
    * a call of a function that is only declared and has no custom
      derivative (for both modes): a warning at the call;
    * each operand through which no derivative flows: a remark saying why
      (an integer or `i1` type, or the op's rule says so, as for the labels
      of `adj.softmax_cross_entropy`);
    * a float tensor built from a float scalar that depends on a float
      argument (`tensor.extract`, then `tensor.splat` or
      `tensor.from_elements`), which `adj-differentiate` rejects because no
      derivative flows through a scalar: a warning at the op that builds it;
    * one summary remark per function: `@f: N ops, K without a rule`, with
      `, S through a float scalar` when there are such tensors.

    Ops with a rule are silent unless `report-all` is set. The notion of a
    differentiable operand is the one `adj-differentiate` uses.

    ```mlir
    func.func @f(%x: tensor<3xf32>, %i: tensor<2xi64>) -> tensor<2xf32> {
      // warning: no differentiation rule for 'math.erf'; see docs/differentiation.md
      %0 = math.erf %x : tensor<3xf32>
      // remark: operand #1 of 'adj.gather' is not differentiable: ...
      %1 = adj.gather %0[%i] axis 0 : tensor<3xf32>, tensor<2xi64> -> tensor<2xf32>
      return %1 : tensor<2xf32>
    }
    // remark (at @f): @f: 2 ops, 1 without a rule
    ```
  }];
  let options = [
    Option<"reportAll", "report-all", "bool", /*default=*/"false",
           "Also report, as a remark, every op that has a rule">,
    ListOption<"ruleFiles", "rules", "std::string",
               "Rule files (MLIR) whose rules count, as for adj-differentiate">,
  ];
}

#endif // ADJOINT_DIFFERENTIATION_PASSES_TD
