//===- FuzzCommon.h - Shared set-up of Adjoint's libFuzzer targets --------===//
//
// Part of the Adjoint project.
//
// One MLIRContext per process, with every dialect the tools know, no
// threads, and diagnostics swallowed: a fuzz input that is rejected with an
// error is a success; only a crash (or a sanitizer report) is a finding.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_TOOLS_FUZZ_FUZZCOMMON_H
#define ADJOINT_TOOLS_FUZZ_FUZZCOMMON_H

#include "adjoint/InitAllDialects.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <cstdint>
#include <memory>
#include <string>

namespace adjoint::fuzz {

inline mlir::MLIRContext &getContext() {
  static mlir::MLIRContext *context = [] {
    mlir::DialectRegistry registry;
    registerAllDialects(registry);
    auto *ctx = new mlir::MLIRContext(registry,
                                      mlir::MLIRContext::Threading::DISABLED);
    ctx->loadAllAvailableDialects();
    // No op dumps or stack traces attached to diagnostics (they are
    // swallowed anyway, but building them costs time).
    ctx->printOpOnDiagnostic(false);
    ctx->printStackTraceOnDiagnostic(false);
    ctx->allowUnregisteredDialects(false);
    // Swallows every diagnostic for the life of the process; without a
    // handler MLIR prints errors to stderr.
    static mlir::ScopedDiagnosticHandler silence(
        ctx, [](mlir::Diagnostic &) { return mlir::success(); });
    return ctx;
  }();
  return *context;
}

/// Parses and verifies `data` as a module; null when either fails.
inline mlir::OwningOpRef<mlir::ModuleOp> parseAndVerify(const uint8_t *data,
                                                        size_t size) {
  mlir::MLIRContext &context = getContext();
  // MLIR's lexer expects a NUL after the buffer (as files read through
  // MemoryBuffer have); libFuzzer's bytes have none, so copy them.
  std::string text(reinterpret_cast<const char *>(data), size);
  // parseSourceString verifies the parsed module (ParserConfig's default).
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text,
                                              mlir::ParserConfig(&context));
  if (!module || mlir::failed(mlir::verify(*module)))
    return nullptr;
  return module;
}

} // namespace adjoint::fuzz

#endif // ADJOINT_TOOLS_FUZZ_FUZZCOMMON_H
