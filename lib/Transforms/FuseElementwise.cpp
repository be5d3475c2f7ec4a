//===- FuseElementwise.cpp - The adj-fuse-elementwise pass ----------------===//
//
// Part of the Adjoint project.
//
// Fuses the elementwise and reduction linalg ops of a function (on tensors)
// into as few loop nests as possible, so intermediate values live in
// registers instead of buffers. Contractions and convolutions are left alone:
// they get kernels of their own.
//
// 1. A matmul of a transposed operand becomes a matmul_transpose_a/_b of the
//    untransposed one: the backward pass of `x W` multiplies by W^T and x^T,
//    which the kernels read strided instead of as copies. A transpose still
//    read only by kernels (a matmul with both operands transposed, the
//    weight gradient of a convolution: the convolution of x^T and dy^T)
//    stays named for adj-lower-to-kernels to fold into the kernel's
//    strides; fusing its producer into it would recompute the producer in
//    transposed order (a ReLU mask and a pooling scatter, once for each
//    reader). A transposed product with a transposed operand is the product
//    of the swapped operands, (a^T b)^T = b^T a. A sum of two products
//    becomes one product accumulated into the other. A product over a
//    reduced dimension of extent 1 (an outer product) becomes an
//    elementwise multiplication.
// 2. Generalize the other named ops (linalg.reduce, map, broadcast,
//    transpose, copy) into linalg.generic. NCHW max pooling too, with the
//    loop along the output row innermost (see generalizePooling).
// 3. Producer-consumer fusion: an all-parallel generic is fused into each
//    generic consumer that reads its result once per point of its domain
//    (the consumer's indexing map of the operand is a permutation), even
//    when the producer has other users: its computation is then repeated in
//    each consumer, until step 4 merges the consumers. Except when a user
//    before the consumer needs the result stored (a kernel): the consumer
//    then loads it instead of computing it again. Nor when the value is
//    tested for equality (a max's tie mask), or when producer and consumer
//    bodies together exceed 64 ops (a recurrence would be copied whole into
//    each step). Nor a max pooling scatter that adj-lower-to-kernels
//    replaces by a runtime call (kMaxPoolScatterKernelAttr).
// 4. Sibling fusion: two generics of one block with the same loop ranges that
//    read a common tensor through the same indexing map, neither using the
//    other's results, become one generic that yields both ops' results.
//    A loop dimension is a reduction if it is one in either op. This is what
//    computes the loss (a reduction) and the gradient (a map) of an
//    elementwise chain in one loop. The merged op stands where the second
//    did, or, if an op in between uses the first's results, where the first
//    did when everything the second reads is available there. Two ops that
//    both reduce merge only over the same dimensions: a batch norm's
//    backward sums, Σ dy and Σ dy·x̂ per channel, read x̂ and the ReLU mask
//    once instead of twice, and the buffers' alias scopes let LLVM keep
//    both accumulators in registers.
// 5. The innermost reduction dimensions of a generic that are adjacent in
//    every operand become one loop dimension (a batch norm's per-channel
//    sums over N, H, W reduce H and W as one loop of H·W), on collapsed
//    views of the operands.
// 6. The trailing dimensions of an all-parallel generic whose rows are not
//    whole 8-element vectors, as far as every operand reads them
//    contiguously or not at all, become one loop dimension (an elementwise
//    map of N x C x 11 x 11 planes runs along each plane, or along all of
//    them), on collapsed views: one masked vector per plane instead of one
//    per row.
//
// The canonicalizer and CSE that follow drop the duplicated inputs and the
// computation repeated by steps 3 and 4.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "adjoint/Conversion/AdjToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/RegionUtils.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJFUSEELEMENTWISE
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {

bool isKernelOp(linalg::LinalgOp op) {
  return linalg::isaContractionOpInterface(op) ||
         linalg::isaConvolutionOpInterface(op);
}

/// The input of `v`'s producer if it is a transpose swapping the last two
/// dimensions of a rank-`rank` tensor.
Value transposedFrom(Value v, unsigned rank) {
  auto transpose = v.getDefiningOp<linalg::TransposeOp>();
  if (!transpose)
    return {};
  SmallVector<int64_t> swapped = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(swapped[rank - 2], swapped[rank - 1]);
  return transpose.getPermutation() == ArrayRef(swapped) ? transpose.getInput()
                                                         : Value();
}

/// Step 1: `op` (a matmul or batch_matmul) with its transposed lhs, else its
/// transposed rhs, read in place by the transposed variant of `op`.
template <typename Op, typename OpTA, typename OpTB>
void foldTranspose(RewriterBase &rewriter, Op op, unsigned rank) {
  Value lhs = op.getInputs()[0], rhs = op.getInputs()[1];
  Value out = op.getOutputs()[0];
  rewriter.setInsertionPoint(op);
  if (Value a = transposedFrom(lhs, rank))
    rewriter.replaceOpWithNewOp<OpTA>(op, out.getType(), ValueRange{a, rhs},
                                      out);
  else if (Value b = transposedFrom(rhs, rank))
    rewriter.replaceOpWithNewOp<OpTB>(op, out.getType(), ValueRange{lhs, b},
                                      out);
}

/// Whether `v` is the result of a linalg.fill of zero.
bool isZeroFill(Value v) {
  auto fill = v.getDefiningOp<linalg::FillOp>();
  return fill && matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
}

/// Step 1: a transpose (of the last two dimensions) of a product with a
/// transposed operand, (a^T b)^T = b^T a and (a b^T)^T = b a^T, becomes the
/// product of the swapped operands, written in the transposed order: the
/// gradient of a product with a transposed operand (attention's
/// d(K^T) = Q^T dS, then dK = d(K^T)^T) needs no transposed copy.
void foldTransposedProduct(RewriterBase &rewriter, linalg::TransposeOp op) {
  Operation *product = op.getInput().getDefiningOp();
  if (!product || !product->hasOneUse() ||
      !isa<linalg::MatmulTransposeAOp, linalg::MatmulTransposeBOp,
           linalg::BatchMatmulTransposeAOp, linalg::BatchMatmulTransposeBOp>(
          product))
    return;
  auto linalgOp = cast<linalg::LinalgOp>(product);
  Value zero = linalgOp.getDpsInits()[0];
  // The clone below keeps the body, whose arguments are typed in operand
  // order: swapping operands of two element types would break it.
  Value lhs = linalgOp.getDpsInputs()[0], rhs = linalgOp.getDpsInputs()[1];
  if (getElementTypeOrSelf(lhs) != getElementTypeOrSelf(rhs))
    return;
  if (!linalgOp.hasPureTensorSemantics() || !isZeroFill(zero) ||
      transposedFrom(op->getResult(0), op.getPermutation().size()) !=
          op.getInput())
    return;
  rewriter.setInsertionPoint(op);
  Value init =
      rewriter
          .create<linalg::FillOp>(
              zero.getLoc(),
              zero.getDefiningOp<linalg::FillOp>().getInputs()[0], op.getInit())
          .getResult(0);
  Operation *swapped = rewriter.clone(*product);
  swapped->setOperands({rhs, lhs, init});
  swapped->getResult(0).setType(init.getType());
  rewriter.replaceOp(op, swapped->getResults());
  rewriter.eraseOp(product);
}

/// The matmul or batch_matmul (any variant) whose single use `v` is, seen
/// through an expand_shape of that single use (a batch of rows multiplied as
/// one matrix); null otherwise.
linalg::LinalgOp productOf(Value v) {
  if (auto expand = v.getDefiningOp<tensor::ExpandShapeOp>())
    if (expand->hasOneUse())
      v = expand.getSrc();
  auto op = v.getDefiningOp<linalg::LinalgOp>();
  if (!op || !v.hasOneUse() || !op.hasPureTensorSemantics() ||
      !isa<linalg::MatmulOp, linalg::MatmulTransposeAOp,
           linalg::MatmulTransposeBOp, linalg::BatchMatmulOp,
           linalg::BatchMatmulTransposeAOp, linalg::BatchMatmulTransposeBOp>(
          op))
    return {};
  return op;
}

/// Whether `op` is an elementwise addition of its two inputs, all operands
/// read at the same point.
bool isElementwiseAdd(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return false;
  Block &body = op.getRegion().front();
  auto add = dyn_cast<arith::AddFOp>(body.front());
  return add && body.getTerminator()->getOperand(0) == add.getResult() &&
         llvm::is_contained(add->getOperands(), body.getArgument(0)) &&
         llvm::is_contained(add->getOperands(), body.getArgument(1)) &&
         &body.front() == body.getTerminator()->getPrevNode();
}

/// Step 1: the sum of two products, p + q (a gradient that reaches a value
/// through several matmuls, attention's dX = dQ Wq^T + dK Wk^T + dV Wv^T),
/// becomes one product accumulated into the other: the kernel adds q into
/// p's output in place of zeros, and neither a second buffer nor a loop
/// reading both is left. q must be a product's result too (stored anyway):
/// accumulating into a tensor computed by a loop would store what fusion
/// would have kept in registers.
void accumulateProducts(RewriterBase &rewriter, linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || !isElementwiseAdd(op))
    return;
  for (auto [p, q] : {std::pair{0, 1}, std::pair{1, 0}}) {
    Value sum = op.getInputs()[p], other = op.getInputs()[q];
    linalg::LinalgOp product = productOf(sum);
    if (!product || !productOf(other) || !isZeroFill(product.getDpsInits()[0]))
      continue;
    rewriter.setInsertionPoint(op);
    auto expand = sum.getDefiningOp<tensor::ExpandShapeOp>();
    Value init = other;
    if (expand)
      init = rewriter.create<tensor::CollapseShapeOp>(
          op.getLoc(), other, expand.getReassociationIndices());
    Operation *accumulated = rewriter.clone(*product);
    cast<DestinationStyleOpInterface>(accumulated)
        .getDpsInitsMutable()[0]
        .set(init);
    Value result = accumulated->getResult(0);
    if (expand)
      result = rewriter.create<tensor::ExpandShapeOp>(
          op.getLoc(), sum.getType(), result, expand.getReassociationIndices());
    rewriter.replaceOp(op, result);
    if (expand)
      rewriter.eraseOp(expand);
    rewriter.eraseOp(product);
    return;
  }
}

