//===- Utils.h - Builders shared by the adj-to-linalg patterns --*- C++ -*-===//
//
// Part of the Adjoint project.
//
// Private to lib/Conversion/AdjToLinalg (NNPatterns.cpp uses it too): the
// few IR builders that more than one family of patterns needs (NumPy broadcasting, elementwise generics,
// filled tensors, reshapes between static shapes, index clamping), and the
// populate functions of the families that LinalgPatterns.cpp gathers into
// adjoint::populateAdjToLinalgPatterns.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_LIB_CONVERSION_ADJTOLINALG_UTILS_H
#define ADJOINT_LIB_CONVERSION_ADJTOLINALG_UTILS_H

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"

namespace adjoint::lowering {

/// Builds the scalar body of an elementwise op: given the elements of the
/// inputs, returns the element of the result.
using ScalarFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// `value` prepared to be read at every point of a tensor of `shape`, which
/// it broadcasts to with NumPy's rules: the dimensions of `value` along which
/// it is repeated (size 1 where `shape` is not) are collapsed away, and `map`
/// takes a point of `shape` to a point of the collapsed value. The map is a
/// projected permutation, which is what tiling, fusion and vectorization of
/// linalg ops handle best (a constant 0 in a map would defeat some of them).
struct BroadcastOperand {
  mlir::Value value;
  mlir::AffineMap map;
  /// The dimensions of `shape` that `map` does not read: the broadcast ones.
  llvm::SmallVector<int64_t> broadcastDims;
};
BroadcastOperand prepareBroadcast(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value value,
                                  llvm::ArrayRef<int64_t> shape);

/// Materializes the NumPy broadcast of `value` to `shape` with
/// linalg.broadcast (or returns `value` when nothing is repeated).
mlir::Value broadcastTo(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, llvm::ArrayRef<int64_t> shape);

/// Builds a linalg.generic producing `resultType` from `inputs` read through
/// `inputMaps` (the result is written through the identity), with parallel
/// iterators only, whose body is `fn` applied to the input elements. A body
/// that needs its position creates `linalg.index` ops itself. The result is
/// computed into `init` when given (destination-passing style, so that
/// bufferization can update `init` in place), and then `fn` also receives
/// the element of `init`, after those of the inputs; otherwise into a
/// tensor.empty.
mlir::Value buildParallelGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::RankedTensorType resultType,
                                 mlir::ValueRange inputs,
                                 llvm::ArrayRef<mlir::AffineMap> inputMaps,
                                 ScalarFn fn, mlir::Value init = nullptr);

/// buildParallelGeneric with `inputs` broadcast to the result's shape with
/// NumPy's rules (prepareBroadcast). Every elementwise adj op is one call of
/// this function.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange inputs, ScalarFn fn);

/// A tensor of `type` whose elements are all `value`: linalg.fill of a
/// tensor.empty, which bufferizes to an allocation and a loop rather than to a
/// global holding every element.
mlir::Value buildFilled(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type, mlir::TypedAttr value);
/// As above with the float `value`, rounded to the element type.
mlir::Value buildFilled(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type, double value);

/// `value` (a statically shaped tensor) with the same elements in row-major
/// order and the static shape `shape`, as tensor.collapse_shape and/or
/// tensor.expand_shape: views once bufferized, never copies.
mlir::Value reshapeTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                      llvm::ArrayRef<int64_t> shape);

/// The integer `index` (any integer type) as an `index` clamped to
/// [0, size - 1], so that a gather or scatter with an out-of-range index
/// stays inside its tensor. `size` must be positive.
mlir::Value clampIndex(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value index, int64_t size);

/// The patterns of each family, gathered by populateAdjToLinalgPatterns.
void populateElementwisePatterns(mlir::RewritePatternSet &patterns);
void populateShapePatterns(mlir::RewritePatternSet &patterns);

} // namespace adjoint::lowering

#endif // ADJOINT_LIB_CONVERSION_ADJTOLINALG_UTILS_H
