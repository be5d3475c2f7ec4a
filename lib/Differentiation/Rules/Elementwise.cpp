//===- Elementwise.cpp - Rules of elementwise ops -------------------------===//
//
// Part of the Adjoint project.
//
// An elementwise op's Jacobian is diagonal, so one formula serves both modes:
// `chain(x, y, d)` is d · f'(x) for y = f(x), applied to a cotangent in
// reverse mode and to a tangent in forward mode. Binary ops give one such
// formula per operand; in reverse mode the product is summed back over the
// dimensions broadcasting added (RuleBuilder::sumToType).
//
// Choices at non-differentiable points, as PyTorch makes them:
//   relu'(0) = 0;  abs'(0) = 0;  maximum/minimum at ties give each operand
//   half the cotangent;  pow(a, b): d/da is 0 where b = 0 and d/db is 0
//   where a = 0 and b >= 0.
//
//===----------------------------------------------------------------------===//

#include "Rules.h"

#include "adjoint/Differentiation/RuleBuilder.h"

#include <cmath>

using namespace mlir;
using namespace adjoint;
using namespace adjoint::adj;
using CD = adj::ComparisonDirection;

namespace {

//===----------------------------------------------------------------------===//
// Unary ops: d · f'(x), given x, y = f(x) and d
//===----------------------------------------------------------------------===//

template <typename OpTy>
Value chain(RuleBuilder &r, OpTy op, Value x, Value y, Value d);

template <>
Value chain(RuleBuilder &r, NegOp, Value, Value, Value d) {
  return r.neg(d);
}
template <>
Value chain(RuleBuilder &r, AbsOp, Value x, Value, Value d) {
  Value zero = r.scalar(x, 0.0);
  Value sign = r.select(r.compare(CD::gt, x, zero), r.splatLike(x, 1.0),
                        r.select(r.compare(CD::lt, x, zero),
                                 r.splatLike(x, -1.0), r.zerosLike(x)));
  return r.mul(d, sign);
}
template <>
Value chain(RuleBuilder &r, ExpOp, Value, Value y, Value d) {
  return r.mul(d, y);
}
template <>
Value chain(RuleBuilder &r, LogOp, Value x, Value, Value d) {
  return r.div(d, x);
}
template <>
Value chain(RuleBuilder &r, Log1pOp, Value x, Value, Value d) {
  return r.div(d, r.add(x, r.scalar(x, 1.0)));
}
template <>
Value chain(RuleBuilder &r, SqrtOp, Value, Value y, Value d) {
  return r.div(d, r.scale(y, 2.0));
}
template <>
Value chain(RuleBuilder &r, RsqrtOp, Value, Value y, Value d) {
  // d/dx x^-1/2 = -1/2 x^-3/2 = -1/2 y^3.
  return r.mul(d, r.scale(r.mul(r.mul(y, y), y), -0.5));
}
template <>
Value chain(RuleBuilder &r, TanhOp, Value, Value y, Value d) {
  return r.mul(d, r.sub(r.scalar(y, 1.0), r.mul(y, y)));
}
template <>
Value chain(RuleBuilder &r, SigmoidOp, Value, Value y, Value d) {
  return r.mul(d, r.mul(y, r.sub(r.scalar(y, 1.0), y)));
}
template <>
Value chain(RuleBuilder &r, ReluOp, Value x, Value, Value d) {
  return r.select(r.compare(CD::gt, x, r.scalar(x, 0.0)), d, r.zerosLike(d));
}
template <>
Value chain(RuleBuilder &r, SinOp, Value x, Value, Value d) {
  return r.mul(d, r.create<CosOp>(x));
}
template <>
Value chain(RuleBuilder &r, CosOp, Value x, Value, Value d) {
  return r.mul(d, r.neg(r.create<SinOp>(x)));
}
// The inverse functions' derivatives are those PyTorch computes: 1/sqrt of
// 1 - x^2 (asin, acos), x^2 + 1 (asinh), x^2 - 1 (acosh); 1/(1 + x^2) (atan)
// and 1/(1 - x^2) (atanh).
template <> Value chain(RuleBuilder &r, TanOp, Value, Value y, Value d) {
  return r.mul(d, r.add(r.scalar(y, 1.0), r.mul(y, y)));
}
template <> Value chain(RuleBuilder &r, AsinOp, Value x, Value, Value d) {
  return r.div(d, r.create<SqrtOp>(r.sub(r.scalar(x, 1.0), r.mul(x, x))));
}
template <> Value chain(RuleBuilder &r, AcosOp, Value x, Value, Value d) {
  return r.neg(
      r.div(d, r.create<SqrtOp>(r.sub(r.scalar(x, 1.0), r.mul(x, x)))));
}
template <> Value chain(RuleBuilder &r, AtanOp, Value x, Value, Value d) {
  return r.div(d, r.add(r.scalar(x, 1.0), r.mul(x, x)));
}
template <> Value chain(RuleBuilder &r, SinhOp, Value x, Value, Value d) {
  return r.mul(d, r.create<CoshOp>(x));
}
template <> Value chain(RuleBuilder &r, CoshOp, Value x, Value, Value d) {
  return r.mul(d, r.create<SinhOp>(x));
}
template <> Value chain(RuleBuilder &r, AsinhOp, Value x, Value, Value d) {
  return r.div(d, r.create<SqrtOp>(r.add(r.mul(x, x), r.scalar(x, 1.0))));
}
template <> Value chain(RuleBuilder &r, AcoshOp, Value x, Value, Value d) {
  return r.div(d, r.create<SqrtOp>(r.sub(r.mul(x, x), r.scalar(x, 1.0))));
}
template <> Value chain(RuleBuilder &r, AtanhOp, Value x, Value, Value d) {
  return r.div(d, r.sub(r.scalar(x, 1.0), r.mul(x, x)));
}
template <>
Value chain(RuleBuilder &r, SquareOp, Value x, Value, Value d) {
  return r.mul(d, r.scale(x, 2.0));
}
template <>
Value chain(RuleBuilder &r, ErfOp, Value x, Value, Value d) {
  // erf'(x) = 2/sqrt(pi) e^(-x^2).
  Value gauss = r.create<ExpOp>(r.neg(r.mul(x, x)));
  return r.mul(d, r.scale(gauss, 2.0 / std::sqrt(M_PI)));
}
template <>
Value chain(RuleBuilder &r, GeluOp op, Value x, Value, Value d) {
  if (op.getApproximate() == GeluApproximation::none) {
    // gelu(x) = x Φ(x): gelu'(x) = Φ(x) + x φ(x), with
    // Φ(x) = (1 + erf(x/√2)) / 2 and φ(x) = e^(-x²/2) / √(2π).
    Value cdf = r.scale(
        r.add(r.scalar(x, 1.0), r.create<ErfOp>(r.scale(x, M_SQRT1_2))), 0.5);
    Value pdf = r.scale(r.create<ExpOp>(r.scale(r.mul(x, x), -0.5)),
                        1.0 / std::sqrt(2.0 * M_PI));
    return r.mul(d, r.add(cdf, r.mul(x, pdf)));
  }
  // gelu(x) = x (1 + tanh u) / 2 with u = √(2/π) (x + 0.044715 x³):
  // gelu'(x) = (1 + tanh u) / 2 + x (1 - tanh² u) u' / 2,
  // u' = √(2/π) (1 + 3 · 0.044715 x²).
  const double k = std::sqrt(2.0 / M_PI), c = 0.044715;
  Value x2 = r.mul(x, x);
  Value u = r.scale(r.add(x, r.scale(r.mul(x2, x), c)), k);
  Value t = r.create<TanhOp>(u);
  Value du = r.scale(r.add(r.scalar(x, 1.0), r.scale(x2, 3.0 * c)), k);
  Value half = r.scale(r.add(r.scalar(x, 1.0), t), 0.5);
  Value rest = r.scale(r.mul(r.mul(x, r.sub(r.scalar(x, 1.0), r.mul(t, t))),
                             du),
                       0.5);
  return r.mul(d, r.add(half, rest));
}

template <typename OpTy>
struct UnaryRule
    : public DifferentiableOpInterface::ExternalModel<UnaryRule<OpTy>, OpTy> {
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value ct = ctx.resultCotangent(0);
    if (!ct || !ctx.needsCotangent(0))
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.addOperandCotangent(
        0, chain(r, cast<OpTy>(op), op->getOperand(0), op->getResult(0), ct));
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value t = ctx.operandTangent(0);
    if (!t)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.setResultTangent(
        0, chain(r, cast<OpTy>(op), op->getOperand(0), op->getResult(0), t));
  }
};

