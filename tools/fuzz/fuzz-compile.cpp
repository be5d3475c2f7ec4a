//===- fuzz-compile.cpp - libFuzzer target: differentiate and lower -------===//
//
// Part of the Adjoint project.
//
// The input is MLIR text. If it parses and verifies, the compile stages of
// adjoint-compile (getStages(): differentiate, optimize, linalg, bufferize,
// llvm) run on it in turn, each in its own PassManager, as Compiler.cpp does,
// stopping at the first that fails. Nothing is translated to LLVM IR or
// emitted. Errors are expected; crashes are bugs.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

#include "adjoint/Pipelines/Pipelines.h"
#include "mlir/Pass/PassManager.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::OwningOpRef<mlir::ModuleOp> module =
      adjoint::fuzz::parseAndVerify(data, size);
  if (!module)
    return 0;
  for (const adjoint::Stage &stage : adjoint::getStages()) {
    mlir::PassManager pm(&adjoint::fuzz::getContext());
    // The verifier runs after every pass (the default): a pass that leaves
    // invalid IR fails here instead of crashing a later one.
    pm.enableVerifier(true);
    stage.build(pm, {});
    if (mlir::failed(pm.run(*module)))
      break;
  }
  return 0;
}
