//===- AdjOps.cpp - Operations of the adj dialect -------------------------===//
//
// Part of the Adjoint project.
//
// Shape rules live in `inferReturnTypes` where the result type follows from
// the operands (the verifier then checks a written type against it), and in
// `verify` where the result type is the op's input (reshape, broadcast_to,
// one_hot, ...). Inference also runs while parsing, before the operand types
// have been checked against the op's constraints, so it never assumes them.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Dialect/Adj/IR/AdjOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Regex.h"

using namespace mlir;
using namespace adjoint::adj;

#include "adjoint/Dialect/Adj/IR/AdjEnums.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

namespace {
/// Emits "'adj.op' op <message>" at a location. Inference runs before the op
/// exists, so it cannot use `emitOpError`.
struct OpErrorAt {
  std::optional<Location> loc;
  StringRef opName;

  template <typename... Args>
  LogicalResult operator()(Args &&...args) const {
    return emitOptionalError(loc, "'", opName, "' op ",
                             std::forward<Args>(args)...);
  }
};
} // namespace

static RankedTensorType getRanked(Value v) {
  return v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

/// Renders an attribute array such as [1, 2] for a diagnostic.
static std::string str(ArrayRef<int64_t> values) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(values, os);
  return s + "]";
}

std::optional<SmallVector<int64_t>>
adjoint::adj::broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    result[rank - 1 - i] = da == 1 ? db : da;
  }
  return result;
}

SmallVector<int64_t>
adjoint::adj::normalizeReductionAxes(int64_t rank,
                                     std::optional<ArrayRef<int64_t>> axes) {
  if (!axes)
    return llvm::to_vector(llvm::seq<int64_t>(0, rank));
  SmallVector<int64_t> sorted(*axes);
  llvm::sort(sorted);
  return sorted;
}

/// Checks that `axis` indexes a dimension of a rank-`rank` tensor.
static LogicalResult checkAxis(const OpErrorAt &error, StringRef what,
                               int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= rank)
    return error(what, " ", axis, " is out of range [0, ", rank,
                 ") for a tensor of rank ", rank);
  return success();
}

/// Checks that the operands of an elementwise op share their element type.
static LogicalResult checkSameElementType(const OpErrorAt &error, Type a,
                                          Type b) {
  if (getElementTypeOrSelf(a) != getElementTypeOrSelf(b))
    return error("operands have different element types (", a, " and ", b,
                 "); convert one with adj.convert");
  return success();
}

/// An unranked operand, or null. Rule files (docs/adding-rules.md) write
/// shape-polymorphic rules on `tensor<*xf32>`; their ops are re-inferred on
/// concrete types when a rule is used, and the verifier still rejects
/// unranked adj values anywhere else.
static UnrankedTensorType getUnranked(Value v) {
  return v ? dyn_cast<UnrankedTensorType>(v.getType()) : UnrankedTensorType();
}

/// Infers the broadcast result of two tensor operands: unranked if either
/// is.
static FailureOr<TensorType> inferBroadcast(const OpErrorAt &error, Value lhs,
                                            Value rhs) {
  if (getUnranked(lhs) || getUnranked(rhs)) {
    if (!isa<TensorType>(lhs.getType()) || !isa<TensorType>(rhs.getType()))
      return error("expects tensor operands");
    if (failed(checkSameElementType(error, lhs.getType(), rhs.getType())))
      return failure();
    return TensorType(
        UnrankedTensorType::get(getElementTypeOrSelf(lhs.getType())));
  }
  RankedTensorType a = getRanked(lhs), b = getRanked(rhs);
  if (!a || !b)
    return error("expects ranked tensor operands");
  if (failed(checkSameElementType(error, a, b)))
    return failure();
  std::optional<SmallVector<int64_t>> shape =
      broadcastShapes(a.getShape(), b.getShape());
  if (!shape)
    return error("operand shapes ", a, " and ", b,
                 " do not broadcast (NumPy rules: right-aligned dimensions "
                 "must be equal or 1)");
  return TensorType(RankedTensorType::get(*shape, a.getElementType()));
}

/// True if `attr` is a splat of exactly `value` (-0.0 and +0.0 differ).
static bool isSplatOf(Attribute attr, double value) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(attr);
  if (!splat || !isa<FloatType>(splat.getElementType()))
    return false;
  APFloat splatValue = splat.getSplatValue<APFloat>();
  APFloat expected(value);
  bool losesInfo = false;
  expected.convert(splatValue.getSemantics(), APFloat::rmNearestTiesToEven,
                   &losesInfo);
  return splatValue.bitwiseIsEqual(expected);
}

/// a + b and a * b, or nullopt when they overflow int64.
static std::optional<int64_t> checkedAdd(int64_t a, int64_t b) {
  int64_t r;
  return llvm::AddOverflow(a, b, r) ? std::nullopt : std::optional(r);
}
static std::optional<int64_t> checkedMul(int64_t a, int64_t b) {
  int64_t r;
  return llvm::MulOverflow(a, b, r) ? std::nullopt : std::optional(r);
}

//===----------------------------------------------------------------------===//
// Custom assembly: operand and result types
//===----------------------------------------------------------------------===//

/// Parses any type where the generated parser would demand a ranked tensor,
/// so that rule files can write `tensor<*xf32>`; the verifier still rejects
/// it anywhere else.
static ParseResult parseAnyTensorType(OpAsmParser &parser, Type &type) {
  return parser.parseType(type);
}

static void printAnyTensorType(OpAsmPrinter &printer, Operation *, Type type) {
  printer << type;
}

/// Parses `T` (both operands of type T) or `T1, T2`.
static ParseResult parseBroadcastTypes(OpAsmParser &parser, Type &lhs,
                                       Type &rhs) {
  if (parser.parseType(lhs))
    return failure();
  rhs = lhs;
  if (succeeded(parser.parseOptionalComma()))
    return parser.parseType(rhs);
  return success();
}

static void printBroadcastTypes(OpAsmPrinter &printer, Operation *, Type lhs,
                                Type rhs) {
  printer << lhs;
  if (rhs != lhs)
    printer << ", " << rhs;
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

OpFoldResult NegOp::fold(FoldAdaptor) {
  if (auto inner = getOperand().getDefiningOp<NegOp>())
    return inner.getOperand();
  return {};
}

OpFoldResult ConvertOp::fold(FoldAdaptor) {
  if (getOperand().getType() == getType())
    return getOperand();
  return {};
}

#define ADJ_INFER_BROADCAST(OP)                                                \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &types) {           \
    FailureOr<TensorType> type = inferBroadcast(                               \
        {loc, getOperationName()}, adaptor.getLhs(), adaptor.getRhs());        \
    if (failed(type))                                                          \
      return failure();                                                        \
    types.push_back(*type);                                                    \
    return success();                                                          \
  }
ADJ_INFER_BROADCAST(AddOp)
ADJ_INFER_BROADCAST(SubOp)
ADJ_INFER_BROADCAST(MulOp)
ADJ_INFER_BROADCAST(DivOp)
ADJ_INFER_BROADCAST(PowOp)
ADJ_INFER_BROADCAST(MaximumOp)
ADJ_INFER_BROADCAST(MinimumOp)
#undef ADJ_INFER_BROADCAST

/// x op c -> x when c is a splat of the op's identity and the result keeps
/// x's type (broadcasting could otherwise grow it).
static OpFoldResult foldRightIdentity(Operation *op, Attribute rhs,
                                      double identity) {
  Value lhs = op->getOperand(0);
  if (isSplatOf(rhs, identity) && lhs.getType() == op->getResult(0).getType())
    return lhs;
  return {};
}

