//===- AdjDialect.cpp - The adj dialect -----------------------------------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Dialect/Adj/IR/AdjDialect.h"
#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "mlir/Transforms/InliningUtils.h"

using namespace mlir;
using namespace adjoint::adj;

#include "adjoint/Dialect/Adj/IR/AdjDialect.cpp.inc"

namespace {
/// Adj ops are pure functions of their operands, so any of them can be
/// inlined anywhere (models and their derivatives are flattened by -inline).
struct AdjInlinerInterface : public DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
};
} // namespace

void AdjDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "adjoint/Dialect/Adj/IR/AdjOps.cpp.inc"
      >();
  addInterfaces<AdjInlinerInterface>();
}

Operation *AdjDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return builder.create<ConstantOp>(loc, elements);
}
