//===- OnnxElementwise.cpp - ONNX's elementwise operators -----------------===//
//
// Part of the Adjoint project.
//
// Activations, arithmetic (integer constants fold), comparisons, bool
// masks and casts.
//
//===----------------------------------------------------------------------===//

#include "OnnxConverters.h"

#include "adjoint/Dialect/Adj/IR/StableMath.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace adjoint;
using namespace adjoint::onnx_import;

namespace {

LogicalResult identity(NodeContext &n, Results &results) {
  results.push_back(n.input(0));
  return success();
}

/// Dropout is the identity, as in inference: Adjoint draws no random
/// numbers. From opset 12 an export in training mode says so (training_mode
/// true); with a non-zero ratio that would silently train without dropout,
/// so it is an error.
LogicalResult dropout(NodeContext &n, Results &results) {
  if (n.opset >= 12 && n.hasInput(2)) {
    const Tensor &training = n.input(2);
    if (!training.constant || !n.type(2).getElementType().isInteger(1) ||
        n.type(2).getNumElements() != 1)
      return n.error() << "training_mode must be a bool known at import time";
    bool dropping = true;
    if (n.hasInput(1)) {
      const Tensor &ratio = n.input(1);
      dropping = !ratio.constant ||
                 !isa<FloatType>(n.type(1).getElementType()) ||
                 !ratio.constant.isSplat() ||
                 !ratio.constant.getSplatValue<APFloat>().isZero();
    }
    if (dropping && *training.constant.value_begin<bool>())
      return n.error() << "dropout in training mode is not supported: "
                          "Adjoint draws no random numbers. Export with the "
                          "dropout modules in eval mode or their p set to "
                          "0 (torch.onnx.TrainingMode.TRAINING puts them in "
                          "training mode)";
  }
  return identity(n, results);
}

template <typename OpTy> LogicalResult unary(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  return result(results, n.create<OpTy>(*x, {}, x->getType()));
}

/// Integer arithmetic folded at import time (shape computations); none on
/// overflow, division by zero or a negative power.
std::optional<int64_t> foldInt(StringRef op, int64_t a, int64_t b) {
  if (op == "Add")
    return llvm::checkedAdd(a, b);
  if (op == "Sub")
    return llvm::checkedSub(a, b);
  if (op == "Mul")
    return llvm::checkedMul(a, b);
  if (op == "Pow" && b >= 0) {
    // Integer powers (shape arithmetic such as 2 ** 3) by repeated
    // multiplication, which overflows within 63 steps unless |a| <= 1; a
    // negative exponent has no integer result.
    if (a == 0 || a == 1)
      return b == 0 ? 1 : a;
    if (a == -1)
      return b % 2 ? -1 : 1;
    std::optional<int64_t> power = 1;
    for (int64_t i = 0; i < b && power; ++i)
      power = llvm::checkedMul(*power, a);
    return power;
  }
  if (op == "Min")
    return std::min(a, b);
  if (op == "Max")
    return std::max(a, b);
  if (op == "Div" && b != 0 &&
      !(a == std::numeric_limits<int64_t>::min() && b == -1))
    return a / b;
  return std::nullopt;
}

/// Inputs 0 and 1 when both are integer constants that shape arithmetic
/// pairs: of equal shapes, or a single element and a tensor of the
/// broadcast shape (which then has as many elements as the result). The
/// values come as many as the result's, a single element repeated.
struct IntOperands {
  SmallVector<int64_t> shape, a, b;
};
std::optional<IntOperands> intOperands(NodeContext &n) {
  if (!isIntConstant(n.input(0)) || !isIntConstant(n.input(1)))
    return std::nullopt;
  ArrayRef<int64_t> sa = n.type(0).getShape(), sb = n.type(1).getShape();
  std::optional<SmallVector<int64_t>> shape = broadcast(sa, sb);
  SmallVector<int64_t> a = intValues(n.input(0).constant),
                       b = intValues(n.input(1).constant);
  if (!shape || !(sa == sb || (a.size() == 1 && sb == ArrayRef(*shape)) ||
                  (b.size() == 1 && sa == ArrayRef(*shape))))
    return std::nullopt;
  size_t count = sa == ArrayRef(*shape) ? a.size() : b.size();
  if (a.size() == 1)
    a.assign(count, a[0]);
  if (b.size() == 1)
    b.assign(count, b[0]);
  return IntOperands{*shape, a, b};
}

/// Whether inputs 0 and 1 are integer tensors. Bools (i1) are not: they
/// are masks, which arithmetic rejects as a non-float operand.
bool isIntBinary(NodeContext &n) {
  auto isInt = [](Type t) { return t.isInteger() && !t.isInteger(1); };
  return isInt(n.type(0).getElementType()) && isInt(n.type(1).getElementType());
}

/// y - 2^32 floor((y + 2^31) / 2^32): the integer y in f64 wrapped into
/// i32's range as two's complement arithmetic (NumPy, PyTorch) does, where
/// converting back would saturate. Every step is exact for |y| < 2^52.
FailureOr<Value> wrapI32(NodeContext &n, Value y) {
  FailureOr<Value> shifted = n.create<adj::AddOp>({y, f64Scalar(n, 0x1p31)});
  if (failed(shifted))
    return failure();
  FailureOr<Value> turns =
      n.create<adj::MulOp>({*shifted, f64Scalar(n, 0x1p-32)});
  if (failed(turns))
    return failure();
  Value whole = n.b.create<adj::FloorOp>(n.loc, turns->getType(), *turns);
  FailureOr<Value> excess = n.create<adj::MulOp>({whole, f64Scalar(n, 0x1p32)});
  if (failed(excess))
    return failure();
  return n.create<adj::SubOp>({y, *excess});
}

/// The i32 product a b (in f64) wrapped: b = 2^16 high + low splits it into
/// a low + 2^16 wrap(a high), no part reaching 2^53, so that it is exact
/// where the plain product (up to 2^62) is rounded.
FailureOr<Value> mulI32(NodeContext &n, Value a, Value b) {
  FailureOr<Value> scaled = n.create<adj::MulOp>({b, f64Scalar(n, 0x1p-16)});
  if (failed(scaled))
    return failure();
  Value high = n.b.create<adj::FloorOp>(n.loc, scaled->getType(), *scaled);
  FailureOr<Value> highPart =
      n.create<adj::MulOp>({high, f64Scalar(n, 0x1p16)});
  if (failed(highPart))
    return failure();
  FailureOr<Value> low = n.create<adj::SubOp>({b, *highPart});
  if (failed(low))
    return failure();
  FailureOr<Value> lowProduct = n.create<adj::MulOp>({a, *low});
  FailureOr<Value> highProduct = n.create<adj::MulOp>({a, high});
  if (failed(lowProduct) || failed(highProduct))
    return failure();
  FailureOr<Value> highWrapped = wrapI32(n, *highProduct);
  if (failed(highWrapped))
    return failure();
  FailureOr<Value> shiftedHigh =
      n.create<adj::MulOp>({*highWrapped, f64Scalar(n, 0x1p16)});
  if (failed(shiftedHigh))
    return failure();
  FailureOr<Value> sum = n.create<adj::AddOp>({*lowProduct, *shiftedHigh});
  if (failed(sum))
    return failure();
  return wrapI32(n, *sum);
}

/// Input `i` (integers or bools) converted to f64.
FailureOr<Value> inF64(NodeContext &n, unsigned i) {
  return n.create<adj::ConvertOp>(n.value(i), {},
                                  n.type(i).clone(n.b.getF64Type()));
}

/// Integer arithmetic at run time (`labels - 1`): `compute` of the two
/// inputs in f64 (exact while they and the result stay below 2^53 in
/// magnitude; i32 Add, Sub and Mul wrap exactly), converted back to their
/// type by `adj.convert`, which truncates toward zero as ONNX's integer
/// Div does.
LogicalResult
intArithmetic(NodeContext &n, Results &results,
              function_ref<FailureOr<Value>(Value, Value)> compute) {
  if (n.type(0).getElementType() != n.type(1).getElementType())
    return n.error() << "operands of different element types: " << n.type(0)
                     << " and " << n.type(1);
  FailureOr<Value> a = inF64(n, 0), b = inF64(n, 1);
  if (failed(a) || failed(b))
    return failure();
  FailureOr<Value> y = compute(*a, *b);
  if (failed(y))
    return failure();
  auto type =
      cast<RankedTensorType>(y->getType()).clone(n.type(0).getElementType());
  return result(results, n.create<adj::ConvertOp>(*y, {}, type));
}

template <typename OpTy>
LogicalResult binary(NodeContext &n, Results &results) {
  if (std::optional<IntOperands> ints = intOperands(n)) {
    SmallVector<int64_t> values;
    for (auto [a, b] : llvm::zip(ints->a, ints->b)) {
      std::optional<int64_t> v = foldInt(n.node.op_type(), a, b);
      if (!v)
        return n.error() << "cannot fold this integer operation: it "
                            "overflows, divides by zero or raises to a "
                            "negative power";
      values.push_back(*v);
    }
    results.push_back(intConstant(n.b.getContext(), ints->shape, values));
    return success();
  }
  if (isIntBinary(n))
    return intArithmetic(n, results, [&](Value a, Value b) -> FailureOr<Value> {
      StringRef op = n.node.op_type();
      if (!n.type(0).getElementType().isInteger(32) ||
          !(op == "Add" || op == "Sub" || op == "Mul"))
        return n.create<OpTy>({a, b});
      if (op == "Mul")
        return mulI32(n, a, b);
      FailureOr<Value> y = n.create<OpTy>({a, b});
      return succeeded(y) ? wrapI32(n, *y) : y;
    });
  FailureOr<Value> lhs = n.floatValue(0);
  if (failed(lhs))
    return failure();
  Value rhs;
  // Pow's exponent may be an integer constant (x ** 2).
  if (n.node.op_type() == "Pow" && isIntConstant(n.input(1))) {
    Type element = n.type(0).getElementType();
    SmallVector<Attribute> values;
    for (int64_t v : intValues(n.input(1).constant))
      values.push_back(FloatAttr::get(element, double(v)));
    auto type = n.type(1).clone(element);
    rhs = n.b.create<adj::ConstantOp>(n.loc, type,
                                      DenseElementsAttr::get(type, values));
  } else {
    FailureOr<Value> r = n.floatValue(1);
    if (failed(r))
      return failure();
    rhs = *r;
  }
  return result(results, n.create<OpTy>({*lhs, rhs}));
}

/// Max and Min: the elementwise extreme of any number of inputs, as
/// adj.maximum/adj.minimum (which halve the cotangent at ties, as PyTorch).
template <typename OpTy>
LogicalResult extreme(NodeContext &n, Results &results) {
  // Of two integer constants (PyTorch's diagonal computes its length so):
  // folded.
  if (n.getNumInputs() == 2)
    if (std::optional<IntOperands> ints = intOperands(n)) {
      SmallVector<int64_t> values;
      for (auto [a, b] : llvm::zip(ints->a, ints->b))
        values.push_back(*foldInt(n.node.op_type(), a, b));
      results.push_back(intConstant(n.b.getContext(), ints->shape, values));
      return success();
    }
  FailureOr<Value> y = n.floatValue(0);
  for (unsigned i = 1; i < n.getNumInputs() && succeeded(y); ++i) {
    FailureOr<Value> x = n.floatValue(i);
    if (failed(x))
      return failure();
    y = n.create<OpTy>({*y, *x});
  }
  return result(results, y);
}

/// `condition(x, bound) ? bound : x`: a clamp on one side written with a
/// select rather than adj.maximum/minimum, so that a value equal to the
/// bound keeps its whole derivative, as PyTorch's clamp.
FailureOr<Value> clampSide(NodeContext &n, Value x, Value bound,
                           adj::ComparisonDirection direction) {
  FailureOr<Value> outside = compare(n, direction, x, bound);
  if (failed(outside))
    return failure();
  return n.create<adj::SelectOp>({*outside, bound, x});
}

LogicalResult clip(NodeContext &n, Results &results) {
  FailureOr<Value> y = n.floatValue(0);
  if (failed(y))
    return failure();
  // Before opset 11 the bounds are attributes; then optional inputs.
  auto bound = [&](unsigned input, StringRef attr) -> FailureOr<Value> {
    if (n.opset < 11)
      return n.attr(attr, onnx::AttributeProto::FLOAT)
                 ? n.scalar(n.getFloat(attr, 0))
                 : Value();
    if (!n.hasInput(input))
      return Value();
    if (n.type(input).getRank() != 0)
      return n.error() << "the bound " << n.node.input(input)
                       << " must be a scalar";
    return n.floatValue(input);
  };
  FailureOr<Value> low = bound(1, "min"), high = bound(2, "max");
  if (failed(low) || failed(high))
    return failure();
  if (*low)
    y = clampSide(n, *y, *low, adj::ComparisonDirection::lt);
  if (succeeded(y) && *high)
    y = clampSide(n, *y, *high, adj::ComparisonDirection::gt);
  return result(results, y);
}

/// `x > 0 ? x : negative(x)`: LeakyRelu and Elu, whose derivative at 0 is
/// that of the negative side, as PyTorch's.
LogicalResult positiveOr(NodeContext &n, Results &results,
                         function_ref<FailureOr<Value>(Value)> negative) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  FailureOr<Value> positive =
      compare(n, adj::ComparisonDirection::gt, *x, n.scalar(0.0));
  FailureOr<Value> other = negative(*x);
  if (failed(positive) || failed(other))
    return failure();
  return result(results, n.create<adj::SelectOp>({*positive, *x, *other}));
}