/// `fn` of two splat constants, as a splat of the result type: a
/// derivative's constants (pow's exponent minus one, a mean's 1/N times 2)
/// become one constant that later folds and patterns can match. APFloat's
/// arithmetic is IEEE's, correctly rounded like the compiled operation.
static OpFoldResult
foldSplats(Operation *op, Attribute lhs, Attribute rhs,
           function_ref<APFloat::opStatus(APFloat &, const APFloat &)> fn) {
  auto lhsSplat = dyn_cast_or_null<SplatElementsAttr>(lhs);
  auto rhsSplat = dyn_cast_or_null<SplatElementsAttr>(rhs);
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!lhsSplat || !rhsSplat || !type || !type.hasStaticShape())
    return {};
  APFloat value = lhsSplat.getSplatValue<APFloat>();
  fn(value, rhsSplat.getSplatValue<APFloat>());
  return DenseElementsAttr::get(type, value);
}

static constexpr auto nearest = APFloat::rmNearestTiesToEven;

/// A 0-d constant `value` of float type `elementType`, for the rewrites
/// below to broadcast against.
static Value scalarConstant(OpBuilder &b, Location loc, Type elementType,
                            double value) {
  auto type = RankedTensorType::get({}, elementType);
  return b.create<ConstantOp>(
      loc, DenseElementsAttr::get(type, b.getFloatAttr(elementType, value)));
}

// x + (-0) = x and x - (+0) = x for every x, -0 included; x + (+0) is not.
OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult folded = foldSplats(
          *this, adaptor.getLhs(), adaptor.getRhs(),
          [](APFloat &a, const APFloat &b) { return a.add(b, nearest); }))
    return folded;
  return foldRightIdentity(*this, adaptor.getRhs(), -0.0);
}
OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult folded = foldSplats(
          *this, adaptor.getLhs(), adaptor.getRhs(),
          [](APFloat &a, const APFloat &b) { return a.subtract(b, nearest); }))
    return folded;
  return foldRightIdentity(*this, adaptor.getRhs(), 0.0);
}
OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult folded = foldSplats(
          *this, adaptor.getLhs(), adaptor.getRhs(),
          [](APFloat &a, const APFloat &b) { return a.multiply(b, nearest); }))
    return folded;
  return foldRightIdentity(*this, adaptor.getRhs(), 1.0);
}
OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult folded = foldSplats(
          *this, adaptor.getLhs(), adaptor.getRhs(),
          [](APFloat &a, const APFloat &b) { return a.divide(b, nearest); }))
    return folded;
  return foldRightIdentity(*this, adaptor.getRhs(), 1.0);
}

// IEEE 754-2019 maximum and minimum, as the compiled arith.maximumf and
// arith.minimumf compute them: a NaN propagates (and -0 < +0).
OpFoldResult MaximumOp::fold(FoldAdaptor adaptor) {
  return foldSplats(*this, adaptor.getLhs(), adaptor.getRhs(),
                    [](APFloat &a, const APFloat &b) {
                      a = llvm::maximum(a, b);
                      return APFloat::opOK;
                    });
}
OpFoldResult MinimumOp::fold(FoldAdaptor adaptor) {
  return foldSplats(*this, adaptor.getLhs(), adaptor.getRhs(),
                    [](APFloat &a, const APFloat &b) {
                      a = llvm::minimum(a, b);
                      return APFloat::opOK;
                    });
}

namespace {
/// x ^ c for the exponents PyTorch's pow computes without pow (ATen's
/// pow_tensor_scalar_optimized_kernel): 2 and 3 as products, 0.5 and -0.5
/// as sqrt and rsqrt, -1 and -2 as reciprocals; and 1 as x. Those are
/// several times faster than a vector pow (a LayerNorm exported at opset
/// < 17 squares with Pow, and its derivative is 2 x^1), and as PyTorch's
/// they differ from pow only at x = -0 (sqrt keeps the sign) and -inf.
struct PowOfConstant : public OpRewritePattern<PowOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PowOp op,
                                PatternRewriter &rewriter) const override {
    Value x = op.getLhs();
    Type type = op.getType();
    SplatElementsAttr exponent;
    // A broadcast by the exponent would need more than an elementwise op.
    if (x.getType() != type ||
        !matchPattern(op.getRhs(), m_Constant(&exponent)))
      return failure();
    Location loc = op.getLoc();
    auto square = [&] { return rewriter.create<MulOp>(loc, x, x); };
    auto reciprocal = [&](Value v) -> Value {
      Value one =
          scalarConstant(rewriter, loc, getElementTypeOrSelf(type), 1.0);
      return rewriter.create<DivOp>(loc, one, v);
    };
    Value result;
    if (isSplatOf(exponent, 1.0))
      result = x;
    else if (isSplatOf(exponent, 2.0))
      result = square();
    else if (isSplatOf(exponent, 3.0))
      result = rewriter.create<MulOp>(loc, square(), x);
    else if (isSplatOf(exponent, 0.5))
      result = rewriter.create<SqrtOp>(loc, type, x);
    else if (isSplatOf(exponent, -0.5))
      result = rewriter.create<RsqrtOp>(loc, type, x);
    else if (isSplatOf(exponent, -1.0))
      result = reciprocal(x);
    else if (isSplatOf(exponent, -2.0))
      result = reciprocal(square());
    else
      return failure();
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void PowOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                        MLIRContext *context) {
  patterns.add<PowOfConstant>(context);
}

LogicalResult CompareOp::inferReturnTypes(MLIRContext *ctx,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  FailureOr<TensorType> type = inferBroadcast(
      {loc, getOperationName()}, adaptor.getLhs(), adaptor.getRhs());
  if (failed(type))
    return failure();
  types.push_back(type->clone(IntegerType::get(ctx, 1)));
  return success();
}

LogicalResult SelectOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  OpErrorAt error{loc, getOperationName()};
  FailureOr<TensorType> values =
      inferBroadcast(error, adaptor.getOnTrue(), adaptor.getOnFalse());
  if (failed(values))
    return failure();
  if (getUnranked(adaptor.getCondition()) || !values->hasRank()) {
    types.push_back(UnrankedTensorType::get(values->getElementType()));
    return success();
  }
  RankedTensorType cond = getRanked(adaptor.getCondition());
  if (!cond)
    return failure();
  std::optional<SmallVector<int64_t>> shape =
      broadcastShapes(cond.getShape(), values->getShape());
  if (!shape)
    return error("condition shape ", cond, " does not broadcast with ",
                 *values);
  types.push_back(values->clone(*shape));
  return success();
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

void ConstantOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getResult(), "cst");
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult FillOp::verify() {
  APFloat value(getValue().convertToDouble());
  bool losesInfo = false;
  APFloat::opStatus status = value.convert(
      cast<FloatType>(getType().getElementType()).getFloatSemantics(),
      APFloat::rmNearestTiesToEven, &losesInfo);
  if (status & APFloat::opOverflow)
    return emitOpError("value ")
           << getValue().convertToDouble() << " overflows "
           << getType().getElementType();
  return success();
}

OpFoldResult FillOp::fold(FoldAdaptor) {
  auto type = getType();
  APFloat value(getValue().convertToDouble());
  bool losesInfo = false;
  value.convert(cast<FloatType>(type.getElementType()).getFloatSemantics(),
                APFloat::rmNearestTiesToEven, &losesInfo);
  return DenseElementsAttr::get(type, value);
}

LogicalResult IotaOp::verify() {
  return checkAxis({getLoc(), getOperationName()}, "dim",
                   getDimAttr().getInt(), getType().getRank());
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  OpErrorAt error{loc, getOperationName()};
  RankedTensorType a = getRanked(adaptor.getLhs());
  RankedTensorType b = getRanked(adaptor.getRhs());
  if (!a || !b)
    return error("expects ranked tensor operands");
  if (failed(checkSameElementType(error, a, b)))
    return failure();
  // adj.dot only takes two vectors: a matrix-vector product needs the
  // reshapes, so the message says which.
  if (a.getRank() < 2 || b.getRank() < 2)
    return error("expects operands of rank 2 or more ([..., M, K] and "
                 "[..., K, N]), got ",
                 a, " and ", b,
                 "; adj.reshape a vector to [K, 1] (right) or [1, K] (left) "
                 "and the result back, or use adj.dot for two vectors");
  ArrayRef<int64_t> sa = a.getShape(), sb = b.getShape();
  int64_t m = sa[sa.size() - 2], k = sa.back();
  int64_t kb = sb[sb.size() - 2], n = sb.back();
  if (k != kb)
    return error("contracting dimensions differ: lhs ", a, " has K = ", k,
                 " but rhs ", b, " has K = ", kb);
  std::optional<SmallVector<int64_t>> batch =
      broadcastShapes(sa.drop_back(2), sb.drop_back(2));
  if (!batch)
    return error("batch dimensions of ", a, " and ", b, " do not broadcast");
  batch->append({m, n});
  types.push_back(RankedTensorType::get(*batch, a.getElementType()));
  return success();
}

