//===- DifferentiableOpInterface.cpp - Differentiation rules --------------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Differentiation/DifferentiableOpInterface.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "Rules/Rules.h"

using namespace mlir;

#include "adjoint/Differentiation/DifferentiableOpInterface.cpp.inc"

bool adjoint::isDifferentiableOperand(Operation *op, unsigned index) {
  if (auto iface = dyn_cast<DifferentiableOpInterface>(op))
    return iface.isDifferentiableOperand(index);
  return adj::isFloatTensor(op->getOperand(index).getType());
}

void adjoint::registerDifferentiationRules(DialectRegistry &registry) {
  registerElementwiseRules(registry);
  registerLinearAlgebraRules(registry);
  registerReductionRules(registry);
  registerShapeRules(registry);
  registerNeuralNetworkRules(registry);
  registerUpstreamRules(registry);
}