//===----------------------------------------------------------------------===//
// Binary ops: d · ∂y/∂a and d · ∂y/∂b, given a, b, y = f(a, b) and d
//===----------------------------------------------------------------------===//

struct Partials {
  Value lhs, rhs;
};

template <typename OpTy>
Partials chain2(RuleBuilder &r, Value a, Value b, Value y, Value d);

template <>
Partials chain2<AddOp>(RuleBuilder &, Value, Value, Value, Value d) {
  return {d, d};
}
template <>
Partials chain2<SubOp>(RuleBuilder &r, Value, Value, Value, Value d) {
  return {d, r.neg(d)};
}
template <>
Partials chain2<MulOp>(RuleBuilder &r, Value a, Value b, Value, Value d) {
  return {r.mul(d, b), r.mul(d, a)};
}
template <>
Partials chain2<DivOp>(RuleBuilder &r, Value, Value b, Value y, Value d) {
  // y = a / b: ∂y/∂a = 1/b, ∂y/∂b = -a/b² = -y/b.
  return {r.div(d, b), r.neg(r.div(r.mul(d, y), b))};
}
template <>
Partials chain2<PowOp>(RuleBuilder &r, Value a, Value b, Value y, Value d) {
  // ∂y/∂a = b a^(b-1) (0 where b = 0); ∂y/∂b = y log a (0 where a = 0 and
  // b >= 0, where y log a would be 0 · -inf; -inf where a = 0 and b < 0).
  Value da = r.mul(b, r.create<PowOp>(a, r.sub(b, r.scalar(b, 1.0))));
  da = r.select(r.compare(CD::eq, b, r.scalar(b, 0.0)), r.zerosLike(da), da);
  Value db = r.mul(y, r.create<LogOp>(a));
  Value zero = r.zerosLike(db);
  db = r.select(r.compare(CD::eq, a, r.scalar(a, 0.0)),
                r.select(r.compare(CD::ge, b, r.scalar(b, 0.0)), zero, db), db);
  return {r.mul(d, da), r.mul(d, db)};
}

