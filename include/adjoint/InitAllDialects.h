//===- InitAllDialects.h - What every Adjoint tool registers ----*- C++ -*-===//
//
// Part of the Adjoint project.
//
// The dialects a model may use, their interfaces (inlining, differentiation
// rules) and Adjoint's passes, registered the same way by every tool.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_INITALLDIALECTS_H
#define ADJOINT_INITALLDIALECTS_H

#include "adjoint/Dialect/Adj/IR/AdjDialect.h"
#include "adjoint/Differentiation/DifferentiableOpInterface.h"
#include "adjoint/Differentiation/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"

namespace adjoint {

inline void registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<adj::AdjDialect, mlir::arith::ArithDialect,
                  mlir::func::FuncDialect, mlir::tensor::TensorDialect>();
  mlir::func::registerInlinerExtension(registry);
  registerDifferentiationRules(registry);
}

inline void registerAllPasses() { registerDifferentiationPasses(); }

} // namespace adjoint

#endif // ADJOINT_INITALLDIALECTS_H
