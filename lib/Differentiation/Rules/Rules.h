//===- Rules.h - Registration of the built-in rules -------------*- C++ -*-===//
//
// Part of the Adjoint project.
//
// One registration function per family of ops; each attaches the
// DifferentiableOpInterface external models of its ops.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_LIB_DIFFERENTIATION_RULES_RULES_H
#define ADJOINT_LIB_DIFFERENTIATION_RULES_RULES_H

#include "adjoint/Differentiation/DifferentiableOpInterface.h"
#include "mlir/IR/DialectRegistry.h"

namespace adjoint {

void registerElementwiseRules(mlir::DialectRegistry &registry);
void registerLinearAlgebraRules(mlir::DialectRegistry &registry);
void registerReductionRules(mlir::DialectRegistry &registry);
void registerShapeRules(mlir::DialectRegistry &registry);
void registerNeuralNetworkRules(mlir::DialectRegistry &registry);
void registerUpstreamRules(mlir::DialectRegistry &registry);

/// The rule of an op without derivative: none of its operands is
/// differentiable (constants, comparisons, integer ops).
template <typename OpTy>
struct ConstantRule
    : public DifferentiableOpInterface::ExternalModel<ConstantRule<OpTy>,
                                                      OpTy> {
  bool isDifferentiableOperand(mlir::Operation *, unsigned) const {
    return false;
  }
  mlir::LogicalResult buildReverse(mlir::Operation *, ReverseContext &) const {
    return mlir::success();
  }
  mlir::LogicalResult buildForward(mlir::Operation *, ForwardContext &) const {
    return mlir::success();
  }
};

/// Attaches ConstantRule to each of `Ops`.
template <typename... Ops>
void attachConstantRules(mlir::MLIRContext *ctx) {
  (Ops::template attachInterface<ConstantRule<Ops>>(*ctx), ...);
}

} // namespace adjoint

#endif // ADJOINT_LIB_DIFFERENTIATION_RULES_RULES_H
