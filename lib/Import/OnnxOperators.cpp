//===- OnnxOperators.cpp - The ONNX operators the importer converts -------===//
//
// Part of the Adjoint project.
//
// The table of the ONNX operators the importer converts, merged from the
// converter files' tables (OnnxElementwise.cpp, OnnxShapes.cpp, ...), and
// the helpers those files share. Integer tensors exist only at import time
// here: the shape computations an exporter emits (Shape -> Gather ->
// Unsqueeze -> Concat -> Reshape) fold to constants, and the ops that need
// integers (Reshape's shape, Slice's bounds, ...) read them. Float tensors
// become adj ops.
//
//===----------------------------------------------------------------------===//

#include "OnnxConverters.h"

#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace adjoint;
using namespace adjoint::onnx_import;

namespace adjoint::onnx_import {

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

/// An adj.compare of `lhs` and `rhs`.
FailureOr<Value> compare(NodeContext &n, adj::ComparisonDirection direction,
                         Value lhs, Value rhs) {
  return n.create<adj::CompareOp>(
      {lhs, rhs}, {n.named("direction", adj::ComparisonDirectionAttr::get(
                                            n.b.getContext(), direction))});
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

} // namespace adjoint::onnx_import

ArrayRef<OperatorInfo> onnx_import::getOperators() {
  // Sorted by name (ignoring case) for the generated docs.
  static const SmallVector<OperatorInfo> operators = [] {
    SmallVector<OperatorInfo> all;
    for (ArrayRef<OperatorInfo> part :
         {getControlFlowOperators(), getElementwiseOperators(),
          getShapesOperators(), getLinearAlgebraOperators(),
          getReductionsOperators(), getRecurrentOperators(),
          getWindowsOperators()})
      all.append(part.begin(), part.end());
    llvm::sort(all, [](const OperatorInfo &a, const OperatorInfo &b) {
      return a.name.compare_insensitive(b.name) < 0;
    });
    return all;
  }();
  return operators;
}
