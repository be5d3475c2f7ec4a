//===- MineDialect.h - The example plugin's dialect -------------*- C++ -*-===//
//
// Part of the Adjoint project (an example of a dialect plugin).
//
//===----------------------------------------------------------------------===//

#ifndef MINE_MINEDIALECT_H
#define MINE_MINEDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "MineOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "MineOps.h.inc"

#endif // MINE_MINEDIALECT_H
