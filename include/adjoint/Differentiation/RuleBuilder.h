//===- RuleBuilder.h - Building blocks of differentiation rules -*- C++ -*-===//
//
// Part of the Adjoint project.
//
// Rules build adj ops at one location and share a few shape idioms: undo a
// broadcast by summing, undo a reduction by broadcasting back, make constants
// shaped like a value. RuleBuilder gives each a name so that a rule reads as
// its formula.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_DIFFERENTIATION_RULEBUILDER_H
#define ADJOINT_DIFFERENTIATION_RULEBUILDER_H

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "mlir/IR/Builders.h"

namespace adjoint {

class RuleBuilder {
public:
  RuleBuilder(mlir::OpBuilder &builder, mlir::Location loc)
      : b(builder), loc(loc) {}

  mlir::OpBuilder &builder() { return b; }
  mlir::Location location() { return loc; }

  /// Creates an op at the rule's location and returns its first result.
  template <typename OpTy, typename... Args>
  mlir::Value create(Args &&...args) {
    return b.create<OpTy>(loc, std::forward<Args>(args)...)->getResult(0);
  }

  /// `op` with `operands` in place of its own (same attributes and result
  /// types) at the rule's location; returns its first result. The derivative
  /// of an op linear in the replaced operands is the op itself.
  mlir::Value cloneWith(mlir::Operation *op, mlir::ValueRange operands);
  /// The tangent of an op linear in each of its two operands (matmul, dot,
  /// conv2d): op(ta, b) + op(a, tb), where a null tangent is zero; null when
  /// both are.
  mlir::Value bilinearTangent(mlir::Operation *op, mlir::Value ta,
                              mlir::Value tb);
  /// a + b, where a null value stands for zero (a sum not started yet).
  mlir::Value addTerms(mlir::Value a, mlir::Value b);

  /// A tensor of `type` (or of `like`'s type) filled with `value`.
  mlir::Value splat(mlir::Type type, double value);
  mlir::Value splatLike(mlir::Value like, double value) {
    return splat(like.getType(), value);
  }
  /// A 0-d tensor of `like`'s element type holding `value`; it broadcasts
  /// against anything.
  mlir::Value scalar(mlir::Value like, double value);
  mlir::Value zerosLike(mlir::Value like) { return splatLike(like, 0.0); }

  // Elementwise arithmetic (broadcasting as the adj ops do).
  mlir::Value add(mlir::Value a, mlir::Value b);
  mlir::Value sub(mlir::Value a, mlir::Value b);
  mlir::Value mul(mlir::Value a, mlir::Value b);
  mlir::Value div(mlir::Value a, mlir::Value b);
  mlir::Value neg(mlir::Value a);
  /// a * value for a scalar constant `value`.
  mlir::Value scale(mlir::Value a, double value);
  mlir::Value compare(adj::ComparisonDirection direction, mlir::Value a,
                      mlir::Value b);
  mlir::Value select(mlir::Value condition, mlir::Value onTrue,
                     mlir::Value onFalse);

  /// `value` broadcast to `type` (NumPy rules); itself if it has that type.
  mlir::Value broadcastTo(mlir::Value value, mlir::Type type);
  /// Undoes a broadcast: sums `value` over the dimensions that broadcasting
  /// `type` to `value`'s type added or stretched, giving a `type` tensor.
  /// This is how the cotangent of a broadcast operand is formed.
  mlir::Value sumToType(mlir::Value value, mlir::Type type);
  /// Sums over `axes` (sorted), keeping them as size 1 when `keepdims`.
  mlir::Value sum(mlir::Value value, llvm::ArrayRef<int64_t> axes,
                  bool keepdims);
  /// Undoes a reduction: `reduced` is `full` reduced over `axes` (with or
  /// without keepdims); broadcasts it back to `full`'s type.
  mlir::Value expandReduced(mlir::Value reduced, mlir::Type full,
                            llvm::ArrayRef<int64_t> axes);
  mlir::Value reshape(mlir::Value value, llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Value value, llvm::ArrayRef<int64_t> perm);
  /// `value` converted to `type`'s element type.
  mlir::Value convertElementType(mlir::Value value, mlir::Type elementType);

private:
  mlir::OpBuilder &b;
  mlir::Location loc;
};

/// The inverse of a permutation.
llvm::SmallVector<int64_t> invertPermutation(llvm::ArrayRef<int64_t> perm);

} // namespace adjoint

#endif // ADJOINT_DIFFERENTIATION_RULEBUILDER_H