LogicalResult leakyRelu(NodeContext &n, Results &results) {
  Value alpha = n.scalar(n.getFloat("alpha", 0.01));
  return positiveOr(n, results, [&](Value x) {
    return n.create<adj::MulOp>({x, alpha});
  });
}

/// Elu with `alpha`: x > 0 ? x : alpha (exp(x scale) - 1); Celu's `scale`
/// is 1 / alpha.
LogicalResult eluWith(NodeContext &n, Results &results, double alpha,
                      double scale = 1.0) {
  return positiveOr(n, results, [&](Value x) -> FailureOr<Value> {
    // exp(min(x, 0)) written as a select: exp(x) of a large positive x
    // overflows, and its zero cotangent on the discarded branch would give
    // 0 * inf = NaN; a select keeps the derivative at 0 whole.
    FailureOr<Value> nonPositive =
        clampSide(n, x, n.scalar(0.0), adj::ComparisonDirection::gt);
    if (failed(nonPositive))
      return failure();
    if (scale != 1.0)
      nonPositive = n.create<adj::MulOp>({*nonPositive, n.scalar(scale)});
    if (failed(nonPositive))
      return failure();
    Value e = n.b.create<adj::ExpOp>(n.loc, x.getType(), *nonPositive);
    FailureOr<Value> em1 = n.create<adj::SubOp>({e, n.scalar(1.0)});
    if (failed(em1))
      return failure();
    return n.create<adj::MulOp>({*em1, n.scalar(alpha)});
  });
}

