//===- OnnxOperators.cpp - The ONNX operators the importer converts -------===//
//
// Part of the Adjoint project.
//
// One converter per ONNX operator and the table that names them. Integer
// tensors exist only at import time here: the shape computations an
// exporter emits (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) fold
// to constants, and the ops that need integers (Reshape's shape, Slice's
// bounds, ...) read them. Float tensors become adj ops.
//
//===----------------------------------------------------------------------===//

#include "OnnxImporter.h"

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

using Results = SmallVectorImpl<Tensor>;

Tensor runtime(Value v) { return {v, {}}; }

/// Appends `v` to `results` (a helper for converters with one result).
LogicalResult result(Results &results, FailureOr<Value> v) {
  if (failed(v))
    return failure();
  results.push_back(runtime(*v));
  return success();
}

/// An i64 constant of `shape` holding `values`.
Tensor intConstant(MLIRContext *context, ArrayRef<int64_t> shape,
                   ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, IntegerType::get(context, 64));
  return {{}, DenseElementsAttr::get(type, values)};
}

/// An f64 0-d constant.
Value f64Scalar(NodeContext &n, double value) {
  return n.b.create<adj::ConstantOp>(
      n.loc, DenseElementsAttr::get(RankedTensorType::get({}, n.b.getF64Type()),
                                    value));
}

bool isIntConstant(const Tensor &t) {
  return t.constant && isa<IntegerType>(t.getType().getElementType());
}

/// The entries of an integer constant; a bool's true is 1 (sign-extended,
/// an i1's would be -1).
SmallVector<int64_t> intValues(DenseElementsAttr attr) {
  bool isBool = attr.getElementType().isInteger(1);
  SmallVector<int64_t> values;
  for (const APInt &v : attr.getValues<APInt>())
    values.push_back(isBool ? int64_t(v.getZExtValue()) : v.getSExtValue());
  return values;
}

/// The number of elements of `shape`; none if it does not fit in int64_t.
std::optional<int64_t> elementCount(ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t d : shape) {
    std::optional<int64_t> product = llvm::checkedMul(count, d);
    if (!product)
      return std::nullopt;
    count = *product;
  }
  return count;
}