/// The share of the derivative of max(a, b) (or min) that goes to `a`:
/// 1 where a wins, 1/2 at ties, 0 where b wins.
Value winnerShare(RuleBuilder &r, CD wins, Value a, Value b) {
  Value shape = r.add(a, b); // only for its broadcast type
  Value one = r.splatLike(shape, 1.0), half = r.splatLike(shape, 0.5);
  return r.select(r.compare(wins, a, b), one,
                  r.select(r.compare(CD::eq, a, b), half, r.zerosLike(one)));
}
template <>
Partials chain2<MaximumOp>(RuleBuilder &r, Value a, Value b, Value,
                           Value d) {
  Value share = winnerShare(r, CD::gt, a, b);
  return {r.mul(d, share), r.mul(d, r.sub(r.scalar(share, 1.0), share))};
}
template <>
Partials chain2<MinimumOp>(RuleBuilder &r, Value a, Value b, Value,
                           Value d) {
  Value share = winnerShare(r, CD::lt, a, b);
  return {r.mul(d, share), r.mul(d, r.sub(r.scalar(share, 1.0), share))};
}

template <typename OpTy>
struct BinaryRule
    : public DifferentiableOpInterface::ExternalModel<BinaryRule<OpTy>, OpTy> {
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value ct = ctx.resultCotangent(0);
    if (!ct)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    Value a = op->getOperand(0), b = op->getOperand(1);
    Partials p = chain2<OpTy>(r, a, b, op->getResult(0), ct);
    if (ctx.needsCotangent(0) &&
        failed(ctx.addOperandCotangent(0, r.sumToType(p.lhs, a.getType()))))
      return failure();
    if (ctx.needsCotangent(1) &&
        failed(ctx.addOperandCotangent(1, r.sumToType(p.rhs, b.getType()))))
      return failure();
    return success();
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value ta = ctx.operandTangent(0), tb = ctx.operandTangent(1);
    RuleBuilder r(ctx.builder(), ctx.loc());
    Value a = op->getOperand(0), b = op->getOperand(1), y = op->getResult(0);
    Value tangent;
    if (ta)
      tangent = r.broadcastTo(chain2<OpTy>(r, a, b, y, ta).lhs, y.getType());
    if (tb) {
      Value part =
          r.broadcastTo(chain2<OpTy>(r, a, b, y, tb).rhs, y.getType());
      tangent = r.addTerms(tangent, part);
    }
    return tangent ? ctx.setResultTangent(0, tangent) : success();
  }
};

//===----------------------------------------------------------------------===//
// Selection and conversion
//===----------------------------------------------------------------------===//

