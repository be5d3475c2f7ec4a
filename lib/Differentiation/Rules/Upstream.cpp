//===- Upstream.cpp - Rules of upstream ops that appear in models ---------===//
//
// Part of the Adjoint project.
//
// arith.constant has no derivative. func.call is differentiated through the
// callee's own derivative function, synthesized on demand (and so cached
// across calls): the reverse rule calls the callee's vjp with the call's
// arguments and result cotangents, the forward rule its jvp.
//
//===----------------------------------------------------------------------===//

#include "Rules.h"

#include "adjoint/Differentiation/RuleBuilder.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace adjoint;

namespace {

func::FuncOp lookupCallee(func::CallOp call) {
  return SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      call, call.getCalleeAttr());
}

struct CallRule
    : public DifferentiableOpInterface::ExternalModel<CallRule, func::CallOp> {
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    auto call = cast<func::CallOp>(op);
    SmallVector<bool> wrt;
    for (unsigned i = 0; i < call.getNumOperands(); ++i)
      wrt.push_back(ctx.needsCotangent(i));
    FailureOr<func::FuncOp> vjp = ctx.reverseFunction(lookupCallee(call), wrt);
    if (failed(vjp))
      return failure();

    RuleBuilder r(ctx.builder(), ctx.loc());
    SmallVector<Value> operands(call.getOperands());
    for (auto [i, result] : llvm::enumerate(call.getResults())) {
      Value ct = ctx.resultCotangent(i);
      operands.push_back(ct ? ct : r.zerosLike(result));
    }
    auto derived = r.builder().create<func::CallOp>(ctx.loc(), *vjp, operands);
    auto cotangents = derived.getResults().drop_front(call.getNumResults());
    unsigned next = 0;
    for (unsigned i = 0; i < call.getNumOperands(); ++i)
      if (wrt[i] && failed(ctx.addOperandCotangent(i, cotangents[next++])))
        return failure();
    return success();
  }

  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    auto call = cast<func::CallOp>(op);
    SmallVector<bool> wrt;
    SmallVector<Value> operands(call.getOperands());
    for (unsigned i = 0; i < call.getNumOperands(); ++i) {
      Value tangent = ctx.operandTangent(i);
      wrt.push_back(static_cast<bool>(tangent));
      if (tangent)
        operands.push_back(tangent);
    }
    FailureOr<func::FuncOp> jvp = ctx.forwardFunction(lookupCallee(call), wrt);
    if (failed(jvp))
      return failure();
    auto derived =
        ctx.builder().create<func::CallOp>(ctx.loc(), *jvp, operands);
    auto tangents = derived.getResults().drop_front(call.getNumResults());
    for (auto [i, result] : llvm::enumerate(call.getResults()))
      if (adj::isFloatTensor(result.getType()) &&
          failed(ctx.setResultTangent(i, tangents[i])))
        return failure();
    return success();
  }
};

} // namespace

void adjoint::registerUpstreamRules(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, arith::ArithDialect *) {
    attachConstantRules<arith::ConstantOp>(ctx);
  });
  registry.addExtension(+[](MLIRContext *ctx, func::FuncDialect *) {
    func::CallOp::attachInterface<CallRule>(*ctx);
  });
}
