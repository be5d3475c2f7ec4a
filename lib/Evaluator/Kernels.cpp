//===- Kernels.cpp - Reference kernels of the adj ops ---------------------===//
//
// Part of the Adjoint project.
//
// Each kernel is the textbook loop nest of its op, in f64. Where a formula
// has a numerically stable form that the op's description asks for
// (softmax, logsumexp, cross-entropy) the kernel uses it; otherwise it does
// the naive thing, in row-major order, so that a reader can check it against
// the ODS description line by line.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace adjoint;
using namespace adjoint::ref;
using adjoint::adj::Window2D;
using llvm::ArrayRef;
using llvm::SmallVector;

static constexpr double kInf = std::numeric_limits<double>::infinity();

//===----------------------------------------------------------------------===//
// Index helpers
//===----------------------------------------------------------------------===//

int64_t ref::product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

Shape ref::rowMajorStrides(ArrayRef<int64_t> shape) {
  Shape strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

void ref::unravelIndex(int64_t linear, ArrayRef<int64_t> shape,
                       llvm::SmallVectorImpl<int64_t> &index) {
  index.resize(shape.size());
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    index[d] = linear % shape[d];
    linear /= shape[d];
  }
}

int64_t ref::ravelIndex(ArrayRef<int64_t> index, ArrayRef<int64_t> strides) {
  int64_t linear = 0;
  for (auto [i, stride] : llvm::zip_equal(index, strides))
    linear += i * stride;
  return linear;
}

int64_t ref::broadcastSourceIndex(ArrayRef<int64_t> resultIndex,
                                  ArrayRef<int64_t> sourceShape) {
  // The source's dimensions line up with the last ones of the result.
  size_t offset = resultIndex.size() - sourceShape.size();
  int64_t linear = 0;
  for (size_t d = 0; d < sourceShape.size(); ++d) {
    int64_t i = sourceShape[d] == 1 ? 0 : resultIndex[offset + d];
    linear = linear * sourceShape[d] + i;
  }
  return linear;
}

RefTensor ref::makeTensor(Type elementType, ArrayRef<int64_t> shape,
                          double value) {
  RefTensor t;
  t.elementType = elementType;
  t.shape.assign(shape.begin(), shape.end());
  t.data.assign(product(shape), value);
  return t;
}

/// Renders a multi-index or shape as "[1, 2]" for an error message.
static std::string str(ArrayRef<int64_t> values) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << '[';
  llvm::interleaveComma(values, os);
  os << ']';
  return s;
}

