//===- CheckNumerics.cpp - The adj-check-numerics pass --------------------===//
//
// Part of the Adjoint project.
//
// `adjoint-compile --check-numerics`: the compiled function reports the
// first op that produced a NaN or an Inf instead of succeeding silently.
//
//   %y = adj.log %x                       %status0 = 0
//                              ──▶        %y = adj.log %x
//                                         %bad = any(|%y| >= inf)   (NaN too)
//                                         %status1 = %status0 == 0 && %bad
//                                                    ? <id of adj.log> :
//                                                    %status0
//   return %y                             return %y, %status_last
//
// The check runs on adj IR after inlining and before lowering, so it sees
// the model's ops (composite ones undecomposed) at their own locations, and
// derivative ops at "adjoint"(<forward op>) / "tangent"(<forward op>). The
// body of a function is straight-line, so program order is the order the
// values are produced in: a NaN propagates only to later ops, and the first
// op flagged is the one that made it. The status is a value, not a global:
// the library stays free of mutable global state. Each id's message is
// stored in the module attribute `adj.status_messages`, which the library
// serves from <prefix>_status_message(). An op that reads a constant, or an
// argument whose initial value (a model's buffer) holds a NaN or an Inf (a
// -inf mask), or what ops compute from those and constants alone (a slice
// of it), is not checked: the model means it.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "adjoint/Transforms/Passes.h"

#include "adjoint/Transforms/DerivativeLocations.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/APFloat.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJCHECKNUMERICS
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;
using namespace adjoint;

namespace {

/// "adj.log at m.mlir:2:8 (forward) produced the first NaN or Inf in f", or
/// for a derivative op "adj.div at "adjoint"(m.mlir:7:8) (backward: in the
/// derivative of the op at m.mlir:7:8) produced ...".
std::string describe(Operation *op, func::FuncOp fn) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printOpPlace(op, os);
  os << " produced the first NaN or Inf in " << fn.getSymName();
  return s;
}

/// An i1 that is true if the float tensor `value` holds a NaN or an Inf:
/// `|x| >= inf` is true for an Inf and, unordered, for a NaN, so one compare
/// per element and an or-reduction.
Value anyNonFinite(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  auto floatType = cast<FloatType>(type.getElementType());
  unsigned rank = type.getRank();
  Value init =
      b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{}, b.getI1Type());
  Value no = b.create<arith::ConstantIntOp>(loc, 0, 1);
  init = b.create<linalg::FillOp>(loc, no, init).getResult(0);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 AffineMap::get(rank, 0, {}, b.getContext())};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::reduction);
  auto check = b.create<linalg::GenericOp>(
      loc, init.getType(), value, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value inf = nb.create<arith::ConstantFloatOp>(
            nloc, llvm::APFloat::getInf(floatType.getFloatSemantics()),
            floatType);
        Value magnitude = nb.create<math::AbsFOp>(nloc, args[0]);
        Value bad = nb.create<arith::CmpFOp>(nloc, arith::CmpFPredicate::UGE,
                                             magnitude, inf);
        nb.create<linalg::YieldOp>(
            nloc, nb.create<arith::OrIOp>(nloc, args[1], bad).getResult());
      });
  return b.create<tensor::ExtractOp>(loc, check.getResult(0), ValueRange());
}

/// Whether `v` is a constant whose entries are all positive and finite:
/// multiplying by it keeps a -inf a -inf and makes no NaN.
bool positiveFiniteConstant(Value v) {
  DenseElementsAttr constant;
  return matchPattern(v, m_Constant(&constant)) &&
         isa<FloatType>(constant.getElementType()) &&
         llvm::all_of(constant.getValues<APFloat>(), [](const APFloat &x) {
           return x.isFinite() && !x.isNegative() && !x.isZero();
         });
}