/// Step 1: a product whose reduced dimension has extent 1 (an outer
/// product: the weight gradient of a layer fed one example, x^T dz)
/// becomes an elementwise multiplication, out = a b (out + a b when it
/// accumulates into something other than zeros), which the code generator
/// vectorizes in place instead of calling a kernel, and which fusion may
/// merge with its readers. mlp-small makes four such products per call.
void multiplyOuterProduct(RewriterBase &rewriter, linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumReductionLoops() != 1 ||
      !isa<linalg::MatmulOp, linalg::MatmulTransposeAOp,
           linalg::MatmulTransposeBOp, linalg::BatchMatmulOp,
           linalg::BatchMatmulTransposeAOp, linalg::BatchMatmulTransposeBOp>(
          op))
    return;
  SmallVector<unsigned> reductions;
  op.getReductionDims(reductions);
  if (op.getStaticLoopRanges()[reductions[0]] != 1)
    return;
  Type type = getElementTypeOrSelf(op->getResult(0));
  if (!isa<FloatType>(type) || llvm::any_of(op.getDpsInputs(), [&](Value v) {
        return getElementTypeOrSelf(v) != type;
      }))
    return;
  llvm::SmallBitVector reduced(op.getNumLoops());
  reduced.set(reductions[0]);
  SmallVector<AffineMap> maps =
      llvm::map_to_vector(op.getIndexingMapsArray(), [&](AffineMap map) {
        return projectDims(map, reduced, /*compressDimsFlag=*/true);
      });
  Value init = op.getDpsInits()[0];
  bool accumulate = !isZeroFill(init);
  rewriter.setInsertionPoint(op);
  if (!accumulate)
    init = rewriter.create<tensor::EmptyOp>(
        op.getLoc(), tensor::getMixedSizes(rewriter, op.getLoc(), init), type);
  SmallVector<utils::IteratorType> parallel(op.getNumLoops() - 1,
                                            utils::IteratorType::parallel);
  rewriter.replaceOpWithNewOp<linalg::GenericOp>(
      op, init.getType(), op.getDpsInputs(), init, maps, parallel,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value product = b.create<arith::MulFOp>(loc, args[0], args[1]);
        if (accumulate)
          product = b.create<arith::AddFOp>(loc, args[2], product);
        b.create<linalg::YieldOp>(loc, product);
      });
}

