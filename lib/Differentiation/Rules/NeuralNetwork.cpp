//===- NeuralNetwork.cpp - Rules of the neural-network ops ----------------===//
//
// Part of the Adjoint project.
//
// Every rule builds adj ops, so a derivative can be differentiated again.
// ct is a result's cotangent (reverse mode), t an operand's tangent (forward
// mode); Σ sums over the op's axis, keeping it.
//
//   softmax      dx = y ⊙ (ct − Σ ct ⊙ y). The Jacobian is symmetric: ty is
//                the same formula applied to t.
//   log_softmax  dx = ct − exp(y) Σ ct;  ty = t − Σ exp(y) ⊙ t.
//   softmax_cross_entropy
//                ∂loss[n]/∂logits[n] = softmax(logits[n]) − one_hot(labels[n]),
//                scaled by ct (and by 1/N for `mean`); labels get nothing.
//   conv2d       Bilinear: ty = conv(tx, w) + conv(x, tw). dx is the
//                transposed convolution of ct, the kernel flipped and its
//                channels swapped within each group, one stride-1
//                convolution per residue class of input positions modulo
//                the stride (interleaved), or the classes as blocks of output
//                channels of one convolution when their taps fit one small
//                kernel; dw is a convolution of x (batch as channels) by ct
//                (as the kernel), stride and dilation swapped, over the rows
//                the forward windows reach. Groups stay groups.
//   max_pool2d   dx = max_pool2d_scatter(x, ct), ty = max_pool2d_gather(x, t):
//                each window's first maximum takes it all. Scatter and gather
//                are linear in `source` and each other's transpose.
//   avg_pool2d   Linear: ty = avg_pool2d(t); dx is the depthwise transposed
//                convolution of ct / divisor with a kernel of ones.
//   layer_norm, batch_norm
//                With x̂ = (x − μ) r and r = 1/√(σ² + ε) over the normalized
//                axes, x̂'s Jacobian is v ↦ r (v − mean(v) − x̂ mean(x̂ v)). It
//                is symmetric: one map serves both modes.
//
// Window ops are NCHW with OIHW kernels (see `adj.conv2d`).
//
//===----------------------------------------------------------------------===//

#include "Rules.h"

#include "adjoint/Differentiation/RuleBuilder.h"

#include <algorithm>
#include <numeric>

using namespace mlir;
using namespace adjoint;
using namespace adjoint::adj;

namespace {

/// Adds `cotangent` to operand `index` when it needs one (`cotangent` is
/// built lazily, only then).
LogicalResult addCotangentIfNeeded(ReverseContext &ctx, unsigned index,
                                   llvm::function_ref<Value()> cotangent) {
  if (!ctx.needsCotangent(index))
    return success();
  return ctx.addOperandCotangent(index, cotangent());
}

/// The shape of `v`.
ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// The mean of `v` over `axes`, which are kept as size 1.
Value meanKeepDims(RuleBuilder &r, Value v, ArrayRef<int64_t> axes) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t axis : axes)
    shape[axis] = 1;
  return r.create<MeanOp>(type.clone(shape), v,
                          r.builder().getDenseI64ArrayAttr(axes),
                          /*keepdims=*/true);
}

//===----------------------------------------------------------------------===//
// Softmax and cross-entropy
//===----------------------------------------------------------------------===//

struct SoftmaxRule
    : public DifferentiableOpInterface::ExternalModel<SoftmaxRule, SoftmaxOp> {
  /// y ⊙ (d − Σ d ⊙ y): the product with the (symmetric) Jacobian.
  static Value chain(RuleBuilder &r, SoftmaxOp op, Value d) {
    Value y = op.getResult();
    int64_t axis = op.getAxis();
    Value dot = r.sum(r.mul(d, y), {axis}, /*keepdims=*/true);
    return r.mul(y, r.sub(d, dot));
  }
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value ct = ctx.resultCotangent(0);
    if (!ct || !ctx.needsCotangent(0))
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.addOperandCotangent(0, chain(r, cast<SoftmaxOp>(op), ct));
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value t = ctx.operandTangent(0);
    if (!t)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.setResultTangent(0, chain(r, cast<SoftmaxOp>(op), t));
  }
};

struct LogSoftmaxRule
    : public DifferentiableOpInterface::ExternalModel<LogSoftmaxRule,
                                                      LogSoftmaxOp> {
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value ct = ctx.resultCotangent(0);
    if (!ct || !ctx.needsCotangent(0))
      return success();
    auto logSoftmax = cast<LogSoftmaxOp>(op);
    RuleBuilder r(ctx.builder(), ctx.loc());
    // dx = ct − softmax(x) Σ ct, with softmax(x) = exp(y).
    Value p = r.create<ExpOp>(logSoftmax.getResult());
    int64_t axis = logSoftmax.getAxis();
    Value total = r.sum(ct, {axis}, /*keepdims=*/true);
    return ctx.addOperandCotangent(0, r.sub(ct, r.mul(p, total)));
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value t = ctx.operandTangent(0);
    if (!t)
      return success();
    auto logSoftmax = cast<LogSoftmaxOp>(op);
    RuleBuilder r(ctx.builder(), ctx.loc());
    // ty = t − Σ softmax(x) ⊙ t.
    Value p = r.create<ExpOp>(logSoftmax.getResult());
    int64_t axis = logSoftmax.getAxis();
    Value expected = r.sum(r.mul(p, t), {axis}, /*keepdims=*/true);
    return ctx.setResultTangent(0, r.sub(t, expected));
  }
};

