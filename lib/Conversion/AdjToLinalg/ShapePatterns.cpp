//===- ShapePatterns.cpp - Shape adj ops to tensor and linalg -------------===//
//
// Part of the Adjoint project.
//
// Ops that move elements without arithmetic, lowered to views where the
// elements stay in place and to parallel linalg ops otherwise:
//
//   reshape        tensor.collapse_shape / tensor.expand_shape (views)
//   broadcast_to   linalg.broadcast of the operand without its unit dims
//   slice          tensor.extract_slice with strides
//   concat         tensor.insert_slice of each input into a tensor.empty
//                  (tensor.concat exists in LLVM 19 but does not bufferize)
//   pad            tensor.pad; with interior padding, linalg.fill of the
//                  value and a strided tensor.insert_slice of the operand
//   gather         linalg.generic over the result; each element is a
//                  tensor.extract of the operand at its clamped index
//   scatter_add    scf.for over the indices, each adding a slice of the
//                  updates into the accumulator with a linalg.generic
//   one_hot        linalg.generic comparing linalg.index to the label
//   reverse        linalg.generic extracting at the mirrored position
//
// Out-of-range indices of gather and scatter_add are undefined behaviour for
// the op (the evaluator reports them); the lowering clamps them to
// [0, size - 1], as XLA does, so that compiled code never reads or writes
// outside a buffer. Clamping both keeps scatter_add the exact transpose of
// gather even then.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace adjoint;
using namespace adjoint::lowering;

namespace {

struct ReshapeLowering : public OpConversionPattern<adj::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op,
                       reshapeTo(rewriter, op.getLoc(), adaptor.getOperand(),
                                 op.getType().getShape()));
    return success();
  }
};

struct BroadcastToLowering : public OpConversionPattern<adj::BroadcastToOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::BroadcastToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op,
                       broadcastTo(rewriter, op.getLoc(), adaptor.getOperand(),
                                   op.getType().getShape()));
    return success();
  }
};

struct SliceLowering : public OpConversionPattern<adj::SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = getContext();
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, op.getType(), adaptor.getOperand(),
        getAsIndexOpFoldResult(ctx, op.getStart()),
        getAsIndexOpFoldResult(ctx, op.getType().getShape()),
        getAsIndexOpFoldResult(ctx, op.getStrides()));
    return success();
  }
};

struct ConcatLowering : public OpConversionPattern<adj::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t axis = op.getAxis();
    Value result = rewriter.create<tensor::EmptyOp>(loc, type.getShape(),
                                                    type.getElementType());
    SmallVector<int64_t> offsets(type.getRank(), 0);
    SmallVector<int64_t> strides(type.getRank(), 1);
    for (Value input : adaptor.getInputs()) {
      ArrayRef<int64_t> sizes =
          cast<RankedTensorType>(input.getType()).getShape();
      result = rewriter.create<tensor::InsertSliceOp>(
          loc, input, result, getAsIndexOpFoldResult(getContext(), offsets),
          getAsIndexOpFoldResult(getContext(), sizes),
          getAsIndexOpFoldResult(getContext(), strides));
      offsets[axis] += sizes[axis];
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct PadLowering : public OpConversionPattern<adj::PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    RankedTensorType type = op.getType();
    Value operand = adaptor.getOperand();
    double value = op.getValue().convertToDouble();
    SmallVector<int64_t> interior = op.getInteriorPadding();

    // Without interior padding, tensor.pad, which tiling and vectorization
    // understand.
    if (llvm::all_of(interior, [](int64_t i) { return i == 0; })) {
      Value padValue = rewriter.create<arith::ConstantOp>(
          loc, rewriter.getFloatAttr(type.getElementType(), value));
      rewriter.replaceOpWithNewOp<tensor::PadOp>(
          op, type, operand, getAsIndexOpFoldResult(ctx, op.getLow()),
          getAsIndexOpFoldResult(ctx, op.getHigh()), padValue);
      return success();
    }

    // tensor.pad has no interior padding: write the operand with stride
    // interior + 1 into a tensor filled with the value.
    SmallVector<int64_t> strides;
    for (int64_t i : interior)
      strides.push_back(i + 1);
    Value filled = buildFilled(rewriter, loc, type, value);
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
        op, operand, filled, getAsIndexOpFoldResult(ctx, op.getLow()),
        getAsIndexOpFoldResult(
            ctx, cast<RankedTensorType>(operand.getType()).getShape()),
        getAsIndexOpFoldResult(ctx, strides));
    return success();
  }
};