/// Renders the type of `t` for an error message.
static std::string str(const RefTensor &t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t.getType();
  return s;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

RefTensor ref::map(const RefTensor &x, llvm::function_ref<double(double)> fn) {
  RefTensor y = makeTensor(x.elementType, x.shape);
  for (int64_t i = 0, e = x.numElements(); i < e; ++i)
    y.data[i] = fn(x.data[i]);
  return y;
}

RefTensor ref::broadcastBinary(const RefTensor &a, const RefTensor &b,
                               llvm::function_ref<double(double, double)> fn) {
  RefTensor y =
      makeTensor(a.elementType, *adj::broadcastShapes(a.shape, b.shape));
  SmallVector<int64_t> index;
  for (int64_t i = 0, e = y.numElements(); i < e; ++i) {
    unravelIndex(i, y.shape, index);
    y.data[i] = fn(a.data[broadcastSourceIndex(index, a.shape)],
                   b.data[broadcastSourceIndex(index, b.shape)]);
  }
  return y;
}

RefTensor ref::compare(const RefTensor &a, const RefTensor &b,
                       adj::ComparisonDirection direction) {
  using adj::ComparisonDirection;
  RefTensor y = broadcastBinary(a, b, [direction](double l, double r) {
    switch (direction) {
    case ComparisonDirection::eq:
      return double(l == r);
    case ComparisonDirection::ne:
      return double(l != r);
    case ComparisonDirection::lt:
      return double(l < r);
    case ComparisonDirection::le:
      return double(l <= r);
    case ComparisonDirection::gt:
      return double(l > r);
    case ComparisonDirection::ge:
      return double(l >= r);
    }
    llvm_unreachable("unknown comparison direction");
  });
  y.elementType = IntegerType::get(a.elementType.getContext(), 1);
  return y;
}

RefTensor ref::select(const RefTensor &condition, const RefTensor &onTrue,
                      const RefTensor &onFalse) {
  Shape shape = *adj::broadcastShapes(
      condition.shape, *adj::broadcastShapes(onTrue.shape, onFalse.shape));
  RefTensor y = makeTensor(onTrue.elementType, shape);
  SmallVector<int64_t> index;
  for (int64_t i = 0, e = y.numElements(); i < e; ++i) {
    unravelIndex(i, shape, index);
    bool c = condition.data[broadcastSourceIndex(index, condition.shape)] != 0;
    const RefTensor &chosen = c ? onTrue : onFalse;
    y.data[i] = chosen.data[broadcastSourceIndex(index, chosen.shape)];
  }
  return y;
}

/// Converts `v` to a `width`-bit signed integer as C converts a float:
/// truncation toward zero. C leaves NaN and out-of-range values undefined;
/// the oracle picks 0 and saturation, as the .npy writer does.
static double truncateToInteger(double v, unsigned width) {
  if (std::isnan(v))
    return 0.0;
  // 2^63 - 1 is not a double: i64 saturates at the largest double below 2^63.
  double limit = std::ldexp(1.0, width - 1);
  double max = width == 64 ? std::nextafter(limit, 0.0) : limit - 1.0;
  return std::clamp(std::trunc(v), -limit, max);
}

/// Converts the integer `v` to a `width`-bit signed integer as C does:
/// keeping the low `width` bits.
static double wrapToInteger(double v, unsigned width) {
  // An i64 near 2^63 may have been rounded up to 2^63 as a double.
  auto i = static_cast<int64_t>(truncateToInteger(v, 64));
  if (width == 32)
    return static_cast<int32_t>(static_cast<uint32_t>(i));
  return static_cast<double>(i);
}

RefTensor ref::convert(const RefTensor &x, Type to) {
  RefTensor y = makeTensor(to, x.shape);
  bool fromInteger = isa<IntegerType>(x.elementType);
  for (int64_t i = 0, e = x.numElements(); i < e; ++i) {
    double v = x.data[i];
    if (isa<FloatType>(to))
      y.data[i] = v; // Every value is already held in f64.
    else if (to.isInteger(1))
      y.data[i] = v != 0 ? 1.0 : 0.0;
    else if (fromInteger)
      y.data[i] = wrapToInteger(v, to.getIntOrFloatBitWidth());
    else
      y.data[i] = truncateToInteger(v, to.getIntOrFloatBitWidth());
  }
  return y;
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

RefTensor ref::iota(Type elementType, ArrayRef<int64_t> shape, int64_t dim) {
  RefTensor y = makeTensor(elementType, shape);
  SmallVector<int64_t> index;
  for (int64_t i = 0, e = y.numElements(); i < e; ++i) {
    unravelIndex(i, shape, index);
    y.data[i] = static_cast<double>(index[dim]);
  }
  return y;
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

RefTensor ref::matmul(const RefTensor &lhs, const RefTensor &rhs) {
  ArrayRef<int64_t> lhsBatch = ArrayRef(lhs.shape).drop_back(2);
  ArrayRef<int64_t> rhsBatch = ArrayRef(rhs.shape).drop_back(2);
  int64_t m = lhs.shape[lhs.shape.size() - 2], k = lhs.shape.back();
  int64_t n = rhs.shape.back();
  Shape shape = *adj::broadcastShapes(lhsBatch, rhsBatch);
  int64_t batches = product(shape);
  shape.append({m, n});
  RefTensor y = makeTensor(lhs.elementType, shape);
  SmallVector<int64_t> batchIndex;
  for (int64_t b = 0; b < batches; ++b) {
    unravelIndex(b, ArrayRef(shape).drop_back(2), batchIndex);
    const double *a =
        lhs.data.data() + broadcastSourceIndex(batchIndex, lhsBatch) * m * k;
    const double *w =
        rhs.data.data() + broadcastSourceIndex(batchIndex, rhsBatch) * k * n;
    double *out = y.data.data() + b * m * n;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double sum = 0.0;
        for (int64_t l = 0; l < k; ++l)
          sum += a[i * k + l] * w[l * n + j];
        out[i * n + j] = sum;
      }
  }
  return y;
}

RefTensor ref::dot(const RefTensor &lhs, const RefTensor &rhs) {
  double sum = 0.0;
  for (int64_t i = 0, e = lhs.numElements(); i < e; ++i)
    sum += lhs.data[i] * rhs.data[i];
  return makeTensor(lhs.elementType, {}, sum);
}

RefTensor ref::transpose(const RefTensor &x, ArrayRef<int64_t> permutation) {
  Shape shape;
  for (int64_t p : permutation)
    shape.push_back(x.shape[p]);
  RefTensor y = makeTensor(x.elementType, shape);
  Shape strides = rowMajorStrides(x.shape);
  SmallVector<int64_t> index, source(shape.size());
  for (int64_t i = 0, e = y.numElements(); i < e; ++i) {
    unravelIndex(i, shape, index);
    for (auto [d, p] : llvm::enumerate(permutation))
      source[p] = index[d];
    y.data[i] = x.data[ravelIndex(source, strides)];
  }
  return y;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

llvm::Expected<RefTensor> ref::reduce(const RefTensor &x,
                                      ArrayRef<int64_t> axes, bool keepdims,
                                      ReduceKind kind) {
  // Reduce into the keepdims shape, then drop the reduced dimensions.
  Shape kept(x.shape);
  int64_t count = 1;
  for (int64_t axis : axes) {
    kept[axis] = 1;
    count *= x.shape[axis];
  }
  int64_t outputs = product(kept);
  if (count == 0 && outputs > 0 &&
      (kind == ReduceKind::Max || kind == ReduceKind::Min))
    return llvm::createStringError(
        "reduces an empty axis of " + str(x) +
        "; the maximum and minimum of no elements are undefined");

  // The output position of every input element.
  Shape keptStrides = rowMajorStrides(kept);
  std::vector<int64_t> target(x.numElements());
  SmallVector<int64_t> index;
  for (int64_t i = 0, e = x.numElements(); i < e; ++i) {
    unravelIndex(i, x.shape, index);
    for (int64_t axis : axes)
      index[axis] = 0;
    target[i] = ravelIndex(index, keptStrides);
  }

  auto fold = [&](double init, auto combine) {
    std::vector<double> acc(outputs, init);
    for (int64_t i = 0, e = x.numElements(); i < e; ++i)
      acc[target[i]] = combine(acc[target[i]], x.data[i]);
    return acc;
  };
  std::vector<double> acc;
  switch (kind) {
  case ReduceKind::Sum:
  case ReduceKind::Mean:
    acc = fold(0.0, scalar::add);
    if (kind == ReduceKind::Mean)
      for (double &v : acc)
        v /= static_cast<double>(count);
    break;
  case ReduceKind::Prod:
    acc = fold(1.0, scalar::mul);
    break;
  case ReduceKind::Max:
    acc = fold(-kInf, scalar::maximum);
    break;
  case ReduceKind::Min:
    acc = fold(kInf, scalar::minimum);
    break;
  case ReduceKind::LogSumExp: {
    // log(sum(exp(x))) = max + log(sum(exp(x - max))); when the maximum is
    // infinite or NaN it is the result itself (this also covers empty axes).
    std::vector<double> maxima = fold(-kInf, scalar::maximum);
    acc.assign(outputs, 0.0);
    for (int64_t i = 0, e = x.numElements(); i < e; ++i)
      if (std::isfinite(maxima[target[i]]))
        acc[target[i]] += std::exp(x.data[i] - maxima[target[i]]);
    for (int64_t o = 0; o < outputs; ++o)
      acc[o] =
          std::isfinite(maxima[o]) ? maxima[o] + std::log(acc[o]) : maxima[o];
    break;
  }
  }

  RefTensor y;
  y.elementType = x.elementType;
  y.data = std::move(acc);
  for (auto [d, size] : llvm::enumerate(kept))
    if (keepdims || !llvm::is_contained(axes, static_cast<int64_t>(d)))
      y.shape.push_back(size);
  return y;
}

//===----------------------------------------------------------------------===//
// Shape
//===----------------------------------------------------------------------===//

RefTensor ref::reshape(const RefTensor &x, ArrayRef<int64_t> shape) {
  RefTensor y = x;
  y.shape.assign(shape.begin(), shape.end());
  return y;
}

RefTensor ref::broadcastTo(const RefTensor &x, ArrayRef<int64_t> shape) {
  RefTensor y = makeTensor(x.elementType, shape);
  SmallVector<int64_t> index;
  for (int64_t i = 0, e = y.numElements(); i < e; ++i) {
    unravelIndex(i, shape, index);
    y.data[i] = x.data[broadcastSourceIndex(index, x.shape)];
  }
  return y;
}

RefTensor ref::slice(const RefTensor &x, ArrayRef<int64_t> start,
                     ArrayRef<int64_t> limit, ArrayRef<int64_t> stride) {
  Shape shape;
  for (size_t d = 0; d < x.shape.size(); ++d)
    shape.push_back((limit[d] - start[d] + stride[d] - 1) / stride[d]);
  RefTensor y = makeTensor(x.elementType, shape);
  Shape strides = rowMajorStrides(x.shape);
  SmallVector<int64_t> index;
  for (int64_t i = 0, e = y.numElements(); i < e; ++i) {
    unravelIndex(i, shape, index);
    for (size_t d = 0; d < index.size(); ++d)
      index[d] = start[d] + index[d] * stride[d];
    y.data[i] = x.data[ravelIndex(index, strides)];
  }
  return y;
}

RefTensor ref::concat(ArrayRef<const RefTensor *> inputs, int64_t axis) {
  Shape shape(inputs.front()->shape);
  shape[axis] = 0;
  for (const RefTensor *input : inputs)
    shape[axis] += input->shape[axis];
  RefTensor y = makeTensor(inputs.front()->elementType, shape);
  Shape strides = rowMajorStrides(shape);
  SmallVector<int64_t> index;
  int64_t offset = 0;
  for (const RefTensor *input : inputs) {
    for (int64_t i = 0, e = input->numElements(); i < e; ++i) {
      unravelIndex(i, input->shape, index);
      index[axis] += offset;
      y.data[ravelIndex(index, strides)] = input->data[i];
    }
    offset += input->shape[axis];
  }
  return y;
}

RefTensor ref::pad(const RefTensor &x, ArrayRef<int64_t> low,
                   ArrayRef<int64_t> high, ArrayRef<int64_t> interior,
                   double value) {
  Shape shape;
  for (size_t d = 0; d < x.shape.size(); ++d)
    shape.push_back(low[d] + x.shape[d] +
                    std::max<int64_t>(x.shape[d] - 1, 0) * interior[d] +
                    high[d]);
  RefTensor y = makeTensor(x.elementType, shape, value);
  Shape strides = rowMajorStrides(shape);
  SmallVector<int64_t> index;
  for (int64_t i = 0, e = x.numElements(); i < e; ++i) {
    unravelIndex(i, x.shape, index);
    for (size_t d = 0; d < index.size(); ++d)
      index[d] = low[d] + index[d] * (interior[d] + 1);
    y.data[ravelIndex(index, strides)] = x.data[i];
  }
  return y;
}

RefTensor ref::reverse(const RefTensor &x, ArrayRef<int64_t> dims) {
  RefTensor y = makeTensor(x.elementType, x.shape);
  Shape strides = rowMajorStrides(x.shape);
  SmallVector<int64_t> index;
  for (int64_t i = 0, e = x.numElements(); i < e; ++i) {
    unravelIndex(i, x.shape, index);
    for (int64_t d : dims)
      index[d] = x.shape[d] - 1 - index[d];
    y.data[i] = x.data[ravelIndex(index, strides)];
  }
  return y;
}

/// Checks that every element of `indices` lies in [0, size); the message
/// names the first one that does not.
static llvm::Error checkIndices(const RefTensor &indices, int64_t size,
                                int64_t axis, const RefTensor &indexed) {
  for (int64_t i = 0, e = indices.numElements(); i < e; ++i) {
    double v = indices.data[i];
    if (v >= 0 && v < static_cast<double>(size))
      continue;
    SmallVector<int64_t> position;
    unravelIndex(i, indices.shape, position);
    return llvm::createStringError(
        llvm::formatv("index {0} at position {1} of the indices is out of "
                      "range [0, {2}) for axis {3} of {4}",
                      static_cast<int64_t>(v), str(position), size, axis,
                      str(indexed))
            .str());
  }
  return llvm::Error::success();
}

llvm::Expected<RefTensor> ref::gather(const RefTensor &x,
                                      const RefTensor &indices, int64_t axis) {
  int64_t size = x.shape[axis];
  if (llvm::Error error = checkIndices(indices, size, axis, x))
    return std::move(error);
  // numpy.take: result[outer, i, inner] = x[outer, indices[i], inner].
  int64_t outer = product(ArrayRef(x.shape).take_front(axis));
  int64_t inner = product(ArrayRef(x.shape).drop_front(axis + 1));
  int64_t count = indices.numElements();
  Shape shape(ArrayRef(x.shape).take_front(axis));
  llvm::append_range(shape, indices.shape);
  llvm::append_range(shape, ArrayRef(x.shape).drop_front(axis + 1));
  RefTensor y = makeTensor(x.elementType, shape);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < count; ++i) {
      auto row = static_cast<int64_t>(indices.data[i]);
      for (int64_t j = 0; j < inner; ++j)
        y.data[(o * count + i) * inner + j] =
            x.data[(o * size + row) * inner + j];
    }
  return y;
}

llvm::Expected<RefTensor> ref::scatterAdd(const RefTensor &updates,
                                          const RefTensor &indices,
                                          int64_t axis,
                                          ArrayRef<int64_t> shape) {
  RefTensor y = makeTensor(updates.elementType, shape);
  int64_t size = shape[axis];
  if (llvm::Error error = checkIndices(indices, size, axis, y))
    return std::move(error);
  // The transpose of gather: y[outer, indices[i], inner] += u[outer, i, inner].
  int64_t outer = product(shape.take_front(axis));
  int64_t inner = product(shape.drop_front(axis + 1));
  int64_t count = indices.numElements();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < count; ++i) {
      auto row = static_cast<int64_t>(indices.data[i]);
      for (int64_t j = 0; j < inner; ++j)
        y.data[(o * size + row) * inner + j] +=
            updates.data[(o * count + i) * inner + j];
    }
  return y;
}

llvm::Expected<RefTensor> ref::oneHot(const RefTensor &indices,
                                      int64_t numClasses, Type elementType,
                                      bool inRange) {
  Shape shape(indices.shape);
  shape.push_back(numClasses);
  RefTensor y = makeTensor(elementType, shape);
  for (int64_t i = 0, e = indices.numElements(); i < e; ++i) {
    double label = indices.data[i];
    if (inRange && !(label >= 0 && label < static_cast<double>(numClasses)))
      return llvm::createStringError(
          llvm::formatv("label {0} at position {1} is out of range [0, {2})",
                        static_cast<int64_t>(label), i, numClasses)
              .str());
    for (int64_t c = 0; c < numClasses; ++c)
      y.data[i * numClasses + c] =
          indices.data[i] == static_cast<double>(c) ? 1.0 : 0.0;
  }
  return y;
}

//===----------------------------------------------------------------------===//
// Neural-network ops
//===----------------------------------------------------------------------===//

/// Calls `fn(base, stride)` for every lane of a tensor of `shape` along
/// `axis`: the elements `base + k * stride` for k in [0, shape[axis]).
static void forEachLane(ArrayRef<int64_t> shape, int64_t axis,
                        llvm::function_ref<void(int64_t, int64_t)> fn) {
  int64_t outer = product(shape.take_front(axis));
  int64_t inner = product(shape.drop_front(axis + 1));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i)
      fn(o * shape[axis] * inner + i, inner);
}