/// select(c, a, b): the cotangent goes to whichever operand was chosen.
struct SelectRule
    : public DifferentiableOpInterface::ExternalModel<SelectRule, SelectOp> {
  bool isDifferentiableOperand(Operation *, unsigned index) const {
    return index != 0;
  }
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value ct = ctx.resultCotangent(0);
    if (!ct)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    Value c = op->getOperand(0), zero = r.zerosLike(ct);
    for (unsigned i : {1u, 2u}) {
      if (!ctx.needsCotangent(i))
        continue;
      Value chosen = i == 1 ? r.select(c, ct, zero) : r.select(c, zero, ct);
      if (failed(ctx.addOperandCotangent(
              i, r.sumToType(chosen, op->getOperand(i).getType()))))
        return failure();
    }
    return success();
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value ta = ctx.operandTangent(1), tb = ctx.operandTangent(2);
    if (!ta && !tb)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    Type type = op->getResult(0).getType();
    ta = ta ? r.broadcastTo(ta, op->getOperand(1).getType())
            : r.zerosLike(op->getOperand(1));
    tb = tb ? tb : r.zerosLike(op->getOperand(2));
    Value tangent = r.create<SelectOp>(op->getOperand(0), ta, tb);
    return ctx.setResultTangent(0, r.broadcastTo(tangent, type));
  }
};

/// convert between float types: the derivative converts back.
struct ConvertRule
    : public DifferentiableOpInterface::ExternalModel<ConvertRule,
                                                      ConvertOp> {
  bool isDifferentiableOperand(Operation *op, unsigned) const {
    return isFloatTensor(op->getOperand(0).getType()) &&
           isFloatTensor(op->getResult(0).getType());
  }
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value ct = ctx.resultCotangent(0);
    if (!ct || !ctx.needsCotangent(0))
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.addOperandCotangent(
        0, r.convertElementType(
               ct, cast<RankedTensorType>(op->getOperand(0).getType())
                       .getElementType()));
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value t = ctx.operandTangent(0);
    if (!t)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.setResultTangent(
        0, r.convertElementType(
               t, cast<RankedTensorType>(op->getResult(0).getType())
                      .getElementType()));
  }
};

} // namespace

void adjoint::registerElementwiseRules(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, AdjDialect *) {
    NegOp::attachInterface<UnaryRule<NegOp>>(*ctx);
    AbsOp::attachInterface<UnaryRule<AbsOp>>(*ctx);
    ExpOp::attachInterface<UnaryRule<ExpOp>>(*ctx);
    LogOp::attachInterface<UnaryRule<LogOp>>(*ctx);
    Log1pOp::attachInterface<UnaryRule<Log1pOp>>(*ctx);
    SqrtOp::attachInterface<UnaryRule<SqrtOp>>(*ctx);
    RsqrtOp::attachInterface<UnaryRule<RsqrtOp>>(*ctx);
    TanhOp::attachInterface<UnaryRule<TanhOp>>(*ctx);
    SigmoidOp::attachInterface<UnaryRule<SigmoidOp>>(*ctx);
    ReluOp::attachInterface<UnaryRule<ReluOp>>(*ctx);
    SinOp::attachInterface<UnaryRule<SinOp>>(*ctx);
    CosOp::attachInterface<UnaryRule<CosOp>>(*ctx);
    TanOp::attachInterface<UnaryRule<TanOp>>(*ctx);
    AsinOp::attachInterface<UnaryRule<AsinOp>>(*ctx);
    AcosOp::attachInterface<UnaryRule<AcosOp>>(*ctx);
    AtanOp::attachInterface<UnaryRule<AtanOp>>(*ctx);
    SinhOp::attachInterface<UnaryRule<SinhOp>>(*ctx);
    CoshOp::attachInterface<UnaryRule<CoshOp>>(*ctx);
    AsinhOp::attachInterface<UnaryRule<AsinhOp>>(*ctx);
    AcoshOp::attachInterface<UnaryRule<AcoshOp>>(*ctx);
    AtanhOp::attachInterface<UnaryRule<AtanhOp>>(*ctx);
    SquareOp::attachInterface<UnaryRule<SquareOp>>(*ctx);
    ErfOp::attachInterface<UnaryRule<ErfOp>>(*ctx);
    GeluOp::attachInterface<UnaryRule<GeluOp>>(*ctx);
    AddOp::attachInterface<BinaryRule<AddOp>>(*ctx);
    SubOp::attachInterface<BinaryRule<SubOp>>(*ctx);
    MulOp::attachInterface<BinaryRule<MulOp>>(*ctx);
    DivOp::attachInterface<BinaryRule<DivOp>>(*ctx);
    PowOp::attachInterface<BinaryRule<PowOp>>(*ctx);
    MaximumOp::attachInterface<BinaryRule<MaximumOp>>(*ctx);
    MinimumOp::attachInterface<BinaryRule<MinimumOp>>(*ctx);
    SelectOp::attachInterface<SelectRule>(*ctx);
    ConvertOp::attachInterface<ConvertRule>(*ctx);
    // Piecewise constant: derivative 0 (PyTorch's too).
    attachConstantRules<CompareOp, ConstantOp, FillOp, IotaOp, FloorOp, CeilOp,
                        RoundOp>(ctx);
  });
}