/// The NumPy broadcast of two shapes, if they broadcast.
std::optional<SmallVector<int64_t>> broadcast(ArrayRef<int64_t> a,
                                              ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> shape(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    shape[i] = da == 1 ? db : da;
  }
  return shape;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

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
/// overflow or division by zero.
std::optional<int64_t> foldInt(StringRef op, int64_t a, int64_t b) {
  if (op == "Add")
    return llvm::checkedAdd(a, b);
  if (op == "Sub")
    return llvm::checkedSub(a, b);
  if (op == "Mul")
    return llvm::checkedMul(a, b);
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

template <typename OpTy>
LogicalResult binary(NodeContext &n, Results &results) {
  if (std::optional<IntOperands> ints = intOperands(n)) {
    SmallVector<int64_t> values;
    for (auto [a, b] : llvm::zip(ints->a, ints->b)) {
      std::optional<int64_t> v = foldInt(n.node.op_type(), a, b);
      if (!v)
        return n.error() << "cannot fold this integer operation: it "
                            "overflows or divides by zero";
      values.push_back(*v);
    }
    results.push_back(intConstant(n.b.getContext(), ints->shape, values));
    return success();
  }
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
  if (n.type(0).getElementType() !=
      cast<TensorType>(rhs.getType()).getElementType())
    return n.error() << "operands of different element types: " << n.type(0)
                     << " and " << rhs.getType();
  return result(results, n.create<OpTy>({*lhs, rhs}));
}

/// Max and Min: the elementwise extreme of any number of inputs, as
/// adj.maximum/adj.minimum (which halve the cotangent at ties, as PyTorch).
template <typename OpTy>
LogicalResult extreme(NodeContext &n, Results &results) {
  FailureOr<Value> y = n.floatValue(0);
  for (unsigned i = 1; i < n.getNumInputs() && succeeded(y); ++i) {
    FailureOr<Value> x = n.floatValue(i);
    if (failed(x))
      return failure();
    y = n.create<OpTy>({*y, *x});
  }
  return result(results, y);
}

/// An adj.compare of `lhs` and `rhs`.
FailureOr<Value> compare(NodeContext &n, adj::ComparisonDirection direction,
                         Value lhs, Value rhs) {
  return n.create<adj::CompareOp>(
      {lhs, rhs}, {n.named("direction", adj::ComparisonDirectionAttr::get(
                                            n.b.getContext(), direction))});
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
      return n.attr(attr) ? n.scalar(n.getFloat(attr, 0)) : Value();
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
LogicalResult mod(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0), y = n.floatValue(1);
  if (failed(x) || failed(y))
    return failure();
  FailureOr<Value> ratio = n.create<adj::DivOp>({*x, *y});
  if (failed(ratio))
    return failure();
  Type type = ratio->getType();
  Value q = n.b.create<adj::FloorOp>(n.loc, type, *ratio);
  if (n.getInt("fmod", 0)) {
    FailureOr<Value> negative =
        compare(n, adj::ComparisonDirection::lt, *ratio, n.scalar(0.0));
    if (failed(negative))
      return failure();
    Value up = n.b.create<adj::CeilOp>(n.loc, type, *ratio);
    FailureOr<Value> truncated = n.create<adj::SelectOp>({*negative, up, q});
    if (failed(truncated))
      return failure();
    q = *truncated;
  }
  FailureOr<Value> multiple = n.create<adj::MulOp>({*y, q});
  if (failed(multiple))
    return failure();
  return result(results, n.create<adj::SubOp>({*x, *multiple}));
}

LogicalResult reciprocal(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  return result(results, n.create<adj::DivOp>({n.scalar(1.0), *x}));
}

/// log(1 + exp(x)) as relu(x) + log1p(exp(-|x|)), which cannot overflow;
/// both pieces are selects so that the derivative at 0 is sigmoid(0) = 1/2
/// (adj.relu's and adj.abs's are 0 there).
LogicalResult softplus(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  FailureOr<Value> positive =
      compare(n, adj::ComparisonDirection::gt, *x, n.scalar(0.0));
  if (failed(positive))
    return failure();
  Value negated = n.b.create<adj::NegOp>(n.loc, x->getType(), *x);
  FailureOr<Value> linear =
      n.create<adj::SelectOp>({*positive, *x, n.scalar(0.0)});
  FailureOr<Value> minusAbs = n.create<adj::SelectOp>({*positive, negated, *x});
  if (failed(linear) || failed(minusAbs))
    return failure();
  Value e = n.b.create<adj::ExpOp>(n.loc, x->getType(), *minusAbs);
  Value log = n.b.create<adj::Log1pOp>(n.loc, x->getType(), e);
  return result(results, n.create<adj::AddOp>({*linear, log}));
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

/// Less, Greater, Equal, ...: float operands at run time, an i1 mask;
/// integer constants fold (PyTorch's expand(-1) compares shapes).
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
    for (int64_t v : intValues(x.constant))
      values.push_back(APInt(element.getIntOrFloatBitWidth(), v, true));
    results.push_back({{}, DenseElementsAttr::get(type, values)});
    return success();
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

//===----------------------------------------------------------------------===//
// Constants and shapes
//===----------------------------------------------------------------------===//

LogicalResult constant(NodeContext &n, Results &results) {
  MLIRContext *context = n.b.getContext();
  if (const onnx::AttributeProto *a = n.attr("value")) {
    FailureOr<DenseElementsAttr> value = readTensor(a->t(), n.loc);
    if (failed(value))
      return failure();
    results.push_back({{}, *value});
    return success();
  }
  if (const onnx::AttributeProto *a = n.attr("value_float")) {
    auto type = RankedTensorType::get({}, Float32Type::get(context));
    results.push_back({{}, DenseElementsAttr::get(type, a->f())});
    return success();
  }
  if (const onnx::AttributeProto *a = n.attr("value_floats")) {
    SmallVector<float> values(a->floats().begin(), a->floats().end());
    auto type = RankedTensorType::get({int64_t(values.size())},
                                      Float32Type::get(context));
    results.push_back({{}, DenseElementsAttr::get(type, ArrayRef(values))});
    return success();
  }
  if (const onnx::AttributeProto *a = n.attr("value_int")) {
    results.push_back(intConstant(context, {}, {a->i()}));
    return success();
  }
  if (std::optional<SmallVector<int64_t>> values = n.getInts("value_ints")) {
    results.push_back(intConstant(context, {int64_t(values->size())}, *values));
    return success();
  }
  return n.error() << "supported are the attributes value, value_float, "
                      "value_floats, value_int and value_ints";
}

LogicalResult shape(NodeContext &n, Results &results) {
  ArrayRef<int64_t> dims = n.type(0).getShape();
  int64_t rank = dims.size();
  auto clamp = [&](int64_t i) {
    return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
  };
  int64_t start = clamp(n.getInt("start", 0)),
          end = clamp(n.getInt("end", rank));
  SmallVector<int64_t> values(dims.begin() + start,
                              dims.begin() + std::max(start, end));
  results.push_back(
      intConstant(n.b.getContext(), {int64_t(values.size())}, values));
  return success();
}

/// Input 0 reshaped to `shape`: the constant reshaped, or an adj.reshape.
LogicalResult reshapeTo(NodeContext &n, ArrayRef<int64_t> shape,
                        Results &results) {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  if (count != n.type(0).getNumElements())
    return n.error() << "cannot reshape " << n.type(0) << " to ["
                     << llvm::make_range(shape.begin(), shape.end())
                     << "]: the element counts differ";
  Tensor x = n.input(0);
  if (x.constant) {
    results.push_back({{}, x.constant.reshape(n.type(0).clone(shape))});
    return success();
  }
  results.push_back(runtime(n.reshape(x.value, shape)));
  return success();
}

LogicalResult reshape(NodeContext &n, Results &results) {
  FailureOr<SmallVector<int64_t>> spec = n.ints(1, "the shape");
  if (failed(spec))
    return failure();
  ArrayRef<int64_t> in = n.type(0).getShape();
  bool allowZero = n.getInt("allowzero", 0);
  SmallVector<int64_t> shape;
  int64_t known = 1, inferred = -1;
  for (auto [i, d] : llvm::enumerate(*spec)) {
    if (d == 0 && !allowZero) {
      if (i >= in.size())
        return n.error() << "shape entry " << i
                         << " is 0 (copy) but the input has rank " << in.size();
      d = in[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return n.error() << "the shape has more than one -1";
      inferred = i;
    } else if (d < 0) {
      return n.error() << "the shape has a negative entry " << d;
    } else if (std::optional<int64_t> k = llvm::checkedMul(known, d)) {
      known = *k;
    } else {
      return n.error() << "the shape has too many elements";
    }
    shape.push_back(d);
  }
  if (inferred >= 0) {
    if (known == 0 || n.type(0).getNumElements() % known)
      return n.error() << "cannot infer the -1 of the shape for " << n.type(0);
    shape[inferred] = n.type(0).getNumElements() / known;
  }
  return reshapeTo(n, shape, results);
}

LogicalResult flatten(NodeContext &n, Results &results) {
  ArrayRef<int64_t> in = n.type(0).getShape();
  int64_t rank = in.size();
  int64_t axis = n.getInt("axis", 1);
  if (axis < -rank || axis > rank)
    return n.error() << "axis " << axis << " is out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < axis ? outer : inner) *= in[i];
  return reshapeTo(n, {outer, inner}, results);
}

/// An integer constant of `shape` and `constant`'s element type (a bool
/// stays a bool: sign-extended, true would be -1) whose entry at each
/// multi-index is `constant`'s at the row-major position `source` gives: a
/// slice, transpose or broadcast of shape arithmetic (the pads PyTorch
/// computes) or of a mask, folded.
Tensor rearrange(DenseElementsAttr constant, ArrayRef<int64_t> shape,
                 function_ref<int64_t(ArrayRef<int64_t>)> source) {
  auto values = llvm::to_vector(constant.getValues<APInt>());
  SmallVector<APInt> out;
  SmallVector<int64_t> index(shape.size());
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  for (int64_t i = 0; i < count; ++i) {
    for (int64_t d = shape.size() - 1, rest = i; d >= 0; --d) {
      index[d] = rest % shape[d];
      rest /= shape[d];
    }
    out.push_back(values[source(index)]);
  }
  return {{}, DenseElementsAttr::get(constant.getType().clone(shape), out)};
}

/// The row-major position of `index` in `shape`.
int64_t position(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
  int64_t p = 0;
  for (auto [i, d] : llvm::zip(index, shape))
    p = p * d + i;
  return p;
}

/// The most entries an Expand of an integer constant folds to.
constexpr int64_t kMaxFoldedExpand = int64_t(1) << 16;

LogicalResult expand(NodeContext &n, Results &results) {
  FailureOr<SmallVector<int64_t>> spec = n.ints(1, "the shape");
  if (failed(spec))
    return failure();
  // ONNX broadcasts both ways: the result is the broadcast of the two.
  std::optional<SmallVector<int64_t>> shape =
      broadcast(n.type(0).getShape(), *spec);
  if (!shape)
    return n.error() << n.type(0) << " does not broadcast to ["
                     << llvm::make_range(spec->begin(), spec->end()) << "]";
  auto type = n.type(0).clone(*shape);
  const Tensor &x = n.input(0);
  if (x.constant && x.constant.isSplat()) {
    results.push_back({{}, DenseElementsAttr(x.constant).resizeSplat(type)});
    return success();
  }
  // Small integer constants (an index buffer expanded for ScatterElements,
  // a mask) stay constants: each entry is the one its coordinates broadcast
  // from. Larger ones are broadcast at run time, as a constant that size
  // would bloat the library.
  if (isIntConstant(x) && type.getNumElements() <= kMaxFoldedExpand) {
    ArrayRef<int64_t> from = n.type(0).getShape();
    size_t lead = shape->size() - from.size();
    results.push_back(
        rearrange(x.constant, *shape, [&](ArrayRef<int64_t> index) {
          SmallVector<int64_t> at;
          for (auto [size, i] : llvm::zip(from, index.drop_front(lead)))
            at.push_back(size == 1 ? 0 : i);
          return position(at, from);
        }));
    return success();
  }
  // Run-time integers too (Gather indices, idx.unsqueeze(-1).expand(...)
  // for torch.gather), as the other shape ops.
  Value v = n.value(0);
  if (v.getType() == type)
    return result(results, v);
  return result(results, n.create<adj::BroadcastToOp>(v, {}, type));
}

/// The axes of Unsqueeze/Squeeze/Reduce*: an attribute before `inputSince`,
/// an optional input after.
FailureOr<std::optional<SmallVector<int64_t>>>
readAxes(NodeContext &n, int64_t inputSince, unsigned inputIndex) {
  if (n.opset < inputSince)
    return n.getInts("axes");
  if (!n.hasInput(inputIndex))
    return std::optional<SmallVector<int64_t>>();
  FailureOr<SmallVector<int64_t>> axes = n.ints(inputIndex, "the axes");
  if (failed(axes))
    return failure();
  return std::optional<SmallVector<int64_t>>(*axes);
}

LogicalResult unsqueeze(NodeContext &n, Results &results) {
  auto axes = readAxes(n, 13, 1);
  if (failed(axes))
    return failure();
  if (!*axes)
    return n.error() << "axes are required";
  ArrayRef<int64_t> in = n.type(0).getShape();
  int64_t rank = in.size() + (*axes)->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t axis : **axes) {
    FailureOr<int64_t> a = n.normalizeAxis(axis, rank);
    if (failed(a))
      return failure();
    if (inserted[*a])
      return n.error() << "axis " << axis << " is repeated";
    inserted[*a] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0, j = 0; i < rank; ++i)
    shape.push_back(inserted[i] ? 1 : in[j++]);
  return reshapeTo(n, shape, results);
}

LogicalResult squeeze(NodeContext &n, Results &results) {
  auto axes = readAxes(n, 13, 1);
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> in = n.type(0).getShape();
  SmallVector<bool> removed(in.size(), false);
  if (*axes) {
    for (int64_t axis : **axes) {
      FailureOr<int64_t> a = n.normalizeAxis(axis, in.size());
      if (failed(a))
        return failure();
      if (in[*a] != 1)
        return n.error() << "cannot squeeze axis " << axis << " of size "
                         << in[*a];
      removed[*a] = true;
    }
  } else {
    for (auto [i, d] : llvm::enumerate(in))
      removed[i] = d == 1;
  }
  SmallVector<int64_t> shape;
  for (auto [i, d] : llvm::enumerate(in))
    if (!removed[i])
      shape.push_back(d);
  return reshapeTo(n, shape, results);
}

LogicalResult transpose(NodeContext &n, Results &results) {
  int64_t rank = n.type(0).getRank();
  SmallVector<int64_t> perm;
  if (std::optional<SmallVector<int64_t>> p = n.getInts("perm"))
    perm = *p;
  else
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if (int64_t(perm.size()) != rank ||
      sorted != llvm::to_vector(llvm::seq<int64_t>(0, rank)))
    return n.error() << "perm is not a permutation of the input's " << rank
                     << " dimensions";
  if (isIntConstant(n.input(0))) {
    ArrayRef<int64_t> in = n.type(0).getShape();
    SmallVector<int64_t> shape;
    for (int64_t p : perm)
      shape.push_back(in[p]);
    results.push_back(
        rearrange(n.input(0).constant, shape, [&](ArrayRef<int64_t> index) {
          SmallVector<int64_t> from(rank);
          for (int64_t d = 0; d < rank; ++d)
            from[perm[d]] = index[d];
          return position(from, in);
        }));
    return success();
  }
  return result(results,
                n.create<adj::TransposeOp>(
                    n.value(0),
                    {n.named("permutation", n.b.getDenseI64ArrayAttr(perm))}));
}

/// DepthToSpace (F.pixel_shuffle): [N, C, H, W] with C = c b² to
/// [N, c, H b, W b], the channel split as [b, b, c] (DCR) or [c, b, b]
/// (CRD, PyTorch's) and its b's moved next to H and W.
LogicalResult depthToSpace(NodeContext &n, Results &results) {
  ArrayRef<int64_t> in = n.type(0).getShape();
  int64_t b = n.getInt("blocksize", 0);
  std::optional<int64_t> square = b < 1 ? std::nullopt : llvm::checkedMul(b, b);
  if (in.size() != 4 || !square || in[1] % *square)
    return n.error() << "the input must be [N, C, H, W] with C a multiple "
                        "of blocksize² (blocksize "
                     << b << ")";
  std::string mode = n.getString("mode", "DCR");
  if (mode != "DCR" && mode != "CRD")
    return n.error() << "mode " << mode << " is not one of DCR, CRD";
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  int64_t c = in[1] / *square;
  bool dcr = mode == "DCR";
  SmallVector<int64_t> split =
      dcr ? SmallVector<int64_t>{in[0], b, b, c, in[2], in[3]}
          : SmallVector<int64_t>{in[0], c, b, b, in[2], in[3]};
  SmallVector<int64_t> perm = dcr ? SmallVector<int64_t>{0, 3, 4, 1, 5, 2}
                                  : SmallVector<int64_t>{0, 1, 4, 2, 5, 3};
  FailureOr<Value> moved = n.create<adj::TransposeOp>(
      n.reshape(*x, split),
      {n.named("permutation", n.b.getDenseI64ArrayAttr(perm))});
  if (failed(moved))
    return failure();
  results.push_back(
      runtime(n.reshape(*moved, {in[0], c, in[2] * b, in[3] * b})));
  return success();
}

/// `x` reshaped to `split` (each dimension next to a 1), broadcast to
/// `repeated` (the 1s made counts) and merged to `out`: each dimension's
/// entries repeated, as a whole (Tile) or one by one (Resize's nearest).
LogicalResult repeat(NodeContext &n, Value x, ArrayRef<int64_t> split,
                     ArrayRef<int64_t> repeated, ArrayRef<int64_t> out,
                     Results &results) {
  if (split == repeated)
    return result(results, x);
  FailureOr<Value> spread = n.create<adj::BroadcastToOp>(
      n.reshape(x, split), {},
      cast<RankedTensorType>(x.getType()).clone(repeated));
  if (failed(spread))
    return failure();
  return result(results, n.reshape(*spread, out));
}

/// Tile: each dimension d repeated r times is [1, d] broadcast to [r, d]
/// and merged (output entry i reads input entry i mod d).
LogicalResult tile(NodeContext &n, Results &results) {
  FailureOr<SmallVector<int64_t>> repeats = n.ints(1, "the repeats");
  if (failed(repeats))
    return failure();
  ArrayRef<int64_t> in = n.type(0).getShape();
  if (repeats->size() != in.size() ||
      llvm::any_of(*repeats, [](int64_t r) { return r < 0; }))
    return n.error() << "the repeats must be " << in.size()
                     << " non-negative counts";
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> pairs, repeated, out;
  for (auto [d, r] : llvm::zip(in, *repeats)) {
    pairs.append({1, d});
    repeated.append({r, d});
  }
  // The output has as many elements, so no r * d overflows either.
  if (!elementCount(repeated))
    return n.error() << "the tiled output would have too many elements";
  for (auto [d, r] : llvm::zip(in, *repeats))
    out.push_back(r * d);
  return repeat(n, *x, pairs, repeated, out, results);
}

/// Trilu: the entries of the last two dimensions on and above (upper) or
/// on and below (lower) diagonal k kept, the others 0: a select by a
/// constant mask.
LogicalResult trilu(NodeContext &n, Results &results) {
  int64_t k = 0;
  if (n.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> given = n.ints(1, "k");
    if (failed(given))
      return failure();
    if (given->size() != 1)
      return n.error() << "k must be one integer";
    k = (*given)[0];
  }
  ArrayRef<int64_t> in = n.type(0).getShape();
  if (in.size() < 2)
    return n.error() << "the input must have at least 2 dimensions";
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  bool upper = n.getInt("upper", 1);
  int64_t rows = in[in.size() - 2], cols = in.back();
  SmallVector<bool> keep;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      keep.push_back(upper ? j - i >= k : j - i <= k);
  auto maskType = RankedTensorType::get({rows, cols}, n.b.getI1Type());
  Value mask = n.b.create<adj::ConstantOp>(
      n.loc, maskType, DenseElementsAttr::get(maskType, ArrayRef(keep)));
  return result(results, n.create<adj::SelectOp>({mask, *x, n.scalar(0.0)}));
}

LogicalResult concat(NodeContext &n, Results &results) {
  int64_t rank = n.type(0).getRank();
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  // Vectors known at import time (shapes, Resize's scales): folded.
  bool folded = rank == 1;
  for (unsigned i = 0; i < n.getNumInputs(); ++i)
    folded &= n.hasInput(i) && n.input(i).constant &&
              n.type(i).getElementType() == n.type(0).getElementType();
  if (folded) {
    SmallVector<Attribute> values;
    for (unsigned i = 0; i < n.getNumInputs(); ++i)
      llvm::append_range(values, n.input(i).constant.getValues<Attribute>());
    auto type = n.type(0).clone({int64_t(values.size())});
    results.push_back({{}, DenseElementsAttr::get(type, values)});
    return success();
  }
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < n.getNumInputs(); ++i) {
    if (!n.hasInput(i))
      return n.error() << "input " << i << " is missing";
    if (n.type(i).getRank() != rank)
      return n.error() << "inputs of different ranks: " << n.type(0) << " and "
                       << n.type(i);
    inputs.push_back(n.value(i));
  }
  return result(results,
                n.create<adj::ConcatOp>(
                    inputs, {n.named("axis", n.b.getI64IntegerAttr(*axis))}));
}

/// Slices `x` along each of `axes` from `starts` to `ends` by `steps`
/// (ONNX's clamping rules). A negative step is the positive one over the
/// same entries, reversed.
LogicalResult sliceAxes(NodeContext &n, ArrayRef<int64_t> starts,
                        ArrayRef<int64_t> ends, ArrayRef<int64_t> axes,
                        ArrayRef<int64_t> steps, Results &results) {
  ArrayRef<int64_t> in = n.type(0).getShape();
  int64_t rank = in.size();
  SmallVector<int64_t> start(rank, 0), limit(in), stride(rank, 1), reversed;
  for (size_t i = 0; i < axes.size(); ++i) {
    FailureOr<int64_t> a = n.normalizeAxis(axes[i], rank);
    if (failed(a))
      return failure();
    int64_t size = in[*a], step = steps[i];
    if (step == 0 || step == std::numeric_limits<int64_t>::min())
      return n.error() << "step " << step << " is not supported";
    // An empty axis stays empty ([0, size - 1] below would be empty).
    if (size == 0)
      continue;
    // Forward, entries start, start + step, ... below the end, both in
    // [0, size]; backward, above the end, start in [0, size - 1] and the
    // end in [-1, size - 1].
    bool backward = step < 0;
    auto clamp = [&](int64_t v, int64_t low, int64_t high) {
      return std::clamp<int64_t>(v < 0 ? v + size : v, low, high);
    };
    int64_t first =
        backward ? clamp(starts[i], 0, size - 1) : clamp(starts[i], 0, size);
    int64_t end =
        backward ? clamp(ends[i], -1, size - 1) : clamp(ends[i], 0, size);
    int64_t span = backward ? first - end : end - first;
    int64_t count = span > 0 ? (span - 1) / std::abs(step) + 1 : 0;
    int64_t last = first + (count - 1) * step;
    start[*a] = count ? std::min(first, last) : 0;
    limit[*a] = count ? std::max(first, last) + 1 : 0;
    stride[*a] = std::abs(step);
    if (backward && count > 1)
      reversed.push_back(*a);
  }
  // Neither the sizes nor the indices may overflow: steps can be huge.
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    shape.push_back(
        limit[d] == start[d] ? 0 : (limit[d] - start[d] - 1) / stride[d] + 1);
  const Tensor &x = n.input(0);
  if (isIntConstant(x)) {
    results.push_back(
        rearrange(x.constant, shape, [&](ArrayRef<int64_t> index) {
          SmallVector<int64_t> from(index);
          for (int64_t d = 0; d < rank; ++d)
            from[d] = start[d] + (llvm::is_contained(reversed, d)
                                      ? shape[d] - 1 - index[d]
                                      : index[d]) *
                                     stride[d];
          return position(from, in);
        }));
    return success();
  }
  bool strided = llvm::any_of(stride, [](int64_t s) { return s != 1; });
  SmallVector<NamedAttribute> attrs = {
      n.named("start", n.b.getDenseI64ArrayAttr(start)),
      n.named("limit", n.b.getDenseI64ArrayAttr(limit))};
  if (strided)
    attrs.push_back(n.named("stride", n.b.getDenseI64ArrayAttr(stride)));
  FailureOr<Value> y = n.create<adj::SliceOp>(n.value(0), attrs);
  if (succeeded(y) && !reversed.empty())
    y = n.create<adj::ReverseOp>(
        *y, {n.named("dims", n.b.getDenseI64ArrayAttr(reversed))},
        y->getType());
  return result(results, y);
}

LogicalResult slice(NodeContext &n, Results &results) {
  FailureOr<SmallVector<int64_t>> starts = n.ints(1, "starts"),
                                  ends = n.ints(2, "ends");
  if (failed(starts) || failed(ends))
    return failure();
  SmallVector<int64_t> axes, steps(starts->size(), 1);
  if (n.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> a = n.ints(3, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    axes = llvm::to_vector(llvm::seq<int64_t>(0, starts->size()));
  }
  if (n.hasInput(4)) {
    FailureOr<SmallVector<int64_t>> s = n.ints(4, "steps");
    if (failed(s))
      return failure();
    steps = *s;
  }
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      steps.size() != starts->size())
    return n.error() << "starts, ends, axes and steps differ in length";
  return sliceAxes(n, *starts, *ends, axes, steps, results);
}

LogicalResult split(NodeContext &n, Results &results) {
  ArrayRef<int64_t> in = n.type(0).getShape();
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", 0), in.size());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> sizes;
  if (n.opset < 13) {
    if (std::optional<SmallVector<int64_t>> s = n.getInts("split"))
      sizes = *s;
  } else if (n.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> s = n.ints(1, "split");
    if (failed(s))
      return failure();
    sizes = *s;
  }
  int64_t parts = n.node.output_size();
  if (parts == 0)
    return n.error() << "the node has no outputs";
  if (sizes.empty()) {
    if (in[*axis] % parts)
      return n.error() << "cannot split size " << in[*axis] << " into " << parts
                       << " equal parts";
    sizes.assign(parts, in[*axis] / parts);
  }
  // Summed without overflow: each size must fit in what is left.
  bool valid = int64_t(sizes.size()) == parts;
  int64_t total = 0;
  for (int64_t size : sizes) {
    valid &= size >= 0 && size <= in[*axis] - total;
    if (!valid)
      break;
    total += size;
  }
  if (!valid || total != in[*axis])
    return n.error() << "the split sizes do not add up to the axis' size "
                     << in[*axis];
  int64_t offset = 0;
  for (int64_t size : sizes) {
    SmallVector<Tensor> part;
    if (failed(sliceAxes(n, {offset}, {offset + size}, {*axis}, {1}, part)))
      return failure();
    results.push_back(part[0]);
    offset += size;
  }
  return success();
}

/// Resize's output sizes and scales, per dimension: from the scales (the
/// size is floor(d * scale)) or from the sizes (the scale is size / d).
LogicalResult resizeShape(NodeContext &n, SmallVectorImpl<int64_t> &out,
                          SmallVectorImpl<double> &scales) {
  ArrayRef<int64_t> in = n.type(0).getShape();
  if (n.hasInput(2) && n.type(2).getNumElements() != 0) {
    // A float initializer is an argument; its initial value is the scales.
    DenseElementsAttr given =
        n.input(2).constant ? n.input(2).constant : n.input(2).initialValue;
    if (!given || !isa<FloatType>(n.type(2).getElementType()))
      return n.error() << "the scales must be floats known at import time";
    for (auto [v, d] : llvm::zip(given.getValues<APFloat>(), in)) {
      double f = v.convertToDouble();
      if (!(f > 0) || !std::isfinite(f))
        return n.error() << "scale " << f << " is not positive";
      // Converted to int64_t only if it fits (2^62 is exact in a double).
      double size = std::floor(double(d) * f);
      if (!(size < 0x1p62))
        return n.error() << "scale " << f << " makes a dimension of " << d
                         << " too large";
      scales.push_back(f);
      out.push_back(int64_t(size));
    }
    if (given.getNumElements() != int64_t(in.size()))
      scales.clear();
  } else if (n.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> sizes = n.ints(3, "the sizes");
    if (failed(sizes))
      return failure();
    for (auto [size, d] : llvm::zip(*sizes, in)) {
      if (d == 0 || size <= 0)
        return n.error() << "cannot resize a dimension of " << d << " to "
                         << size;
      scales.push_back(double(size) / double(d));
      out.push_back(size);
    }
    if (sizes->size() != in.size())
      scales.clear();
  }
  if (scales.size() != in.size())
    return n.error() << "the scales or sizes must have " << in.size()
                     << " entries";
  if (llvm::is_contained(out, 0))
    return n.error() << "the output would be empty";
  if (!elementCount(out))
    return n.error() << "the output would have too many elements";
  return success();
}

/// Nearest-neighbour upsampling by whole factors: output element i of a
/// dimension scaled by f reads input element i / f, so each dimension is
/// repeated as [d, 1] broadcast to [d, f] and merged.
LogicalResult resizeNearest(NodeContext &n, Value x, ArrayRef<int64_t> out,
                            Results &results) {
  // With a whole factor f, half_pixel's source (i + 0.5) / f - 0.5 lies
  // strictly within 1/2 of i / f (integer division), so rounding it gives
  // i / f with either tie rule, but floor and ceil do not; asymmetric's
  // source i / f gives it only when floored.
  std::string transform =
      n.getString("coordinate_transformation_mode", "half_pixel");
  std::string rounding = n.getString("nearest_mode", "round_prefer_floor");
  bool rounded =
      rounding == "round_prefer_floor" || rounding == "round_prefer_ceil";
  bool halfPixel =
      transform == "half_pixel" || transform == "pytorch_half_pixel";
  if (!((halfPixel && rounded) ||
        (transform == "asymmetric" && rounding == "floor")))
    return n.error() << "coordinate_transformation_mode " << transform
                     << " with nearest_mode " << rounding
                     << " is not supported: half_pixel with "
                        "round_prefer_floor or round_prefer_ceil, or "
                        "asymmetric with floor";
  ArrayRef<int64_t> in = n.type(0).getShape();
  SmallVector<int64_t> pairs, repeated;
  for (auto [d, size] : llvm::zip(in, out)) {
    if (size < d || size % d)
      return n.error() << "resizing a dimension of " << d << " to " << size
                       << " is not supported: nearest-neighbour only by "
                          "whole factors >= 1";
    pairs.append({d, 1});
    repeated.append({d, size / d});
  }
  return repeat(n, x, pairs, repeated, out, results);
}

/// The most entries linear or cubic Resize makes along one dimension.
constexpr int64_t kMaxInterpolatedResize = int64_t(1) << 24;

/// The input entries an output entry of a resized dimension reads, and
/// their weights.
struct Taps {
  SmallVector<int64_t> indices;
  SmallVector<double> weights;
};

/// Linear (`cubic` false) or cubic interpolation, one dimension at a time:
/// output element o of a dimension reads the input around the source
/// coordinate c(o) of the coordinate transformation. Linear clamps c to
/// [0, d - 1] (PyTorch's linear modes) and reads x[i0] (1 - t) + x[i1] t
/// with i0 = floor(c), i1 = min(i0 + 1, d - 1), t = c - i0, as
/// a + (b - a) t. Cubic reads x[i0 - 1 .. i0 + 2], indices clamped into
/// the input (ONNX's exclude_outside 0, PyTorch's bicubic), weighted by
/// Keys' kernel with coefficient A (cubic_coeff_a, PyTorch's -0.75). Each
/// tap is an adj.gather of constant indices, its weight a constant
/// broadcast along the dimensions after the resized one.
LogicalResult resizeInterpolated(NodeContext &n, Value x, ArrayRef<int64_t> out,
                                 ArrayRef<double> scales, bool cubic,
                                 Results &results) {
  std::string transform =
      n.getString("coordinate_transformation_mode", "half_pixel");
  if (!llvm::is_contained(
          {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"},
          transform))
    return n.error() << "coordinate_transformation_mode " << transform
                     << " is not supported for linear or cubic resizing: "
                        "half_pixel, pytorch_half_pixel, align_corners or "
                        "asymmetric";
  if (cubic && n.getInt("exclude_outside", 0))
    return n.error() << "exclude_outside 1 is not supported";
  double a = n.getFloat("cubic_coeff_a", -0.75);
  // Keys' kernel at distance s from the source coordinate.
  auto keys = [a](double s) {
    s = std::fabs(s);
    if (s <= 1)
      return ((a + 2) * s - (a + 3)) * s * s + 1;
    if (s < 2)
      return ((a * s - 5 * a) * s + 8 * a) * s - 4 * a;
    return 0.0;
  };
  ArrayRef<int64_t> in = n.type(0).getShape();
  Type element = n.type(0).getElementType();
  for (int64_t axis = 0, rank = in.size(); axis < rank; ++axis) {
    int64_t d = in[axis], size = out[axis];
    double scale = scales[axis];
    if (size == d && scale == 1.0)
      continue;
    // The indices and weights are import-time constants of `size` entries.
    if (size > kMaxInterpolatedResize)
      return n.error() << "resizing to " << size
                       << " entries along a dimension is not supported (at "
                          "most "
                       << kMaxInterpolatedResize << ")";
    SmallVector<Taps> taps(cubic ? 4 : 2);
    for (int64_t o = 0; o < size; ++o) {
      double c =
          transform == "align_corners"
              ? (size > 1 ? double(o) * double(d - 1) / double(size - 1) : 0.0)
          : transform == "asymmetric" ? double(o) / scale
          : transform == "pytorch_half_pixel" && size == 1
              ? 0.0
              : (double(o) + 0.5) / scale - 0.5;
      if (!cubic)
        c = std::clamp(c, 0.0, double(d - 1));
      int64_t i0 = int64_t(std::floor(c));
      double t = c - double(i0);
      if (!cubic) {
        taps[0].indices.push_back(i0);
        taps[1].indices.push_back(std::min(i0 + 1, d - 1));
        taps[1].weights.push_back(t);
        continue;
      }
      for (int64_t k = 0; k < 4; ++k) {
        taps[k].indices.push_back(std::clamp<int64_t>(i0 - 1 + k, 0, d - 1));
        taps[k].weights.push_back(keys(t + 1 - double(k)));
      }
    }
    SmallVector<int64_t> weightShape(rank - axis, 1);
    weightShape[0] = size;
    auto weightType = RankedTensorType::get(weightShape, element);
    // Each tap's weights (none for linear's first: it is a + (b - a) t).
    SmallVector<Value> weights;
    for (const Taps &tap : taps) {
      SmallVector<Attribute> attrs;
      for (double v : tap.weights)
        attrs.push_back(FloatAttr::get(element, v));
      weights.push_back(attrs.empty()
                            ? Value()
                            : n.b.create<adj::ConstantOp>(
                                  n.loc, weightType,
                                  DenseElementsAttr::get(weightType, attrs)));
    }
    SmallVector<Value> read;
    for (const Taps &tap : taps) {
      Value index = n.materialize(intConstant(
          n.b.getContext(), {int64_t(tap.indices.size())}, tap.indices));
      FailureOr<Value> v = n.create<adj::GatherOp>(
          {x, index}, {n.named("axis", n.b.getI64IntegerAttr(axis))});
      if (failed(v))
        return failure();
      read.push_back(*v);
    }
    FailureOr<Value> y = failure();
    if (!cubic) {
      FailureOr<Value> diff = n.create<adj::SubOp>({read[1], read[0]});
      FailureOr<Value> step =
          succeeded(diff) ? n.create<adj::MulOp>({*diff, weights[1]}) : diff;
      y = succeeded(step) ? n.create<adj::AddOp>({read[0], *step}) : step;
    } else {
      for (auto [v, w] : llvm::zip(read, weights)) {
        FailureOr<Value> term = n.create<adj::MulOp>({v, w});
        if (failed(term))
          return failure();
        y = succeeded(y) ? n.create<adj::AddOp>({*y, *term}) : term;
      }
    }
    if (failed(y))
      return failure();
    x = *y;
  }
  return result(results, x);
}

/// Resize: nearest-neighbour upsampling by whole factors, or linear or
/// cubic interpolation to any size.
LogicalResult resize(NodeContext &n, Results &results) {
  std::string mode = n.getString("mode", "nearest");
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return n.error() << "mode " << mode
                     << " is not supported: nearest, linear or cubic";
  SmallVector<int64_t> out;
  SmallVector<double> scales;
  if (failed(resizeShape(n, out, scales)))
    return failure();
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  if (mode == "nearest")
    return resizeNearest(n, *x, out, results);
  return resizeInterpolated(n, *x, out, scales, mode == "cubic", results);
}

LogicalResult gather(NodeContext &n, Results &results) {
  int64_t rank = n.type(0).getRank();
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  int64_t size = n.type(0).getDimSize(*axis);
  const Tensor &indices = n.input(1);
  if (!isa<IntegerType>(n.type(1).getElementType()))
    return n.error() << "indices must be integers";
  // Negative indices count from the end; known ones are made positive.
  SmallVector<int64_t> known;
  if (indices.constant) {
    for (int64_t i : intValues(indices.constant)) {
      if (i < -size || i >= size)
        return n.error() << "index " << i << " is out of range for size "
                         << size;
      known.push_back(i < 0 ? i + size : i);
    }
  }
  ArrayRef<int64_t> indexShape = n.type(1).getShape();
  if (isIntConstant(n.input(0)) && rank == 1 && indices.constant) {
    SmallVector<int64_t> data = intValues(n.input(0).constant), out;
    for (int64_t i : known)
      out.push_back(data[i]);
    results.push_back(intConstant(n.b.getContext(), indexShape, out));
    return success();
  }
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  Value index =
      indices.constant
          ? n.materialize(intConstant(n.b.getContext(), indexShape, known))
          : n.value(1);
  return result(results, n.create<adj::GatherOp>(
                             {*x, index},
                             {n.named("axis", n.b.getI64IntegerAttr(*axis))}));
}

/// GatherElements' and ScatterElements' positions in the flattened data:
/// for each entry i of `indices` (input `at`), i with its coordinate along
/// `axis` replaced by the index (negative ones count from the end), in
/// row-major order over `shape`. Constant indices give an i64 constant;
/// run-time ones are computed in f64 (exact below 2^53) and converted.
FailureOr<Value> flatPositions(NodeContext &n, unsigned at,
                               ArrayRef<int64_t> shape, int64_t axis) {
  RankedTensorType type = n.type(at);
  if (!isa<IntegerType>(type.getElementType()))
    return n.error() << "indices must be integers";
  if (type.getRank() != int64_t(shape.size()))
    return n.error() << "indices " << type << " must have the data's rank "
                     << shape.size();
  // Off the axis, each index reads its own coordinate: a larger size would
  // read past the data (into the next row).
  for (auto [d, size] : llvm::enumerate(type.getShape()))
    if (int64_t(d) != axis && size > shape[d])
      return n.error() << "indices " << type << " are larger than the data ["
                       << llvm::make_range(shape.begin(), shape.end())
                       << "] along dimension " << d
                       << ", which is not the axis (" << axis << ")";
  std::optional<int64_t> count = elementCount(shape);
  if (!count || *count >= (int64_t(1) << 53))
    return n.error() << "the data has too many entries to index";
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  // Each entry's position with a zero coordinate along `axis`.
  ArrayRef<int64_t> indexShape = type.getShape();
  SmallVector<int64_t> base;
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    int64_t rest = i, position = 0;
    for (int64_t d = int64_t(indexShape.size()) - 1; d >= 0; --d) {
      if (d != axis)
        position += (rest % indexShape[d]) * strides[d];
      rest /= indexShape[d];
    }
    base.push_back(position);
  }
  int64_t size = shape[axis];
  if (n.input(at).constant) {
    SmallVector<int64_t> positions;
    for (auto [i, b] : llvm::zip(intValues(n.input(at).constant), base)) {
      if (i < -size || i >= size)
        return n.error() << "index " << i << " is out of range for size "
                         << size;
      positions.push_back(b + (i < 0 ? i + size : i) * strides[axis]);
    }
    return n.materialize(intConstant(n.b.getContext(), indexShape, positions));
  }
  auto f64 = type.clone(n.b.getF64Type());
  FailureOr<Value> index = n.create<adj::ConvertOp>(n.value(at), {}, f64);
  if (failed(index))
    return failure();
  FailureOr<Value> negative =
      compare(n, adj::ComparisonDirection::lt, *index, f64Scalar(n, 0.0));
  FailureOr<Value> wrapped =
      n.create<adj::AddOp>({*index, f64Scalar(n, double(size))});
  if (failed(negative) || failed(wrapped))
    return failure();
  index = n.create<adj::SelectOp>({*negative, *wrapped, *index});
  if (failed(index))
    return failure();
  FailureOr<Value> scaled =
      n.create<adj::MulOp>({*index, f64Scalar(n, double(strides[axis]))});
  if (failed(scaled))
    return failure();
  SmallVector<double> baseValues(base.begin(), base.end());
  Value baseConstant = n.b.create<adj::ConstantOp>(
      n.loc, f64, DenseElementsAttr::get(f64, ArrayRef(baseValues)));
  FailureOr<Value> position = n.create<adj::AddOp>({*scaled, baseConstant});
  if (failed(position))
    return failure();
  return n.create<adj::ConvertOp>(*position, {}, type.clone(n.b.getI64Type()));
}

/// GatherElements (torch.gather): an adj.gather of the flattened data at
/// the flat positions, so the derivative is adj.scatter_add's.
LogicalResult gatherElements(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  RankedTensorType type = n.type(0);
  FailureOr<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  FailureOr<Value> positions = flatPositions(n, 1, type.getShape(), *axis);
  if (failed(positions))
    return failure();
  Value flat = n.reshape(*x, {type.getNumElements()});
  return result(results, n.create<adj::GatherOp>(
                             {flat, *positions},
                             {n.named("axis", n.b.getI64IntegerAttr(0))}));
}

/// ScatterElements (Tensor.scatter, scatter_add): the updates added at the
/// flat positions into zeros (adj.scatter_add). Reduction add adds that to
/// the data; none writes it where some index points (the data elsewhere),
/// where ONNX leaves repeated indices undefined (here they add up).
LogicalResult scatterElements(NodeContext &n, Results &results) {
  FailureOr<Value> data = n.floatValue(0), updates = n.floatValue(2);
  if (failed(data) || failed(updates))
    return failure();
  RankedTensorType type = n.type(0);
  if (n.type(2).getShape() != n.type(1).getShape())
    return n.error() << "updates " << n.type(2) << " and indices " << n.type(1)
                     << " must have the same shape";
  std::string reduction = n.getString("reduction", "none");
  if (reduction != "none" && reduction != "add")
    return n.error() << "reduction " << reduction
                     << " is not supported: none or add";
  FailureOr<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  FailureOr<Value> positions = flatPositions(n, 1, type.getShape(), *axis);
  if (failed(positions))
    return failure();
  auto flatType =
      RankedTensorType::get({type.getNumElements()}, type.getElementType());
  auto scatter = [&](Value v) -> FailureOr<Value> {
    FailureOr<Value> s = n.create<adj::ScatterAddOp>(
        {v, *positions}, {n.named("axis", n.b.getI64IntegerAttr(0))},
        {flatType});
    if (failed(s))
      return failure();
    return n.reshape(*s, type.getShape());
  };
  FailureOr<Value> added = scatter(*updates);
  if (failed(added))
    return failure();
  if (reduction == "add")
    return result(results, n.create<adj::AddOp>({*data, *added}));
  FailureOr<Value> hits = scatter(n.splat(n.type(2), 1.0));
  if (failed(hits))
    return failure();
  FailureOr<Value> written =
      compare(n, adj::ComparisonDirection::gt, *hits, n.scalar(0.0));
  if (failed(written))
    return failure();
  return result(results, n.create<adj::SelectOp>({*written, *added, *data}));
}

/// `v`'s entries from `start` to `limit` (exclusive) in each dimension.
FailureOr<Value> sliceBox(NodeContext &n, Value v, ArrayRef<int64_t> start,
                          ArrayRef<int64_t> limit) {
  return n.create<adj::SliceOp>(
      v, {n.named("start", n.b.getDenseI64ArrayAttr(start)),
          n.named("limit", n.b.getDenseI64ArrayAttr(limit))});
}

/// `v`'s entries [start, limit) along `axis`.
FailureOr<Value> sliceAlong(NodeContext &n, Value v, int64_t axis,
                            int64_t start, int64_t limit) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> starts(type.getRank(), 0), limits(type.getShape());
  starts[axis] = start;
  limits[axis] = limit;
  return sliceBox(n, v, starts, limits);
}

/// Pad's reflect and edge modes, one axis at a time: the entries next to
/// each border, mirrored (reflect: [1, low] reversed before, the border
/// not repeated) or the border entry repeated (edge), concatenated.
FailureOr<Value> padBorders(NodeContext &n, Value x, StringRef mode,
                            ArrayRef<int64_t> low, ArrayRef<int64_t> high) {
  for (int64_t axis = 0, rank = low.size(); axis < rank; ++axis) {
    int64_t d = cast<RankedTensorType>(x.getType()).getDimSize(axis);
    if (low[axis] == 0 && high[axis] == 0)
      continue;
    bool reflect = mode == "reflect";
    if (reflect ? std::max(low[axis], high[axis]) >= d : d == 0)
      return n.error() << "cannot pad a dimension of " << d << " by "
                       << low[axis] << " and " << high[axis] << " in " << mode
                       << " mode";
    auto border = [&](int64_t size, bool before) -> FailureOr<Value> {
      FailureOr<Value> part =
          reflect ? (before ? sliceAlong(n, x, axis, 1, size + 1)
                            : sliceAlong(n, x, axis, d - 1 - size, d - 1))
                  : (before ? sliceAlong(n, x, axis, 0, 1)
                            : sliceAlong(n, x, axis, d - 1, d));
      if (failed(part))
        return failure();
      auto type = cast<RankedTensorType>(part->getType());
      if (reflect)
        return n.create<adj::ReverseOp>(
            *part, {n.named("dims", n.b.getDenseI64ArrayAttr({axis}))}, type);
      SmallVector<int64_t> shape(type.getShape());
      shape[axis] = size;
      return n.create<adj::BroadcastToOp>(*part, {}, type.clone(shape));
    };
    SmallVector<Value> parts;
    if (low[axis]) {
      FailureOr<Value> b = border(low[axis], true);
      if (failed(b))
        return failure();
      parts.push_back(*b);
    }
    parts.push_back(x);
    if (high[axis]) {
      FailureOr<Value> b = border(high[axis], false);
      if (failed(b))
        return failure();
      parts.push_back(*b);
    }
    FailureOr<Value> joined = n.create<adj::ConcatOp>(
        parts, {n.named("axis", n.b.getI64IntegerAttr(axis))});
    if (failed(joined))
      return failure();
    x = *joined;
  }
  return x;
}

LogicalResult pad(NodeContext &n, Results &results) {
  std::string mode = n.getString("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return n.error() << "mode '" << mode
                     << "' is not supported: constant, reflect or edge";
  FailureOr<SmallVector<int64_t>> pads = n.ints(1, "pads");
  if (failed(pads))
    return failure();
  int64_t rank = n.type(0).getRank();
  if (int64_t(pads->size()) != 2 * rank)
    return n.error() << "pads has " << pads->size() << " entries for rank "
                     << rank;
  if (llvm::any_of(*pads, [](int64_t p) { return p < 0; }))
    return n.error() << "negative pads (cropping) are not supported";
  double value = 0;
  if (n.hasInput(2)) {
    const Tensor &v = n.input(2);
    if (!v.constant || v.getType().getNumElements() != 1)
      return n.error() << "the padding value must be a constant scalar";
    value = isa<FloatType>(v.getType().getElementType())
                ? (*v.constant.value_begin<APFloat>()).convertToDouble()
                : double(intValues(v.constant)[0]);
  }
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> low = ArrayRef(*pads).take_front(rank),
                    high = ArrayRef(*pads).drop_front(rank);
  if (mode != "constant")
    return result(results, padBorders(n, *x, mode, low, high));
  return result(
      results,
      n.create<adj::PadOp>(*x, {n.named("low", n.b.getDenseI64ArrayAttr(low)),
                                n.named("high", n.b.getDenseI64ArrayAttr(high)),
                                n.named("value", n.b.getF64FloatAttr(value))}));
}

/// ConstantOfShape: a splat of `value` (float 0 by default) of the shape
/// known at import time.
LogicalResult constantOfShape(NodeContext &n, Results &results) {
  FailureOr<SmallVector<int64_t>> shape = n.ints(0, "the shape");
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; }))
    return n.error() << "the shape has a negative entry";
  if (!elementCount(*shape))
    return n.error() << "the shape has too many elements";
  DenseElementsAttr value = DenseElementsAttr::get(
      RankedTensorType::get({1}, n.b.getF32Type()), 0.0f);
  if (const onnx::AttributeProto *a = n.attr("value")) {
    FailureOr<DenseElementsAttr> given = readTensor(a->t(), n.loc);
    if (failed(given))
      return failure();
    if (given->getNumElements() != 1)
      return n.error() << "value must have one element";
    value = *given;
  }
  auto type = RankedTensorType::get(*shape, value.getElementType());
  results.push_back(
      {{},
       DenseElementsAttr::get(type, *value.getValues<Attribute>().begin())});
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