/// result[outer, j, inner] = operand[outer, clamp(indices[j]), inner], with
/// `outer` the dimensions before `axis` and `j` those of the indices.
struct GatherLowering : public OpConversionPattern<adj::GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Value operand = adaptor.getOperand();
    auto operandType = cast<RankedTensorType>(operand.getType());
    int64_t axis = op.getAxis();
    int64_t indexRank =
        cast<RankedTensorType>(adaptor.getIndices().getType()).getRank();
    // Nothing can be read from an empty operand; every index is out of range
    // (or the result is empty too).
    if (operandType.getNumElements() == 0) {
      rewriter.replaceOp(op, buildFilled(rewriter, loc, type, 0.0));
      return success();
    }

    SmallVector<AffineExpr> indexDims;
    for (int64_t d = axis; d < axis + indexRank; ++d)
      indexDims.push_back(rewriter.getAffineDimExpr(d));
    AffineMap indicesMap =
        AffineMap::get(type.getRank(), 0, indexDims, getContext());
    int64_t size = operandType.getDimSize(axis);
    rewriter.replaceOp(
        op, buildParallelGeneric(
                rewriter, loc, type, adaptor.getIndices(), indicesMap,
                [&](OpBuilder &b, Location bodyLoc, ValueRange args) {
                  SmallVector<Value> position;
                  for (int64_t d = 0; d < axis; ++d)
                    position.push_back(b.create<linalg::IndexOp>(bodyLoc, d));
                  position.push_back(clampIndex(b, bodyLoc, args[0], size));
                  for (int64_t d = axis + indexRank; d < type.getRank(); ++d)
                    position.push_back(b.create<linalg::IndexOp>(bodyLoc, d));
                  return b.create<tensor::ExtractOp>(bodyLoc, operand,
                                                     position);
                }));
    return success();
  }
};

/// result[outer, clamp(indices[j]), inner] += updates[outer, j, inner].
///
/// Repeated indices make the updates of one result element a sequence, so
/// there is no parallel linalg form short of a generic over the result that
/// scans every index for each element (quadratic for an embedding's
/// gradient). Instead, a loop nest over the indices, in row-major order as
/// the evaluator, adds the [outer, inner] slice of the updates at `j` into
/// the accumulator's slice at the index, with a parallel linalg.generic that
/// computes into that slice: the accumulator is updated in place once
/// bufferized, and each element receives its updates in the evaluator's
/// order.
struct ScatterAddLowering : public OpConversionPattern<adj::ScatterAddOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::ScatterAddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Value updates = adaptor.getUpdates(), indices = adaptor.getIndices();
    ArrayRef<int64_t> indexShape =
        cast<RankedTensorType>(indices.getType()).getShape();
    ArrayRef<int64_t> shape = type.getShape();
    int64_t axis = op.getAxis();
    int64_t size = shape[axis];
    Value zeros = buildFilled(rewriter, loc, type, 0.0);
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(op, zeros);
      return success();
    }

    // The slices keep every dimension: [outer..., 1..., inner...] of the
    // updates at [0..., j..., 0...] and [outer..., 1, inner...] of the
    // accumulator at [0..., index, 0...]; the sum reads the first with 0 for
    // its index dimensions. (MLIR 19's canonicalizer breaks a rank-reducing
    // slice between unit dimensions once its offset is a constant: it moved
    // the unit size to the first unit dimension.)
    SmallVector<int64_t> updateShape(shape.take_front(axis));
    updateShape.append(indexShape.size(), 1);
    llvm::append_range(updateShape, shape.drop_front(axis + 1));
    SmallVector<int64_t> accShape(shape);
    accShape[axis] = 1;
    auto updateType = RankedTensorType::get(updateShape, type.getElementType());
    auto accType = RankedTensorType::get(accShape, type.getElementType());
    SmallVector<OpFoldResult> updateSizes =
        getAsIndexOpFoldResult(getContext(), updateShape);
    SmallVector<OpFoldResult> accSizes =
        getAsIndexOpFoldResult(getContext(), accShape);
    SmallVector<OpFoldResult> updateStrides(updateSizes.size(),
                                            rewriter.getIndexAttr(1));
    SmallVector<OpFoldResult> accStrides(shape.size(),
                                         rewriter.getIndexAttr(1));
    SmallVector<AffineExpr> updateExprs;
    for (int64_t d = 0; d < axis; ++d)
      updateExprs.push_back(rewriter.getAffineDimExpr(d));
    updateExprs.append(indexShape.size(), rewriter.getAffineConstantExpr(0));
    for (int64_t d = axis + 1; d < type.getRank(); ++d)
      updateExprs.push_back(rewriter.getAffineDimExpr(d));
    auto updateMap =
        AffineMap::get(type.getRank(), 0, updateExprs, getContext());

    auto addSlice = [&](OpBuilder &b, Location bodyLoc, ValueRange ivs,
                        ValueRange iterArgs) -> scf::ValueVector {
      Value acc = iterArgs[0];
      Value index = clampIndex(
          b, bodyLoc, b.create<tensor::ExtractOp>(bodyLoc, indices, ivs), size);
      SmallVector<OpFoldResult> updateOffsets(axis, b.getIndexAttr(0));
      llvm::append_range(updateOffsets, getAsOpFoldResult(ivs));
      updateOffsets.append(shape.size() - axis - 1, b.getIndexAttr(0));
      SmallVector<OpFoldResult> accOffsets(shape.size(), b.getIndexAttr(0));
      accOffsets[axis] = index;

      Value update = b.create<tensor::ExtractSliceOp>(
          bodyLoc, updateType, updates, updateOffsets, updateSizes,
          updateStrides);
      Value current = b.create<tensor::ExtractSliceOp>(
          bodyLoc, accType, acc, accOffsets, accSizes, accStrides);
      Value sum = buildParallelGeneric(
          b, bodyLoc, accType, update, updateMap,
          [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            return nested.create<arith::AddFOp>(nestedLoc, args[1], args[0]);
          },
          /*init=*/current);
      return {b.create<tensor::InsertSliceOp>(bodyLoc, sum, acc, accOffsets,
                                              accSizes, accStrides)};
    };

    SmallVector<Value> lbs, ubs, steps;
    Value zero = rewriter.create<arith::ConstantIndexOp>(loc, 0);
    Value one = rewriter.create<arith::ConstantIndexOp>(loc, 1);
    for (int64_t extent : indexShape) {
      lbs.push_back(zero);
      ubs.push_back(rewriter.create<arith::ConstantIndexOp>(loc, extent));
      steps.push_back(one);
    }
    scf::LoopNest nest =
        scf::buildLoopNest(rewriter, loc, lbs, ubs, steps, zeros, addSlice);
    rewriter.replaceOp(op, nest.results.front());
    return success();
  }
};

