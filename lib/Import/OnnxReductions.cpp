//===- OnnxReductions.cpp - Reductions, losses, normalization -------------===//
//
// Part of the Adjoint project.
//
// Reductions, class losses, ArgMax/ArgMin, TopK, CumSum, softmax and
// the normalizations.
//
//===----------------------------------------------------------------------===//

#include "OnnxConverters.h"

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
  // A label must name a class (PyTorch raises otherwise), except one equal
  // to ignore_index, which becomes class 0 here: its entry is masked out
  // below.
  const onnx::AttributeProto *ignore =
      n.attr("ignore_index", onnx::AttributeProto::INT);
  Value labels = n.value(1), ignored;
  if (ignore) {
    auto f64Labels = n.type(1).clone(n.b.getF64Type());
    FailureOr<Value> asFloat = n.create<adj::ConvertOp>(labels, {}, f64Labels);
    if (failed(asFloat))
      return failure();
    FailureOr<Value> isIgnored =
        compare(n, adj::ComparisonDirection::eq, *asFloat,
                f64Scalar(n, double(ignore->i())));
    if (failed(isIgnored))
      return failure();
    ignored = *isIgnored;
    FailureOr<Value> kept =
        n.create<adj::SelectOp>({ignored, f64Scalar(n, 0.0), *asFloat});
    if (failed(kept))
      return failure();
    FailureOr<Value> back = n.create<adj::ConvertOp>(*kept, {}, n.type(1));
    if (failed(back))
      return failure();
    labels = *back;
  }
  FailureOr<Value> hot = n.create<adj::OneHotOp>(
      labels, {n.named("in_range", n.b.getUnitAttr())}, hotType);
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
  if (ignore) {
    FailureOr<Value> w = n.create<adj::SelectOp>(
        {ignored, n.scalar(0.0), weight ? weight : n.scalar(1.0)});
    // Its weight 0 times a -inf log-probability would be NaN.
    picked = n.create<adj::SelectOp>({ignored, n.scalar(0.0), *picked});
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
  if (failed(x))
    return failure();
  // Before opset 10, K is the attribute k, which is required.
  if (n.opset < 10 && !n.attr("k", onnx::AttributeProto::INT))
    return n.error() << "the attribute k is required before opset 10";
  FailureOr<SmallVector<int64_t>> ks =
      n.opset < 10 ? SmallVector<int64_t>{n.getInt("k", 0)} : n.ints(1, "K");
  if (failed(ks))
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

/// CumSum of an integer constant along `axis`, in the wrap-around arithmetic
/// of its type (ONNX's result has the input's type).
LogicalResult cumSumOfConstant(NodeContext &n, int64_t axis, bool exclusive,
                               bool reverse, Results &results) {
  DenseElementsAttr c = n.input(0).constant;
  SmallVector<APInt> values(c.getValues<APInt>());
  ArrayRef<int64_t> shape = n.type(0).getShape();
  int64_t size = shape[axis], inner = 1;
  for (int64_t d : shape.drop_front(axis + 1))
    inner *= d;
  unsigned width = c.getElementType().getIntOrFloatBitWidth();
  int64_t outer = values.empty() ? 0 : values.size() / (size * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      APInt sum(width, 0);
      for (int64_t k = 0; k < size; ++k) {
        APInt &v =
            values[(o * size + (reverse ? size - 1 - k : k)) * inner + i];
        APInt next = sum + v;
        v = exclusive ? sum : next;
        sum = next;
      }
    }
  results.push_back({{}, DenseElementsAttr::get(c.getType(), values)});
  return success();
}

/// CumSum by doubling: after the step of shift s, each entry holds the sum
/// of the 2s entries ending at it, so ceil(log2 size) shifted adds (pads
/// and slices) make the prefix sums, O(size log size) in all and
/// differentiable by their rules. `exclusive` shifts once more; `reverse`
/// sums from the end. Of an integer constant (position ids as the cumsum of
/// a constant mask), folded.
LogicalResult cumSum(NodeContext &n, Results &results) {
  FailureOr<SmallVector<int64_t>> axes = n.ints(1, "axis");
  if (failed(axes))
    return failure();
  if (axes->size() != 1)
    return n.error() << "axis must be one value";
  RankedTensorType type = n.type(0);
  FailureOr<int64_t> axis = n.normalizeAxis((*axes)[0], type.getRank());
  if (failed(axis))
    return failure();
  int64_t size = type.getDimSize(*axis);
  bool reverse = n.getInt("reverse", 0);
  bool exclusive = n.getInt("exclusive", 0);
  if (isIntConstant(n.input(0)) && !type.getElementType().isInteger(1))
    return cumSumOfConstant(n, *axis, exclusive, reverse, results);
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
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
  if (succeeded(y) && exclusive && size > 0)
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
  // Before opset 9, `spatial` 0 asked for statistics per activation
  // (scale, bias, mean and var of shape [C, D1, ...]); 1, the default,
  // is the per-channel form the later opsets keep.
  if (n.opset < 9 && n.getInt("spatial", 1) != 1)
    return n.error() << "spatial 0 (statistics per activation) is not "
                        "supported; flatten the input to [N, C*D1*...] and "
                        "use spatial 1";
  double epsilon = n.getFloat("epsilon", 1e-5);
  // Training mode is the `training_mode` attribute from opset 14; before,
  // it is the outputs: Y alone in test mode; Y, mean, var, saved_mean and
  // saved_var in training mode (PyTorch exports all five).
  bool training = n.opset >= 14 ? n.getInt("training_mode", 0) != 0
                                : n.node.output_size() > 1;
  if (training) {
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
    // Opsets 7-13 also have saved_mean and saved_var: the batch mean and
    // biased variance, as the spec names them and onnx.reference computes
    // them (ONNX Runtime writes 1/sqrt(var + epsilon) in saved_var instead:
    // docs/onnx.md).
    if (n.opset < 14)
      for (unsigned k = 1; k < 3; ++k)
        results.push_back(runtime((*op)->getResult(k)));
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

const OperatorInfo operators[] = {
    {"ArgMax", 1, 17, 1, argExtreme<true>,
     "`adj.max`, then the first (or last) position equal to it, by an "
     "`adj.min` of positions: an i64 tensor at run time (an output, or "
     "Gather indices); a NaN counts as the maximum"},
    {"ArgMin", 1, 17, 1, argExtreme<false>, "as ArgMax, with `adj.min`"},
    {"BatchNormalization", 7, 17, 5, batchNorm,
     "inference: elementwise with the running statistics; training mode "
     "(`training_mode` 1 from opset 14, more than one output before): "
     "`adj.batch_norm` and the updated running statistics; saved_mean and "
     "saved_var (opsets 7-13) are the batch mean and biased variance (ONNX "
     "Runtime's saved_var is 1/sqrt(var + epsilon)); `spatial` 0 (opsets "
     "7-8) is not supported"},
    {"CumSum", 11, 17, 2, cumSum,
     "ceil(log2 n) shifted `adj.add`s (`adj.pad` of an `adj.slice`) along "
     "the axis (known at import time), exclusive and reverse: "
     "differentiable; an integer constant (position ids as the cumsum of "
     "a constant mask) folds, in its type's wrap-around arithmetic"},
    {"InstanceNormalization", 6, 17, 3, instanceNorm,
     "`adj.layer_norm` over the spatial entries of each channel, then the "
     "per-channel scale and shift"},
    {"LayerNormalization", 17, 17, 2, layerNorm,
     "`adj.layer_norm`; the Mean and InvStdDev outputs are not supported "
     "(the decomposed form, ReduceMean/Sub/Pow/Sqrt/Div, imports as its "
     "ops)"},
    {"LogSoftmax", 1, 17, 1, softmax<adj::LogSoftmaxOp>,
     "`adj.log_softmax`; before opset 13 only along the last axis"},
    {"NegativeLogLikelihoodLoss", 12, 17, 2, classLoss<false>,
     "-w lp[label] by an `adj.select` of `adj.one_hot` of the labels "
     "(classes along axis 1, any extra dimensions), weights, ignore_index, "
     "reduction mean (weighted, as PyTorch), sum or none"},
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
    {"Softmax", 1, 17, 1, softmax<adj::SoftmaxOp>,
     "`adj.softmax`; before opset 13 only along the last axis"},
    {"SoftmaxCrossEntropyLoss", 12, 17, 2, classLoss<true>,
     "NegativeLogLikelihoodLoss of `adj.log_softmax` along axis 1; also "
     "the log_prob output"},
    {"TopK", 1, 17, 1, topK,
     "each entry's rank by an `adj.compare` of every pair along the axis, "
     "output k an `adj.sum` of an `adj.select` of rank k (the derivative "
     "reaches the entry taken); over an axis too long for that (more than "
     "2^24 pairs), K <= 16 passes of `adj.max` (or `adj.min`); K known at "
     "import time (the attribute k before opset 10); sorted, ties to the "
     "lower index; Indices an i64 tensor at run time"},
};

} // namespace

ArrayRef<OperatorInfo> onnx_import::getReductionsOperators() {
  return operators;
}
