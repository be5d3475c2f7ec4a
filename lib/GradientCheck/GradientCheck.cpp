//===- GradientCheck.cpp - Derivatives against finite differences ---------===//
//
// Part of the Adjoint project.
//
// Reverse mode: with random cotangents w of the results, the vjp gives
// ∇L for L(x) = Σ w · f(x); each probed coordinate i of each argument is
// compared with (L(x + h eᵢ) - L(x - h eᵢ)) / 2h.
// Forward mode: with random tangents v of the arguments, the jvp gives
// J v; it is compared with (f(x + h v) - f(x - h v)) / 2h.
//
//===----------------------------------------------------------------------===//

#include "adjoint/GradientCheck/GradientCheck.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "adjoint/Differentiation/Differentiator.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace adjoint;

namespace {

/// splitmix64: a small generator that gives the same numbers everywhere.
class Random {
public:
  explicit Random(uint64_t seed) : state(seed) {}
  /// Uniform in [-1, 1).
  double next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-52 - 1.0;
  }
  RefTensor like(const RefTensor &t) {
    RefTensor r = t;
    for (double &v : r.data)
      v = next();
    return r;
  }

private:
  uint64_t state;
};

RefTensor randomOfType(Random &random, Type type) {
  auto tensor = cast<RankedTensorType>(type);
  RefTensor t{tensor.getElementType(), SmallVector<int64_t>(tensor.getShape()),
              {}};
  t.data.resize(tensor.getNumElements());
  return random.like(t);
}

/// The error relative to the larger of the derivatives' magnitude and a
/// floor of 1e-3 F for a function of magnitude F. Finite differences carry
/// noise of about 1e-16 F / step (more where the function is badly
/// conditioned), so a derivative that is truly 0, such as that of a bias
/// before a normalization, is judged on its absolute error (1e-9 F at the
/// default tolerance) rather than against the noise. NaN when any value is
/// not finite: a derivative that cannot be checked does not pass.
/// Also returns the position in `got` of the largest error (of the first
/// value that is not finite), and whether every difference is within
/// rounding: 4 `epsilon` (of the model's narrowest float type) times the
/// larger of F and the derivatives. A model in f32 has its constants
/// rounded (1/n of a mean is 0.0833333358), so a derivative that is 0 in
/// exact arithmetic is a sum of terms that cancel only to within their
/// rounding; a wrong rule is off by far more (for f32, 5e-7 of F).
struct ErrorSummary {
  double relative;
  size_t worst;
  bool withinRounding;
};
ErrorSummary relativeError(ArrayRef<double> got, ArrayRef<double> want,
                           double functionScale, double epsilon) {
  double scale = 1e-3 * std::max(1.0, functionScale), error = 0;
  double magnitude = functionScale;
  size_t worst = 0;
  for (auto [k, g, w] : llvm::enumerate(got, want)) {
    if (!std::isfinite(g) || !std::isfinite(w))
      return {std::numeric_limits<double>::quiet_NaN(), k, false};
    scale = std::max({scale, std::abs(g), std::abs(w)});
    magnitude = std::max({magnitude, std::abs(g), std::abs(w)});
    if (std::abs(g - w) > error) {
      error = std::abs(g - w);
      worst = k;
    }
  }
  return {error / scale, worst, error <= 4 * epsilon * magnitude};
}

/// The indices of element `flat` of a row-major tensor of `shape`.
SmallVector<int64_t> unflatten(int64_t flat, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
  return index;
}

/// A row of the report from the probed derivatives and finite differences;
/// `elements[k]` is the element that `got[k]` is the derivative at.
GradientCheckResult makeRow(std::string mode, std::string name,
                            ArrayRef<double> got, ArrayRef<double> want,
                            ArrayRef<int64_t> elements, ArrayRef<int64_t> shape,
                            double functionScale, double epsilon) {
  auto [error, worst, withinRounding] =
      relativeError(got, want, functionScale, epsilon);
  GradientCheckResult row{std::move(mode), std::move(name),
                          static_cast<int64_t>(got.size()), error};
  row.withinRounding = withinRounding;
  if (!got.empty()) {
    row.worstIndex = unflatten(elements[worst], shape);
    row.worstDerivative = got[worst];
    row.worstFiniteDifference = want[worst];
  }
  return row;
}

/// The largest magnitude of the values of `tensors`.
double maxMagnitude(ArrayRef<RefTensor> tensors) {
  double m = 0;
  for (const RefTensor &t : tensors)
    for (double v : t.data)
      m = std::max(m, std::abs(v));
  return m;
}

/// The coordinates of an n-element argument probed by finite differences.
SmallVector<int64_t> probes(int64_t n, int64_t max) {
  SmallVector<int64_t> coordinates;
  int64_t count = std::min(n, max);
  for (int64_t k = 0; k < count; ++k)
    coordinates.push_back(k * n / count);
  return coordinates;
}

} // namespace

