//===- InitAllDialects.h - What every Adjoint tool registers ----*- C++ -*-===//
//
// Part of the Adjoint project.
//
// The dialects a model and its lowering use, their interfaces (inlining,
// bufferization, differentiation rules) and Adjoint's passes and pipelines,
// registered the same way by every tool.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_INITALLDIALECTS_H
#define ADJOINT_INITALLDIALECTS_H

#include "adjoint/Conversion/Passes.h"
#include "adjoint/Dialect/Adj/IR/AdjDialect.h"
#include "adjoint/Differentiation/DifferentiableOpInterface.h"
#include "adjoint/Differentiation/Passes.h"
#include "adjoint/Pipelines/Pipelines.h"
#include "adjoint/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/IR/DialectRegistry.h"

namespace adjoint {

inline void registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<adj::AdjDialect, mlir::arith::ArithDialect,
                  mlir::bufferization::BufferizationDialect,
                  mlir::cf::ControlFlowDialect, mlir::func::FuncDialect,
                  mlir::linalg::LinalgDialect, mlir::LLVM::LLVMDialect,
                  mlir::math::MathDialect, mlir::memref::MemRefDialect,
                  mlir::omp::OpenMPDialect, mlir::scf::SCFDialect,
                  mlir::tensor::TensorDialect>();
  mlir::func::registerInlinerExtension(registry);
  // What one-shot bufferization needs to know of each dialect's ops.
  mlir::arith::registerBufferizableOpInterfaceExternalModels(registry);
  mlir::bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  mlir::linalg::registerBufferizableOpInterfaceExternalModels(registry);
  mlir::scf::registerBufferizableOpInterfaceExternalModels(registry);
  mlir::tensor::registerBufferizableOpInterfaceExternalModels(registry);
  registerDifferentiationRules(registry);
}

inline void registerAllPasses() {
  registerPipelines();
  registerConversionPasses();
  registerDifferentiationPasses();
  registerTransformsPasses();
}

} // namespace adjoint

#endif // ADJOINT_INITALLDIALECTS_H
