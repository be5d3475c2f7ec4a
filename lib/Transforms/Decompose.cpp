//===- Decompose.cpp - The adj-decompose pass -----------------------------===//
//
// Part of the Adjoint project.
//
// Rewrites the composite adj ops into the primitive ones that
// convert-adj-to-linalg lowers. Each expansion follows the reference kernel
// of its op (lib/Evaluator/Kernels.cpp) operation for operation, so that the
// reference evaluator computes the same f64 values, up to the order of a few
// commutative operations, before and after the pass. Σ sums over the op's
// axes, M is the maximum over them, both keeping the axes as size 1:
//
//   softmax           e = exp(x − M x);  e / Σ e
//   log_softmax       d = x − M x;       d − log Σ exp(d)
//   logsumexp         m = M x where finite, else 0 (so that an all −∞ or a
//                     +∞ lane gives ±∞, not NaN); log Σ exp(x − m) + m
//   softmax_cross_entropy
//                     d = x − M x;  loss[n] = log Σ exp(d[n]) − d[n, label[n]]
//                     (the label's entry is picked by a one-hot select, not a
//                     product, so that a −∞ logit does not give 0 · −∞ = NaN);
//                     then Σ loss, or Σ loss / N
//   mean              Σ x / count (a division: 1 / count would be rounded)
//   layer_norm        d = x − Σ x / n;  d · rsqrt(Σ d² / n + ε) · scale + bias
//   batch_norm        as layer_norm over every axis but 1, scale and bias
//                     reshaped to [C, 1, ...]; also returns the statistics
//   gelu              0.5 x · (1 + erf(x / √2)), or
//                     0.5 x · (1 + tanh(√(2/π) (x + 0.044715 x³)))
//
// Ops of other dialects that implement DecomposableOpInterface (a plugin's
// ops) are expanded by their own `decompose`.
//
// Scalars are 0-d constants, which broadcast against anything. An op whose
// operand is empty along the reduced axes gets the value its kernel gives
// there without reducing an empty axis (the maximum of nothing is an error
// in the evaluator).
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "adjoint/Dialect/Adj/IR/DecomposableOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

namespace adjoint {
#define GEN_PASS_DEF_ADJDECOMPOSE
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;
using namespace adjoint;
using namespace adjoint::adj;

namespace {

//===----------------------------------------------------------------------===//
// Building blocks
//===----------------------------------------------------------------------===//

/// Builds adj ops at one location; the names read as the formulas above.
class AdjBuilder {
public:
  AdjBuilder(PatternRewriter &rewriter, Location loc)
      : rewriter(rewriter), loc(loc) {}

  template <typename OpTy, typename... Args> Value create(Args &&...args) {
    return rewriter.create<OpTy>(loc, std::forward<Args>(args)...)
        ->getResult(0);
  }

  /// A 0-d tensor of `like`'s element type holding `value`.
  Value scalar(Value like, double value) {
    auto type = RankedTensorType::get({}, elementType(like));
    return create<FillOp>(type, rewriter.getF64FloatAttr(value));
  }
  Value add(Value a, Value b) { return create<AddOp>(a, b); }
  Value sub(Value a, Value b) { return create<SubOp>(a, b); }
  Value mul(Value a, Value b) { return create<MulOp>(a, b); }
  Value div(Value a, Value b) { return create<DivOp>(a, b); }
  Value add(Value a, double b) { return add(a, scalar(a, b)); }
  Value mul(Value a, double b) { return mul(a, scalar(a, b)); }
  Value div(Value a, double b) { return div(a, scalar(a, b)); }

  /// The reduction `OpTy` of `x` over `axes`, keeping them as size 1 when
  /// `keepdims` is set.
  template <typename OpTy>
  Value reduce(Value x, ArrayRef<int64_t> axes, bool keepdims) {
    return create<OpTy>(x, rewriter.getDenseI64ArrayAttr(axes), keepdims);
  }
  Value sum(Value x, ArrayRef<int64_t> axes, bool keepdims = true) {
    return reduce<SumOp>(x, axes, keepdims);
  }
  Value max(Value x, ArrayRef<int64_t> axes) {
    return reduce<MaxOp>(x, axes, /*keepdims=*/true);
  }
  /// Σ x / n over `axes`, kept.
  Value mean(Value x, ArrayRef<int64_t> axes) {
    return div(sum(x, axes), static_cast<double>(count(x, axes)));
  }

  Value reshape(Value x, ArrayRef<int64_t> shape) {
    auto type = cast<RankedTensorType>(x.getType());
    if (type.getShape() == shape)
      return x;
    return create<ReshapeOp>(type.clone(shape), x);
  }