/// Whether adj-lower-to-kernels will read `op`'s result as a strided view of
/// its input: every user is an op it calls a kernel for.
bool feedsOnlyKernels(linalg::LinalgOp op) {
  return isa<linalg::TransposeOp>(op) && !op->use_empty() &&
         llvm::all_of(op->getUsers(), [](Operation *user) {
           return isa<linalg::MatmulOp, linalg::MatmulTransposeAOp,
                      linalg::MatmulTransposeBOp, linalg::BatchMatmulOp,
                      linalg::BatchMatmulTransposeAOp,
                      linalg::BatchMatmulTransposeBOp,
                      linalg::Conv2DNchwFchwOp>(user);
         });
}

/// Whether `use` reads a value at a point before `consumer`'s that is not
/// a place the value could be fused into: a kernel, a return, a reshape, a
/// broadcasting read, or an op in another block. The value is then stored
/// whatever the consumer does.
bool storedBefore(OpOperand &use, Operation *consumer) {
  Operation *user = use.getOwner();
  if (user == consumer)
    return false;
  if (user->getBlock() != consumer->getBlock())
    return true;
  auto generic = dyn_cast<linalg::GenericOp>(user);
  bool fusible =
      generic && generic.getMatchingIndexingMap(&use).isPermutation();
  return !fusible && user->isBeforeInBlock(consumer);
}

