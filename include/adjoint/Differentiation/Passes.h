//===- Passes.h - Differentiation passes ------------------------*- C++ -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_DIFFERENTIATION_PASSES_H
#define ADJOINT_DIFFERENTIATION_PASSES_H

#include "adjoint/Dialect/Adj/IR/AdjDialect.h"
#include "mlir/Pass/Pass.h"

namespace adjoint {

#define GEN_PASS_DECL
#include "adjoint/Differentiation/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "adjoint/Differentiation/Passes.h.inc"

} // namespace adjoint

#endif // ADJOINT_DIFFERENTIATION_PASSES_H
