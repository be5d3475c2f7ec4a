//===- CustomDerivative.h - Derivatives that users write --------*- C++ -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_LIB_DIFFERENTIATION_CUSTOMDERIVATIVE_H
#define ADJOINT_LIB_DIFFERENTIATION_CUSTOMDERIVATIVE_H

#include "adjoint/Differentiation/Differentiator.h"

namespace adjoint {

/// Whether `fn` names a derivative function of its own (`adj.custom_vjp`
/// or `adj.custom_jvp`), which then replaces differentiating its body.
bool hasCustomDerivative(mlir::func::FuncOp fn);

/// The function `fn`'s `adj.custom_jvp` (`forward`) or `adj.custom_vjp`
/// names, or null when it names none (buildCustomDerivative reports a name
/// that is not a function).
mlir::func::FuncOp getCustomDerivative(mlir::func::FuncOp fn, bool forward);

/// Builds the body of `derived`, the `kind` derivative of `fn` w.r.t. `wrt`,
/// from a call of `fn` and a call of its custom derivative. Fails, with an
/// error at `fn`, when the custom derivative is missing for this mode or
/// its signature is wrong.
mlir::LogicalResult buildCustomDerivative(mlir::func::FuncOp fn,
                                          DerivativeKind kind,
                                          llvm::ArrayRef<bool> wrt,
                                          mlir::func::FuncOp derived);

} // namespace adjoint

#endif // ADJOINT_LIB_DIFFERENTIATION_CUSTOMDERIVATIVE_H