/// Whether `op` computes a transcendental (a math op other than those of
/// one instruction: exp, tanh, log, ...), which costs more to compute again
/// than to store and load.
bool isCostly(linalg::GenericOp op) {
  return op.getRegion()
      .walk([](Operation *inner) {
        return isa<math::MathDialect>(inner->getDialect()) &&
                       !isa<math::AbsFOp, math::CopySignOp, math::FmaOp,
                            math::FloorOp, math::CeilOp, math::RoundOp,
                            math::RoundEvenOp, math::TruncOp, math::SqrtOp>(
                           inner)
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
      .wasInterrupted();
}

/// Step 3, first: a map computing a transcendental that a reduction reads,
/// and a later op reads together with the reduction's result (softmax's
/// e = exp(x - max), then Σ e, then e / Σ e) is fused into the reduction,
/// which also stores it for the later reader. Fusing it into each reader
/// would compute it once per reader: the two cannot be merged, as one needs
/// the other's result.
void storeForLaterReader(RewriterBase &rewriter, linalg::GenericOp producer) {
  if (!producer.hasPureTensorSemantics() || producer->getNumResults() != 1 ||
      producer.getNumReductionLoops() || !isCostly(producer))
    return;
  Value value = producer->getResult(0);
  Operation *first = nullptr;
  for (Operation *user : value.getUsers()) {
    if (user->getBlock() != producer->getBlock())
      return;
    if (!first || user->isBeforeInBlock(first))
      first = user;
  }
  auto reduction = dyn_cast_or_null<linalg::GenericOp>(first);
  if (!reduction || !reduction.getNumReductionLoops() ||
      llvm::none_of(value.getUsers(), [&](Operation *user) {
        return llvm::is_contained(user->getOperands(), reduction->getResult(0));
      }))
    return;
  // Read once: fusion keeps a second read as an input, which the
  // replacement below would turn into a read of the fused op's own result.
  if (llvm::count(reduction->getOperands(), value) != 1)
    return;
  OpOperand *operand =
      llvm::find_if(reduction->getOpOperands(),
                    [&](OpOperand &o) { return o.get() == value; });
  if (!linalg::areElementwiseOpsFusable(operand))
    return;
  rewriter.setInsertionPoint(reduction);
  FailureOr<linalg::ElementwiseOpFusionResult> fused =
      linalg::fuseElementwiseOps(rewriter, operand);
  if (failed(fused))
    return;
  for (auto [from, to] : fused->replacements)
    rewriter.replaceAllUsesWith(from, to);
  rewriter.eraseOp(reduction);
  rewriter.eraseOp(producer);
}

/// Whether `op` is a floating-point comparison for equality or inequality.
bool isEqualityTest(Operation *op) {
  auto cmp = dyn_cast<arith::CmpFOp>(op);
  if (!cmp)
    return false;
  arith::CmpFPredicate p = cmp.getPredicate();
  return p == arith::CmpFPredicate::OEQ || p == arith::CmpFPredicate::UEQ ||
         p == arith::CmpFPredicate::ONE || p == arith::CmpFPredicate::UNE;
}

/// The most ops (yields included) in the bodies of a producer that fusion
/// copies into a consumer, while others read it too, and of the consumer.
constexpr size_t kMaxCopiedOps = 64;

/// Step 3's control: the consumer must not read one producer value at many
/// points (a broadcast), which would repeat the producer's work per point;
/// nor recompute a producer whose results are stored anyway for an earlier
/// reader (the forward pass's tanh for a matmul, which the backward pass's
/// 1 - tanh^2 would evaluate again): loading a result costs less than
/// computing it again; nor copy a value that is tested for equality.
///
/// The greedy driver asks this for every operand of a consumer each time it
/// visits it, and visits a consumer again after each fusion into it: a
/// fused op has dozens of operands whose producers were refused before.
/// What the answer needs of a body (its size, whether it tests for
/// equality) is therefore kept per generic, and dropped, as a listener of
/// the driver, for each op the driver changes and the ops around it.
class FusionControl : public RewriterBase::Listener {
public:
  bool shouldFuse(OpOperand *operand);

  void notifyOperationInserted(Operation *op, OpBuilder::InsertPoint) override {
    drop(op);
  }
  void notifyOperationModified(Operation *op) override { drop(op); }
  void notifyOperationErased(Operation *op) override { drop(op); }
  void notifyBlockInserted(Block *block, Region *, Region::iterator) override {
    drop(block->getParentOp());
  }
  void notifyBlockErased(Block *block) override { drop(block->getParentOp()); }

private:
  struct BodyFacts {
    size_t numOps = 0;
    bool testsForEquality = false;
  };

  const BodyFacts &facts(linalg::GenericOp op);
  bool testedForEquality(OpOperand &use);
  void drop(Operation *op) {
    for (; op; op = op->getParentOp())
      cache.erase(op);
  }

  DenseMap<Operation *, BodyFacts> cache;
};

const FusionControl::BodyFacts &FusionControl::facts(linalg::GenericOp op) {
  auto [it, inserted] = cache.try_emplace(op);
  if (inserted)
    for (Operation &inner : *op.getBody()) {
      ++it->second.numOps;
      it->second.testsForEquality |= isEqualityTest(&inner);
    }
  return it->second;
}

/// Whether the generic reading `use` compares the value for equality,
/// directly or through values computed from it (the max rule's tie mask,
/// x == max(x)). Such a value must be computed once: copies of it made by
/// fusion can differ in the last bit (a vectorized tanh against a scalar
/// one, a division that LLVM turns into a reciprocal in one loop only),
/// and a mask that then matches no element of a window divides 0 by 0.
bool FusionControl::testedForEquality(OpOperand &use) {
  auto generic = dyn_cast<linalg::GenericOp>(use.getOwner());
  if (!generic || !facts(generic).testsForEquality)
    return false;
  SmallVector<Value> worklist{generic.getMatchingBlockArgument(&use)};
  DenseSet<Value> seen;
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    for (Operation *user : v.getUsers()) {
      if (isEqualityTest(user))
        return true;
      llvm::append_range(worklist, user->getResults());
    }
  }
  return false;
}

bool FusionControl::shouldFuse(OpOperand *operand) {
  auto consumer = dyn_cast<linalg::GenericOp>(operand->getOwner());
  if (!consumer || !consumer.getMatchingIndexingMap(operand).isPermutation())
    return false;
  Operation *producer = operand->get().getDefiningOp();
  // A max pooling scatter becomes a runtime kernel call
  // (adj-lower-to-kernels). The forward pooling is fused as any generic:
  // into a mean over the windows (resconv) it costs less than the kernel's
  // store and the mean's loads.
  if (producer && producer->hasAttr(adjoint::kMaxPoolScatterKernelAttr))
    return false;
  // A producer with other users is copied. Past a few dozen ops, storing
  // it costs less than computing it again; and a recurrence (an LSTM's
  // cell state c_t = f c_{t-1} + i g, each step read by several ops) would
  // otherwise be copied, step by step, whole into each later step: the
  // fused bodies, and compile time, grew exponentially with the steps.
  auto generic = dyn_cast_or_null<linalg::GenericOp>(producer);
  if (generic && !generic->hasOneUse() &&
      facts(generic).numOps + facts(consumer).numOps > kMaxCopiedOps)
    return false;
  return !producer || llvm::none_of(producer->getUses(), [&](OpOperand &use) {
    return storedBefore(use, consumer) || testedForEquality(use);
  });
}

/// Whether some op between `first` and `second` (same block, first before
/// second) uses a result of `first`.
bool usedBefore(Operation *first, Operation *second) {
  for (Operation *user : first->getUsers()) {
    Operation *ancestor = first->getBlock()->findAncestorOpInBlock(*user);
    if (ancestor && ancestor->isBeforeInBlock(second))
      return true;
  }
  return false;
}

/// Whether `v`, used by an op of `op`'s block, is available at `op`: a block
/// argument, defined in an enclosing block, or by an op before `op`.
bool definedBefore(Value v, Operation *op) {
  Operation *def = v.getDefiningOp();
  return !def || def->getBlock() != op->getBlock() || def->isBeforeInBlock(op);
}

/// Where the generic that merges `first` and `second` can go: at `second`
/// if no op before it uses `first`, else at `first` if `second`'s operands
/// are all available there (a row sum whose result is used at once, and a
/// later map of the same tensor). Null if the two cannot be merged.
Operation *mergePoint(linalg::GenericOp first, linalg::GenericOp second) {
  if (!first.hasPureTensorSemantics() || !second.hasPureTensorSemantics() ||
      first.getNumLoops() != second.getNumLoops())
    return nullptr;
  // Merging pays when both read a tensor the same way. Tested before the
  // loop ranges, which cost more to compute.
  bool shared = llvm::any_of(first.getDpsInputOperands(), [&](OpOperand *a) {
    return llvm::any_of(second.getDpsInputOperands(), [&](OpOperand *b) {
      return a->get() == b->get() && first.getMatchingIndexingMap(a) ==
                                         second.getMatchingIndexingMap(b);
    });
  });
  if (!shared)
    return nullptr;
  SmallVector<int64_t> ranges = first.getStaticLoopRanges();
  if (ranges != second.getStaticLoopRanges() ||
      llvm::any_of(ranges, ShapedType::isDynamic))
    return nullptr;
  // Two reductions merge only over the same dimensions: a row sum and a
  // column sum in one nest would make one of them strided. Over the same
  // ones, the alias scopes of adj-buffer-alias-scopes tell LLVM that the
  // accumulators do not alias, and it keeps both in vector registers
  // (without them, ffn's merged layer-norm row sums were a scalar loop).
  if (first.getNumReductionLoops() && second.getNumReductionLoops() &&
      first.getIteratorTypesArray() != second.getIteratorTypesArray())
    return nullptr;
  // What second reads: its operands, and values its body uses from above
  // (a tensor.extract of a gather).
  SetVector<Value> used(second->getOperands().begin(),
                        second->getOperands().end());
  getUsedValuesDefinedAbove(second.getRegion(), used);
  if (llvm::any_of(used, [&](Value v) { return v.getDefiningOp() == first; }))
    return nullptr;
  if (!usedBefore(first, second))
    return second;
  if (llvm::all_of(used, [&](Value v) { return definedBefore(v, first); }))
    return first;
  return nullptr;
}

/// Replaces `first` and `second` by one generic at `at`, and returns it.
linalg::GenericOp mergeSiblings(RewriterBase &rewriter, linalg::GenericOp first,
                                linalg::GenericOp second, Operation *at) {
  SmallVector<Value> inputs(first.getInputs());
  llvm::append_range(inputs, second.getInputs());
  SmallVector<Value> inits(first.getOutputs());
  llvm::append_range(inits, second.getOutputs());
  SmallVector<AffineMap> maps;
  for (auto [op, ins] : {std::pair{first, true}, std::pair{second, true},
                         std::pair{first, false}, std::pair{second, false}})
    for (OpOperand &operand : op->getOpOperands())
      if (op.isDpsInput(&operand) == ins)
        maps.push_back(op.getMatchingIndexingMap(&operand));
  SmallVector<utils::IteratorType> iterators = first.getIteratorTypesArray();
  for (auto [i, type] : llvm::enumerate(second.getIteratorTypesArray()))
    if (type == utils::IteratorType::reduction)
      iterators[i] = type;
  SmallVector<Type> resultTypes(first->getResultTypes());
  llvm::append_range(resultTypes, second->getResultTypes());

  rewriter.setInsertionPoint(at);
  auto merged = rewriter.create<linalg::GenericOp>(
      rewriter.getFusedLoc({first.getLoc(), second.getLoc()}), resultTypes,
      inputs, inits, maps, iterators);
  Block *body = rewriter.createBlock(&merged.getRegion());
  for (Value operand : merged->getOperands())
    body->addArgument(getElementTypeOrSelf(operand.getType()), merged.getLoc());
  // Block arguments: first's inputs, second's inputs, first's outputs,
  // second's outputs.
  SmallVector<Value> yields;
  unsigned inputOffset = 0, outputOffset = inputs.size();
  for (linalg::GenericOp op : {first, second}) {
    IRMapping mapping;
    Block &old = op.getRegion().front();
    unsigned numIns = op.getNumDpsInputs();
    for (auto [j, arg] : llvm::enumerate(old.getArguments()))
      mapping.map(arg,
                  body->getArgument(j < numIns ? inputOffset + j
                                               : outputOffset + j - numIns));
    inputOffset += numIns;
    outputOffset += op.getNumDpsInits();
    for (Operation &inner : old.without_terminator())
      rewriter.clone(inner, mapping);
    for (Value v : old.getTerminator()->getOperands())
      yields.push_back(mapping.lookupOrDefault(v));
  }
  rewriter.create<linalg::YieldOp>(merged.getLoc(), yields);
  unsigned n = first->getNumResults();
  rewriter.replaceOp(first, merged->getResults().take_front(n));
  rewriter.replaceOp(second, merged->getResults().drop_front(n));
  return merged;
}

/// Step 4 over `block`: merges the first pair of siblings, in the order of
/// the second op then of the first, until none is left; false if there was
/// none. A merge changes the pairs of the merged op only, so the search
/// goes on with it instead of from the start of the block; and only ops
/// reading one of the second's inputs are candidates. Restarting from the
/// start and testing every pair made a long unrolled recurrence cubic in
/// its steps (a 32-step LSTM spent 20 s here). Only readers among the
/// kMergeWindow generics before the second are tried: a value read all
/// along a long program (a parameter of an unrolled solver) made every pair
/// a candidate, quadratic again, and each merge at the first's place sent
/// the search back to it (100 RK4 steps: 26 s), for merges that would only
/// stretch live ranges.
constexpr size_t kMergeWindow = 128;
bool mergeSiblingsIn(RewriterBase &rewriter, Block &block) {
  SmallVector<linalg::GenericOp> generics(block.getOps<linalg::GenericOp>());
  DenseMap<Operation *, size_t> index;
  for (auto [i, op] : llvm::enumerate(generics))
    index[op] = i;
  bool merged = false;
  for (size_t j = 0; j < generics.size();) {
    linalg::GenericOp second = generics[j];
    size_t next = j + 1;
    size_t nearest = j > kMergeWindow ? j - kMergeWindow : 0;
    SmallVector<size_t> candidates;
    for (Value input : second.getInputs())
      for (Operation *user : input.getUsers())
        if (auto it = index.find(user);
            it != index.end() && it->second < j && it->second >= nearest)
          candidates.push_back(it->second);
    llvm::sort(candidates);
    candidates.erase(llvm::unique(candidates), candidates.end());
    for (size_t i : candidates) {
      Operation *at = mergePoint(generics[i], second);
      if (!at)
        continue;
      linalg::GenericOp mergedOp =
          mergeSiblings(rewriter, generics[i], second, at);
      merged = true;
      generics.assign(block.getOps<linalg::GenericOp>().begin(),
                      block.getOps<linalg::GenericOp>().end());
      index.clear();
      for (auto [k, op] : llvm::enumerate(generics))
        index[op] = k;
      // Only the merged op's pairs are new: go on with it as the second.
      // Where it stands at second's place, no op in between used first,
      // and the pairs of those ops are as they were; where it stands at
      // first's, the ops after it are tried again, now with it.
      next = index[mergedOp];
      break;
    }
    j = next;
  }
  return merged;
}

/// Step 2: an NCHW max pooling op (overlapping windows) as a generic whose
/// innermost loop runs along the output row, the window loops outside it:
/// each output element still takes its window in row-major order, and the
/// loop vectorizes (contiguous outputs, strided inputs) where linalg's
/// order, the window innermost, was a scalar loop of KW iterations.
void generalizePooling(RewriterBase &rewriter, linalg::LinalgOp op) {
  if (!isa<linalg::PoolingNchwMaxOp>(op) || !op.hasPureTensorSemantics())
    return;
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::GenericOp> generic =
      linalg::generalizeNamedOp(rewriter, op);
  if (succeeded(generic))
    (void)linalg::interchangeGenericOp(rewriter, *generic, {0, 1, 2, 4, 5, 3});
}

/// Whether `op`'s loop dimensions may be collapsed (steps 5 and 6).
bool collapsible(linalg::GenericOp op) {
  // areDimSequencesPreserved expects projected permutations.
  if (!op.hasPureTensorSemantics() || op.getNumLoops() < 2 ||
      !op.getBody()->getOps<linalg::IndexOp>().empty() ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isProjectedPermutation(); }))
    return false;
  // A slice's dimensions need not be contiguous: collapsing them would make
  // bufferization copy the slice.
  return llvm::none_of(op->getOperands(), [](Value v) {
    return v.getDefiningOp<tensor::ExtractSliceOp>();
  });
}