  /// The number of elements of `x` along `axes`.
  static int64_t count(Value x, ArrayRef<int64_t> axes) {
    ArrayRef<int64_t> shape = cast<RankedTensorType>(x.getType()).getShape();
    int64_t n = 1;
    for (int64_t axis : axes)
      n *= shape[axis];
    return n;
  }
  static Type elementType(Value v) {
    return cast<RankedTensorType>(v.getType()).getElementType();
  }

private:
  PatternRewriter &rewriter;
  Location loc;
};

} // namespace

/// Whether `v` has no elements.
static bool isEmpty(Value v) {
  return cast<RankedTensorType>(v.getType()).getNumElements() == 0;
}

/// The axes [from, rank) of `v`.
static SmallVector<int64_t> trailingAxes(Value v, int64_t from) {
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  return llvm::to_vector(llvm::seq<int64_t>(from, rank));
}

/// x − M x over `axes`: the shifted operand of the stable softmax forms.
static Value shiftByMax(AdjBuilder &b, Value x, ArrayRef<int64_t> axes) {
  return b.sub(x, b.max(x, axes));
}

/// Normalizes `x` over `axes`: (x − mean) · rsqrt(var + ε), with the biased
/// variance computed from the centred values (two passes, as the reference
/// kernel). Returns {normalized, mean, variance}, the statistics kept.
static std::array<Value, 3> normalize(AdjBuilder &b, Value x,
                                      ArrayRef<int64_t> axes, APFloat epsilon) {
  Value mean = b.mean(x, axes);
  Value centred = b.sub(x, mean);
  Value variance = b.mean(b.create<SquareOp>(centred), axes);
  Value invStd = b.create<RsqrtOp>(b.add(variance, epsilon.convertToDouble()));
  return {b.mul(centred, invStd), mean, variance};
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

struct DecomposeSoftmax : public OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    // The softmax of an empty tensor is that tensor.
    if (isEmpty(op.getOperand())) {
      rewriter.replaceOp(op, op.getOperand());
      return success();
    }
    AdjBuilder b(rewriter, op.getLoc());
    int64_t axis = op.getAxis();
    Value e = b.create<ExpOp>(shiftByMax(b, op.getOperand(), {axis}));
    rewriter.replaceOp(op, b.div(e, b.sum(e, {axis})));
    return success();
  }
};

struct DecomposeLogSoftmax : public OpRewritePattern<LogSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LogSoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    if (isEmpty(op.getOperand())) {
      rewriter.replaceOp(op, op.getOperand());
      return success();
    }
    AdjBuilder b(rewriter, op.getLoc());
    int64_t axis = op.getAxis();
    Value d = shiftByMax(b, op.getOperand(), {axis});
    Value logSum = b.create<LogOp>(b.sum(b.create<ExpOp>(d), {axis}));
    rewriter.replaceOp(op, b.sub(d, logSum));
    return success();
  }
};

struct DecomposeLogSumExp : public OpRewritePattern<LogSumExpOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LogSumExpOp op,
                                PatternRewriter &rewriter) const override {
    AdjBuilder b(rewriter, op.getLoc());
    Value x = op.getOperand();
    SmallVector<int64_t> axes = op.getReducedAxes();
    // log(0) = −∞ over an empty axis (and nothing to compute for an empty
    // result).
    if (AdjBuilder::count(x, axes) == 0 || isEmpty(op.getResult())) {
      rewriter.replaceOpWithNewOp<FillOp>(
          op, op.getType(),
          rewriter.getF64FloatAttr(-std::numeric_limits<double>::infinity()));
      return success();
    }
    // An infinite or NaN maximum is replaced by 0: x − 0 then carries the
    // infinity (or NaN) through exp, Σ and log to the result.
    Value max = b.max(x, axes);
    Value finite = b.create<CompareOp>(
        ComparisonDirection::lt, b.create<AbsOp>(max),
        b.scalar(x, std::numeric_limits<double>::infinity()));
    Value shift = b.create<SelectOp>(finite, max, b.scalar(x, 0.0));
    Value e = b.create<ExpOp>(b.sub(x, shift));
    Value result = b.add(b.create<LogOp>(b.sum(e, axes)), shift);
    rewriter.replaceOp(op, b.reshape(result, op.getType().getShape()));
    return success();
  }
};

struct DecomposeMean : public OpRewritePattern<MeanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MeanOp op,
                                PatternRewriter &rewriter) const override {
    AdjBuilder b(rewriter, op.getLoc());
    SmallVector<int64_t> axes = op.getReducedAxes();
    Value sum = b.sum(op.getOperand(), axes, op.getKeepdims());
    int64_t count = AdjBuilder::count(op.getOperand(), axes);
    rewriter.replaceOp(op, b.div(sum, static_cast<double>(count)));
    return success();
  }
};