LogicalResult matmul(NodeContext &n, Results &results) {
  FailureOr<Value> a = n.floatValue(0), b = n.floatValue(1);
  if (failed(a) || failed(b))
    return failure();
  // NumPy's rules for vectors: [K] is [1, K] on the left, [K, 1] on the
  // right, and that dimension is dropped from the result.
  ArrayRef<int64_t> sa = n.type(0).getShape(), sb = n.type(1).getShape();
  bool vecA = sa.size() == 1, vecB = sb.size() == 1;
  Value lhs = vecA ? n.reshape(*a, {1, sa[0]}) : *a;
  Value rhs = vecB ? n.reshape(*b, {sb[0], 1}) : *b;
  FailureOr<Value> product = n.create<adj::MatmulOp>({lhs, rhs});
  if (failed(product))
    return failure();
  SmallVector<int64_t> shape(
      cast<RankedTensorType>(product->getType()).getShape());
  if (vecB)
    shape.erase(shape.end() - 1);
  if (vecA)
    shape.erase(shape.end() - (vecB ? 1 : 2));
  results.push_back(runtime(n.reshape(*product, shape)));
  return success();
}

/// An Einsum operand: its value and its indices, one letter per dimension.
struct EinsumTerm {
  Value value;
  std::string labels;
};

/// `t` with each repeated index made one: the entries where its positions
/// agree (a diagonal), selected by a constant mask and summed over the
/// later position. The mask (not a product with an identity) keeps an
/// infinite entry off the diagonal out.
FailureOr<EinsumTerm> einsumDiagonal(NodeContext &n, EinsumTerm t) {
  for (size_t q = 1; q < t.labels.size();) {
    size_t p = t.labels.find(t.labels[q]);
    if (p == q) {
      ++q;
      continue;
    }
    auto type = cast<RankedTensorType>(t.value.getType());
    SmallVector<int64_t> shape(type.getRank(), 1);
    int64_t d = type.getDimSize(p);
    shape[p] = shape[q] = d;
    SmallVector<bool> eye(d * d, false);
    for (int64_t i = 0; i < d; ++i)
      eye[i * d + i] = true;
    auto maskType = RankedTensorType::get(shape, n.b.getI1Type());
    Value mask = n.b.create<adj::ConstantOp>(
        n.loc, maskType, DenseElementsAttr::get(maskType, eye));
    Value zero = n.splat(RankedTensorType::get({}, type.getElementType()), 0);
    FailureOr<Value> kept = n.create<adj::SelectOp>({mask, t.value, zero});
    if (failed(kept))
      return failure();
    FailureOr<Value> summed = n.create<adj::SumOp>(
        *kept, {n.named("axes", n.b.getDenseI64ArrayAttr({int64_t(q)}))});
    if (failed(summed))
      return failure();
    t.value = *summed;
    t.labels.erase(q, 1);
  }
  return t;
}

/// Einsum of one or two terms, whose indices each occur once, to `out`
/// (each of its indices in some term, once). An index of a term that
/// neither the other term nor `out` has is summed first. Then the indices
/// in both terms and `out` (batch), in one term and `out` (left, right)
/// and in both terms only (contracted) make one batched matrix product
/// [batch, left, K] x [batch, K, right], reshaped and transposed to
/// `out`'s order.
FailureOr<Value> einsumContract(NodeContext &n, MutableArrayRef<EinsumTerm> t,
                                StringRef out,
                                const llvm::StringMap<int64_t> &size) {
  auto has = [](StringRef s, char c) { return s.contains(c); };
  for (unsigned i = 0; i < t.size(); ++i) {
    StringRef other = t.size() == 2 ? StringRef(t[1 - i].labels) : "";
    SmallVector<int64_t> axes;
    std::string kept;
    for (auto [axis, c] : llvm::enumerate(t[i].labels)) {
      if (has(out, c) || has(other, c))
        kept += c;
      else
        axes.push_back(axis);
    }
    if (axes.empty())
      continue;
    FailureOr<Value> summed = n.create<adj::SumOp>(
        t[i].value, {n.named("axes", n.b.getDenseI64ArrayAttr(axes))});
    if (failed(summed))
      return failure();
    t[i] = {*summed, kept};
  }
  auto dims = [&](StringRef ls) {
    SmallVector<int64_t> d;
    for (char c : ls)
      d.push_back(size.lookup(StringRef(&c, 1)));
    return d;
  };
  auto product = [&](StringRef ls) {
    int64_t p = 1;
    for (int64_t d : dims(ls))
      p *= d;
    return p;
  };
  // `v` with indices `from` transposed to the order `to`.
  auto arrange = [&](Value v, StringRef from,
                     StringRef to) -> FailureOr<Value> {
    SmallVector<int64_t> perm;
    for (char c : to)
      perm.push_back(from.find(c));
    if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
      return v;
    return n.create<adj::TransposeOp>(
        v, {n.named("permutation", n.b.getDenseI64ArrayAttr(perm))});
  };
  if (t.size() == 1)
    return arrange(t[0].value, t[0].labels, out);
  StringRef a = t[0].labels, b = t[1].labels;
  std::string batch, left, right, contracted;
  for (char c : out) {
    if (has(a, c) && has(b, c))
      batch += c;
    else if (has(a, c))
      left += c;
    else
      right += c;
  }
  for (char c : a)
    if (has(b, c) && !has(out, c))
      contracted += c;
  FailureOr<Value> lhs = arrange(t[0].value, a, batch + left + contracted);
  FailureOr<Value> rhs = arrange(t[1].value, b, batch + contracted + right);
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<Value> y = n.create<adj::MatmulOp>(
      {n.reshape(*lhs, {product(batch), product(left), product(contracted)}),
       n.reshape(*rhs, {product(batch), product(contracted), product(right)})});
  if (failed(y))
    return failure();
  std::string order = batch + left + right;
  return arrange(n.reshape(*y, dims(order)), order, out);
}

