//===- PreciseMath.cpp - The adj-precise-math pass ------------------------===//
//
// Part of the Adjoint project.
//
// convert-math-to-llvm lowers math.expm1 to exp(x) - 1 and math.log1p to
// log(1 + x): both are 0 for a tiny x, where the true values are x. This
// pass sends the two ops to libm's expm1 and log1p first (upstream's
// math-to-libm patterns, applied to these ops only: the others keep their
// LLVM intrinsics, which LLVM folds and vectorizes).
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJPRECISEMATH
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {

struct AdjPreciseMathPass
    : public adjoint::impl::AdjPreciseMathBase<AdjPreciseMathPass> {
  void runOnOperation() override {
    ConversionTarget target(getContext());
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    target.addIllegalOp<math::ExpM1Op, math::Log1pOp>();
    RewritePatternSet patterns(&getContext());
    populateMathToLibmConversionPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