LogicalResult elu(NodeContext &n, Results &results) {
  return eluWith(n, results, n.getFloat("alpha", 1.0));
}

/// Celu: max(0, x) + min(0, alpha (exp(x / alpha) - 1)), Elu of x / alpha
/// on the negative side scaled back.
LogicalResult celu(NodeContext &n, Results &results) {
  double alpha = n.getFloat("alpha", 1.0);
  if (alpha == 0)
    return n.error() << "alpha must not be 0";
  return eluWith(n, results, alpha, 1.0 / alpha);
}

/// Selu: gamma times Elu with alpha (ONNX's defaults are PyTorch's).
LogicalResult selu(NodeContext &n, Results &results) {
  if (failed(
          eluWith(n, results, n.getFloat("alpha", 1.67326319217681884765625))))
    return failure();
  Tensor &y = results.back();
  FailureOr<Value> scaled = n.create<adj::MulOp>(
      {y.value, n.scalar(n.getFloat("gamma", 1.05070102214813232421875))});
  if (failed(scaled))
    return failure();
  y.value = *scaled;
  return success();
}

/// PRelu: x > 0 ? x : slope x, the slope broadcast to x (PyTorch's
/// nn.PReLU: [C, 1, 1] for images).
LogicalResult prelu(NodeContext &n, Results &results) {
  // Unidirectional: the slope broadcasts to x, x keeps its shape.
  ArrayRef<int64_t> in = n.type(0).getShape(), given = n.type(1).getShape();
  if (given.size() > in.size() ||
      !llvm::all_of(llvm::zip(llvm::reverse(given), llvm::reverse(in)),
                    [](auto dims) {
                      auto [s, d] = dims;
                      return s == 1 || s == d;
                    }))
    return n.error() << "the slope " << n.type(1)
                     << " does not broadcast to the input " << n.type(0);
  FailureOr<Value> slope = n.floatValue(1);
  if (failed(slope))
    return failure();
  return positiveOr(n, results, [&](Value x) {
    return n.create<adj::MulOp>({x, *slope});
  });
}