/// result[..., c] = indices[...] == c ? 1 : 0.
struct OneHotLowering : public OpConversionPattern<adj::OneHotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::OneHotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    int64_t classDim = type.getRank() - 1;
    // The labels are read at every class: drop the last dimension.
    AffineMap labelsMap =
        AffineMap::getMultiDimIdentityMap(type.getRank(), getContext())
            .dropResult(classDim);
    Type elementType = type.getElementType();
    rewriter.replaceOp(
        op, buildParallelGeneric(
                rewriter, op.getLoc(), type, adaptor.getIndices(), labelsMap,
                [&](OpBuilder &b, Location loc, ValueRange args) {
                  Value label = args[0];
                  Value c = b.create<arith::IndexCastOp>(
                      loc, label.getType(),
                      b.create<linalg::IndexOp>(loc, classDim));
                  Value hit = b.create<arith::CmpIOp>(
                      loc, arith::CmpIPredicate::eq, label, c);
                  return b.create<arith::UIToFPOp>(loc, elementType, hit);
                }));
    return success();
  }
};

/// result[i] = operand[i with size - 1 - i along each reversed dimension].
/// A reversing indexing map ((d0) -> (N - 1 - d0)) would be shorter, but
/// linalg tiling assumes maps that grow with the loop indices and would
/// compute wrong slices for it.
struct ReverseLowering : public OpConversionPattern<adj::ReverseOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::ReverseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    Value operand = adaptor.getOperand();
    ArrayRef<int64_t> dims = op.getDims();
    rewriter.replaceOp(
        op,
        buildParallelGeneric(
            rewriter, op.getLoc(), type, {}, {},
            [&](OpBuilder &b, Location loc, ValueRange) {
              SmallVector<Value> position;
              for (int64_t d = 0; d < type.getRank(); ++d) {
                Value i = b.create<linalg::IndexOp>(loc, d);
                if (llvm::is_contained(dims, d))
                  i = b.create<arith::SubIOp>(loc,
                                              b.create<arith::ConstantIndexOp>(
                                                  loc, type.getDimSize(d) - 1),
                                              i);
                position.push_back(i);
              }
              return b.create<tensor::ExtractOp>(loc, operand, position);
            }));
    return success();
  }
};

} // namespace

void lowering::populateShapePatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, BroadcastToLowering, SliceLowering,
               ConcatLowering, PadLowering, GatherLowering, ScatterAddLowering,
               OneHotLowering, ReverseLowering>(patterns.getContext());
}
