//===- NNPatterns.cpp - Convolution and pooling to linalg -----------------===//
//
// Part of the Adjoint project.
//
// The window ops of the adj dialect (NCHW, OIHW kernels, padding
// [top, left, bottom, right]) become linalg ops on tensors:
//
//   adj.conv2d, groups 1    tensor.pad (0) -> linalg.conv_2d_nchw_fchw
//   adj.conv2d, groups G    tensor.pad (0), input expanded to [N, G, C/G, H, W]
//                           and weight to [G, O/G, C/G, KH, KW]
//                           -> linalg.conv_2d_ngchw_gfchw -> [N, G, O/G, ..]
//                           collapsed to [N, O, OH, OW]
//   adj.max_pool2d          tensor.pad (-inf) -> linalg.pooling_nchw_max from
//                           -inf (arith.maximumf: a NaN wins, as in the
//                           reference evaluator); small tiling windows (stride
//                           = kernel, no padding): one linalg.generic over
//                           the output, its window's elements read in the
//                           body, marked for adj-lower-to-kernels
//   adj.avg_pool2d          tensor.pad (0) -> a depthwise convolution with
//                           a kernel of ones (linalg.conv_2d_ngchw_gfchw,
//                           one channel a group: the runtime's depthwise
//                           kernel), then a division by KH * KW, or with
//                           exclude_padding by a constant [OH, OW] tensor of
//                           the in-bounds counts
//   adj.max_pool2d_gather   one linalg.generic over the output: each window
//                           finds its argmax, then reads `source` there
//   adj.max_pool2d_scatter  a linalg.generic over the output computes each
//                           window's argmax (row-major position in its plane);
//                           a linalg.generic over the input then sums, for
//                           each position, `source` over the windows covering
//                           it whose argmax it is. When the windows tile the
//                           input, one generic over the input: the one window
//                           covering a position, found by a division, and
//                           its argmax; marked for adj-lower-to-kernels
//
// The marked generics (kMaxPoolKernelAttr, kMaxPoolScatterKernelAttr) become
// calls of the runtime's pooling kernels after bufferization: a generic
// reads a window's positions at a stride, which LLVM vectorized with
// gathers.
//
// The argmax is the reference evaluator's: the first maximum in row-major
// window order, padded positions never win, a NaN beats every number and
// the first NaN wins. A window walks its KH x KW positions with an scf.for
// nest inside the generic's body, reading the input with tensor.extract at a
// clamped position and ignoring the out-of-bounds ones; a small window
// without padding is unrolled instead: its maximum, then the first position
// holding it (or the first NaN).
//
// The scatter is not written as a generic over the windows adding into the
// input's positions: windows overlap when the stride is below the kernel, so
// that form would race. Each input position instead visits the at most
// ceil(KH/SH) x ceil(KW/SW) windows covering it, in row-major order, so its
// sum is accumulated in the reference's order.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Conversion/AdjToLinalg.h"

#include "Utils.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace adjoint;
using namespace adjoint::lowering;
using adj::Window2D;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// `x` (NCHW) padded by `padding` ([top, left, bottom, right]) with `value`;
/// `x` itself without padding.
static Value padSpatial(OpBuilder &b, Location loc, Value x,
                        const std::array<int64_t, 4> &padding, double value) {
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[2] += padding[0] + padding[2];
  shape[3] += padding[1] + padding[3];
  SmallVector<OpFoldResult> low = {b.getIndexAttr(0), b.getIndexAttr(0),
                                   b.getIndexAttr(padding[0]),
                                   b.getIndexAttr(padding[1])};
  SmallVector<OpFoldResult> high = {b.getIndexAttr(0), b.getIndexAttr(0),
                                    b.getIndexAttr(padding[2]),
                                    b.getIndexAttr(padding[3])};
  Value padValue = b.create<arith::ConstantOp>(
      loc, b.getFloatAttr(type.getElementType(), value));
  return b.create<tensor::PadOp>(loc, type.clone(shape), x, low, high,
                                 padValue);
}