/// Sign: 1, -1 or 0 by two selects, NaN for NaN (ONNX's, NumPy's) by a
/// third (its derivative is 0).
LogicalResult sign(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  Value zero = n.scalar(0.0);
  FailureOr<Value> positive =
                       compare(n, adj::ComparisonDirection::gt, *x, zero),
                   negative =
                       compare(n, adj::ComparisonDirection::lt, *x, zero);
  if (failed(positive) || failed(negative))
    return failure();
  FailureOr<Value> low =
      n.create<adj::SelectOp>({*negative, n.scalar(-1.0), zero});
  if (failed(low))
    return failure();
  FailureOr<Value> signs =
      n.create<adj::SelectOp>({*positive, n.scalar(1.0), *low});
  FailureOr<Value> nan = compare(n, adj::ComparisonDirection::ne, *x, *x);
  if (failed(signs) || failed(nan))
    return failure();
  return result(results, n.create<adj::SelectOp>({*nan, *x, *signs}));
}

/// IsNaN: x != x, a bool mask.
LogicalResult isNaN(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  return result(results, compare(n, adj::ComparisonDirection::ne, *x, *x));
}

/// IsInf: x equal to +inf (detect_positive) or -inf (detect_negative), a
/// bool mask; both: |x| == inf.
LogicalResult isInf(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  bool positive = n.getInt("detect_positive", 1),
       negative = n.getInt("detect_negative", 1);
  if (!positive && !negative)
    return result(results, compare(n, adj::ComparisonDirection::ne,
                                   n.scalar(0.0), n.scalar(0.0)));
  Value v = *x;
  if (positive && negative)
    v = n.b.create<adj::AbsOp>(n.loc, x->getType(), *x);
  return result(
      results, compare(n, adj::ComparisonDirection::eq, v,
                       n.scalar(negative && !positive ? -INFINITY : INFINITY)));
}

