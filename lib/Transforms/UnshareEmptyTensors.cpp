//===- UnshareEmptyTensors.cpp - The adj-unshare-empty-tensors pass -------===//
//
// Part of the Adjoint project.
//
// One-Shot Bufferize treats a tensor.empty used as the output of many ops
// as one tensor that all of them write, and checks every pair of those
// writes and reads for conflicts. CSE creates exactly that sharing. A few
// neighbouring uses still share one: bufferization then writes a chain of
// elementwise ops in place, into one buffer, where separate tensors would
// each take a buffer of their own (ffn's workspace was 20 % larger).
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJUNSHAREEMPTYTENSORS
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {
struct AdjUnshareEmptyTensorsPass
    : public adjoint::impl::AdjUnshareEmptyTensorsBase<
          AdjUnshareEmptyTensorsPass> {
  using AdjUnshareEmptyTensorsBase::AdjUnshareEmptyTensorsBase;

  void runOnOperation() override {
    if (usesPerTensor < 1) {
      getOperation()->emitError(
          "adj-unshare-empty-tensors: uses-per-tensor must be >= 1");
      return signalPassFailure();
    }
    // Per original tensor.empty: the one its current uses get, and how
    // many have it. The walk is in program order, so the uses that share
    // one are neighbours.
    DenseMap<Operation *, std::pair<Value, int64_t>> current;
    OpBuilder b(&getContext());
    getOperation()->walk<WalkOrder::PreOrder>([&](Operation *op) {
      for (OpOperand &operand : op->getOpOperands()) {
        auto empty = operand.get().getDefiningOp<tensor::EmptyOp>();
        if (!empty)
          continue;
        auto &[value, uses] =
            current.try_emplace(empty, empty, 0).first->second;
        // A clone goes next to the original: its operands (dynamic
        // sizes) dominate there, and allocations stay where they were.
        if (uses == usesPerTensor) {
          b.setInsertionPointAfter(empty);
          value = b.clone(*empty)->getResult(0);
          uses = 0;
        }
        ++uses;
        operand.set(value);
      }
    });
  }
};
} // namespace