/// The maximum of the `n` elements `data[base + k * stride]` and the log of
/// the sum of their exponentials after subtracting it, the two terms of the
/// stable log-softmax. Nothing is special-cased: with an infinite maximum
/// the terms are NaN, as in PyTorch's log_softmax and cross_entropy.
static std::pair<double, double>
maxAndLogSum(ArrayRef<double> data, int64_t base, int64_t n, int64_t stride) {
  double max = -kInf;
  for (int64_t k = 0; k < n; ++k)
    max = scalar::maximum(max, data[base + k * stride]);
  double sum = 0.0;
  for (int64_t k = 0; k < n; ++k)
    sum += std::exp(data[base + k * stride] - max);
  return {max, std::log(sum)};
}

RefTensor ref::softmax(const RefTensor &x, int64_t axis) {
  RefTensor y = makeTensor(x.elementType, x.shape);
  int64_t n = x.shape[axis];
  forEachLane(x.shape, axis, [&](int64_t base, int64_t stride) {
    double max = -kInf;
    for (int64_t k = 0; k < n; ++k)
      max = scalar::maximum(max, x.data[base + k * stride]);
    double sum = 0.0;
    for (int64_t k = 0; k < n; ++k)
      sum += std::exp(x.data[base + k * stride] - max);
    for (int64_t k = 0; k < n; ++k)
      y.data[base + k * stride] =
          std::exp(x.data[base + k * stride] - max) / sum;
  });
  return y;
}

