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
#include "llvm/ADT/StringRef.h"

namespace adjoint {

/// Elementwise, constant, linear-algebra, reduction and shape ops.
void populateAdjToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// conv2d and the pooling ops (and their derivative ops).
void populateAdjNNToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// The attributes that mark the linalg.generic of an adj.max_pool2d, and of
/// an adj.max_pool2d_scatter, over tiling windows (stride = kernel, no
/// padding); their value is the window [KH, KW] (array<i64>). The generic
/// computes the op; adj-lower-to-kernels replaces it by a call of the
/// runtime's pooling kernel. adj-fuse-elementwise leaves the scatter
/// unfused; the forward is fused into elementwise users like any generic.
inline constexpr llvm::StringLiteral kMaxPoolKernelAttr =
    "adj.max_pool2d_kernel";
inline constexpr llvm::StringLiteral kMaxPoolScatterKernelAttr =
    "adj.max_pool2d_scatter_kernel";

} // namespace adjoint

#endif // ADJOINT_CONVERSION_ADJTOLINALG_H