/// loss[n] = lse(logits[n]) − logits[n, labels[n]], reduced over n.
/// ∂loss[n]/∂logits[n] = softmax(logits[n]) − one_hot(labels[n]).
struct SoftmaxCrossEntropyRule
    : public DifferentiableOpInterface::ExternalModel<SoftmaxCrossEntropyRule,
                                                      SoftmaxCrossEntropyOp> {
  bool isDifferentiableOperand(Operation *, unsigned index) const {
    return index == 0;
  }

  /// softmax(logits) − one_hot(labels), shaped as the logits.
  static Value lossGradient(RuleBuilder &r, SoftmaxCrossEntropyOp op) {
    Value logits = op.getLogits();
    Value probabilities = r.create<SoftmaxOp>(logits, 1);
    // in_range: the labels stay checked when the loss itself is dead (a
    // function that returns only the gradient).
    Value target = r.create<OneHotOp>(logits.getType(), op.getLabels(),
                                      /*in_range=*/true);
    return r.sub(probabilities, target);
  }
  /// `v` divided by N for a `mean` loss.
  static Value applyMean(RuleBuilder &r, SoftmaxCrossEntropyOp op, Value v) {
    if (op.getReduction() != LossReduction::mean)
      return v;
    return r.scale(v, 1.0 / static_cast<double>(shapeOf(op.getLogits())[0]));
  }

  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value ct = ctx.resultCotangent(0);
    if (!ct || !ctx.needsCotangent(0))
      return success();
    auto loss = cast<SoftmaxCrossEntropyOp>(op);
    RuleBuilder r(ctx.builder(), ctx.loc());
    // A per-example cotangent [N] scales its row; a 0-d one every row.
    if (loss.getReduction() == LossReduction::none)
      ct = r.reshape(ct, {shapeOf(ct)[0], 1});
    Value gradient = r.mul(lossGradient(r, loss), ct);
    return ctx.addOperandCotangent(0, applyMean(r, loss, gradient));
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value t = ctx.operandTangent(0);
    if (!t)
      return success();
    auto loss = cast<SoftmaxCrossEntropyOp>(op);
    RuleBuilder r(ctx.builder(), ctx.loc());
    Value perExample = r.sum(r.mul(lossGradient(r, loss), t), {1},
                             /*keepdims=*/false);
    if (loss.getReduction() == LossReduction::none)
      return ctx.setResultTangent(0, perExample);
    Value total = r.sum(perExample, {0}, /*keepdims=*/false);
    return ctx.setResultTangent(0, applyMean(r, loss, total));
  }
};

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

/// `values` as an attribute, or null when every entry is `fallback` (the
/// op's default), to keep the derivative's IR terse.
DenseI64ArrayAttr attrUnlessAll(OpBuilder &b, ArrayRef<int64_t> values,
                                int64_t fallback) {
  if (llvm::all_of(values, [&](int64_t v) { return v == fallback; }))
    return {};
  return b.getDenseI64ArrayAttr(values);
}

/// conv2d(input, weight) with the stride, padding, dilation and groups of
/// `w` (the kernel is the weight's).
Value conv2d(RuleBuilder &r, Value input, Value weight, const Window2D &w) {
  OpBuilder &b = r.builder();
  IntegerAttr groups =
      w.groups == 1 ? IntegerAttr() : b.getI64IntegerAttr(w.groups);
  return r.create<Conv2DOp>(input, weight, attrUnlessAll(b, w.stride, 1),
                            attrUnlessAll(b, w.padding, 0),
                            attrUnlessAll(b, w.dilation, 1), groups);
}

/// A stride-1, unpadded window with dilation `dilation`.
Window2D denseWindow(std::array<int64_t, 2> dilation, int64_t groups) {
  return Window2D{{1, 1}, {1, 1}, {0, 0, 0, 0}, dilation, groups};
}

/// Prepares the cotangent `ct` ([N, O, OH, OW]) of a window op `w` over an
/// input [.., .., H, W] for the transposed window: a stride-1 correlation
/// with the flipped kernel, dilated as `w`, then gives the input's cotangent.
/// Per spatial dimension, neighbours are spread `stride` apart (interior
/// padding stride − 1), `(k − 1)·d − p` is padded before, and after what
/// makes the result H + (k − 1)·d long (the forward windows' unreached
/// rows included); negative edge paddings crop instead.
Value spreadForTransposedWindow(RuleBuilder &r, Value ct,
                                ArrayRef<int64_t> inputShape,
                                const Window2D &w) {
  ArrayRef<int64_t> shape = shapeOf(ct);
  SmallVector<int64_t> low(4, 0), high(4, 0), interior(4, 0);
  SmallVector<int64_t> cropLow(4, 0), cropHigh(4, 0);
  for (int i = 0; i < 2; ++i) {
    int64_t d = 2 + i;
    int64_t before = (w.kernel[i] - 1) * w.dilation[i] - w.padding[i];
    int64_t after =
        inputShape[d] + w.padding[i] - (shape[d] - 1) * w.stride[i] - 1;
    low[d] = std::max<int64_t>(before, 0);
    high[d] = std::max<int64_t>(after, 0);
    interior[d] = w.stride[i] - 1;
    cropLow[d] = std::max<int64_t>(-before, 0);
    cropHigh[d] = std::max<int64_t>(-after, 0);
  }
  OpBuilder &b = r.builder();
  Value spread = ct;
  if (llvm::any_of(llvm::concat<int64_t>(low, high, interior),
                   [](int64_t v) { return v != 0; }))
    spread = r.create<PadOp>(ct, low, high, attrUnlessAll(b, interior, 0),
                             APFloat(0.0));
  if (llvm::all_of(llvm::concat<int64_t>(cropLow, cropHigh),
                   [](int64_t v) { return v == 0; }))
    return spread;
  SmallVector<int64_t> limit(shapeOf(spread));
  for (int64_t d = 0; d < 4; ++d)
    limit[d] -= cropHigh[d];
  return r.create<SliceOp>(spread, cropLow, limit, DenseI64ArrayAttr());
}

