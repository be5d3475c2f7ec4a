//===- MinePlugin.cpp - Adjoint's rules for the mine dialect --------------===//
//
// Part of the Adjoint project (an example of a dialect plugin).
//
// A dialect plugin: `--load-dialect-plugin=libMinePlugin.so` makes
// adjoint-opt, adjoint-run and adjoint-compile know the `mine` dialect and
// how Adjoint handles its op, through two external models:
//
//   DifferentiableOpInterface   softplus'(x) = sigmoid(x), so
//                               reverse:  x̄ = ȳ · sigmoid(x)
//                               forward:  ẏ = ẋ · sigmoid(x)
//   DecomposableOpInterface     softplus(x) = relu(x) + log1p(exp(-|x|)),
//                               which neither overflows for large x nor
//                               loses the small values for very negative x
//
// Rules and decompositions build adj ops, so the derivative is ordinary adj
// IR: it is optimized, lowered and differentiated again like any other.
//
//===----------------------------------------------------------------------===//

#include "MineDialect.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "adjoint/Dialect/Adj/IR/DecomposableOpInterface.h"
#include "adjoint/Differentiation/DifferentiableOpInterface.h"
#include "adjoint/Differentiation/RuleBuilder.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"

using namespace mlir;

namespace {

struct SoftplusRule : public adjoint::DifferentiableOpInterface::ExternalModel<
                          SoftplusRule, mine::SoftplusOp> {
  LogicalResult buildReverse(Operation *op,
                             adjoint::ReverseContext &ctx) const {
    Value ct = ctx.resultCotangent(0);
    if (!ct || !ctx.needsCotangent(0))
      return success();
    adjoint::RuleBuilder r(ctx.builder(), ctx.loc());
    Value sigmoid = r.create<adjoint::adj::SigmoidOp>(op->getOperand(0));
    return ctx.addOperandCotangent(0, r.mul(ct, sigmoid));
  }

  LogicalResult buildForward(Operation *op,
                             adjoint::ForwardContext &ctx) const {
    Value tangent = ctx.operandTangent(0);
    if (!tangent)
      return success();
    adjoint::RuleBuilder r(ctx.builder(), ctx.loc());
    Value sigmoid = r.create<adjoint::adj::SigmoidOp>(op->getOperand(0));
    return ctx.setResultTangent(0, r.mul(tangent, sigmoid));
  }
};

struct SoftplusDecomposition
    : public adjoint::DecomposableOpInterface::ExternalModel<
          SoftplusDecomposition, mine::SoftplusOp> {
  LogicalResult decompose(Operation *op, RewriterBase &rewriter) const {
    namespace adj = adjoint::adj;
    Location loc = op->getLoc();
    Value x = op->getOperand(0);
    Value negAbs =
        rewriter.create<adj::NegOp>(loc, rewriter.create<adj::AbsOp>(loc, x));
    Value tail = rewriter.create<adj::Log1pOp>(
        loc, rewriter.create<adj::ExpOp>(loc, negAbs));
    Value relu = rewriter.create<adj::ReluOp>(loc, x);
    rewriter.replaceOpWithNewOp<adj::AddOp>(op, relu, tail);
    return success();
  }
};

void registerMine(DialectRegistry *registry) {
  registry->insert<mine::MineDialect>();
  registry->addExtension(+[](MLIRContext *ctx, mine::MineDialect *) {
    // The rules build adj ops: make sure the dialect is there.
    ctx->getOrLoadDialect<adjoint::adj::AdjDialect>();
    mine::SoftplusOp::attachInterface<SoftplusRule, SoftplusDecomposition>(
        *ctx);
  });
}

} // namespace

extern "C" LLVM_ATTRIBUTE_WEAK DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "MinePlugin", "0.1", registerMine};
}
