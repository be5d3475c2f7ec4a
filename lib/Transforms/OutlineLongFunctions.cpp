//===- OutlineLongFunctions.cpp - The adj-outline-long-functions pass -----===//
//
// Part of the Adjoint project.
//
// LLVM's loop passes update the dominator tree of the whole function at
// each loop they change: a straight-line function of n loop nests (an
// unrolled ODE solve) costs them n^2 (LoopRotate took 19 of the 67 s of an
// RK4 integrator unrolled 100 steps). This pass cuts the body of a long
// function into consecutive pieces of a bounded number of ops and moves
// each into a private function LLVM may not inline, so that every function
// LLVM optimizes is short:
//
//   func @f(%x, %ws) {            func @f(%x, %ws) {
//     <ops 1..n>          ──▶       %r = call @f_part0(%x, %ws)
//     <ops n+1..2n>                 call @f_part1(%r, %ws)
//     ...                           ...
//
// It runs on loops over buffers (after bufferization, adj-export-c-abi and
// adj-mark-buffer-accesses), where the state a piece passes on is almost
// all in memory. Pure ops without regions (constants, views of the
// workspace, index arithmetic) stay where they are and are cloned into each
// piece that uses them: a piece sees its buffers at constant offsets of the
// workspace, as the whole function did, and takes few arguments. Other
// values cross as arguments (scalars, buffers) and results (scalars only: a
// buffer the piece allocated on the stack would not outlive the call, and
// the bare-pointer convention would lose where a heap buffer starts). A
// piece is left in place when a value cannot cross.
//
// The accesses keep the buffers adj-mark-buffer-accesses recorded in their
// locations, so adj-buffer-alias-scopes gives each piece the same claims.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/SetVector.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJOUTLINELONGFUNCTIONS
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {

/// Whether `op` is recomputed where it is used instead of crossing a call.
bool isCloned(Operation *op) { return op->getNumRegions() == 0 && isPure(op); }

/// Whether `value` can be an argument of a function lowered with the
/// bare-pointer convention, which rebuilds a buffer from its static shape
/// and strides.
bool isPassable(Value value) {
  Type type = value.getType();
  if (type.isIntOrIndexOrFloat())
    return true;
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.hasStaticShape())
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(getStridesAndOffset(memref, strides, offset)))
    return false;
  return !ShapedType::isDynamic(offset) &&
         llvm::none_of(strides, ShapedType::isDynamic);
}

/// The number of ops in `op`, itself included.
int64_t size(Operation *op) {
  int64_t n = 0;
  op->walk([&](Operation *) { ++n; });
  return n;
}

