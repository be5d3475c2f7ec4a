//===- Passes.h - adj-to-adj transformations --------------------*- C++ -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_TRANSFORMS_PASSES_H
#define ADJOINT_TRANSFORMS_PASSES_H

#include "adjoint/Dialect/Adj/IR/AdjDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace adjoint {

#define GEN_PASS_DECL
#include "adjoint/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "adjoint/Transforms/Passes.h.inc"

} // namespace adjoint

#endif // ADJOINT_TRANSFORMS_PASSES_H
