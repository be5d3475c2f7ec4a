//===- DifferentiableOpInterface.h - Differentiation rules ------*- C++ -*-===//
//
// Part of the Adjoint project.
//
// The interface through which an op states its derivative, and the contexts
// the differentiation engine hands to each rule.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_DIFFERENTIATION_DIFFERENTIABLEOPINTERFACE_H
#define ADJOINT_DIFFERENTIATION_DIFFERENTIABLEOPINTERFACE_H

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace adjoint {

/// What a reverse-mode rule sees: the op being differentiated, a builder
/// placed in the derivative function, the cotangents of the op's results,
/// and where to put those of its operands. The rule's op and its operands are
/// the values of the derivative function (the forward computation is
/// rebuilt there), so a rule may use them freely.
class ReverseContext {
public:
  virtual ~ReverseContext();

  /// The builder to create the rule's ops with.
  virtual mlir::OpBuilder &builder() = 0;
  /// The location of the rule's ops: it points back to the forward op.
  virtual mlir::Location loc() = 0;
  /// The op being differentiated.
  virtual mlir::Operation *forwardOp() = 0;
  /// The cotangent of result `index`, or null when it is zero.
  virtual mlir::Value resultCotangent(unsigned index) = 0;
  /// Whether operand `index` needs a cotangent (it is active).
  virtual bool needsCotangent(unsigned index) = 0;
  /// Adds `cotangent` to the cotangent of operand `index`. Fails (with an
  /// error naming the rule) when its type is not the operand's.
  virtual mlir::LogicalResult addOperandCotangent(unsigned index,
                                                  mlir::Value cotangent) = 0;
  /// The reverse-mode derivative of `callee` w.r.t. the arguments flagged in
  /// `wrt`: a function taking the callee's arguments then one cotangent per
  /// callee result, returning the callee's results then one cotangent per
  /// flagged argument. Synthesized once and cached.
  virtual mlir::FailureOr<mlir::func::FuncOp>
  reverseFunction(mlir::func::FuncOp callee, llvm::ArrayRef<bool> wrt) = 0;
};

/// What a forward-mode rule sees: the op being differentiated, a builder,
/// the tangents of the operands, and where to put those of the results.
class ForwardContext {
public:
  virtual ~ForwardContext();

  virtual mlir::OpBuilder &builder() = 0;
  virtual mlir::Location loc() = 0;
  virtual mlir::Operation *forwardOp() = 0;
  /// The tangent of operand `index`, or null when it is zero.
  virtual mlir::Value operandTangent(unsigned index) = 0;
  /// Sets the tangent of result `index`. Fails (with an error naming the
  /// rule) when its type is not the result's.
  virtual mlir::LogicalResult setResultTangent(unsigned index,
                                               mlir::Value tangent) = 0;
  /// The forward-mode derivative of `callee` w.r.t. the arguments flagged in
  /// `wrt`: a function taking the callee's arguments then one tangent per
  /// flagged argument, returning the callee's results then one tangent per
  /// result.
  virtual mlir::FailureOr<mlir::func::FuncOp>
  forwardFunction(mlir::func::FuncOp callee, llvm::ArrayRef<bool> wrt) = 0;
};

/// Whether a derivative flows through operand `index` of `op`: what its
/// rule says, or, for an op without a rule, whether the operand is a float
/// tensor (so that a missing rule is reported rather than silently giving
/// zero).
bool isDifferentiableOperand(mlir::Operation *op, unsigned index);

/// Registers the rules of the adj dialect's ops and of the upstream ops that
/// appear in models (arith.constant, func.call).
void registerDifferentiationRules(mlir::DialectRegistry &registry);

} // namespace adjoint

#include "adjoint/Differentiation/DifferentiableOpInterface.h.inc"

#endif // ADJOINT_DIFFERENTIATION_DIFFERENTIABLEOPINTERFACE_H