/// Einsum of any number of operands: a repeated index within an operand
/// takes its diagonal first (a trace when then summed); then the operands
/// are contracted two at a time from the left (as PyTorch without
/// opt_einsum), keeping the indices a later operand or the output has. An
/// ellipsis stands for the leading dimensions no letter names (the same
/// ones in every operand).
LogicalResult einsum(NodeContext &n, Results &results) {
  std::string equation;
  for (char c : n.getString("equation", ""))
    if (c != ' ')
      equation += c;
  // Indices are letters (ONNX's rule): the ellipsis' dimensions become
  // digits below.
  for (char c : equation)
    if (!llvm::isAlpha(c) && !StringRef(",.->").contains(c))
      return n.error() << "equation '" << equation << "' has '" << c
                       << "': indices are letters";
  size_t arrow = equation.find("->");
  std::string lhs = equation.substr(0, arrow);
  SmallVector<StringRef> terms;
  StringRef(lhs).split(terms, ',');
  unsigned count = n.getNumInputs();
  if (count < 1 || terms.size() != count)
    return n.error() << "equation '" << equation << "' does not have one "
                     << "term per operand (" << count << ")";
  // Ellipses become digits, which no index is: "...ij" of a rank-4
  // operand is "01ij".
  SmallVector<std::string> labels;
  int64_t ellipsis = -1;
  for (unsigned i = 0; i < count; ++i) {
    std::string term = terms[i].str();
    size_t dots = term.find("...");
    int64_t rank = n.type(i).getRank();
    if (dots != std::string::npos) {
      int64_t k = rank - int64_t(term.size() - 3);
      if (k < 0 || (ellipsis >= 0 && ellipsis != k) || k > 10)
        return n.error() << "the ellipses of '" << equation
                         << "' do not stand for the same dimensions";
      ellipsis = k;
      std::string digits;
      for (int64_t d = 0; d < k; ++d)
        digits += char('0' + d);
      term.replace(dots, 3, digits);
    }
    if (int64_t(term.size()) != rank)
      return n.error() << "term '" << terms[i].str() << "' does not fit "
                       << n.type(i);
    labels.push_back(term);
  }
  std::string out;
  if (arrow != std::string::npos) {
    out = equation.substr(arrow + 2);
    if (size_t dots = out.find("..."); dots != std::string::npos) {
      std::string digits;
      for (int64_t d = 0; d < std::max<int64_t>(ellipsis, 0); ++d)
        digits += char('0' + d);
      out.replace(dots, 3, digits);
    }
  } else {
    // Implicit output: the ellipsis, then the indices used once, sorted.
    std::string all = llvm::join(labels, "");
    for (char c : all)
      if (llvm::isDigit(c) && !llvm::is_contained(out, c))
        out += c;
    std::string once;
    for (char c : all)
      if (!llvm::isDigit(c) && llvm::count(all, c) == 1)
        once += c;
    llvm::sort(once);
    out += once;
  }
  llvm::StringMap<int64_t> size;
  SmallVector<EinsumTerm> operands;
  for (unsigned i = 0; i < count; ++i) {
    FailureOr<Value> v = n.floatValue(i);
    if (failed(v))
      return failure();
    for (auto [c, d] : llvm::zip(labels[i], n.type(i).getShape())) {
      auto [it, inserted] = size.try_emplace(StringRef(&c, 1), d);
      if (!inserted && it->second != d)
        return n.error() << "index '" << c << "' has sizes " << it->second
                         << " and " << d;
    }
    FailureOr<EinsumTerm> term = einsumDiagonal(n, {*v, labels[i]});
    if (failed(term))
      return failure();
    operands.push_back(*term);
  }
  for (char c : out) {
    if (!size.count(StringRef(&c, 1)))
      return n.error() << "output index '" << c << "' is in no operand";
    if (llvm::count(out, c) > 1)
      return n.error() << "output index '" << c << "' repeats (a diagonal), "
                       << "which is not supported";
  }
  while (operands.size() > 2) {
    std::string later = out;
    for (const EinsumTerm &t : ArrayRef(operands).drop_front(2))
      later += t.labels;
    std::string kept;
    for (char c : operands[0].labels + operands[1].labels)
      if (StringRef(later).contains(c) && !StringRef(kept).contains(c))
        kept += c;
    FailureOr<Value> pair =
        einsumContract(n, MutableArrayRef(operands).take_front(2), kept, size);
    if (failed(pair))
      return failure();
    operands.erase(operands.begin());
    operands[0] = {*pair, kept};
  }
  return result(results, einsumContract(n, operands, out, size));
}

LogicalResult gemm(NodeContext &n, Results &results) {
  FailureOr<Value> a = n.floatValue(0), b = n.floatValue(1);
  if (failed(a) || failed(b))
    return failure();
  if (n.type(0).getRank() != 2 || n.type(1).getRank() != 2)
    return n.error() << "A and B must be matrices";
  auto t = [&](Value v) -> Value {
    return *n.create<adj::TransposeOp>(
        v, {n.named("permutation", n.b.getDenseI64ArrayAttr({1, 0}))});
  };
  Value lhs = n.getInt("transA", 0) ? t(*a) : *a;
  Value rhs = n.getInt("transB", 0) ? t(*b) : *b;
  FailureOr<Value> y = n.create<adj::MatmulOp>({lhs, rhs});
  if (failed(y))
    return failure();
  double alpha = n.getFloat("alpha", 1.0), beta = n.getFloat("beta", 1.0);
  if (alpha != 1.0)
    y = n.create<adj::MulOp>({*y, n.scalar(alpha)});
  if (succeeded(y) && n.hasInput(2) && beta != 0.0) {
    FailureOr<Value> c = n.floatValue(2);
    if (failed(c))
      return failure();
    Value bias = *c;
    if (beta != 1.0)
      bias = *n.create<adj::MulOp>({bias, n.scalar(beta)});
    y = n.create<adj::AddOp>({*y, bias});
  }
  return result(results, y);
}

//===----------------------------------------------------------------------===//
// Reductions and normalization
//===----------------------------------------------------------------------===//

/// A reduction over every element of a 0-d or 1-d integer constant: the
/// shape arithmetic of an export (torch.var divides by the ReduceProd of a
/// dimension), folded.
LogicalResult foldIntReduce(NodeContext &n, Results &results) {
  StringRef op = n.node.op_type();
  SmallVector<int64_t> values = intValues(n.input(0).constant);
  if (n.type(0).getRank() > 1 || values.empty() ||
      !llvm::is_contained({"ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin"},
                          op))
    return n.error() << "cannot fold this reduction of integers: only Sum, "
                        "Prod, Max and Min of a non-empty 0-d or 1-d constant";
  int64_t acc = values[0];
  for (int64_t v : ArrayRef(values).drop_front()) {
    std::optional<int64_t> next = op == "ReduceSum" ? llvm::checkedAdd(acc, v)
                                  : op == "ReduceProd"
                                      ? llvm::checkedMul(acc, v)
                                  : op == "ReduceMax" ? std::max(acc, v)
                                                      : std::min(acc, v);
    if (!next)
      return n.error() << "cannot fold this reduction of integers: it "
                          "overflows";
    acc = *next;
  }
  bool keep = n.getInt("keepdims", 1) && n.type(0).getRank() == 1;
  results.push_back(intConstant(
      n.b.getContext(), keep ? SmallVector<int64_t>{1} : SmallVector<int64_t>{},
      {acc}));
  return success();
}

/// A reduction `post(OpTy(pre(x)))` over ONNX's axes: ReduceL2 is
/// sqrt(sum(x²)), for example.
template <typename OpTy>
LogicalResult reduceOf(NodeContext &n, Results &results,
                       function_ref<Value(Value)> pre,
                       function_ref<FailureOr<Value>(Value)> post) {
  if (isIntConstant(n.input(0)))
    return foldIntReduce(n, results);
  // ReduceSum takes its axes as an input from opset 13; the others from 18.
  bool sum = n.node.op_type() == "ReduceSum";
  auto axes = readAxes(n, sum ? 13 : 18, 1);
  if (failed(axes))
    return failure();
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  if ((!*axes || (*axes)->empty()) && n.getInt("noop_with_empty_axes", 0)) {
    results.push_back(runtime(*x));
    return success();
  }
  int64_t rank = n.type(0).getRank();
  SmallVector<int64_t> normalized;
  if (*axes && !(*axes)->empty()) {
    for (int64_t axis : **axes) {
      FailureOr<int64_t> a = n.normalizeAxis(axis, rank);
      if (failed(a))
        return failure();
      normalized.push_back(*a);
    }
  } else {
    normalized = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  llvm::sort(normalized);
  normalized.erase(std::unique(normalized.begin(), normalized.end()),
                   normalized.end());
  SmallVector<NamedAttribute> attrs = {
      n.named("axes", n.b.getDenseI64ArrayAttr(normalized))};
  if (n.getInt("keepdims", 1))
    attrs.push_back(n.named("keepdims", n.b.getUnitAttr()));
  FailureOr<Value> y = n.create<OpTy>(pre(*x), attrs);
  if (failed(y))
    return failure();
  return result(results, post(*y));
}

template <typename OpTy>
LogicalResult reduce(NodeContext &n, Results &results) {
  auto same = [](Value v) { return v; };
  return reduceOf<OpTy>(n, results, same, same);
}

/// ReduceL1, ReduceL2 and ReduceSumSquare: sums of |x| or x², the L2 norm
/// its square root. The root of a zero sum is a select, as PyTorch's norm
/// whose gradient there is 0: sqrt's derivative at 0 is infinite, and
/// 0 * inf = NaN would reach every element of the slice (F.normalize of a
/// zero row).
template <typename ElementOp, bool root>
LogicalResult reduceNorm(NodeContext &n, Results &results) {
  auto element = [&](Value v) -> Value {
    return n.b.create<ElementOp>(n.loc, v.getType(), v);
  };
  auto finish = [&](Value s) -> FailureOr<Value> {
    if (!root)
      return s;
    Value zero = n.scalar(0.0);
    FailureOr<Value> positive =
        compare(n, adj::ComparisonDirection::gt, s, zero);
    if (failed(positive))
      return failure();
    FailureOr<Value> safe =
        n.create<adj::SelectOp>({*positive, s, n.scalar(1.0)});
    if (failed(safe))
      return failure();
    Value sqrt = n.b.create<adj::SqrtOp>(n.loc, s.getType(), *safe);
    return n.create<adj::SelectOp>({*positive, sqrt, zero});
  };
  return reduceOf<adj::SumOp>(n, results, element, finish);
}

/// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (F.nll_loss,
/// F.cross_entropy inside a model): with the log-probabilities lp (the
/// input, or log_softmax of the scores along axis 1) moved to put the
/// classes last, each entry's loss is -w lp[label], selected by
/// adj.one_hot of the labels (a select, not a product: a -inf
/// log-probability off the label stays out). The weight w is
/// weights[label] (1 without weights), 0 where the label is ignore_index;
/// mean divides the sum by the sum of the weights, as PyTorch. An ignored
/// entry's loss is 0 even if its log-probability is -inf.
template <bool softmax>
LogicalResult classLoss(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  RankedTensorType type = n.type(0);
  int64_t rank = type.getRank();
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> labelShape(shape);
  if (rank >= 2)
    labelShape.erase(labelShape.begin() + 1);
  if (rank < 2 || n.type(1).getShape() != ArrayRef(labelShape) ||
      !isa<IntegerType>(n.type(1).getElementType()))
    return n.error() << "the labels " << n.type(1) << " must be integers "
                     << "of the shape of " << type << " without axis 1";
  std::string reduction = n.getString("reduction", "mean");
  if (reduction != "mean" && reduction != "sum" && reduction != "none")
    return n.error() << "reduction " << reduction << " is not supported";
  Value logProb = *x;
  if (softmax) {
    FailureOr<Value> lp = n.create<adj::LogSoftmaxOp>(
        *x, {n.named("axis", n.b.getI64IntegerAttr(1))}, type);
    if (failed(lp))
      return failure();
    logProb = *lp;
  }
  Value classesLast = logProb;
  if (rank > 2) {
    SmallVector<int64_t> perm = {0};
    for (int64_t d = 2; d < rank; ++d)
      perm.push_back(d);
    perm.push_back(1);
    FailureOr<Value> moved = n.create<adj::TransposeOp>(
        logProb, {n.named("permutation", n.b.getDenseI64ArrayAttr(perm))});
    if (failed(moved))
      return failure();
    classesLast = *moved;
  }
  SmallVector<int64_t> hotShape(labelShape);
  hotShape.push_back(shape[1]);
  auto hotType = RankedTensorType::get(hotShape, type.getElementType());
  FailureOr<Value> hot = n.create<adj::OneHotOp>(n.value(1), {}, hotType);
  if (failed(hot))
    return failure();
  FailureOr<Value> isLabel =
      compare(n, adj::ComparisonDirection::gt, *hot, n.scalar(0.0));
  if (failed(isLabel))
    return failure();
  auto sumClasses = [&](Value v) {
    return n.create<adj::SumOp>(
        v, {n.named("axes", n.b.getDenseI64ArrayAttr({rank - 1}))});
  };
  FailureOr<Value> picked =
      n.create<adj::SelectOp>({*isLabel, classesLast, n.scalar(0.0)});
  if (failed(picked))
    return failure();
  picked = sumClasses(*picked);
  if (failed(picked))
    return failure();
  // The weight of each entry, if not all 1.
  Value weight;
  if (n.hasInput(2)) {
    FailureOr<Value> w = n.floatValue(2);
    if (failed(w))
      return failure();
    if (n.type(2).getShape() != ArrayRef<int64_t>{shape[1]})
      return n.error() << "the weights " << n.type(2) << " must have one "
                       << "entry per class (" << shape[1] << ")";
    FailureOr<Value> perEntry = n.create<adj::MulOp>({*hot, *w});
    if (failed(perEntry))
      return failure();
    perEntry = sumClasses(*perEntry);
    if (failed(perEntry))
      return failure();
    weight = *perEntry;
  }
  if (const onnx::AttributeProto *ignore = n.attr("ignore_index")) {
    auto labelsType = RankedTensorType::get(labelShape, type.getElementType());
    FailureOr<Value> labels =
        n.create<adj::ConvertOp>(n.value(1), {}, labelsType);
    if (failed(labels))
      return failure();
    FailureOr<Value> ignored = compare(n, adj::ComparisonDirection::eq, *labels,
                                       n.scalar(double(ignore->i())));
    if (failed(ignored))
      return failure();
    FailureOr<Value> w = n.create<adj::SelectOp>(
        {*ignored, n.scalar(0.0), weight ? weight : n.scalar(1.0)});
    // Its weight 0 times a -inf log-probability would be NaN.
    picked = n.create<adj::SelectOp>({*ignored, n.scalar(0.0), *picked});
    if (failed(w) || failed(picked))
      return failure();
    weight = *w;
  }
  FailureOr<Value> loss =
      weight ? n.create<adj::MulOp>({*picked, weight}) : picked;
  if (failed(loss))
    return failure();
  loss = n.create<adj::NegOp>(*loss, {}, loss->getType());
  if (succeeded(loss) && reduction == "sum")
    loss = n.create<adj::SumOp>(*loss);
  else if (succeeded(loss) && reduction == "mean" && !weight)
    loss = n.create<adj::MeanOp>(*loss);
  else if (succeeded(loss) && reduction == "mean") {
    FailureOr<Value> total = n.create<adj::SumOp>(*loss);
    // `weight` has the labels' shape (`ignored`'s, or the weights').
    FailureOr<Value> count = n.create<adj::SumOp>(weight);
    if (failed(total) || failed(count))
      return failure();
    loss = n.create<adj::DivOp>({*total, *count});
  }
  if (failed(loss))
    return failure();
  results.push_back(runtime(*loss));
  if (softmax)
    results.push_back(runtime(logProb));
  return success();
}

/// The positions along `axis` of a tensor of `type`, as f64 (exact for any
/// size an index can have), shaped to broadcast against it: 1 elsewhere.
Value positions(NodeContext &n, RankedTensorType type, int64_t axis) {
  SmallVector<int64_t> shape(type.getRank(), 1);
  shape[axis] = type.getDimSize(axis);
  auto f64 = RankedTensorType::get(shape, n.b.getF64Type());
  return n.b.create<adj::IotaOp>(n.loc, f64, n.b.getI64IntegerAttr(axis));
}

/// The least (`last`: the greatest) of the positions `pos` (f64, broadcast
/// to `x`) along `axis` where `x` equals `extreme`, its maximum or minimum
/// (keepdims), as f64 with that axis of size 1; `none` if there is none.
/// A NaN is the maximum and the minimum, as in PyTorch's argmax: the NaN
/// positions count as equal.
FailureOr<Value> extremePosition(NodeContext &n, Value x, Value extreme,
                                 Value pos, int64_t axis, bool last,
                                 double none) {
  Value noneValue = f64Scalar(n, none);
  FailureOr<Value> equal = compare(n, adj::ComparisonDirection::eq, x, extreme);
  FailureOr<Value> nan = compare(n, adj::ComparisonDirection::ne, x, x);
  if (failed(equal) || failed(nan))
    return failure();
  FailureOr<Value> nanPos = n.create<adj::SelectOp>({*nan, pos, noneValue});
  if (failed(nanPos))
    return failure();
  FailureOr<Value> candidates = n.create<adj::SelectOp>({*equal, pos, *nanPos});
  if (failed(candidates))
    return failure();
  SmallVector<NamedAttribute> attrs = {
      n.named("axes", n.b.getDenseI64ArrayAttr({axis})),
      n.named("keepdims", n.b.getUnitAttr())};
  return last ? n.create<adj::MaxOp>(*candidates, attrs)
              : n.create<adj::MinOp>(*candidates, attrs);
}

/// The maximum (`largest`) or minimum of `x` along `axis`, kept.
FailureOr<Value> extremeAlong(NodeContext &n, Value x, int64_t axis,
                              bool largest) {
  SmallVector<NamedAttribute> attrs = {
      n.named("axes", n.b.getDenseI64ArrayAttr({axis})),
      n.named("keepdims", n.b.getUnitAttr())};
  return largest ? n.create<adj::MaxOp>(x, attrs)
                 : n.create<adj::MinOp>(x, attrs);
}

/// f64 positions made the i64 indices ONNX gives.
FailureOr<Value> asIndices(NodeContext &n, Value positions) {
  auto type = cast<RankedTensorType>(positions.getType());
  return n.create<adj::ConvertOp>(positions, {}, type.clone(n.b.getI64Type()));
}

/// ArgMax and ArgMin: an i64 tensor at run time (a graph output, or Gather
/// indices); no derivative flows through it.
template <bool largest>
LogicalResult argExtreme(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  FailureOr<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", 0), n.type(0).getRank());
  if (failed(axis))
    return failure();
  if (n.type(0).getDimSize(*axis) == 0)
    return n.error() << "the axis to reduce is empty";
  FailureOr<Value> extreme = extremeAlong(n, *x, *axis, largest);
  if (failed(extreme))
    return failure();
  bool last = n.getInt("select_last_index", 0);
  FailureOr<Value> pos =
      extremePosition(n, *x, *extreme, positions(n, n.type(0), *axis), *axis,
                      last, last ? -1.0 : double(n.type(0).getDimSize(*axis)));
  if (failed(pos))
    return failure();
  FailureOr<Value> indices = asIndices(n, *pos);
  if (failed(indices))
    return failure();
  SmallVector<int64_t> shape(n.type(0).getShape());
  if (n.getInt("keepdims", 1))
    shape[*axis] = 1;
  else
    shape.erase(shape.begin() + *axis);
  results.push_back(runtime(n.reshape(*indices, shape)));
  return success();
}

/// TopK's outputs: the values and their f64 positions along the axis.
struct TopKResult {
  Value values, positions;
};

/// The K largest (or smallest) entries along `axis` by ranks: an entry's
/// rank is the number of entries before it (greater, or smaller; NaN is
/// the largest, as in PyTorch; equal ones by position), from a comparison
/// of every pair along the axis, and output k is the entry of rank k: the
/// sum of the entries selected by rank == k, so that the derivative
/// reaches exactly that entry, as PyTorch's. The IR is the same for any K
/// (torch.sort and argsort export a TopK of the whole axis); the work is
/// size² per row.
FailureOr<TopKResult> topKByRanks(NodeContext &n, Value x, int64_t axis,
                                  int64_t k, bool largest) {
  auto type = cast<RankedTensorType>(x.getType());
  // Entry i along `axis`, entry j along axis + 1.
  SmallVector<int64_t> iShape(type.getShape()), jShape(type.getShape());
  iShape.insert(iShape.begin() + axis + 1, 1);
  jShape.insert(jShape.begin() + axis, 1);
  Value xi = n.reshape(x, iShape), xj = n.reshape(x, jShape);
  Value posI = positions(n, type.clone(iShape), axis);
  Value posJ = positions(n, type.clone(jShape), axis + 1);
  Value zero = f64Scalar(n, 0.0), one = f64Scalar(n, 1.0);
  // 1 if `a` may come before `b` (a >= b, or a NaN; smallest: a <= b, or
  // b a NaN), else 0: j is before i if notAfter(xj, xi) and j < i, or if
  // not notAfter(xi, xj).
  auto notAfter = [&](Value a, Value b) -> FailureOr<Value> {
    Value nanSide = largest ? a : b;
    FailureOr<Value> inOrder = compare(n,
                                       largest ? adj::ComparisonDirection::ge
                                               : adj::ComparisonDirection::le,
                                       a, b);
    FailureOr<Value> nan =
        compare(n, adj::ComparisonDirection::ne, nanSide, nanSide);
    if (failed(inOrder) || failed(nan))
      return failure();
    FailureOr<Value> ordered = n.create<adj::SelectOp>({*inOrder, one, zero});
    if (failed(ordered))
      return failure();
    return n.create<adj::SelectOp>({*nan, one, *ordered});
  };
  FailureOr<Value> ji = notAfter(xj, xi), ij = notAfter(xi, xj);
  FailureOr<Value> earlier =
      compare(n, adj::ComparisonDirection::lt, posJ, posI);
  if (failed(ji) || failed(ij) || failed(earlier))
    return failure();
  FailureOr<Value> strictly = n.create<adj::SubOp>({one, *ij});
  if (failed(strictly))
    return failure();
  FailureOr<Value> before = n.create<adj::SelectOp>({*earlier, *ji, *strictly});
  if (failed(before))
    return failure();
  FailureOr<Value> rank = n.create<adj::SumOp>(
      *before, {n.named("axes", n.b.getDenseI64ArrayAttr({axis + 1})),
                n.named("keepdims", n.b.getUnitAttr())});
  if (failed(rank))
    return failure();
  // rank == k, each entry i along `axis` against each output k along
  // axis + 1; summed over `axis`, the outputs take its place.
  SmallVector<int64_t> kShape(iShape.size(), 1);
  kShape[axis + 1] = k;
  Value outputs = n.b.create<adj::IotaOp>(
      n.loc, RankedTensorType::get(kShape, n.b.getF64Type()),
      n.b.getI64IntegerAttr(axis + 1));
  FailureOr<Value> hit =
      compare(n, adj::ComparisonDirection::eq, *rank, outputs);
  if (failed(hit))
    return failure();
  auto pick = [&](Value v, Value otherwise) -> FailureOr<Value> {
    FailureOr<Value> chosen = n.create<adj::SelectOp>({*hit, v, otherwise});
    if (failed(chosen))
      return failure();
    return n.create<adj::SumOp>(
        *chosen, {n.named("axes", n.b.getDenseI64ArrayAttr({axis}))});
  };
  FailureOr<Value> values = pick(xi, n.scalar(0.0)), at = pick(posI, zero);
  if (failed(values) || failed(at))
    return failure();
  return TopKResult{*values, *at};
}

/// The K largest (or smallest) entries along `axis` found in turn: the
/// first position of the extreme among the entries not taken yet; its
/// value is the sum of the input's entries selected at that position, so
/// that the derivative reaches exactly that entry, as PyTorch's. Costs K
/// passes over the input and IR in proportion to K (for a small K over
/// an axis too long to compare every pair). Ties go to the lower index;
/// NaN is the largest.
FailureOr<TopKResult> topKByPasses(NodeContext &n, Value x, int64_t axis,
                                   int64_t k, bool largest) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t size = type.getDimSize(axis);
  // Each entry's rank among equals: its position; a NaN among the smallest
  // is +inf to the search but comes after any +inf (PyTorch's order: NaN
  // is the largest), its rank its position + size. A taken entry's rank
  // is 2 size, which extremePosition never picks while another is left.
  Value rank = positions(n, type, axis), remaining = x;
  Value excluded = n.scalar(largest ? -INFINITY : INFINITY);
  Value sizeValue = f64Scalar(n, double(size));
  if (!largest) {
    FailureOr<Value> nan = compare(n, adj::ComparisonDirection::ne, x, x);
    if (failed(nan))
      return failure();
    FailureOr<Value> ordered = n.create<adj::SelectOp>({*nan, excluded, x});
    FailureOr<Value> after = n.create<adj::AddOp>({rank, sizeValue});
    if (failed(ordered) || failed(after))
      return failure();
    FailureOr<Value> ranks = n.create<adj::SelectOp>({*nan, *after, rank});
    if (failed(ranks))
      return failure();
    remaining = *ordered;
    rank = *ranks;
  }
  double gone = 2.0 * double(size);
  Value available = rank;
  SmallVector<Value> values, indices;
  SmallVector<NamedAttribute> sumAttrs = {
      n.named("axes", n.b.getDenseI64ArrayAttr({axis})),
      n.named("keepdims", n.b.getUnitAttr())};
  for (int64_t i = 0; i < k; ++i) {
    FailureOr<Value> extreme = extremeAlong(n, remaining, axis, largest);
    if (failed(extreme))
      return failure();
    FailureOr<Value> at =
        extremePosition(n, remaining, *extreme, available, axis, false, gone);
    if (failed(at))
      return failure();
    // `rank` against `at` broadcasts to the input's shape.
    FailureOr<Value> hit = compare(n, adj::ComparisonDirection::eq, rank, *at);
    if (failed(hit))
      return failure();
    FailureOr<Value> chosen = n.create<adj::SelectOp>({*hit, x, n.scalar(0.0)});
    if (failed(chosen))
      return failure();
    FailureOr<Value> value = n.create<adj::SumOp>(*chosen, sumAttrs);
    FailureOr<Value> rest =
        n.create<adj::SelectOp>({*hit, excluded, remaining});
    FailureOr<Value> left =
        n.create<adj::SelectOp>({*hit, f64Scalar(n, gone), available});
    if (failed(value) || failed(rest) || failed(left))
      return failure();
    values.push_back(*value);
    indices.push_back(*at);
    remaining = *rest;
    available = *left;
  }
  auto axisAttr = n.named("axis", n.b.getI64IntegerAttr(axis));
  FailureOr<Value> y = n.create<adj::ConcatOp>(values, {axisAttr});
  FailureOr<Value> at = n.create<adj::ConcatOp>(indices, {axisAttr});
  if (failed(y) || failed(at))
    return failure();
  // A NaN's rank back to its position.
  if (!largest) {
    FailureOr<Value> isNaN =
        compare(n, adj::ComparisonDirection::ge, *at, sizeValue);
    FailureOr<Value> shifted = n.create<adj::SubOp>({*at, sizeValue});
    if (failed(isNaN) || failed(shifted))
      return failure();
    at = n.create<adj::SelectOp>({*isNaN, *shifted, *at});
    if (failed(at))
      return failure();
  }
  return TopKResult{*y, *at};
}

