//===- ParallelizeLoops.cpp - The adj-parallelize-loops pass --------------===//
//
// Part of the Adjoint project.
//
// Runs the large loop nests of bufferized functions on all threads: each
// linalg.generic at the top level of a function whose loop ranges hold at
// least two chunks of `chunk-work` iterations (an iteration of a body of
// n ops counts n / `ops-per-iteration`, at least 1) is split along one loop
// dimension into a fixed number of chunks, which an OpenMP worksharing loop
// hands out to the threads. For the value and gradient of chain (one loop
// over 2^20 elements reducing to the loss and writing the gradient):
//
//   linalg.generic {iterator_types = ["reduction"]}
//       ins(%x : memref<1048576xf32>) outs(%loss, %dx)
//
// becomes
//
//   %partial = memref.alloca() : memref<128xf32>
//   %n = llvm.call @adjoint_rt_num_threads() : () -> i32
//   omp.parallel num_threads(%n : i32) {
//     %acc = memref.alloca() : memref<f32>
//     omp.wsloop schedule(static) {
//       omp.loop_nest (%c) : index = (%c0) to (%c128) step (%c1) {
//         %acc = 0
//         linalg.generic ins(%x[8192 c, +8192]) outs(%acc, %dx[8192 c, +8192])
//         %partial[c] = %acc
//   }}}
//   linalg.generic ins(%partial) outs(%loss)       partials in chunk order
//
// 1. The split dimension is the outermost one (a batch) if the largest
//    output indexes it and the others are reductions over it (below), so
//    that each thread keeps the images the kernels give it. Else it is the
//    outermost one that every output indexes (a parallel dimension: chunks
//    write disjoint elements, and every element's reduction stays in one
//    chunk, in its order). If there is none, it is the outermost
//    dimension. The outputs that do not index the split dimension are
//    reductions over it: each chunk accumulates into a thread-local buffer
//    that starts at the combining op's neutral element and then goes to
//    the chunk's slot of a partial-results buffer on the stack; one loop
//    after the parallel region folds the slots into the output in chunk
//    order.
// 2. The chunks depend only on the loop nest: the number is the largest
//    power of two up to (work / chunk-work) and the split dimension's
//    extent (its extent / 64 if it is the innermost loop of several: each
//    chunk's inner loop must still vectorize), and the bounds split that
//    extent evenly. Which thread runs a
//    chunk never changes what it computes, so the results are bitwise the
//    same for any thread count.
// 3. The views and constants a chunk reads are cloned into the region, so
//    that the outlined function sees the workspace's views as offsets of
//    one pointer (their aliasing stays known to LLVM).
// 4. Each thread runs a contiguous run of chunks (a static schedule), the
//    rows that the loop before and the kernels' contiguous splits gave it.
//    The thread count is the kernel runtime's (lib/Runtime/kernels.c,
//    <prefix>_set_num_threads, else OMP_NUM_THREADS), read at each region.
//    One thread runs the same region (libomp runs it on the calling
//    thread): the chunks compiled once, for every thread count.
// 5. A body that reads linalg.index (pooling windows, their argmax and
//    scatter) gets the chunk's start added to the split dimension's index.
//
// With `threads=false` (-O0) the chunks run one after the other in an
// scf.for instead of the parallel region, and only loops with partial results
// are split: the partial sums keep a long sum accurate (a plain f32 sum of
// 2^20 values was 2e-4 off), and -O0 stays on one thread.
//
// A generic stays as it is if its ranges are not static, an operand uses
// the split dimension other than as one whole index, a reduction is not one
// op with a neutral element, or the partial results would take more than
// `max-partials` elements.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/Support/MathExtras.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJPARALLELIZELOOPS
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {

/// The fewest iterations of the innermost loop in a chunk split along it:
/// four 16-lane vectors (AVX-512 f32), the unroll of LLVM's vectorizer.
constexpr int64_t kInnerChunk = 64;

/// Where the chunked loop dimension `dim` appears in `map`: the result that
/// is exactly `dim`, std::nullopt if `dim` does not appear, failure if it
/// appears in any other way (an expression, or twice).
FailureOr<std::optional<unsigned>> resultOf(AffineMap map, unsigned dim) {
  std::optional<unsigned> found;
  for (auto [i, expr] : llvm::enumerate(map.getResults())) {
    if (!expr.isFunctionOfDim(dim))
      continue;
    auto bare = dyn_cast<AffineDimExpr>(expr);
    if (!bare || found)
      return failure();
    found = i;
  }
  return found;
}

/// A reduction output: its position among the outputs, the op combining the
/// accumulator with a value, and that op's neutral element.
struct Reduction {
  unsigned output;
  BlockArgument accumulator;
  Operation *combiner;
  TypedAttr neutral;
};

/// The plan for one generic: the dimension to split, in how many chunks,
/// and the outputs that need partial results.
struct Plan {
  unsigned dim;
  int64_t chunks;
  SmallVector<Reduction> reductions;
};

/// The iterations of `op`'s loop nest; 0 if its ranges are not static.
int64_t iterationsOf(linalg::LinalgOp op) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ranges.empty() || llvm::any_of(ranges, ShapedType::isDynamic) ||
      !op.hasPureBufferSemantics())
    return 0;
  int64_t iterations = 1;
  for (int64_t range : ranges)
    if (llvm::MulOverflow(iterations, range, iterations))
      return 0;
  return iterations;
}