RefTensor ref::logSoftmax(const RefTensor &x, int64_t axis) {
  RefTensor y = makeTensor(x.elementType, x.shape);
  int64_t n = x.shape[axis];
  forEachLane(x.shape, axis, [&](int64_t base, int64_t stride) {
    auto [max, logSum] = maxAndLogSum(x.data, base, n, stride);
    for (int64_t k = 0; k < n; ++k)
      y.data[base + k * stride] = (x.data[base + k * stride] - max) - logSum;
  });
  return y;
}

llvm::Expected<RefTensor>
ref::softmaxCrossEntropy(const RefTensor &logits, const RefTensor &labels,
                         adj::LossReduction reduction) {
  int64_t n = logits.shape[0], classes = logits.shape[1];
  RefTensor losses = makeTensor(logits.elementType, {n});
  for (int64_t i = 0; i < n; ++i) {
    double label = labels.data[i];
    if (!(label >= 0 && label < static_cast<double>(classes)))
      return llvm::createStringError(
          llvm::formatv("label {0} of example {1} is out of range [0, {2}) for "
                        "logits {3}",
                        static_cast<int64_t>(label), i, classes, str(logits))
              .str());
    // logsumexp(row) - row[label], as -log_softmax(row)[label].
    auto [max, logSum] = maxAndLogSum(logits.data, i * classes, classes, 1);
    losses.data[i] =
        logSum - (logits.data[i * classes + static_cast<int64_t>(label)] - max);
  }
  if (reduction == adj::LossReduction::none)
    return losses;
  double sum = 0.0;
  for (double loss : losses.data)
    sum += loss;
  if (reduction == adj::LossReduction::mean)
    sum /= static_cast<double>(n);
  return makeTensor(logits.elementType, {}, sum);
}

