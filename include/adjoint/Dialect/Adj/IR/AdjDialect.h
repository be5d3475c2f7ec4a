//===- AdjDialect.h - The adj dialect ---------------------------*- C++ -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_DIALECT_ADJ_IR_ADJDIALECT_H
#define ADJOINT_DIALECT_ADJ_IR_ADJDIALECT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dialect.h"

#include "adjoint/Dialect/Adj/IR/AdjDialect.h.inc"

#endif // ADJOINT_DIALECT_ADJ_IR_ADJDIALECT_H
