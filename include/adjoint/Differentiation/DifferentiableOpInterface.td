//===- DifferentiableOpInterface.td - Differentiation rules -*- tablegen -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_DIFFERENTIATION_DIFFERENTIABLEOPINTERFACE_TD
#define ADJOINT_DIFFERENTIATION_DIFFERENTIABLEOPINTERFACE_TD

include "mlir/IR/OpBase.td"

def DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::adjoint";
  let description = [{
    How an op is differentiated. An op states, through this interface, its
    reverse-mode rule (given the cotangents of its results, build the
    cotangents of its operands) and its forward-mode rule (given the
    tangents of its operands, build the tangents of its results). Rules build
    ordinary ops with the builder of the context they receive, so the
    derivative is IR like any other and can be differentiated again.

    The `adj-differentiate` pass only calls this interface: it decides which
    values are active, gives each rule the cotangents or tangents it needs
    (null where nothing flows, meaning zero), and accumulates what the rules
    return. Operands that are not differentiable (labels, indices, masks)
    never receive a cotangent.

    Adj ops implement it through external models registered by
    `registerDifferentiationRules`; ops of other dialects (`arith.constant`,
    `func.call`) and users' own ops get it the same way.
  }];

  let methods = [
    InterfaceMethod<[{
        Whether a derivative flows through operand `index`. By default, every
        floating-point tensor operand is differentiable.
      }],
      "bool", "isDifferentiableOperand", (ins "unsigned":$index), [{}], [{
        return ::adjoint::adj::isFloatTensor(
            $_op->getOperand(index).getType());
      }]>,
    InterfaceMethod<[{
        Builds the cotangents of the operands from those of the results:
        reads `ctx.resultCotangent(i)` (null when zero) and calls
        `ctx.addOperandCotangent(i, value)` for each operand `i` with
        `ctx.needsCotangent(i)`; the value must have the operand's type.
      }],
      "::mlir::LogicalResult", "buildReverse",
      (ins "::adjoint::ReverseContext &":$ctx)>,
    InterfaceMethod<[{
        Builds the tangents of the results from those of the operands:
        reads `ctx.operandTangent(i)` (null when zero) and calls
        `ctx.setResultTangent(i, value)`; results left unset have a zero
        tangent.
      }],
      "::mlir::LogicalResult", "buildForward",
      (ins "::adjoint::ForwardContext &":$ctx)>,
  ];
}

#endif // ADJOINT_DIFFERENTIATION_DIFFERENTIABLEOPINTERFACE_TD