/// The work of `op`'s loop nest in iterations of a plain loop: a body of
/// n ops counts as n / `opsPerIteration` of them (at least one). Math
/// functions are polynomials by now: a GRU's fused gates take 90 to 340
/// ops per element, 4096 of them as long as tens of thousands of
/// iterations of an add, yet they stayed on one thread (10 % of the GRU's
/// samples at 2 threads, the other thread waiting).
int64_t workOf(linalg::LinalgOp op, int64_t opsPerIteration) {
  int64_t ops = 0;
  op.getBlock()->walk([&](Operation *) { ++ops; });
  int64_t work;
  if (llvm::MulOverflow(iterationsOf(op),
                        std::max<int64_t>(1, ops / opsPerIteration), work))
    return std::numeric_limits<int64_t>::max();
  return work;
}

/// The plan for splitting `op` along `dim`: failure if an output that does
/// not index `dim` is not a reduction with a neutral element, or if fewer
/// than two chunks fit.
FailureOr<Plan> planAlong(linalg::GenericOp op, unsigned dim, int64_t chunkWork,
                          int64_t opsPerIteration, int64_t maxPartials) {
  int64_t iterations = iterationsOf(op);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  Plan plan{dim, 0, {}};
  int64_t slotElements = 0;
  Block *body = op.getBody();
  for (OpOperand &init : op.getDpsInitsMutable()) {
    if (*resultOf(op.getMatchingIndexingMap(&init), plan.dim))
      continue;
    unsigned output = init.getOperandNumber() - op.getNumDpsInputs();
    SmallVector<Operation *> combiners;
    SmallVector<BlockArgument> accumulators(
        body->getArguments().drop_front(op.getNumDpsInputs()));
    if (!matchReduction(accumulators, output, combiners) ||
        combiners.size() != 1)
      return failure();
    std::optional<TypedAttr> neutral = arith::getNeutralElement(combiners[0]);
    if (!neutral)
      return failure();
    slotElements += cast<MemRefType>(init.get().getType()).getNumElements();
    plan.reductions.push_back(
        {output, accumulators[output], combiners[0], *neutral});
  }

  int64_t chunks =
      std::min(workOf(op, opsPerIteration) / chunkWork, ranges[plan.dim]);
  // Split along the innermost loop, each chunk's inner loop must stay wide
  // enough to vectorize: a column sum beside a map over 1024 x 256 (a layer
  // norm's backward) in 32 chunks ran 8-element inner loops, scalar.
  if (plan.dim + 1 == ranges.size() && iterations > ranges[plan.dim])
    chunks = std::min(chunks, ranges[plan.dim] / kInnerChunk);
  if (slotElements)
    chunks = std::min(chunks, maxPartials / slotElements);
  if (chunks < 2)
    return failure();
  plan.chunks = llvm::bit_floor(uint64_t(chunks));
  return plan;
}