/// Mod of floats: x - y q with q the quotient x / y rounded toward zero
/// (fmod 1, C's fmod, torch.fmod) or down (fmod 0, Python's %,
/// torch.remainder). The rounding has derivative 0, so the derivatives
/// are PyTorch's: 1 for x, -q for y.
FailureOr<Value> modOf(NodeContext &n, Value x, Value y) {
  FailureOr<Value> ratio = n.create<adj::DivOp>({x, y});
  if (failed(ratio))
    return failure();
  auto type = cast<RankedTensorType>(ratio->getType());
  Value q = n.b.create<adj::FloorOp>(n.loc, type, *ratio);
  if (n.getInt("fmod", 0)) {
    FailureOr<Value> negative =
        compare(n, adj::ComparisonDirection::lt, *ratio,
                n.splat(type.clone(ArrayRef<int64_t>{}), 0.0));
    if (failed(negative))
      return failure();
    Value up = n.b.create<adj::CeilOp>(n.loc, type, *ratio);
    FailureOr<Value> truncated = n.create<adj::SelectOp>({*negative, up, q});
    if (failed(truncated))
      return failure();
    q = *truncated;
  }
  FailureOr<Value> multiple = n.create<adj::MulOp>({y, q});
  if (failed(multiple))
    return failure();
  return n.create<adj::SubOp>({x, *multiple});
}

LogicalResult mod(NodeContext &n, Results &results) {
  if (isIntBinary(n))
    return intArithmetic(n, results,
                         [&](Value x, Value y) { return modOf(n, x, y); });
  FailureOr<Value> x = n.floatValue(0), y = n.floatValue(1);
  if (failed(x) || failed(y))
    return failure();
  return result(results, modOf(n, *x, *y));
}

LogicalResult reciprocal(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  return result(results, n.create<adj::DivOp>({n.scalar(1.0), *x}));
}

/// log(1 + exp(x)), without overflow: adj::buildSoftplus.
LogicalResult softplus(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  return result(results, adj::buildSoftplus(n.b, n.loc, *x));
}

/// clip(alpha x + beta, 0, 1); HardSwish multiplies it by x.
FailureOr<Value> hardSigmoidOf(NodeContext &n, Value x, double alpha,
                               double beta) {
  FailureOr<Value> scaled = n.create<adj::MulOp>({x, n.scalar(alpha)});
  if (failed(scaled))
    return failure();
  FailureOr<Value> shifted = n.create<adj::AddOp>({*scaled, n.scalar(beta)});
  if (failed(shifted))
    return failure();
  FailureOr<Value> low =
      clampSide(n, *shifted, n.scalar(0.0), adj::ComparisonDirection::lt);
  if (failed(low))
    return failure();
  return clampSide(n, *low, n.scalar(1.0), adj::ComparisonDirection::gt);
}

LogicalResult hardSigmoid(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  return result(results, hardSigmoidOf(n, *x, n.getFloat("alpha", 0.2),
                                       n.getFloat("beta", 0.5)));
}

LogicalResult hardSwish(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  FailureOr<Value> gate = hardSigmoidOf(n, *x, 1.0 / 6.0, 0.5);
  if (failed(gate))
    return failure();
  return result(results, n.create<adj::MulOp>({*x, *gate}));
}

