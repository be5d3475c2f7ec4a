//===- Diagnostics.cpp - Diagnostics as the tools print them --------------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Support/Diagnostics.h"

using namespace mlir;

adjoint::OneErrorPerOpHandler::OneErrorPerOpHandler(MLIRContext *context)
    : ScopedDiagnosticHandler(context) {
  setHandler([this](Diagnostic &diag) -> LogicalResult {
    if (diag.getSeverity() != DiagnosticSeverity::Error)
      return failure();
    if (lastError == diag.getLocation() &&
        StringRef(diag.str()).ends_with("failed to infer returned types"))
      return success();
    lastError = diag.getLocation();
    return failure();
  });
}
