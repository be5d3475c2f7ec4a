//===- CheckIndices.cpp - The adj-check-indices pass ----------------------===//
//
// Part of the Adjoint project.
//
// An index read from run-time data can be out of range: an embedding's
// token id, a class label. Compiled code clamps it (adj.gather) or matches
// no class with it (adj.softmax_cross_entropy), so nothing reads outside a
// buffer, but the result is silently not what the model means (PyTorch
// raises). This pass makes the exported function return a non-zero status
// for the first op, in program order, that read an index outside its range:
//
//   %e = adj.gather %t[%i] axis 0        %e = adj.gather %t[%i] axis 0
//                              ──▶       %bad = any(%i >=u 5)   (negatives too)
//                                        %s1 = %s0 == 0 && %bad ? <id> : %s0
//   return %e                            return %e, %s_last
//
// Runs on adj IR after the optimize stage (every call inlined), so the
// messages name the model's ops, forward and derivative, at their
// locations. The labels of a cross-entropy reach its derivative's
// `adj.one_hot ... in_range` (a plain one_hot's out-of-range row is zeros by
// definition), which is checked too: in a function that returns only the
// gradient the loss itself is dead and gone. Constant indices (which the
// ops' verifiers check, at compile time), or indices already checked against
// the same bound (adj.scatter_add in the derivative of an adj.gather), are
// not checked again. After
// adj-check-numerics, the two statuses combine: an index error is reported
// ahead of a NaN, which the out-of-range index may well have caused, in
// whichever order the two passes ran. Ids continue the module's
// `adj.status_messages`.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "adjoint/Transforms/Passes.h"

#include "adjoint/Transforms/DerivativeLocations.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJCHECKINDICES
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;
using namespace adjoint;

namespace {

/// An op that reads run-time indices: the indices and their range [0, size).
struct IndexUse {
  Operation *op;
  Value indices;
  int64_t size;
  StringRef what; // "an index", "a label"
};

/// The indices `op` reads and their range, if it reads any.
std::optional<IndexUse> getIndexUse(Operation *op) {
  if (auto gather = dyn_cast<adj::GatherOp>(op))
    return IndexUse{op, gather.getIndices(),
                    gather.getOperand().getType().getDimSize(gather.getAxis()),
                    "an index"};
  if (auto scatter = dyn_cast<adj::ScatterAddOp>(op))
    return IndexUse{op, scatter.getIndices(),
                    scatter.getType().getDimSize(scatter.getAxis()),
                    "an index"};
  if (auto loss = dyn_cast<adj::SoftmaxCrossEntropyOp>(op))
    return IndexUse{op, loss.getLabels(),
                    loss.getLogits().getType().getDimSize(1), "a label"};
  // The labels of a cross-entropy that reach only its derivative (the loss
  // itself is dead in a function that returns only the gradient), or of an
  // imported ONNX loss. Other one_hot ops give a zero row by definition.
  if (auto oneHot = dyn_cast<adj::OneHotOp>(op); oneHot && oneHot.getInRange())
    return IndexUse{op, oneHot.getIndices(), oneHot.getType().getShape().back(),
                    "a label"};
  return std::nullopt;
}

/// An i1 that is true if an entry of the integer tensor `indices` lies
/// outside [0, size): compared unsigned, a negative entry is huge, so one
/// compare per entry and an or-reduction.
Value anyOutOfRange(OpBuilder &b, Location loc, Value indices, int64_t size) {
  auto type = cast<RankedTensorType>(indices.getType());
  Type elementType = type.getElementType();
  unsigned rank = type.getRank();
  Value init =
      b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{}, b.getI1Type());
  Value no = b.create<arith::ConstantIntOp>(loc, 0, 1);
  init = b.create<linalg::FillOp>(loc, no, init).getResult(0);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 AffineMap::get(rank, 0, {}, b.getContext())};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::reduction);
  auto check = b.create<linalg::GenericOp>(
      loc, init.getType(), indices, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value bound = nb.create<arith::ConstantOp>(
            nloc, nb.getIntegerAttr(elementType, size));
        Value bad = nb.create<arith::CmpIOp>(nloc, arith::CmpIPredicate::uge,
                                             args[0], bound);
        nb.create<linalg::YieldOp>(
            nloc, nb.create<arith::OrIOp>(nloc, args[1], bad).getResult());
      });
  return b.create<tensor::ExtractOp>(loc, check.getResult(0), ValueRange());
}

/// "adj.gather at m.mlir:3:8 (forward) read an index outside [0, 5) in f".
std::string describe(const IndexUse &use, func::FuncOp fn) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printOpPlace(use.op, os);
  os << " read " << use.what << " outside ";
  // The range as the ONNX importer's node takes the indices.
  if (auto range = use.op->getAttrOfType<StringAttr>("adj.index_range"))
    os << range.getValue();
  else
    os << "[0, " << use.size << ")";
  os << " in " << fn.getSymName();
  return s;
}

/// Adds the checks to `fn` and appends the message of each id it uses to
/// `messages`. The status becomes a new last result, or is combined with
/// the one adj-check-numerics added (`adj.status` on `fn`). Fails on an
/// index it cannot check: one read in a nested region (scf.if in
/// hand-written IR), whose check could not reach the status without
/// threading it through the region, or in a function of several blocks.
LogicalResult checkFunction(func::FuncOp fn,
                            SmallVectorImpl<Attribute> &messages) {
  SmallVector<IndexUse> uses;
  DenseSet<std::pair<Value, int64_t>> checked;
  WalkResult walk = fn.walk([&](Operation *op) {
    std::optional<IndexUse> use = getIndexUse(op);
    // The ops' verifiers reject constant indices out of range.
    if (!use || matchPattern(use->indices, m_Constant()))
      return WalkResult::advance();
    if (op->getParentOp() != fn) {
      op->emitError("--check-indices: cannot check the indices of an op "
                    "inside ")
          << op->getParentOp()->getName()
          << ": compute it in the function's body, before the "
          << op->getParentOp()->getName()
          << " (a model is straight-line code: compute both branches and "
             "pick with adj.select)";
      return WalkResult::interrupt();
    }
    if (checked.insert({use->indices, use->size}).second)
      uses.push_back(*use);
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  if (uses.empty())
    return success();
  if (!fn.getBody().hasOneBlock())
    return fn.emitError("--check-indices: @")
           << fn.getSymName() << " has more than one block";

  StatusChain chain(fn, messages);
  for (const IndexUse &use : uses)
    chain.record(anyOutOfRange(chain.after(use.op), use.op->getLoc(),
                               use.indices, use.size),
                 describe(use, fn));
  // An out-of-range index may well have caused a NaN that
  // adj-check-numerics reports: it is reported first.
  chain.finish(/*ahead=*/true, "adj.checked_indices");
  return success();
}

struct AdjCheckIndicesPass
    : public adjoint::impl::AdjCheckIndicesBase<AdjCheckIndicesPass> {
  void runOnOperation() override {
    if (failed(checkPublicFunctions(getOperation(), getArgument(),
                                    "adj.checked_indices", checkFunction)))
      signalPassFailure();
  }
};

} // namespace
