//===- OnnxConverters.h - Shared by the converter files ---------*- C++ -*-===//
//
// Part of the Adjoint project.
//
// The ONNX operator converters live in one file per kind (elementwise,
// shapes, linear algebra, reductions, recurrent, windows, control flow);
// each file lists its operators in its own table, and getOperators() merges
// the tables. The helpers here are the ones more than one file uses.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_LIB_IMPORT_ONNXCONVERTERS_H
#define ADJOINT_LIB_IMPORT_ONNXCONVERTERS_H

#include "OnnxImporter.h"

namespace adjoint::onnx_import {

using Results = llvm::SmallVectorImpl<Tensor>;

/// A value known only at run time.
Tensor runtime(mlir::Value v);

/// Appends `v` to `results` (a helper for converters with one result).
mlir::LogicalResult result(Results &results, mlir::FailureOr<mlir::Value> v);

/// An i64 constant of `shape` holding `values`.
Tensor intConstant(mlir::MLIRContext *context, llvm::ArrayRef<int64_t> shape,
                   llvm::ArrayRef<int64_t> values);

/// An f64 0-d constant.
mlir::Value f64Scalar(NodeContext &n, double value);

bool isIntConstant(const Tensor &t);

/// The entries of an integer constant; a bool's true is 1 (sign-extended,
/// an i1's would be -1).
llvm::SmallVector<int64_t> intValues(mlir::DenseElementsAttr attr);

/// The number of elements of `shape`; none if it does not fit in int64_t.
std::optional<int64_t> elementCount(llvm::ArrayRef<int64_t> shape);

/// The NumPy broadcast of two shapes, if they broadcast.
std::optional<llvm::SmallVector<int64_t>> broadcast(llvm::ArrayRef<int64_t> a,
                                                    llvm::ArrayRef<int64_t> b);

/// An adj.compare of `lhs` and `rhs`.
mlir::FailureOr<mlir::Value> compare(NodeContext &n,
                                     adj::ComparisonDirection direction,
                                     mlir::Value lhs, mlir::Value rhs);

/// The axes of Unsqueeze/Squeeze/Reduce*: an attribute before `inputSince`,
/// an optional input after.
mlir::FailureOr<std::optional<llvm::SmallVector<int64_t>>>
readAxes(NodeContext &n, int64_t inputSince, unsigned inputIndex);

/// `x` reshaped to `split` (each dimension next to a 1), broadcast to
/// `repeated` (the 1s made counts) and merged to `out`: each dimension's
/// entries repeated, as a whole (Tile) or one by one (Resize's nearest).
mlir::LogicalResult repeat(NodeContext &n, mlir::Value x,
                           llvm::ArrayRef<int64_t> split,
                           llvm::ArrayRef<int64_t> repeated,
                           llvm::ArrayRef<int64_t> out, Results &results);

/// `v`'s entries from `start` to `limit` (exclusive) in each dimension.
mlir::FailureOr<mlir::Value> sliceBox(NodeContext &n, mlir::Value v,
                                      llvm::ArrayRef<int64_t> start,
                                      llvm::ArrayRef<int64_t> limit);

/// `v`'s entries [start, limit) along `axis`.
mlir::FailureOr<mlir::Value> sliceAlong(NodeContext &n, mlir::Value v,
                                        int64_t axis, int64_t start,
                                        int64_t limit);

/// The operators of each converter file.
llvm::ArrayRef<OperatorInfo> getControlFlowOperators();
llvm::ArrayRef<OperatorInfo> getElementwiseOperators();
llvm::ArrayRef<OperatorInfo> getShapesOperators();
llvm::ArrayRef<OperatorInfo> getLinearAlgebraOperators();
llvm::ArrayRef<OperatorInfo> getReductionsOperators();
llvm::ArrayRef<OperatorInfo> getRecurrentOperators();
llvm::ArrayRef<OperatorInfo> getWindowsOperators();

} // namespace adjoint::onnx_import

#endif // ADJOINT_LIB_IMPORT_ONNXCONVERTERS_H
