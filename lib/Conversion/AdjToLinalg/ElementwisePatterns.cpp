//===- ElementwisePatterns.cpp - Elementwise adj ops to linalg ------------===//
//
// Part of the Adjoint project.
//
// Every elementwise adj op (unary, binary with NumPy broadcasting, compare,
// select, convert) becomes one parallel linalg.generic built by
// buildElementwise; the ops differ only in the scalar body, listed in
// populateElementwisePatterns. A dense constant becomes arith.constant, a
// splat one (and adj.fill) a linalg.fill, and iota a generic over
// linalg.index:
//
//   adj.add %x, %b : tensor<4x3xf32>, tensor<1x3xf32>
//     -->
//   %c = tensor.collapse_shape %b [[0, 1]] : tensor<1x3xf32> into tensor<3xf32>
//   linalg.generic {indexing_maps = [(d0, d1) -> (d0, d1), (d0, d1) -> (d1),
//                                    (d0, d1) -> (d0, d1)], ...}
//       ins(%x, %c) outs(%empty) { arith.addf }
//
// The scalar bodies follow the reference evaluator (lib/Evaluator/Kernels.h)
// where IEEE leaves a choice: maximum, minimum and relu propagate NaN
// (arith.maximumf/minimumf), `ne` is unordered (true on NaN) while the other
// comparisons are ordered, and a float converted to an integer saturates
// with NaN giving 0.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace adjoint;
using namespace adjoint::lowering;

namespace {

//===----------------------------------------------------------------------===//
// Scalar bodies
//===----------------------------------------------------------------------===//

/// A scalar constant of the int or float type `type`.
Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (isa<FloatType>(type))
    return b.create<arith::ConstantOp>(loc, b.getFloatAttr(type, value));
  return b.create<arith::ConstantOp>(
      loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

/// The body of an op that is exactly one upstream op on the same operands.
template <typename ScalarOp>
Value single(OpBuilder &b, Location loc, ValueRange args) {
  return b.create<ScalarOp>(loc, args);
}

Value square(OpBuilder &b, Location loc, ValueRange args) {
  return b.create<arith::MulFOp>(loc, args[0], args[0]);
}

/// max(x, 0) with arith.maximumf, so that NaN stays NaN (as in PyTorch and
/// the evaluator; a compare-and-select would turn it into 0).
Value relu(OpBuilder &b, Location loc, ValueRange args) {
  Value zero = scalarConstant(b, loc, args[0].getType(), 0.0);
  return b.create<arith::MaximumFOp>(loc, args[0], zero);
}

/// 1 / (1 + e^-x) in the form that never overflows: with e = e^-|x|,
/// 1 / (1 + e) for x >= 0 and e / (1 + e) otherwise. The naive form sends
/// e^-x to infinity for very negative x in f32 and loses the tiny result.
Value sigmoid(OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  Type type = x.getType();
  Value one = scalarConstant(b, loc, type, 1.0);
  Value zero = scalarConstant(b, loc, type, 0.0);
  Value e = b.create<math::ExpOp>(
      loc, b.create<arith::NegFOp>(loc, b.create<math::AbsFOp>(loc, x)));
  Value positive =
      b.create<arith::DivFOp>(loc, one, b.create<arith::AddFOp>(loc, one, e));
  Value negative = b.create<arith::MulFOp>(loc, e, positive);
  // NaN fails the ordered comparison and takes the `negative` arm, NaN too.
  Value isNonNegative =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, x, zero);
  return b.create<arith::SelectOp>(loc, isNonNegative, positive, negative);
}

/// The float `x` truncated toward zero to the integer type `to`, saturating
/// at its bounds, and 0 for NaN, as the evaluator does. fptosi alone is
/// poison outside the range, so its result is overridden by selects there.
/// The one difference: i64 saturates at INT64_MAX, while the evaluator, which
/// holds integers in doubles, gives the largest double below 2^63.
Value saturatingFloatToInt(OpBuilder &b, Location loc, Value x,
                           IntegerType to) {
  Type from = x.getType();
  unsigned width = to.getWidth();
  // -2^(w-1) and 2^(w-1) are exact in f32 and f64.
  double bound = std::ldexp(1.0, width - 1);
  Value truncated = b.create<arith::FPToSIOp>(loc, to, x);
  auto choose = [&](arith::CmpFPredicate predicate, Value rhs, APInt value,
                    Value otherwise) {
    Value cond = b.create<arith::CmpFOp>(loc, predicate, x, rhs);
    Value chosen =
        b.create<arith::ConstantOp>(loc, b.getIntegerAttr(to, value));
    return b.create<arith::SelectOp>(loc, cond, chosen, otherwise);
  };
  Value result =
      choose(arith::CmpFPredicate::OGE, scalarConstant(b, loc, from, bound),
             APInt::getSignedMaxValue(width), truncated);
  result =
      choose(arith::CmpFPredicate::OLT, scalarConstant(b, loc, from, -bound),
             APInt::getSignedMinValue(width), result);
  return choose(arith::CmpFPredicate::UNO, x, APInt::getZero(width), result);
}

/// `x` converted to `to` as adj.convert specifies (C's conversions): floats
/// round, floats to integers truncate (saturating), integers wrap, and i1 is
/// 1 for any nonzero value (NaN included) and converts back as unsigned.
Value convertScalar(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (fromFloat && toFloat) {
    if (toFloat.getWidth() > fromFloat.getWidth())
      return b.create<arith::ExtFOp>(loc, to, x);
    return b.create<arith::TruncFOp>(loc, to, x);
  }
  if (to.isInteger(1)) {
    Value zero = scalarConstant(b, loc, from, 0.0);
    if (fromFloat)
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNE, x, zero);
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, x, zero);
  }
  if (toFloat) {
    if (from.isInteger(1))
      return b.create<arith::UIToFPOp>(loc, to, x);
    return b.create<arith::SIToFPOp>(loc, to, x);
  }
  if (fromFloat)
    return saturatingFloatToInt(b, loc, x, cast<IntegerType>(to));
  if (from.getIntOrFloatBitWidth() > to.getIntOrFloatBitWidth())
    return b.create<arith::TruncIOp>(loc, to, x);
  if (from.isInteger(1))
    return b.create<arith::ExtUIOp>(loc, to, x);
  return b.create<arith::ExtSIOp>(loc, to, x);
}

