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

/// log(sigmoid(x)) -> -softplus(-x) and log(1 - sigmoid(x)) -> -softplus(x):
/// sigmoid rounds to 0 below about -88 in f32 (-745 in f64), where the log
/// is -inf and its derivative NaN. adj-differentiate applies them to every
/// adj.log before it differentiates.
void populateStableLogPatterns(mlir::RewritePatternSet &patterns);

} // namespace adjoint::adj

#endif // ADJOINT_DIALECT_ADJ_IR_STABLEMATH_H