struct DecomposeSoftmaxCrossEntropy
    : public OpRewritePattern<SoftmaxCrossEntropyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxCrossEntropyOp op,
                                PatternRewriter &rewriter) const override {
    AdjBuilder b(rewriter, op.getLoc());
    Value logits = op.getLogits();
    auto type = cast<RankedTensorType>(logits.getType());
    // −log_softmax(logits)[n, label[n]] = log Σ exp(d[n]) − d[n, label[n]],
    // d = logits − max.
    Value max = b.max(logits, {1});
    Value d = b.sub(logits, max);
    Value logSum = b.create<LogOp>(b.sum(b.create<ExpOp>(d), {1}));
    Value oneHot = b.create<OneHotOp>(type, op.getLabels(), /*in_range=*/true);
    Value isLabel =
        b.create<CompareOp>(ComparisonDirection::ne, oneHot, b.scalar(d, 0.0));
    Value picked = b.sum(b.create<SelectOp>(isLabel, d, b.scalar(d, 0.0)), {1});
    // A label outside [0, C) matches no class: its row's loss is the whole
    // log Σ exp(logits[n]) = max + log Σ exp(d[n]), whose derivative is the
    // softmax the rule gives (what compiled code computes with
    // adj-check-indices off; by default such a label is reported).
    Value unmatched = b.sub(b.scalar(d, 1.0), b.sum(oneHot, {1}));
    Value losses =
        b.reshape(b.add(b.sub(logSum, picked), b.mul(unmatched, max)),
                  {type.getDimSize(0)});

    LossReduction reduction = op.getReduction();
    if (reduction == LossReduction::none) {
      rewriter.replaceOp(op, losses);
      return success();
    }
    Value total = b.sum(losses, {0}, /*keepdims=*/false);
    if (reduction == LossReduction::mean)
      total = b.div(total, static_cast<double>(type.getDimSize(0)));
    rewriter.replaceOp(op, total);
    return success();
  }
};

struct DecomposeLayerNorm : public OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    Value x = op.getOperand();
    if (isEmpty(x)) {
      rewriter.replaceOp(op, x);
      return success();
    }
    AdjBuilder b(rewriter, op.getLoc());
    // scale and bias have the normalized (trailing) shape: they broadcast.
    Value normalized =
        normalize(b, x, trailingAxes(x, op.getAxis()), op.getEpsilon())[0];
    rewriter.replaceOp(op,
                       b.add(b.mul(normalized, op.getScale()), op.getBias()));
    return success();
  }
};

struct DecomposeBatchNorm : public OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    AdjBuilder b(rewriter, op.getLoc());
    Value x = op.getOperand();
    SmallVector<int64_t> axes = trailingAxes(x, 2);
    axes.insert(axes.begin(), 0);
    auto [normalized, mean, variance] = normalize(b, x, axes, op.getEpsilon());
    // [C] → [C, 1, ..., 1], aligned with dimension 1 of [N, C, ...].
    int64_t channels = op.getMean().getType().getDimSize(0);
    SmallVector<int64_t> perChannel(op.getResult().getType().getRank() - 1, 1);
    perChannel[0] = channels;
    Value scale = b.reshape(op.getScale(), perChannel);
    Value bias = b.reshape(op.getBias(), perChannel);
    Value result = b.add(b.mul(normalized, scale), bias);
    rewriter.replaceOp(op, {result, b.reshape(mean, {channels}),
                            b.reshape(variance, {channels})});
    return success();
  }
};

struct DecomposeGelu : public OpRewritePattern<GeluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GeluOp op,
                                PatternRewriter &rewriter) const override {
    AdjBuilder b(rewriter, op.getLoc());
    Value x = op.getOperand();
    Value phi; // 2 Φ(x), approximately with tanh.
    if (op.getApproximate() == GeluApproximation::tanh) {
      // The constant as the reference kernel rounds it.
      const double beta = llvm::numbers::sqrt2 * llvm::numbers::inv_sqrtpi;
      Value cube = b.mul(b.mul(x, x), x);
      Value inner = b.mul(b.add(x, b.mul(cube, 0.044715)), beta);
      phi = b.add(b.create<TanhOp>(inner), 1.0);
    } else {
      phi = b.add(b.create<ErfOp>(b.mul(x, llvm::numbers::inv_sqrt2)), 1.0);
    }
    rewriter.replaceOp(op, b.mul(b.mul(x, 0.5), phi));
    return success();
  }
};

struct DecomposeInterface
    : public OpInterfaceRewritePattern<DecomposableOpInterface> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(DecomposableOpInterface op,
                                PatternRewriter &rewriter) const override {
    return op.decompose(rewriter);
  }
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct AdjDecomposePass
    : public adjoint::impl::AdjDecomposeBase<AdjDecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeBatchNorm, DecomposeGelu, DecomposeLayerNorm,
                 DecomposeLogSoftmax, DecomposeLogSumExp, DecomposeMean,
                 DecomposeSoftmax, DecomposeSoftmaxCrossEntropy,
                 DecomposeInterface>(&getContext());
    GreedyRewriteConfig config;
    config.enableRegionSimplification = GreedySimplifyRegionLevel::Disabled;
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns),
                                            config)))
      signalPassFailure();
    // A decomposition that failed has said why, at its op.
    if (getOperation()
            .walk(
                [](DecomposableOpInterface) { return WalkResult::interrupt(); })
            .wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