/// The longest run of `op`'s innermost loop dimensions, all of iterator
/// type `type`, that every operand reads in order and contiguously, or not
/// at all: one group, empty if it would join fewer than two dimensions.
SmallVector<ReassociationIndices> trailingRun(linalg::GenericOp op,
                                              utils::IteratorType type) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  ReassociationIndices dims;
  for (int64_t d = iterators.size() - 1; d >= 0 && iterators[d] == type; --d) {
    ReassociationIndices wider{d};
    llvm::append_range(wider, dims);
    if (!linalg::areDimSequencesPreserved(op.getIndexingMapsArray(), {wider}))
      break;
    dims = wider;
  }
  if (dims.size() < 2)
    return {};
  return {dims};
}

/// Step 5: the innermost loop dimensions of `op` that reduce, as one group
/// if it can become one loop. Reduced in a short innermost loop (a batch
/// norm's 16x16 image rows), a sum ends each row with a horizontal add of
/// its vector, which the next row waits for; over one long loop it stays
/// in vector accumulators.
SmallVector<ReassociationIndices> innerReductionDims(linalg::GenericOp op) {
  if (!collapsible(op))
    return {};
  return trailingRun(op, utils::IteratorType::reduction);
}

/// Step 6: the innermost dimensions of an all-parallel `op` whose rows (the
/// innermost extent) are not whole 8-element vectors, as one group (a
/// per-channel operand of an N x C x H x W loop, broadcast across H and W,
/// leaves [H, W]). LLVM vectorizes the innermost loop with a masked vector
/// per row, and in place (oddconv's tanh of 11 x 11 planes) each row's
/// masked load waited for the previous row's masked store to the same
/// cache line; over one loop of the plane the vectors are whole but the
/// last. Rows of whole 8-element vectors (resconv's 8-pixel rows) are left
/// as they are: no masks, and not measured faster.
SmallVector<ReassociationIndices> elementwiseDims(linalg::GenericOp op) {
  // An op marked for a later pass (a pooling kernel) keeps its shape: the
  // collapsed op would not carry the mark.
  if (!collapsible(op) || op.getNumReductionLoops() != 0 ||
      op.hasDynamicShape() || !op->getDiscardableAttrDictionary().empty() ||
      op.getStaticLoopRanges().back() % 8 == 0)
    return {};
  return trailingRun(op, utils::IteratorType::parallel);
}

