//===- DecomposableOpInterface.h - Ops made of adj ops ----------*- C++ -*-===//
//
// Part of the Adjoint project.
//
// How an op of another dialect is expanded into adj ops, for adj-decompose
// and the reference evaluator.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_DIALECT_ADJ_IR_DECOMPOSABLEOPINTERFACE_H
#define ADJOINT_DIALECT_ADJ_IR_DECOMPOSABLEOPINTERFACE_H

#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/PatternMatch.h"

#include "adjoint/Dialect/Adj/IR/DecomposableOpInterface.h.inc"

#endif // ADJOINT_DIALECT_ADJ_IR_DECOMPOSABLEOPINTERFACE_H