/// The number of positions of a window sliding over `size` elements.
static int64_t windowCount(int64_t size, int64_t padBefore, int64_t padAfter,
                           int64_t kernel, int64_t stride, int64_t dilation) {
  return (size + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride +
         1;
}

RefTensor ref::conv2d(const RefTensor &input, const RefTensor &weight,
                      const Window2D &w) {
  int64_t n = input.shape[0], c = input.shape[1];
  int64_t h = input.shape[2], wd = input.shape[3];
  int64_t o = weight.shape[0], cg = weight.shape[1];
  int64_t kh = weight.shape[2], kw = weight.shape[3];
  int64_t og = o / w.groups;
  int64_t oh = windowCount(h, w.padding[0], w.padding[2], kh, w.stride[0],
                           w.dilation[0]);
  int64_t ow = windowCount(wd, w.padding[1], w.padding[3], kw, w.stride[1],
                           w.dilation[1]);
  RefTensor y = makeTensor(input.elementType, {n, o, oh, ow});
  auto in = [&](int64_t b, int64_t ch, int64_t i, int64_t j) {
    return input.data[((b * c + ch) * h + i) * wd + j];
  };
  auto wt = [&](int64_t oc, int64_t ch, int64_t i, int64_t j) {
    return weight.data[((oc * cg + ch) * kh + i) * kw + j];
  };
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oc = 0; oc < o; ++oc) {
      int64_t group = oc / og;
      for (int64_t y0 = 0; y0 < oh; ++y0)
        for (int64_t x0 = 0; x0 < ow; ++x0) {
          double sum = 0.0;
          for (int64_t ch = 0; ch < cg; ++ch)
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                int64_t iy =
                    y0 * w.stride[0] - w.padding[0] + i * w.dilation[0];
                int64_t ix =
                    x0 * w.stride[1] - w.padding[1] + j * w.dilation[1];
                if (iy >= 0 && iy < h && ix >= 0 && ix < wd)
                  sum += in(b, group * cg + ch, iy, ix) * wt(oc, ch, i, j);
              }
          y.data[((b * o + oc) * oh + y0) * ow + x0] = sum;
        }
    }
  return y;
}