/// Whether the windows of `w` tile the input [.., .., H, W] exactly into
/// the output [.., .., OH, OW]: stride = kernel, no padding, no dilation,
/// H = OH·KH and W = OW·KW. Each input element is then in one window.
bool tilesInput(const Window2D &w, ArrayRef<int64_t> in,
                ArrayRef<int64_t> out) {
  for (int d = 0; d < 2; ++d)
    if (w.stride[d] != w.kernel[d] || w.dilation[d] != 1 ||
        in[2 + d] != out[2 + d] * w.kernel[d])
      return false;
  return llvm::all_of(w.padding, [](int64_t p) { return p == 0; });
}

/// One residue class of a transposed convolution along one spatial
/// dimension: the input rows h = q·s + ρ (q < rows) receive Σ_t ct[q + e +
/// t·d'] · f[first + t·step] from the taps of the flipped kernel f that land on
/// them. No tap does when `taps` is 0.
struct SubPixel {
  int64_t rows, first, taps, step, offset, dilation;
};

/// Residue ρ of the transposed window along one dimension: input size `in`,
/// kernel `k`, stride `s`, dilation `d`, leading padding `p`. The flipped
/// kernel's tap j meets the cotangent spread by s and shifted by
/// L = (k − 1)·d − p at row q·s + ρ iff s divides ρ + j·d − L; those taps
/// are `step` = s / gcd(s, d) apart and read the cotangent d / gcd(s, d)
/// apart.
SubPixel subPixel(int64_t rho, int64_t in, int64_t k, int64_t s, int64_t d,
                  int64_t p) {
  int64_t shift = (k - 1) * d - p, step = s / std::gcd(s, d);
  SubPixel sp{
      rho < in ? (in - rho + s - 1) / s : 0, 0, 0, step, 0, d / std::gcd(s, d)};
  for (int64_t j = 0; j < std::min(k, step); ++j)
    if ((((rho + j * d - shift) % s) + s) % s == 0) {
      sp.first = j;
      sp.taps = (k - 1 - j) / step + 1;
      sp.offset = (rho + j * d - shift) / s;
      break;
    }
  return sp;
}

/// Sets `window`'s padding along spatial dimension i, and the crop of ct
/// ([N, O, OH, OW]), for a stride-1 convolution whose `rows` output rows
/// read ct rows [offset, offset + rows − 1 + span − 1]: what lies outside
/// [0, OH) is zero padding, what lies inside but before or after is
/// cropped.
void readCotangentRows(int i, int64_t offset, int64_t rows, int64_t span,
                       ArrayRef<int64_t> o, Window2D &window,
                       SmallVectorImpl<int64_t> &cropStart,
                       SmallVectorImpl<int64_t> &cropLimit) {
  int64_t low = -offset, high = rows + offset + span - 1 - o[2 + i];
  window.padding[i] = std::max<int64_t>(low, 0);
  window.padding[2 + i] = std::max<int64_t>(high, 0);
  cropStart[2 + i] = std::max<int64_t>(-low, 0);
  cropLimit[2 + i] -= std::max<int64_t>(-high, 0);
}

/// `ct` cropped to [cropStart, cropLimit) (itself when that is all of it).
Value cropCotangent(RuleBuilder &r, Value ct, ArrayRef<int64_t> cropStart,
                    ArrayRef<int64_t> cropLimit) {
  if (llvm::all_of(cropStart, [](int64_t v) { return v == 0; }) &&
      cropLimit == shapeOf(ct))
    return ct;
  return r.create<SliceOp>(ct, cropStart, cropLimit, DenseI64ArrayAttr());
}

/// `interleaved` ([N, C, qh·sh, qw·sw]) cropped to the input's shape `x`.
Value cropToInput(RuleBuilder &r, Value interleaved, ArrayRef<int64_t> x) {
  if (shapeOf(interleaved) == x)
    return interleaved;
  return r.create<SliceOp>(interleaved, ArrayRef<int64_t>{0, 0, 0, 0}, x,
                           DenseI64ArrayAttr());
}

