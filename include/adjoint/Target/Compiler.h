//===- Compiler.h - adjoint-compile as a library ----------------*- C++ -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_TARGET_COMPILER_H
#define ADJOINT_TARGET_COMPILER_H

#include "adjoint/Pipelines/Pipelines.h"
#include "adjoint/Target/NativeCode.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace adjoint {

struct CompileOptions {
  /// The output file.
  std::string output;
  /// What to write: mlir (optimized adj), linalg, bufferized, llvm (LLVM
  /// dialect), llvm-ir, asm, obj, so, header.
  std::string emit = "so";
  /// The prefix of every exported symbol; empty: from the output's name.
  std::string prefix;
  /// Derivatives to export, each "fn" or "fn:wrt=a,b" (argument names or
  /// indices): `--grad` adds <fn>_grad, `--value-and-grad` adds
  /// <fn>_value_and_grad.
  std::vector<std::string> grad, valueAndGrad;
  /// What the error for a derivative of a function that does not return a
  /// scalar suggests (the tool knows: an ONNX model's --loss); empty: to
  /// reduce it in the model or ask for an adj.vjp.
  std::string notScalarHint;
  /// Writes the IR after this stage ("all" for every stage) into dumpDir.
  std::string dumpAfter, dumpDir;
  /// Prints the time each stage took to `log`.
  bool timeStages = false;
  /// Writes the Graphviz DOT of the optimized functions (forward and
  /// derivative ops told apart) to this file.
  std::string dot;
  /// Makes each function return a non-zero status naming the op that
  /// produced the first NaN or Inf (adj-check-numerics).
  bool checkNumerics = false;
  /// Makes each function return a non-zero status naming the op that read
  /// the first index or label out of range (adj-check-indices).
  bool checkIndices = true;
  TargetOptions target;
  /// Objects or libraries linked into the shared library: the external
  /// kernels the model calls.
  std::vector<std::string> link;
  /// `optimize = false` (-O0) also compiles the LLVM IR without optimizing;
  /// `ruleFiles` are the differentiate stage's rule files.
  PipelineOptions pipeline;
  /// Called before the kernel runtime is compiled for this CPU, the first
  /// time (linkSharedLibrary): the tool tells its user.
  RuntimeBuildCallback onRuntimeBuild;
};

/// Compiles `module` as `options` say. Errors are emitted as diagnostics.
mlir::LogicalResult compile(mlir::ModuleOp module,
                            const CompileOptions &options,
                            llvm::raw_ostream &log);

/// The emit kinds compile() accepts, for the tool's help.
llvm::ArrayRef<llvm::StringRef> getEmitKinds();

} // namespace adjoint

#endif // ADJOINT_TARGET_COMPILER_H