/// Slides the pooling window over every channel of an NCHW `input` and calls
/// `fn(output, positions)` for each output position (row-major in the
/// [N, C, OH, OW] pooling output) with the row-major positions in `input` of
/// the window's in-bounds elements, in row-major window order. Sets `shape`
/// to the pooling output's shape.
static void
forEachWindow(const RefTensor &input, const Window2D &w, Shape &shape,
              llvm::function_ref<void(int64_t, ArrayRef<int64_t>)> fn) {
  int64_t n = input.shape[0], c = input.shape[1];
  int64_t h = input.shape[2], wd = input.shape[3];
  int64_t oh = windowCount(h, w.padding[0], w.padding[2], w.kernel[0],
                           w.stride[0], w.dilation[0]);
  int64_t ow = windowCount(wd, w.padding[1], w.padding[3], w.kernel[1],
                           w.stride[1], w.dilation[1]);
  shape = {n, c, oh, ow};
  SmallVector<int64_t> positions;
  for (int64_t plane = 0; plane < n * c; ++plane)
    for (int64_t y0 = 0; y0 < oh; ++y0)
      for (int64_t x0 = 0; x0 < ow; ++x0) {
        positions.clear();
        for (int64_t i = 0; i < w.kernel[0]; ++i)
          for (int64_t j = 0; j < w.kernel[1]; ++j) {
            int64_t iy = y0 * w.stride[0] - w.padding[0] + i * w.dilation[0];
            int64_t ix = x0 * w.stride[1] - w.padding[1] + j * w.dilation[1];
            if (iy >= 0 && iy < h && ix >= 0 && ix < wd)
              positions.push_back((plane * h + iy) * wd + ix);
          }
        fn((plane * oh + y0) * ow + x0, positions);
      }
}

