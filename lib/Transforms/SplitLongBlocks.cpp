//===- SplitLongBlocks.cpp - The adj-split-long-blocks pass ---------------===//
//
// Part of the Adjoint project.
//
// Lowering a loop to branches splits its block after the loop, moving the
// rest of the block: in a block of n loops, n^2 moves. Blocks of a bounded
// size bound each move; LLVM's CFG simplification merges them again.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/IR/Builders.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJSPLITLONGBLOCKS
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {
struct AdjSplitLongBlocksPass
    : public adjoint::impl::AdjSplitLongBlocksBase<AdjSplitLongBlocksPass> {
  using AdjSplitLongBlocksBase::AdjSplitLongBlocksBase;

  void runOnOperation() override {
    if (ops < 1) {
      getOperation().emitError("adj-split-long-blocks: ops must be >= 1");
      return signalPassFailure();
    }
    getOperation().walk([&](func::FuncOp fn) {
      for (Block &block : llvm::make_early_inc_range(fn.getBody()))
        split(block);
    });
  }

  /// Splits from the end, so that each split moves at most `ops` ops.
  void split(Block &block) {
    SmallVector<Operation *> cuts;
    int64_t index = 0;
    for (Operation &op : block.without_terminator())
      if (++index % ops == 0 && op.getNextNode() != block.getTerminator())
        cuts.push_back(op.getNextNode());
    OpBuilder b(&getContext());
    for (Operation *cut : llvm::reverse(cuts)) {
      Block *rest = block.splitBlock(cut);
      b.setInsertionPointToEnd(&block);
      b.create<cf::BranchOp>(cut->getLoc(), rest);
    }
  }
};
} // namespace