/// The arith predicate of a comparison direction: ordered (false on NaN),
/// except `ne`, which is true on NaN as C's `!=`.
arith::CmpFPredicate getPredicate(adj::ComparisonDirection direction) {
  switch (direction) {
  case adj::ComparisonDirection::eq:
    return arith::CmpFPredicate::OEQ;
  case adj::ComparisonDirection::ne:
    return arith::CmpFPredicate::UNE;
  case adj::ComparisonDirection::lt:
    return arith::CmpFPredicate::OLT;
  case adj::ComparisonDirection::le:
    return arith::CmpFPredicate::OLE;
  case adj::ComparisonDirection::gt:
    return arith::CmpFPredicate::OGT;
  case adj::ComparisonDirection::ge:
    return arith::CmpFPredicate::OGE;
  }
  llvm_unreachable("unknown comparison direction");
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// An elementwise op whose body depends on its operands only.
template <typename OpTy>
class ElementwiseLowering : public OpConversionPattern<OpTy> {
public:
  using Body = Value (*)(OpBuilder &, Location, ValueRange);
  ElementwiseLowering(MLIRContext *ctx, Body body)
      : OpConversionPattern<OpTy>(ctx), body(body) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op,
                       buildElementwise(rewriter, op.getLoc(),
                                        cast<RankedTensorType>(op.getType()),
                                        adaptor.getOperands(), body));
    return success();
  }

private:
  Body body;
};

struct CompareLowering : public OpConversionPattern<adj::CompareOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::CompareOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    arith::CmpFPredicate predicate = getPredicate(op.getDirection());
    rewriter.replaceOp(
        op, buildElementwise(rewriter, op.getLoc(), op.getType(),
                             {adaptor.getLhs(), adaptor.getRhs()},
                             [&](OpBuilder &b, Location loc, ValueRange args) {
                               return b.create<arith::CmpFOp>(loc, predicate,
                                                              args[0], args[1]);
                             }));
    return success();
  }
};

struct ConvertLowering : public OpConversionPattern<adj::ConvertOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::ConvertOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type to = op.getType().getElementType();
    rewriter.replaceOp(
        op, buildElementwise(rewriter, op.getLoc(), op.getType(),
                             adaptor.getOperand(),
                             [&](OpBuilder &b, Location loc, ValueRange args) {
                               return convertScalar(b, loc, args[0], to);
                             }));
    return success();
  }
};

/// A splat constant of more than one element becomes a linalg.fill, others
/// an arith.constant. Once bufferized, an arith.constant is a global holding
/// every element (a 4096x4096 splat of 1.0 would be 64 MiB of the library),
/// while a fill is an allocation and a loop that fusion can fold into its
/// users. adj.fill folds to a splat adj.constant, so it takes this path too.
struct ConstantLowering : public OpConversionPattern<adj::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto value = cast<TypedAttr>(op.getValue());
    auto splat = dyn_cast<SplatElementsAttr>(value);
    if (splat && op.getType().getNumElements() > 1) {
      rewriter.replaceOp(op, buildFilled(rewriter, op.getLoc(), op.getType(),
                                         splat.getSplatValue<TypedAttr>()));
      return success();
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

/// adj.fill normally folds to adj.constant first; this is for a driver that
/// does not fold.
struct FillLowering : public OpConversionPattern<adj::FillOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::FillOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // The f64 attribute is rounded to f32 for an f32 tensor, as the folder
    // and the evaluator do.
    rewriter.replaceOp(op, buildFilled(rewriter, op.getLoc(), op.getType(),
                                       op.getValue().convertToDouble()));
    return success();
  }
};

