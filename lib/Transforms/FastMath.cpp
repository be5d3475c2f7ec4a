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
//    (lib/Target/NativeCode.cpp). The approximations of log and log2 read
//    the exponent field, which is wrong for subnormal inputs (every one
//    gave log(FLT_MIN)), so those inputs are scaled into the normal range
//    first.
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

/// Computes f32 log(x) (or log2) as log(x * 2^23) - 23 log(2) where x is
/// subnormal: an exact scaling, so the result is as accurate as for normal
/// inputs. Zero, negative and NaN inputs keep their results.
void scaleSubnormalInput(Operation *log) {
  OpBuilder b(log);
  Location loc = log->getLoc();
  Value x = log->getOperand(0);
  auto constant = [&](double v) -> Value {
    TypedAttr attr = b.getF32FloatAttr(v);
    if (auto shaped = dyn_cast<ShapedType>(x.getType()))
      attr = DenseElementsAttr::get(shaped, attr);
    return b.create<arith::ConstantOp>(loc, attr);
  };
  const double kScale = 0x1p23, kMinNormal = 0x1p-126;
  double shift = 23.0 * (isa<math::Log2Op>(log) ? 1.0 : std::log(2.0));
  Value subnormal = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x,
                                            constant(kMinNormal));
  Value scaled = b.create<arith::MulFOp>(loc, x, constant(kScale));
  log->setOperand(0, b.create<arith::SelectOp>(loc, subnormal, scaled, x));
  b.setInsertionPointAfter(log);
  Value correction =
      b.create<arith::SelectOp>(loc, subnormal, constant(shift), constant(0.0));
  Value result = log->getResult(0);
  auto corrected = b.create<arith::SubFOp>(loc, result, correction);
  result.replaceAllUsesExcept(corrected, corrected);
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
    for (Operation *op : ops)
      if (isa<math::LogOp, math::Log2Op>(op))
        scaleSubnormalInput(op);
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