/// Less, Greater, Equal, ...: an i1 mask; integer constants fold
/// (PyTorch's expand(-1) compares shapes). Integer or bool operands at run
/// time (`labels == k`, Equal of two masks, the only forms Equal takes
/// before opset 11) are compared in f64 after an `adj.convert`: exact for
/// integers below 2^53 in magnitude, as the arithmetic on them.
template <adj::ComparisonDirection direction>
LogicalResult comparison(NodeContext &n, Results &results) {
  if (std::optional<IntOperands> ints = intOperands(n)) {
    SmallVector<bool> values;
    for (auto [a, b] : llvm::zip(ints->a, ints->b)) {
      switch (direction) {
      case adj::ComparisonDirection::eq:
        values.push_back(a == b);
        break;
      case adj::ComparisonDirection::ne:
        values.push_back(a != b);
        break;
      case adj::ComparisonDirection::lt:
        values.push_back(a < b);
        break;
      case adj::ComparisonDirection::le:
        values.push_back(a <= b);
        break;
      case adj::ComparisonDirection::gt:
        values.push_back(a > b);
        break;
      case adj::ComparisonDirection::ge:
        values.push_back(a >= b);
        break;
      }
    }
    auto type = RankedTensorType::get(ints->shape, n.b.getI1Type());
    results.push_back({{}, DenseElementsAttr::get(type, ArrayRef(values))});
    return success();
  }
  Type a = n.type(0).getElementType(), b = n.type(1).getElementType();
  if (!isa<FloatType>(a) || !isa<FloatType>(b)) {
    if (a != b)
      return n.error() << "operands of different element types: " << n.type(0)
                       << " and " << n.type(1);
    FailureOr<Value> lhs = inF64(n, 0), rhs = inF64(n, 1);
    if (failed(lhs) || failed(rhs))
      return failure();
    return result(results, compare(n, direction, *lhs, *rhs));
  }
  FailureOr<Value> lhs = n.floatValue(0), rhs = n.floatValue(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  return result(results, compare(n, direction, *lhs, *rhs));
}

/// Not, And, Or and Xor of bool masks. adj has no arithmetic on masks, so
/// a mask `a` becomes the float A = a ? 1 : 0 and comes back by a
/// comparison: Not a = (A == 0), a And b = (b ? A : 0) != 0, a Or b =
/// (b ? 1 : A) != 0, a Xor b = (A != B). Fused elementwise, these cost
/// nothing next to the ops that make and use the masks.
LogicalResult logic(NodeContext &n, Results &results) {
  StringRef op = n.node.op_type();
  unsigned arity = op == "Not" ? 1 : 2;
  for (unsigned i = 0; i < arity; ++i)
    if (!n.type(i).getElementType().isInteger(1))
      return n.error() << "input " << i << " must be a bool tensor, not "
                       << n.type(i);
  auto f32 = RankedTensorType::get({}, n.b.getF32Type());
  Value zero = n.splat(f32, 0.0), one = n.splat(f32, 1.0);
  FailureOr<Value> a = n.create<adj::SelectOp>({n.value(0), one, zero});
  FailureOr<Value> y = a;
  if (succeeded(a) && op == "And")
    y = n.create<adj::SelectOp>({n.value(1), *a, zero});
  else if (succeeded(a) && op == "Or")
    y = n.create<adj::SelectOp>({n.value(1), one, *a});
  if (failed(y))
    return failure();
  if (op == "Not")
    return result(results, compare(n, adj::ComparisonDirection::eq, *y, zero));
  if (op != "Xor")
    return result(results, compare(n, adj::ComparisonDirection::ne, *y, zero));
  FailureOr<Value> b = n.create<adj::SelectOp>({n.value(1), one, zero});
  if (failed(b))
    return failure();
  return result(results, compare(n, adj::ComparisonDirection::ne, *y, *b));
}

LogicalResult where(NodeContext &n, Results &results) {
  if (!n.type(0).getElementType().isInteger(1))
    return n.error() << "the condition must be a bool tensor, not "
                     << n.type(0);
  // A choice between integer constants by a constant folds (shapes:
  // PyTorch's expand(-1) keeps the input's size where the shape is -1),
  // each operand of the result's shape or a single element.
  const Tensor &c = n.input(0);
  auto isInt64Constant = [&](unsigned i) {
    return n.input(i).constant && n.type(i).getElementType().isInteger(64);
  };
  if (c.constant && isInt64Constant(1) && isInt64Constant(2)) {
    std::optional<SmallVector<int64_t>> shape =
        broadcast(n.type(0).getShape(), n.type(1).getShape());
    if (shape)
      shape = broadcast(*shape, n.type(2).getShape());
    auto fits = [&](unsigned i) {
      return n.type(i).getNumElements() == 1 ||
             n.type(i).getShape() == ArrayRef(*shape);
    };
    if (shape && fits(0) && fits(1) && fits(2)) {
      SmallVector<bool> condition(c.constant.getValues<bool>());
      SmallVector<int64_t> a = intValues(n.input(1).constant),
                           b = intValues(n.input(2).constant), values;
      auto at = [](auto &v, size_t i) { return v[v.size() == 1 ? 0 : i]; };
      int64_t count = n.type(1).clone(*shape).getNumElements();
      for (int64_t i = 0; i < count; ++i)
        values.push_back(at(condition, i) ? at(a, i) : at(b, i));
      results.push_back(intConstant(n.b.getContext(), *shape, values));
      return success();
    }
  }
  FailureOr<Value> onTrue = n.floatValue(1), onFalse = n.floatValue(2);
  if (failed(onTrue) || failed(onFalse))
    return failure();
  return result(results,
                n.create<adj::SelectOp>({n.value(0), *onTrue, *onFalse}));
}

LogicalResult castOp(NodeContext &n, Results &results) {
  Type element = getElementType(n.b.getContext(), n.getInt("to", 0));
  if (!element)
    return n.error() << "cast to an unsupported element type ("
                     << n.getInt("to", 0) << ")";
  const Tensor &x = n.input(0);
  if (n.type(0).getElementType() == element) {
    results.push_back(x);
    return success();
  }
  auto type = n.type(0).clone(element);
  if (x.constant && isa<IntegerType>(element) &&
      isa<IntegerType>(n.type(0).getElementType())) {
    SmallVector<APInt> values;
    // To BOOL, any nonzero value is true (not its low bit).
    for (int64_t v : intValues(x.constant))
      values.push_back(element.isInteger(1)
                           ? APInt(1, v != 0)
                           : APInt(element.getIntOrFloatBitWidth(), v, true));
    results.push_back({{}, DenseElementsAttr::get(type, values)});
    return success();
  }
  // Float constants cast to integers fold, truncated toward zero (PyTorch's
  // exports before opset 9 write shapes as f64 constants cast to i64); a
  // value out of the type's range leaves the cast to run time.
  if (x.constant && isa<IntegerType>(element) && !element.isInteger(1) &&
      isa<FloatType>(n.type(0).getElementType())) {
    SmallVector<APInt> values;
    for (APFloat v : x.constant.getValues<APFloat>()) {
      APSInt i(element.getIntOrFloatBitWidth(), /*isUnsigned=*/false);
      bool exact;
      if (v.convertToInteger(i, APFloat::rmTowardZero, &exact) &
          APFloat::opInvalidOp)
        break;
      values.push_back(i);
    }
    if (int64_t(values.size()) == x.constant.getNumElements()) {
      results.push_back({{}, DenseElementsAttr::get(type, values)});
      return success();
    }
  }
  if (x.constant && isa<IntegerType>(n.type(0).getElementType())) {
    SmallVector<Attribute> values;
    for (int64_t v : intValues(x.constant))
      values.push_back(FloatAttr::get(element, double(v)));
    results.push_back({{}, DenseElementsAttr::get(type, values)});
    return success();
  }
  return result(results, n.create<adj::ConvertOp>(n.value(0), {}, type));
}

const OperatorInfo operators[] = {
    {"Abs", 6, 17, 1, unary<adj::AbsOp>, "`adj.abs`"},
    {"Acos", 7, 17, 1, unary<adj::AcosOp>, "`adj.acos`"},
    {"Acosh", 9, 17, 1, unary<adj::AcoshOp>, "`adj.acosh`"},
    {"Add", 7, 17, 2, binary<adj::AddOp>,
     "`adj.add` (NumPy broadcasting); integer constants fold, integers at "
     "run time are added in f64 (`adj.convert`): i32 wraps on overflow, "
     "i64 is exact below 2^53; not bools"},
    {"And", 7, 17, 2, logic,
     "bool masks (NumPy broadcasting): as 0/1 floats by `adj.select`, "
     "back by `adj.compare`"},
    {"Asin", 7, 17, 1, unary<adj::AsinOp>, "`adj.asin`"},
    {"Asinh", 9, 17, 1, unary<adj::AsinhOp>, "`adj.asinh`"},
    {"Atan", 7, 17, 1, unary<adj::AtanOp>, "`adj.atan`"},
    {"Atanh", 9, 17, 1, unary<adj::AtanhOp>, "`adj.atanh`"},
    {"Cast", 6, 17, 1, castOp,
     "no-op casts vanish, constants convert; otherwise `adj.convert`"},
    {"Ceil", 6, 17, 1, unary<adj::CeilOp>, "`adj.ceil` (derivative 0)"},
    {"Celu", 12, 17, 1, celu,
     "as Elu, of x / alpha on the negative side, times alpha"},
    {"Clip", 6, 17, 1, clip,
     "`adj.compare` and `adj.select` per given bound; scalar bounds. A "
     "value equal to a bound keeps its derivative, as PyTorch's `clamp` "
     "(its `hardtanh` and `relu6`, also exported as Clip, give 0 there)"},
    {"Cos", 7, 17, 1, unary<adj::CosOp>, "`adj.cos`"},
    {"Cosh", 9, 17, 1, unary<adj::CoshOp>, "`adj.cosh`"},
    {"Div", 7, 17, 2, binary<adj::DivOp>,
     "`adj.div`; integer constants fold (truncating); integers at run time "
     "as Add, truncated by the `adj.convert` back"},
    {"Dropout", 1, 17, 1, dropout,
     "the identity (inference); an error in training mode with a non-zero "
     "ratio"},
    {"Elu", 6, 17, 1, elu,
     "`adj.select` of x and alpha (exp(min(x, 0)) - 1), finite for any x"},
    {"Equal", 7, 17, 2, comparison<adj::ComparisonDirection::eq>,
     "`adj.compare eq`; integer constants fold, integers and bools at "
     "run time are compared in f64 (`adj.convert`; i64 exact below 2^53)"},
    {"Erf", 9, 17, 1, unary<adj::ErfOp>, "`adj.erf`"},
    {"Exp", 6, 17, 1, unary<adj::ExpOp>, "`adj.exp`"},
    {"Floor", 6, 17, 1, unary<adj::FloorOp>, "`adj.floor` (derivative 0)"},
    {"Greater", 7, 17, 2, comparison<adj::ComparisonDirection::gt>,
     "`adj.compare gt`; integer constants fold, integers and bools at "
     "run time are compared in f64 (`adj.convert`; i64 exact below 2^53)"},
    {"GreaterOrEqual", 12, 17, 2, comparison<adj::ComparisonDirection::ge>,
     "`adj.compare ge`; integer constants fold, integers and bools at "
     "run time are compared in f64 (`adj.convert`; i64 exact below 2^53)"},
    {"HardSigmoid", 6, 17, 1, hardSigmoid,
     "clip(alpha x + beta, 0, 1) as for Clip"},
    {"HardSwish", 14, 17, 1, hardSwish,
     "x times HardSigmoid(x) with alpha 1/6, beta 0.5"},
    {"Identity", 1, 17, 1, identity, "its input"},
    {"IsInf", 10, 17, 1, isInf,
     "`adj.compare` of x (or |x|) with an infinity: a bool mask"},
    {"IsNaN", 9, 17, 1, isNaN,
     "`adj.compare ne` of x with itself: a bool mask"},
    {"LeakyRelu", 6, 17, 1, leakyRelu, "`adj.select` of x and alpha x"},
    {"Less", 7, 17, 2, comparison<adj::ComparisonDirection::lt>,
     "`adj.compare lt`; integer constants fold, integers and bools at "
     "run time are compared in f64 (`adj.convert`; i64 exact below 2^53)"},
    {"LessOrEqual", 12, 17, 2, comparison<adj::ComparisonDirection::le>,
     "`adj.compare le`; integer constants fold, integers and bools at "
     "run time are compared in f64 (`adj.convert`; i64 exact below 2^53)"},
    {"Log", 6, 17, 1, unary<adj::LogOp>, "`adj.log`"},
    {"Max", 8, 17, 1, extreme<adj::MaximumOp>,
     "`adj.maximum` of the inputs in turn (ties halve the derivative); two "
     "integer constants fold"},
    {"Min", 8, 17, 1, extreme<adj::MinimumOp>,
     "`adj.minimum` of the inputs in turn (ties halve the derivative); two "
     "integer constants fold"},
    {"Mod", 10, 17, 2, mod,
     "floats: x - y q, q the quotient rounded by `adj.floor` (fmod 0) or "
     "toward zero (fmod 1, also `adj.ceil`); derivatives as PyTorch's; "
     "integers at run time the same in f64 (as Add)"},
    {"Mul", 7, 17, 2, binary<adj::MulOp>,
     "`adj.mul`; integer constants fold, integers at run time as Add (an "
     "i32 product in 16-bit halves)"},
    {"Neg", 6, 17, 1, unary<adj::NegOp>, "`adj.neg`"},
    {"Not", 1, 17, 1, logic, "as And"},
    {"Or", 7, 17, 2, logic, "as And"},
    {"Pow", 7, 17, 2, binary<adj::PowOp>,
     "`adj.pow`; an integer exponent is made a float constant; integer "
     "constants fold, integers at run time as Add (no wrapping)"},
    {"PRelu", 9, 17, 2, prelu,
     "`adj.select` of x and slope x (the slope broadcast, as NumPy)"},
    {"Reciprocal", 6, 17, 1, reciprocal, "`adj.div` of 1 by x"},
    {"Relu", 6, 17, 1, unary<adj::ReluOp>, "`adj.relu`"},
    {"Round", 11, 17, 1, unary<adj::RoundOp>,
     "`adj.round`: ties to even (derivative 0)"},
    {"Selu", 6, 17, 1, selu, "gamma times Elu with alpha"},
    {"Sigmoid", 6, 17, 1, unary<adj::SigmoidOp>, "`adj.sigmoid`"},
    {"Sign", 9, 17, 1, sign, "two `adj.select`s (derivative 0)"},
    {"Sin", 7, 17, 1, unary<adj::SinOp>, "`adj.sin`"},
    {"Sinh", 9, 17, 1, unary<adj::SinhOp>, "`adj.sinh`"},
    {"Softplus", 1, 17, 1, softplus,
     "relu(x) + log1p(exp(-|x|)) (no overflow), with selects"},
    {"Sqrt", 6, 17, 1, unary<adj::SqrtOp>, "`adj.sqrt`"},
    {"Sub", 7, 17, 2, binary<adj::SubOp>,
     "`adj.sub`; integer constants fold, integers at run time as Add"},
    {"Tan", 7, 17, 1, unary<adj::TanOp>, "`adj.tan`"},
    {"Tanh", 6, 17, 1, unary<adj::TanhOp>, "`adj.tanh`"},
    {"Where", 9, 17, 3, where,
     "`adj.select`; the condition a bool mask (a constant, a comparison, "
     "Not/And/Or/Xor of those); integer constants fold"},
    {"Xor", 7, 17, 2, logic, "as And"},
};

} // namespace

ArrayRef<OperatorInfo> onnx_import::getElementwiseOperators() {
  return operators;
}
