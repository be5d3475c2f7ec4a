//===- GradientCheck.h - Derivatives against finite differences -*- C++ -*-===//
//
// Part of the Adjoint project.
//
// Checks the derivative functions Adjoint synthesizes for a function against
// central finite differences of the function itself, both evaluated by the
// reference evaluator in f64. This is how every differentiation rule, built
// in or added by a user, is tested.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_GRADIENTCHECK_GRADIENTCHECK_H
#define ADJOINT_GRADIENTCHECK_GRADIENTCHECK_H

#include "adjoint/Evaluator/Evaluator.h"

#include <string>

namespace adjoint {

class RuleLibrary;

struct GradientCheckOptions {
  /// The finite-difference step, relative to max(1, |x|).
  double step = 1e-5;
  /// Seeds the random cotangents and tangents.
  uint64_t seed = 0;
  /// The most coordinates of one argument probed by finite differences
  /// (evenly spread when the argument is larger).
  int64_t maxCoordinates = 512;
  /// Rules from rule files, used before the built-in ones.
  const RuleLibrary *rules = nullptr;
};

/// The worst relative error of one derivative:
/// max |derivative - finite difference| / max(|derivative|, |finite diff.|,
/// 1e-3 max(1, |function|)) over the probed elements. The floor keeps the
/// noise of finite differences from failing a derivative that is truly 0
/// (such derivatives are judged on their absolute error); it is NaN when a
/// value is not finite.
struct GradientCheckResult {
  /// "reverse" (vjp, one row per argument) or "forward" (jvp, one row per
  /// float result: an integer or i1 result has no derivative).
  std::string mode;
  /// The argument or result the row is about.
  std::string name;
  int64_t numProbed = 0;
  double maxRelativeError = 0;
  /// Every difference is within the rounding of the model's narrowest float
  /// type (4 epsilon of the function's or the derivatives' magnitude): a
  /// derivative that is 0 in exact arithmetic, computed in f32, passes at
  /// any tolerance.
  bool withinRounding = false;
  /// The element where the error is largest (its indices in the argument or
  /// result), and the derivative and the finite difference there: where to
  /// look when a rule is wrong.
  llvm::SmallVector<int64_t> worstIndex;
  double worstDerivative = 0, worstFiniteDifference = 0;
};

/// Synthesizes the reverse- and forward-mode derivatives of `fn` w.r.t. the
/// arguments flagged in `wrt` (in a copy of its module), evaluates them at
/// `args` with random cotangents and tangents, and compares them with
/// central differences of `fn`. Errors (no rule, evaluation failure) are
/// emitted as diagnostics.
mlir::FailureOr<llvm::SmallVector<GradientCheckResult>>
checkGradients(mlir::func::FuncOp fn, llvm::ArrayRef<RefTensor> args,
               llvm::ArrayRef<bool> wrt, const GradientCheckOptions &options);

} // namespace adjoint

#endif // ADJOINT_GRADIENTCHECK_GRADIENTCHECK_H
