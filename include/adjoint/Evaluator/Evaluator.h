//===- Evaluator.h - The reference evaluator of adj functions ---*- C++ -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The reference evaluator interprets a `func.func` made of `adj` ops (plus
/// `func.call`, `func.return` and tensor-valued `arith.constant`) directly on
/// dense row-major arrays. It is the numeric oracle of the project, as the
/// StableHLO reference interpreter is for StableHLO: every kernel is a plain
/// loop nest written for obviousness rather than speed, and it shares no code
/// with the code generator.
///
/// Every computation is carried out in f64, whatever the declared element
/// type: an f32 function is evaluated as if it were f64, with no rounding to
/// f32 between ops (adj.convert to f32 keeps the value too). Only values that
/// an op takes from an f64 attribute into an f32 tensor (adj.fill, the value
/// of adj.pad) are rounded to f32, as the folder that turns adj.fill into
/// adj.constant does. Arguments are used exactly as given. Integer and i1
/// values are held exactly as doubles (0/1 for i1; integers beyond 2^53 are
/// not exact). Conversion from a float to an integer type truncates toward
/// zero and saturates to the type's range (NaN becomes 0); between integer
/// types it keeps the low bits, as C does.
///
/// Each function is verified before it runs, so the kernels may rely on the
/// op verifiers. The evaluator never crashes, aborts or prints on user input:
/// every problem is emitted as an MLIR diagnostic at the location of the
/// offending op (with "called from here" notes at the innermost enclosing
/// `func.call`s) and the call returns failure.
///
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_EVALUATOR_EVALUATOR_H
#define ADJOINT_EVALUATOR_EVALUATOR_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace adjoint {

/// A dense row-major tensor of the reference evaluator. Values are held as
/// double whatever the element type (integers and i1 exactly, i1 as 0/1).
struct RefTensor {
  /// The declared element type (f32, f64, i32, i64 or i1).
  mlir::Type elementType;
  /// The dimensions; empty for a 0-d tensor.
  llvm::SmallVector<int64_t> shape;
  /// The elements in row-major order; `data.size() == numElements()`.
  std::vector<double> data;

  /// Returns the product of the dimensions (1 for a 0-d tensor).
  int64_t numElements() const;
  /// Returns the tensor type `tensor<shape x elementType>`.
  mlir::RankedTensorType getType() const;
};

/// The largest number of elements the evaluator holds in one tensor (2^28,
/// i.e. 2 GiB of doubles); bigger tensors are reported as errors instead of
/// exhausting memory.
constexpr int64_t kMaxRefTensorElements = int64_t(1) << 28;

/// The deepest chain of nested `func.call`s the evaluator follows.
constexpr unsigned kMaxCallDepth = 64;

/// The op whose result first held a NaN or an Inf, in evaluation order (a
/// composite op, such as adj.softmax, counts as one op).
struct NonFiniteOp {
  std::string name;
  mlir::Location loc;
};

/// Evaluates `fn` on `args` and returns its results. Each argument must have
/// exactly the type of the corresponding function argument, and integer and
/// i1 arguments must hold values of that type. Errors (bad argument count,
/// type or value, out-of-range index, unsupported op, recursion) are emitted
/// as diagnostics at the offending op's location and return failure. With
/// `firstNonFinite`, sets it to the first op that produced a NaN or an Inf,
/// if one did.
mlir::FailureOr<llvm::SmallVector<RefTensor>>
evaluate(mlir::func::FuncOp fn, llvm::ArrayRef<RefTensor> args,
         std::optional<NonFiniteOp> *firstNonFinite = nullptr);

} // namespace adjoint

#endif // ADJOINT_EVALUATOR_EVALUATOR_H
