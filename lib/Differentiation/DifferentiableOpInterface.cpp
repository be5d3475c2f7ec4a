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

void adjoint::registerDifferentiationRules(DialectRegistry &registry) {
  registerElementwiseRules(registry);
  registerLinearAlgebraRules(registry);
  registerReductionRules(registry);
  registerShapeRules(registry);
  registerNeuralNetworkRules(registry);
  registerUpstreamRules(registry);
}