/// The residue classes of a strided, ungrouped convolution's input
/// cotangent (see convInputCotangent) as one stride-1 convolution: class
/// (ρh, ρw) is the output channels [(ρh·sw + ρw)·C, +C) of the convolution
/// of ct with a kernel of Eh x Ew taps (the classes' dilation d'), each
/// class's taps (of `swapped`, [C, O, KH, KW]) placed at their offset from
/// the classes' first ct row, zeros elsewhere; one transpose interleaves
/// the classes. One call and one copy instead of s_h·s_w calls and their
/// interleaving copies, and s_h·s_w·C output channels where each class has
/// C, which fill the direct kernels' channel tiles and the GEMM's panels.
/// The zeros are multiply-adds too, so this is taken when the merged
/// kernel has at most 1.5x the classes' taps, or under 2x with C <= 32
/// (measured, docs/performance-kernels.md: a 3x3 stride-2 kernel, 1.78x,
/// gained 7-30 % for C = 8 to 32 and lost 16 % for C = 64; a 4x4 stride-2
/// kernel with padding 1, 2.25x, lost 20 %). Null otherwise, or when a
/// class gets no tap or the classes' offsets are not on one grid of d'.
Value mergedClassesCotangent(RuleBuilder &r, Value ct, Value swapped,
                             ArrayRef<int64_t> x, const Window2D &w) {
  ArrayRef<int64_t> k = shapeOf(swapped), o = shapeOf(ct);
  int64_t s[2] = {w.stride[0], w.stride[1]};
  int64_t q[2] = {(x[2] + s[0] - 1) / s[0], (x[3] + s[1] - 1) / s[1]};
  SmallVector<SubPixel> subs[2];
  // Per dimension: the classes' first ct row, their kernel's taps, the
  // classes' taps in all, and the taps' dilation d' (the same for all).
  int64_t first[2], extent[2], taps[2], dilation[2];
  for (int i = 0; i < 2; ++i) {
    for (int64_t rho = 0; rho < s[i]; ++rho)
      subs[i].push_back(
          subPixel(rho, x[2 + i], k[2 + i], s[i], w.dilation[i], w.padding[i]));
    if (llvm::any_of(subs[i], [](const SubPixel &sp) { return !sp.taps; }))
      return {};
    first[i] = llvm::min_element(subs[i], [](auto &a, auto &b) {
                 return a.offset < b.offset;
               })->offset;
    dilation[i] = subs[i][0].dilation;
    extent[i] = taps[i] = 0;
    for (const SubPixel &sp : subs[i]) {
      if ((sp.offset - first[i]) % dilation[i])
        return {};
      extent[i] =
          std::max(extent[i], (sp.offset - first[i]) / dilation[i] + sp.taps);
      taps[i] += sp.taps;
    }
  }
  int64_t merged = s[0] * s[1] * extent[0] * extent[1],
          useful = taps[0] * taps[1];
  if (2 * merged > 3 * useful && (merged >= 2 * useful || x[1] > 32))
    return {};
  OpBuilder &b = r.builder();
  SmallVector<Value> kernels;
  for (const SubPixel &h : subs[0])
    for (const SubPixel &v : subs[1]) {
      Value taken = r.create<SliceOp>(
          swapped, ArrayRef<int64_t>{0, 0, h.first, v.first}, k,
          attrUnlessAll(b, ArrayRef<int64_t>{1, 1, h.step, v.step}, 1));
      int64_t lowH = (h.offset - first[0]) / dilation[0],
              lowW = (v.offset - first[1]) / dilation[1];
      int64_t highH = extent[0] - lowH - h.taps,
              highW = extent[1] - lowW - v.taps;
      if (lowH || lowW || highH || highW)
        taken = r.create<PadOp>(taken, ArrayRef<int64_t>{0, 0, lowH, lowW},
                                ArrayRef<int64_t>{0, 0, highH, highW},
                                DenseI64ArrayAttr(), APFloat(0.0));
      kernels.push_back(taken);
    }
  SmallVector<int64_t> cropStart(4, 0), cropLimit(o);
  Window2D window = denseWindow({dilation[0], dilation[1]}, 1);
  for (int i = 0; i < 2; ++i)
    readCotangentRows(i, first[i], q[i], (extent[i] - 1) * dilation[i] + 1, o,
                      window, cropStart, cropLimit);
  Value classes =
      conv2d(r, cropCotangent(r, ct, cropStart, cropLimit),
             r.create<ConcatOp>(kernels, b.getI64IntegerAttr(0)), window);
  // [N, sh, sw, C, qh, qw] -> [N, C, qh, sh, qw, sw].
  Value split = r.reshape(classes, {x[0], s[0], s[1], x[1], q[0], q[1]});
  return cropToInput(r,
                     r.reshape(r.transpose(split, {0, 3, 4, 1, 5, 2}),
                               {x[0], x[1], q[0] * s[0], q[1] * s[1]}),
                     x);
}