LogicalResult DotOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  RankedTensorType a = getRanked(adaptor.getLhs());
  if (!a || a.getRank() != 1)
    return OpErrorAt{loc, getOperationName()}(
        "expects two vectors of the same type (rank 1), got ",
        adaptor.getLhs().getType());
  types.push_back(RankedTensorType::get({}, a.getElementType()));
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  OpErrorAt error{loc, getOperationName()};
  RankedTensorType type = getRanked(adaptor.getOperand());
  if (!type)
    return error("expects a ranked tensor operand");
  ArrayRef<int64_t> perm = adaptor.getPermutation();
  if (static_cast<int64_t>(perm.size()) != type.getRank())
    return error("permutation ", str(perm), " has ", perm.size(),
                 " entries but the operand has rank ", type.getRank());
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= type.getRank() || seen[p])
      return error("permutation ", str(perm), " is not a permutation of [0, ",
                   type.getRank(), ")");
    seen[p] = true;
    shape.push_back(type.getDimSize(p));
  }
  types.push_back(type.clone(shape));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return getOperand();
  // transpose(transpose(x, p), q) = transpose(x, p∘q).
  if (auto inner = getOperand().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> innerPerm = inner.getPermutation();
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(innerPerm[p]);
    setPermutation(composed);
    getOperandMutable().assign(inner.getOperand());
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// Infers the result of reducing `operand` over `axes` (all when absent).
static LogicalResult
inferReduction(const OpErrorAt &error, Value operand,
               std::optional<ArrayRef<int64_t>> axes, bool keepdims,
               SmallVectorImpl<Type> &types) {
  RankedTensorType type = getRanked(operand);
  if (!type)
    return error("expects a ranked tensor operand");
  SmallVector<bool> reduced(type.getRank(), !axes);
  if (axes) {
    for (int64_t axis : *axes) {
      if (failed(checkAxis(error, "axis", axis, type.getRank())))
        return failure();
      if (reduced[axis])
        return error("axis ", axis, " appears twice in axes ", str(*axes));
      reduced[axis] = true;
    }
  }
  SmallVector<int64_t> shape;
  for (auto [dim, size] : llvm::enumerate(type.getShape())) {
    if (!reduced[dim])
      shape.push_back(size);
    else if (keepdims)
      shape.push_back(1);
  }
  types.push_back(type.clone(shape));
  return success();
}

/// A reduction whose reduced dimensions all have size 1 and are kept is the
/// identity.
static OpFoldResult foldTrivialReduction(Operation *op) {
  Value operand = op->getOperand(0);
  if (operand.getType() == op->getResult(0).getType())
    return operand;
  return {};
}

#define ADJ_REDUCTION(OP)                                                      \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &types) {                                          \
    return inferReduction({loc, getOperationName()}, adaptor.getOperand(),     \
                          adaptor.getAxes(), adaptor.getKeepdims(), types);    \
  }
ADJ_REDUCTION(SumOp)
ADJ_REDUCTION(MeanOp)
ADJ_REDUCTION(MaxOp)
ADJ_REDUCTION(MinOp)
ADJ_REDUCTION(ProdOp)
ADJ_REDUCTION(LogSumExpOp)
#undef ADJ_REDUCTION

/// The sum (`isSum`), or the mean, maximum or minimum, of a splat constant
/// `operand`, as a splat of the result type: the value times the count of
/// reduced elements, or the value (the seed of ones a bias's gradient sums;
/// a NaN stays NaN). The count is rounded to the element type and
/// multiplied, as the sum of a broadcast's `adj.mul` by its count folds. Not
/// for an empty reduction (its mean is NaN, its sum 0 even of an infinity,
/// its maximum -inf).
template <typename OpTy>
static OpFoldResult foldSplatReduction(OpTy op, Attribute operand, bool isSum) {
  if (OpFoldResult trivial = foldTrivialReduction(op))
    return trivial;
  auto splat = dyn_cast_or_null<SplatElementsAttr>(operand);
  RankedTensorType in = op.getOperand().getType(), out = op.getType();
  if (!splat || !in.hasStaticShape() || !out.hasStaticShape())
    return {};
  std::optional<int64_t> count = 1;
  for (int64_t axis : op.getReducedAxes())
    if (count)
      count = checkedMul(*count, in.getDimSize(axis));
  if (!count || *count == 0)
    return {};
  APFloat value = splat.template getSplatValue<APFloat>();
  if (isSum) {
    APFloat factor(value.getSemantics());
    factor.convertFromAPInt(APInt(64, *count), /*IsSigned=*/true, nearest);
    value.multiply(factor, nearest);
  }
  return DenseElementsAttr::get(out, value);
}

OpFoldResult SumOp::fold(FoldAdaptor adaptor) {
  return foldSplatReduction(*this, adaptor.getOperand(), /*isSum=*/true);
}
OpFoldResult MeanOp::fold(FoldAdaptor adaptor) {
  return foldSplatReduction(*this, adaptor.getOperand(), /*isSum=*/false);
}
OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  return foldSplatReduction(*this, adaptor.getOperand(), /*isSum=*/false);
}
OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  return foldSplatReduction(*this, adaptor.getOperand(), /*isSum=*/false);
}
OpFoldResult ProdOp::fold(FoldAdaptor) { return foldTrivialReduction(*this); }
OpFoldResult LogSumExpOp::fold(FoldAdaptor) {
  return foldTrivialReduction(*this);
}

namespace {
/// sum or mean of a broadcast_to, without materialising the dimensions the
/// broadcast expands and the reduction reduces. Such a dimension holds N
/// copies of one value (a size-1 dimension of the operand, or one the
/// broadcast adds): their sum is the value times N, their mean the value.
/// The operand is reduced over its other reduced dimensions (keepdims), the
/// sum scaled by the product of the Ns, and the result broadcast over the
/// expanded dimensions that are kept, then reshaped to the result's type:
///
///   %b = adj.broadcast_to %x : tensor<3xf32> -> tensor<4000000000x3xf32>
///   %s = adj.sum %b : tensor<4000000000x3xf32> -> tensor<f32>
/// becomes
///   %r = adj.sum %x axes [0] keepdims : tensor<3xf32> -> tensor<1xf32>
///   %m = adj.mul %r, %cst_4e9 : tensor<1xf32>, tensor<f32>
///   %s = adj.reshape %m : tensor<1xf32> -> tensor<f32>
///
/// A user's sum over a 4e9 x 3 broadcast asked for a 48 GB workspace; the
/// gradient of a broadcast (a bias) is a sum over the broadcast seed.
template <typename OpTy>
struct ReductionOfBroadcast : public OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto broadcast = op.getOperand().template getDefiningOp<BroadcastToOp>();
    if (!broadcast)
      return failure();
    RankedTensorType in = broadcast.getOperand().getType(),
                     out = broadcast.getType();
    // An empty tensor's mean is NaN, which no rewrite of x would give.
    if (!in.hasStaticShape() || !out.hasStaticShape() ||
        out.getNumElements() == 0)
      return failure();
    int64_t added = out.getRank() - in.getRank();
    SmallVector<int64_t> operandAxes, keptShape(out.getShape());
    double copies = 1; // A double: the count itself may not fit in 64 bits.
    bool expandedReduced = false;
    for (int64_t axis : op.getReducedAxes()) {
      keptShape[axis] = 1;
      if (axis >= added &&
          in.getDimSize(axis - added) == out.getDimSize(axis)) {
        operandAxes.push_back(axis - added);
        continue;
      }
      copies *= out.getDimSize(axis);
      expandedReduced = true;
    }
    if (!expandedReduced)
      return failure();

