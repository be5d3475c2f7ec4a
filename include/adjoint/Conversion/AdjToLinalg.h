//===- AdjToLinalg.h - Lowering patterns of adj ops -------------*- C++ -*-===//
//
// Part of the Adjoint project.
//
// The patterns of convert-adj-to-linalg, one populate function per family of
// ops, each in its own file under lib/Conversion/AdjToLinalg.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_CONVERSION_ADJTOLINALG_H
#define ADJOINT_CONVERSION_ADJTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace adjoint {

/// Elementwise, constant, linear-algebra, reduction and shape ops.
void populateAdjToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// conv2d and the pooling ops (and their derivative ops).
void populateAdjNNToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace adjoint

#endif // ADJOINT_CONVERSION_ADJTOLINALG_H
