//===- OnnxImport.h - ONNX models as adj functions --------------*- C++ -*-===//
//
// Part of the Adjoint project.
//
// Reads an ONNX model (protobuf, through Debian's libonnx) into a module
// with one function of adj ops, @forward: the graph's inputs, then one
// argument per float initializer (named after it, carrying its value as
// `adj.initial_value`, so that gradients can be taken w.r.t. the model's
// parameters and a compiled library can hand out their initial values). A
// loss can be attached as a second function, @loss, with a `labels`
// argument. Shapes must be static; shape computations on them (Shape,
// Gather, Unsqueeze, Concat, ... on constants) are folded at import time.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_IMPORT_ONNXIMPORT_H
#define ADJOINT_IMPORT_ONNXIMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace adjoint {

struct OnnxImportOptions {
  /// "" (no loss), "softmax_cross_entropy" (classes along the output's last
  /// dimension, integer labels shaped as the other dimensions, mean over
  /// all of them) or "mse" (labels shaped as the output, mean over all
  /// elements), applied to the model's only output in @loss.
  std::string loss;
};

/// The losses OnnxImportOptions::loss accepts.
llvm::ArrayRef<llvm::StringRef> getOnnxLosses();

/// Imports the ONNX model in `bytes`, read from `path` (for locations:
/// `path:N:1` is the graph's N-th node). Errors are emitted as diagnostics
/// and give a null module.
mlir::OwningOpRef<mlir::ModuleOp> importOnnx(llvm::StringRef bytes,
                                             llvm::StringRef path,
                                             mlir::MLIRContext *context,
                                             const OnnxImportOptions &options);

/// Prints diagnostics as `model.onnx:N:1: error: ...` (N: the graph's N-th
/// node; 0:0 for the model as a whole), without the source line that
/// SourceMgrDiagnosticHandler would quote from a binary file.
class OnnxDiagnosticHandler : public mlir::ScopedDiagnosticHandler {
public:
  OnnxDiagnosticHandler(mlir::MLIRContext *context, llvm::raw_ostream &os);
};

/// Whether a file is to be read as ONNX: by its extension, `.onnx`.
bool isOnnxPath(llvm::StringRef path);

/// The Markdown table of the supported ONNX operators (docs/onnx-operators.md).
std::string renderOnnxOperatorTable();

} // namespace adjoint

#endif // ADJOINT_IMPORT_ONNXIMPORT_H
