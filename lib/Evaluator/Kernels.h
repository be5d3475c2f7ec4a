//===- Kernels.h - Reference kernels of the adj ops -------------*- C++ -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// One plain f64 kernel per adj op, written to be obviously correct rather
/// than fast: each one loops over the elements of its result (or operand) in
/// row-major order and computes them the way the op's ODS description states.
/// Kernels assume the shapes satisfy the op's verifier, which the evaluator
/// runs first; the only errors left are those that depend on values (an
/// out-of-range index or label) and are returned as llvm::Error.
///
/// The element type of a kernel's result is the type of its (first) data
/// operand, unless the kernel takes it as a parameter.
///
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_LIB_EVALUATOR_KERNELS_H
#define ADJOINT_LIB_EVALUATOR_KERNELS_H

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "adjoint/Evaluator/Evaluator.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MathExtras.h"

#include <array>
#include <cmath>
#include <limits>

namespace adjoint::ref {

using Shape = llvm::SmallVector<int64_t>;

//===----------------------------------------------------------------------===//
// Index helpers shared by every kernel
//===----------------------------------------------------------------------===//

/// Returns the product of `dims` (1 when empty).
int64_t product(llvm::ArrayRef<int64_t> dims);

/// Returns the row-major strides of `shape` (the last dimension has stride 1).
Shape rowMajorStrides(llvm::ArrayRef<int64_t> shape);

/// Sets `index` to the multi-index of the row-major position `linear` in a
/// tensor of `shape`.
void unravelIndex(int64_t linear, llvm::ArrayRef<int64_t> shape,
                  llvm::SmallVectorImpl<int64_t> &index);

/// Returns the row-major position of the multi-index `index` given the
/// `strides` of its tensor.
int64_t ravelIndex(llvm::ArrayRef<int64_t> index,
                   llvm::ArrayRef<int64_t> strides);

/// Returns the row-major position in a tensor of `sourceShape` of the element
/// that NumPy broadcasting maps to `resultIndex`: the shapes are aligned on
/// the right and a source dimension of size 1 always reads index 0.
int64_t broadcastSourceIndex(llvm::ArrayRef<int64_t> resultIndex,
                             llvm::ArrayRef<int64_t> sourceShape);

/// Returns a tensor of `shape` and `elementType` with every element `value`.
RefTensor makeTensor(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                     double value = 0.0);

//===----------------------------------------------------------------------===//
// Scalar functions of the elementwise ops
//===----------------------------------------------------------------------===//

namespace scalar {
inline double neg(double x) { return -x; }
inline double abs(double x) { return std::fabs(x); }
inline double exp(double x) { return std::exp(x); }
inline double log(double x) { return std::log(x); }
inline double log1p(double x) { return std::log1p(x); }
inline double sqrt(double x) { return std::sqrt(x); }
inline double rsqrt(double x) { return 1.0 / std::sqrt(x); }
inline double tanh(double x) { return std::tanh(x); }
inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
/// max(x, 0); NaN stays NaN as in PyTorch.
inline double relu(double x) { return std::isnan(x) ? x : (x > 0 ? x : 0.0); }
inline double sin(double x) { return std::sin(x); }
inline double cos(double x) { return std::cos(x); }
inline double square(double x) { return x * x; }
inline double erf(double x) { return std::erf(x); }
inline double floor(double x) { return std::floor(x); }
inline double ceil(double x) { return std::ceil(x); }
/// Ties to even (the default rounding mode), as ONNX's Round.
inline double round(double x) { return std::nearbyint(x); }
/// 0.5 x (1 + erf(x / sqrt(2))), with the roundings of PyTorch's kernel.
inline double gelu(double x) {
  return 0.5 * x * (1.0 + std::erf(x * llvm::numbers::inv_sqrt2));
}
/// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), PyTorch's "tanh" GELU
/// with the roundings of its kernel.
inline double geluTanh(double x) {
  const double kBeta = llvm::numbers::sqrt2 * llvm::numbers::inv_sqrtpi;
  return 0.5 * x * (1.0 + std::tanh(kBeta * (x + 0.044715 * (x * x * x))));
}

inline double add(double a, double b) { return a + b; }
inline double sub(double a, double b) { return a - b; }
inline double mul(double a, double b) { return a * b; }
inline double div(double a, double b) { return a / b; }
inline double pow(double a, double b) { return std::pow(a, b); }
/// The larger of a and b, NaN if either is NaN (numpy.maximum). -0 is
/// smaller than +0, as in the compiled code's IEEE 754 maximum
/// (arith.maximumf); numpy.maximum returns either zero.
inline double maximum(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::numeric_limits<double>::quiet_NaN();
  if (a == b)
    return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
/// The smaller of a and b, NaN if either is NaN (numpy.minimum); -0 is
/// smaller than +0.
inline double minimum(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::numeric_limits<double>::quiet_NaN();
  if (a == b)
    return std::signbit(a) ? a : b;
  return a < b ? a : b;
}
} // namespace scalar

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// Applies `fn` to every element of `x`.
RefTensor map(const RefTensor &x, llvm::function_ref<double(double)> fn);

/// Applies `fn` to the NumPy broadcast of `a` and `b`.
RefTensor broadcastBinary(const RefTensor &a, const RefTensor &b,
                          llvm::function_ref<double(double, double)> fn);

/// adj.compare: 1 where `a <direction> b` holds, else 0, as an i1 tensor.
RefTensor compare(const RefTensor &a, const RefTensor &b,
                  adj::ComparisonDirection direction);

/// adj.select: condition ? onTrue : onFalse, the three broadcast together.
RefTensor select(const RefTensor &condition, const RefTensor &onTrue,
                 const RefTensor &onFalse);

/// adj.convert to `to`: floats keep their value; integers truncate toward
/// zero from floats (saturating, NaN to 0) and wrap from wider integers;
/// i1 is 1 for any nonzero value.
RefTensor convert(const RefTensor &x, mlir::Type to);

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

/// adj.iota: every element is its index along `dim`.
RefTensor iota(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
               int64_t dim);

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

/// adj.matmul: [..., M, K] x [..., K, N] with broadcast batch dimensions.
RefTensor matmul(const RefTensor &lhs, const RefTensor &rhs);

/// adj.dot: the inner product of two vectors as a 0-d tensor.
RefTensor dot(const RefTensor &lhs, const RefTensor &rhs);

/// adj.transpose: result dimension i is operand dimension permutation[i].
RefTensor transpose(const RefTensor &x, llvm::ArrayRef<int64_t> permutation);

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

enum class ReduceKind { Sum, Mean, Max, Min, Prod, LogSumExp };

/// Reduces `x` over the sorted `axes` with `kind`. Max and min propagate NaN
/// and fail on an empty axis (they have no identity); logsumexp subtracts
/// the maximum first so that it cannot overflow.
llvm::Expected<RefTensor> reduce(const RefTensor &x,
                                 llvm::ArrayRef<int64_t> axes, bool keepdims,
                                 ReduceKind kind);

//===----------------------------------------------------------------------===//
// Shape
//===----------------------------------------------------------------------===//

/// adj.reshape: the same row-major elements with `shape`.
RefTensor reshape(const RefTensor &x, llvm::ArrayRef<int64_t> shape);

/// adj.broadcast_to: `x` broadcast to `shape` with NumPy's rules.
RefTensor broadcastTo(const RefTensor &x, llvm::ArrayRef<int64_t> shape);

/// adj.slice: x[start:limit:stride] in every dimension.
RefTensor slice(const RefTensor &x, llvm::ArrayRef<int64_t> start,
                llvm::ArrayRef<int64_t> limit, llvm::ArrayRef<int64_t> stride);

/// adj.concat: `inputs` joined along `axis`.
RefTensor concat(llvm::ArrayRef<const RefTensor *> inputs, int64_t axis);

/// adj.pad: `low`/`high` elements equal to `value` around each dimension
/// and `interior` ones between neighbours.
RefTensor pad(const RefTensor &x, llvm::ArrayRef<int64_t> low,
              llvm::ArrayRef<int64_t> high, llvm::ArrayRef<int64_t> interior,
              double value);

/// adj.reverse: the order of elements reversed along each of `dims`.
RefTensor reverse(const RefTensor &x, llvm::ArrayRef<int64_t> dims);

/// adj.gather: numpy.take(x, indices, axis); fails on an index outside
/// [0, x.shape[axis]).
llvm::Expected<RefTensor> gather(const RefTensor &x, const RefTensor &indices,
                                 int64_t axis);

/// adj.scatter_add: zeros of `shape` into which each slice of `updates` is
/// added at its index along `axis`; fails on an index outside
/// [0, shape[axis]).
llvm::Expected<RefTensor> scatterAdd(const RefTensor &updates,
                                     const RefTensor &indices, int64_t axis,
                                     llvm::ArrayRef<int64_t> shape);

/// adj.one_hot: a new last axis of `numClasses`; out-of-range labels give a
/// row of zeros, or an error if `inRange` (class labels).
llvm::Expected<RefTensor> oneHot(const RefTensor &indices, int64_t numClasses,
                                 mlir::Type elementType, bool inRange);

//===----------------------------------------------------------------------===//
// Neural-network ops
//===----------------------------------------------------------------------===//

/// adj.softmax along `axis`: exp(x - max) / sum(exp(x - max)).
RefTensor softmax(const RefTensor &x, int64_t axis);

/// adj.log_softmax along `axis`: x - max - log(sum(exp(x - max))).
RefTensor logSoftmax(const RefTensor &x, int64_t axis);

/// adj.softmax_cross_entropy of [N, C] logits and [N] labels; fails on a
/// label outside [0, C).
llvm::Expected<RefTensor> softmaxCrossEntropy(const RefTensor &logits,
                                              const RefTensor &labels,
                                              adj::LossReduction reduction);

/// adj.conv2d: NCHW input, OIHW weights, cross-correlation as PyTorch.
RefTensor conv2d(const RefTensor &input, const RefTensor &weight,
                 const adj::Window2D &window);

/// adj.max_pool2d: padded positions never win; NaN wins over any number.
RefTensor maxPool2d(const RefTensor &input, const adj::Window2D &window);

/// adj.max_pool2d_scatter: zeros of the input's shape plus, for every window
/// of `input`, `source` (shaped as the pooling output) added at the window's
/// first maximum in row-major order.
RefTensor maxPool2dScatter(const RefTensor &input, const RefTensor &source,
                           const adj::Window2D &window);

/// adj.max_pool2d_gather: for every window of `input`, `source` (shaped as
/// the input) read at the window's first maximum in row-major order.
RefTensor maxPool2dGather(const RefTensor &input, const RefTensor &source,
                          const adj::Window2D &window);

/// adj.avg_pool2d: the divisor is KH * KW, or the number of in-bounds
/// elements of the window with `excludePadding`.
RefTensor avgPool2d(const RefTensor &input, const adj::Window2D &window,
                    bool excludePadding);

/// adj.layer_norm over dimensions [axis, rank) with the biased variance.
RefTensor layerNorm(const RefTensor &x, const RefTensor &scale,
                    const RefTensor &bias, int64_t axis, double epsilon);

/// adj.batch_norm with batch statistics: {y, mean[C], biased variance[C]}.
std::array<RefTensor, 3> batchNorm(const RefTensor &x, const RefTensor &scale,
                                   const RefTensor &bias, double epsilon);

} // namespace adjoint::ref

#endif // ADJOINT_LIB_EVALUATOR_KERNELS_H
