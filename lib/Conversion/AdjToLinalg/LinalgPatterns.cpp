//===- LinalgPatterns.cpp - Linear algebra and reductions to linalg -------===//
//
// Part of the Adjoint project.
//
// The contractions and reductions of the adj dialect become named linalg
// ops, which later tiling, packing and vectorization recognize:
//
//   adj.matmul [M,K] x [K,N]            linalg.matmul
//   adj.matmul [B..,M,K] x [K,N]        linalg.matmul on [B..*M, K] (a view)
//   adj.matmul [B..,M,K] x [B..,K,N]    linalg.batch_matmul on [prod(B..), ..],
//                                       after linalg.broadcast of an operand
//                                       whose batch dimensions broadcast
//   adj.dot                             linalg.dot
//   adj.transpose                       linalg.transpose
//   adj.sum/prod/max/min                linalg.reduce from the identity
//                                       (0, 1, -inf, +inf), then
//                                       tensor.expand_shape for keepdims
//
// Every accumulator starts from a linalg.fill of the identity. max and min
// combine with arith.maximumf/minimumf, so a NaN anywhere in the reduced
// elements gives NaN, as in the evaluator and numpy.max.
//
// populateAdjToLinalgPatterns, at the bottom, also gathers the elementwise
// (ElementwisePatterns.cpp) and shape (ShapePatterns.cpp) patterns.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Conversion/AdjToLinalg.h"

#include "Utils.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace adjoint;
using namespace adjoint::lowering;

namespace {

/// The product of `dims` (1 when empty).
int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

struct MatmulLowering : public OpConversionPattern<adj::MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    ArrayRef<int64_t> shape = op.getType().getShape();
    ArrayRef<int64_t> lhsShape =
        cast<RankedTensorType>(lhs.getType()).getShape();
    ArrayRef<int64_t> rhsShape =
        cast<RankedTensorType>(rhs.getType()).getShape();
    Type elementType = op.getType().getElementType();
    ArrayRef<int64_t> batchShape = shape.drop_back(2);
    int64_t batch = product(batchShape);
    int64_t m = shape[shape.size() - 2], n = shape.back(), k = lhsShape.back();
    auto zeros = [&](ArrayRef<int64_t> accShape) {
      return buildFilled(rewriter, loc,
                         RankedTensorType::get(accShape, elementType), 0.0);
    };

    // When rhs has no batch of its own and lhs is not repeated by the
    // broadcast, the batches of lhs are just more rows: one 2-D matmul on a
    // view of lhs (the linear layer on a [batch, seq, features] input).
    if (product(rhsShape.drop_back(2)) == 1 &&
        product(lhsShape.drop_back(2)) == batch) {
      Value a = reshapeTo(rewriter, loc, lhs, {batch * m, k});
      Value w = reshapeTo(rewriter, loc, rhs, {k, n});
      auto matmul = rewriter.create<linalg::MatmulOp>(
          loc, ValueRange{a, w}, ValueRange{zeros({batch * m, n})});
      rewriter.replaceOp(op,
                         reshapeTo(rewriter, loc, matmul.getResult(0), shape));
      return success();
    }

    // Otherwise linalg.batch_matmul over one batch dimension. Its operands
    // must have the full batch, so a broadcast operand is materialized; in
    // LLVM 19 the named op has no indexing maps to express the broadcast.
    auto batched = [&](Value operand, int64_t rows, int64_t cols) {
      SmallVector<int64_t> full(batchShape);
      full.append({rows, cols});
      Value broadcast = broadcastTo(rewriter, loc, operand, full);
      return reshapeTo(rewriter, loc, broadcast, {batch, rows, cols});
    };
    Value a = batched(lhs, m, k);
    Value w = batched(rhs, k, n);
    auto matmul = rewriter.create<linalg::BatchMatmulOp>(
        loc, ValueRange{a, w}, ValueRange{zeros({batch, m, n})});
    rewriter.replaceOp(op,
                       reshapeTo(rewriter, loc, matmul.getResult(0), shape));
    return success();
  }
};

struct DotLowering : public OpConversionPattern<adj::DotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::DotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value acc = buildFilled(rewriter, op.getLoc(), op.getType(), 0.0);
    rewriter.replaceOpWithNewOp<linalg::DotOp>(
        op, ValueRange{adaptor.getLhs(), adaptor.getRhs()}, ValueRange{acc});
    return success();
  }
};

struct TransposeLowering : public OpConversionPattern<adj::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    Value init = rewriter.create<tensor::EmptyOp>(op.getLoc(), type.getShape(),
                                                  type.getElementType());
    rewriter.replaceOpWithNewOp<linalg::TransposeOp>(op, adaptor.getOperand(),
                                                     init, op.getPermutation());
    return success();
  }
};

/// A reduction whose accumulator starts at `identity` and takes each element
/// with `CombineOp`.
template <typename OpTy, typename CombineOp>
class ReductionLowering : public OpConversionPattern<OpTy> {
public:
  ReductionLowering(MLIRContext *ctx, double identity)
      : OpConversionPattern<OpTy>(ctx), identity(identity) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value operand = adaptor.getOperand();
    auto type = cast<RankedTensorType>(operand.getType());
    SmallVector<int64_t> axes = op.getReducedAxes();
    // No axis (a 0-d operand, or `axes []`): every element is its own sum.
    if (axes.empty()) {
      rewriter.replaceOp(op, operand);
      return success();
    }
    SmallVector<int64_t> reducedShape;
    for (auto [d, size] : llvm::enumerate(type.getShape()))
      if (!llvm::is_contained(axes, static_cast<int64_t>(d)))
        reducedShape.push_back(size);
    Value init = buildFilled(
        rewriter, loc,
        RankedTensorType::get(reducedShape, type.getElementType()), identity);
    auto reduce = rewriter.create<linalg::ReduceOp>(
        loc, ValueRange{operand}, ValueRange{init}, axes,
        [](OpBuilder &b, Location bodyLoc, ValueRange args) {
          Value combined = b.create<CombineOp>(bodyLoc, args[0], args[1]);
          b.create<linalg::YieldOp>(bodyLoc, combined);
        });
    // With keepdims the reduced axes come back with size 1: a reshape that
    // only inserts unit dimensions, i.e. a tensor.expand_shape.
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, reduce.getResult(0),
                                     op.getType().getShape()));
    return success();
  }

private:
  double identity;
};

} // namespace

void adjoint::populateAdjToLinalgPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  populateElementwisePatterns(patterns);
  populateShapePatterns(patterns);
  patterns.add<MatmulLowering, DotLowering, TransposeLowering>(ctx);

  constexpr double kInf = std::numeric_limits<double>::infinity();
  patterns.add<ReductionLowering<adj::SumOp, arith::AddFOp>>(ctx, 0.0);
  patterns.add<ReductionLowering<adj::ProdOp, arith::MulFOp>>(ctx, 1.0);
  patterns.add<ReductionLowering<adj::MaxOp, arith::MaximumFOp>>(ctx, -kInf);
  patterns.add<ReductionLowering<adj::MinOp, arith::MinimumFOp>>(ctx, kInf);
}