/// The `strides` and `dilations` attributes of a linalg convolution or
/// pooling op.
static SmallVector<NamedAttribute> windowAttrs(OpBuilder &b,
                                               const Window2D &w) {
  return {b.getNamedAttr("strides", b.getI64TensorAttr(w.stride)),
          b.getNamedAttr("dilations", b.getI64TensorAttr(w.dilation))};
}

namespace {
/// Index arithmetic at one place in a body.
struct IndexMath {
  OpBuilder &b;
  Location loc;

  Value constant(int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); }
  Value add(Value x, Value y) { return b.create<arith::AddIOp>(loc, x, y); }
  Value add(Value x, int64_t y) { return y == 0 ? x : add(x, constant(y)); }
  Value mul(Value x, int64_t y) {
    return y == 1 ? x : b.create<arith::MulIOp>(loc, x, constant(y));
  }
  Value max(Value x, int64_t y) {
    return b.create<arith::MaxSIOp>(loc, x, constant(y));
  }
  Value min(Value x, int64_t y) {
    return b.create<arith::MinSIOp>(loc, x, constant(y));
  }
  Value cmp(arith::CmpIPredicate predicate, Value x, int64_t y) {
    return b.create<arith::CmpIOp>(loc, predicate, x, constant(y));
  }
  Value both(Value x, Value y) {
    if (!x)
      return y;
    return y ? b.create<arith::AndIOp>(loc, x, y) : x;
  }
  /// `linalg.index` of every dimension of a body's iteration space.
  SmallVector<Value> loopIndices(int64_t rank) {
    return llvm::to_vector(
        llvm::map_range(llvm::seq<int64_t>(0, rank), [&](int64_t d) -> Value {
          return b.create<linalg::IndexOp>(loc, d);
        }));
  }
};

/// The position of the first maximum of one pooling window.
struct WindowArgMax {
  Value row, column;
};
} // namespace