    Location loc = op.getLoc();
    Value result = broadcast.getOperand();
    if (!operandAxes.empty())
      result = rewriter.create<OpTy>(loc, result,
                                     rewriter.getDenseI64ArrayAttr(operandAxes),
                                     /*keepdims=*/true);
    Type elementType = in.getElementType();
    if (std::is_same_v<OpTy, SumOp> && copies != 1)
      result = rewriter.create<MulOp>(
          loc, result, scalarConstant(rewriter, loc, elementType, copies));
    // Broadcast over the kept expanded dimensions (if any), then drop the
    // reduced ones unless keepdims keeps them.
    auto keptType = RankedTensorType::get(keptShape, elementType);
    if (cast<RankedTensorType>(result.getType()).getNumElements() !=
        keptType.getNumElements())
      result = rewriter.create<BroadcastToOp>(loc, keptType, result);
    if (result.getType() != op.getType())
      result = rewriter.create<ReshapeOp>(loc, op.getType(), result);
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void SumOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                        MLIRContext *context) {
  patterns.add<ReductionOfBroadcast<SumOp>>(context);
}

void MeanOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                         MLIRContext *context) {
  patterns.add<ReductionOfBroadcast<MeanOp>>(context);
}

//===----------------------------------------------------------------------===//
// Shape
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  RankedTensorType in = getOperand().getType(), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type from ")
           << in.getElementType() << " to " << out.getElementType();
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << in << " (" << in.getNumElements() << " elements) to " << out
           << " (" << out.getNumElements() << " elements)";
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getOperand().getType() == getType())
    return getOperand();
  if (auto inner = getOperand().getDefiningOp<ReshapeOp>()) {
    getOperandMutable().assign(inner.getOperand());
    return getResult();
  }
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getOperand()))
    return dense.reshape(getType());
  return {};
}

LogicalResult BroadcastToOp::verify() {
  RankedTensorType in = getOperand().getType(), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type from ")
           << in.getElementType() << " to " << out.getElementType();
  std::optional<SmallVector<int64_t>> shape =
      broadcastShapes(in.getShape(), out.getShape());
  if (!shape || *shape != out.getShape())
    return emitOpError("cannot broadcast ")
           << in << " to " << out
           << " (NumPy rules: right-aligned dimensions must be equal or 1)";
  return success();
}

OpFoldResult BroadcastToOp::fold(FoldAdaptor adaptor) {
  if (getOperand().getType() == getType())
    return getOperand();
  auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getOperand());
  if (splat)
    return splat.resizeSplat(getType());
  return {};
}

SmallVector<int64_t> SliceOp::getStrides() {
  if (std::optional<ArrayRef<int64_t>> stride = getStride())
    return SmallVector<int64_t>(*stride);
  return SmallVector<int64_t>(getType().getRank(), 1);
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  OpErrorAt error{loc, getOperationName()};
  RankedTensorType type = getRanked(adaptor.getOperand());
  if (!type)
    return error("expects a ranked tensor operand");
  int64_t rank = type.getRank();
  ArrayRef<int64_t> start = adaptor.getStart(), limit = adaptor.getLimit();
  SmallVector<int64_t> stride(rank, 1);
  if (adaptor.getStride())
    stride.assign(adaptor.getStride()->begin(), adaptor.getStride()->end());
  if (static_cast<int64_t>(start.size()) != rank ||
      static_cast<int64_t>(limit.size()) != rank ||
      static_cast<int64_t>(stride.size()) != rank)
    return error("start, limit and stride need one entry per dimension (",
                 rank, "), got ", str(start), ", ", str(limit), " and ",
                 str(stride));
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (start[d] < 0 || start[d] > limit[d] || limit[d] > type.getDimSize(d))
      return error("dimension ", d, ": needs 0 <= start (", start[d],
                   ") <= limit (", limit[d], ") <= size (",
                   type.getDimSize(d), ")");
    if (stride[d] < 1)
      return error("dimension ", d, ": stride ", stride[d],
                   " must be at least 1");
    shape.push_back(limit[d] == start[d]
                        ? 0
                        : (limit[d] - start[d] - 1) / stride[d] + 1);
  }
  types.push_back(type.clone(shape));
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  if (getOperand().getType() == getType())
    return getOperand();
  return {};
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  OpErrorAt error{loc, getOperationName()};
  if (adaptor.getInputs().empty())
    return error("expects at least one input");
  RankedTensorType first = getRanked(adaptor.getInputs().front());
  if (!first)
    return error("expects ranked tensor inputs");
  int64_t axis = adaptor.getAxisAttr().getInt();
  if (failed(checkAxis(error, "axis", axis, first.getRank())))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  for (Value input : adaptor.getInputs().drop_front()) {
    RankedTensorType type = getRanked(input);
    if (!type)
      return error("expects ranked tensor inputs");
    if (failed(checkSameElementType(error, first, type)))
      return failure();
    if (type.getRank() != first.getRank())
      return error("inputs have different ranks: ", first, " and ", type);
    for (int64_t d = 0; d < first.getRank(); ++d)
      if (d != axis && type.getDimSize(d) != first.getDimSize(d))
        return error("inputs ", first, " and ", type,
                     " differ in dimension ", d,
                     ", which is not the concatenation axis ", axis);
    shape[axis] += type.getDimSize(axis);
  }
  types.push_back(first.clone(shape));
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1)
    return getInputs().front();
  return {};
}

SmallVector<int64_t> PadOp::getInteriorPadding() {
  if (std::optional<ArrayRef<int64_t>> interior = getInterior())
    return SmallVector<int64_t>(*interior);
  return SmallVector<int64_t>(getType().getRank(), 0);
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  OpErrorAt error{loc, getOperationName()};
  RankedTensorType type = getRanked(adaptor.getOperand());
  if (!type)
    return error("expects a ranked tensor operand");
  int64_t rank = type.getRank();
  ArrayRef<int64_t> low = adaptor.getLow(), high = adaptor.getHigh();
  SmallVector<int64_t> interior(rank, 0);
  if (adaptor.getInterior())
    interior.assign(adaptor.getInterior()->begin(),
                    adaptor.getInterior()->end());
  if (static_cast<int64_t>(low.size()) != rank ||
      static_cast<int64_t>(high.size()) != rank ||
      static_cast<int64_t>(interior.size()) != rank)
    return error("low, high and interior need one entry per dimension (",
                 rank, "), got ", str(low), ", ", str(high), " and ",
                 str(interior));
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (low[d] < 0 || high[d] < 0 || interior[d] < 0)
      return error("padding must be non-negative, got low ", str(low),
                   ", high ", str(high), " and interior ", str(interior),
                   " (use adj.slice to crop)");
    int64_t size = type.getDimSize(d);
    std::optional<int64_t> inner =
        checkedMul(std::max<int64_t>(size - 1, 0), interior[d]);
    std::optional<int64_t> padded =
        inner ? checkedAdd(*inner, size) : std::nullopt;
    padded = padded ? checkedAdd(*padded, low[d]) : std::nullopt;
    padded = padded ? checkedAdd(*padded, high[d]) : std::nullopt;
    if (!padded)
      return error("dimension ", d, " overflows 64 bits once padded");
    shape.push_back(*padded);
  }
  types.push_back(type.clone(shape));
  return success();
}