FailureOr<Plan> planFor(linalg::GenericOp op, int64_t chunkWork,
                        int64_t opsPerIteration, int64_t maxPartials) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  auto usable = [&](unsigned dim) {
    return llvm::all_of(op.getIndexingMapsArray(), [&](AffineMap map) {
      return succeeded(resultOf(map, dim));
    });
  };
  auto indexes = [&](OpOperand &init, unsigned dim) {
    return *resultOf(op.getMatchingIndexingMap(&init), dim) != std::nullopt;
  };
  auto indexedByAllOutputs = [&](unsigned dim) {
    return llvm::all_of(op.getDpsInitsMutable(),
                        [&](OpOperand &init) { return indexes(init, dim); });
  };
  // First the outermost dimension (a batch) when the largest output indexes
  // it, the others being reductions over it (partial results): then each
  // thread writes the rows of the batch that the kernels before and after
  // (image-major contiguous splits) give it. Split along channels, the
  // bias gradient and relu mask of a convolution's backward (reduction
  // over the images, parallel over the channels) had each thread read and
  // write half of every image: cache lines that the other core had just
  // written or would write next, ~4x slower to reach than its own on a VM
  // whose cores talk slowly (cnn's value and gradient, perf-cnn2t).
  OpOperand *largest = nullptr;
  for (OpOperand &init : op.getDpsInitsMutable())
    if (!largest ||
        cast<MemRefType>(init.get().getType()).getNumElements() >
            cast<MemRefType>(largest->get().getType()).getNumElements())
      largest = &init;
  if (largest && ranges.size() > 1 && ranges[0] > 1 && usable(0) &&
      indexes(*largest, 0) && !indexedByAllOutputs(0))
    if (FailureOr<Plan> plan =
            planAlong(op, 0, chunkWork, opsPerIteration, maxPartials);
        succeeded(plan))
      return plan;

  std::optional<unsigned> dim;
  for (unsigned d = 0; d < ranges.size() && !dim; ++d)
    if (ranges[d] > 1 && usable(d) && indexedByAllOutputs(d))
      dim = d;
  if (!dim) {
    for (unsigned d = 0; d < ranges.size() && !dim; ++d)
      if (ranges[d] > 1)
        dim = d;
    if (!dim || !usable(*dim))
      return failure();
  }
  return planAlong(op, *dim, chunkWork, opsPerIteration, maxPartials);
}

/// `adjoint_rt_num_threads`, declared in `module` if it is not yet.
LLVM::LLVMFuncOp numThreadsFunction(ModuleOp module) {
  StringRef name = "adjoint_rt_num_threads";
  if (auto fn = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return fn;
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto type = LLVM::LLVMFunctionType::get(b.getI32Type(), {});
  return b.create<LLVM::LLVMFuncOp>(module.getLoc(), name, type);
}

/// The loop that folds the partial results of `reduction` into `output`, one
/// chunk after the other.
void combine(OpBuilder &b, Location loc, Value partial, Value output,
             const Reduction &reduction) {
  auto outputType = cast<MemRefType>(output.getType());
  unsigned rank = outputType.getRank();
  MLIRContext *ctx = b.getContext();
  AffineMap all = AffineMap::getMultiDimIdentityMap(rank + 1, ctx);
  AffineMap dropChunk = all.dropResult(0);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.insert(iterators.begin(), utils::IteratorType::reduction);
  b.create<linalg::GenericOp>(
      loc, TypeRange(), ValueRange{partial}, ValueRange{output},
      ArrayRef<AffineMap>{all, dropChunk}, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        // acc = acc op partial, whichever side the accumulator was on.
        IRMapping mapping;
        for (Value operand : reduction.combiner->getOperands())
          mapping.map(operand,
                      operand == reduction.accumulator ? args[1] : args[0]);
        Operation *clone = nested.clone(*reduction.combiner, mapping);
        nested.create<linalg::YieldOp>(nestedLoc, clone->getResults());
      });
}

/// The view of chunk `chunk`'s slot in the partial results `partial`.
Value slotOf(OpBuilder &b, Location loc, Value partial, Value chunk) {
  auto type = cast<MemRefType>(partial.getType());
  ArrayRef<int64_t> shape = type.getShape().drop_front();
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  offsets[0] = chunk;
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1)};
  for (int64_t extent : shape)
    sizes.push_back(b.getIndexAttr(extent));
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  auto slotType =
      cast<MemRefType>(memref::SubViewOp::inferRankReducedResultType(
          shape, type, offsets, sizes, strides));
  return b.create<memref::SubViewOp>(loc, slotType, partial, offsets, sizes,
                                     strides);
}

/// Clones into the chunk, before `clone`, the views and constants it reads
/// that are defined outside the parallel region `region`. The outlined
/// region then receives the buffers, not pointers into them: LLVM sees the
/// workspace's views as one base pointer plus constant offsets and can tell
/// them apart (cnn's value and gradient: 3 % faster at one thread).
void sinkViews(linalg::GenericOp clone, Region &region, OpBuilder &b) {
  IRMapping mapping;
  std::function<Value(Value)> sunk = [&](Value v) -> Value {
    Operation *def = v.getDefiningOp();
    if (!def || region.isAncestor(def->getParentRegion()) ||
        !(isa<ViewLikeOpInterface>(def) || matchPattern(def, m_Constant())) ||
        !isMemoryEffectFree(def))
      return v;
    if (Value done = mapping.lookupOrNull(v))
      return done;
    for (Value operand : def->getOperands())
      mapping.map(operand, sunk(operand));
    b.clone(*def, mapping);
    return mapping.lookup(v);
  };
  b.setInsertionPoint(clone);
  clone->walk([&](Operation *op) {
    for (OpOperand &use : op->getOpOperands())
      use.set(sunk(use.get()));
  });
}

