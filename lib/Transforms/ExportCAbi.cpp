//===- ExportCAbi.cpp - The adj-export-c-abi pass -------------------------===//
//
// Part of the Adjoint project.
//
// After bufferization each exported function takes its inputs and its
// caller-allocated outputs as memrefs. This pass finishes its C signature:
//
//   f(inputs..., outputs...)  ──▶  i32 f(inputs..., outputs..., workspace)
//
// Every buffer the body allocates is carved out of the workspace at an
// offset fixed at compile time (64-byte aligned), so a call makes no
// allocation; a training loop passes the same workspace each time.
//
// With `reuse`, buffers whose lifetimes are disjoint share bytes. A buffer
// lives from the first to the last op of the function's body that uses it
// or a view of it (both included: an op may read one buffer and write
// another). Buffers are placed largest first, each at the lowest offset
// where it overlaps no placed buffer that is live at the same time.
// Without `reuse`, they are placed one after the other.
//
// A workspace above `warn-bytes` (16 GiB by default) is most likely more than
// the caller can allocate: a warning at its largest buffer says so at compile
// time, with the sizes, instead of a library whose calls fail at run time (a
// user's sum of a 4e9 x 3 broadcast asked for 48 GB).
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

namespace adjoint {
#define GEN_PASS_DEF_ADJEXPORTCABI
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {

constexpr int64_t kAlignment = 64;

/// The bytes of a statically shaped buffer (i1 takes a byte).
int64_t byteSize(MemRefType type) {
  int64_t bits = type.getElementTypeBitWidth();
  return type.getNumElements() * std::max<int64_t>(bits / 8, 1);
}

/// The positions in `body` of the first and last op using `alloc` or a view
/// of it (deallocations aside: they go).
std::pair<int64_t, int64_t> lifetime(memref::AllocOp alloc, Block &body,
                                     const DenseMap<Operation *, int64_t> &at) {
  int64_t first = std::numeric_limits<int64_t>::max(), last = -1;
  SmallVector<Value> aliases = {alloc.getResult()};
  while (!aliases.empty()) {
    Value value = aliases.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (isa<memref::DeallocOp>(user))
        continue;
      // A view, or a pure op that takes the buffer's address apart (the
      // kernel calls of adj-lower-to-kernels read its LLVM descriptor):
      // the buffer lives as long as what is derived from it.
      if (isMemoryEffectFree(user))
        llvm::append_range(aliases, user->getResults());
      int64_t position = at.lookup(body.findAncestorOpInBlock(*user));
      first = std::min(first, position);
      last = std::max(last, position);
    }
  }
  return {first, last};
}

/// Offsets for `allocs` and the workspace size; see the file comment.
int64_t placeBuffers(func::FuncOp fn, ArrayRef<memref::AllocOp> allocs,
                     bool reuse, SmallVectorImpl<int64_t> &offsets) {
  SmallVector<int64_t> sizes;
  for (memref::AllocOp alloc : allocs)
    sizes.push_back(llvm::alignTo(byteSize(alloc.getType()), kAlignment));
  offsets.assign(allocs.size(), 0);
  int64_t total = 0;
  if (!reuse || !fn.getBody().hasOneBlock()) {
    for (auto [i, size] : llvm::enumerate(sizes)) {
      offsets[i] = total;
      total += size;
    }
    return total;
  }
  Block &body = fn.getBody().front();
  DenseMap<Operation *, int64_t> at;
  for (auto [i, op] : llvm::enumerate(body))
    at[&op] = i;
  SmallVector<std::pair<int64_t, int64_t>> lives;
  for (memref::AllocOp alloc : allocs)
    lives.push_back(lifetime(alloc, body, at));
  auto order = llvm::to_vector(llvm::seq<unsigned>(0, allocs.size()));
  llvm::stable_sort(
      order, [&](unsigned a, unsigned b) { return sizes[a] > sizes[b]; });
  SmallVector<unsigned> placed;
  for (unsigned i : order) {
    // The live placed buffers, by offset; take the first gap that fits.
    SmallVector<unsigned> live;
    for (unsigned j : placed)
      if (lives[i].first <= lives[j].second &&
          lives[j].first <= lives[i].second)
        live.push_back(j);
    llvm::sort(live,
               [&](unsigned a, unsigned b) { return offsets[a] < offsets[b]; });
    int64_t offset = 0;
    for (unsigned j : live) {
      if (offset + sizes[i] <= offsets[j])
        break;
      offset = std::max(offset, offsets[j] + sizes[j]);
    }
    offsets[i] = offset;
    total = std::max(total, offset + sizes[i]);
    placed.push_back(i);
  }
  return total;
}

/// Warns at the largest of `allocs` that the workspace of `fn` takes `size`
/// bytes, more than `warnBytes`.
void warnHugeWorkspace(func::FuncOp fn, ArrayRef<memref::AllocOp> allocs,
                       int64_t size, int64_t warnBytes) {
  memref::AllocOp largest =
      *llvm::max_element(allocs, [](memref::AllocOp a, memref::AllocOp b) {
        return byteSize(a.getType()) < byteSize(b.getType());
      });
  auto gib = [](int64_t bytes) {
    return llvm::formatv("{0:F1} GiB", double(bytes) / double(1ll << 30));
  };
  largest.emitWarning("the workspace of @")
      << adjoint::adj::getSourceName(fn) << " takes " << size << " bytes ("
      << gib(size) << "), more than " << warnBytes << " (" << gib(warnBytes)
      << "): a call will most likely fail to allocate it; its largest "
         "buffer, this op's result, takes "
      << byteSize(largest.getType()) << " bytes ("
      << gib(byteSize(largest.getType())) << ")";
}

LogicalResult exportFunction(func::FuncOp fn, bool reuse, int64_t warnBytes) {
  SmallVector<memref::AllocOp> allocs;
  WalkResult walk = fn.walk([&](Operation *op) {
    // External kernels (adj-lower-external-calls) are the only calls left.
    if (auto call = dyn_cast<func::CallOp>(op)) {
      auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
          call, call.getCalleeAttr());
      if (callee && callee.isExternal())
        return WalkResult::advance();
      op->emitError("cannot export @") << adjoint::adj::getSourceName(fn)
                                       << ": it still calls another function";
      return WalkResult::interrupt();
    }
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      if (alloc->getParentOp() != fn || !alloc.getType().hasStaticShape() ||
          !alloc.getType().getLayout().isIdentity()) {
        InFlightDiagnostic diag =
            alloc.emitError("cannot place this buffer in the workspace of @")
            << adjoint::adj::getSourceName(fn)
            << ": only statically shaped buffers allocated at the top level "
               "of the function can be";
        if (alloc->getParentOp() != fn)
          diag << "; compute this value in the function's body, before the "
               << alloc->getParentOp()->getName()
               << " (a model is straight-line code: compute both branches "
                  "and pick with adj.select)";
        return WalkResult::interrupt();
      }
      allocs.push_back(alloc);
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();

  SmallVector<int64_t> offsets;
  int64_t sum = 0;
  for (memref::AllocOp alloc : allocs) {
    int64_t bytes = byteSize(alloc.getType());
    if (bytes > std::numeric_limits<int64_t>::max() - kAlignment ||
        llvm::AddOverflow(sum, int64_t(llvm::alignTo(bytes, kAlignment)), sum))
      return alloc.emitError("cannot place this buffer in the workspace of @")
             << adjoint::adj::getSourceName(fn)
             << ": the workspace would take more than 2^63 - 1 bytes; make "
                "the model's tensors smaller";
  }
  // No overflow below: a placement never takes more than the sum.
  int64_t size = placeBuffers(fn, allocs, reuse, offsets);
  if (!allocs.empty() && size > warnBytes)
    warnHugeWorkspace(fn, allocs, size, warnBytes);

  MLIRContext *ctx = fn.getContext();
  OpBuilder b(ctx);
  auto workspaceType = MemRefType::get({size}, b.getIntegerType(8));
  unsigned index = fn.getNumArguments();
  fn.insertArgument(index, workspaceType, b.getDictionaryAttr({}), fn.getLoc());
  Value workspace = fn.getArgument(index);
  for (auto [alloc, offset] : llvm::zip(allocs, offsets)) {
    b.setInsertionPoint(alloc);
    Value shift = b.create<arith::ConstantIndexOp>(alloc.getLoc(), offset);
    auto view = b.create<memref::ViewOp>(alloc.getLoc(), alloc.getType(),
                                         workspace, shift, ValueRange());
    // The buffer's bytes, for adj-mark-buffer-accesses.
    view->setAttr("adj.buffer",
                  b.getDenseI64ArrayAttr({offset, byteSize(alloc.getType())}));
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        user->erase();
    alloc.replaceAllUsesWith(view.getResult());
    alloc.erase();
  }

  // Return a status: the one i32 result that adj-check-numerics and
  // adj-check-indices add, or 0.
  bool hasStatus =
      fn.getNumResults() == 1 && fn.getResultTypes()[0].isInteger(32);
  fn.setFunctionType(
      FunctionType::get(ctx, fn.getArgumentTypes(), b.getI32Type()));
  fn.walk([&](func::ReturnOp ret) {
    b.setInsertionPoint(ret);
    Value status = hasStatus
                       ? ret.getOperand(0)
                       : b.create<arith::ConstantIntOp>(ret.getLoc(), 0, 32);
    b.create<func::ReturnOp>(ret.getLoc(), status);
    ret.erase();
  });
  fn->setAttr("adj.workspace_size", b.getI64IntegerAttr(size));
  // Names served the interface description; LLVM has no use for them.
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    fn.removeArgAttr(i, "adj.name");
  for (unsigned i = 0; i < fn.getNumResults(); ++i)
    fn.removeResultAttr(i, b.getStringAttr("adj.name"));

  // The size, queryable at run time.
  b.setInsertionPointAfter(fn);
  auto query = b.create<func::FuncOp>(
      fn.getLoc(), (fn.getSymName() + "_workspace_size").str(),
      FunctionType::get(ctx, {}, b.getI64Type()));
  b.setInsertionPointToStart(query.addEntryBlock());
  b.create<func::ReturnOp>(
      fn.getLoc(), b.create<arith::ConstantIntOp>(fn.getLoc(), size, 64)
                       .getResult());
  return success();
}

/// What the pass expects, for its errors about its input.
constexpr llvm::StringLiteral kExpects =
    "adj-export-c-abi expects bufferized functions whose results are "
    "caller-allocated out-parameters (memref arguments; no result, or only "
    "the i32 status of adj-check-numerics or adj-check-indices), and runs "
    "once: it is the last pass of adj-stage-bufferize "
    "(docs/reference/TransformsPasses.md)";

/// Fails, with an error at each function of `exported` the pass cannot
/// give its C ABI, when the module is not what the pass expects: it has
/// run before (a function has adj.workspace_size; it would add a second
/// workspace and a second @<f>_workspace_size), or it is not bufferized
/// (the function would keep its tensor results' attributes for one i32
/// result, which is invalid IR).
LogicalResult checkInput(ModuleOp module, ArrayRef<func::FuncOp> exported) {
  for (auto fn : module.getOps<func::FuncOp>())
    if (fn->hasAttr("adj.workspace_size"))
      return fn.emitError("@")
             << adjoint::adj::getSourceName(fn)
             << " already has its C ABI (adj.workspace_size): " << kExpects;
  bool anyError = false;
  for (func::FuncOp fn : exported) {
    FunctionType type = fn.getFunctionType();
    auto notMemRef = llvm::find_if(type.getInputs(),
                                   [](Type t) { return !isa<MemRefType>(t); });
    bool status = type.getNumResults() == 1 && type.getResult(0).isInteger(32);
    if (notMemRef == type.getInputs().end() &&
        (type.getNumResults() == 0 || status))
      continue;
    anyError = true;
    InFlightDiagnostic diag = fn.emitError("cannot give @")
                              << adjoint::adj::getSourceName(fn)
                              << " its C ABI: it ";
    if (notMemRef != type.getInputs().end())
      diag << "takes a " << *notMemRef;
    else
      diag << "returns " << type.getResults();
    diag << "; " << kExpects;
  }
  return failure(anyError);
}

struct AdjExportCAbiPass
    : public adjoint::impl::AdjExportCAbiBase<AdjExportCAbiPass> {
  using AdjExportCAbiBase::AdjExportCAbiBase;
  void runOnOperation() override {
    SmallVector<func::FuncOp> exported;
    for (auto fn : getOperation().getOps<func::FuncOp>())
      if (fn.isPublic() && !fn.isExternal())
        exported.push_back(fn);
    if (failed(checkInput(getOperation(), exported)))
      return signalPassFailure();
    for (func::FuncOp fn : exported)
      if (failed(exportFunction(fn, reuse, warnBytes)))
        return signalPassFailure();
  }
};

} // namespace