/// Fails, at `op`, where `indices` is a constant with an entry outside
/// [0, size): an error when the IR is read, naming the first such entry, its
/// position and the range, worded as the reference evaluator's run-time
/// error ("index 4 at position [1] of the indices is out of range [0, 4)
/// for axis 0 of tensor<4x2xf64>"). Indices computed at run time are
/// adj-check-indices' job.
static LogicalResult verifyConstantIndices(Operation *op, Value indices,
                                           int64_t size, StringRef what,
                                           const Twine &range, Type type) {
  DenseIntElementsAttr constant;
  if (!matchPattern(indices, m_Constant(&constant)))
    return success();
  // A splat's entries are all its first one.
  int64_t count = constant.isSplat() ? std::min<int64_t>(constant.size(), 1)
                                     : constant.size();
  auto values = constant.getValues<APInt>();
  for (int64_t i = 0; i < count; ++i) {
    APInt index = values[i];
    if (!index.isNegative() && index.slt(size))
      continue;
    ArrayRef<int64_t> shape = constant.getType().getShape();
    SmallVector<int64_t> position(shape.size());
    for (int64_t d = shape.size() - 1, rest = i; d >= 0; rest /= shape[d--])
      position[d] = rest % shape[d];
    return op->emitOpError()
           << what << " " << index.getSExtValue() << " at position "
           << str(position) << " of the constant "
           << (what == "index" ? "indices" : "labels")
           << " is out of range [0, " << size << ") for " << range << " "
           << type;
  }
  return success();
}

LogicalResult GatherOp::verify() {
  int64_t axis = getAxis();
  RankedTensorType operand = getOperand().getType();
  // A bad axis is inferReturnTypes' error.
  if (axis < 0 || axis >= operand.getRank())
    return success();
  return verifyConstantIndices(*this, getIndices(), operand.getDimSize(axis),
                               "index", "axis " + Twine(axis) + " of", operand);
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  OpErrorAt error{loc, getOperationName()};
  RankedTensorType type = getRanked(adaptor.getOperand());
  RankedTensorType indices = getRanked(adaptor.getIndices());
  if (!type || !indices)
    return error("expects ranked tensor operands");
  int64_t axis = adaptor.getAxisAttr().getInt();
  if (failed(checkAxis(error, "axis", axis, type.getRank())))
    return failure();
  SmallVector<int64_t> shape(type.getShape().take_front(axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, type.getShape().drop_front(axis + 1));
  types.push_back(type.clone(shape));
  return success();
}

LogicalResult ScatterAddOp::verify() {
  RankedTensorType result = getType(), updates = getUpdates().getType();
  int64_t axis = getAxisAttr().getInt();
  if (failed(checkAxis({getLoc(), getOperationName()}, "axis", axis,
                       result.getRank())))
    return failure();
  if (updates.getElementType() != result.getElementType())
    return emitOpError("changes the element type from ")
           << updates.getElementType() << " to " << result.getElementType();
  SmallVector<int64_t> expected(result.getShape().take_front(axis));
  llvm::append_range(expected, getIndices().getType().getShape());
  llvm::append_range(expected, result.getShape().drop_front(axis + 1));
  if (updates.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError("updates ")
           << updates << " must have shape " << str(expected)
           << ": the result's dimensions with the indices' shape in place of "
              "axis "
           << axis;
  return verifyConstantIndices(*this, getIndices(), result.getDimSize(axis),
                               "index", "axis " + Twine(axis) + " of", result);
}

LogicalResult ReverseOp::verify() {
  OpErrorAt error{getLoc(), getOperationName()};
  SmallVector<bool> seen(getType().getRank(), false);
  for (int64_t dim : getDims()) {
    if (failed(checkAxis(error, "dim", dim, getType().getRank())))
      return failure();
    if (seen[dim])
      return error("dim ", dim, " appears twice in dims ", str(getDims()));
    seen[dim] = true;
  }
  return success();
}

OpFoldResult ReverseOp::fold(FoldAdaptor) {
  // Reversing only size-1 dimensions changes nothing.
  if (llvm::all_of(getDims(),
                   [&](int64_t d) { return getType().getDimSize(d) == 1; }))
    return getOperand();
  return {};
}

LogicalResult OneHotOp::verify() {
  RankedTensorType in = getIndices().getType(), out = getType();
  if (out.getRank() != in.getRank() + 1 ||
      out.getShape().drop_back() != in.getShape())
    return emitOpError("result ")
           << out << " must be the indices' shape " << in
           << " with one more dimension, the number of classes";
  if (out.getShape().back() < 1)
    return emitOpError("needs at least one class, got ") << out;
  // Only class labels must be in range; other indices give a zero row.
  if (!getInRange())
    return success();
  return verifyConstantIndices(*this, getIndices(), out.getShape().back(),
                               "label", "the classes of", out);
}

//===----------------------------------------------------------------------===//
// Neural-network ops
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  return checkAxis({getLoc(), getOperationName()}, "axis",
                   getAxisAttr().getInt(), getType().getRank());
}

LogicalResult LogSoftmaxOp::verify() {
  return checkAxis({getLoc(), getOperationName()}, "axis",
                   getAxisAttr().getInt(), getType().getRank());
}

LogicalResult SoftmaxCrossEntropyOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  OpErrorAt error{loc, getOperationName()};
  RankedTensorType logits = getRanked(adaptor.getLogits());
  RankedTensorType labels = getRanked(adaptor.getLabels());
  if (!logits || !labels)
    return error("expects ranked tensor operands");
  if (logits.getRank() != 2 || labels.getRank() != 1 ||
      logits.getDimSize(0) != labels.getDimSize(0))
    return error("expects logits [N, C] and labels [N], got ", logits,
                 " and ", labels);
  if (logits.getDimSize(1) < 1)
    return error("needs at least one class, got logits ", logits);
  // Parsing infers result types before default-valued attributes are filled
  // in, so an absent `reduction` means the default, mean.
  LossReductionAttr reduction = adaptor.getProperties().reduction;
  if (reduction && reduction.getValue() == LossReduction::none)
    types.push_back(logits.clone({logits.getDimSize(0)}));
  else
    types.push_back(logits.clone(ArrayRef<int64_t>{}));
  return success();
}

LogicalResult SoftmaxCrossEntropyOp::verify() {
  return verifyConstantIndices(*this, getLabels(),
                               getLogits().getType().getDimSize(1), "label",
                               "logits", getLogits().getType());
}

/// Reads an optional window attribute of `size` entries, or `fallback`.
template <size_t N>
static FailureOr<std::array<int64_t, N>>
readWindowAttr(const OpErrorAt &error, StringRef name,
               std::optional<ArrayRef<int64_t>> attr,
               std::array<int64_t, N> fallback, int64_t minimum) {
  if (!attr)
    return fallback;
  if (attr->size() != N)
    return error(name, " needs ", N, " entries, got ", str(*attr));
  std::array<int64_t, N> values;
  for (size_t i = 0; i < N; ++i) {
    if ((*attr)[i] < minimum)
      return error(name, " entries must be at least ", minimum, ", got ",
                   str(*attr));
    values[i] = (*attr)[i];
  }
  return values;
}

/// One output extent of a window sliding over `size` elements: 0 when the
/// window does not fit, nullopt when the sizes overflow int64.
static std::optional<int64_t> windowOutputSize(int64_t size, int64_t padBegin,
                                               int64_t padEnd, int64_t kernel,
                                               int64_t stride,
                                               int64_t dilation) {
  std::optional<int64_t> span = checkedMul(dilation, kernel - 1);
  span = span ? checkedAdd(*span, 1) : std::nullopt;
  std::optional<int64_t> padded = checkedAdd(size, padBegin);
  padded = padded ? checkedAdd(*padded, padEnd) : std::nullopt;
  if (!span || !padded)
    return std::nullopt;
  return *padded < *span ? 0 : (*padded - *span) / stride + 1;
}

/// Reads and checks the window of a conv2d/pool op; `kernel` is the kernel
/// extent [KH, KW] (from the weight for conv2d, the attribute for pooling).
static FailureOr<Window2D>
readWindow(const OpErrorAt &error, std::array<int64_t, 2> kernel,
           std::optional<ArrayRef<int64_t>> stride,
           std::optional<ArrayRef<int64_t>> padding,
           std::optional<ArrayRef<int64_t>> dilation,
           std::array<int64_t, 2> defaultStride) {
  auto s = readWindowAttr<2>(error, "stride", stride, defaultStride, 1);
  auto p = readWindowAttr<4>(error, "padding", padding, {0, 0, 0, 0}, 0);
  auto d = readWindowAttr<2>(error, "dilation", dilation, {1, 1}, 1);
  if (failed(s) || failed(p) || failed(d))
    return failure();
  return Window2D{kernel, *s, *p, *d, 1};
}