/// Runs the chunks of `op` as `plan` says: on the threads, or, without
/// `numThreads`, one after the other on the calling thread.
void parallelize(linalg::GenericOp op, const Plan &plan,
                 LLVM::LLVMFuncOp numThreads) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  int64_t extent = op.getStaticLoopRanges()[plan.dim];

  // One slot of partial results per chunk and reduction.
  SmallVector<Value> partials;
  for (const Reduction &reduction : plan.reductions) {
    auto type = cast<MemRefType>(op.getDpsInits()[reduction.output].getType());
    SmallVector<int64_t> shape = {plan.chunks};
    llvm::append_range(shape, type.getShape());
    partials.push_back(b.create<memref::AllocaOp>(
        loc, MemRefType::get(shape, type.getElementType())));
  }

  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  Value count = b.create<arith::ConstantIndexOp>(loc, plan.chunks);
  // Every thread count runs the loop in the region, one thread too: the
  // same compiled chunks then compute the same numbers. A copy of the loop
  // for one thread, outside any region, spared libomp's call (the GRU's
  // value and gradient took 2 % longer at 1 thread with its gate loops in
  // regions), but LLVM vectorized a reduction of that copy differently
  // from the region's: a transformer encoder's layer-norm gradients
  // differed in the last bits between 1 and 2 threads.
  // The accumulators of a thread's chunks: each chunk accumulates in its
  // own buffer, not in the slot: it is a register after LLVM's SROA, which
  // lets the loop vectorize.
  auto accumulatorsAt = [&](OpBuilder &b) {
    SmallVector<Value> accumulators;
    for (const Reduction &reduction : plan.reductions) {
      auto type =
          cast<MemRefType>(op.getDpsInits()[reduction.output].getType());
      accumulators.push_back(b.create<memref::AllocaOp>(
          loc, MemRefType::get(type.getShape(), type.getElementType())));
    }
    return accumulators;
  };
  // Emits chunk `chunk` of the loop at b's insertion point, inside `region`.
  auto emitChunk = [&](OpBuilder &b, Value chunk, ArrayRef<Value> accumulators,
                       Region &region) {
    // Chunk c covers [c * extent / chunks, (c + 1) * extent / chunks).
    OpFoldResult lower, size;
    if (extent % plan.chunks == 0) {
      int64_t step = extent / plan.chunks;
      lower = b.create<arith::MulIOp>(
                   loc, chunk, b.create<arith::ConstantIndexOp>(loc, step))
                  .getResult();
      size = b.getIndexAttr(step);
    } else {
      Value extentValue = b.create<arith::ConstantIndexOp>(loc, extent);
      auto bound = [&](Value c) -> Value {
        return b.create<arith::DivUIOp>(
            loc, b.create<arith::MulIOp>(loc, c, extentValue), count);
      };
      Value low = bound(chunk);
      Value high = bound(b.create<arith::AddIOp>(loc, chunk, one));
      lower = low;
      size = b.create<arith::SubIOp>(loc, high, low).getResult();
    }

    for (auto [reduction, accumulator] :
         llvm::zip(plan.reductions, accumulators))
      b.create<linalg::FillOp>(
          loc, b.create<arith::ConstantOp>(loc, reduction.neutral).getResult(),
          accumulator);
    auto clone = cast<linalg::GenericOp>(b.clone(*op));
    for (auto [reduction, accumulator] :
         llvm::zip(plan.reductions, accumulators))
      clone.getDpsInitsMutable()[reduction.output].set(accumulator);
    for (auto [reduction, partial, accumulator] :
         llvm::zip(plan.reductions, partials, accumulators))
      b.create<linalg::CopyOp>(loc, accumulator,
                               slotOf(b, loc, partial, chunk));

    sinkViews(clone, region, b);
    b.setInsertionPoint(clone);
    for (OpOperand &operand : clone->getOpOperands()) {
      std::optional<unsigned> result =
          *resultOf(clone.getMatchingIndexingMap(&operand), plan.dim);
      if (!result)
        continue;
      unsigned rank = cast<MemRefType>(operand.get().getType()).getRank();
      SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes =
          memref::getMixedSizes(b, loc, operand.get());
      SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
      offsets[*result] = lower;
      sizes[*result] = size;
      operand.set(b.create<memref::SubViewOp>(loc, operand.get(), offsets,
                                              sizes, strides));
    }
    // linalg.index counts from the chunk's start: add the start.
    clone.getBody()->walk([&](linalg::IndexOp index) {
      if (index.getDim() != plan.dim)
        return;
      OpBuilder after(index);
      after.setInsertionPointAfter(index);
      Value shifted = after.create<arith::AddIOp>(
          loc, index, getValueOrCreateConstantIndexOp(after, loc, lower));
      index.getResult().replaceAllUsesExcept(shifted, shifted.getDefiningOp());
    });
  };
  auto combineAll = [&] {
    for (auto [reduction, partial] : llvm::zip(plan.reductions, partials))
      combine(b, loc, partial, op.getDpsInits()[reduction.output], reduction);
    op.erase();
  };
  if (!numThreads) {
    SmallVector<Value> accumulators = accumulatorsAt(b);
    auto loop = b.create<scf::ForOp>(loc, zero, count, one);
    b.setInsertionPointToStart(loop.getBody());
    emitChunk(b, loop.getInductionVar(), accumulators, loop.getRegion());
    b.setInsertionPointAfter(loop);
    return combineAll();
  }
  Value threads =
      b.create<LLVM::CallOp>(loc, numThreads, ValueRange()).getResult();
  auto parallel = b.create<omp::ParallelOp>(loc);
  parallel.getNumThreadsVarMutable().assign(threads);
  b.createBlock(&parallel.getRegion());
  SmallVector<Value> accumulators = accumulatorsAt(b);
  auto wsloop = b.create<omp::WsloopOp>(loc);
  // Each thread takes a contiguous run of chunks: the same rows as in the
  // loop before and in the kernels' GEMMs and convolutions (contiguous
  // splits too), so the data a thread reads is mostly in its own core's
  // cache. Handed out dynamically, chunks went to either thread: at 2
  // threads chain's value and gradient took 0.30 ms instead of 0.28 on an
  // otherwise idle core, 0.68 instead of 0.28 on a loaded machine.
  wsloop.setScheduleVal(omp::ClauseScheduleKind::Static);
  b.create<omp::TerminatorOp>(loc);
  b.createBlock(&wsloop.getRegion());
  auto loop = b.create<omp::LoopNestOp>(loc, ValueRange{zero},
                                        ValueRange{count}, ValueRange{one});
  b.create<omp::TerminatorOp>(loc);
  Block *chunkBody =
      b.createBlock(&loop.getRegion(), {}, {b.getIndexType()}, {loc});
  Value chunk = chunkBody->getArgument(0);
  b.create<omp::YieldOp>(loc);
  b.setInsertionPointToStart(chunkBody);

  emitChunk(b, chunk, accumulators, parallel.getRegion());
  b.setInsertionPointAfter(parallel);
  combineAll();
}

