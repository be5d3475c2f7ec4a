//===- Shape.cpp - Rules of shape ops -------------------------------------===//
//
// Part of the Adjoint project.
//
// Shape ops move, select or repeat elements: they are linear, so the tangent
// is the op applied to the operand's tangent, and the cotangent is the
// transposed op applied to the result's cotangent:
//
//   op                               cotangent of the operand
//   reshape(x)                       reshape(dy) to x's shape
//   broadcast_to(x)                  sumToType(dy, x)
//   slice(x, start, limit, stride)   pad(dy, low start, interior stride - 1,
//                                        high up to x's size)
//   concat(x₀, x₁, ..., axis)        slice of dy along axis, one per input
//   pad(x, low, high, interior, v)   slice(dy, start low, stride interior + 1)
//   gather(x, idx, axis)             scatter_add(dy, idx, axis)
//   scatter_add(u, idx, axis)        gather(dy, idx, axis)
//   reverse(x, dims)                 reverse(dy, dims)
//
// The padding value of adj.pad is an attribute and has no derivative: the
// tangent pads with 0. Indices (gather, scatter_add, one_hot) are integers
// and never carry a derivative; one_hot has none at all.
//
//===----------------------------------------------------------------------===//

#include "Rules.h"

#include "adjoint/Differentiation/RuleBuilder.h"

using namespace mlir;
using namespace adjoint;
using namespace adjoint::adj;

namespace {

/// `values` as an attribute, or null when every entry is `fallback` (the
/// default of the optional attribute it is for).
DenseI64ArrayAttr optionalArray(OpBuilder &b, ArrayRef<int64_t> values,
                                int64_t fallback) {
  if (llvm::all_of(values, [&](int64_t v) { return v == fallback; }))
    return {};
  return b.getDenseI64ArrayAttr(values);
}

/// The linear map of a shape op applied to `value` (the operand's tangent,
/// shaped like the operand) and its transpose applied to `value` (the
/// result's cotangent, shaped like the result). Ops with several
/// differentiable operands (concat) have their own rule.
template <typename OpTy>
Value apply(RuleBuilder &r, OpTy op, Value value);
template <typename OpTy>
Value transpose(RuleBuilder &r, OpTy op, Value value);

template <>
Value apply(RuleBuilder &r, ReshapeOp op, Value t) {
  return r.reshape(t, op.getType().getShape());
}
template <>
Value transpose(RuleBuilder &r, ReshapeOp op, Value d) {
  return r.reshape(d, op.getOperand().getType().getShape());
}

template <>
Value apply(RuleBuilder &r, BroadcastToOp op, Value t) {
  return r.broadcastTo(t, op.getType());
}
template <>
Value transpose(RuleBuilder &r, BroadcastToOp op, Value d) {
  return r.sumToType(d, op.getOperand().getType());
}

template <>
Value apply(RuleBuilder &r, SliceOp op, Value t) {
  return r.create<SliceOp>(t, op.getStartAttr(), op.getLimitAttr(),
                           op.getStrideAttr());
}
template <>
Value transpose(RuleBuilder &r, SliceOp op, Value d) {
  // Element k of dimension `dim` of the slice came from start + k · stride:
  // put it back there, with stride - 1 zeros between neighbours.
  ArrayRef<int64_t> start = op.getStart(), taken = op.getType().getShape();
  ArrayRef<int64_t> size = op.getOperand().getType().getShape();
  SmallVector<int64_t> stride = op.getStrides(), high, interior;
  for (auto [dim, s] : llvm::enumerate(stride)) {
    int64_t end =
        taken[dim] ? start[dim] + (taken[dim] - 1) * s + 1 : start[dim];
    high.push_back(size[dim] - end);
    interior.push_back(s - 1);
  }
  OpBuilder &b = r.builder();
  return r.create<PadOp>(d, b.getDenseI64ArrayAttr(start),
                         b.getDenseI64ArrayAttr(high),
                         optionalArray(b, interior, 0), b.getF64FloatAttr(0.0));
}

template <>
Value apply(RuleBuilder &r, PadOp op, Value t) {
  // The padding value is a constant: its tangent is 0.
  return r.create<PadOp>(t, op.getLowAttr(), op.getHighAttr(),
                         op.getInteriorAttr(),
                         r.builder().getF64FloatAttr(0.0));
}
template <>
Value transpose(RuleBuilder &r, PadOp op, Value d) {
  // The operand's elements sit at low + k · (interior + 1).
  ArrayRef<int64_t> low = op.getLow(),
                    size = op.getOperand().getType().getShape();
  SmallVector<int64_t> limit, stride;
  for (auto [dim, interior] : llvm::enumerate(op.getInteriorPadding())) {
    stride.push_back(interior + 1);
    limit.push_back(size[dim] ? low[dim] + (size[dim] - 1) * stride.back() + 1
                              : low[dim]);
  }
  OpBuilder &b = r.builder();
  return r.create<SliceOp>(d, b.getDenseI64ArrayAttr(low),
                           b.getDenseI64ArrayAttr(limit),
                           optionalArray(b, stride, 1));
}

template <>
Value apply(RuleBuilder &r, GatherOp op, Value t) {
  return r.create<GatherOp>(t, op.getIndices(), op.getAxisAttr());
}
template <>
Value transpose(RuleBuilder &r, GatherOp op, Value d) {
  // Repeated indices accumulate.
  return r.create<ScatterAddOp>(op.getOperand().getType(), d, op.getIndices(),
                                op.getAxisAttr());
}

template <>
Value apply(RuleBuilder &r, ScatterAddOp op, Value t) {
  return r.create<ScatterAddOp>(op.getType(), t, op.getIndices(),
                                op.getAxisAttr());
}
template <>
Value transpose(RuleBuilder &r, ScatterAddOp op, Value d) {
  return r.create<GatherOp>(d, op.getIndices(), op.getAxisAttr());
}

template <>
Value apply(RuleBuilder &r, ReverseOp op, Value t) {
  return r.create<ReverseOp>(t, op.getDimsAttr());
}
template <>
Value transpose(RuleBuilder &r, ReverseOp op, Value d) {
  return r.create<ReverseOp>(d, op.getDimsAttr());
}

/// The rule of a shape op whose derivative flows through operand 0 only.
template <typename OpTy>
struct LinearRule
    : public DifferentiableOpInterface::ExternalModel<LinearRule<OpTy>, OpTy> {
  bool isDifferentiableOperand(Operation *op, unsigned index) const {
    return index == 0 && isFloatTensor(op->getOperand(0).getType());
  }
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value dy = ctx.resultCotangent(0);
    if (!dy || !ctx.needsCotangent(0))
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.addOperandCotangent(0, transpose(r, cast<OpTy>(op), dy));
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value tx = ctx.operandTangent(0);
    if (!tx)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.setResultTangent(0, apply(r, cast<OpTy>(op), tx));
  }
};