/// For every window of `input`, the position of its first maximum in
/// row-major window order (a NaN beats any number, the first NaN wins), or
/// -1 for a window without in-bounds elements, which the verifier's
/// padding < kernel rule excludes. Sets `shape` to the pooling output's.
static std::vector<int64_t> windowArgMax(const RefTensor &input,
                                         const Window2D &w, Shape &shape) {
  std::vector<int64_t> argMax;
  forEachWindow(input, w, shape,
                [&](int64_t output, ArrayRef<int64_t> positions) {
                  int64_t best = -1;
                  for (int64_t p : positions) {
                    double v = input.data[p];
                    if (best < 0 || (!std::isnan(input.data[best]) &&
                                     (std::isnan(v) || v > input.data[best])))
                      best = p;
                  }
                  argMax.push_back(best);
                });
  return argMax;
}

RefTensor ref::maxPool2d(const RefTensor &input, const Window2D &w) {
  Shape shape;
  std::vector<int64_t> argMax = windowArgMax(input, w, shape);
  RefTensor y = makeTensor(input.elementType, shape);
  for (auto [o, p] : llvm::enumerate(argMax))
    y.data[o] = p < 0 ? -kInf : input.data[p];
  return y;
}

RefTensor ref::maxPool2dScatter(const RefTensor &input, const RefTensor &source,
                                const Window2D &w) {
  Shape shape;
  std::vector<int64_t> argMax = windowArgMax(input, w, shape);
  RefTensor y = makeTensor(input.elementType, input.shape);
  for (auto [o, p] : llvm::enumerate(argMax))
    if (p >= 0)
      y.data[p] += source.data[o];
  return y;
}

