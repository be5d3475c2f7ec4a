//===- Passes.h - Conversion passes -----------------------------*- C++ -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_CONVERSION_PASSES_H
#define ADJOINT_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace adjoint {

#define GEN_PASS_DECL
#include "adjoint/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "adjoint/Conversion/Passes.h.inc"

} // namespace adjoint

#endif // ADJOINT_CONVERSION_PASSES_H
