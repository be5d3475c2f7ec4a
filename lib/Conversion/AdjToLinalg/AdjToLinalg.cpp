//===- AdjToLinalg.cpp - The convert-adj-to-linalg pass -------------------===//
//
// Part of the Adjoint project.
//
// A full conversion: every adj op must be rewritten into linalg/tensor/
// arith/math (scf only where no parallel form exists), or the pass fails at
// the op's location.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Conversion/Passes.h"

#include "adjoint/Conversion/AdjToLinalg.h"
#include "adjoint/Dialect/Adj/IR/AdjDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace adjoint {
#define GEN_PASS_DEF_CONVERTADJTOLINALG
#include "adjoint/Conversion/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {
struct ConvertAdjToLinalgPass
    : public adjoint::impl::ConvertAdjToLinalgBase<ConvertAdjToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<adjoint::adj::AdjDialect>();
    target.addLegalOp<ModuleOp>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           scf::SCFDialect, func::FuncDialect>();
    RewritePatternSet patterns(ctx);
    adjoint::populateAdjToLinalgPatterns(patterns);
    adjoint::populateAdjNNToLinalgPatterns(patterns);
    if (failed(applyFullConversion(getOperation(), target,
                                   std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