struct ParallelizeLoops
    : public adjoint::impl::AdjParallelizeLoopsBase<ParallelizeLoops> {
  using AdjParallelizeLoopsBase::AdjParallelizeLoopsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (chunkWork < 1 || opsPerIteration < 1) {
      module.emitError("adj-parallelize-loops: chunk-work and "
                       "ops-per-iteration must be at least 1, not ")
          << static_cast<int64_t>(chunkWork) << " and "
          << static_cast<int64_t>(opsPerIteration);
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    SmallVector<std::pair<linalg::GenericOp, Plan>> work;
    for (auto fn : module.getOps<func::FuncOp>())
      for (Block &block : fn.getBody())
        for (Operation &op : llvm::make_early_inc_range(block)) {
          auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
          if (!linalgOp || workOf(linalgOp, opsPerIteration) < 2 * chunkWork)
            continue;
          // Large named ops left (copies, fills, pooling) are loops too.
          auto generic = dyn_cast<linalg::GenericOp>(op);
          if (!generic) {
            rewriter.setInsertionPoint(&op);
            FailureOr<linalg::GenericOp> generalized =
                linalg::generalizeNamedOp(rewriter, linalgOp);
            if (failed(generalized))
              continue;
            generic = *generalized;
          }
          // One thread gains nothing from splitting a loop without partial
          // results.
          if (FailureOr<Plan> plan =
                  planFor(generic, chunkWork, opsPerIteration, maxPartials);
              succeeded(plan) && (threads || !plan->reductions.empty()))
            work.push_back({generic, std::move(*plan)});
        }
    if (work.empty())
      return;
    LLVM::LLVMFuncOp numThreads =
        threads ? numThreadsFunction(module) : nullptr;
    for (auto &[op, plan] : work)
      parallelize(op, plan, numThreads);
  }
};

} // namespace