/// The output [OH, OW] of a window over an [.., .., H, W] input, or an error
/// when the window does not fit.
static FailureOr<std::array<int64_t, 2>>
windowOutput(const OpErrorAt &error, RankedTensorType input,
             const Window2D &w) {
  std::array<int64_t, 2> out;
  for (int i = 0; i < 2; ++i) {
    if (w.kernel[i] < 1 || input.getDimSize(2 + i) < 1)
      return error("needs a window and an input of at least 1x1, got kernel ",
                   str(w.kernel), " and input ", input);
    std::optional<int64_t> size = windowOutputSize(
        input.getDimSize(2 + i), w.padding[i], w.padding[2 + i], w.kernel[i],
        w.stride[i], w.dilation[i]);
    if (!size)
      return error("the window sizes overflow 64 bits");
    if (*size < 1) {
      std::string dilation = w.dilation == std::array<int64_t, 2>{1, 1}
                                 ? ""
                                 : ", dilation " + str(w.dilation);
      return error("the window (kernel ", str(w.kernel), dilation,
                   ") does not fit in the input ", input, " padded by ",
                   str(w.padding));
    }
    out[i] = *size;
  }
  return out;
}

static Window2D getConvWindow(Conv2DOp op) {
  ArrayRef<int64_t> w = op.getWeight().getType().getShape();
  Window2D window = *readWindow({op.getLoc(), op.getOperationName()},
                                {w[2], w[3]}, op.getStride(), op.getPadding(),
                                op.getDilation(), {1, 1});
  window.groups = op.getGroupsAttr() ? op.getGroupsAttr().getInt() : 1;
  return window;
}

Window2D Conv2DOp::getWindow() { return getConvWindow(*this); }

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  OpErrorAt error{loc, getOperationName()};
  RankedTensorType input = getRanked(adaptor.getInput());
  RankedTensorType weight = getRanked(adaptor.getWeight());
  if (!input || !weight)
    return error("expects ranked tensor operands");
  if (input.getRank() != 4 || weight.getRank() != 4)
    return error("expects an NCHW input and OIHW weights (rank 4), got ",
                 input, " and ", weight);
  if (failed(checkSameElementType(error, input, weight)))
    return failure();
  int64_t groups = adaptor.getGroupsAttr() ? adaptor.getGroupsAttr().getInt()
                                           : 1;
  int64_t channels = input.getDimSize(1), outChannels = weight.getDimSize(0);
  if (groups < 1 || channels % groups != 0 || outChannels % groups != 0)
    return error("groups (", groups, ") must be at least 1 and divide the ",
                 "input channels (", channels, ") and output channels (",
                 outChannels, ")");
  if (weight.getDimSize(1) != channels / groups)
    return error("weight ", weight, " must have C / groups = ",
                 channels / groups, " input channels, as input ", input,
                 " has ", channels, " channels in ", groups, " group(s)");
  FailureOr<Window2D> window = readWindow(
      error, {weight.getDimSize(2), weight.getDimSize(3)}, adaptor.getStride(),
      adaptor.getPadding(), adaptor.getDilation(), {1, 1});
  if (failed(window))
    return failure();
  FailureOr<std::array<int64_t, 2>> out = windowOutput(error, input, *window);
  if (failed(out))
    return failure();
  types.push_back(input.clone(
      {input.getDimSize(0), outChannels, (*out)[0], (*out)[1]}));
  return success();
}

/// Infers the result of a 2-D pooling op.
template <typename Adaptor>
static LogicalResult inferPool(const OpErrorAt &error, Adaptor adaptor,
                               SmallVectorImpl<Type> &types) {
  RankedTensorType input = getRanked(adaptor.getOperand());
  if (!input || input.getRank() != 4)
    return error("expects an NCHW input (rank 4)");
  auto kernel = readWindowAttr<2>(error, "kernel", adaptor.getKernel(),
                                  {1, 1}, 1);
  if (failed(kernel))
    return failure();
  FailureOr<Window2D> window =
      readWindow(error, *kernel, adaptor.getStride(), adaptor.getPadding(),
                 std::nullopt, *kernel);
  if (failed(window))
    return failure();
  for (int i = 0; i < 2; ++i)
    if (window->padding[i] >= (*kernel)[i] ||
        window->padding[i + 2] >= (*kernel)[i])
      return error("padding ", str(window->padding),
                   " must be smaller than the kernel ", str(*kernel),
                   " so that every window holds an input element");
  FailureOr<std::array<int64_t, 2>> out = windowOutput(error, input, *window);
  if (failed(out))
    return failure();
  types.push_back(input.clone(
      {input.getDimSize(0), input.getDimSize(1), (*out)[0], (*out)[1]}));
  return success();
}

template <typename OpTy>
static Window2D getPoolWindow(OpTy op) {
  ArrayRef<int64_t> k = op.getKernel();
  return *readWindow({op.getLoc(), op.getOperationName()}, {k[0], k[1]},
                     op.getStride(), op.getPadding(), std::nullopt,
                     {k[0], k[1]});
}

#define ADJ_POOL(OP)                                                           \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &types) {           \
    return inferPool({loc, getOperationName()}, adaptor, types);               \
  }                                                                            \
  Window2D OP::getWindow() { return getPoolWindow(*this); }
ADJ_POOL(MaxPool2DOp)
ADJ_POOL(AvgPool2DOp)
ADJ_POOL(MaxPool2DGatherOp)
#undef ADJ_POOL

LogicalResult MaxPool2DGatherOp::verify() {
  if (getSource().getType() != getOperand().getType())
    return emitOpError("source ")
           << getSource().getType() << " must have the operand's type "
           << getOperand().getType();
  return success();
}

LogicalResult MaxPool2DScatterOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  OpErrorAt error{loc, getOperationName()};
  SmallVector<Type> pooled;
  if (failed(inferPool(error, adaptor, pooled)))
    return failure();
  Type source = adaptor.getSource().getType();
  if (source != pooled.front())
    return error("source ", source, " must have the pooling output's type ",
                 pooled.front());
  types.push_back(adaptor.getOperand().getType());
  return success();
}
Window2D MaxPool2DScatterOp::getWindow() { return getPoolWindow(*this); }

/// Checks the scale and bias of a normalization against `expected`.
static LogicalResult checkAffine(const OpErrorAt &error, RankedTensorType input,
                                 Value scale, Value bias,
                                 ArrayRef<int64_t> expected) {
  for (Value v : {scale, bias}) {
    RankedTensorType type = getRanked(v);
    if (!type)
      return error("expects ranked tensor operands");
    if (failed(checkSameElementType(error, input, type)))
      return failure();
    if (type.getShape() != expected)
      return error("scale and bias must have shape ", str(expected),
                   " for input ", input, ", got ", type);
  }
  return success();
}

/// Checks a normalization's epsilon (in the verifier: while parsing, a
/// default-valued attribute may not be filled in yet during inference).
static LogicalResult checkEpsilon(Operation *op, APFloat epsilon) {
  if (!(epsilon.convertToDouble() >= 0))
    return op->emitOpError("epsilon must be non-negative, got ")
           << epsilon.convertToDouble();
  return success();
}

LogicalResult LayerNormOp::verify() { return checkEpsilon(*this, getEpsilon()); }
LogicalResult BatchNormOp::verify() { return checkEpsilon(*this, getEpsilon()); }

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  OpErrorAt error{loc, getOperationName()};
  RankedTensorType input = getRanked(adaptor.getOperand());
  if (!input)
    return error("expects a ranked tensor operand");
  int64_t axis = adaptor.getAxisAttr().getInt();
  if (failed(checkAxis(error, "axis", axis, input.getRank())) ||
      failed(checkAffine(error, input, adaptor.getScale(), adaptor.getBias(),
                         input.getShape().drop_front(axis))))
    return failure();
  types.push_back(input);
  return success();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  OpErrorAt error{loc, getOperationName()};
  RankedTensorType input = getRanked(adaptor.getOperand());
  if (!input || input.getRank() < 2)
    return error("expects an [N, C, ...] input of rank 2 or more");
  int64_t channels = input.getDimSize(1);
  if (failed(checkAffine(error, input, adaptor.getScale(), adaptor.getBias(),
                         {channels})))
    return failure();
  auto stats = input.clone({channels});
  types.append({input, stats, stats});
  return success();
}

