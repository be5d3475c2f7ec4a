//===- fuzz-onnx.cpp - libFuzzer target: import ONNX, differentiate, lower ===//
//
// Part of the Adjoint project.
//
// The input is an ONNX model (protobuf bytes). importOnnx reads it; if that
// succeeds, the module is verified and the compile stages of adjoint-compile
// run on it, as in fuzz-compile. The input's length picks the loss (none,
// then each of getOnnxLosses() in turn), so that the seeds and their
// mutations also exercise @loss without a byte of the model spent on it.
// Errors are expected; crashes are bugs.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

#include "adjoint/Import/OnnxImport.h"
#include "adjoint/Pipelines/Pipelines.h"
#include "mlir/Pass/PassManager.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &context = adjoint::fuzz::getContext();
  llvm::ArrayRef<llvm::StringRef> losses = adjoint::getOnnxLosses();
  size_t pick = size % (losses.size() + 1);
  adjoint::OnnxImportOptions options;
  if (pick)
    options.loss = losses[pick - 1].str();
  mlir::OwningOpRef<mlir::ModuleOp> module = adjoint::importOnnx(
      llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.onnx", &context, options);
  if (!module || mlir::failed(mlir::verify(*module)))
    return 0;
  for (const adjoint::Stage &stage : adjoint::getStages()) {
    mlir::PassManager pm(&context);
    pm.enableVerifier(true);
    stage.build(pm);
    if (mlir::failed(pm.run(*module)))
      break;
  }
  return 0;
}
