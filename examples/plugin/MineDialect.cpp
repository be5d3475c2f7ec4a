//===- MineDialect.cpp - The example plugin's dialect ---------------------===//
//
// Part of the Adjoint project (an example of a dialect plugin).
//
//===----------------------------------------------------------------------===//

#include "MineDialect.h"

#include "mlir/Transforms/InliningUtils.h"

#include "MineOpsDialect.cpp.inc"

#define GET_OP_CLASSES
#include "MineOps.cpp.inc"

namespace {
/// adjoint-compile inlines every call before exporting a function, so the
/// ops of a model must be inlinable.
struct MineInlinerInterface : public mlir::DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(mlir::Operation *, mlir::Region *, bool,
                       mlir::IRMapping &) const final {
    return true;
  }
};
} // namespace

void mine::MineDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "MineOps.cpp.inc"
      >();
  addInterfaces<MineInlinerInterface>();
}