/// The cotangent of conv2d's input: the transposed convolution of `ct` with
/// `weight` ([O, C/G, KH, KW]), whose kernel is flipped in space and has
/// input and output channels swapped within each group: [C, O/G, KH, KW].
/// A stride s is not spread into ct as zeros (which would make s² − 1 of
/// every s² products zero): each of the s_h·s_w residue classes of input
/// positions is a stride-1 convolution of ct with the taps of the kernel
/// that reach it, and the classes are interleaved.
Value convInputCotangent(RuleBuilder &r, Value ct, Value input, Value weight,
                         const Window2D &w) {
  ArrayRef<int64_t> k = shapeOf(weight), x = shapeOf(input), o = shapeOf(ct);
  int64_t groups = w.groups, outPerGroup = k[0] / groups;
  if (groups == 1 && (w.stride[0] > 1 || w.stride[1] > 1) &&
      tilesInput(w, x, o)) {
    // Strided windows that tile the input (a patch embedding): each input
    // element is in one window, and the cotangent is one product, ct per
    // output pixel [N·OH·OW, O] times the weight [O, C·KH·KW], each row laid
    // back into its window, where the classes below would be KH·KW small
    // convolutions. (Stride 1 is a 1x1 convolution: the runtime's own.)
    Value rows =
        r.reshape(r.transpose(ct, {0, 2, 3, 1}), {o[0] * o[2] * o[3], o[1]});
    Value patches =
        r.create<MatmulOp>(rows, r.reshape(weight, {k[0], k[1] * k[2] * k[3]}));
    Value windows = r.reshape(patches, {o[0], o[2], o[3], k[1], k[2], k[3]});
    return r.reshape(r.transpose(windows, {0, 3, 1, 4, 2, 5}), x);
  }
  Value flipped = r.create<ReverseOp>(weight, ArrayRef<int64_t>{2, 3});
  Value swapped;
  if (groups == 1) {
    swapped = r.transpose(flipped, {1, 0, 2, 3});
  } else {
    Value split = r.reshape(flipped, {groups, outPerGroup, k[1], k[2], k[3]});
    swapped = r.reshape(r.transpose(split, {0, 2, 1, 3, 4}),
                        {groups * k[1], outPerGroup, k[2], k[3]});
  }
  auto type = cast<RankedTensorType>(input.getType());
  int64_t sh = w.stride[0], sw = w.stride[1];
  // Every class padded to ceil(H / s) rows, so that they interleave.
  int64_t qh = (x[2] + sh - 1) / sh, qw = (x[3] + sw - 1) / sw;
  auto cotangentOfClass = [&](int64_t rh, int64_t rw) -> Value {
    SubPixel sub[2] = {
        subPixel(rh, x[2], k[2], sh, w.dilation[0], w.padding[0]),
        subPixel(rw, x[3], k[3], sw, w.dilation[1], w.padding[1])};
    auto full = type.clone({x[0], x[1], qh, qw});
    // No tap, no input row, or ct rows [offset, last] all outside [0, OH):
    // no window reaches the class.
    auto unreached = [&](int i) {
      const SubPixel &sp = sub[i];
      int64_t last = sp.offset + sp.rows - 1 + (sp.taps - 1) * sp.dilation;
      return sp.taps == 0 || sp.rows == 0 || last < 0 ||
             sp.offset > o[2 + i] - 1;
    };
    if (unreached(0) || unreached(1))
      return r.splat(full, 0.0);
    Value kernel = swapped;
    if (sub[0].taps != k[2] || sub[1].taps != k[3])
      kernel = r.create<SliceOp>(
          swapped, ArrayRef<int64_t>{0, 0, sub[0].first, sub[1].first},
          shapeOf(swapped),
          attrUnlessAll(r.builder(),
                        ArrayRef<int64_t>{1, 1, sub[0].step, sub[1].step}, 1));
    // ct rows [offset, offset + rows − 1 + (taps − 1)·d'] are read: what
    // lies outside [0, OH) is zero padding, what lies inside but before or
    // after is cropped.
    SmallVector<int64_t> cropStart(4, 0), cropLimit(o);
    Window2D window = denseWindow({sub[0].dilation, sub[1].dilation}, groups);
    for (int i = 0; i < 2; ++i)
      readCotangentRows(i, sub[i].offset, sub[i].rows,
                        (sub[i].taps - 1) * sub[i].dilation + 1, o, window,
                        cropStart, cropLimit);
    Value part =
        conv2d(r, cropCotangent(r, ct, cropStart, cropLimit), kernel, window);
    if (sub[0].rows == qh && sub[1].rows == qw)
      return part;
    return r.create<PadOp>(
        part, ArrayRef<int64_t>{0, 0, 0, 0},
        ArrayRef<int64_t>{0, 0, qh - sub[0].rows, qw - sub[1].rows},
        DenseI64ArrayAttr(), APFloat(0.0));
  };
  if (sh == 1 && sw == 1)
    return cotangentOfClass(0, 0);
  if (groups == 1)
    if (Value merged = mergedClassesCotangent(r, ct, swapped, x, w))
      return merged;
  // [N, C, qh, sh, qw, sw] viewed as [N, C, qh·sh, qw·sw], cropped to H, W.
  SmallVector<Value> rows;
  for (int64_t rh = 0; rh < sh; ++rh) {
    SmallVector<Value> columns;
    for (int64_t rw = 0; rw < sw; ++rw)
      columns.push_back(
          r.reshape(cotangentOfClass(rh, rw), {x[0], x[1], qh, 1, qw, 1}));
    rows.push_back(
        columns.size() == 1
            ? columns[0]
            : r.create<ConcatOp>(columns, r.builder().getI64IntegerAttr(5)));
  }
  Value stacked =
      rows.size() == 1
          ? rows[0]
          : r.create<ConcatOp>(rows, r.builder().getI64IntegerAttr(3));
  return cropToInput(r, r.reshape(stacked, {x[0], x[1], qh * sh, qw * sw}), x);
}

/// The cotangent of conv2d's weight, dw[o, c, i, j] = Σ_{n, y, x}
/// ct[n, o, y, x] · xpad[n, g·C/G + c, y·s + i·d, x·s + j·d]: a convolution
/// of the input, with the batch as channels ([C/G, G·N, H, W], grouped by
/// g), by the cotangent as a kernel ([O, N, OH, OW]), with the forward
/// padding, stride d and dilation s. The last rows and columns of the padded
/// input that no forward window reaches (fewer than s) are left out, from
/// the padding first: they would only widen the output beyond the kernel.
Value convWeightCotangent(RuleBuilder &r, Value ct, Value input, Value weight,
                          const Window2D &w) {
  ArrayRef<int64_t> k = shapeOf(weight), o = shapeOf(ct);
  Window2D swapped{{}, w.dilation, w.padding, w.stride, w.groups};
  SmallVector<int64_t> limit(shapeOf(input));
  for (int i = 0; i < 2; ++i) {
    int64_t padded = limit[2 + i] + w.padding[i] + w.padding[2 + i];
    int64_t unread = padded - (o[2 + i] - 1) * w.stride[i] - 1 -
                     (k[2 + i] - 1) * w.dilation[i];
    int64_t fromPadding = std::min(unread, w.padding[2 + i]);
    swapped.padding[2 + i] -= fromPadding;
    limit[2 + i] -= unread - fromPadding;
  }
  // Windows that read only padding along a dimension: dw is zero.
  if (limit[2] <= 0 || limit[3] <= 0)
    return r.splat(weight.getType(), 0.0);
  if (limit != shapeOf(input))
    input = r.create<SliceOp>(input, SmallVector<int64_t>(4, 0), limit,
                              DenseI64ArrayAttr());
  ArrayRef<int64_t> x = shapeOf(input);
  int64_t groups = w.groups, perGroup = x[1] / groups;
  Value batchAsChannels;
  if (groups == 1) {
    batchAsChannels = r.transpose(input, {1, 0, 2, 3});
  } else {
    Value split = r.reshape(input, {x[0], groups, perGroup, x[2], x[3]});
    batchAsChannels = r.reshape(r.transpose(split, {2, 1, 0, 3, 4}),
                                {perGroup, groups * x[0], x[2], x[3]});
  }
  Value dw = conv2d(r, batchAsChannels, r.transpose(ct, {1, 0, 2, 3}),
                    swapped); // [C/G, O, KH, KW]
  return r.transpose(dw, {1, 0, 2, 3});
}