struct IotaLowering : public OpConversionPattern<adj::IotaOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(adj::IotaOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    int64_t dim = op.getDim();
    Type elementType = op.getType().getElementType();
    rewriter.replaceOp(
        op, buildParallelGeneric(
                rewriter, op.getLoc(), op.getType(), {}, {},
                [&](OpBuilder &b, Location loc, ValueRange) -> Value {
                  Value index = b.create<linalg::IndexOp>(loc, dim);
                  if (!isa<FloatType>(elementType))
                    return b.create<arith::IndexCastOp>(loc, elementType,
                                                        index);
                  Value i64 =
                      b.create<arith::IndexCastOp>(loc, b.getI64Type(), index);
                  return b.create<arith::SIToFPOp>(loc, elementType, i64);
                }));
    return success();
  }
};

/// Adds the lowering of the elementwise op `OpTy` with the scalar `body`.
template <typename OpTy>
void addElementwise(RewritePatternSet &patterns,
                    typename ElementwiseLowering<OpTy>::Body body) {
  patterns.add<ElementwiseLowering<OpTy>>(patterns.getContext(), body);
}

} // namespace

void lowering::populateElementwisePatterns(RewritePatternSet &patterns) {
  // Unary.
  addElementwise<adj::NegOp>(patterns, single<arith::NegFOp>);
  addElementwise<adj::AbsOp>(patterns, single<math::AbsFOp>);
  addElementwise<adj::ExpOp>(patterns, single<math::ExpOp>);
  addElementwise<adj::LogOp>(patterns, single<math::LogOp>);
  addElementwise<adj::Log1pOp>(patterns, single<math::Log1pOp>);
  addElementwise<adj::SqrtOp>(patterns, single<math::SqrtOp>);
  addElementwise<adj::RsqrtOp>(patterns, single<math::RsqrtOp>);
  addElementwise<adj::TanhOp>(patterns, single<math::TanhOp>);
  addElementwise<adj::SigmoidOp>(patterns, sigmoid);
  addElementwise<adj::ReluOp>(patterns, relu);
  addElementwise<adj::SinOp>(patterns, single<math::SinOp>);
  addElementwise<adj::CosOp>(patterns, single<math::CosOp>);
  addElementwise<adj::TanOp>(patterns, single<math::TanOp>);
  addElementwise<adj::AsinOp>(patterns, single<math::AsinOp>);
  addElementwise<adj::AcosOp>(patterns, single<math::AcosOp>);
  addElementwise<adj::AtanOp>(patterns, single<math::AtanOp>);
  addElementwise<adj::SinhOp>(patterns, single<math::SinhOp>);
  addElementwise<adj::CoshOp>(patterns, single<math::CoshOp>);
  addElementwise<adj::AsinhOp>(patterns, single<math::AsinhOp>);
  addElementwise<adj::AcoshOp>(patterns, single<math::AcoshOp>);
  addElementwise<adj::AtanhOp>(patterns, single<math::AtanhOp>);
  addElementwise<adj::SquareOp>(patterns, square);
  addElementwise<adj::ErfOp>(patterns, single<math::ErfOp>);
  addElementwise<adj::FloorOp>(patterns, single<math::FloorOp>);
  addElementwise<adj::CeilOp>(patterns, single<math::CeilOp>);
  addElementwise<adj::RoundOp>(patterns, single<math::RoundEvenOp>);
  // Binary, broadcasting.
  addElementwise<adj::AddOp>(patterns, single<arith::AddFOp>);
  addElementwise<adj::SubOp>(patterns, single<arith::SubFOp>);
  addElementwise<adj::MulOp>(patterns, single<arith::MulFOp>);
  addElementwise<adj::DivOp>(patterns, single<arith::DivFOp>);
  addElementwise<adj::PowOp>(patterns, single<math::PowFOp>);
  addElementwise<adj::MaximumOp>(patterns, single<arith::MaximumFOp>);
  addElementwise<adj::MinimumOp>(patterns, single<arith::MinimumFOp>);
  // select(condition, onTrue, onFalse) is arith.select on the same operands.
  addElementwise<adj::SelectOp>(patterns, single<arith::SelectOp>);

  patterns.add<CompareLowering, ConvertLowering, ConstantLowering, FillLowering,
               IotaLowering>(patterns.getContext());
}
