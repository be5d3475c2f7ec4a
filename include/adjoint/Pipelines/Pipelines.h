//===- Pipelines.h - The named stages from adj to LLVM ----------*- C++ -*-===//
//
// Part of the Adjoint project.
//
// The compiler's stages, shared by adjoint-compile (which runs them in turn
// and can dump the IR after each) and adjoint-opt (which offers each as a
// named pipeline, `--adj-to-linalg`, ...):
//
//   adj ──differentiate──▶ adj ──optimize──▶ adj ──lower──▶ linalg on tensors
//       ──bufferize──▶ memref (caller-allocated outputs, one workspace)
//       ──to-llvm──▶ LLVM dialect
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_PIPELINES_PIPELINES_H
#define ADJOINT_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace adjoint {

/// What the stages do beyond the plain lowering. Every optimization (fusion,
/// polynomial math, vectorization hints, workspace reuse, the GEMM and
/// convolution kernels) checks `optimize`; off (`adjoint-compile -O0`) gives
/// the plain lowering, one loop nest per op, to tell a miscompilation by an
/// optimization from one by the lowering.
struct PipelineOptions {
  bool optimize = true;
  /// Rule files (docs/adding-rules.md) that adj-differentiate consults before
  /// the built-in rules.
  std::vector<std::string> ruleFiles;
};

/// Canonicalizes (the derivative is built from the canonical forms), then
/// resolves derivative requests (adj-differentiate).
void buildDifferentiatePipeline(mlir::OpPassManager &pm,
                                const PipelineOptions &options = {});
/// Inlines every call into the exported functions and simplifies the adj IR
/// (canonicalize, CSE, symbol DCE).
void buildOptimizePipeline(mlir::OpPassManager &pm,
                           const PipelineOptions &options = {});
/// Decomposes composite ops and lowers adj to linalg/tensor/arith/math.
void buildLowerToLinalgPipeline(mlir::OpPassManager &pm,
                                const PipelineOptions &options = {});
/// One-shot bufferization with identity layouts at function boundaries;
/// results become caller-allocated out-parameters; every remaining buffer is
/// placed in one workspace argument and each exported function returns an
/// i32 status (adj-export-c-abi).
void buildBufferizePipeline(mlir::OpPassManager &pm,
                            const PipelineOptions &options = {});
/// Lowers loops, memrefs, math and functions to the LLVM dialect; memref
/// arguments become bare pointers (the C ABI).
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              const PipelineOptions &options = {});

/// The stages in order, by the names --dump-after and --emit use.
struct Stage {
  const char *name;
  void (*build)(mlir::OpPassManager &, const PipelineOptions &);
};
llvm::ArrayRef<Stage> getStages();

/// Registers each stage with adjoint-opt as `--adj-stage-<name>` pipelines,
/// and the whole sequence as `--adj-compile`; each takes `optimize=false`.
void registerPipelines();

} // namespace adjoint

#endif // ADJOINT_PIPELINES_PIPELINES_H
