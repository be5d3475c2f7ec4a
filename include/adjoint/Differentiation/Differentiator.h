//===- Differentiator.h - Synthesis of derivative functions -----*- C++ -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_DIFFERENTIATION_DIFFERENTIATOR_H
#define ADJOINT_DIFFERENTIATION_DIFFERENTIATOR_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <map>
#include <tuple>
#include <vector>

namespace adjoint {

class RuleLibrary;

/// The derivative functions Adjoint synthesizes for a function
/// `f(args) -> (results)`, w.r.t. a subset `wrt` of its arguments.
enum class DerivativeKind {
  /// `(args) -> (value, d value / d wrt...)`; f returns one 0-d float.
  ValueAndGrad,
  /// `(args, one cotangent per result) -> (results, one cotangent per wrt)`.
  Reverse,
  /// `(args, one tangent per wrt) -> (results, one tangent per result)`.
  Forward,
};

/// Synthesizes derivative functions into the module of the functions it is
/// given, each (function, kind, wrt) once. Derivatives of callees are
/// synthesized on demand by the `func.call` rule, through this same object.
class Differentiator {
public:
  /// `rules`, if given, must outlive the Differentiator; its rules are used
  /// before the ops' built-in ones.
  explicit Differentiator(mlir::ModuleOp module,
                          const RuleLibrary *rules = nullptr);
  ~Differentiator();

  /// The derivative of `fn`; on failure, errors have been emitted at the ops
  /// that could not be differentiated (all of them, not only the first).
  mlir::FailureOr<mlir::func::FuncOp>
  getOrCreate(mlir::func::FuncOp fn, DerivativeKind kind,
              llvm::ArrayRef<bool> wrt);

  const RuleLibrary *getRules() const { return rules; }

  /// Whether the derivative of `fn` is being built (a call of it from what
  /// is being differentiated is recursion).
  bool isBeingBuilt(mlir::func::FuncOp fn) const {
    return inProgress.contains(fn);
  }

private:
  mlir::ModuleOp module;
  const RuleLibrary *rules;
  std::map<std::tuple<mlir::Operation *, DerivativeKind, std::vector<bool>>,
           mlir::func::FuncOp>
      cache;
  /// Functions whose derivative is being built: reaching one again means
  /// recursion.
  llvm::SmallPtrSet<mlir::Operation *, 4> inProgress;
};

/// Warns, as differentiating `fn` w.r.t. all of its float tensor arguments
/// would fail with an error, at each op of its body that builds a float
/// tensor one of its results depends on from a float scalar that depends on
/// those arguments (tensor.extract, then tensor.splat or
/// tensor.from_elements): no derivative flows through a scalar. Returns how
/// many it warned of; 0 for a body of several blocks (not differentiable).
unsigned warnScalarPaths(mlir::func::FuncOp fn);

} // namespace adjoint

#endif // ADJOINT_DIFFERENTIATION_DIFFERENTIATOR_H