struct Conv2DRule
    : public DifferentiableOpInterface::ExternalModel<Conv2DRule, Conv2DOp> {
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value ct = ctx.resultCotangent(0);
    if (!ct)
      return success();
    auto conv = cast<Conv2DOp>(op);
    Value x = conv.getInput(), w = conv.getWeight();
    Window2D window = conv.getWindow();
    RuleBuilder r(ctx.builder(), ctx.loc());
    if (failed(addCotangentIfNeeded(
            ctx, 0, [&] { return convInputCotangent(r, ct, x, w, window); })))
      return failure();
    return addCotangentIfNeeded(
        ctx, 1, [&] { return convWeightCotangent(r, ct, x, w, window); });
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value tx = ctx.operandTangent(0), tw = ctx.operandTangent(1);
    if (!tx && !tw)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.setResultTangent(0, r.bilinearTangent(op, tx, tw));
  }
};

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// `ToOp` (max_pool2d_scatter or _gather) of `source` over the windows of
/// `pool`'s operand.
template <typename ToOp, typename FromOp>
Value maxPoolRouting(RuleBuilder &r, FromOp pool, Value source) {
  return r.create<ToOp>(pool.getOperand(), source, pool.getKernelAttr(),
                        pool.getStrideAttr(), pool.getPaddingAttr());
}

/// max_pool2d: the derivative routes through each window's first maximum.
struct MaxPool2DRule
    : public DifferentiableOpInterface::ExternalModel<MaxPool2DRule,
                                                      MaxPool2DOp> {
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value ct = ctx.resultCotangent(0);
    if (!ct || !ctx.needsCotangent(0))
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.addOperandCotangent(
        0, maxPoolRouting<MaxPool2DScatterOp>(r, cast<MaxPool2DOp>(op), ct));
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value t = ctx.operandTangent(0);
    if (!t)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.setResultTangent(
        0, maxPoolRouting<MaxPool2DGatherOp>(r, cast<MaxPool2DOp>(op), t));
  }
};

/// max_pool2d_scatter and _gather: linear in `source` (the window maxima of
/// `operand` are piecewise constant, so `operand` gets nothing); each is the
/// other's transpose.
template <typename OpTy, typename TransposeOpTy>
struct MaxPoolRoutingRule : public DifferentiableOpInterface::ExternalModel<
                                MaxPoolRoutingRule<OpTy, TransposeOpTy>, OpTy> {
  bool isDifferentiableOperand(Operation *, unsigned index) const {
    return index == 1;
  }
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value ct = ctx.resultCotangent(0);
    if (!ct || !ctx.needsCotangent(1))
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.addOperandCotangent(
        1, maxPoolRouting<TransposeOpTy>(r, cast<OpTy>(op), ct));
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value t = ctx.operandTangent(1);
    if (!t)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.setResultTangent(0, r.cloneWith(op, {op->getOperand(0), t}));
  }
};

/// The divisor of each output position [OH, OW] of an `exclude_padding`
/// average pool `w` over an [.., .., H, W] input: the number of in-bounds
/// elements of its window.
Value windowCounts(RuleBuilder &r, Value like, ArrayRef<int64_t> inputShape,
                   ArrayRef<int64_t> outputShape, const Window2D &w) {
  std::array<SmallVector<int64_t>, 2> inBounds;
  for (int i = 0; i < 2; ++i)
    for (int64_t o = 0; o < outputShape[2 + i]; ++o) {
      int64_t first = o * w.stride[i] - w.padding[i];
      int64_t begin = std::max<int64_t>(first, 0);
      int64_t end = std::min(first + w.kernel[i], inputShape[2 + i]);
      inBounds[i].push_back(end - begin);
    }
  auto elementType =
      cast<FloatType>(cast<RankedTensorType>(like.getType()).getElementType());
  SmallVector<Attribute> counts;
  for (int64_t rows : inBounds[0])
    for (int64_t cols : inBounds[1])
      counts.push_back(FloatAttr::get(elementType, rows * cols));
  auto type =
      RankedTensorType::get({outputShape[2], outputShape[3]}, elementType);
  return r.create<ConstantOp>(DenseElementsAttr::get(type, counts));
}

/// `v` ([N, C, OH, OW]) repeated over windows that tile `in` ([N, C, H, W]):
/// each element broadcast into its KH x KW window, as [N, C, OH, 1, OW, 1]
/// broadcast to [N, C, OH, KH, OW, KW], read as [N, C, H, W]. An elementwise
/// loop, where the transposed window is a zero-spread copy and a depthwise
/// convolution.
Value broadcastIntoWindows(RuleBuilder &r, Value v, ArrayRef<int64_t> in) {
  ArrayRef<int64_t> out = shapeOf(v);
  Value column = r.reshape(v, {out[0], out[1], out[2], 1, out[3], 1});
  auto windows = cast<RankedTensorType>(v.getType())
                     .clone({out[0], out[1], out[2], in[2] / out[2], out[3],
                             in[3] / out[3]});
  return r.reshape(r.broadcastTo(column, windows), in);
}