/// concat(x₀, x₁, ...): each input's cotangent is its part of dy.
struct ConcatRule
    : public DifferentiableOpInterface::ExternalModel<ConcatRule, ConcatOp> {
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value dy = ctx.resultCotangent(0);
    if (!dy)
      return success();
    auto concat = cast<ConcatOp>(op);
    RuleBuilder r(ctx.builder(), ctx.loc());
    OpBuilder &b = r.builder();
    int64_t axis = concat.getAxis();
    SmallVector<int64_t> start(concat.getType().getRank(), 0);
    SmallVector<int64_t> limit(concat.getType().getShape());
    for (auto [i, input] : llvm::enumerate(concat.getInputs())) {
      int64_t size = cast<RankedTensorType>(input.getType()).getDimSize(axis);
      limit[axis] = start[axis] + size;
      if (ctx.needsCotangent(i) &&
          failed(ctx.addOperandCotangent(
              i, r.create<SliceOp>(dy, b.getDenseI64ArrayAttr(start),
                                   b.getDenseI64ArrayAttr(limit),
                                   DenseI64ArrayAttr()))))
        return failure();
      start[axis] = limit[axis];
    }
    return success();
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    auto concat = cast<ConcatOp>(op);
    RuleBuilder r(ctx.builder(), ctx.loc());
    SmallVector<Value> tangents;
    bool any = false;
    for (auto [i, input] : llvm::enumerate(concat.getInputs())) {
      Value t = ctx.operandTangent(i);
      any |= static_cast<bool>(t);
      tangents.push_back(t ? t : r.zerosLike(input));
    }
    if (!any)
      return success();
    return ctx.setResultTangent(
        0, r.create<ConcatOp>(tangents, concat.getAxisAttr()));
  }
};

} // namespace

void adjoint::registerShapeRules(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, AdjDialect *) {
    ReshapeOp::attachInterface<LinearRule<ReshapeOp>>(*ctx);
    BroadcastToOp::attachInterface<LinearRule<BroadcastToOp>>(*ctx);
    SliceOp::attachInterface<LinearRule<SliceOp>>(*ctx);
    PadOp::attachInterface<LinearRule<PadOp>>(*ctx);
    GatherOp::attachInterface<LinearRule<GatherOp>>(*ctx);
    ScatterAddOp::attachInterface<LinearRule<ScatterAddOp>>(*ctx);
    ReverseOp::attachInterface<LinearRule<ReverseOp>>(*ctx);
    ConcatOp::attachInterface<ConcatRule>(*ctx);
    attachConstantRules<OneHotOp>(ctx);
  });
}