//===----------------------------------------------------------------------===//
// Differentiation requests
//===----------------------------------------------------------------------===//

/// Whether `s` is a C or C++ keyword.
static bool isKeyword(StringRef s) {
  // The keywords of C23 and C++23 (and C++'s alternative tokens): a header
  // that names an argument `int` or `class` compiles as neither.
  // clang-format off
  static const llvm::StringSet<> keywords = {
      "_Alignas", "_Alignof", "_Atomic", "_BitInt", "_Bool", "_Complex",
      "_Decimal128", "_Decimal32", "_Decimal64", "_Generic", "_Imaginary",
      "_Noreturn", "_Static_assert", "_Thread_local", "alignas", "alignof",
      "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
      "case", "catch", "char", "char16_t", "char32_t", "char8_t", "class",
      "co_await", "co_return", "co_yield", "compl", "concept", "const",
      "const_cast", "consteval", "constexpr", "constinit", "continue",
      "decltype", "default", "delete", "do", "double", "dynamic_cast", "else",
      "enum", "explicit", "export", "extern", "false", "float", "for",
      "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace",
      "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or",
      "or_eq", "private", "protected", "public", "register",
      "reinterpret_cast", "requires", "restrict", "return", "short", "signed",
      "sizeof", "static", "static_assert", "static_cast", "struct", "switch",
      "template", "this", "thread_local", "throw", "true", "try", "typedef",
      "typeid", "typename", "typeof", "typeof_unqual", "union", "unsigned",
      "using", "virtual", "void", "volatile", "wchar_t", "while", "xor",
      "xor_eq"};
  // clang-format on
  return keywords.contains(s);
}

/// Whether one of the standard C headers a user includes next to the
/// generated one (<stddef.h>, <stdint.h>, <stdbool.h>, <stdio.h>,
/// <stdlib.h>, <errno.h>, <assert.h>, <limits.h>, <float.h>, <math.h>)
/// defines `s` as a macro or a type. A macro replaces the parameter's name
/// in the prototype (`const float *NULL` becomes `const float *((void *)0)`)
/// and a type name makes it a declaration of something else; the header
/// includes <stdint.h> and <stdbool.h> itself, so theirs always do.
static bool isStandardName(StringRef s) {
  // clang-format off
  static const llvm::StringSet<> names = {
      // <stddef.h>
      "NULL", "offsetof", "ptrdiff_t", "size_t", "max_align_t",
      // <stdint.h>, besides the patterns below
      "intptr_t", "uintptr_t", "intmax_t", "uintmax_t", "INTPTR_MIN",
      "INTPTR_MAX", "UINTPTR_MAX", "INTMAX_MIN", "INTMAX_MAX", "UINTMAX_MAX",
      "INTMAX_C", "UINTMAX_C", "PTRDIFF_MIN", "PTRDIFF_MAX", "SIG_ATOMIC_MIN",
      "SIG_ATOMIC_MAX", "SIZE_MAX", "WCHAR_MIN", "WCHAR_MAX", "WINT_MIN",
      "WINT_MAX",
      // <stdio.h>
      "BUFSIZ", "EOF", "FILENAME_MAX", "FOPEN_MAX", "L_tmpnam", "SEEK_CUR",
      "SEEK_END", "SEEK_SET", "TMP_MAX", "stdin", "stdout", "stderr", "FILE",
      "fpos_t",
      // <stdlib.h>
      "EXIT_FAILURE", "EXIT_SUCCESS", "MB_CUR_MAX", "RAND_MAX", "div_t",
      "ldiv_t", "lldiv_t",
      // <errno.h>
      "errno", "EDOM", "EILSEQ", "ERANGE",
      // <assert.h>, and the macro that switches it off
      "assert", "NDEBUG",
      // <limits.h>
      "CHAR_BIT", "SCHAR_MIN", "SCHAR_MAX", "UCHAR_MAX", "CHAR_MIN",
      "CHAR_MAX", "MB_LEN_MAX", "SHRT_MIN", "SHRT_MAX", "USHRT_MAX",
      "INT_MIN", "INT_MAX", "UINT_MAX", "LONG_MIN", "LONG_MAX", "ULONG_MAX",
      "LLONG_MIN", "LLONG_MAX", "ULLONG_MAX",
      // <float.h>, besides FLT_*, DBL_* and LDBL_*
      "FLT_RADIX", "DECIMAL_DIG", "FLT_EVAL_METHOD",
      // <math.h>, with POSIX's constants
      "HUGE_VAL", "HUGE_VALF", "HUGE_VALL", "INFINITY", "NAN", "FP_INFINITE",
      "FP_NAN", "FP_NORMAL", "FP_SUBNORMAL", "FP_ZERO", "FP_FAST_FMA",
      "FP_FAST_FMAF", "FP_FAST_FMAL", "FP_ILOGB0", "FP_ILOGBNAN",
      "MATH_ERRNO", "MATH_ERREXCEPT", "math_errhandling", "float_t",
      "double_t", "fpclassify", "isfinite", "isinf", "isnan", "isnormal",
      "signbit", "isgreater", "isgreaterequal", "isless", "islessequal",
      "islessgreater", "isunordered", "M_E", "M_LOG2E", "M_LOG10E", "M_LN2",
      "M_LN10", "M_PI", "M_PI_2", "M_PI_4", "M_1_PI", "M_2_PI",
      "M_2_SQRTPI", "M_SQRT2", "M_SQRT1_2"};
  // clang-format on
  if (names.contains(s))
    return true;
  // <stdint.h>'s exact-width, least and fast types and their limits
  // (int32_t, uint_fast8_t, INT64_MAX, UINT_LEAST16_MAX, INT8_C), and
  // <float.h>'s FLT_MAX, DBL_EPSILON, LDBL_MANT_DIG, ...
  static const llvm::Regex stdint(
      "^(u?int(_least|_fast)?(8|16|32|64)_t|U?INT(_LEAST|_FAST)?(8|16|32|64)_("
      "MIN|MAX|C))$");
  static const llvm::Regex floats("^L?(FLT|DBL)_[A-Z0-9_]+$");
  return stdint.match(s) || floats.match(s);
}

bool adjoint::adj::isCIdentifier(StringRef s) {
  return !s.empty() && !llvm::isDigit(s.front()) &&
         llvm::all_of(s, [](char c) { return llvm::isAlnum(c) || c == '_'; }) &&
         !isKeyword(s);
}

StringRef adjoint::adj::whyNotParameterName(StringRef s) {
  if (!isCIdentifier(s))
    return isKeyword(s) ? "it is a C or C++ keyword"
                        : "it is not a C identifier (letters, digits and '_', "
                          "not starting with a digit)";
  if (s.starts_with("__") ||
      (s.size() > 1 && s[0] == '_' && llvm::isUpper(s[1])))
    return "C reserves names that begin with '__' or '_' and a capital "
           "letter for the compiler and its library";
  if (isStandardName(s))
    return "the standard C headers define it (a macro or a type), so the "
           "header would not compile after, e.g., #include <stdio.h>";
  if (s == "workspace")
    return "every exported function's last C parameter is its workspace, "
           "named 'workspace'";
  return "";
}

std::string adjoint::adj::getArgumentName(func::FuncOp fn, unsigned i) {
  if (auto name = fn.getArgAttrOfType<StringAttr>(i, "adj.name"))
    return name.str();
  return "arg" + std::to_string(i);
}

std::string adjoint::adj::getResultName(func::FuncOp fn, unsigned i) {
  if (auto name = fn.getResultAttrOfType<StringAttr>(i, "adj.name"))
    return name.str();
  return "result" + std::to_string(i);
}