/// avg_pool2d is linear: its tangent is the pool of the tangent, its
/// transpose spreads ct / divisor evenly over each window, a depthwise
/// transposed convolution with a kernel of ones (a broadcast into each
/// window when the windows tile the input).
struct AvgPool2DRule
    : public DifferentiableOpInterface::ExternalModel<AvgPool2DRule,
                                                      AvgPool2DOp> {
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value ct = ctx.resultCotangent(0);
    if (!ct || !ctx.needsCotangent(0))
      return success();
    auto pool = cast<AvgPool2DOp>(op);
    Window2D w = pool.getWindow();
    ArrayRef<int64_t> in = shapeOf(pool.getOperand());
    RuleBuilder r(ctx.builder(), ctx.loc());
    Value averaged =
        pool.getExcludePadding()
            ? r.div(ct, windowCounts(r, ct, in, shapeOf(ct), w))
            : r.scale(ct, 1.0 / static_cast<double>(w.kernel[0] * w.kernel[1]));
    if (tilesInput(w, in, shapeOf(ct)))
      return ctx.addOperandCotangent(0, broadcastIntoWindows(r, averaged, in));
    Value spread = spreadForTransposedWindow(r, averaged, in, w);
    auto kernelType = cast<RankedTensorType>(ct.getType())
                          .clone({in[1], 1, w.kernel[0], w.kernel[1]});
    Value ones = r.splat(kernelType, 1.0);
    return ctx.addOperandCotangent(
        0, conv2d(r, spread, ones, denseWindow({1, 1}, in[1])));
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value t = ctx.operandTangent(0);
    if (!t)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.setResultTangent(0, r.cloneWith(op, {t}));
  }
};

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

/// The statistics of `x` normalized over `axes`, rebuilt in the derivative:
/// x̂ = (x − μ) · r with μ the mean, σ² the biased variance and
/// r = 1/√(σ² + ε) (μ, σ² and r keep the axes as size 1).
struct Normalization {
  Normalization(RuleBuilder &r, Value x, ArrayRef<int64_t> axes, double epsilon)
      : axes(axes) {
    centered = r.sub(x, mean(r, x));
    // A square, as adj-decompose writes the forward op's variance: CSE then
    // shares the statistics with the forward pass instead of recomputing.
    variance = mean(r, r.create<SquareOp>(centered));
    invStd = r.create<RsqrtOp>(r.add(variance, r.scalar(x, epsilon)));
    normalized = r.mul(centered, invStd);
  }

  /// The mean of `v` over the normalized axes, kept as size 1.
  Value mean(RuleBuilder &r, Value v) const { return meanKeepDims(r, v, axes); }

  /// The product of x̂'s Jacobian with `v`: r · (v − mean(v) − x̂ mean(x̂ v)).
  /// The Jacobian is symmetric, so this is both the tangent of x̂ for a
  /// tangent `v` of x and the cotangent of x for a cotangent `v` of x̂.
  Value jacobianProduct(RuleBuilder &r, Value v) const {
    Value projected = r.sub(r.sub(v, mean(r, v)),
                            r.mul(normalized, mean(r, r.mul(normalized, v))));
    return r.mul(invStd, projected);
  }

  SmallVector<int64_t> axes;
  Value centered, variance, invStd, normalized;
};

/// The axes [from, rank) of `v`.
SmallVector<int64_t> trailingAxes(Value v, int64_t from) {
  return llvm::to_vector(
      llvm::seq<int64_t>(from, static_cast<int64_t>(shapeOf(v).size())));
}

/// layer_norm: y = x̂ · γ + β over the trailing axes; γ and β broadcast
/// against x from the right.
struct LayerNormRule
    : public DifferentiableOpInterface::ExternalModel<LayerNormRule,
                                                      LayerNormOp> {
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value ct = ctx.resultCotangent(0);
    if (!ct)
      return success();
    auto norm = cast<LayerNormOp>(op);
    Value x = norm.getOperand(), scale = norm.getScale();
    RuleBuilder r(ctx.builder(), ctx.loc());
    Normalization n(r, x, trailingAxes(x, norm.getAxis()),
                    norm.getEpsilon().convertToDouble());
    if (failed(addCotangentIfNeeded(
            ctx, 0, [&] { return n.jacobianProduct(r, r.mul(ct, scale)); })))
      return failure();
    if (failed(addCotangentIfNeeded(ctx, 1, [&] {
          return r.sumToType(r.mul(ct, n.normalized), scale.getType());
        })))
      return failure();
    return addCotangentIfNeeded(
        ctx, 2, [&] { return r.sumToType(ct, norm.getBias().getType()); });
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value tx = ctx.operandTangent(0), tScale = ctx.operandTangent(1),
          tBias = ctx.operandTangent(2);
    auto norm = cast<LayerNormOp>(op);
    Value x = norm.getOperand();
    Type type = x.getType();
    RuleBuilder r(ctx.builder(), ctx.loc());
    Normalization n(r, x, trailingAxes(x, norm.getAxis()),
                    norm.getEpsilon().convertToDouble());
    Value tangent;
    if (tx)
      tangent = r.mul(n.jacobianProduct(r, tx), norm.getScale());
    if (tScale)
      tangent = r.addTerms(tangent, r.mul(n.normalized, tScale));
    if (tBias)
      tangent = r.addTerms(tangent, r.broadcastTo(tBias, type));
    return tangent ? ctx.setResultTangent(0, tangent) : success();
  }
};

