//===- Diagnostics.h - Diagnostics as the tools print them ------*- C++ -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// One error per inconsistent op. When an adj op's shapes do not fit, its
/// type inference says why ("operand shapes ... do not broadcast"), and
/// MLIR's verifier of InferTypeOpInterface then adds "failed to infer
/// returned types" at the same place, which says nothing more. The tools
/// drop that second error.
///
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_SUPPORT_DIAGNOSTICS_H
#define ADJOINT_SUPPORT_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"

namespace adjoint {

/// Drops MLIR's "failed to infer returned types" error that follows an
/// error at the same location; passes every other diagnostic on to the
/// handlers registered before it.
class OneErrorPerOpHandler : public mlir::ScopedDiagnosticHandler {
public:
  explicit OneErrorPerOpHandler(mlir::MLIRContext *context);

private:
  /// The location of the last error passed on.
  std::optional<mlir::Location> lastError;
};

} // namespace adjoint

#endif // ADJOINT_SUPPORT_DIAGNOSTICS_H