FailureOr<SmallVector<GradientCheckResult>>
adjoint::checkGradients(func::FuncOp fn, ArrayRef<RefTensor> args,
                        ArrayRef<bool> wrt,
                        const GradientCheckOptions &options) {
  // Derivatives go into a copy, so the caller's module is left as it was.
  OwningOpRef<ModuleOp> copy(cast<ModuleOp>(fn->getParentOp()->clone()));
  auto target = copy->lookupSymbol<func::FuncOp>(fn.getSymName());
  Differentiator differentiator(*copy, options.rules);
  // The jvp is built only once the vjp is: an op the reverse sweep cannot
  // differentiate is mostly one the forward sweep cannot either, and its
  // errors would be reported twice.
  FailureOr<func::FuncOp> vjp =
      differentiator.getOrCreate(target, DerivativeKind::Reverse, wrt);
  if (failed(vjp))
    return failure();
  FailureOr<func::FuncOp> jvp =
      differentiator.getOrCreate(target, DerivativeKind::Forward, wrt);
  if (failed(jvp))
    return failure();

  // The rounding unit of the narrowest float type of the signature.
  double epsilon = std::numeric_limits<double>::epsilon();
  for (Type type :
       llvm::concat<const Type>(fn.getArgumentTypes(), fn.getResultTypes()))
    if (adj::isFloatTensor(type))
      epsilon = std::max(
          epsilon,
          std::ldexp(1.0, 1 - int(llvm::APFloat::semanticsPrecision(
                                  cast<FloatType>(getElementTypeOrSelf(type))
                                      .getFloatSemantics()))));

  // A stream of its own: drawn from `seed` itself, the cotangents would
  // repeat the inputs generated from the same seed.
  Random random(options.seed ^ 0xd1b54a32d192ed03ULL);
  unsigned numResults = fn.getNumResults();
  // An integer or i1 result has no derivative: its cotangent is 0 (the
  // only value every element type holds), and it adds nothing to L.
  SmallVector<RefTensor> cotangents;
  for (Type type : fn.getResultTypes()) {
    cotangents.push_back(randomOfType(random, type));
    if (!adj::isFloatTensor(type))
      std::fill(cotangents.back().data.begin(), cotangents.back().data.end(),
                0.0);
  }
  SmallVector<RefTensor> tangents;
  for (auto [arg, on] : llvm::zip(args, wrt))
    if (on)
      tangents.push_back(random.like(arg));

  // L(x) = Σ w · f(x).
  auto objective = [&](ArrayRef<RefTensor> x) -> FailureOr<double> {
    FailureOr<SmallVector<RefTensor>> results = evaluate(fn, x);
    if (failed(results))
      return failure();
    double sum = 0;
    for (auto [result, w] : llvm::zip(*results, cotangents))
      for (auto [a, b] : llvm::zip(result.data, w.data))
        sum += a * b;
    return sum;
  };

  SmallVector<GradientCheckResult> rows;

  FailureOr<double> atX = objective(args);
  if (failed(atX))
    return failure();

  // Reverse mode, one row per differentiated argument.
  SmallVector<RefTensor> vjpArgs(args);
  llvm::append_range(vjpArgs, cotangents);
  FailureOr<SmallVector<RefTensor>> reverse = evaluate(*vjp, vjpArgs);
  if (failed(reverse))
    return failure();
  unsigned next = numResults;
  for (auto [i, on] : llvm::enumerate(wrt)) {
    if (!on)
      continue;
    const RefTensor &gradient = (*reverse)[next++];
    SmallVector<double> got, want;
    SmallVector<int64_t> probed =
        probes(args[i].numElements(), options.maxCoordinates);
    for (int64_t k : probed) {
      SmallVector<RefTensor> plus(args), minus(args);
      double h = options.step * std::max(1.0, std::abs(args[i].data[k]));
      plus[i].data[k] += h;
      minus[i].data[k] -= h;
      FailureOr<double> up = objective(plus), down = objective(minus);
      if (failed(up) || failed(down))
        return failure();
      want.push_back((*up - *down) / (2 * h));
      got.push_back(gradient.data[k]);
    }
    rows.push_back(makeRow("reverse", adj::getArgumentName(fn, i), got, want,
                           probed, args[i].shape, std::abs(*atX), epsilon));
  }

  // Forward mode, one row per result.
  SmallVector<RefTensor> jvpArgs(args);
  llvm::append_range(jvpArgs, tangents);
  FailureOr<SmallVector<RefTensor>> forward = evaluate(*jvp, jvpArgs);
  if (failed(forward))
    return failure();
  SmallVector<RefTensor> plus(args), minus(args);
  double h = options.step;
  next = 0;
  for (auto [i, on] : llvm::enumerate(wrt)) {
    if (!on)
      continue;
    for (auto [k, v] : llvm::enumerate(tangents[next++].data)) {
      plus[i].data[k] += h * v;
      minus[i].data[k] -= h * v;
    }
  }
  FailureOr<SmallVector<RefTensor>> up = evaluate(fn, plus),
                                    down = evaluate(fn, minus);
  if (failed(up) || failed(down))
    return failure();
  double resultScale =
      maxMagnitude(ArrayRef<RefTensor>(*forward).take_front(numResults));
  for (unsigned r = 0; r < numResults; ++r) {
    if (!adj::isFloatTensor(fn.getResultTypes()[r]))
      continue;
    SmallVector<double> want;
    for (auto [a, b] : llvm::zip((*up)[r].data, (*down)[r].data))
      want.push_back((a - b) / (2 * h));
    const RefTensor &tangent = (*forward)[numResults + r];
    rows.push_back(
        makeRow("forward", "result " + std::to_string(r), tangent.data, want,
                llvm::to_vector(llvm::seq<int64_t>(0, tangent.numElements())),
                tangent.shape, resultScale, epsilon));
  }
  return rows;
}