/// Builds, inside a body, the argmax of the window (`oh`, `ow`) of plane
/// (`n`, `c`) of the NCHW `input` (see the file comment for its rules).
static WindowArgMax buildWindowArgMax(OpBuilder &b, Location loc, Value input,
                                      const Window2D &w, Value n, Value c,
                                      Value oh, Value ow) {
  IndexMath m{b, loc};
  auto type = cast<RankedTensorType>(input.getType());
  Type elementType = type.getElementType();
  int64_t height = type.getDimSize(2), width = type.getDimSize(3);
  // The window's top-left corner, possibly in the padding.
  Value top = m.add(m.mul(oh, w.stride[0]), -w.padding[0]);
  Value left = m.add(m.mul(ow, w.stride[1]), -w.padding[1]);

  // A small window without padding, without a loop: its maximum `best`
  // (arith.maximumf: a NaN if there is one), then the first position equal
  // to it, or the first NaN when it is one. The loop below carries its
  // state from position to position; here only the last selects do.
  if (w.kernel[0] * w.kernel[1] <= 16 &&
      llvm::all_of(w.padding, [](int64_t p) { return p == 0; })) {
    SmallVector<Value> values, rows, columns;
    for (int64_t i = 0; i < w.kernel[0]; ++i) {
      for (int64_t j = 0; j < w.kernel[1]; ++j) {
        rows.push_back(m.add(top, i));
        columns.push_back(m.add(left, j));
        values.push_back(b.create<tensor::ExtractOp>(
            loc, input, ValueRange{n, c, rows.back(), columns.back()}));
      }
    }
    Value best = values[0];
    for (Value v : ArrayRef(values).drop_front())
      best = b.create<arith::MaximumFOp>(loc, best, v);
    Value row = rows.back(), column = columns.back();
    for (int64_t p = values.size() - 2; p >= 0; --p) {
      Value equal = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ,
                                            values[p], best);
      Value nan = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO,
                                          values[p], values[p]);
      Value match = b.create<arith::OrIOp>(loc, equal, nan);
      row = b.create<arith::SelectOp>(loc, match, rows[p], row);
      column = b.create<arith::SelectOp>(loc, match, columns[p], column);
    }
    return {row, column};
  }

  Value zero = m.constant(0), one = m.constant(1);
  Value kernelRows = m.constant(w.kernel[0]);
  Value kernelColumns = m.constant(w.kernel[1]);
  // The loop state: the best value so far, its row and column, and whether
  // an in-bounds position has been seen.
  Value init[] = {
      b.create<arith::ConstantOp>(loc, b.getFloatAttr(elementType, 0.0)), zero,
      zero, b.create<arith::ConstantIntOp>(loc, 0, 1)};
  auto rows = b.create<scf::ForOp>(
      loc, zero, kernelRows, one, init,
      [&](OpBuilder &b, Location loc, Value i, ValueRange state) {
        auto columns = b.create<scf::ForOp>(
            loc, zero, kernelColumns, one, state,
            [&](OpBuilder &b, Location loc, Value j, ValueRange state) {
              IndexMath m{b, loc};
              Value best = state[0], bestRow = state[1], bestColumn = state[2],
                    found = state[3];
              Value row = m.add(top, i), column = m.add(left, j);
              // Only the padded sides need a bounds check; a position out
              // of bounds is read clamped and ignored.
              Value inBounds;
              using Pred = arith::CmpIPredicate;
              if (w.padding[0] > 0) {
                inBounds = m.both(inBounds, m.cmp(Pred::sge, row, 0));
                row = m.max(row, 0);
              }
              if (w.padding[2] > 0) {
                inBounds = m.both(inBounds, m.cmp(Pred::slt, row, height));
                row = m.min(row, height - 1);
              }
              if (w.padding[1] > 0) {
                inBounds = m.both(inBounds, m.cmp(Pred::sge, column, 0));
                column = m.max(column, 0);
              }
              if (w.padding[3] > 0) {
                inBounds = m.both(inBounds, m.cmp(Pred::slt, column, width));
                column = m.min(column, width - 1);
              }
              Value v = b.create<tensor::ExtractOp>(
                  loc, input, ValueRange{n, c, row, column});
              // v wins when best is not NaN and v is NaN or larger (ugt is
              // "unordered or greater"); anything wins over nothing.
              Value bestIsNumber = b.create<arith::CmpFOp>(
                  loc, arith::CmpFPredicate::ORD, best, best);
              Value greater = b.create<arith::CmpFOp>(
                  loc, arith::CmpFPredicate::UGT, v, best);
              Value beats = b.create<arith::AndIOp>(loc, bestIsNumber, greater);
              Value notFound = b.create<arith::XOrIOp>(
                  loc, found, b.create<arith::ConstantIntOp>(loc, 1, 1));
              Value take = m.both(inBounds,
                                  b.create<arith::OrIOp>(loc, notFound, beats));
              auto select = [&](Value onTrue, Value onFalse) -> Value {
                return b.create<arith::SelectOp>(loc, take, onTrue, onFalse);
              };
              b.create<scf::YieldOp>(
                  loc, ValueRange{select(v, best), select(row, bestRow),
                                  select(column, bestColumn),
                                  b.create<arith::OrIOp>(loc, found, take)});
            });
        b.create<scf::YieldOp>(loc, columns.getResults());
      });
  return {rows.getResult(1), rows.getResult(2)};
}

/// The windows along one axis that cover position `x`: window o covers
/// [o * S - P, o * S - P + K), so x lies in the windows
/// [ceil((x + P - K + 1) / S), floor((x + P) / S)], clamped to [0, windows).
/// Returns the half-open range [begin, end), empty when begin >= end.
static std::pair<Value, Value> coveringWindows(IndexMath &m, Value x,
                                               int64_t kernel, int64_t stride,
                                               int64_t padBefore,
                                               int64_t windows) {
  // x + P - K + 1 may be negative: clamped to 0 first, the unsigned
  // division of (it + S - 1) by S rounds up.
  Value shifted = m.add(x, padBefore - kernel + stride);
  Value begin = m.b.create<arith::DivUIOp>(m.loc, m.max(shifted, stride - 1),
                                           m.constant(stride));
  Value last = m.b.create<arith::DivUIOp>(m.loc, m.add(x, padBefore),
                                          m.constant(stride));
  return {begin, m.min(m.add(last, 1), windows)};
}

