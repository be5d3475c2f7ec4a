//===- MarkBufferAccesses.cpp - The adj-mark-buffer-accesses pass ---------===//
//
// Part of the Adjoint project.
//
// The first half of telling LLVM which buffers do not overlap (the second
// is adj-buffer-alias-scopes). adj-export-c-abi marks each view of the
// workspace with the bytes of its buffer (adj.buffer = [offset, size]).
// Once linalg ops are loops, this pass follows the memref of every
// memref.load and memref.store through view-like ops (subviews, reshapes,
// transposes) to a workspace view or an argument of an exported function,
// and puts what it found into the access's location:
//
//   %s = memref.subview %view[...]       (%view: adj.buffer = [64, 64])
//   memref.store %v, %s[%i]
//     ──▶ loc(fused<{adj.buffer = array<i64: 64, 64>}>[...])
//   memref.store %v, %arg3[%i]
//     ──▶ loc(fused<{adj.argument = 3 : i64}>[...])
//
// The location is what survives the conversion to the LLVM dialect: the
// conversion patterns keep an op's location and drop its attributes. An
// access stays within its buffer (memref accesses are in bounds).
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "mlir/Interfaces/ViewLikeInterface.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJMARKBUFFERACCESSES
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {

/// What `memref` is a view of (through view-like ops), as an entry of a
/// location's metadata: a workspace view's `adj.buffer`, or `adj.argument`
/// and the index of an argument of an exported function (one with a
/// workspace, its last argument, which overlaps its views and is not one).
/// None for anything else.
std::optional<NamedAttribute> bufferOf(Value memref) {
  while (Operation *op = memref.getDefiningOp()) {
    if (isa<memref::ViewOp>(op)) {
      auto buffer = op->getAttrOfType<DenseI64ArrayAttr>("adj.buffer");
      if (!buffer)
        return std::nullopt;
      return NamedAttribute(StringAttr::get(op->getContext(), "adj.buffer"),
                            buffer);
    }
    auto view = dyn_cast<ViewLikeOpInterface>(op);
    if (!view)
      return std::nullopt;
    memref = view.getViewSource();
  }
  auto argument = cast<BlockArgument>(memref);
  auto fn = dyn_cast<func::FuncOp>(argument.getOwner()->getParentOp());
  if (!fn || !argument.getOwner()->isEntryBlock() ||
      !fn->hasAttr("adj.workspace_size") ||
      argument.getArgNumber() + 1 == fn.getNumArguments())
    return std::nullopt;
  Builder b(fn.getContext());
  return b.getNamedAttr("adj.argument",
                        b.getI64IntegerAttr(argument.getArgNumber()));
}

struct AdjMarkBufferAccessesPass
    : public adjoint::impl::AdjMarkBufferAccessesBase<
          AdjMarkBufferAccessesPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    getOperation().walk([&](Operation *op) {
      Value memref;
      if (auto load = dyn_cast<memref::LoadOp>(op))
        memref = load.getMemRef();
      else if (auto store = dyn_cast<memref::StoreOp>(op))
        memref = store.getMemRef();
      else
        return;
      if (std::optional<NamedAttribute> buffer = bufferOf(memref))
        op->setLoc(FusedLoc::get({op->getLoc()},
                                 DictionaryAttr::get(ctx, {*buffer}), ctx));
    });
  }
};

} // namespace
