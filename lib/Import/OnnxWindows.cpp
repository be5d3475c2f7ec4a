//===- OnnxWindows.cpp - Convolution, pooling and Resize ------------------===//
//
// Part of the Adjoint project.
//
// Convolutions, pooling and Resize: the window operators.
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
  if (n.attr("output_shape", onnx::AttributeProto::INTS))
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

/// MaxPool's Indices: each window's first maximum (the one the pool's
/// derivative routes to) as its flat position in `x` (row-major over N, C,
/// H, W, as ONNX), by an adj.max_pool2d_gather of the positions (adj.iota),
/// in f64 unless x's type holds them exactly, converted to i64.
FailureOr<Value> poolIndices(NodeContext &n, Value x,
                             ArrayRef<NamedAttribute> window) {
  Value image = isOneD(n) ? asImage(n, x) : x;
  auto type = cast<RankedTensorType>(image.getType());
  int64_t count = type.getNumElements();
  if (count > (int64_t(1) << 53))
    return n.error() << "the input has too many entries to index";
  if (count > (int64_t(1) << 24) && !type.getElementType().isF64()) {
    type = type.clone(n.b.getF64Type());
    FailureOr<Value> wide = n.create<adj::ConvertOp>(image, {}, type);
    if (failed(wide))
      return failure();
    image = *wide;
  }
  FailureOr<Value> positions = n.create<adj::IotaOp>(
      {}, {n.named("dim", n.b.getI64IntegerAttr(0))},
      {RankedTensorType::get({count}, type.getElementType())});
  if (failed(positions))
    return failure();
  SmallVector<NamedAttribute> attrs(window);
  FailureOr<Value> taken = n.create<adj::MaxPool2DGatherOp>(
      {image, n.reshape(*positions, type.getShape())}, attrs);
  if (failed(taken))
    return failure();
  auto out = cast<RankedTensorType>(taken->getType());
  return n.create<adj::ConvertOp>(*taken, {}, out.clone(n.b.getI64Type()));
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
  if (average || n.node.output_size() < 2 || n.node.output(1).empty())
    return success();
  if (failed(windowResult(n, results, poolIndices(n, *x, *attrs))))
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

/// Resize's (and Upsample's) scales known at import time, or none to take
/// the sizes: Upsample's attribute before opset 9, then input 1 of
/// Upsample and of Resize (opset 10), input 2 from opset 11 (after the
/// roi), where it may be empty. An input is a constant or a float
/// initializer's initial value (an argument: its initial value is the
/// scales).
FailureOr<SmallVector<APFloat>> resizeScales(NodeContext &n) {
  if (n.node.op_type() == "Upsample" && n.opset < 9) {
    const onnx::AttributeProto *a =
        n.attr("scales", onnx::AttributeProto::FLOATS);
    if (!a)
      return n.error() << "the attribute scales is required before opset 9";
    SmallVector<APFloat> scales;
    for (float f : a->floats())
      scales.push_back(APFloat(f));
    return scales;
  }
  unsigned i = n.opset < 11 ? 1 : 2;
  if (!n.hasInput(i) || n.type(i).getNumElements() == 0) {
    if (n.opset < 11)
      return n.error() << "the scales (input 1) are required before opset 11";
    return SmallVector<APFloat>();
  }
  DenseElementsAttr given =
      n.input(i).constant ? n.input(i).constant : n.input(i).initialValue;
  if (!given || !isa<FloatType>(n.type(i).getElementType()))
    return n.error() << "the scales must be floats known at import time";
  return llvm::to_vector(given.getValues<APFloat>());
}

/// Resize's output sizes and scales, per dimension: from the scales (the
/// size is floor(d * scale)) or from the sizes (the scale is size / d).
LogicalResult resizeShape(NodeContext &n, SmallVectorImpl<int64_t> &out,
                          SmallVectorImpl<double> &scales) {
  ArrayRef<int64_t> in = n.type(0).getShape();
  FailureOr<SmallVector<APFloat>> given = resizeScales(n);
  if (failed(given))
    return failure();
  if (!given->empty()) {
    for (auto [v, d] : llvm::zip(*given, in)) {
      double f = v.convertToDouble();
      if (!(f > 0) || !std::isfinite(f))
        return n.error() << "scale " << f << " is not positive";
      // The product in the scales' precision, as ONNX Runtime computes
      // it: PyTorch exports a size of 5 from 3 as the f32 scale 5/3, whose
      // product with 3 is 5 in f32 but 4.9999999 in f64.
      bool single = &v.getSemantics() == &APFloat::IEEEsingle();
      double size =
          std::floor(single ? double(float(d) * float(f)) : double(d) * f);
      // Converted to int64_t only if it fits (2^62 is exact in a double).
      if (!(size < 0x1p62))
        return n.error() << "scale " << f << " makes a dimension of " << d
                         << " too large";
      scales.push_back(f);
      out.push_back(int64_t(size));
    }
    if (given->size() != in.size())
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

/// The coordinate transformation and nearest rounding: attributes from
/// opset 11; before, Upsample and Resize-10 map output coordinate o to o /
/// scale (asymmetric), rounded down for nearest (ONNX Runtime's reading;
/// PyTorch's nearest for whole factors).
std::string coordinateTransform(NodeContext &n) {
  return n.opset < 11
             ? "asymmetric"
             : n.getString("coordinate_transformation_mode", "half_pixel");
}
std::string nearestMode(NodeContext &n) {
  return n.opset < 11 ? "floor"
                      : n.getString("nearest_mode", "round_prefer_floor");
}

/// The most entries Resize makes along one dimension (whose output entries'
/// indices, and weights, are import-time constants).
constexpr int64_t kMaxInterpolatedResize = int64_t(1) << 24;

/// The source coordinate of output entry o of a dimension resized from d
/// to `size` entries by `scale` (one of the transforms resizing supports).
double sourceCoordinate(StringRef transform, int64_t o, int64_t d, int64_t size,
                        double scale) {
  if (transform == "align_corners")
    return size > 1 ? double(o) * double(d - 1) / double(size - 1) : 0.0;
  if (transform == "asymmetric")
    return double(o) / scale;
  if (transform == "pytorch_half_pixel" && size == 1)
    return 0.0;
  return (double(o) + 0.5) / scale - 0.5;
}

/// Nearest-neighbour resizing: output entry o of a dimension reads the
/// input entry the node's coordinate transformation and nearest_mode give
/// (clamped into the input). When every dimension is upsampled by a whole
/// factor f and those entries are o / f (the usual case: half_pixel
/// rounded, asymmetric floored), each dimension is repeated as [d, 1]
/// broadcast to [d, f] and merged; otherwise each dimension that does not
/// read its input in order is an adj.gather of constant indices (a scale
/// of 3.1 on 5 entries makes 15 that read floor(o / 3.1), not o / 3).
LogicalResult resizeNearest(NodeContext &n, Value x, ArrayRef<int64_t> out,
                            ArrayRef<double> scales, Results &results) {
  std::string transform = coordinateTransform(n);
  std::string rounding = nearestMode(n);
  if (!llvm::is_contained(
          {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"},
          transform) ||
      !llvm::is_contained(
          {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"},
          rounding))
    return n.error() << "coordinate_transformation_mode " << transform
                     << " with nearest_mode " << rounding
                     << " is not supported: half_pixel, pytorch_half_pixel, "
                        "align_corners or asymmetric with "
                        "round_prefer_floor, round_prefer_ceil, floor or "
                        "ceil";
  ArrayRef<int64_t> in = n.type(0).getShape();
  SmallVector<SmallVector<int64_t>> sources;
  bool whole = true;
  for (int64_t axis = 0, rank = in.size(); axis < rank; ++axis) {
    int64_t d = in[axis], size = out[axis];
    if (size > kMaxInterpolatedResize)
      return n.error() << "resizing to " << size
                       << " entries along a dimension is not supported (at "
                          "most "
                       << kMaxInterpolatedResize << ")";
    SmallVector<int64_t> &source = sources.emplace_back();
    for (int64_t o = 0; o < size; ++o) {
      double c = sourceCoordinate(transform, o, d, size, scales[axis]);
      double below = std::floor(c);
      double i = rounding == "floor"  ? below
                 : rounding == "ceil" ? std::ceil(c)
                 : c - below == 0.5
                     ? (rounding == "round_prefer_floor" ? below : below + 1)
                     : std::round(c);
      source.push_back(int64_t(std::clamp(i, 0.0, double(d - 1))));
      whole &= size % d == 0 && source.back() == o / (size / d);
    }
  }
  if (whole) {
    SmallVector<int64_t> pairs, repeated;
    for (auto [d, size] : llvm::zip(in, out)) {
      pairs.append({d, 1});
      repeated.append({d, size / d});
    }
    return repeat(n, x, pairs, repeated, out, results);
  }
  for (auto [axis, source] : llvm::enumerate(sources)) {
    if (int64_t(source.size()) == in[axis] &&
        llvm::equal(source, llvm::seq<int64_t>(0, in[axis])))
      continue;
    Value index = n.materialize(
        intConstant(n.b.getContext(), {int64_t(source.size())}, source));
    FailureOr<Value> y = n.create<adj::GatherOp>(
        {x, index}, {n.named("axis", n.b.getI64IntegerAttr(axis))});
    if (failed(y))
      return failure();
    x = *y;
  }
  return result(results, x);
}

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
/// the input (ONNX's exclude_outside 0, PyTorch's bicubic; with 1, the
/// taps outside weigh 0 and the others are renormalized), weighted by
/// Keys' kernel with coefficient A (cubic_coeff_a, PyTorch's -0.75). Each
/// tap is an adj.gather of constant indices, its weight a constant
/// broadcast along the dimensions after the resized one.
LogicalResult resizeInterpolated(NodeContext &n, Value x, ArrayRef<int64_t> out,
                                 ArrayRef<double> scales, bool cubic,
                                 Results &results) {
  std::string transform = coordinateTransform(n);
  if (!llvm::is_contained(
          {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"},
          transform))
    return n.error() << "coordinate_transformation_mode " << transform
                     << " is not supported for linear or cubic resizing: "
                        "half_pixel, pytorch_half_pixel, align_corners or "
                        "asymmetric";
  bool excludeOutside = n.getInt("exclude_outside", 0);
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
      double c = sourceCoordinate(transform, o, d, size, scale);
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
      // exclude_outside 1: the taps outside the input weigh 0 and the
      // others are scaled to sum to 1.
      double w[4], sum = 0;
      for (int64_t k = 0; k < 4; ++k) {
        int64_t j = i0 - 1 + k;
        w[k] =
            excludeOutside && (j < 0 || j >= d) ? 0.0 : keys(t + 1 - double(k));
        sum += w[k];
      }
      for (int64_t k = 0; k < 4; ++k) {
        taps[k].indices.push_back(std::clamp<int64_t>(i0 - 1 + k, 0, d - 1));
        taps[k].weights.push_back(excludeOutside ? w[k] / sum : w[k]);
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

/// Resize (and Upsample, its form before opset 10): nearest-neighbour,
/// linear or cubic, to any size.
LogicalResult resize(NodeContext &n, Results &results) {
  std::string mode = n.getString("mode", "nearest");
  if (mode != "nearest" && mode != "linear" &&
      (mode != "cubic" || n.opset < 11))
    return n.error() << "mode " << mode << " is not supported at opset "
                     << n.opset << ": nearest, linear"
                     << (n.opset < 11 ? "" : " or cubic");
  SmallVector<int64_t> out;
  SmallVector<double> scales;
  if (failed(resizeShape(n, out, scales)))
    return failure();
  FailureOr<Value> x = n.floatValue(0);
  if (failed(x))
    return failure();
  if (mode == "nearest")
    return resizeNearest(n, *x, out, scales, results);
  return resizeInterpolated(n, *x, out, scales, mode == "cubic", results);
}

/// GridSample's coordinate along a dimension of `size` from the grid's
/// normalized one `g` in [-1, 1] (differentiable, as PyTorch's
/// grid_sampler_compute_source_index): unnormalized (align_corners: -1 and
/// 1 are the centers of the corner pixels, else their outer edges), then
/// reflected about the edges (reflection) and clipped into [0, size - 1]
/// (border, reflection; the derivative is 0 at the bounds, as PyTorch's).
FailureOr<Value> sourceCoordinate(NodeContext &n, Value g, int64_t size,
                                  bool alignCorners, StringRef padding) {
  auto type = cast<RankedTensorType>(g.getType());
  auto scalar = [&](double v) {
    return n.splat(RankedTensorType::get({}, type.getElementType()), v);
  };
  auto binary = [&](auto op, Value a, double b) -> FailureOr<Value> {
    return n.create<decltype(op)>({a, scalar(b)});
  };
  FailureOr<Value> c = binary(adj::AddOp(), g, 1.0);
  if (succeeded(c))
    c = binary(adj::MulOp(), *c, alignCorners ? (size - 1) / 2.0 : size / 2.0);
  if (succeeded(c) && !alignCorners)
    c = binary(adj::SubOp(), *c, 0.5);
  if (failed(c))
    return failure();
  if (padding == "reflection") {
    // PyTorch's reflect_coordinates: |c - low| folded into [0, span],
    // flipped on odd folds.
    double low = alignCorners ? 0.0 : -0.5;
    double span = alignCorners ? size - 1.0 : double(size);
    if (span == 0)
      return n.splat(type, 0.0);
    FailureOr<Value> d = binary(adj::SubOp(), *c, low);
    if (succeeded(d))
      d = n.create<adj::AbsOp>(*d);
    FailureOr<Value> flips = failure();
    if (succeeded(d))
      flips = binary(adj::DivOp(), *d, span);
    if (succeeded(flips))
      flips = n.create<adj::FloorOp>(*flips);
    FailureOr<Value> folded = failure(), half = failure();
    if (succeeded(flips)) {
      folded = binary(adj::MulOp(), *flips, span);
      half = binary(adj::MulOp(), *flips, 0.5);
    }
    if (succeeded(folded))
      folded = n.create<adj::SubOp>({*d, *folded}); // fmod(d, span)
    if (succeeded(half))
      half = n.create<adj::FloorOp>(*half);
    if (succeeded(half))
      half = binary(adj::MulOp(), *half, 2.0);
    FailureOr<Value> even = failure(), up = failure(), down = failure();
    if (succeeded(half))
      even = compare(n, adj::ComparisonDirection::eq, *flips, *half);
    if (succeeded(folded)) {
      up = binary(adj::AddOp(), *folded, low);
      down = n.create<adj::SubOp>({scalar(span + low), *folded});
    }
    if (failed(even) || failed(up) || failed(down))
      return failure();
    c = n.create<adj::SelectOp>({*even, *up, *down});
    if (failed(c))
      return failure();
  }
  if (padding == "zeros")
    return c;
  for (auto [direction, bound] :
       {std::pair(adj::ComparisonDirection::gt, 0.0),
        std::pair(adj::ComparisonDirection::lt, size - 1.0)}) {
    FailureOr<Value> inside = compare(n, direction, *c, scalar(bound));
    if (failed(inside))
      return failure();
    c = n.create<adj::SelectOp>({*inside, *c, scalar(bound)});
    if (failed(c))
      return failure();
  }
  return c;
}

/// GridSample (F.grid_sample) of an [N, C, H, W] input at an [N, Ho, Wo, 2]
/// grid of (x, y) in [-1, 1]: the coordinates (sourceCoordinate), then for
/// each tap (the 4 neighbours, bilinear; the nearest, ties to even, as
/// PyTorch) an `adj.gather` of the input's pixels ([N * H * W, C]) at the
/// tap's flat position, weighted; a tap outside the input weighs 0 (and
/// reads pixel 0). So the input's derivative is the gathers' scatter and
/// the grid's flows through the bilinear weights (0 for nearest).
LogicalResult gridSample(NodeContext &n, Results &results) {
  FailureOr<Value> x = n.floatValue(0), grid = n.floatValue(1);
  if (failed(x) || failed(grid))
    return failure();
  RankedTensorType type = n.type(0), gridType = n.type(1);
  if (type.getRank() != 4 || gridType.getRank() != 4 ||
      gridType.getDimSize(3) != 2 ||
      gridType.getDimSize(0) != type.getDimSize(0))
    return n.error() << "the input " << type << " and grid " << gridType
                     << " must be [N, C, H, W] and [N, Ho, Wo, 2]";
  if (gridType.getElementType() != type.getElementType())
    return n.error() << "the grid " << gridType
                     << " must have the input's element type";
  std::string mode = n.getString("mode", "bilinear");
  std::string padding = n.getString("padding_mode", "zeros");
  bool alignCorners = n.getInt("align_corners", 0);
  if (mode != "bilinear" && mode != "nearest")
    return n.error() << "mode " << mode
                     << " is not supported: bilinear or nearest";
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return n.error() << "padding_mode " << padding
                     << " is not supported: zeros, border or reflection";
  int64_t batch = type.getDimSize(0), channels = type.getDimSize(1),
          height = type.getDimSize(2), width = type.getDimSize(3),
          rows = gridType.getDimSize(1), cols = gridType.getDimSize(2);
  std::optional<int64_t> pixels = elementCount({batch, height, width});
  if (!pixels || *pixels >= (int64_t(1) << 53))
    return n.error() << "the input has too many pixels to index";
  auto planeType = gridType.clone({batch, rows, cols});
  auto f64 = planeType.clone(n.b.getF64Type());
  Value zero = n.scalar(0.0);
  // The grid's x and y as source coordinates.
  const int64_t sizes[2] = {width, height};
  SmallVector<Value> at;
  for (auto [d, size] : llvm::enumerate(sizes)) {
    FailureOr<Value> g = sliceAlong(n, *grid, 3, d, d + 1);
    if (failed(g))
      return failure();
    FailureOr<Value> c = sourceCoordinate(
        n, n.reshape(*g, planeType.getShape()), size, alignCorners, padding);
    if (failed(c))
      return failure();
    at.push_back(*c);
  }
  // The taps along each axis: (integer coordinate, weight) pairs.
  SmallVector<SmallVector<std::pair<Value, Value>, 2>, 2> taps(2);
  for (int d = 0; d < 2; ++d) {
    if (mode == "nearest") {
      FailureOr<Value> c = n.create<adj::RoundOp>(at[d]);
      if (failed(c))
        return failure();
      taps[d].push_back({*c, n.splat(planeType, 1.0)});
      continue;
    }
    FailureOr<Value> low = n.create<adj::FloorOp>(at[d]);
    if (failed(low))
      return failure();
    FailureOr<Value> high = n.create<adj::AddOp>({*low, n.scalar(1.0)});
    FailureOr<Value> upper = n.create<adj::SubOp>({at[d], *low});
    if (failed(high) || failed(upper))
      return failure();
    FailureOr<Value> lower = n.create<adj::SubOp>({*high, at[d]});
    if (failed(lower))
      return failure();
    taps[d] = {{*low, *lower}, {*high, *upper}};
  }
  // The input's pixels as rows; the batch's first pixel per grid point.
  FailureOr<Value> pixelsFirst = n.create<adj::TransposeOp>(
      *x, {n.named("permutation", n.b.getDenseI64ArrayAttr({0, 2, 3, 1}))});
  if (failed(pixelsFirst))
    return failure();
  Value table = n.reshape(*pixelsFirst, {*pixels, channels});
  SmallVector<double> starts;
  for (int64_t b = 0; b < batch; ++b)
    starts.push_back(double(b * height * width));
  auto startType = RankedTensorType::get({batch, 1, 1}, n.b.getF64Type());
  Value start = n.b.create<adj::ConstantOp>(
      n.loc, startType, DenseElementsAttr::get(startType, ArrayRef(starts)));
  Value sum;
  for (auto [cx, wx] : taps[0]) {
    for (auto [cy, wy] : taps[1]) {
      FailureOr<Value> weight = n.create<adj::MulOp>({wx, wy});
      if (failed(weight))
        return failure();
      // Outside the input (or NaN): weight 0, coordinate 0.
      SmallVector<Value> c = {cx, cy};
      for (auto [d, size] : llvm::enumerate(sizes)) {
        for (auto [direction, bound] :
             {std::pair(adj::ComparisonDirection::ge, 0.0),
              std::pair(adj::ComparisonDirection::le, size - 1.0)}) {
          FailureOr<Value> inside =
              compare(n, direction, c[d], n.scalar(bound));
          if (failed(inside))
            return failure();
          weight = n.create<adj::SelectOp>({*inside, *weight, zero});
          FailureOr<Value> kept =
              n.create<adj::SelectOp>({*inside, c[d], zero});
          if (failed(weight) || failed(kept))
            return failure();
          c[d] = *kept;
        }
      }
      FailureOr<Value> px = n.create<adj::ConvertOp>(c[0], {}, f64);
      FailureOr<Value> py = n.create<adj::ConvertOp>(c[1], {}, f64);
      if (failed(px) || failed(py))
        return failure();
      FailureOr<Value> position =
          n.create<adj::MulOp>({*py, f64Scalar(n, double(width))});
      if (succeeded(position))
        position = n.create<adj::AddOp>({*position, *px});
      if (succeeded(position))
        position = n.create<adj::AddOp>({*position, start});
      if (succeeded(position))
        position = n.create<adj::ConvertOp>(*position, {},
                                            f64.clone(n.b.getI64Type()));
      if (failed(position))
        return failure();
      FailureOr<Value> value = n.create<adj::GatherOp>(
          {table, *position}, {n.named("axis", n.b.getI64IntegerAttr(0))});
      if (failed(value))
        return failure();
      FailureOr<Value> term = n.create<adj::MulOp>(
          {*value, n.reshape(*weight, {batch, rows, cols, 1})});
      if (failed(term))
        return failure();
      if (sum) {
        FailureOr<Value> s = n.create<adj::AddOp>({sum, *term});
        if (failed(s))
          return failure();
        term = s;
      }
      sum = *term;
    }
  }
  return result(results,
                n.create<adj::TransposeOp>(
                    sum, {n.named("permutation",
                                  n.b.getDenseI64ArrayAttr({0, 3, 1, 2}))}));
}

const OperatorInfo operators[] = {
    {"AveragePool", 7, 17, 1, pool<adj::AvgPool2DOp>,
     "`adj.avg_pool2d`; 1-D (as 2-D of height 1) or 2-D, floor or ceil "
     "mode (as MaxPool), `auto_pad` NOTSET or VALID; 3-D in floor mode as "
     "MaxPool, summed and divided by the depths counted"},
    {"Conv", 1, 17, 2, conv,
     "`adj.conv2d` (+ bias); 1-D (as 2-D of height 1), 2-D or 3-D (one "
     "`adj.conv2d` per kernel depth of strided depth slices moved into the "
     "batch, summed), strides, pads, dilations, group; `auto_pad` NOTSET "
     "or VALID"},
    {"ConvTranspose", 1, 17, 2, convTranspose,
     "the derivative of `adj.conv2d` w.r.t. its input (an `adj.vjp` of a "
     "private convolution); 1-D or 2-D, strides, pads, dilations, group, "
     "output_padding; no output_shape"},
    {"GlobalAveragePool", 1, 17, 1, globalAveragePool,
     "`adj.mean` over the spatial axes"},
    {"GridSample", 16, 17, 2, gridSample,
     "of an [N, C, H, W] input at an [N, Ho, Wo, 2] grid: per tap (4 "
     "neighbours bilinear, 1 nearest: ties to even, as PyTorch) an "
     "`adj.gather` of the input's pixels at run-time positions, weighted "
     "(the grid's derivative flows through the bilinear weights; 0 for "
     "nearest); a tap outside the input weighs 0; align_corners 0 or 1, "
     "padding_mode zeros, border or reflection (clipped, derivative 0 at "
     "the bounds, as PyTorch); no bicubic"},
    {"MaxPool", 8, 17, 1, pool<adj::MaxPool2DOp>,
     "`adj.max_pool2d`; 1-D (as 2-D of height 1) or 2-D, floor or ceil "
     "mode, no dilations; the Indices output (1-D and 2-D, storage_order "
     "0) is each window's first maximum as a flat position in the input, "
     "an i64 tensor at run time (`adj.max_pool2d_gather` of `adj.iota`; "
     "no derivative); 3-D in floor mode: the 2-D pool of each kernel "
     "depth's slices (as Conv), the first maximum kept by `adj.select`s"},
    {"Resize", 10, 17, 1, resize,
     "scales or sizes known at import time (a float initializer's initial "
     "value); at opset 10 scales only, asymmetric coordinates, nearest "
     "rounded down, no cubic. Nearest: to any size, half_pixel, "
     "pytorch_half_pixel, align_corners or asymmetric with "
     "round_prefer_floor, round_prefer_ceil, floor or ceil; "
     "`adj.broadcast_to` between reshapes where every dimension is "
     "upsampled by a whole factor f and reads entry o / f, else an "
     "`adj.gather` of constant indices per resized dimension. Linear "
     "(bilinear): two "
     "`adj.gather`s and a weight per resized dimension, to any size, "
     "half_pixel, pytorch_half_pixel, align_corners or asymmetric. Cubic "
     "(bicubic): as linear with four gathers (indices clamped) weighted "
     "by Keys' kernel (cubic_coeff_a); exclude_outside 1 weighs the taps "
     "outside 0 and renormalizes"},
    {"Upsample", 7, 9, 1, resize,
     "as Resize at opset 10: nearest or linear, the scales an attribute "
     "(before opset 9) or an input known at import time"},
};

} // namespace

ArrayRef<OperatorInfo> onnx_import::getWindowsOperators() { return operators; }