/// The most pairs TopK compares (topKByRanks) and, over a longer axis, the
/// most passes it makes (topKByPasses).
constexpr int64_t kMaxTopKPairs = int64_t(1) << 24;
constexpr int64_t kMaxTopKPasses = 16;

/// TopK: the K largest (or smallest) entries along `axis`, sorted, with
/// their indices; by ranks unless the axis is too long to compare every
/// pair.
LogicalResult topK(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  FailureOr<SmallVector<int64_t>> ks = n.ints(1, "K");
  if (failed(x) || failed(ks))
    return failure();
  RankedTensorType type = n.type(0);
  FailureOr<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", -1), type.getRank());
  if (failed(axis))
    return failure();
  int64_t size = type.getDimSize(*axis);
  if (ks->size() != 1 || (*ks)[0] < 1 || (*ks)[0] > size)
    return n.error() << "K must be one value in [1, " << size << "]";
  int64_t k = (*ks)[0];
  bool largest = n.getInt("largest", 1);
  std::optional<int64_t> pairs = llvm::checkedMul(type.getNumElements(), size);
  FailureOr<TopKResult> top = failure();
  if (pairs && *pairs <= kMaxTopKPairs)
    top = topKByRanks(n, *x, *axis, k, largest);
  else if (k <= kMaxTopKPasses)
    top = topKByPasses(n, *x, *axis, k, largest);
  else
    return n.error() << "K " << k << " over an axis of " << size << " of "
                     << type << " is too large: TopK compares every pair "
                     << "along the axis (at most " << kMaxTopKPairs
                     << " pairs in all) or, for K at most " << kMaxTopKPasses
                     << ", makes K passes";
  if (failed(top))
    return failure();
  FailureOr<Value> i64 = asIndices(n, top->positions);
  if (failed(i64))
    return failure();
  results.push_back(runtime(top->values));
  results.push_back(runtime(*i64));
  return success();
}

/// CumSum by doubling: after the step of shift s, each entry holds the sum
/// of the 2s entries ending at it, so ceil(log2 size) shifted adds (pads
/// and slices) make the prefix sums, O(size log size) in all and
/// differentiable by their rules. `exclusive` shifts once more; `reverse`
/// sums from the end.
LogicalResult cumSum(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  FailureOr<SmallVector<int64_t>> axes = n.ints(1, "axis");
  if (failed(x) || failed(axes))
    return failure();
  if (axes->size() != 1)
    return n.error() << "axis must be one value";
  RankedTensorType type = n.type(0);
  FailureOr<int64_t> axis = n.normalizeAxis((*axes)[0], type.getRank());
  if (failed(axis))
    return failure();
  int64_t size = type.getDimSize(*axis);
  bool reverse = n.getInt("reverse", 0);
  auto flip = [&](Value v) -> FailureOr<Value> {
    if (!reverse)
      return v;
    return n.create<adj::ReverseOp>(
        v, {n.named("dims", n.b.getDenseI64ArrayAttr({*axis}))});
  };
  // `v` moved `shift` places up along the axis, zeros first.
  auto shifted = [&](Value v, int64_t shift) -> FailureOr<Value> {
    FailureOr<Value> kept = sliceAlong(n, v, *axis, 0, size - shift);
    if (failed(kept))
      return failure();
    SmallVector<int64_t> low(type.getRank(), 0), high(type.getRank(), 0);
    low[*axis] = shift;
    return n.create<adj::PadOp>(
        *kept, {n.named("low", n.b.getDenseI64ArrayAttr(low)),
                n.named("high", n.b.getDenseI64ArrayAttr(high))});
  };
  FailureOr<Value> y = flip(*x);
  for (int64_t shift = 1; shift < size && succeeded(y); shift *= 2) {
    FailureOr<Value> moved = shifted(*y, shift);
    if (failed(moved))
      return failure();
    y = n.create<adj::AddOp>({*y, *moved});
  }
  if (succeeded(y) && n.getInt("exclusive", 0) && size > 0)
    y = shifted(*y, 1);
  if (failed(y))
    return failure();
  return result(results, flip(*y));
}

template <typename OpTy>
LogicalResult softmax(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  int64_t rank = n.type(0).getRank();
  // Before opset 13 the input is coerced to 2-D at `axis` (default 1): the
  // same as a softmax along the last axis only when axis is rank - 1.
  int64_t defaultAxis = n.opset < 13 ? 1 : -1;
  FailureOr<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", defaultAxis), rank);
  if (failed(axis))
    return failure();
  if (n.opset < 13 && *axis != rank - 1)
    return n.error() << "axis " << *axis << " of a rank-" << rank
                     << " input is not supported before opset 13 (it "
                        "flattens the trailing dimensions): only the last "
                        "axis";
  return result(results,
                n.create<OpTy>(*x,
                               {n.named("axis", n.b.getI64IntegerAttr(*axis))},
                               x->getType()));
}

/// InstanceNormalization (PyTorch's nn.InstanceNorm and nn.GroupNorm):
/// each channel of each sample normalized over its spatial entries, as
/// `adj.layer_norm` of [N, C, S] over S (unit scale, no shift), then the
/// per-channel scale and B.
LogicalResult instanceNorm(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0), scale = n.floatValue(1),
                   shift = n.floatValue(2);
  if (failed(x) || failed(scale) || failed(shift))
    return failure();
  ArrayRef<int64_t> in = n.type(0).getShape();
  if (in.size() < 3)
    return n.error() << "the input must be [N, C, D1, ...]";
  for (unsigned i = 1; i < 3; ++i)
    if (n.type(i).getShape() != ArrayRef<int64_t>{in[1]})
      return n.error() << "input " << i << " has type " << n.type(i)
                       << "; expected [" << in[1] << "]";
  int64_t spatial = 1;
  for (int64_t d : in.drop_front(2))
    spatial *= d;
  auto vector = RankedTensorType::get({spatial}, n.type(0).getElementType());
  Value flat = n.reshape(*x, {in[0], in[1], spatial});
  FailureOr<Value> normalized = n.create<adj::LayerNormOp>(
      {flat, n.splat(vector, 1.0), n.splat(vector, 0.0)},
      {n.named("axis", n.b.getI64IntegerAttr(2)),
       n.named("epsilon", n.b.getF64FloatAttr(n.getFloat("epsilon", 1e-5)))},
      flat.getType());
  if (failed(normalized))
    return failure();
  SmallVector<int64_t> perChannel(in.size() - 1, 1);
  perChannel[0] = in[1];
  FailureOr<Value> scaled = n.create<adj::MulOp>(
      {n.reshape(*normalized, in), n.reshape(*scale, perChannel)});
  if (failed(scaled))
    return failure();
  return result(results,
                n.create<adj::AddOp>({*scaled, n.reshape(*shift, perChannel)}));
}

LogicalResult layerNorm(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0), scale = n.floatValue(1);
  if (failed(x) || failed(scale))
    return failure();
  int64_t rank = n.type(0).getRank();
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", -1), rank);
  if (failed(axis))
    return failure();
  Value bias;
  if (n.hasInput(2)) {
    FailureOr<Value> b = n.floatValue(2);
    if (failed(b))
      return failure();
    bias = *b;
  } else {
    bias = n.splat(n.type(1), 0.0);
  }
  if (n.node.output_size() > 1)
    for (int i = 1; i < n.node.output_size(); ++i)
      if (!n.node.output(i).empty())
        return n.error() << "the Mean and InvStdDev outputs are not "
                            "supported";
  return result(results,
                n.create<adj::LayerNormOp>(
                    {*x, *scale, bias},
                    {n.named("axis", n.b.getI64IntegerAttr(*axis)),
                     n.named("epsilon",
                             n.b.getF64FloatAttr(n.getFloat("epsilon", 1e-5)))},
                    x->getType()));
}

LogicalResult batchNorm(NodeContext &n, Results &results) {
  SmallVector<Value> in;
  for (unsigned i = 0; i < 5; ++i) {
    FailureOr<Value> v = n.floatValue(i);
    if (failed(v))
      return failure();
    in.push_back(*v);
  }
  auto type = n.type(0);
  if (type.getRank() < 2)
    return n.error() << "the input must be [N, C, ...]";
  int64_t channels = type.getDimSize(1);
  for (unsigned i = 1; i < 5; ++i)
    if (n.type(i).getShape() != ArrayRef<int64_t>{channels})
      return n.error() << "input " << i << " has type " << n.type(i)
                       << "; expected [" << channels << "]";
  double epsilon = n.getFloat("epsilon", 1e-5);
  if (n.getInt("training_mode", 0)) {
    // Batch statistics, and the running ones updated as ONNX defines.
    FailureOr<Operation *> op =
        n.createOp(adj::BatchNormOp::getOperationName(), {in[0], in[1], in[2]},
                   {n.named("epsilon", n.b.getF64FloatAttr(epsilon))}, {}, 3);
    if (failed(op))
      return failure();
    results.push_back(runtime((*op)->getResult(0)));
    auto vector = n.type(1);
    auto splat = [&](double v) { return n.splat(vector, v); };
    double momentum = n.getFloat("momentum", 0.9);
    for (unsigned k = 0; k < 2; ++k) {
      Value old =
          n.b.create<adj::MulOp>(n.loc, vector, in[3 + k], splat(momentum));
      Value now = n.b.create<adj::MulOp>(n.loc, vector, (*op)->getResult(1 + k),
                                         splat(1 - momentum));
      results.push_back(
          runtime(n.b.create<adj::AddOp>(n.loc, vector, old, now)));
    }
    return success();
  }
  // Inference: the running statistics, per channel.
  SmallVector<int64_t> shape(type.getRank(), 1);
  shape[1] = channels;
  auto channel = [&](Value v) { return n.reshape(v, shape); };
  Value eps = n.scalar(epsilon);
  FailureOr<Value> centered = n.create<adj::SubOp>({in[0], channel(in[3])});
  FailureOr<Value> var = n.create<adj::AddOp>({channel(in[4]), eps});
  if (failed(centered) || failed(var))
    return failure();
  Value rstd = n.b.create<adj::RsqrtOp>(n.loc, var->getType(), *var);
  FailureOr<Value> normalized = n.create<adj::MulOp>({*centered, rstd});
  if (failed(normalized))
    return failure();
  FailureOr<Value> scaled = n.create<adj::MulOp>({*normalized, channel(in[1])});
  if (failed(scaled))
    return failure();
  return result(results, n.create<adj::AddOp>({*scaled, channel(in[2])}));
}

//===----------------------------------------------------------------------===//
// Recurrent networks
//===----------------------------------------------------------------------===//

/// An RNN, GRU or LSTM node unrolled over its time steps, in each of its
/// directions (forward, reverse, or both: bidirectional). The weights W
/// ([D, G*H, I]) and R ([D, G*H, H]) hold, per direction, G gates of H rows
/// each; every step multiplies its input by Wᵀ and the previous state by
/// Rᵀ and adds the biases (B, [D, 2*G*H]: Wb then Rb). The input products
/// of all steps are one matrix product per direction, [T*B, I] x [I, G*H].
/// The reverse direction reads the steps from the last; ONNX's Y[t, d] is
/// the state of direction d after step t either way.
class Unrolled {
public:
  /// A direction's weights, as the steps use them.
  struct Direction {
    Value xw, rt, rb;
    bool reverse;
  };

