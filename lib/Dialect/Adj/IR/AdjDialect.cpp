//===- AdjDialect.cpp - The adj dialect -----------------------------------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Dialect/Adj/IR/AdjDialect.h"
#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
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

/// Checks `adj.name` (with `adj.initial_value` on arguments, the only adj
/// attribute of arguments and results): it names the parameter of a
/// compiled library's C function, so the header must be able to use it.
static LogicalResult verifyNameAttr(Operation *op, NamedAttribute attr,
                                    StringRef what) {
  if (attr.getName() != "adj.name")
    return op->emitError("unknown attribute '")
           << attr.getName().getValue() << "' on a " << what
           << "; adj.name is the only adj attribute there";
  auto name = dyn_cast<StringAttr>(attr.getValue());
  if (!name)
    return op->emitError("adj.name of a ")
           << what << " must be a string, got " << attr.getValue();
  StringRef why = whyNotParameterName(name.getValue());
  if (!why.empty())
    return op->emitError("adj.name of a ")
           << what << " names a parameter of the generated C header, got "
           << attr.getValue() << ": " << why
           << "; rename it (docs/c-abi.md lists the names refused)";
  return success();
}

LogicalResult AdjDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                   unsigned arg,
                                                   NamedAttribute attr) {
  if (attr.getName() != "adj.initial_value" && attr.getName() != "adj.name")
    return op->emitError("unknown attribute '")
           << attr.getName().getValue()
           << "' on a function argument; adj.name and adj.initial_value are "
              "the adj attributes there";
  if (attr.getName() == "adj.name")
    return verifyNameAttr(op, attr, "function argument");
  auto fn = dyn_cast<FunctionOpInterface>(op);
  auto value = dyn_cast<DenseElementsAttr>(attr.getValue());
  if (!fn || !value || value.getType() != fn.getArgumentTypes()[arg] ||
      !isFloatTensor(value.getType()))
    return op->emitError("adj.initial_value of argument ")
           << arg << " must be a dense float constant of the argument's type "
           << (fn ? fn.getArgumentTypes()[arg] : Type()) << ", got "
           << attr.getValue();
  return success();
}

LogicalResult AdjDialect::verifyRegionResultAttribute(Operation *op, unsigned,
                                                      unsigned,
                                                      NamedAttribute attr) {
  return verifyNameAttr(op, attr, "function result");
}

Operation *AdjDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return builder.create<ConstantOp>(loc, elements);
}
