//===- StableMath.cpp - Numerically stable forms of adj compositions ------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Dialect/Adj/IR/StableMath.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace adjoint::adj;

Value adjoint::adj::buildSoftplus(OpBuilder &b, Location loc, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  auto scalar = [&](double value) -> Value {
    auto scalarType = RankedTensorType::get({}, type.getElementType());
    return b.create<ConstantOp>(
        loc, DenseElementsAttr::get(
                 scalarType, b.getFloatAttr(type.getElementType(), value)));
  };
  Value zero = scalar(0.0);
  Value positive = b.create<CompareOp>(loc, ComparisonDirection::gt, x, zero);
  Value linear = b.create<SelectOp>(loc, positive, x, zero);
  Value negated = b.create<NegOp>(loc, type, x);
  Value minusAbs = b.create<SelectOp>(loc, positive, negated, x);
  Value log1p =
      b.create<Log1pOp>(loc, type, b.create<ExpOp>(loc, type, minusAbs));
  return b.create<AddOp>(loc, linear, log1p);
}

namespace {
/// log(sigmoid(x)) -> -softplus(-x) and log(1 - sigmoid(x)) -> -softplus(x)
/// (1 - sigmoid(x) = sigmoid(-x)): finite where sigmoid rounds to 0 or 1
/// (below about -88 in f32, -745 in f64), where the log is -inf and its
/// derivative NaN. adj.log's canonicalization, so every pipeline gets it;
/// the compiler canonicalizes before adj-differentiate, so the derivative
/// is built from the stable form.
struct StableLogSigmoid : public OpRewritePattern<LogOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LogOp op,
                                PatternRewriter &rewriter) const override {
    Value operand = op.getOperand();
    Type type = op.getType();
    Value softplusOf;
    if (auto sigmoid = operand.getDefiningOp<SigmoidOp>()) {
      softplusOf =
          rewriter.create<NegOp>(op.getLoc(), type, sigmoid.getOperand());
    } else if (auto sub = operand.getDefiningOp<SubOp>()) {
      auto sigmoid = sub.getRhs().getDefiningOp<SigmoidOp>();
      // The 1 must not broadcast the sigmoid to a larger shape.
      if (!sigmoid || sigmoid.getType() != type ||
          !matchPattern(sub.getLhs(), m_OneFloat()))
        return failure();
      softplusOf = sigmoid.getOperand();
    } else {
      return failure();
    }
    Value softplus = buildSoftplus(rewriter, op.getLoc(), softplusOf);
    rewriter.replaceOpWithNewOp<NegOp>(op, type, softplus);
    return success();
  }
};
} // namespace

void LogOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                        MLIRContext *context) {
  patterns.add<StableLogSigmoid>(context);
}