StringRef adjoint::adj::getSourceName(func::FuncOp fn) {
  if (auto name = fn->getAttrOfType<StringAttr>(kSourceNameAttr))
    return name.getValue();
  return fn.getSymName();
}

bool adjoint::adj::isDerivativeRequest(OperationName name) {
  TypeID id = name.getTypeID();
  return id == TypeID::get<ValueAndGradOp>() || id == TypeID::get<GradOp>() ||
         id == TypeID::get<VjpOp>() || id == TypeID::get<JvpOp>();
}

bool adjoint::adj::isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

/// The flag per argument of `callee`: differentiate w.r.t. it? `wrt` lists
/// indices; absent, it means every floating-point argument.
static SmallVector<bool> wrtMask(func::FuncOp callee,
                                 std::optional<ArrayRef<int64_t>> wrt) {
  ArrayRef<Type> inputs = callee.getFunctionType().getInputs();
  SmallVector<bool> mask(inputs.size(), false);
  if (!wrt) {
    for (auto [i, type] : llvm::enumerate(inputs))
      mask[i] = isFloatTensor(type);
    return mask;
  }
  for (int64_t i : *wrt)
    mask[i] = true;
  return mask;
}

/// Checks what every request shares: the callee is a func.func taking the
/// request's arguments, and `wrt` names distinct floating-point arguments.
/// Returns the callee.
static FailureOr<func::FuncOp>
verifyRequest(Operation *op, SymbolTableCollection &symbolTable,
              FlatSymbolRefAttr calleeAttr, ValueRange args,
              std::optional<ArrayRef<int64_t>> wrt) {
  auto callee =
      symbolTable.lookupNearestSymbolFrom<func::FuncOp>(op, calleeAttr);
  if (!callee)
    return op->emitOpError("differentiates ")
           << calleeAttr << ", which is not a func.func in this module";
  if (callee.isExternal())
    return op->emitOpError("differentiates ")
           << calleeAttr
           << ", which has no body; give it one, or attach a custom "
              "derivative";
  FunctionType type = callee.getFunctionType();
  if (TypeRange(args) != type.getInputs())
    return op->emitOpError("passes arguments of types (")
           << TypeRange(args) << ") but " << calleeAttr << " takes ("
           << type.getInputs() << ")";
  if (!wrt && llvm::none_of(type.getInputs(), isFloatTensor))
    return op->emitOpError("differentiates ")
           << calleeAttr
           << ", which has no floating-point argument to differentiate";
  if (wrt) {
    if (wrt->empty())
      return op->emitOpError("differentiates w.r.t. no argument: list at "
                             "least one index in wrt, or omit it for all "
                             "floating-point arguments");
    SmallVector<bool> seen(type.getNumInputs(), false);
    for (int64_t i : *wrt) {
      if (i < 0 || i >= static_cast<int64_t>(type.getNumInputs()))
        return op->emitOpError("wrt index ")
               << i << " is out of range: " << calleeAttr << " has "
               << type.getNumInputs() << " argument(s)";
      if (seen[i])
        return op->emitOpError("wrt index ") << i << " appears twice";
      if (!isFloatTensor(type.getInput(i)))
        return op->emitOpError("cannot differentiate w.r.t. argument ")
               << i << " of type " << type.getInput(i)
               << ": only floating-point tensors have derivatives";
      seen[i] = true;
    }
  }
  return callee;
}

/// The types of the arguments flagged in `mask`.
static SmallVector<Type> selectedTypes(TypeRange types, ArrayRef<bool> mask) {
  SmallVector<Type> selected;
  for (auto [type, on] : llvm::zip(types, mask))
    if (on)
      selected.push_back(type);
  return selected;
}

/// Checks that `op` returns `expected`.
static LogicalResult verifyResults(Operation *op, ArrayRef<Type> expected) {
  if (op->getResultTypes() != TypeRange(expected))
    return op->emitOpError("must return (")
           << TypeRange(expected) << "), not (" << op->getResultTypes()
           << ")";
  return success();
}

/// Checks that a function's results all carry derivatives.
static LogicalResult verifyFloatResults(Operation *op, func::FuncOp callee) {
  for (Type type : callee.getFunctionType().getResults())
    if (!isFloatTensor(type))
      return op->emitOpError("differentiates @")
             << callee.getSymName() << ", whose result of type " << type
             << " has no derivative";
  return success();
}

/// Checks that `callee` returns one 0-d floating-point tensor.
static LogicalResult verifyScalarResult(Operation *op, func::FuncOp callee) {
  ArrayRef<Type> results = callee.getFunctionType().getResults();
  auto tensor = results.size() == 1
                    ? dyn_cast<RankedTensorType>(results.front())
                    : RankedTensorType();
  if (!tensor || tensor.getRank() != 0 || !isFloatTensor(tensor))
    return op->emitOpError("needs @")
           << callee.getSymName()
           << " to return one 0-d floating-point tensor, but it returns ("
           << TypeRange(results)
           << "); use adj.vjp with a cotangent for other results";
  return success();
}

LogicalResult
ValueAndGradOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  FailureOr<func::FuncOp> callee = verifyRequest(
      *this, symbolTable, getCalleeAttr(), getArgs(), getWrt());
  if (failed(callee) || failed(verifyScalarResult(*this, *callee)))
    return failure();
  SmallVector<Type> expected(callee->getFunctionType().getResults());
  llvm::append_range(expected,
                     selectedTypes(getArgs().getTypes(), getWrtMask(*callee)));
  return verifyResults(*this, expected);
}

LogicalResult GradOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  FailureOr<func::FuncOp> callee = verifyRequest(
      *this, symbolTable, getCalleeAttr(), getArgs(), getWrt());
  if (failed(callee) || failed(verifyScalarResult(*this, *callee)))
    return failure();
  return verifyResults(
      *this, selectedTypes(getArgs().getTypes(), getWrtMask(*callee)));
}

LogicalResult VjpOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  FailureOr<func::FuncOp> callee = verifyRequest(
      *this, symbolTable, getCalleeAttr(), getArgs(), getWrt());
  if (failed(callee) || failed(verifyFloatResults(*this, *callee)))
    return failure();
  ArrayRef<Type> results = callee->getFunctionType().getResults();
  if (getCotangents().getTypes() != TypeRange(results))
    return emitOpError("needs one cotangent per result of ")
           << getCalleeAttr() << ", of types (" << TypeRange(results)
           << "), got (" << getCotangents().getTypes() << ")";
  SmallVector<Type> expected(results);
  llvm::append_range(expected,
                     selectedTypes(getArgs().getTypes(), getWrtMask(*callee)));
  return verifyResults(*this, expected);
}

LogicalResult JvpOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  FailureOr<func::FuncOp> callee = verifyRequest(
      *this, symbolTable, getCalleeAttr(), getArgs(), getWrt());
  if (failed(callee) || failed(verifyFloatResults(*this, *callee)))
    return failure();
  SmallVector<Type> wrtTypes =
      selectedTypes(getArgs().getTypes(), getWrtMask(*callee));
  if (getTangents().getTypes() != TypeRange(wrtTypes))
    return emitOpError("needs one tangent per differentiated argument, of "
                       "types (")
           << TypeRange(wrtTypes) << "), got (" << getTangents().getTypes()
           << ")";
  SmallVector<Type> expected(callee->getFunctionType().getResults());
  llvm::append_range(expected, callee->getFunctionType().getResults());
  return verifyResults(*this, expected);
}

#define ADJ_WRT_MASK(OP)                                                       \
  SmallVector<bool> OP::getWrtMask(func::FuncOp callee) {                      \
    return wrtMask(callee, getWrt());                                          \
  }
ADJ_WRT_MASK(ValueAndGradOp)
ADJ_WRT_MASK(GradOp)
ADJ_WRT_MASK(VjpOp)
ADJ_WRT_MASK(JvpOp)
#undef ADJ_WRT_MASK

#define GET_OP_CLASSES
#include "adjoint/Dialect/Adj/IR/AdjOps.cpp.inc"
