//===- DecomposableOpInterface.td - Ops made of adj ops ----*- tablegen -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_DIALECT_ADJ_IR_DECOMPOSABLEOPINTERFACE_TD
#define ADJOINT_DIALECT_ADJ_IR_DECOMPOSABLEOPINTERFACE_TD

include "mlir/IR/OpBase.td"

def DecomposableOpInterface : OpInterface<"DecomposableOpInterface"> {
  let cppNamespace = "::adjoint";
  let description = [{
    An op of another dialect (a plugin's) that Adjoint compiles and evaluates
    by expanding it into adj ops. `adj-decompose` calls `decompose` on every
    op implementing this interface, after differentiation, so derivative
    rules still see the op itself; the reference evaluator (`adjoint-run`)
    evaluates such an op by evaluating its decomposition.

    A decomposition may produce other decomposable ops; they are expanded in
    turn. Ops of other dialects get the interface as an external model,
    typically from a dialect plugin (see docs/adding-rules.md).
  }];

  let methods = [
    InterfaceMethod<[{
        Replaces the op by equivalent adj ops: builds them with `rewriter`,
        whose insertion point is just before the op, then calls
        `rewriter.replaceOp`. Fails, with an error at the op, when it cannot.
      }],
      "::mlir::LogicalResult", "decompose",
      (ins "::mlir::RewriterBase &":$rewriter)>,
  ];
}

#endif // ADJOINT_DIALECT_ADJ_IR_DECOMPOSABLEOPINTERFACE_TD