/// Whether `value` holds a NaN or an Inf the model means (a -inf attention
/// mask): a constant, or an argument of `fn` whose `adj.initial_value`
/// holds one (a float buffer of an ONNX model, such as PyTorch's
/// register_buffer of an additive mask), or such values and constants
/// moved or chosen from (`self.mask[:t, :t]`, a slice; a reshape,
/// transpose, broadcast, concatenation, reversal; a select between them by
/// any condition, as in a causal mask made by Trilu) or one multiplied by a
/// positive finite constant (PyTorch's attention scales its mask by 1). Any
/// other op may make a new NaN of it (`mask * 0`, `mask - mask`): what it
/// computes is not intended. `known` caches each value's answer: a large
/// constant is read once.
bool intendedNonFinite(Value value, func::FuncOp fn,
                       DenseMap<Value, bool> &known) {
  if (auto it = known.find(value); it != known.end())
    return it->second;
  DenseElementsAttr constant;
  auto arg = dyn_cast<BlockArgument>(value);
  if (arg && arg.getOwner() == &fn.front())
    constant = fn.getArgAttrOfType<DenseElementsAttr>(arg.getArgNumber(),
                                                      "adj.initial_value");
  else
    matchPattern(value, m_Constant(&constant));
  auto intendedOperand = [&](Value v) {
    return intendedNonFinite(v, fn, known);
  };
  bool intended = false;
  Operation *op = value.getDefiningOp();
  if (constant && isa<FloatType>(constant.getElementType())) {
    intended = llvm::any_of(constant.getValues<APFloat>(),
                            [](const APFloat &v) { return !v.isFinite(); });
  } else if (!op || op->getParentOp() != fn) {
    // An argument without an initial value, or a value of a nested region.
  } else if (isa<adj::SliceOp, adj::ReshapeOp, adj::TransposeOp,
                 adj::BroadcastToOp, adj::ConcatOp, adj::ReverseOp,
                 adj::SelectOp>(op)) {
    // What it moves or chooses from must all be meant or constant: a
    // select of -inf or a score (masked_fill) is a new value, which the
    // ops after it (a softmax of an all -inf row) may make a NaN of.
    ValueRange data = op->getOperands();
    if (isa<adj::SelectOp>(op)) // not its condition
      data = data.drop_front();
    auto isConstant = [](Value v) { return matchPattern(v, m_Constant()); };
    intended =
        llvm::any_of(data, intendedOperand) && llvm::all_of(data, [&](Value v) {
          return isConstant(v) || intendedOperand(v);
        });
  } else if (auto mul = dyn_cast<adj::MulOp>(op)) {
    Value lhs = mul.getLhs(), rhs = mul.getRhs();
    intended = (intendedOperand(lhs) && positiveFiniteConstant(rhs)) ||
               (intendedOperand(rhs) && positiveFiniteConstant(lhs));
  }
  known[value] = intended;
  return intended;
}

/// Whether `op` reads a value the model holds a NaN or an Inf in on
/// purpose (`select(mask, -inf, s)`, `s + mask`), so that what `op` makes
/// of it is no error. An op that turns it into a NaN later (a softmax of a
/// row that is all -inf) is still flagged.
bool readsNonFiniteConstant(Operation *op, func::FuncOp fn,
                            DenseMap<Value, bool> &known) {
  return llvm::any_of(op->getOperands(), [&](Value operand) {
    return intendedNonFinite(operand, fn, known);
  });
}

/// Adds the checks to `fn`, returns its status as a new last result and
/// appends the message of each id it uses to `messages`.
LogicalResult checkFunction(func::FuncOp fn,
                            SmallVectorImpl<Attribute> &messages) {
  SmallVector<Operation *> producers;
  DenseMap<Value, bool> nonFinite;
  WalkResult walk = fn.walk([&](Operation *op) {
    if (auto call = dyn_cast<CallOpInterface>(op)) {
      InFlightDiagnostic diag =
          op->emitError("--check-numerics: cannot check the ops of ");
      if (auto callee = dyn_cast<SymbolRefAttr>(call.getCallableForCallee()))
        diag << callee;
      else
        diag << "the function called here";
      diag << ", which @" << adjoint::adj::getSourceName(fn)
           << " still calls after inlining (a function without a body, or a "
              "recursive one, is not inlined)";
      return WalkResult::interrupt();
    }
    if (op->getParentOp() == fn && !op->hasTrait<OpTrait::ConstantLike>() &&
        !readsNonFiniteConstant(op, fn, nonFinite) &&
        llvm::any_of(op->getResultTypes(), [](Type type) {
          auto tensor = dyn_cast<RankedTensorType>(type);
          return tensor && isa<FloatType>(tensor.getElementType());
        }))
      producers.push_back(op);
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  if (!fn.getBody().hasOneBlock())
    return fn.emitError("--check-numerics: @")
           << adjoint::adj::getSourceName(fn) << " has more than one block";

  StatusChain chain(fn, messages);
  for (Operation *op : producers) {
    OpBuilder &b = chain.after(op);
    Location loc = op->getLoc();
    Value bad;
    for (Value result : op->getResults()) {
      auto tensor = dyn_cast<RankedTensorType>(result.getType());
      if (!tensor || !isa<FloatType>(tensor.getElementType()))
        continue;
      Value resultBad = anyNonFinite(b, loc, result);
      bad = bad ? b.create<arith::OrIOp>(loc, bad, resultBad) : resultBad;
    }
    chain.record(bad, describe(op, fn));
  }
  // An index out of range (adj-check-indices) may well have caused the NaN:
  // it is reported first.
  chain.finish(/*ahead=*/false, "adj.checked_numerics");
  return success();
}

struct AdjCheckNumericsPass
    : public adjoint::impl::AdjCheckNumericsBase<AdjCheckNumericsPass> {
  void runOnOperation() override {
    if (failed(checkPublicFunctions(getOperation(), getArgument(),
                                    "adj.checked_numerics", checkFunction)))
      signalPassFailure();
  }
};

} // namespace