RefTensor ref::maxPool2dGather(const RefTensor &input, const RefTensor &source,
                               const Window2D &w) {
  Shape shape;
  std::vector<int64_t> argMax = windowArgMax(input, w, shape);
  RefTensor y = makeTensor(input.elementType, shape);
  for (auto [o, p] : llvm::enumerate(argMax))
    y.data[o] = p < 0 ? 0.0 : source.data[p];
  return y;
}

RefTensor ref::avgPool2d(const RefTensor &input, const Window2D &w,
                         bool excludePadding) {
  Shape shape;
  std::vector<double> averages;
  forEachWindow(input, w, shape, [&](int64_t, ArrayRef<int64_t> positions) {
    double sum = 0.0;
    for (int64_t p : positions)
      sum += input.data[p];
    // PyTorch's count_include_pad counts the whole window.
    auto divisor = excludePadding
                       ? static_cast<double>(positions.size())
                       : static_cast<double>(w.kernel[0] * w.kernel[1]);
    averages.push_back(sum / divisor);
  });
  RefTensor y = makeTensor(input.elementType, shape);
  y.data = std::move(averages);
  return y;
}

/// The mean and biased variance of `n` elements `data[base + k * stride]`,
/// in two passes (the one-pass formula loses precision).
static std::pair<double, double> meanAndVariance(ArrayRef<double> data,
                                                 int64_t base, int64_t n,
                                                 int64_t stride) {
  double sum = 0.0;
  for (int64_t k = 0; k < n; ++k)
    sum += data[base + k * stride];
  double mean = sum / static_cast<double>(n);
  double squares = 0.0;
  for (int64_t k = 0; k < n; ++k) {
    double d = data[base + k * stride] - mean;
    squares += d * d;
  }
  return {mean, squares / static_cast<double>(n)};
}

RefTensor ref::layerNorm(const RefTensor &x, const RefTensor &scale,
                         const RefTensor &bias, int64_t axis, double epsilon) {
  // Each row of the [outer, inner] view is normalized on its own.
  int64_t outer = product(ArrayRef(x.shape).take_front(axis));
  int64_t inner = product(ArrayRef(x.shape).drop_front(axis));
  RefTensor y = makeTensor(x.elementType, x.shape);
  for (int64_t o = 0; o < outer; ++o) {
    auto [mean, var] = meanAndVariance(x.data, o * inner, inner, 1);
    double invStd = 1.0 / std::sqrt(var + epsilon);
    for (int64_t j = 0; j < inner; ++j)
      y.data[o * inner + j] =
          (x.data[o * inner + j] - mean) * invStd * scale.data[j] +
          bias.data[j];
  }
  return y;
}

std::array<RefTensor, 3> ref::batchNorm(const RefTensor &x,
                                        const RefTensor &scale,
                                        const RefTensor &bias, double epsilon) {
  int64_t n = x.shape[0], c = x.shape[1];
  int64_t inner = product(ArrayRef(x.shape).drop_front(2));
  RefTensor y = makeTensor(x.elementType, x.shape);
  RefTensor mean = makeTensor(x.elementType, {c});
  RefTensor var = makeTensor(x.elementType, {c});
  // The elements of channel ch in batch b are the contiguous block at
  // (b * c + ch) * inner; gather them so the statistics have one code path.
  std::vector<double> channel(n * inner);
  for (int64_t ch = 0; ch < c; ++ch) {
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < inner; ++i)
        channel[b * inner + i] = x.data[(b * c + ch) * inner + i];
    std::tie(mean.data[ch], var.data[ch]) =
        meanAndVariance(channel, 0, n * inner, 1);
    double invStd = 1.0 / std::sqrt(var.data[ch] + epsilon);
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < inner; ++i) {
        int64_t at = (b * c + ch) * inner + i;
        y.data[at] = (x.data[at] - mean.data[ch]) * invStd * scale.data[ch] +
                     bias.data[ch];
      }
  }
  return {std::move(y), std::move(mean), std::move(var)};
}
