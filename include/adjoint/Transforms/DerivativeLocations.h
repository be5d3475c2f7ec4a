//===- DerivativeLocations.h - Forward or derivative ops --------*- C++ -*-===//
//
// Part of the Adjoint project.
//
// adj-differentiate locates every derivative op at "adjoint"(<forward op
// location>) (reverse mode) or "tangent"(<forward op location>) (forward
// mode); inlining wraps locations in call sites. These helpers read that
// back, for passes that tell forward ops from derivative ops, and serve the
// run-time check passes (adj-check-numerics, adj-check-indices), whose
// messages say where an op is and whose statuses combine into one.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_TRANSFORMS_DERIVATIVELOCATIONS_H
#define ADJOINT_TRANSFORMS_DERIVATIVELOCATIONS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir {
class Operation;
class Value;
} // namespace mlir

namespace adjoint {

enum class DerivativeKind { Forward, Adjoint, Tangent };

/// What an op is, from its location: "adjoint"(...) or "tangent"(...),
/// possibly inside call sites; a fused location is a derivative if all of
/// its parts are the same kind.
DerivativeKind getDerivativeKind(mlir::Location loc);

/// The location of the forward op a derivative op came from: `loc` with the
/// "adjoint"/"tangent" name removed, inside the same call sites (so that it
/// matches the forward op after both were inlined). Null if `loc` is not a
/// derivative location.
mlir::LocationAttr getForwardOpLoc(mlir::Location loc);

/// The innermost callee of nested call sites.
mlir::Location stripCallSites(mlir::Location loc);

/// Where `op` is, as a user reads it, for run-time error messages: "adj.log
/// at m.mlir:2:8 (forward)", or for a derivative op "adj.div at
/// "adjoint"(m.mlir:7:8) (backward: in the derivative of the op at
/// m.mlir:7:8)" (call sites print as their innermost callee).
void printOpPlace(mlir::Operation *op, llvm::raw_ostream &os);

/// Makes the i32 `status` (0: no error), computed at the end of the one
/// block of `fn`, part of what `fn` returns: a new last result, or, if a
/// check pass already added one (`fn` is marked `adj.status`), combined
/// with it: `status` wins over that one if `ahead`, else loses to it. So
/// adj-check-indices and adj-check-numerics compose in either order.
void returnStatus(mlir::func::FuncOp fn, mlir::Value status, bool ahead);

/// The run-time checks of one function, for adj-check-indices and
/// adj-check-numerics: each check is an i1 built after the op it checks,
/// with a message; the function returns the id of the first check that
/// fails, in program order (0: none), combined with the other pass's
/// status (returnStatus). `fn` has one block.
class StatusChain {
public:
  /// Ids continue `messages`, to which each check's message is appended.
  StatusChain(mlir::func::FuncOp fn,
              llvm::SmallVectorImpl<mlir::Attribute> &messages);
  /// A builder right after `op`, for its check.
  mlir::OpBuilder &after(mlir::Operation *op);
  /// Adds the check `bad`, built with after(), and its message.
  void record(mlir::Value bad, llvm::StringRef message);
  /// Returns the status from `fn` (`ahead` as for returnStatus) and marks
  /// `fn` with `marker`, so that the pass does not check it twice.
  void finish(bool ahead, llvm::StringRef marker);

private:
  mlir::func::FuncOp fn;
  llvm::SmallVectorImpl<mlir::Attribute> &messages;
  mlir::OpBuilder b;
  mlir::Value zero, status;
};

/// Runs `check` on each public function of `module` with a body that is
/// not marked `marker` (checked by an earlier run), continuing the module's
/// `adj.status_messages`: `check` appends the message of each id it uses.
/// Fails, naming `pass`, on a derivative request or a call of a public
/// function, which the new status results would break.
mlir::LogicalResult checkPublicFunctions(
    mlir::ModuleOp module, llvm::StringRef pass, llvm::StringRef marker,
    llvm::function_ref<mlir::LogicalResult(
        mlir::func::FuncOp, llvm::SmallVectorImpl<mlir::Attribute> &)>
        check);

} // namespace adjoint

#endif // ADJOINT_TRANSFORMS_DERIVATIVELOCATIONS_H