/// batch_norm: per channel (dimension 1) over every other dimension,
/// y = x̂ · γ + β; it also returns μ and σ² ([C]), whose derivatives are
/// ∂μ/∂x = 1/M and ∂σ²/∂x = 2 (x − μ)/M for the M elements of a channel.
struct BatchNormRule
    : public DifferentiableOpInterface::ExternalModel<BatchNormRule,
                                                      BatchNormOp> {
  /// The axes a channel's statistics reduce: all but 1.
  static SmallVector<int64_t> statisticsAxes(Value x) {
    SmallVector<int64_t> axes = trailingAxes(x, 0);
    axes.erase(axes.begin() + 1);
    return axes;
  }
  /// A [C] tensor viewed as [1, C, 1, ...] to broadcast against x.
  static Value perChannel(RuleBuilder &r, Value v, Value x) {
    SmallVector<int64_t> shape(shapeOf(x).size(), 1);
    shape[1] = shapeOf(v)[0];
    return r.reshape(v, shape);
  }
  /// A [1, C, 1, ...] tensor back as [C].
  static Value channels(RuleBuilder &r, Value v) {
    return r.reshape(v, {shapeOf(v)[1]});
  }

  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value ctY = ctx.resultCotangent(0), ctMean = ctx.resultCotangent(1),
          ctVar = ctx.resultCotangent(2);
    if (!ctY && !ctMean && !ctVar)
      return success();
    auto norm = cast<BatchNormOp>(op);
    Value x = norm.getOperand();
    SmallVector<int64_t> axes = statisticsAxes(x);
    double count = static_cast<double>(
        cast<RankedTensorType>(x.getType()).getNumElements() / shapeOf(x)[1]);
    RuleBuilder r(ctx.builder(), ctx.loc());
    Normalization n(r, x, axes, norm.getEpsilon().convertToDouble());
    // γ is constant over a channel's elements, so J (ct_y γ) needs only the
    // means that also give dβ = Σ ct_y and dγ = Σ ct_y x̂: two reductions,
    // not four (CSE shares them between the cotangents):
    // dx = r γ (ct_y − mean(ct_y) − x̂ mean(ct_y x̂))
    //      + ct_μ / M + ct_σ² · 2 (x − μ) / M.
    auto meanCt = [&] { return n.mean(r, ctY); };
    auto meanCtNormalized = [&] { return n.mean(r, r.mul(ctY, n.normalized)); };
    if (failed(addCotangentIfNeeded(ctx, 0, [&] {
          Value dx;
          if (ctY) {
            Value mean = meanCt(), meanNormalized = meanCtNormalized();
            Value projected =
                r.sub(r.sub(ctY, mean), r.mul(n.normalized, meanNormalized));
            Value factor = r.mul(n.invStd, perChannel(r, norm.getScale(), x));
            dx = r.mul(factor, projected);
          }
          if (ctMean) {
            Value share = r.scale(perChannel(r, ctMean, x), 1.0 / count);
            dx = r.addTerms(dx, r.broadcastTo(share, x.getType()));
          }
          if (ctVar) {
            Value share = r.scale(perChannel(r, ctVar, x), 2.0 / count);
            dx = r.addTerms(dx, r.mul(n.centered, share));
          }
          return dx;
        })))
      return failure();
    if (!ctY)
      return success();
    if (failed(addCotangentIfNeeded(ctx, 1, [&] {
          return channels(r, r.scale(meanCtNormalized(), count));
        })))
      return failure();
    return addCotangentIfNeeded(
        ctx, 2, [&] { return channels(r, r.scale(meanCt(), count)); });
  }

  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value tx = ctx.operandTangent(0), tScale = ctx.operandTangent(1),
          tBias = ctx.operandTangent(2);
    auto norm = cast<BatchNormOp>(op);
    Value x = norm.getOperand();
    RuleBuilder r(ctx.builder(), ctx.loc());
    Normalization n(r, x, statisticsAxes(x),
                    norm.getEpsilon().convertToDouble());
    Value tangent;
    if (tx)
      tangent =
          r.mul(n.jacobianProduct(r, tx), perChannel(r, norm.getScale(), x));
    if (tScale)
      tangent =
          r.addTerms(tangent, r.mul(n.normalized, perChannel(r, tScale, x)));
    if (tBias)
      tangent = r.addTerms(tangent,
                         r.broadcastTo(perChannel(r, tBias, x), x.getType()));
    if (tangent && failed(ctx.setResultTangent(0, tangent)))
      return failure();
    if (!tx)
      return success();
    // tμ = mean(tx), tσ² = 2 mean((x − μ) tx).
    if (failed(ctx.setResultTangent(1, channels(r, n.mean(r, tx)))))
      return failure();
    return ctx.setResultTangent(
        2, channels(r, r.scale(n.mean(r, r.mul(n.centered, tx)), 2.0)));
  }
};

} // namespace

void adjoint::registerNeuralNetworkRules(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, AdjDialect *) {
    SoftmaxOp::attachInterface<SoftmaxRule>(*ctx);
    LogSoftmaxOp::attachInterface<LogSoftmaxRule>(*ctx);
    SoftmaxCrossEntropyOp::attachInterface<SoftmaxCrossEntropyRule>(*ctx);
    Conv2DOp::attachInterface<Conv2DRule>(*ctx);
    MaxPool2DOp::attachInterface<MaxPool2DRule>(*ctx);
    MaxPool2DScatterOp::attachInterface<
        MaxPoolRoutingRule<MaxPool2DScatterOp, MaxPool2DGatherOp>>(*ctx);
    MaxPool2DGatherOp::attachInterface<
        MaxPoolRoutingRule<MaxPool2DGatherOp, MaxPool2DScatterOp>>(*ctx);
    AvgPool2DOp::attachInterface<AvgPool2DRule>(*ctx);
    LayerNormOp::attachInterface<LayerNormRule>(*ctx);
    BatchNormOp::attachInterface<BatchNormRule>(*ctx);
  });
}
