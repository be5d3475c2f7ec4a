//===- FastMath.cpp - The adj-fast-math pass ------------------------------===//
//
// Part of the Adjoint project.
//
// Makes the loops of elementwise and reduction ops vectorizable by LLVM:
//
// 1. f32 exp, expm1, log, log1p, log2, tanh and erf become MLIR's polynomial
//    approximations (arith and math.fma, a few ulp), instead of calls to
//    libm that LLVM cannot vectorize. f64 keeps libm's accuracy: on x86-64
//    LLVM vectorizes its calls with glibc's libmvec
//    (lib/Target/NativeCode.cpp).
// 2. The float ops of a reduction that combine a value with the accumulator
//    (the output block argument of a linalg op) get the `reassoc` flag, so
//    LLVM may keep several partial sums in a vector. The order of the sum is
//    then fixed at compile time, the same for every call and thread count.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJFASTMATH
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {

bool isApproximated(Operation *op) {
  return isa<math::ExpOp, math::ExpM1Op, math::LogOp, math::Log1pOp,
             math::Log2Op, math::TanhOp, math::ErfOp>(op) &&
         getElementTypeOrSelf(op->getResult(0).getType()).isF32();
}

void markReassociable(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() == 0)
    return;
  for (BlockArgument acc : op.getRegionOutputArgs())
    for (Operation *user : acc.getUsers())
      if (auto fm = dyn_cast<arith::ArithFastMathInterface>(user))
        user->setAttr(
            fm.getFastMathAttrName(),
            arith::FastMathFlagsAttr::get(op.getContext(),
                                          fm.getFastMathFlagsAttr().getValue() |
                                              arith::FastMathFlags::reassoc));
}

struct AdjFastMathPass
    : public adjoint::impl::AdjFastMathBase<AdjFastMathPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isApproximated(op))
        ops.push_back(op);
      else if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
        markReassociable(linalgOp);
    });
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns);
    // Only the ops above and what their rewrites create: sin and cos, for
    // one, would lose accuracy on large arguments.
    GreedyRewriteConfig config;
    config.strictMode = GreedyRewriteStrictness::ExistingAndNewOps;
    // Not converging would leave some ops exact, which is still correct.
    (void)applyOpPatternsAndFold(ops, std::move(patterns), config);
  }
};

} // namespace
