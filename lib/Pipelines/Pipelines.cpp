//===- Pipelines.cpp - The named stages from adj to LLVM ------------------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Pipelines/Pipelines.h"

#include "adjoint/Conversion/Passes.h"
#include "adjoint/Differentiation/Passes.h"
#include "adjoint/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void adjoint::buildDifferentiatePipeline(OpPassManager &pm,
                                         const PipelineOptions &options) {
  // Canonicalization first: the derivative is built from the canonical
  // forms, e.g. adj.log's stable log(sigmoid(x)) = -softplus(-x), whose
  // derivative is finite where the original's is NaN.
  pm.addPass(createCanonicalizerPass());
  AdjDifferentiateOptions differentiate;
  differentiate.ruleFiles = options.ruleFiles;
  pm.addPass(createAdjDifferentiate(differentiate));
}

void adjoint::buildOptimizePipeline(OpPassManager &pm,
                                    const PipelineOptions &options) {
  pm.addPass(createInlinerPass());
  pm.addPass(createSymbolDCEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void adjoint::buildLowerToLinalgPipeline(OpPassManager &pm,
                                         const PipelineOptions &options) {
  pm.addPass(createAdjDecompose());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createConvertAdjToLinalg());
  // Upstream elementwise ops on tensors (math.atan, ... in models or from
  // rule files) become linalg.generic too.
  pm.addPass(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (!options.optimize)
    return;
  pm.addPass(createAdjFuseElementwise());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createAdjFastMath());
}

/// Copies between buffers as linalg.copy, which lowers to loops: memref.copy
/// would call the MLIR runtime library's memrefCopy, a dependency the
/// compiled library must not have.
static LogicalResult copyWithLinalg(OpBuilder &b, Location loc, Value from,
                                    Value to) {
  b.create<linalg::CopyOp>(loc, from, to);
  return success();
}

void adjoint::buildBufferizePipeline(OpPassManager &pm,
                                     const PipelineOptions &pipeline) {
  bufferization::OneShotBufferizationOptions options;
  options.memCpyFn = copyWithLinalg;
  options.bufferizeFunctionBoundaries = true;
  options.setFunctionBoundaryTypeConversion(
      bufferization::LayoutMapOption::IdentityLayoutMap);
  options.unknownTypeConverterFn =
      [](Value value, Attribute memorySpace,
         const bufferization::BufferizationOptions &) {
        return bufferization::getMemRefTypeWithStaticIdentityLayout(
            cast<TensorType>(value.getType()), memorySpace);
      };
  pm.addPass(createAdjLowerExternalCalls());
  pm.addPass(createAdjIsolateResults());
  pm.addPass(createAdjUnshareEmptyTensors());
  pm.addPass(bufferization::createOneShotBufferizePass(options));
  // A loop that updates a buffer in place (scatter_add's) still returns it:
  // canonicalization forwards the buffer, so a result computed by a loop is
  // an allocation that becomes the out-parameter, not a copy into it.
  pm.addPass(createCanonicalizerPass());
  bufferization::BufferResultsToOutParamsOpts outParams;
  outParams.hoistStaticAllocs = true;
  // A result that is not a fresh buffer (an argument, a constant) is copied
  // into its out-parameter.
  outParams.memCpyFn = copyWithLinalg;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  // CSE first: bufferization leaves copies between identical views.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  if (pipeline.optimize)
    pm.addPass(createAdjLowerToKernels());
  pm.addPass(createAdjExportCAbi({/*reuse=*/pipeline.optimize}));
}

void adjoint::buildLowerToLLVMPipeline(OpPassManager &pm,
                                       const PipelineOptions &options) {
  // Without optimizations, on one thread: the chunks' partial sums still
  // keep long sums accurate.
  AdjParallelizeLoopsOptions parallelize;
  parallelize.threads = options.optimize;
  pm.addPass(createAdjParallelizeLoops(parallelize));
  pm.addPass(createConvertLinalgToLoopsPass());
  if (options.optimize)
    pm.addPass(createAdjMarkBufferAccesses());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createAdjOutlineLongFunctions());
  pm.addPass(createAdjSplitLongBlocks());
  pm.addPass(createConvertSCFToCFPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  // Math ops LLVM has intrinsics for first; the rest (tanh, erf) call libm.
  pm.addPass(createAdjPreciseMath());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  if (options.optimize)
    pm.addPass(createAdjBufferAliasScopes());
}

namespace {
/// The options of the pipelines adjoint-opt offers.
struct StageOptions : public PassPipelineOptions<StageOptions> {
  Option<bool> optimize{*this, "optimize",
                        llvm::cl::desc("Run the optimizations (default)"),
                        llvm::cl::init(true)};
  adjoint::PipelineOptions get() const { return {optimize}; }
};
} // namespace

ArrayRef<adjoint::Stage> adjoint::getStages() {
  static const Stage stages[] = {
      {"differentiate", buildDifferentiatePipeline},
      {"optimize", buildOptimizePipeline},
      {"linalg", buildLowerToLinalgPipeline},
      {"bufferize", buildBufferizePipeline},
      {"llvm", buildLowerToLLVMPipeline},
  };
  return stages;
}

void adjoint::registerPipelines() {
  static const char *summaries[] = {
      "Canonicalize, then resolve derivative requests (adj-differentiate)",
      "Inline calls, simplify the adj IR",
      "Decompose composite adj ops and lower adj to linalg on tensors",
      "Bufferize; outputs as out-parameters, buffers in one workspace",
      "Lower to the LLVM dialect with the bare-pointer C ABI",
  };
  static std::vector<std::string> names;
  for (auto [stage, summary] : llvm::zip(getStages(), summaries)) {
    names.push_back(std::string("adj-stage-") + stage.name);
    PassPipelineRegistration<StageOptions>(
        names.back(), summary,
        [build = stage.build](OpPassManager &pm, const StageOptions &options) {
          build(pm, options.get());
        });
  }
  PassPipelineRegistration<StageOptions>(
      "adj-compile", "Every stage, from adj to the LLVM dialect",
      [](OpPassManager &pm, const StageOptions &options) {
        for (const Stage &stage : getStages())
          stage.build(pm, options.get());
      });
}