/// Builds, inside a body over the input of a max_pool2d_scatter, the value
/// at `at` = (n, c, row, column): the sum of `source` over the windows
/// covering the position whose argmax (in `positions`, row * `width` +
/// column) it is, in row-major window order as the reference adds them.
static Value buildSumOverWonWindows(OpBuilder &b, Location loc, Value source,
                                    Value positions, const Window2D &w,
                                    int64_t width, ArrayRef<Value> at) {
  IndexMath m{b, loc};
  auto sourceType = cast<RankedTensorType>(source.getType());
  Value n = at[0], c = at[1], row = at[2], column = at[3];
  Value rowBegin, rowEnd, columnBegin, columnEnd;
  std::tie(rowBegin, rowEnd) = coveringWindows(
      m, row, w.kernel[0], w.stride[0], w.padding[0], sourceType.getDimSize(2));
  std::tie(columnBegin, columnEnd) =
      coveringWindows(m, column, w.kernel[1], w.stride[1], w.padding[1],
                      sourceType.getDimSize(3));
  Value self = m.add(m.mul(row, width), column);
  Value zero = b.create<arith::ConstantOp>(
      loc, b.getFloatAttr(sourceType.getElementType(), 0.0));
  Value one = m.constant(1);
  auto overRows = b.create<scf::ForOp>(
      loc, rowBegin, rowEnd, one, ValueRange{zero},
      [&](OpBuilder &b, Location loc, Value oh, ValueRange sum) {
        auto overColumns = b.create<scf::ForOp>(
            loc, columnBegin, columnEnd, one, sum,
            [&](OpBuilder &b, Location loc, Value ow, ValueRange sum) {
              Value window[] = {n, c, oh, ow};
              Value argMax =
                  b.create<tensor::ExtractOp>(loc, positions, window);
              Value won = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                                  argMax, self);
              Value value = b.create<tensor::ExtractOp>(loc, source, window);
              Value added = b.create<arith::AddFOp>(loc, sum[0], value);
              b.create<scf::YieldOp>(loc, ValueRange{b.create<arith::SelectOp>(
                                              loc, won, added, sum[0])});
            });
        b.create<scf::YieldOp>(loc, overColumns.getResults());
      });
  return overRows.getResult(0);
}

/// The value of a max_pool2d_scatter over tiling windows (stride = kernel,
/// no padding) at the body's position: the one window covering it, if any,
/// is (row / KH, column / KW), whose argmax the body finds, so that one
/// generic reads the input and `source`, the operands of the runtime kernel
/// that replaces it. The sum starts from 0 as the general form's does (a -0
/// becomes +0), so both give the same bits.
static Value buildTiledWindowValue(OpBuilder &b, Location loc, Value input,
                                   Value source, const Window2D &w) {
  IndexMath m{b, loc};
  SmallVector<Value> at = m.loopIndices(4);
  auto sourceType = cast<RankedTensorType>(source.getType());
  int64_t windowRows = sourceType.getDimSize(2),
          windowColumns = sourceType.getDimSize(3);
  Value oh = b.create<arith::DivUIOp>(loc, at[2], m.constant(w.kernel[0]));
  Value ow = b.create<arith::DivUIOp>(loc, at[3], m.constant(w.kernel[1]));
  // Rows and columns past the last whole window belong to none: clamp the
  // window and reject them.
  using Pred = arith::CmpIPredicate;
  Value inside = m.both(m.cmp(Pred::slt, oh, windowRows),
                        m.cmp(Pred::slt, ow, windowColumns));
  Value window[] = {at[0], at[1], m.min(oh, windowRows - 1),
                    m.min(ow, windowColumns - 1)};
  WindowArgMax argMax = buildWindowArgMax(b, loc, input, w, window[0],
                                          window[1], window[2], window[3]);
  Value sameRow = b.create<arith::CmpIOp>(loc, Pred::eq, argMax.row, at[2]);
  Value sameColumn =
      b.create<arith::CmpIOp>(loc, Pred::eq, argMax.column, at[3]);
  Value won = m.both(inside, m.both(sameRow, sameColumn));
  Value zero = b.create<arith::ConstantOp>(
      loc, b.getFloatAttr(sourceType.getElementType(), 0.0));
  Value value = b.create<arith::AddFOp>(
      loc, zero, b.create<tensor::ExtractOp>(loc, source, window));
  return b.create<arith::SelectOp>(loc, won, value, zero);
}

