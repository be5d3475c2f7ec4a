//===- StableMath.h - Numerically stable adj compositions ------*- C++ -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_DIALECT_ADJ_IR_STABLEMATH_H
#define ADJOINT_DIALECT_ADJ_IR_STABLEMATH_H

#include "mlir/IR/PatternMatch.h"

namespace adjoint::adj {

/// softplus(x) = log(1 + e^x) as select(x > 0, x, 0) + log1p(e^-|x|), where
/// -|x| is select(x > 0, -x, x): it cannot overflow, and its derivative at
/// 0 is sigmoid(0) = 1/2 (adj.relu's and adj.abs's are 0 there).
mlir::Value buildSoftplus(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value x);

} // namespace adjoint::adj

#endif // ADJOINT_DIALECT_ADJ_IR_STABLEMATH_H