  /// `activations` are the default activation functions of one direction.
  Unrolled(NodeContext &n, int64_t gates, ArrayRef<StringRef> activations)
      : n(n), gates(gates),
        activations(activations.begin(), activations.end()) {}

  /// Reads the inputs; fails with an error for what is not supported.
  LogicalResult init() {
    std::string direction = n.getString("direction", "forward");
    if (direction != "forward" && direction != "reverse" &&
        direction != "bidirectional")
      return n.error() << "direction " << direction
                       << " is not one of forward, reverse, bidirectional";
    int64_t count = direction == "bidirectional" ? 2 : 1;
    if (n.attr("clip"))
      return n.error() << "clip is not supported";
    if (std::optional<SmallVector<std::string>> given = readActivations()) {
      if (given->size() != activations.size() * count)
        return n.error() << "activations must have "
                         << activations.size() * count << " entries";
      activations = *given;
    } else if (count == 2) {
      SmallVector<std::string> one = activations;
      activations.append(one);
    }
    if (n.getInt("layout", 0))
      return n.error() << "layout 1 is not supported: [T, B, I] inputs only";
    if (n.hasInput(4))
      return n.error() << "sequence_lens is not supported: every sequence "
                          "is as long as the input";
    ArrayRef<int64_t> xs = n.type(0).getShape();
    hidden = n.getInt("hidden_size", 0);
    if (xs.size() != 3 || hidden <= 0)
      return n.error() << "the input must be [T, B, I] and hidden_size set";
    if (xs[0] == 0)
      return n.error() << "the sequence is empty (T = 0): Y_h would be the "
                          "initial state, which is not supported";
    steps = xs[0];
    batch = xs[1];
    int64_t rows = gates * hidden;
    if (n.type(1).getShape() != ArrayRef<int64_t>{count, rows, xs[2]} ||
        n.type(2).getShape() != ArrayRef<int64_t>{count, rows, hidden})
      return n.error() << "W must be [" << count << ", " << rows << ", "
                       << xs[2] << "] and R [" << count << ", " << rows << ", "
                       << hidden << "]";
    if (n.hasInput(3) &&
        n.type(3).getShape() != ArrayRef<int64_t>{count, 2 * rows})
      return n.error() << "B must be [" << count << ", " << 2 * rows << "]";
    FailureOr<Value> x = n.floatValue(0), w = n.floatValue(1),
                     r = n.floatValue(2);
    if (failed(x) || failed(w) || failed(r))
      return failure();
    element = n.type(0).getElementType();
    Value bias;
    if (n.hasInput(3)) {
      FailureOr<Value> b = n.floatValue(3);
      if (failed(b))
        return failure();
      bias = *b;
    }
    Value flatX = n.reshape(*x, {steps * batch, xs[2]});
    for (int64_t d = 0; d < count; ++d) {
      Direction dir;
      dir.reverse = direction == "reverse" || d == 1;
      dir.xw = matmul(flatX, transposed(*w, d));
      dir.rt = transposed(*r, d);
      if (bias) {
        Value flat =
            n.reshape(slice(bias, {d, 0}, {d + 1, 2 * rows}), {2 * rows});
        dir.xw = add(dir.xw, slice(flat, {0}, {rows}));
        dir.rb = slice(flat, {rows}, {2 * rows});
      }
      directions.push_back(dir);
    }
    return success();
  }

  /// The activation functions of direction `d`.
  ArrayRef<std::string> activationsOf(int64_t d) const {
    int64_t each = activations.size() / directions.size();
    return ArrayRef(activations).slice(d * each, each);
  }

  /// The initial state of direction `d` in input `i` ([D, B, H]) as [B, H],
  /// zeros if absent.
  FailureOr<Value> initialState(unsigned i, int64_t d) {
    auto type = RankedTensorType::get({batch, hidden}, element);
    if (!n.hasInput(i))
      return n.splat(type, 0.0);
    int64_t count = directions.size();
    if (n.type(i).getShape() != ArrayRef<int64_t>{count, batch, hidden})
      return n.error() << "input " << i << " must be [" << count << ", "
                       << batch << ", " << hidden << "]";
    FailureOr<Value> v = n.floatValue(i);
    if (failed(v))
      return failure();
    return n.reshape(slice(*v, {d, 0, 0}, {d + 1, batch, hidden}),
                     {batch, hidden});
  }

  /// The steps of a direction in the order it reads them.
  SmallVector<int64_t> order(const Direction &d) const {
    SmallVector<int64_t> ts = llvm::to_vector(llvm::seq<int64_t>(0, steps));
    if (d.reverse)
      std::reverse(ts.begin(), ts.end());
    return ts;
  }

  /// Step t's input products and Wb, [B, G*H].
  Value input(const Direction &d, int64_t t) {
    return slice(d.xw, {t * batch, 0}, {(t + 1) * batch, gates * hidden});
  }
  /// `h` ([B, H]) times the transposed gates [from, to) of R, plus theirs
  /// of Rb.
  Value recurrent(const Direction &d, Value h, int64_t from, int64_t to) {
    Value rows = slice(d.rt, {0, from * hidden}, {hidden, to * hidden});
    Value y = matmul(h, rows);
    return d.rb ? add(y, slice(d.rb, {from * hidden}, {to * hidden})) : y;
  }
  /// Gate `g` of a [B, k*H] value.
  Value gate(Value v, int64_t g) {
    return slice(v, {0, g * hidden}, {batch, (g + 1) * hidden});
  }

  /// Y ([T, D, B, H]) and Y_h ([D, B, H]) from each direction's state of
  /// each step (in step order), then `last` (LSTM's Y_c, per direction).
  void finish(ArrayRef<SmallVector<Value>> states,
              ArrayRef<SmallVector<Value>> last, Results &results) {
    int64_t count = directions.size();
    SmallVector<Value> parts, finals;
    for (int64_t t = 0; t < steps; ++t)
      for (int64_t d = 0; d < count; ++d)
        parts.push_back(n.reshape(states[d][t], {1, batch, hidden}));
    auto type = RankedTensorType::get({steps * count, batch, hidden}, element);
    results.push_back(runtime(n.reshape(
        n.b.create<adj::ConcatOp>(n.loc, type, parts, n.b.getI64IntegerAttr(0)),
        {steps, count, batch, hidden})));
    auto stack = [&](function_ref<Value(int64_t)> of) {
      SmallVector<Value> v;
      for (int64_t d = 0; d < count; ++d)
        v.push_back(n.reshape(of(d), {1, batch, hidden}));
      auto stacked = RankedTensorType::get({count, batch, hidden}, element);
      return runtime(n.b.create<adj::ConcatOp>(n.loc, stacked, v,
                                               n.b.getI64IntegerAttr(0)));
    };
    results.push_back(stack([&](int64_t d) {
      return directions[d].reverse ? states[d].front() : states[d].back();
    }));
    if (!last.empty())
      results.push_back(stack([&](int64_t d) { return last[d].back(); }));
  }

  Value add(Value a, Value b) { return *n.create<adj::AddOp>({a, b}); }
  Value mul(Value a, Value b) { return *n.create<adj::MulOp>({a, b}); }
  Value sub(Value a, Value b) { return *n.create<adj::SubOp>({a, b}); }
  Value sigmoid(Value v) {
    return n.b.create<adj::SigmoidOp>(n.loc, v.getType(), v);
  }
  Value tanh(Value v) { return n.b.create<adj::TanhOp>(n.loc, v.getType(), v); }
  Value relu(Value v) { return n.b.create<adj::ReluOp>(n.loc, v.getType(), v); }

  int64_t steps = 0, batch = 0, hidden = 0;
  SmallVector<Direction, 2> directions;

private:
  /// The activations attribute, if given.
  std::optional<SmallVector<std::string>> readActivations() {
    const onnx::AttributeProto *a = n.attr("activations");
    if (!a)
      return std::nullopt;
    SmallVector<std::string> names(a->strings().begin(), a->strings().end());
    return names;
  }
  Value slice(Value v, ArrayRef<int64_t> start, ArrayRef<int64_t> limit) {
    return *sliceBox(n, v, start, limit);
  }
  Value matmul(Value a, Value b) { return *n.create<adj::MatmulOp>({a, b}); }
  /// Direction `d` of W or R ([D, G*H, K]) as [K, G*H].
  Value transposed(Value w, int64_t d) {
    ArrayRef<int64_t> s = cast<RankedTensorType>(w.getType()).getShape();
    Value one = slice(w, {d, 0, 0}, {d + 1, s[1], s[2]});
    return *n.create<adj::TransposeOp>(
        n.reshape(one, {s[1], s[2]}),
        {n.named("permutation", n.b.getDenseI64ArrayAttr({1, 0}))});
  }

  NodeContext &n;
  int64_t gates;
  SmallVector<std::string> activations;
  Type element;
};

/// An error unless every direction of `u` uses the default activations
/// `defaults`.
LogicalResult requireDefaultActivations(NodeContext &n, const Unrolled &u,
                                        ArrayRef<StringRef> defaults) {
  for (size_t d = 0; d < u.directions.size(); ++d)
    for (auto [given, wanted] : llvm::zip(u.activationsOf(d), defaults))
      if (given != wanted)
        return n.error() << "activation " << given
                         << " is not supported: only the default ones, "
                         << llvm::join(defaults, ", ");
  return success();
}

/// ONNX's GRU, gates z, r, h:
///   z = σ(x Wzᵀ + h Rzᵀ + b), r = σ(x Wrᵀ + h Rrᵀ + b),
///   c = tanh(x Whᵀ + r ⊙ (h Rhᵀ + Rbh) + Wbh)   (linear_before_reset 1,
///       PyTorch's), or tanh(x Whᵀ + (r ⊙ h) Rhᵀ + Rbh + Wbh) (0),
///   h' = (1 - z) ⊙ c + z ⊙ h = c + z ⊙ (h - c).
LogicalResult gru(NodeContext &n, Results &results) {
  StringRef defaults[] = {"Sigmoid", "Tanh"};
  Unrolled u(n, 3, defaults);
  if (failed(u.init()) || failed(requireDefaultActivations(n, u, defaults)))
    return failure();
  bool linearBeforeReset = n.getInt("linear_before_reset", 0);
  SmallVector<SmallVector<Value>> states;
  for (auto [d, dir] : llvm::enumerate(u.directions)) {
    FailureOr<Value> h = u.initialState(5, d);
    if (failed(h))
      return failure();
    SmallVector<Value> &hs = states.emplace_back(u.steps);
    for (int64_t t : u.order(dir)) {
      Value x = u.input(dir, t);
      Value hr = u.recurrent(dir, *h, 0, linearBeforeReset ? 3 : 2);
      Value z = u.sigmoid(u.add(u.gate(x, 0), u.gate(hr, 0)));
      Value r = u.sigmoid(u.add(u.gate(x, 1), u.gate(hr, 1)));
      Value reset = linearBeforeReset ? u.mul(r, u.gate(hr, 2))
                                      : u.recurrent(dir, u.mul(r, *h), 2, 3);
      Value c = u.tanh(u.add(u.gate(x, 2), reset));
      h = u.add(c, u.mul(z, u.sub(*h, c)));
      hs[t] = *h;
    }
  }
  u.finish(states, {}, results);
  return success();
}

/// ONNX's LSTM, gates i, o, f, c (no peepholes):
///   i, o, f = σ(x Wᵀ + h Rᵀ + b), g = tanh(...),
///   c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').
LogicalResult lstm(NodeContext &n, Results &results) {
  if (n.hasInput(7))
    return n.error() << "peepholes (input P) are not supported";
  if (n.getInt("input_forget", 0))
    return n.error() << "input_forget 1 is not supported";
  StringRef defaults[] = {"Sigmoid", "Tanh", "Tanh"};
  Unrolled u(n, 4, defaults);
  if (failed(u.init()) || failed(requireDefaultActivations(n, u, defaults)))
    return failure();
  SmallVector<SmallVector<Value>> states, cells;
  for (auto [d, dir] : llvm::enumerate(u.directions)) {
    FailureOr<Value> h = u.initialState(5, d), c = u.initialState(6, d);
    if (failed(h) || failed(c))
      return failure();
    SmallVector<Value> &hs = states.emplace_back(u.steps);
    SmallVector<Value> &cs = cells.emplace_back();
    for (int64_t t : u.order(dir)) {
      Value g = u.add(u.input(dir, t), u.recurrent(dir, *h, 0, 4));
      Value i = u.sigmoid(u.gate(g, 0)), o = u.sigmoid(u.gate(g, 1));
      Value f = u.sigmoid(u.gate(g, 2)), cand = u.tanh(u.gate(g, 3));
      c = u.add(u.mul(f, *c), u.mul(i, cand));
      h = u.mul(o, u.tanh(*c));
      hs[t] = *h;
      cs.push_back(*c);
    }
  }
  u.finish(states, cells, results);
  return success();
}

/// ONNX's RNN (PyTorch's nn.RNN): h' = f(x Wᵀ + h Rᵀ + Wb + Rb), f Tanh
/// (the default) or Relu per direction.
LogicalResult rnn(NodeContext &n, Results &results) {
  StringRef defaults[] = {"Tanh"};
  Unrolled u(n, 1, defaults);
  if (failed(u.init()))
    return failure();
  SmallVector<SmallVector<Value>> states;
  for (auto [d, dir] : llvm::enumerate(u.directions)) {
    StringRef activation = u.activationsOf(d)[0];
    if (activation != "Tanh" && activation != "Relu")
      return n.error() << "activation " << activation
                       << " is not supported: Tanh or Relu";
    FailureOr<Value> h = u.initialState(5, d);
    if (failed(h))
      return failure();
    SmallVector<Value> &hs = states.emplace_back(u.steps);
    for (int64_t t : u.order(dir)) {
      Value pre = u.add(u.input(dir, t), u.recurrent(dir, *h, 0, 1));
      h = activation == "Tanh" ? u.tanh(pre) : u.relu(pre);
      hs[t] = *h;
    }
  }
  u.finish(states, {}, results);
  return success();
}

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

/// Whether the node is 1-D (NCL input): adj has only 2-D windows, so a 1-D
/// node is converted as a 2-D one over [N, C, 1, L].
bool isOneD(NodeContext &n) { return n.type(0).getRank() == 3; }

/// A 1-D window attribute as adj's 2-D one: `height` for the added axis
/// in front of each entry of `v` (1-D pads are [begin, end]; adj's are
/// [top, left, bottom, right]).
SmallVector<int64_t> asTwoD(ArrayRef<int64_t> v, int64_t height) {
  SmallVector<int64_t> out;
  for (int64_t x : v)
    out.append({height, x});
  return out;
}

/// Reads the 1-D or 2-D window attributes shared by Conv and the pools into
/// adj's 2-D attributes; rejects what adj does not have.
FailureOr<SmallVector<NamedAttribute>> window(NodeContext &n, bool hasDilation,
                                              bool threeD = false) {
  int64_t rank = n.type(0).getRank();
  if (rank != 3 && rank != 4 && !(threeD && rank == 5))
    return n.error() << (threeD ? "only 1-D, 2-D and 3-D (NCL, NCHW and "
                                  "NCDHW, rank 3 to 5)"
                                : "only 1-D and 2-D (NCL and NCHW, rank 3 "
                                  "and 4)")
                     << " inputs are supported; the input is " << n.type(0);
  size_t spatial = rank - 2;
  std::string autoPad = n.getString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID")
    return n.error() << "auto_pad " << autoPad
                     << " is not supported: export with explicit pads";
  SmallVector<NamedAttribute> attrs;
  auto pair = [&](StringRef name, StringRef adjName) -> LogicalResult {
    std::optional<SmallVector<int64_t>> v = n.getInts(name);
    if (!v)
      return success();
    if (v->size() != spatial)
      return n.error() << name << " must have " << spatial << " entries";
    if (llvm::any_of(*v, [](int64_t x) { return x < 1; }))
      return n.error() << name << " must be at least 1";
    attrs.push_back(n.named(
        adjName, n.b.getDenseI64ArrayAttr(isOneD(n) ? asTwoD(*v, 1) : *v)));
    return success();
  };
  if (failed(pair("strides", "stride")))
    return failure();
  if (std::optional<SmallVector<int64_t>> pads = n.getInts("pads")) {
    if (pads->size() != 2 * spatial)
      return n.error() << "pads must have " << 2 * spatial << " entries";
    if (llvm::any_of(*pads, [](int64_t p) { return p < 0; }))
      return n.error() << "pads must not be negative";
    if (autoPad == "NOTSET" &&
        llvm::any_of(*pads, [](int64_t p) { return p != 0; }))
      attrs.push_back(n.named(
          "padding",
          n.b.getDenseI64ArrayAttr(isOneD(n) ? asTwoD(*pads, 0) : *pads)));
  }
  if (std::optional<SmallVector<int64_t>> d = n.getInts("dilations")) {
    if (!hasDilation && llvm::any_of(*d, [](int64_t v) { return v != 1; }))
      return n.error() << "dilations other than 1 are not supported for "
                          "pooling";
    if (hasDilation && failed(pair("dilations", "dilation")))
      return failure();
  }
  return attrs;
}

/// `x` ([N, C, L]) as [N, C, 1, L], for a 1-D node.
Value asImage(NodeContext &n, Value x) {
  ArrayRef<int64_t> s = cast<RankedTensorType>(x.getType()).getShape();
  return n.reshape(x, {s[0], s[1], 1, s[2]});
}

/// A 2-D window op's result ([N, C, 1, L]) back as [N, C, L] for a 1-D
/// node.
LogicalResult windowResult(NodeContext &n, Results &results,
                           FailureOr<Value> y) {
  if (failed(y) || !isOneD(n))
    return result(results, y);
  ArrayRef<int64_t> s = cast<RankedTensorType>(y->getType()).getShape();
  return result(results, n.reshape(*y, {s[0], s[1], s[3]}));
}

/// The values of the adj window attribute `name` in `attrs` (as window()
/// makes them), or `size` times `otherwise` if absent.
SmallVector<int64_t> windowValues(ArrayRef<NamedAttribute> attrs,
                                  StringRef name, int64_t size,
                                  int64_t otherwise) {
  for (NamedAttribute a : attrs)
    if (a.getName() == name)
      return llvm::to_vector(
          cast<DenseI64ArrayAttr>(a.getValue()).asArrayRef());
  return SmallVector<int64_t>(size, otherwise);
}

/// `y` ([N, out, H, W]) plus the bias, input 2 ([out]), per channel.
FailureOr<Value> addBias(NodeContext &n, Value y, int64_t out) {
  FailureOr<Value> bias = n.floatValue(2);
  if (failed(bias))
    return failure();
  if (n.type(2).getShape() != ArrayRef<int64_t>{out})
    return n.error() << "the bias must be [" << out << "]";
  return n.create<adj::AddOp>({y, n.reshape(*bias, {out, 1, 1})});
}

/// The depth part of a 3-D window.
struct DepthWindow {
  int64_t stride = 1, low = 0, high = 0, dilation = 1;
};