/// Marks the generic computing `v` with `attr` = the window [KH, KW].
static void markPoolKernel(Value v, StringRef attr, const Window2D &w) {
  Operation *generic = v.getDefiningOp();
  generic->setAttr(attr, DenseI64ArrayAttr::get(generic->getContext(),
                                                ArrayRef<int64_t>(w.kernel)));
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

namespace {

/// A grouped convolution of `input` (already padded) with `weight`:
/// [N, C, H, W] -> [N, G, C/G, H, W], [O, C/G, KH, KW] -> [G, O/G, C/G, KH,
/// KW], linalg.conv_2d_ngchw_gfchw, and its result back to [N, O, OH, OW].
static Value buildGroupedConv(OpBuilder &b, Location loc, Value input,
                              Value weight, RankedTensorType resultType,
                              int64_t g, ArrayRef<NamedAttribute> attrs) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  ArrayRef<int64_t> in = inputType.getShape(), k = weightType.getShape(),
                    out = resultType.getShape();
  auto groupedInputType = inputType.clone({in[0], g, in[1] / g, in[2], in[3]});
  auto groupedWeightType = weightType.clone({g, k[0] / g, k[1], k[2], k[3]});
  auto groupedResultType =
      resultType.clone({out[0], g, out[1] / g, out[2], out[3]});
  SmallVector<ReassociationIndices> splitChannels = {{0}, {1, 2}, {3}, {4}};
  SmallVector<ReassociationIndices> splitOutputs = {{0, 1}, {2}, {3}, {4}};
  Value groupedInput = b.create<tensor::ExpandShapeOp>(loc, groupedInputType,
                                                       input, splitChannels);
  Value groupedWeight = b.create<tensor::ExpandShapeOp>(loc, groupedWeightType,
                                                        weight, splitOutputs);
  Value init = buildFilled(b, loc, groupedResultType, 0.0);
  Value grouped =
      b.create<linalg::Conv2DNgchwGfchwOp>(
           loc, TypeRange{groupedResultType},
           ValueRange{groupedInput, groupedWeight}, ValueRange{init}, attrs)
          ->getResult(0);
  return b.create<tensor::CollapseShapeOp>(loc, resultType, grouped,
                                           splitChannels);
}

struct Conv2DLowering : public OpConversionPattern<adj::Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Window2D w = op.getWindow();
    RankedTensorType resultType = op.getType();
    Value input = padSpatial(rewriter, loc, adaptor.getInput(), w.padding, 0.0);
    Value weight = adaptor.getWeight();
    SmallVector<NamedAttribute> attrs = windowAttrs(rewriter, w);

    if (w.groups == 1) {
      Value init = buildFilled(rewriter, loc, resultType, 0.0);
      rewriter.replaceOp(
          op, rewriter
                  .create<linalg::Conv2DNchwFchwOp>(loc, TypeRange{resultType},
                                                    ValueRange{input, weight},
                                                    ValueRange{init}, attrs)
                  ->getResult(0));
      return success();
    }
    rewriter.replaceOp(op, buildGroupedConv(rewriter, loc, input, weight,
                                            resultType, w.groups, attrs));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// An empty [KH, KW] tensor: the window operand of a linalg pooling op,
/// which only gives the window its shape.
static Value buildWindowShape(OpBuilder &b, Location loc, const Window2D &w,
                              Type elementType) {
  return b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>(w.kernel),
                                   elementType);
}

