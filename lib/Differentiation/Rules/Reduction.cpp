//===- Reduction.cpp - Rules of reductions --------------------------------===//
//
// Part of the Adjoint project.
//
// Each result element of a reduction depends only on the operand elements of
// its slice, so one tensor w = ∂y/∂x, shaped like x (or broadcasting to it),
// holds the whole Jacobian, and one formula serves both modes:
//
//   reverse   dx = expand(dy) · w           (expand:
//   RuleBuilder::expandReduced) forward   ty = sum(tx · w, axes) (keepdims as
//   the op)
//
// with, per op (ŷ is y expanded back to x's shape):
//
//   sum        w = 1
//   mean       w = 1 / N                    N: the number of reduced elements
//   max, min   w = [x = ŷ] / #{x = ŷ}       see "Ties" below
//   prod       w = Π_{j≠i} xⱼ               see "Zeros" below
//   logsumexp  w = exp(x - ŷ)               the softmax; x - ŷ ≤ 0, so stable
//
// Ties: where several elements of a slice equal its maximum (or minimum),
// the cotangent is split evenly among them, as torch.amax / torch.amin do,
// and the tangent is the mean of their tangents. For two tied elements this
// is what central finite differences give.
//
// Zeros: w for prod is not computed as y / x. With P the product of the
// slice's non-zero elements and z its number of zeros,
//   z = 0:  w = P / xᵢ;   z = 1:  w = P at the zero, 0 elsewhere;   z ≥ 2: 0,
// which is exact however many elements are zero.
//
//===----------------------------------------------------------------------===//

#include "Rules.h"

#include "adjoint/Differentiation/RuleBuilder.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace adjoint;
using namespace adjoint::adj;
using CD = adj::ComparisonDirection;

namespace {

//===----------------------------------------------------------------------===//
// ∂y/∂x, given x, y = reduce(x) and the reduced axes; null when it is 1
//===----------------------------------------------------------------------===//

template <typename OpTy>
Value partial(RuleBuilder &r, OpTy op, Value x, Value y,
              ArrayRef<int64_t> axes);

template <>
Value partial(RuleBuilder &, SumOp, Value, Value, ArrayRef<int64_t>) {
  return {};
}
template <>
Value partial(RuleBuilder &r, MeanOp, Value x, Value, ArrayRef<int64_t> axes) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t count = 1;
  for (int64_t axis : axes)
    count *= type.getDimSize(axis);
  return r.scalar(x, 1.0 / static_cast<double>(count));
}

/// The share of the slice's extremum y that each element of x holds: 1 / k
/// at each of the k elements equal to it, 0 elsewhere.
Value tiedShare(RuleBuilder &r, Value x, Value y, ArrayRef<int64_t> axes) {
  Value isExtremum =
      r.compare(CD::eq, x, r.expandReduced(y, x.getType(), axes));
  Value hits = r.convertElementType(isExtremum, getElementTypeOrSelf(x));
  return r.div(hits, r.sum(hits, axes, /*keepdims=*/true));
}
template <>
Value partial(RuleBuilder &r, MaxOp, Value x, Value y, ArrayRef<int64_t> axes) {
  return tiedShare(r, x, y, axes);
}
template <>
Value partial(RuleBuilder &r, MinOp, Value x, Value y, ArrayRef<int64_t> axes) {
  return tiedShare(r, x, y, axes);
}

template <>
Value partial(RuleBuilder &r, ProdOp, Value x, Value, ArrayRef<int64_t> axes) {
  OpBuilder &b = r.builder();
  Value zero = r.scalar(x, 0.0), one = r.scalar(x, 1.0);
  Value isZero = r.compare(CD::eq, x, zero);
  Value nonZero = r.select(isZero, one, x);
  // P and z of each slice, with the reduced dimensions kept.
  Value p = r.create<ProdOp>(nonZero, b.getDenseI64ArrayAttr(axes),
                             /*keepdims=*/true);
  Value zeros = r.sum(r.convertElementType(isZero, getElementTypeOrSelf(x)),
                      axes, /*keepdims=*/true);
  Value atZero = r.select(r.compare(CD::eq, zeros, one), p, zero);
  Value elsewhere =
      r.select(r.compare(CD::eq, zeros, zero), r.div(p, nonZero), zero);
  return r.select(isZero, atZero, elsewhere);
}

template <>
Value partial(RuleBuilder &r, LogSumExpOp, Value x, Value y,
              ArrayRef<int64_t> axes) {
  return r.create<ExpOp>(r.sub(x, r.expandReduced(y, x.getType(), axes)));
}

template <typename OpTy>
struct ReductionRule
    : public DifferentiableOpInterface::ExternalModel<ReductionRule<OpTy>,
                                                      OpTy> {
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value dy = ctx.resultCotangent(0);
    if (!dy || !ctx.needsCotangent(0))
      return success();
    auto reduction = cast<OpTy>(op);
    SmallVector<int64_t> axes = reduction.getReducedAxes();
    RuleBuilder r(ctx.builder(), ctx.loc());
    Value x = reduction.getOperand();
    Value dx = r.expandReduced(dy, x.getType(), axes);
    if (Value w = partial(r, reduction, x, reduction.getResult(), axes))
      dx = r.mul(dx, w);
    return ctx.addOperandCotangent(0, dx);
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value tx = ctx.operandTangent(0);
    if (!tx)
      return success();
    auto reduction = cast<OpTy>(op);
    SmallVector<int64_t> axes = reduction.getReducedAxes();
    RuleBuilder r(ctx.builder(), ctx.loc());
    if (Value w = partial(r, reduction, reduction.getOperand(),
                          reduction.getResult(), axes))
      tx = r.mul(tx, w);
    return ctx.setResultTangent(
        0, r.sum(tx, axes, static_cast<bool>(reduction.getKeepdims())));
  }
};

} // namespace

void adjoint::registerReductionRules(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, AdjDialect *) {
    SumOp::attachInterface<ReductionRule<SumOp>>(*ctx);
    MeanOp::attachInterface<ReductionRule<MeanOp>>(*ctx);
    MaxOp::attachInterface<ReductionRule<MaxOp>>(*ctx);
    MinOp::attachInterface<ReductionRule<MinOp>>(*ctx);
    ProdOp::attachInterface<ReductionRule<ProdOp>>(*ctx);
    LogSumExpOp::attachInterface<ReductionRule<LogSumExpOp>>(*ctx);
  });
}