struct AdjOutlineLongFunctionsPass
    : public adjoint::impl::AdjOutlineLongFunctionsBase<
          AdjOutlineLongFunctionsPass> {
  using AdjOutlineLongFunctionsBase::AdjOutlineLongFunctionsBase;

  void runOnOperation() override {
    if (ops < 1) {
      getOperation().emitError("adj-outline-long-functions: ops must be >= 1");
      return signalPassFailure();
    }
    SymbolTable symbols(getOperation());
    SmallVector<func::FuncOp> fns(getOperation().getOps<func::FuncOp>());
    for (func::FuncOp fn : fns)
      if (!fn.isExternal() && fn.getBody().hasOneBlock())
        outline(fn, symbols);
  }

  /// Cuts the body of `fn` into pieces of at most `ops` ops (a single op
  /// larger than that is a piece of its own) and outlines each.
  void outline(func::FuncOp fn, SymbolTable &symbols) {
    Block &body = fn.getBody().front();
    SmallVector<std::pair<Operation *, int64_t>> sizes;
    int64_t total = 0;
    for (Operation &op : body.without_terminator()) {
      // Cloned ops are copied into the pieces, not counted against them.
      int64_t n = isCloned(&op) ? 0 : size(&op);
      sizes.push_back({&op, n});
      total += n;
    }
    if (total <= ops)
      return;
    SmallVector<SmallVector<Operation *>> pieces(1);
    int64_t inPiece = 0;
    for (auto [op, n] : sizes) {
      if (inPiece > 0 && inPiece + n > ops) {
        pieces.emplace_back();
        inPiece = 0;
      }
      pieces.back().push_back(op);
      inPiece += n;
    }
    for (auto [index, piece] : llvm::enumerate(pieces))
      outlinePiece(fn, piece, index, symbols);
  }

  /// Moves the ops of `piece` that are not cloned into a new function and
  /// calls it in their place. Leaves them if a value cannot cross the call.
  void outlinePiece(func::FuncOp fn, ArrayRef<Operation *> piece, size_t index,
                    SymbolTable &symbols) {
    SmallVector<Operation *> moved;
    llvm::DenseSet<Operation *> isMoved;
    for (Operation *op : piece)
      if (!isCloned(op) || llvm::any_of(op->getOperands(), [&](Value v) {
            return isMoved.contains(v.getDefiningOp());
          })) {
        moved.push_back(op);
        isMoved.insert(op);
      }
    if (moved.empty())
      return;

    // What the moved ops use from outside: cloned if pure, else arguments.
    llvm::SetVector<Value> arguments;
    llvm::SetVector<Operation *> cloned;
    SmallVector<Value> worklist;
    auto use = [&](Value value) {
      Operation *def = value.getDefiningOp();
      if (def && isMoved.contains(def))
        return;
      worklist.push_back(value);
    };
    for (Operation *op : moved) {
      for (Value operand : op->getOperands())
        use(operand);
      for (Region &region : op->getRegions()) {
        llvm::SetVector<Value> above;
        getUsedValuesDefinedAbove(region, above);
        for (Value value : above)
          use(value);
      }
    }
    while (!worklist.empty()) {
      Value value = worklist.pop_back_val();
      Operation *def = value.getDefiningOp();
      if (def && isCloned(def)) {
        if (cloned.insert(def))
          llvm::append_range(worklist, def->getOperands());
      } else if (!arguments.contains(value)) {
        if (!isPassable(value))
          return;
        arguments.insert(value);
      }
    }

    // What later ops use of the moved ones: results.
    SmallVector<Value> results;
    for (Operation *op : moved)
      for (Value result : op->getResults())
        if (llvm::any_of(result.getUsers(), [&](Operation *user) {
              return !isMoved.contains(
                  fn.getBody().front().findAncestorOpInBlock(*user));
            })) {
          if (!result.getType().isIntOrIndexOrFloat())
            return;
          results.push_back(result);
        }

    // The new function: clones of the pure ops it uses, in their order,
    // then the moved ops.
    OpBuilder b(fn);
    b.setInsertionPointAfter(fn);
    Location loc = moved.front()->getLoc();
    auto type =
        b.getFunctionType(TypeRange(ValueRange(arguments.getArrayRef())),
                          TypeRange(ValueRange(results)));
    auto part = b.create<func::FuncOp>(
        loc, (fn.getSymName() + "_part" + Twine(index)).str(), type);
    part.setPrivate();
    // LLVM would inline a function called once back into its caller; and
    // the library does not export it.
    part->setAttr("passthrough", b.getArrayAttr({b.getStringAttr("noinline")}));
    part->setAttr("llvm.linkage", LLVM::LinkageAttr::get(
                                      &getContext(), LLVM::Linkage::Internal));
    symbols.insert(part);
    Block *entry = part.addEntryBlock();
    IRMapping mapping;
    mapping.map(arguments.getArrayRef(), entry->getArguments());
    b.setInsertionPointToStart(entry);
    // All in the body of `fn`: what ops at its top level use.
    SmallVector<Operation *> clones(cloned.begin(), cloned.end());
    llvm::sort(clones, [](Operation *x, Operation *y) {
      return x->isBeforeInBlock(y);
    });
    for (Operation *op : clones)
      b.clone(*op, mapping);

    b.setInsertionPoint(moved.front());
    auto call = b.create<func::CallOp>(loc, part, arguments.getArrayRef());
    for (auto [result, value] : llvm::zip(results, call.getResults()))
      result.replaceUsesWithIf(value, [&](OpOperand &operand) {
        return !isMoved.contains(
            fn.getBody().front().findAncestorOpInBlock(*operand.getOwner()));
      });
    for (Operation *op : moved)
      op->moveBefore(entry, entry->end());
    for (Operation *op : moved)
      op->walk([&](Operation *inner) {
        for (OpOperand &operand : inner->getOpOperands())
          if (Value to = mapping.lookupOrNull(operand.get()))
            operand.set(to);
      });
    b.setInsertionPointToEnd(entry);
    b.create<func::ReturnOp>(loc, results);
  }
};
} // namespace