struct MaxPool2DLowering : public OpConversionPattern<adj::MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Window2D w = op.getWindow();
    RankedTensorType resultType = op.getType();
    const double lowest = -std::numeric_limits<double>::infinity();
    // Small tiling windows: one generic over the output whose body reads
    // its window's few elements. linalg's pooling op becomes a loop nest
    // that stores the running maximum at every window position.
    if (w.stride == w.kernel && w.kernel[0] * w.kernel[1] <= 16 &&
        llvm::all_of(w.padding, [](int64_t p) { return p == 0; })) {
      Value input = adaptor.getOperand();
      Value pooled = buildParallelGeneric(
          rewriter, loc, resultType, {}, {},
          [&](OpBuilder &b, Location loc, ValueRange) -> Value {
            IndexMath m{b, loc};
            SmallVector<Value> at = m.loopIndices(4);
            Value top = m.mul(at[2], w.kernel[0]),
                  left = m.mul(at[3], w.kernel[1]);
            // From -inf in row-major window order, as linalg's op.
            Value best = b.create<arith::ConstantOp>(
                loc, b.getFloatAttr(resultType.getElementType(), lowest));
            for (int64_t i = 0; i < w.kernel[0]; ++i)
              for (int64_t j = 0; j < w.kernel[1]; ++j)
                best = b.create<arith::MaximumFOp>(
                    loc, best,
                    b.create<tensor::ExtractOp>(loc, input,
                                                ValueRange{at[0], at[1],
                                                           m.add(top, i),
                                                           m.add(left, j)}));
            return best;
          });
      markPoolKernel(pooled, kMaxPoolKernelAttr, w);
      rewriter.replaceOp(op, pooled);
      return success();
    }
    Value input =
        padSpatial(rewriter, loc, adaptor.getOperand(), w.padding, lowest);
    Value window =
        buildWindowShape(rewriter, loc, w, resultType.getElementType());
    Value init = buildFilled(rewriter, loc, resultType, lowest);
    rewriter.replaceOp(op, rewriter
                               .create<linalg::PoolingNchwMaxOp>(
                                   loc, TypeRange{resultType},
                                   ValueRange{input, window}, ValueRange{init},
                                   windowAttrs(rewriter, w))
                               ->getResult(0));
    return success();
  }
};

/// The number of in-bounds positions of each window along one axis of
/// `size` elements.
static SmallVector<int64_t> inBoundsCounts(int64_t windows, int64_t size,
                                           int64_t kernel, int64_t stride,
                                           int64_t padBefore) {
  SmallVector<int64_t> counts;
  for (int64_t o = 0; o < windows; ++o) {
    int64_t first = o * stride - padBefore;
    counts.push_back(std::min(first + kernel, size) -
                     std::max<int64_t>(first, 0));
  }
  return counts;
}

struct AvgPool2DLowering : public OpConversionPattern<adj::AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Window2D w = op.getWindow();
    RankedTensorType resultType = op.getType();
    Type elementType = resultType.getElementType();
    Value input =
        padSpatial(rewriter, loc, adaptor.getOperand(), w.padding, 0.0);
    // The window sums as a depthwise convolution with a kernel of ones: each
    // window adds its elements in row-major order from 0, as linalg's
    // pooling op, and f32 and f64 ones become calls of the runtime's
    // depthwise kernel (adj-lower-to-kernels).
    int64_t channels = resultType.getDimSize(1);
    Value ones =
        buildFilled(rewriter, loc,
                    RankedTensorType::get(
                        {channels, 1, w.kernel[0], w.kernel[1]}, elementType),
                    1.0);
    Value sum = buildGroupedConv(rewriter, loc, input, ones, resultType,
                                 channels, windowAttrs(rewriter, w));

    bool padded = llvm::any_of(w.padding, [](int64_t p) { return p != 0; });
    if (!op.getExcludePadding() || !padded) {
      // Every window counts KH * KW positions.
      Value divisor = rewriter.create<arith::ConstantOp>(
          loc, rewriter.getFloatAttr(elementType, w.kernel[0] * w.kernel[1]));
      rewriter.replaceOp(
          op, buildParallelGeneric(
                  rewriter, loc, resultType, {}, {},
                  [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                    return b.create<arith::DivFOp>(loc, args[0], divisor);
                  },
                  sum));
      return success();
    }

    // Divide each window by its in-bounds count: a constant [OH, OW].
    int64_t oh = resultType.getDimSize(2), ow = resultType.getDimSize(3);
    ArrayRef<int64_t> in = op.getOperand().getType().getShape();
    SmallVector<int64_t> rows =
        inBoundsCounts(oh, in[2], w.kernel[0], w.stride[0], w.padding[0]);
    SmallVector<int64_t> columns =
        inBoundsCounts(ow, in[3], w.kernel[1], w.stride[1], w.padding[1]);
    SmallVector<Attribute> counts;
    for (int64_t r : rows)
      for (int64_t c : columns)
        counts.push_back(rewriter.getFloatAttr(elementType, r * c));
    auto countsType = RankedTensorType::get({oh, ow}, elementType);
    Value divisors = rewriter.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(countsType, counts));
    MLIRContext *ctx = rewriter.getContext();
    AffineMap spatial = AffineMap::get(
        4, 0, {getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)}, ctx);
    rewriter.replaceOp(
        op, buildParallelGeneric(
                rewriter, loc, resultType, {divisors}, {spatial},
                [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                  return b.create<arith::DivFOp>(loc, args[1], args[0]);
                },
                sum));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Max pooling's derivatives