struct AdjFuseElementwisePass
    : public adjoint::impl::AdjFuseElementwiseBase<AdjFuseElementwisePass> {
  void runOnOperation() override {
    Operation *root = getOperation();
    FusionControl control;
    IRRewriter rewriter(&getContext(), &control);
    root->walk([&](Operation *op) {
      if (auto mm = dyn_cast<linalg::MatmulOp>(op);
          mm && mm.hasPureTensorSemantics())
        foldTranspose<linalg::MatmulOp, linalg::MatmulTransposeAOp,
                      linalg::MatmulTransposeBOp>(rewriter, mm, 2);
      else if (auto bmm = dyn_cast<linalg::BatchMatmulOp>(op);
               bmm && bmm.hasPureTensorSemantics())
        foldTranspose<linalg::BatchMatmulOp, linalg::BatchMatmulTransposeAOp,
                      linalg::BatchMatmulTransposeBOp>(rewriter, bmm, 3);
    });
    root->walk(
        [&](linalg::TransposeOp op) { foldTransposedProduct(rewriter, op); });
    root->walk([&](linalg::GenericOp op) { accumulateProducts(rewriter, op); });
    root->walk(
        [&](linalg::LinalgOp op) { multiplyOuterProduct(rewriter, op); });
    SmallVector<linalg::LinalgOp> named;
    root->walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::GenericOp, linalg::FillOp>(op) && !isKernelOp(op) &&
          !feedsOnlyKernels(op) && op.hasPureTensorSemantics())
        named.push_back(op);
    });
    // Pooling ops are convolutions to isKernelOp, so none was in `named`.
    SmallVector<linalg::LinalgOp> pooling;
    root->walk([&](linalg::LinalgOp op) { pooling.push_back(op); });
    for (linalg::LinalgOp op : pooling)
      generalizePooling(rewriter, op);
    // An op that cannot be generalized stays as it is, unfused.
    for (linalg::LinalgOp op : named) {
      rewriter.setInsertionPoint(op);
      (void)linalg::generalizeNamedOp(rewriter, op);
    }

    // Collected first: each rewrite erases a later op.
    SmallVector<linalg::GenericOp> maps;
    root->walk([&](linalg::GenericOp op) {
      if (!op.getNumReductionLoops())
        maps.push_back(op);
    });
    for (linalg::GenericOp op : maps)
      storeForLaterReader(rewriter, op);

    // Top-down, each producer has absorbed its own producers before its
    // consumers are visited. Bottom-up, a consumer absorbed a chain one
    // producer at a time, each fusion a new op whose dozens of operands
    // were all tried again: cubic in the length of an unrolled program
    // (a 20-step RK4 spent 150 s here).
    GreedyRewriteConfig config;
    config.listener = &control;
    config.useTopDownTraversal = true;
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(
        patterns,
        [&](OpOperand *operand) { return control.shouldFuse(operand); });
    linalg::GenericOp::getCanonicalizationPatterns(patterns, &getContext());
    FrozenRewritePatternSet frozen(std::move(patterns));
    // Not converging leaves some ops unfused, which is still correct.
    (void)applyPatternsAndFoldGreedily(root, frozen, config);

    SmallVector<Block *> blocks;
    root->walk([&](Block *block) { blocks.push_back(block); });
    bool merged = false;
    for (Block *block : blocks)
      merged |= mergeSiblingsIn(rewriter, *block);
    // Fuse again: merged ops may now be the sole consumers of producers.
    if (merged)
      (void)applyPatternsAndFoldGreedily(root, frozen, config);

    SmallVector<linalg::GenericOp> generics;
    root->walk([&](linalg::GenericOp op) { generics.push_back(op); });
    for (linalg::GenericOp op : generics) {
      SmallVector<ReassociationIndices> dims = innerReductionDims(op);
      if (dims.empty())
        dims = elementwiseDims(op);
      if (dims.empty())
        continue;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::CollapseResult> collapsed =
          linalg::collapseOpIterationDims(op, dims, rewriter);
      if (succeeded(collapsed))
        rewriter.replaceOp(op, collapsed->results);
    }
  }
};

} // namespace