/// Takes the depth part out of `attrs`, the window of an NCDHW input as
/// window() makes it (three strides and dilations, six pads; `groups`
/// stays), leaving the window of the height and width.
DepthWindow takeDepth(NodeContext &n, SmallVectorImpl<NamedAttribute> &attrs) {
  DepthWindow depth;
  for (NamedAttribute &a : attrs) {
    auto values = dyn_cast<DenseI64ArrayAttr>(a.getValue());
    if (!values)
      continue;
    ArrayRef<int64_t> v = values.asArrayRef();
    SmallVector<int64_t> rest(v.drop_front());
    if (a.getName() == "padding") {
      depth.low = v[0];
      depth.high = v[3];
      rest = {v[1], v[2], v[4], v[5]};
    } else {
      (a.getName() == "stride" ? depth.stride : depth.dilation) = v[0];
    }
    a.setValue(n.b.getDenseI64ArrayAttr(rest));
  }
  return depth;
}

/// A 3-D window op (Conv, MaxPool, AveragePool of an NCDHW input) by 2-D
/// ones: the input, padded along the depth with `padding` and its depth
/// moved next to the batch, is sliced once per kernel depth k (the depths
/// o stride + k dilation, one per output depth o) into N * OD images of
/// height and width; `slice2d(k, images)` applies the 2-D op to them and
/// `combine` folds its results over k. The result is [N, C', OD, OH, OW].
/// Each input entry is read once per kernel depth, as by a direct 3-D
/// window.
FailureOr<Value>
overDepth(NodeContext &n, Value x, const DepthWindow &depth,
          int64_t kernelDepth, double padding,
          function_ref<FailureOr<Value>(int64_t, Value)> slice2d,
          function_ref<FailureOr<Value>(Value, Value)> combine) {
  if (kernelDepth < 1)
    return n.error() << "the kernel's depth " << kernelDepth
                     << " must be at least 1";
  ArrayRef<int64_t> s = cast<RankedTensorType>(x.getType()).getShape();
  int64_t batch = s[0], channels = s[1], height = s[3], width = s[4];
  int64_t extent = s[2] + depth.low + depth.high;
  int64_t span = depth.dilation * (kernelDepth - 1) + 1;
  if (extent < span)
    return n.error() << "the kernel (depth " << kernelDepth
                     << ", dilated) is deeper than the padded input (" << extent
                     << ")";
  int64_t outDepth = (extent - span) / depth.stride + 1;
  FailureOr<Value> moved = n.create<adj::TransposeOp>(
      x, {n.named("permutation", n.b.getDenseI64ArrayAttr({0, 2, 1, 3, 4}))});
  if (succeeded(moved) && (depth.low || depth.high))
    moved = n.create<adj::PadOp>(
        *moved,
        {n.named("low", n.b.getDenseI64ArrayAttr({0, depth.low, 0, 0, 0})),
         n.named("high", n.b.getDenseI64ArrayAttr({0, depth.high, 0, 0, 0})),
         n.named("value", n.b.getF64FloatAttr(padding))});
  if (failed(moved))
    return failure();
  FailureOr<Value> y = failure();
  for (int64_t k = 0; k < kernelDepth; ++k) {
    int64_t start = k * depth.dilation;
    SmallVector<NamedAttribute> box = {
        n.named("start", n.b.getDenseI64ArrayAttr({0, start, 0, 0, 0})),
        n.named("limit", n.b.getDenseI64ArrayAttr(
                             {batch, start + (outDepth - 1) * depth.stride + 1,
                              channels, height, width}))};
    if (depth.stride != 1)
      box.push_back(n.named(
          "stride", n.b.getDenseI64ArrayAttr({1, depth.stride, 1, 1, 1})));
    FailureOr<Value> slices = n.create<adj::SliceOp>(*moved, box);
    if (failed(slices))
      return failure();
    FailureOr<Value> part = slice2d(
        k, n.reshape(*slices, {batch * outDepth, channels, height, width}));
    if (failed(part))
      return failure();
    y = k == 0 ? part : combine(*y, *part);
    if (failed(y))
      return failure();
  }
  ArrayRef<int64_t> r = cast<RankedTensorType>(y->getType()).getShape();
  return n.create<adj::TransposeOp>(
      n.reshape(*y, {batch, outDepth, r[1], r[2], r[3]}),
      {n.named("permutation", n.b.getDenseI64ArrayAttr({0, 2, 1, 3, 4}))});
}

/// Conv of an NCDHW input: one adj.conv2d per kernel depth (the kernel's
/// slice at that depth), summed (overDepth).
LogicalResult conv3d(NodeContext &n, SmallVector<NamedAttribute> attrs, Value x,
                     Value w, Results &results) {
  DepthWindow depth = takeDepth(n, attrs);
  ArrayRef<int64_t> k = n.type(1).getShape();
  FailureOr<Value> y = overDepth(
      n, x, depth, k[2], 0.0,
      [&](int64_t d, Value images) -> FailureOr<Value> {
        FailureOr<Value> slice = sliceAlong(n, w, 2, d, d + 1);
        if (failed(slice))
          return failure();
        return n.create<adj::Conv2DOp>(
            {images, n.reshape(*slice, {k[0], k[1], k[3], k[4]})}, attrs);
      },
      [&](Value sum, Value next) {
        return n.create<adj::AddOp>({sum, next});
      });
  if (succeeded(y) && n.hasInput(2)) {
    FailureOr<Value> bias = n.floatValue(2);
    if (failed(bias))
      return failure();
    if (n.type(2).getShape() != ArrayRef<int64_t>{k[0]})
      return n.error() << "the bias must be [" << k[0] << "]";
    y = n.create<adj::AddOp>({*y, n.reshape(*bias, {k[0], 1, 1, 1})});
  }
  return result(results, y);
}

LogicalResult conv(NodeContext &n, Results &results) {
  FailureOr<SmallVector<NamedAttribute>> attrs = window(n, true, true);
  FailureOr<Value> x = n.floatValue(0), w = n.floatValue(1);
  if (failed(attrs) || failed(x) || failed(w))
    return failure();
  if (n.type(1).getRank() != n.type(0).getRank())
    return n.error() << "the weight must be [O, C/groups, KH, KW], or "
                        "[O, C/groups, K] for a 1-D input, [O, C/groups, KD, "
                        "KH, KW] for a 3-D one";
  if (std::optional<SmallVector<int64_t>> k = n.getInts("kernel_shape"))
    if (ArrayRef<int64_t>(*k) != n.type(1).getShape().drop_front(2))
      return n.error() << "kernel_shape does not match the weight's shape";
  if (int64_t groups = n.getInt("group", 1); groups != 1)
    attrs->push_back(n.named("groups", n.b.getI64IntegerAttr(groups)));
  if (n.type(0).getRank() == 5)
    return conv3d(n, *attrs, *x, *w, results);
  if (isOneD(n)) {
    x = asImage(n, *x);
    w = asImage(n, *w);
  }
  FailureOr<Value> y = n.create<adj::Conv2DOp>({*x, *w}, *attrs);
  if (succeeded(y) && n.hasInput(2))
    y = addBias(n, *y, n.type(1).getDimSize(0));
  return windowResult(n, results, y);
}

/// A private function that convolves its first argument by its second
/// with `window`: `(input, weight) -> result`, shared by the nodes that
/// need the same one.
func::FuncOp convolutionFunction(NodeContext &n, RankedTensorType input,
                                 RankedTensorType weight,
                                 RankedTensorType result,
                                 ArrayRef<NamedAttribute> window) {
  auto module = n.b.getBlock()->getParentOp()->getParentOfType<ModuleOp>();
  auto type = FunctionType::get(n.b.getContext(), {input, weight}, {result});
  DictionaryAttr attrs = DictionaryAttr::get(n.b.getContext(), window);
  for (auto fn : module.getOps<func::FuncOp>())
    if (fn.getName().starts_with("conv_transpose") &&
        fn.getFunctionType() == type &&
        fn.front().front().getAttrDictionary() == attrs)
      return fn;
  std::string name = "conv_transpose";
  for (int i = 1; module.lookupSymbol(name); ++i)
    name = "conv_transpose" + std::to_string(i);
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto fn = b.create<func::FuncOp>(n.loc, name, type);
  fn.setPrivate();
  b.setInsertionPointToEnd(fn.addEntryBlock());
  Value y = b.create<adj::Conv2DOp>(n.loc, result, fn.getArgument(0),
                                    fn.getArgument(1), nullptr, nullptr,
                                    nullptr, nullptr);
  y.getDefiningOp()->setAttrs(attrs);
  b.create<func::ReturnOp>(n.loc, y);
  return fn;
}

/// ConvTranspose: the transposed convolution is the derivative of a
/// convolution w.r.t. its input, so it is asked for as one, an adj.vjp of
/// a convolution of the output's shape with X as the cotangent.
/// Differentiation then builds it as adj.conv2d's rule does (without the
/// zeros a stride would spread into X), and differentiates it again for
/// the model's gradient.
LogicalResult convTranspose(NodeContext &n, Results &results) {
  FailureOr<SmallVector<NamedAttribute>> attrs = window(n, true);
  FailureOr<Value> x = n.floatValue(0), w = n.floatValue(1);
  if (failed(attrs) || failed(x) || failed(w))
    return failure();
  if (n.type(1).getRank() != n.type(0).getRank())
    return n.error() << "the weight must be [C, O/groups, KH, KW], or "
                        "[C, O/groups, K] for a 1-D input";
  if (n.attr("output_shape"))
    return n.error() << "output_shape is not supported: export with "
                        "output_padding";
  int64_t groups = n.getInt("group", 1);
  if (groups < 1)
    return n.error() << "group must be at least 1";
  if (groups != 1)
    attrs->push_back(n.named("groups", n.b.getI64IntegerAttr(groups)));
  if (isOneD(n)) {
    x = asImage(n, *x);
    w = asImage(n, *w);
  }
  SmallVector<int64_t> stride = windowValues(*attrs, "stride", 2, 1),
                       pad = windowValues(*attrs, "padding", 4, 0),
                       dilation = windowValues(*attrs, "dilation", 2, 1);
  SmallVector<int64_t> extra(2, 0);
  if (std::optional<SmallVector<int64_t>> e = n.getInts("output_padding")) {
    if (e->size() != size_t(n.type(0).getRank() - 2))
      return n.error() << "output_padding must have " << n.type(0).getRank() - 2
                       << " entries";
    extra = isOneD(n) ? SmallVector<int64_t>{0, (*e)[0]} : *e;
  }
  auto xt = cast<RankedTensorType>(x->getType());
  auto wt = cast<RankedTensorType>(w->getType());
  ArrayRef<int64_t> xs = xt.getShape(), ws = wt.getShape();
  if (xs[1] != ws[0] || ws[0] % groups)
    return n.error() << "the weight " << n.type(1) << " does not fit the input "
                     << n.type(0) << " in " << groups << " groups";
  SmallVector<int64_t> out = {xs[0], ws[1] * groups, 0, 0};
  // The vjp's result has the size of the convolution's input, and a
  // convolution with that stride reads at most stride - 1 unused entries:
  // output_padding not below the stride (PyTorch allows it below the
  // dilation) is taken off the end padding (the cropping of the full
  // transposed convolution) instead, and what exceeds that padding is
  // zeros after the last entry the full one has.
  SmallVector<int64_t> zeros(4, 0);
  bool folded = false;
  for (int d = 0; d < 2; ++d) {
    if (extra[d] < 0 || extra[d] >= std::max(stride[d], dilation[d]))
      return n.error() << "output_padding must be below the stride or the "
                          "dilation";
    out[2 + d] = (xs[2 + d] - 1) * stride[d] - pad[d] - pad[2 + d] +
                 dilation[d] * (ws[2 + d] - 1) + extra[d] + 1;
    if (out[2 + d] <= 0)
      return n.error() << "the output would be empty";
    if (extra[d] >= stride[d]) {
      int64_t cropped = std::min(extra[d], pad[2 + d]);
      pad[2 + d] -= cropped;
      zeros[2 + d] = extra[d] - cropped;
      folded = true;
    }
  }
  if (folded) {
    llvm::erase_if(*attrs,
                   [](NamedAttribute a) { return a.getName() == "padding"; });
    attrs->push_back(n.named("padding", n.b.getDenseI64ArrayAttr(pad)));
  }
  SmallVector<int64_t> inner = out;
  for (int d = 0; d < 2; ++d)
    inner[2 + d] -= zeros[2 + d];
  auto outType = xt.clone(inner);
  func::FuncOp fn = convolutionFunction(n, outType, wt, xt, *attrs);
  auto vjp =
      n.b.create<adj::VjpOp>(n.loc, TypeRange{xt, outType}, fn.getName(),
                             ValueRange{n.splat(outType, 0.0), *w},
                             ValueRange{*x}, n.b.getDenseI64ArrayAttr({0}));
  FailureOr<Value> y = vjp.getResult(1);
  if (inner != out)
    y = n.create<adj::PadOp>(
        *y, {n.named("low", n.b.getDenseI64ArrayAttr({0, 0, 0, 0})),
             n.named("high", n.b.getDenseI64ArrayAttr(zeros)),
             n.named("value", n.b.getF64FloatAttr(0.0))});
  if (n.hasInput(2))
    y = addBias(n, *y, out[1]);
  return windowResult(n, results, y);
}

/// Pooling in ceil mode as floor mode with more padding at the bottom and
/// right (padded positions never win the maximum and are left out of an
/// average that excludes padding): the windows that rounding up adds,
/// except one that would start in that padding (as PyTorch). Returns
/// whether it dropped such a window.
bool ceilMode(NodeContext &n, SmallVector<NamedAttribute> &attrs,
              ArrayRef<int64_t> kernel) {
  SmallVector<int64_t> stride = windowValues(attrs, "stride", 2, 1),
                       padding = windowValues(attrs, "padding", 4, 0);
  ArrayRef<int64_t> shape = n.type(0).getShape();
  SmallVector<int64_t> in = isOneD(n)
                                ? SmallVector<int64_t>{1, shape[2]}
                                : SmallVector<int64_t>{shape[2], shape[3]};
  bool dropped = false;
  for (int d = 0; d < 2; ++d) {
    int64_t size = in[d];
    int64_t span = size + padding[d] + padding[2 + d] - kernel[d];
    if (span < 0)
      continue;
    int64_t out = (span + stride[d] - 1) / stride[d] + 1;
    bool drop = (out - 1) * stride[d] >= size + padding[d];
    dropped |= drop;
    out -= drop;
    padding[2 + d] +=
        std::max<int64_t>(0, (out - 1) * stride[d] + kernel[d] -
                                 (size + padding[d] + padding[2 + d]));
  }
  llvm::erase_if(attrs,
                 [](NamedAttribute a) { return a.getName() == "padding"; });
  attrs.push_back(n.named("padding", n.b.getDenseI64ArrayAttr(padding)));
  return dropped;
}

/// An average pool in ceil mode that counts the padding, `y`, from one
/// with the padding ceilMode() added: PyTorch (and so ONNX's export) counts
/// the given padding but not what rounding up adds, so a window that hangs
/// over the padded input, [start, start + k) past its extent, is scaled by
/// k over its part inside. One constant [OH, OW] factor.
FailureOr<Value> rescaleCeilWindows(NodeContext &n, Value y,
                                    ArrayRef<int64_t> kernel,
                                    ArrayRef<int64_t> stride,
                                    ArrayRef<int64_t> padding) {
  auto type = cast<RankedTensorType>(y.getType());
  ArrayRef<int64_t> shape = n.type(0).getShape();
  SmallVector<int64_t> in = isOneD(n)
                                ? SmallVector<int64_t>{1, shape[2]}
                                : SmallVector<int64_t>{shape[2], shape[3]};
  int64_t rows = type.getDimSize(2), cols = type.getDimSize(3);
  SmallVector<SmallVector<double>> factors(2);
  for (int d = 0; d < 2; ++d) {
    int64_t extent = in[d] + padding[d] + padding[2 + d];
    for (int64_t o = 0, e = d ? cols : rows; o < e; ++o) {
      int64_t start = o * stride[d];
      factors[d].push_back(double(kernel[d]) /
                           double(std::min(start + kernel[d], extent) - start));
    }
  }
  if (llvm::all_of(factors[0], [](double f) { return f == 1; }) &&
      llvm::all_of(factors[1], [](double f) { return f == 1; }))
    return y;
  SmallVector<Attribute> values;
  for (double fr : factors[0])
    for (double fc : factors[1])
      values.push_back(FloatAttr::get(type.getElementType(), fr * fc));
  auto scaleType = RankedTensorType::get({rows, cols}, type.getElementType());
  Value scale = n.b.create<adj::ConstantOp>(
      n.loc, scaleType, DenseElementsAttr::get(scaleType, values));
  return n.create<adj::MulOp>({y, scale});
}

/// MaxPool and AveragePool of an NCDHW input (floor mode): the 2-D pool
/// of each kernel depth's slices (overDepth). Max pooling keeps the first
/// maximum along the depth (a select of a strictly greater or NaN one), so
/// the derivative reaches the first maximum in (depth, height, width)
/// order, as PyTorch's. Average pooling sums and divides by the depths
/// counted: the kernel's, or without count_include_pad those inside the
/// input.
template <typename OpTy>
LogicalResult pool3d(NodeContext &n, SmallVector<NamedAttribute> attrs, Value x,
                     ArrayRef<int64_t> kernel, Results &results) {
  if (n.getInt("ceil_mode", 0))
    return n.error() << "ceil_mode is not supported for 3-D pooling";
  bool average = n.node.op_type() == "AveragePool";
  if (!average && ((n.node.output_size() > 1 && !n.node.output(1).empty()) ||
                   n.getInt("storage_order", 0)))
    return n.error() << "the Indices output and storage_order are not "
                        "supported";
  if (llvm::any_of(kernel, [](int64_t k) { return k < 1; }))
    return n.error() << "kernel_shape ["
                     << llvm::make_range(kernel.begin(), kernel.end())
                     << "] must be at least 1 in each dimension";
  bool hasStride = llvm::any_of(
      attrs, [](NamedAttribute a) { return a.getName() == "stride"; });
  DepthWindow depth = takeDepth(n, attrs);
  // As the 2-D pools: a window of padding only has no maximum or average.
  if (depth.low >= kernel[0] || depth.high >= kernel[0])
    return n.error() << "the depth padding (" << depth.low << ", " << depth.high
                     << ") must be smaller than the kernel's "
                     << "depth " << kernel[0];
  // ONNX's stride defaults to 1, adj's to the kernel.
  if (!hasStride)
    attrs.push_back(n.named("stride", n.b.getDenseI64ArrayAttr({1, 1})));
  attrs.push_back(
      n.named("kernel", n.b.getDenseI64ArrayAttr(kernel.drop_front())));
  bool counted = n.getInt("count_include_pad", 0);
  if (average && !counted)
    attrs.push_back(n.named("exclude_padding", n.b.getUnitAttr()));
  auto firstMax = [&](Value max, Value next) -> FailureOr<Value> {
    FailureOr<Value> greater =
        compare(n, adj::ComparisonDirection::gt, next, max);
    FailureOr<Value> nan = compare(n, adj::ComparisonDirection::ne, next, next);
    if (failed(greater) || failed(nan))
      return failure();
    FailureOr<Value> kept = n.create<adj::SelectOp>({*greater, next, max});
    if (failed(kept))
      return failure();
    return n.create<adj::SelectOp>({*nan, next, *kept});
  };
  FailureOr<Value> y = overDepth(
      n, x, depth, kernel[0], average ? 0.0 : -INFINITY,
      [&](int64_t, Value images) { return n.create<OpTy>(images, attrs); },
      [&](Value acc, Value next) {
        return average ? n.create<adj::AddOp>({acc, next})
                       : firstMax(acc, next);
      });
  if (failed(y) || !average)
    return result(results, y);
  // The depths each output's window counts.
  auto type = cast<RankedTensorType>(y->getType());
  int64_t inDepth = n.type(0).getDimSize(2);
  SmallVector<Attribute> inverse;
  for (int64_t o = 0, e = type.getDimSize(2); o < e; ++o) {
    int64_t count = 0;
    for (int64_t k = 0; k < kernel[0]; ++k) {
      int64_t d = o * depth.stride + k - depth.low;
      count += counted || (d >= 0 && d < inDepth);
    }
    inverse.push_back(FloatAttr::get(type.getElementType(), 1.0 / count));
  }
  auto scaleType =
      RankedTensorType::get({type.getDimSize(2), 1, 1}, type.getElementType());
  Value scale = n.b.create<adj::ConstantOp>(
      n.loc, scaleType, DenseElementsAttr::get(scaleType, inverse));
  return result(results, n.create<adj::MulOp>({*y, scale}));
}

