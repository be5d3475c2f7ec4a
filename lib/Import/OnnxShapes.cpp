//===- OnnxShapes.cpp - Constants, shapes and indexing --------------------===//
//
// Part of the Adjoint project.
//
// Constants, shape computations (folded at import time), reshapes,
// slices, concatenation, padding, Gather and Scatter.
//
//===----------------------------------------------------------------------===//

#include "OnnxConverters.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/APSInt.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace adjoint;
using namespace adjoint::onnx_import;

namespace {

LogicalResult constant(NodeContext &n, Results &results) {
  MLIRContext *context = n.b.getContext();
  if (const onnx::AttributeProto *a =
          n.attr("value", onnx::AttributeProto::TENSOR)) {
    FailureOr<DenseElementsAttr> value = readTensor(a->t(), n.loc);
    if (failed(value))
      return failure();
    results.push_back({{}, *value});
    return success();
  }
  if (const onnx::AttributeProto *a =
          n.attr("value_float", onnx::AttributeProto::FLOAT)) {
    auto type = RankedTensorType::get({}, Float32Type::get(context));
    results.push_back({{}, DenseElementsAttr::get(type, a->f())});
    return success();
  }
  if (const onnx::AttributeProto *a =
          n.attr("value_floats", onnx::AttributeProto::FLOATS)) {
    SmallVector<float> values(a->floats().begin(), a->floats().end());
    auto type = RankedTensorType::get({int64_t(values.size())},
                                      Float32Type::get(context));
    results.push_back({{}, DenseElementsAttr::get(type, ArrayRef(values))});
    return success();
  }
  if (const onnx::AttributeProto *a =
          n.attr("value_int", onnx::AttributeProto::INT)) {
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
  bool upper = n.getInt("upper", 1);
  int64_t rows = in[in.size() - 2], cols = in.back();
  SmallVector<bool> keep;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      keep.push_back(upper ? j - i >= k : j - i <= k);
  // A constant (a causal mask, torch.triu of a bool tensor) folds.
  if (DenseElementsAttr c = n.input(0).constant) {
    SmallVector<Attribute> values(c.getValues<Attribute>());
    Attribute zero = n.b.getZeroAttr(c.getElementType());
    for (auto [i, v] : llvm::enumerate(values))
      if (!keep[i % keep.size()])
        v = zero;
    results.push_back({{}, DenseElementsAttr::get(c.getType(), values)});
    return success();
  }
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
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
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    FailureOr<int64_t> a = n.normalizeAxis(axes[i], rank);
    if (failed(a))
      return failure();
    // ONNX forbids it; slicing by the last one would ignore the others.
    if (seen[*a])
      return n.error() << "axes name axis " << *a << " twice";
    seen[*a] = true;
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
  // Before opset 10 the bounds are attributes, and there are no steps.
  if (n.opset < 10) {
    std::optional<SmallVector<int64_t>> starts = n.getInts("starts"),
                                        ends = n.getInts("ends");
    if (!starts || !ends)
      return n.error() << "the starts and ends attributes are required";
    SmallVector<int64_t> axes = n.getInts("axes").value_or(
        llvm::to_vector(llvm::seq<int64_t>(0, starts->size())));
    SmallVector<int64_t> steps(starts->size(), 1);
    if (ends->size() != starts->size() || axes.size() != starts->size())
      return n.error() << "starts, ends and axes differ in length";
    return sliceAxes(n, *starts, *ends, axes, steps, results);
  }
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

/// SplitToSequence: the pieces Split would give, as one sequence (PyTorch's
/// torch.chunk on a size it does not divide), for SequenceAt to pick from.
LogicalResult splitToSequence(NodeContext &n, Results &results) {
  ArrayRef<int64_t> in = n.type(0).getShape();
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", 0), in.size());
  if (failed(axis))
    return failure();
  int64_t size = in[*axis];
  // Without split: pieces of 1, their axis dropped unless keepdims.
  SmallVector<int64_t> sizes(size, 1);
  bool keep = !n.hasInput(1) ? n.getInt("keepdims", 1) : true;
  if (n.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> s = n.ints(1, "split");
    if (failed(s))
      return failure();
    sizes = *s;
    // A scalar: pieces of that size, the last one smaller.
    if (n.type(1).getRank() == 0) {
      if (sizes[0] < 1)
        return n.error() << "split " << sizes[0] << " must be positive";
      int64_t chunk = sizes[0];
      sizes.clear();
      for (int64_t offset = 0; offset < size; offset += chunk)
        sizes.push_back(std::min(chunk, size - offset));
    }
  }
  // PyTorch 1.13 exports torch.chunk(t, k) on a size n that chunks of
  // c = ceil(n / k) do not divide as k - 1 pieces of c and one of
  // n - (k - 1) c, which may be negative ([2, 2, 2, -1] for 5 in 4): read
  // as meant, the piece that reaches the end is cut there and the pieces
  // after it are dropped ([2, 2, 1], torch.chunk's).
  Tensor sequence;
  int64_t offset = 0;
  for (int64_t piece : sizes) {
    if (offset == size && !sequence.sequence.empty())
      break;
    if (piece < 0)
      return n.error() << "split sizes ["
                       << llvm::make_range(sizes.begin(), sizes.end())
                       << "] have a negative size before the axis' end "
                       << size;
    piece = std::min(piece, size - offset);
    SmallVector<Tensor> part;
    if (failed(sliceAxes(n, {offset}, {offset + piece}, {*axis}, {1}, part)))
      return failure();
    if (!keep) {
      SmallVector<int64_t> shape(part[0].getType().getShape());
      shape.erase(shape.begin() + *axis);
      part[0] = runtime(n.reshape(n.materialize(part[0]), shape));
    }
    sequence.sequence.push_back(part[0]);
    offset += piece;
  }
  if (offset != size)
    return n.error() << "split sizes ["
                     << llvm::make_range(sizes.begin(), sizes.end())
                     << "] do not add up to the axis' size " << size;
  results.push_back(sequence);
  return success();
}

/// SequenceAt of a SplitToSequence at a position known at import time.
LogicalResult sequenceAt(NodeContext &n, Results &results) {
  if (!n.input(0).isSequence())
    return n.error() << "input 0 must be a sequence";
  FailureOr<SmallVector<int64_t>> position = n.ints(1, "position");
  if (failed(position))
    return failure();
  const std::vector<Tensor> &sequence = n.input(0).sequence;
  int64_t count = sequence.size();
  if (position->size() != 1 || (*position)[0] < -count ||
      (*position)[0] >= count)
    return n.error() << "position must be one integer in [" << -count << ", "
                     << count << ")";
  int64_t i = (*position)[0];
  results.push_back(sequence[i < 0 ? i + count : i]);
  return success();
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

/// Run-time `indices` with the negative ones counted from the end of an
/// axis of `size`: index + size where negative, in f64 (exact for any index
/// that can be in range), converted back.
FailureOr<Value> countFromEnd(NodeContext &n, Value indices, int64_t size) {
  auto type = cast<RankedTensorType>(indices.getType());
  FailureOr<Value> asFloat =
      n.create<adj::ConvertOp>(indices, {}, type.clone(n.b.getF64Type()));
  if (failed(asFloat))
    return failure();
  FailureOr<Value> negative =
      compare(n, adj::ComparisonDirection::lt, *asFloat, f64Scalar(n, 0.0));
  FailureOr<Value> shifted =
      n.create<adj::AddOp>({*asFloat, f64Scalar(n, double(size))});
  if (failed(negative) || failed(shifted))
    return failure();
  FailureOr<Value> counted =
      n.create<adj::SelectOp>({*negative, *shifted, *asFloat});
  if (failed(counted))
    return failure();
  return n.create<adj::ConvertOp>(*counted, {}, type);
}

/// For adj-check-indices' message, which would otherwise give the range of
/// the adj op's own indices (shifted from the end, or flat positions): the
/// range the node accepts along its `axis`, negative indices counting from
/// the end.
NamedAttribute indexRange(NodeContext &n, int64_t size, int64_t axis) {
  return n.named(
      "adj.index_range",
      n.b.getStringAttr(
          llvm::formatv("[{0}, {1}) along axis {2}", -size, size, axis).str()));
}

/// OneHot: `adj.one_hot` of the indices (known at run time), the new axis
/// moved to `axis`, as off + (on - off) hot. From opset 11 a negative index
/// counts from the end. The values known at import time fold; others (a
/// float initializer is a trainable argument) are sliced at run time, so
/// that their gradient flows. PyTorch's gather exports it before opset 11
/// with integer values [0, 1]: those are computed in f64 and converted.
LogicalResult oneHot(NodeContext &n, Results &results) {
  FailureOr<SmallVector<int64_t>> depth = n.ints(1, "depth");
  if (failed(depth))
    return failure();
  if (n.type(2).getNumElements() != 2)
    return n.error() << "values (input 2) must be two values: off and on";
  if (depth->size() != 1 || (*depth)[0] < 1)
    return n.error() << "depth must be one positive value";
  if (!isa<IntegerType>(n.type(0).getElementType()))
    return n.error() << "indices (input 0) must be an integer tensor";
  int64_t rank = n.type(0).getRank() + 1;
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", -1), rank);
  if (failed(axis))
    return failure();
  Type element = n.type(2).getElementType();
  Type floatElement = isa<FloatType>(element) ? element : n.b.getF64Type();
  auto scalarType = RankedTensorType::get({}, floatElement);
  Value indices = n.value(0);
  if (n.opset >= 11) {
    FailureOr<Value> counted = countFromEnd(n, indices, (*depth)[0]);
    if (failed(counted))
      return failure();
    indices = *counted;
  }
  SmallVector<int64_t> shape(n.type(0).getShape());
  shape.push_back((*depth)[0]);
  // The output's bytes (8 per f64) must fit in 64 bits.
  std::optional<int64_t> count = elementCount(shape);
  if (!count || *count > std::numeric_limits<int64_t>::max() / 8)
    return n.error() << "depth " << (*depth)[0]
                     << " makes the output too large";
  FailureOr<Value> y = n.create<adj::OneHotOp>(
      indices, {}, RankedTensorType::get(shape, floatElement));
  if (failed(y))
    return failure();
  // off and on: 0-d scalars, folded or sliced from the run-time values.
  Value off, on;
  bool identity = false;
  if (DenseElementsAttr given = n.input(2).constant) {
    SmallVector<double> values;
    if (isa<FloatType>(element))
      for (const APFloat &v : given.getValues<APFloat>())
        values.push_back(v.convertToDouble());
    else
      for (int64_t v : intValues(given))
        values.push_back(double(v));
    identity = values[0] == 0.0 && values[1] == 1.0;
    off = n.splat(scalarType, values[0]);
    on = n.splat(scalarType, values[1]);
  } else {
    Value values = n.reshape(n.value(2), {2});
    if (element != floatElement) {
      FailureOr<Value> converted = n.create<adj::ConvertOp>(
          values, {}, RankedTensorType::get({2}, floatElement));
      if (failed(converted))
        return failure();
      values = *converted;
    }
    FailureOr<Value> first = sliceBox(n, values, {0}, {1});
    FailureOr<Value> second = sliceBox(n, values, {1}, {2});
    if (failed(first) || failed(second))
      return failure();
    off = n.reshape(*first, {});
    on = n.reshape(*second, {});
  }
  if (!identity) {
    FailureOr<Value> range = n.create<adj::SubOp>({on, off});
    FailureOr<Value> scaled =
        succeeded(range) ? n.create<adj::MulOp>({*y, *range}) : range;
    y = succeeded(scaled) ? n.create<adj::AddOp>({*scaled, off}) : scaled;
    if (failed(y))
      return failure();
  }
  if (*axis != rank - 1) {
    SmallVector<int64_t> perm;
    for (int64_t d = 0; d < rank - 1; ++d) {
      if (d == *axis)
        perm.push_back(rank - 1);
      perm.push_back(d);
    }
    y = n.create<adj::TransposeOp>(
        *y, {n.named("permutation", n.b.getDenseI64ArrayAttr(perm))});
    if (failed(y))
      return failure();
  }
  if (element != floatElement)
    y = n.create<adj::ConvertOp>(
        *y, {}, cast<RankedTensorType>(y->getType()).clone(element));
  return result(results, y);
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
  Value index;
  if (indices.constant) {
    index = n.materialize(intConstant(n.b.getContext(), indexShape, known));
  } else {
    FailureOr<Value> counted = countFromEnd(n, n.value(1), size);
    if (failed(counted))
      return failure();
    index = *counted;
  }
  return result(results,
                n.create<adj::GatherOp>(
                    {*x, index}, {n.named("axis", n.b.getI64IntegerAttr(*axis)),
                                  indexRange(n, size, *axis)}));
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
  // An index outside [-size, size) would land in a neighbouring row: its
  // position is -1 instead, outside the flat data, where adj-check-indices
  // reports it (and the gather clamps it into the data).
  for (auto [direction, bound] :
       {std::pair(adj::ComparisonDirection::lt, 0.0),
        std::pair(adj::ComparisonDirection::ge, double(size))}) {
    FailureOr<Value> outside =
        compare(n, direction, *index, f64Scalar(n, bound));
    if (failed(outside))
      return failure();
    position =
        n.create<adj::SelectOp>({*outside, f64Scalar(n, -1.0), *position});
    if (failed(position))
      return failure();
  }
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
                             {n.named("axis", n.b.getI64IntegerAttr(0)),
                              indexRange(n, type.getDimSize(*axis), *axis)}));
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
        {v, *positions},
        {n.named("axis", n.b.getI64IntegerAttr(0)),
         indexRange(n, type.getDimSize(*axis), *axis)},
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

/// ScatterND's index tuples (input 1, the last dimension of k entries
/// naming a slice of the data's first k dimensions `sizes`) as rows of the
/// data seen as [rows, slice]: an i64 vector of one position per tuple, for
/// an adj.scatter_add along axis 0. Negative entries count from the end.
/// Constant indices are checked at import time: in range and, unless
/// `repeatsAllowed`, no tuple twice. Run-time ones are computed in f64
/// (exact below 2^53); a tuple with an entry out of range gets a negative
/// position, which adj-check-indices reports.
FailureOr<Value> tuplePositions(NodeContext &n, ArrayRef<int64_t> sizes,
                                bool repeatsAllowed) {
  int64_t k = sizes.size(), rows = *elementCount(sizes);
  int64_t tuples = n.type(1).getNumElements() / k;
  SmallVector<int64_t> strides(k, 1);
  for (int64_t d = k - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * sizes[d + 1];
  if (n.input(1).constant) {
    SmallVector<int64_t> entries = intValues(n.input(1).constant), positions;
    DenseSet<int64_t> seen;
    for (int64_t t = 0; t < tuples; ++t) {
      int64_t position = 0;
      for (int64_t d = 0; d < k; ++d) {
        int64_t i = entries[t * k + d];
        if (i < -sizes[d] || i >= sizes[d])
          return n.error() << "index " << i << " is out of range for size "
                           << sizes[d] << " (dimension " << d << ")";
        position += (i < 0 ? i + sizes[d] : i) * strides[d];
      }
      if (!seen.insert(position).second && !repeatsAllowed)
        return n.error() << "index tuple " << t
                         << " repeats an earlier one: ONNX leaves the result "
                            "undefined (reduction none or mul)";
      positions.push_back(position);
    }
    return n.materialize(intConstant(n.b.getContext(), {tuples}, positions));
  }
  auto f64 = RankedTensorType::get({tuples, k}, n.b.getF64Type());
  FailureOr<Value> index =
      n.create<adj::ConvertOp>(n.reshape(n.value(1), {tuples, k}), {}, f64);
  if (failed(index))
    return failure();
  auto vector = [&](ArrayRef<int64_t> values) -> Value {
    SmallVector<double> d(values.begin(), values.end());
    auto type = RankedTensorType::get({k}, n.b.getF64Type());
    return n.b.create<adj::ConstantOp>(
        n.loc, type, DenseElementsAttr::get(type, ArrayRef(d)));
  };
  Value size = vector(sizes);
  FailureOr<Value> negative =
      compare(n, adj::ComparisonDirection::lt, *index, f64Scalar(n, 0.0));
  FailureOr<Value> wrapped = n.create<adj::AddOp>({*index, size});
  if (failed(negative) || failed(wrapped))
    return failure();
  index = n.create<adj::SelectOp>({*negative, *wrapped, *index});
  if (failed(index))
    return failure();
  FailureOr<Value> part = n.create<adj::MulOp>({*index, vector(strides)});
  if (failed(part))
    return failure();
  // An entry out of range contributes -rows, more than the others add up
  // to, so that the tuple's position is negative.
  for (auto [direction, bound] :
       {std::pair(adj::ComparisonDirection::lt, f64Scalar(n, 0.0)),
        std::pair(adj::ComparisonDirection::ge, size)}) {
    FailureOr<Value> outside = compare(n, direction, *index, bound);
    if (failed(outside))
      return failure();
    part =
        n.create<adj::SelectOp>({*outside, f64Scalar(n, -double(rows)), *part});
    if (failed(part))
      return failure();
  }
  FailureOr<Value> position = n.create<adj::SumOp>(
      *part, {n.named("axes", n.b.getDenseI64ArrayAttr({1}))});
  if (failed(position))
    return failure();
  return n.create<adj::ConvertOp>(
      *position, {}, RankedTensorType::get({tuples}, n.b.getI64Type()));
}

/// ScatterND (`x[idx] = v`, `index_put_`, `x[:, 2:5] = y`): the data seen
/// as [rows, slice] (its first k dimensions, k the indices' last, and the
/// rest), each index tuple a row, the updates [tuples, slice] scattered
/// along axis 0 into zeros (adj.scatter_add), as ScatterElements: then
/// selected where a tuple points (none), added to the data (add) or
/// multiplied into it (mul). So the data's derivative is zero where
/// overwritten (none) and the updates' is gathered back. ONNX leaves a
/// repeated tuple undefined for none and mul: an error (at import time for
/// constant indices, else adj-check-indices' status: the repeated tuple's
/// position is made negative).
LogicalResult scatterND(NodeContext &n, Results &results) {
  FailureOr<Value> data = n.floatValue(0), updates = n.floatValue(2);
  if (failed(data) || failed(updates))
    return failure();
  RankedTensorType type = n.type(0), indexType = n.type(1);
  if (!isa<IntegerType>(indexType.getElementType()))
    return n.error() << "indices must be integers";
  int64_t k = indexType.getRank() ? indexType.getShape().back() : 0;
  if (k < 1 || k > type.getRank())
    return n.error() << "indices " << indexType
                     << " must end in a dimension of 1 to the data's rank "
                     << type.getRank();
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> want(indexType.getShape().drop_back());
  want.append(shape.begin() + k, shape.end());
  if (n.type(2).getShape() != ArrayRef(want))
    return n.error() << "updates " << n.type(2) << " must have the shape ["
                     << llvm::make_range(want.begin(), want.end())
                     << "] (the indices' but the last, then the data's "
                        "after the first "
                     << k << ")";
  std::string reduction = n.getString("reduction", "none");
  if (reduction != "none" && reduction != "add" && reduction != "mul")
    return n.error() << "reduction " << reduction
                     << " is not supported: none, add or mul";
  ArrayRef<int64_t> sizes = shape.take_front(k);
  int64_t rows = *elementCount(sizes),
          slice = *elementCount(shape.drop_front(k));
  int64_t tuples = indexType.getNumElements() / k;
  if (rows >= (int64_t(1) << 53))
    return n.error() << "the data has too many entries to index";
  bool repeatsAllowed = reduction == "add";
  FailureOr<Value> positions = tuplePositions(n, sizes, repeatsAllowed);
  if (failed(positions))
    return failure();
  std::string ranges;
  for (auto [d, size] : llvm::enumerate(sizes))
    ranges += llvm::formatv("{0}[{1}, {2})", d ? " x " : "", -size, size).str();
  auto range = [&](StringRef extra) {
    return n.named("adj.index_range", n.b.getStringAttr(ranges + extra));
  };
  auto scatter = [&](Value v, Value at, ArrayRef<int64_t> resultShape,
                     StringRef extra) {
    return n.create<adj::ScatterAddOp>(
        {v, at}, {n.named("axis", n.b.getI64IntegerAttr(0)), range(extra)},
        {type.clone(resultShape)});
  };
  Value flatData = n.reshape(*data, {rows, slice});
  Value flatUpdates = n.reshape(*updates, {tuples, slice});
  if (repeatsAllowed) {
    FailureOr<Value> added =
        scatter(flatUpdates, *positions, {rows, slice}, "");
    if (failed(added))
      return failure();
    FailureOr<Value> sum = n.create<adj::AddOp>({flatData, *added});
    if (failed(sum))
      return failure();
    return result(results, n.reshape(*sum, shape));
  }
  FailureOr<Value> hits = scatter(
      n.splat(RankedTensorType::get({tuples}, type.getElementType()), 1.0),
      *positions, {rows}, "");
  if (failed(hits))
    return failure();
  Value written = *positions;
  if (!n.input(1).constant) {
    // A tuple that hits a row twice gets position -1.
    FailureOr<Value> count = n.create<adj::GatherOp>(
        {*hits, *positions}, {n.named("axis", n.b.getI64IntegerAttr(0))});
    if (failed(count))
      return failure();
    FailureOr<Value> repeated =
        compare(n, adj::ComparisonDirection::gt, *count, n.scalar(1.0));
    auto f64 = RankedTensorType::get({tuples}, n.b.getF64Type());
    FailureOr<Value> asFloat = n.create<adj::ConvertOp>(*positions, {}, f64);
    if (failed(repeated) || failed(asFloat))
      return failure();
    FailureOr<Value> marked =
        n.create<adj::SelectOp>({*repeated, f64Scalar(n, -1.0), *asFloat});
    if (failed(marked))
      return failure();
    FailureOr<Value> back =
        n.create<adj::ConvertOp>(*marked, {}, positions->getType());
    if (failed(back))
      return failure();
    written = *back;
  }
  FailureOr<Value> scattered =
      scatter(flatUpdates, written, {rows, slice},
              ", each index tuple once (ONNX leaves repeats undefined)");
  FailureOr<Value> hit = compare(n, adj::ComparisonDirection::gt,
                                 n.reshape(*hits, {rows, 1}), n.scalar(0.0));
  if (failed(scattered) || failed(hit))
    return failure();
  FailureOr<Value> out =
      reduction == "none"
          ? n.create<adj::SelectOp>({*hit, *scattered, flatData})
          : n.create<adj::SelectOp>({*hit, *scattered, n.scalar(1.0)});
  if (failed(out))
    return failure();
  if (reduction == "mul")
    out = n.create<adj::MulOp>({flatData, *out});
  if (failed(out))
    return failure();
  return result(results, n.reshape(*out, shape));
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
  // Before opset 11 the pads and the value are attributes; then inputs.
  FailureOr<SmallVector<int64_t>> pads = failure();
  if (n.opset >= 11)
    pads = n.ints(1, "pads");
  else if (std::optional<SmallVector<int64_t>> given = n.getInts("pads"))
    pads = *given;
  else
    return n.error() << "the attribute pads is required before opset 11";
  if (failed(pads))
    return failure();
  int64_t rank = n.type(0).getRank();
  if (int64_t(pads->size()) != 2 * rank)
    return n.error() << "pads has " << pads->size() << " entries for rank "
                     << rank;
  double value = n.opset < 11 ? n.getFloat("value", 0) : 0;
  if (n.opset >= 11 && n.hasInput(2)) {
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
  // Negative pads (F.pad cropping) slice first; the rest pads.
  SmallVector<int64_t> start, limit, low, high;
  for (auto [d, size] : llvm::enumerate(n.type(0).getShape())) {
    int64_t before = (*pads)[d], after = (*pads)[rank + d];
    start.push_back(std::max<int64_t>(-before, 0));
    limit.push_back(size - std::max<int64_t>(-after, 0));
    if (limit.back() < start.back())
      return n.error() << "pads [" << before << ", " << after
                       << "] crop more than dimension " << d << "'s size "
                       << size;
    low.push_back(std::max<int64_t>(before, 0));
    high.push_back(std::max<int64_t>(after, 0));
  }
  if (llvm::any_of(*pads, [](int64_t p) { return p < 0; }))
    x = sliceBox(n, *x, start, limit);
  if (failed(x))
    return failure();
  if (mode != "constant")
    return result(results, padBorders(n, *x, mode, low, high));
  return result(
      results,
      n.create<adj::PadOp>(*x, {n.named("low", n.b.getDenseI64ArrayAttr(low)),
                                n.named("high", n.b.getDenseI64ArrayAttr(high)),
                                n.named("value", n.b.getF64FloatAttr(value))}));
}

/// A constant of `shape` with every element `value` (one element).
LogicalResult filled(NodeContext &n, ArrayRef<int64_t> shape,
                     DenseElementsAttr value, Results &results) {
  if (llvm::any_of(shape, [](int64_t d) { return d < 0; }))
    return n.error() << "the shape has a negative entry";
  if (!elementCount(shape))
    return n.error() << "the shape has too many elements";
  auto type = RankedTensorType::get(shape, value.getElementType());
  results.push_back(
      {{},
       DenseElementsAttr::get(type, *value.getValues<Attribute>().begin())});
  return success();
}

/// ConstantOfShape: a splat of `value` (float 0 by default) of the shape
/// known at import time.
LogicalResult constantOfShape(NodeContext &n, Results &results) {
  FailureOr<SmallVector<int64_t>> shape = n.ints(0, "the shape");
  if (failed(shape))
    return failure();
  DenseElementsAttr value = DenseElementsAttr::get(
      RankedTensorType::get({1}, n.b.getF32Type()), 0.0f);
  if (const onnx::AttributeProto *a =
          n.attr("value", onnx::AttributeProto::TENSOR)) {
    FailureOr<DenseElementsAttr> given = readTensor(a->t(), n.loc);
    if (failed(given))
      return failure();
    if (given->getNumElements() != 1)
      return n.error() << "value must have one element";
    value = *given;
  }
  return filled(n, *shape, value, results);
}

/// The most entries a folded Range may have: its values are stored in the
/// IR.
constexpr int64_t kMaxFoldedRange = int64_t(1) << 24;

/// Range: start, limit and delta must be known at import time (shapes are
/// static; F.unfold's exported index computations are), and it folds to the
/// constant of their element type. As ONNX defines it, there are
/// max(ceil((limit - start) / delta), 0) entries, and a float range adds
/// delta to the previous entry in the element type (its function body's
/// Loop); integers are exact.
LogicalResult range(NodeContext &n, Results &results) {
  static const char *names[] = {"start", "limit", "delta"};
  Type element = n.type(0).getElementType();
  for (unsigned i = 0; i < 3; ++i) {
    if (!n.input(i).constant)
      return n.error() << names[i] << " (input " << i
                       << ") is known only at run time: Range must fold at "
                          "import time, where shapes are static (compute "
                          "it from constants or static shapes)";
    if (n.type(i).getRank() != 0 && n.type(i).getNumElements() != 1)
      return n.error() << names[i] << " (input " << i << ") has type "
                       << n.type(i) << "; expected a scalar";
    if (n.type(i).getElementType() != element)
      return n.error() << "start, limit and delta must have one element "
                          "type, not "
                       << element << " and " << n.type(i).getElementType();
  }
  auto tooLong = [&](double count) {
    return n.error() << "the range has " << count << " entries; at most "
                     << kMaxFoldedRange << " fold";
  };
  if (element.isInteger(1) || !element.isIntOrFloat())
    return n.error() << "element type " << element << " is not supported";
  if (auto integer = dyn_cast<IntegerType>(element)) {
    int64_t start = intValues(n.input(0).constant)[0],
            limit = intValues(n.input(1).constant)[0],
            delta = intValues(n.input(2).constant)[0];
    if (delta == 0)
      return n.error() << "delta is 0";
    // In 128 bits: limit - start may not fit in 64.
    __int128 span = __int128(limit) - start, count = span / delta;
    if (count * delta != span && (span < 0) == (delta < 0))
      ++count;
    count = std::max<__int128>(count, 0);
    if (count > kMaxFoldedRange)
      return tooLong(double(count));
    // Every entry lies between start and limit, so it fits the type.
    SmallVector<APInt> values;
    for (int64_t i = 0; i < int64_t(count); ++i)
      values.push_back(APInt(integer.getWidth(), uint64_t(start + i * delta),
                             /*isSigned=*/true));
    auto type = RankedTensorType::get({int64_t(count)}, element);
    results.push_back({{}, DenseElementsAttr::get(type, values)});
    return success();
  }
  auto read = [&](unsigned i) {
    return *n.input(i).constant.getValues<APFloat>().begin();
  };
  APFloat start = read(0), limit = read(1), delta = read(2);
  if (delta.isZero() || !start.isFinite() || !limit.isFinite() ||
      !delta.isFinite())
    return n.error() << "start, limit and delta must be finite and delta "
                        "not 0";
  // (limit - start) / delta in the element type, rounded up.
  APFloat count = limit;
  count.subtract(start, APFloat::rmNearestTiesToEven);
  count.divide(delta, APFloat::rmNearestTiesToEven);
  count.roundToIntegral(APFloat::rmTowardPositive);
  double entries = std::max(count.convertToDouble(), 0.0);
  if (entries > kMaxFoldedRange)
    return tooLong(entries);
  SmallVector<APFloat> values;
  APFloat entry = start;
  for (int64_t i = 0; i < int64_t(entries); ++i) {
    values.push_back(entry);
    entry.add(delta, APFloat::rmNearestTiesToEven);
  }
  auto type = RankedTensorType::get({int64_t(entries)}, element);
  results.push_back({{}, DenseElementsAttr::get(type, values)});
  return success();
}

/// ConstantFill, the experimental operator PyTorch exports before opset 9
/// for torch.zeros, ones and full (an LSTM's initial state): `value` as
/// `dtype`, of the shape input 0 holds (input_as_shape 1) or has, or else
/// of the attribute shape, with extra_shape appended.
LogicalResult constantFill(NodeContext &n, Results &results) {
  SmallVector<int64_t> shape;
  if (n.hasInput(0) && n.getInt("input_as_shape", 0)) {
    FailureOr<SmallVector<int64_t>> given = n.ints(0, "the shape");
    if (failed(given))
      return failure();
    shape = *given;
  } else if (n.hasInput(0)) {
    shape = llvm::to_vector(n.type(0).getShape());
  } else if (std::optional<SmallVector<int64_t>> given = n.getInts("shape")) {
    shape = *given;
  }
  if (std::optional<SmallVector<int64_t>> extra = n.getInts("extra_shape"))
    shape.append(*extra);
  int64_t dtype = n.getInt("dtype", onnx::TensorProto::FLOAT);
  Type element = getElementType(n.b.getContext(), dtype);
  if (!element)
    return n.error() << "dtype " << dtype << " is not supported";
  double v = n.getFloat("value", 0);
  auto one = RankedTensorType::get({1}, element);
  Attribute value;
  if (isa<FloatType>(element)) {
    value = FloatAttr::get(element, v);
  } else if (element.isInteger(1)) {
    value = IntegerAttr::get(element, int64_t(v != 0));
  } else {
    // Truncated toward zero, in range of the dtype's own width (an INT32
    // 3e9 is an error, not 3e9 wrapped).
    APSInt i(element.getIntOrFloatBitWidth(), /*isUnsigned=*/false);
    bool exact;
    if (APFloat(v).convertToInteger(i, APFloat::rmTowardZero, &exact) &
        APFloat::opInvalidOp)
      return n.error() << "value " << v << " does not fit the integer dtype";
    value = IntegerAttr::get(element, i);
  }
  return filled(n, shape, DenseElementsAttr::get(one, value), results);
}

const OperatorInfo operators[] = {
    {"Concat", 4, 17, 1, concat,
     "`adj.concat`; 1-D integer constants (shapes) fold"},
    {"Constant", 1, 17, 0, constant,
     "`value`, `value_float(s)`, `value_int(s)`; kept at import time, an "
     "`adj.constant` where used at run time"},
    {"ConstantFill", 1, 8, 0, constantFill,
     "experimental (PyTorch's `torch.zeros`, `ones` and `full` before "
     "opset 9): folds to a constant"},
    {"ConstantOfShape", 9, 17, 1, constantOfShape,
     "folds to a constant (the shape known at import time)"},
    {"DepthToSpace", 11, 17, 1, depthToSpace,
     "`adj.transpose` between reshapes; DCR or CRD"},
    {"Expand", 8, 17, 2, expand,
     "`adj.broadcast_to`; the shape known at import time"},
    {"Flatten", 1, 17, 1, flatten, "`adj.reshape`"},
    {"Gather", 1, 17, 2, gather,
     "`adj.gather`; constant indices may be negative; on 1-D integer "
     "constants (shapes) it folds"},
    {"GatherElements", 11, 17, 2, gatherElements,
     "`adj.gather` of the flattened data at flat positions (computed at "
     "import time for constant indices, else in f64 and converted)"},
    {"OneHot", 9, 17, 3, oneHot,
     "`adj.one_hot` of run-time integer indices (from opset 11 a negative "
     "index counts from the end, by an `adj.select` in f64), the axis "
     "moved by `adj.transpose`, scaled to the off and on values (folded if "
     "known at import time, else sliced at run time: differentiable); "
     "integer values in f64, then `adj.convert`"},
    {"Pad", 2, 17, 1, pad,
     "`adj.pad` in constant mode; reflect and edge modes as slices "
     "(`adj.reverse`d, or broadcast) concatenated; pads known at import "
     "time (before opset 11 the attributes pads and value), negative ones "
     "(cropping) an `adj.slice` first"},
    {"Range", 11, 17, 3, range,
     "folds to a constant: start, limit and delta must be known at import "
     "time (shapes are static)"},
    {"Reshape", 5, 17, 2, reshape,
     "`adj.reshape`; the shape known at import time (0 and -1 as ONNX)"},
    {"ScatterElements", 11, 17, 3, scatterElements,
     "`adj.scatter_add` of the updates at flat positions (as "
     "GatherElements) into zeros; reduction add: added to the data; none: "
     "selected where an index points (repeated indices add up)"},
    {"ScatterND", 11, 17, 3, scatterND,
     "the data as [rows, slice] (its first k dimensions, k the indices' "
     "last, and the rest), each index tuple a row: `adj.scatter_add` of the "
     "updates into zeros, then `adj.select`ed where a tuple points "
     "(reduction none; the data's derivative is 0 there), added (add, from "
     "opset 16) or multiplied in (mul); negative indices count from the "
     "end; a repeated tuple (undefined in ONNX) is an error for none and "
     "mul: at import time for constant indices, else adj-check-indices' "
     "run-time status"},
    {"Shape", 1, 17, 1, shape, "folds to a constant (static shapes)"},
    {"Slice", 1, 17, 1, slice,
     "`adj.slice`; bounds known at import time (attributes before opset "
     "10); negative steps `adj.reverse` the slice; integer constants fold"},
    {"SequenceAt", 11, 17, 2, sequenceAt,
     "of a `SplitToSequence` only, at a position known at import time: "
     "that piece"},
    {"Split", 2, 17, 1, split, "`adj.slice` per output"},
    {"SplitToSequence", 11, 17, 1, splitToSequence,
     "`adj.slice` per piece, split known at import time; read by "
     "`SequenceAt` only"},
    {"Squeeze", 1, 17, 1, squeeze, "`adj.reshape`"},
    {"Tile", 6, 17, 2, tile,
     "`adj.broadcast_to` between reshapes; repeats known at import time"},
    {"Transpose", 1, 17, 1, transpose,
     "`adj.transpose`; integer constants fold"},
    {"Trilu", 14, 17, 1, trilu,
     "`adj.select` by a constant mask; k known at import time; a constant "
     "(a bool causal mask) folds"},
    {"Unsqueeze", 1, 17, 1, unsqueeze, "`adj.reshape`"},
};

} // namespace

ArrayRef<OperatorInfo> onnx_import::getShapesOperators() { return operators; }
