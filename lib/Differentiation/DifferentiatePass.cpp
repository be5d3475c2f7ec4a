//===- DifferentiatePass.cpp - Replace derivative requests ----------------===//
//
// Part of the Adjoint project.
//
// 1. Collect the request ops (adj.value_and_grad, grad, vjp, jvp).
// 2. A request is ready when its callee, everything the callee calls, and
//    the custom derivatives (adj.custom_vjp, adj.custom_jvp) of those its
//    derivative uses hold no request: the derivative is built from a body
//    without requests, and calls no function that still holds one.
// 3. Replace each ready request by a call to the derivative the
//    Differentiator synthesizes (cached per function, mode and wrt set), and
//    repeat until none is left. Requests that never become ready ask for
//    each other's derivatives in a cycle, which is reported.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Differentiation/Passes.h"

#include "CustomDerivative.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "adjoint/Differentiation/Differentiator.h"
#include "adjoint/Differentiation/RuleLibrary.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/TypeSwitch.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJDIFFERENTIATE
#include "adjoint/Differentiation/Passes.h.inc"
} // namespace adjoint

using namespace mlir;
using namespace adjoint;

namespace {

bool isRequest(Operation *op) {
  return adj::isDerivativeRequest(op->getName());
}

/// Whether building a `forward` (else reverse) derivative of `fn` reaches a
/// request: one in `fn`, in a function it calls, or in the custom derivative
/// (CustomDerivative.cpp) that the derivative of `fn` or of a callee calls.
/// A custom vjp that asks for its own function's gradient is a cycle too:
/// replacing that request would make @f_grad call itself.
bool reachesRequest(func::FuncOp fn, bool forward, SymbolTable &symbols,
                    llvm::SmallPtrSetImpl<Operation *> &visited) {
  if (!visited.insert(fn).second)
    return false;
  func::FuncOp custom = getCustomDerivative(fn, forward);
  if (custom && reachesRequest(custom, forward, symbols, visited))
    return true;
  return fn.walk([&](Operation *op) {
             if (isRequest(op))
               return WalkResult::interrupt();
             auto call = dyn_cast<func::CallOp>(op);
             auto callee =
                 call ? symbols.lookup<func::FuncOp>(call.getCallee())
                      : func::FuncOp();
             if (callee && reachesRequest(callee, forward, symbols, visited))
               return WalkResult::interrupt();
             return WalkResult::advance();
           })
      .wasInterrupted();
}

struct AdjDifferentiatePass
    : public adjoint::impl::AdjDifferentiateBase<AdjDifferentiatePass> {
  using AdjDifferentiateBase::AdjDifferentiateBase;
  void runOnOperation() override;
};

/// Replaces `request` by a call of the derivative it asks for.
LogicalResult replaceRequest(Operation *request, Differentiator &differ,
                             SymbolTable &symbols) {
  auto calleeName = request->getAttrOfType<FlatSymbolRefAttr>("callee");
  auto callee = symbols.lookup<func::FuncOp>(calleeName.getValue());
  auto derive = [&](DerivativeKind kind, ArrayRef<bool> wrt) {
    return differ.getOrCreate(callee, kind, wrt);
  };
  OpBuilder builder(request);
  auto call = [&](func::FuncOp fn, ValueRange operands) {
    return builder.create<func::CallOp>(request->getLoc(), fn, operands);
  };

  return llvm::TypeSwitch<Operation *, LogicalResult>(request)
      .Case([&](adj::ValueAndGradOp op) {
        FailureOr<func::FuncOp> fn =
            derive(DerivativeKind::ValueAndGrad, op.getWrtMask(callee));
        if (failed(fn))
          return failure();
        op.replaceAllUsesWith(call(*fn, op.getArgs()).getResults());
        return success();
      })
      .Case([&](adj::GradOp op) {
        FailureOr<func::FuncOp> fn =
            derive(DerivativeKind::ValueAndGrad, op.getWrtMask(callee));
        if (failed(fn))
          return failure();
        op.replaceAllUsesWith(
            call(*fn, op.getArgs()).getResults().drop_front());
        return success();
      })
      .Case([&](adj::VjpOp op) {
        FailureOr<func::FuncOp> fn =
            derive(DerivativeKind::Reverse, op.getWrtMask(callee));
        if (failed(fn))
          return failure();
        SmallVector<Value> operands(op.getArgs());
        llvm::append_range(operands, op.getCotangents());
        op.replaceAllUsesWith(call(*fn, operands).getResults());
        return success();
      })
      .Case([&](adj::JvpOp op) {
        FailureOr<func::FuncOp> fn =
            derive(DerivativeKind::Forward, op.getWrtMask(callee));
        if (failed(fn))
          return failure();
        SmallVector<Value> operands(op.getArgs());
        llvm::append_range(operands, op.getTangents());
        op.replaceAllUsesWith(call(*fn, operands).getResults());
        return success();
      });
}

void AdjDifferentiatePass::runOnOperation() {
  ModuleOp module = getOperation();
  SymbolTable symbols(module);
  FailureOr<std::unique_ptr<RuleLibrary>> rules =
      RuleLibrary::loadWithDefaults(&getContext(), ruleFiles);
  if (failed(rules))
    return signalPassFailure();
  Differentiator differentiator(module, rules->get());

  while (true) {
    SmallVector<Operation *> requests;
    module.walk([&](Operation *op) {
      if (isRequest(op))
        requests.push_back(op);
    });
    if (requests.empty())
      return;

    bool progress = false;
    for (Operation *request : requests) {
      auto calleeName = request->getAttrOfType<FlatSymbolRefAttr>("callee");
      auto callee = symbols.lookup<func::FuncOp>(calleeName.getValue());
      llvm::SmallPtrSet<Operation *, 8> visited;
      if (reachesRequest(callee, isa<adj::JvpOp>(request), symbols, visited))
        continue;
      if (failed(replaceRequest(request, differentiator, symbols)))
        return signalPassFailure();
      request->erase();
      progress = true;
    }
    if (!progress) {
      for (Operation *request : requests)
        request->emitError("cannot differentiate @")
            << adj::getSourceName(symbols.lookup<func::FuncOp>(
                   request->getAttrOfType<FlatSymbolRefAttr>("callee")
                       .getValue()))
            << ": its derivative needs the derivative of a function that "
               "requests this one (the requests form a cycle)";
      return signalPassFailure();
    }
  }
}

} // namespace