template <typename OpTy> LogicalResult pool(NodeContext &n, Results &results) {
  FailureOr<SmallVector<NamedAttribute>> attrs = window(n, false, true);
  FailureOr<Value> x = n.floatValue(0);
  if (failed(attrs) || failed(x))
    return failure();
  std::optional<SmallVector<int64_t>> kernel = n.getInts("kernel_shape");
  size_t spatial = n.type(0).getRank() - 2;
  if (!kernel || kernel->size() != spatial)
    return n.error() << "kernel_shape must have " << spatial << " entries";
  if (spatial == 3)
    return pool3d<OpTy>(n, *attrs, *x, *kernel, results);
  if (isOneD(n))
    kernel = asTwoD(*kernel, 1);
  bool dropped = false;
  bool hasStride = llvm::any_of(
      *attrs, [](NamedAttribute a) { return a.getName() == "stride"; });
  // ONNX's stride defaults to 1, adj's to the kernel.
  if (!hasStride)
    attrs->push_back(n.named("stride", n.b.getDenseI64ArrayAttr({1, 1})));
  attrs->push_back(n.named("kernel", n.b.getDenseI64ArrayAttr(*kernel)));
  bool average = n.node.op_type() == "AveragePool";
  if (!average) {
    if (n.node.output_size() > 1 && !n.node.output(1).empty())
      return n.error() << "the Indices output is not supported";
    if (n.getInt("storage_order", 0))
      return n.error() << "storage_order 1 is not supported";
  } else if (!n.getInt("count_include_pad", 0)) {
    attrs->push_back(n.named("exclude_padding", n.b.getUnitAttr()));
  }
  SmallVector<int64_t> padding = windowValues(*attrs, "padding", 4, 0);
  bool ceil = n.getInt("ceil_mode", 0);
  if (ceil)
    dropped = ceilMode(n, *attrs, *kernel);
  FailureOr<Value> y = n.create<OpTy>(isOneD(n) ? asImage(n, *x) : *x, *attrs);
  if (succeeded(y) && ceil && average && n.getInt("count_include_pad", 0))
    y = rescaleCeilWindows(n, *y, *kernel, windowValues(*attrs, "stride", 2, 1),
                           padding);
  if (failed(windowResult(n, results, y)))
    return failure();
  results.back().windowDropped = dropped;
  return success();
}

LogicalResult globalAveragePool(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  int64_t rank = n.type(0).getRank();
  if (rank < 3)
    return n.error() << "the input must be [N, C, ...]";
  return result(
      results,
      n.create<adj::MeanOp>(
          *x, {n.named("axes", n.b.getDenseI64ArrayAttr(llvm::to_vector(
                                   llvm::seq<int64_t>(2, rank)))),
               n.named("keepdims", n.b.getUnitAttr())}));
}

const OperatorInfo operators[] = {
    {"Abs", 6, 17, 1, unary<adj::AbsOp>, "`adj.abs`"},
    {"Add", 7, 17, 2, binary<adj::AddOp>,
     "`adj.add` (NumPy broadcasting); integer constants fold"},
    {"And", 7, 17, 2, logic,
     "bool masks (NumPy broadcasting): as 0/1 floats by `adj.select`, "
     "back by `adj.compare`"},
    {"ArgMax", 11, 17, 1, argExtreme<true>,
     "`adj.max`, then the first (or last) position equal to it, by an "
     "`adj.min` of positions: an i64 tensor at run time (an output, or "
     "Gather indices); a NaN counts as the maximum"},
    {"ArgMin", 11, 17, 1, argExtreme<false>, "as ArgMax, with `adj.min`"},
    {"AveragePool", 7, 17, 1, pool<adj::AvgPool2DOp>,
     "`adj.avg_pool2d`; 1-D (as 2-D of height 1) or 2-D, floor or ceil "
     "mode (as MaxPool), `auto_pad` NOTSET or VALID; 3-D in floor mode as "
     "MaxPool, summed and divided by the depths counted"},
    {"BatchNormalization", 9, 17, 5, batchNorm,
     "inference: elementwise with the running statistics; `training_mode` "
     "1: `adj.batch_norm` and the updated running statistics"},
    {"Cast", 6, 17, 1, castOp,
     "no-op casts vanish, constants convert; otherwise `adj.convert`"},
    {"Ceil", 6, 17, 1, unary<adj::CeilOp>, "`adj.ceil` (derivative 0)"},
    {"Celu", 12, 17, 1, celu,
     "as Elu, of x / alpha on the negative side, times alpha"},
    {"Clip", 6, 17, 1, clip,
     "`adj.compare` and `adj.select` per given bound; scalar bounds. A "
     "value equal to a bound keeps its derivative, as PyTorch's `clamp` "
     "(its `hardtanh` and `relu6`, also exported as Clip, give 0 there)"},
    {"Concat", 4, 17, 1, concat,
     "`adj.concat`; 1-D integer constants (shapes) fold"},
    {"Constant", 1, 17, 0, constant,
     "`value`, `value_float(s)`, `value_int(s)`; kept at import time, an "
     "`adj.constant` where used at run time"},
    {"ConstantOfShape", 9, 17, 1, constantOfShape,
     "folds to a constant (the shape known at import time)"},
    {"Conv", 1, 17, 2, conv,
     "`adj.conv2d` (+ bias); 1-D (as 2-D of height 1), 2-D or 3-D (one "
     "`adj.conv2d` per kernel depth of strided depth slices moved into the "
     "batch, summed), strides, pads, dilations, group; `auto_pad` NOTSET "
     "or VALID"},
    {"ConvTranspose", 1, 17, 2, convTranspose,
     "the derivative of `adj.conv2d` w.r.t. its input (an `adj.vjp` of a "
     "private convolution); 1-D or 2-D, strides, pads, dilations, group, "
     "output_padding; no output_shape"},
    {"Cos", 7, 17, 1, unary<adj::CosOp>, "`adj.cos`"},
    {"CumSum", 11, 17, 2, cumSum,
     "ceil(log2 n) shifted `adj.add`s (`adj.pad` of an `adj.slice`) along "
     "the axis (known at import time), exclusive and reverse: "
     "differentiable"},
    {"DepthToSpace", 11, 17, 1, depthToSpace,
     "`adj.transpose` between reshapes; DCR or CRD"},
    {"Div", 7, 17, 2, binary<adj::DivOp>,
     "`adj.div`; integer constants fold (truncating)"},
    {"Dropout", 1, 17, 1, dropout,
     "the identity (inference); an error in training mode with a non-zero "
     "ratio"},
    {"Einsum", 12, 17, 1, einsum,
     "any number of operands, contracted two at a time from the left: "
     "`adj.sum` of the indices only one has, then one batched `adj.matmul` "
     "between transposes and reshapes; a repeated index within an operand "
     "(diagonal, trace) by a constant mask; not within the output"},
    {"Elu", 6, 17, 1, elu,
     "`adj.select` of x and alpha (exp(min(x, 0)) - 1), finite for any x"},
    {"Equal", 11, 17, 2, comparison<adj::ComparisonDirection::eq>,
     "`adj.compare eq`; float operands (integer constants fold)"},
    {"Erf", 9, 17, 1, unary<adj::ErfOp>, "`adj.erf`"},
    {"Exp", 6, 17, 1, unary<adj::ExpOp>, "`adj.exp`"},
    {"Expand", 8, 17, 2, expand,
     "`adj.broadcast_to`; the shape known at import time"},
    {"Flatten", 1, 17, 1, flatten, "`adj.reshape`"},
    {"Floor", 6, 17, 1, unary<adj::FloorOp>, "`adj.floor` (derivative 0)"},
    {"Gather", 1, 17, 2, gather,
     "`adj.gather`; constant indices may be negative; on 1-D integer "
     "constants (shapes) it folds"},
    {"GatherElements", 11, 17, 2, gatherElements,
     "`adj.gather` of the flattened data at flat positions (computed at "
     "import time for constant indices, else in f64 and converted)"},
    {"Gemm", 7, 17, 2, gemm,
     "`adj.matmul` with `adj.transpose`, `alpha`, `beta`, broadcast C"},
    {"GlobalAveragePool", 1, 17, 1, globalAveragePool,
     "`adj.mean` over the spatial axes"},
    {"Greater", 7, 17, 2, comparison<adj::ComparisonDirection::gt>,
     "`adj.compare gt`; float operands (integer constants fold)"},
    {"GreaterOrEqual", 12, 17, 2, comparison<adj::ComparisonDirection::ge>,
     "`adj.compare ge`; float operands (integer constants fold)"},
    {"GRU", 7, 17, 3, gru,
     "unrolled into adj ops over the time steps; forward, reverse or "
     "bidirectional, default activations, no `sequence_lens`, `layout` 0"},
    {"HardSigmoid", 6, 17, 1, hardSigmoid,
     "clip(alpha x + beta, 0, 1) as for Clip"},
    {"HardSwish", 14, 17, 1, hardSwish,
     "x times HardSigmoid(x) with alpha 1/6, beta 0.5"},
    {"Identity", 1, 17, 1, identity, "its input"},
    {"InstanceNormalization", 6, 17, 3, instanceNorm,
     "`adj.layer_norm` over the spatial entries of each channel, then the "
     "per-channel scale and shift"},
    {"IsInf", 10, 17, 1, isInf,
     "`adj.compare` of x (or |x|) with an infinity: a bool mask"},
    {"IsNaN", 9, 17, 1, isNaN,
     "`adj.compare ne` of x with itself: a bool mask"},
    {"LayerNormalization", 17, 17, 2, layerNorm,
     "`adj.layer_norm`; the Mean and InvStdDev outputs are not supported "
     "(the decomposed form, ReduceMean/Sub/Pow/Sqrt/Div, imports as its "
     "ops)"},
    {"LeakyRelu", 6, 17, 1, leakyRelu, "`adj.select` of x and alpha x"},
    {"Less", 7, 17, 2, comparison<adj::ComparisonDirection::lt>,
     "`adj.compare lt`; float operands (integer constants fold)"},
    {"LessOrEqual", 12, 17, 2, comparison<adj::ComparisonDirection::le>,
     "`adj.compare le`; float operands (integer constants fold)"},
    {"Log", 6, 17, 1, unary<adj::LogOp>, "`adj.log`"},
    {"LogSoftmax", 1, 17, 1, softmax<adj::LogSoftmaxOp>,
     "`adj.log_softmax`; before opset 13 only along the last axis"},
    {"LSTM", 7, 17, 3, lstm,
     "unrolled into adj ops over the time steps; forward, reverse or "
     "bidirectional, default activations, no peepholes or `sequence_lens`, "
     "`layout` 0"},
    {"MatMul", 1, 17, 2, matmul,
     "`adj.matmul` (batched, broadcasting); 1-D operands as NumPy"},
    {"Max", 8, 17, 1, extreme<adj::MaximumOp>,
     "`adj.maximum` of the inputs in turn (ties halve the derivative)"},
    {"MaxPool", 8, 17, 1, pool<adj::MaxPool2DOp>,
     "`adj.max_pool2d`; 1-D (as 2-D of height 1) or 2-D, floor or ceil "
     "mode, no dilations, no Indices output; 3-D in floor mode: the 2-D "
     "pool of each kernel depth's slices (as Conv), the first maximum "
     "kept by `adj.select`s"},
    {"Min", 8, 17, 1, extreme<adj::MinimumOp>,
     "`adj.minimum` of the inputs in turn (ties halve the derivative)"},
    {"Mod", 10, 17, 2, mod,
     "floats: x - y q, q the quotient rounded by `adj.floor` (fmod 0) or "
     "toward zero (fmod 1, also `adj.ceil`); derivatives as PyTorch's"},
    {"Mul", 7, 17, 2, binary<adj::MulOp>, "`adj.mul`; integer constants fold"},
    {"Neg", 6, 17, 1, unary<adj::NegOp>, "`adj.neg`"},
    {"NegativeLogLikelihoodLoss", 12, 17, 2, classLoss<false>,
     "-w lp[label] by an `adj.select` of `adj.one_hot` of the labels "
     "(classes along axis 1, any extra dimensions), weights, ignore_index, "
     "reduction mean (weighted, as PyTorch), sum or none"},
    {"Not", 1, 17, 1, logic, "as And"},
    {"Or", 7, 17, 2, logic, "as And"},
    {"Pad", 11, 17, 2, pad,
     "`adj.pad` in constant mode; reflect and edge modes as slices "
     "(`adj.reverse`d, or broadcast) concatenated; non-negative pads known "
     "at import time"},
    {"Pow", 7, 17, 2, binary<adj::PowOp>,
     "`adj.pow`; an integer exponent is made a float constant"},
    {"PRelu", 9, 17, 2, prelu,
     "`adj.select` of x and slope x (the slope broadcast, as NumPy)"},
    {"Reciprocal", 6, 17, 1, reciprocal, "`adj.div` of 1 by x"},
    {"ReduceL1", 1, 17, 1, reduceNorm<adj::AbsOp, false>,
     "`adj.sum` of `adj.abs`"},
    {"ReduceL2", 1, 17, 1, reduceNorm<adj::SquareOp, true>,
     "`adj.sqrt` of the `adj.sum` of `adj.square`; 0 and derivative 0 for "
     "a zero slice, as PyTorch's norm"},
    {"ReduceLogSumExp", 1, 17, 1, reduce<adj::LogSumExpOp>, "`adj.logsumexp`"},
    {"ReduceMax", 1, 17, 1, reduce<adj::MaxOp>, "`adj.max`"},
    {"ReduceMean", 1, 17, 1, reduce<adj::MeanOp>, "`adj.mean`"},
    {"ReduceMin", 1, 17, 1, reduce<adj::MinOp>, "`adj.min`"},
    {"ReduceProd", 1, 17, 1, reduce<adj::ProdOp>, "`adj.prod`"},
    {"ReduceSum", 1, 17, 1, reduce<adj::SumOp>,
     "`adj.sum`; axes known at import time"},
    {"ReduceSumSquare", 1, 17, 1, reduceNorm<adj::SquareOp, false>,
     "`adj.sum` of `adj.square`"},
    {"Relu", 6, 17, 1, unary<adj::ReluOp>, "`adj.relu`"},
    {"Reshape", 5, 17, 2, reshape,
     "`adj.reshape`; the shape known at import time (0 and -1 as ONNX)"},
    {"Resize", 11, 17, 1, resize,
     "scales or sizes known at import time (a float initializer's initial "
     "value). Nearest: `adj.broadcast_to` between reshapes, upsampling by "
     "whole factors, half_pixel with round_prefer_floor or "
     "round_prefer_ceil, or asymmetric with floor. Linear (bilinear): two "
     "`adj.gather`s and a weight per resized dimension, to any size, "
     "half_pixel, pytorch_half_pixel, align_corners or asymmetric. Cubic "
     "(bicubic): as linear with four gathers (indices clamped, "
     "exclude_outside 0) weighted by Keys' kernel (cubic_coeff_a)"},
    {"RNN", 7, 17, 3, rnn,
     "as GRU; Tanh or Relu (PyTorch's nn.RNN `nonlinearity`)"},
    {"Round", 11, 17, 1, unary<adj::RoundOp>,
     "`adj.round`: ties to even (derivative 0)"},
    {"ScatterElements", 11, 17, 3, scatterElements,
     "`adj.scatter_add` of the updates at flat positions (as "
     "GatherElements) into zeros; reduction add: added to the data; none: "
     "selected where an index points (repeated indices add up)"},
    {"Selu", 6, 17, 1, selu, "gamma times Elu with alpha"},
    {"Shape", 1, 17, 1, shape, "folds to a constant (static shapes)"},
    {"Sigmoid", 6, 17, 1, unary<adj::SigmoidOp>, "`adj.sigmoid`"},
    {"Sign", 9, 17, 1, sign, "two `adj.select`s (derivative 0)"},
    {"Sin", 7, 17, 1, unary<adj::SinOp>, "`adj.sin`"},
    {"Slice", 10, 17, 3, slice,
     "`adj.slice`; bounds known at import time; negative steps "
     "`adj.reverse` the slice; integer constants fold"},
    {"Softmax", 1, 17, 1, softmax<adj::SoftmaxOp>,
     "`adj.softmax`; before opset 13 only along the last axis"},
    {"SoftmaxCrossEntropyLoss", 12, 17, 2, classLoss<true>,
     "NegativeLogLikelihoodLoss of `adj.log_softmax` along axis 1; also "
     "the log_prob output"},
    {"Softplus", 1, 17, 1, softplus,
     "relu(x) + log1p(exp(-|x|)) (no overflow), with selects"},
    {"Split", 2, 17, 1, split, "`adj.slice` per output"},
    {"Sqrt", 6, 17, 1, unary<adj::SqrtOp>, "`adj.sqrt`"},
    {"Squeeze", 1, 17, 1, squeeze, "`adj.reshape`"},
    {"Sub", 7, 17, 2, binary<adj::SubOp>, "`adj.sub`; integer constants fold"},
    {"Tanh", 6, 17, 1, unary<adj::TanhOp>, "`adj.tanh`"},
    {"Tile", 6, 17, 2, tile,
     "`adj.broadcast_to` between reshapes; repeats known at import time"},
    {"TopK", 11, 17, 2, topK,
     "each entry's rank by an `adj.compare` of every pair along the axis, "
     "output k an `adj.sum` of an `adj.select` of rank k (the derivative "
     "reaches the entry taken); over an axis too long for that (more than "
     "2^24 pairs), K <= 16 passes of `adj.max` (or `adj.min`); K known at "
     "import time; sorted, ties to the lower index; Indices an i64 tensor "
     "at run time"},
    {"Transpose", 1, 17, 1, transpose,
     "`adj.transpose`; integer constants fold"},
    {"Trilu", 14, 17, 1, trilu,
     "`adj.select` by a constant mask; k known at import time"},
    {"Unsqueeze", 1, 17, 1, unsqueeze, "`adj.reshape`"},
    {"Where", 9, 17, 3, where,
     "`adj.select`; the condition a bool mask (a constant, a comparison, "
     "Not/And/Or/Xor of those); integer constants fold"},
    {"Xor", 7, 17, 2, logic, "as And"},
};

} // namespace

ArrayRef<OperatorInfo> onnx_import::getOperators() { return operators; }