//===----------------------------------------------------------------------===//

struct MaxPool2DGatherLowering
    : public OpConversionPattern<adj::MaxPool2DGatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::MaxPool2DGatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Window2D w = op.getWindow();
    Value input = adaptor.getOperand(), source = adaptor.getSource();
    // result[n, c, oh, ow] = source[n, c, argmax of window (oh, ow)].
    rewriter.replaceOp(
        op, buildParallelGeneric(
                rewriter, op.getLoc(), op.getType(), {}, {},
                [&](OpBuilder &b, Location loc, ValueRange) -> Value {
                  SmallVector<Value> at = IndexMath{b, loc}.loopIndices(4);
                  WindowArgMax argMax = buildWindowArgMax(
                      b, loc, input, w, at[0], at[1], at[2], at[3]);
                  return b.create<tensor::ExtractOp>(
                      loc, source,
                      ValueRange{at[0], at[1], argMax.row, argMax.column});
                }));
    return success();
  }
};

struct MaxPool2DScatterLowering
    : public OpConversionPattern<adj::MaxPool2DScatterOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::MaxPool2DScatterOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Window2D w = op.getWindow();
    Value input = adaptor.getOperand(), source = adaptor.getSource();
    auto sourceType = cast<RankedTensorType>(source.getType());
    int64_t width = op.getType().getDimSize(3);

    // Tiling windows (stride = kernel, no padding) cover a position at most
    // once: its window is found by a division, without loops, and one
    // generic over the input finds that window's argmax and reads `source`.
    if (w.stride == w.kernel &&
        llvm::all_of(w.padding, [](int64_t p) { return p == 0; })) {
      Value scattered = buildParallelGeneric(
          rewriter, loc, op.getType(), {}, {},
          [&](OpBuilder &b, Location loc, ValueRange) -> Value {
            return buildTiledWindowValue(b, loc, input, source, w);
          });
      // The runtime kernel tells the input from `source` by their shapes,
      // equal for 1 x 1 windows.
      if (w.kernel[0] * w.kernel[1] > 1)
        markPoolKernel(scattered, kMaxPoolScatterKernelAttr, w);
      rewriter.replaceOp(op, scattered);
      return success();
    }

    // 1. The argmax of every window, as a position row * W + column.
    Value positions = buildParallelGeneric(
        rewriter, loc, sourceType.clone(rewriter.getIndexType()), {}, {},
        [&](OpBuilder &b, Location loc, ValueRange) -> Value {
          IndexMath m{b, loc};
          SmallVector<Value> at = m.loopIndices(4);
          WindowArgMax argMax =
              buildWindowArgMax(b, loc, input, w, at[0], at[1], at[2], at[3]);
          return m.add(m.mul(argMax.row, width), argMax.column);
        });

    // 2. Every input position sums `source` over the windows it won.
    rewriter.replaceOp(
        op, buildParallelGeneric(
                rewriter, loc, op.getType(), {}, {},
                [&](OpBuilder &b, Location loc, ValueRange) -> Value {
                  SmallVector<Value> at = IndexMath{b, loc}.loopIndices(4);
                  return buildSumOverWonWindows(b, loc, source, positions, w,
                                                width, at);
                }));
    return success();
  }
};

} // namespace

void adjoint::populateAdjNNToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<AvgPool2DLowering, Conv2DLowering, MaxPool2DGatherLowering,
               MaxPool2DLowering, MaxPool2DScatterLowering>(
      patterns.getContext());
}
