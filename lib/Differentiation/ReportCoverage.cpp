//===- ReportCoverage.cpp - Which ops have a differentiation rule ---------===//
//
// Part of the Adjoint project.
//
// Reports, without changing the IR or failing, what differentiating a model
// would meet:
//
//   1. Collect the public functions with a body, then, transitively, the
//      functions they call or request a derivative of: each is reported
//      once. The requests themselves (adj.grad, ...) need no rule.
//   2. For each op of each function (its terminator aside):
//      - an op through which a derivative could flow (a float tensor
//        operand and a float tensor result) but without a rule for both
//        modes, built in or from a rule file, is a warning; so is a call of
//        a declared function without a custom derivative;
//      - each operand through which no derivative flows is a remark saying
//        why: its type is not a float tensor, or the op's rule says so.
//        "Differentiable" is isDifferentiableOperand, as in the
//        Differentiator.
//   3. A tensor built from a float scalar that depends on a float argument
//      (tensor.extract, then tensor.splat) is a warning, as the
//      Differentiator's error is (warnScalarPaths, its own check).
//   4. One summary remark per function: "@f: N ops, K without a rule"
//      (", S through a float scalar" when there are such tensors).
//
//===----------------------------------------------------------------------===//

#include "adjoint/Differentiation/Passes.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "adjoint/Differentiation/DifferentiableOpInterface.h"
#include "adjoint/Differentiation/Differentiator.h"
#include "adjoint/Differentiation/RuleLibrary.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/SetVector.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJREPORTCOVERAGE
#include "adjoint/Differentiation/Passes.h.inc"
} // namespace adjoint

using namespace mlir;
using namespace adjoint;

namespace {

/// Whether a derivative could flow through `op`: it has a float tensor
/// operand and a float tensor result.
bool couldNeedRule(Operation *op) {
  auto isFloat = [](Value v) { return adj::isFloatTensor(v.getType()); };
  return llvm::any_of(op->getOperands(), isFloat) &&
         llvm::any_of(op->getResults(), isFloat);
}

/// Why no derivative flows through `operand` of `op`.
std::string whyNotDifferentiable(Operation *op, Value operand) {
  Type type = operand.getType();
  if (adj::isFloatTensor(type))
    return "the rule of '" + op->getName().getStringRef().str() + "' says so";
  std::string text;
  llvm::raw_string_ostream os(text);
  Type element = getElementTypeOrSelf(type);
  if (element.isInteger(1))
    os << "its type '" << type << "' is a mask (i1)";
  else if (element.isIntOrIndex())
    os << "its type '" << type << "' is integer";
  else
    os << "its type '" << type << "' is not a float tensor";
  return text;
}

struct AdjReportCoveragePass
    : public adjoint::impl::AdjReportCoverageBase<AdjReportCoveragePass> {
  using AdjReportCoverageBase::AdjReportCoverageBase;

  void runOnOperation() override;

  /// Reports the ops of `fn`.
  void report(func::FuncOp fn, const RuleLibrary &rules);
};

void AdjReportCoveragePass::report(func::FuncOp fn, const RuleLibrary &rules) {
  unsigned numOps = 0, numMissing = 0;
  fn.walk([&](Operation *op) {
    // A derivative request (adj.grad, ...) is resolved, not differentiated:
    // what needs rules is its callee, reported as a function of its own.
    if (op == fn || op->hasTrait<OpTrait::IsTerminator>() ||
        adj::isDerivativeRequest(op->getName()))
      return;
    ++numOps;
    bool builtIn = isa<DifferentiableOpInterface>(op);
    bool reverse = builtIn || rules.hasReverseRule(op);
    bool forward = builtIn || rules.hasForwardRule(op);
    if (couldNeedRule(op) && !(reverse && forward)) {
      InFlightDiagnostic diag = emitWarning(op->getLoc());
      if (!reverse && !forward)
        diag << "no differentiation rule for '" << op->getName()
             << "'; add one (docs/adding-rules.md)";
      else
        diag << "'" << op->getName() << "' has a "
             << (reverse ? "reverse" : "forward")
             << "-mode rule from a rule file but no "
             << (reverse ? "forward" : "reverse")
             << "-mode one: " << (reverse ? "adj.jvp" : "adj.grad, adj.vjp")
             << " cannot differentiate it (docs/adding-rules.md)";
      ++numMissing;
    } else if (reverse && forward && reportAll) {
      emitRemark(op->getLoc(), "'")
          << op->getName() << "' has a differentiation rule";
    }
    if (auto call = dyn_cast<func::CallOp>(op)) {
      auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
          call, call.getCalleeAttr());
      bool vjp = callee && callee->hasAttr("adj.custom_vjp");
      bool jvp = callee && callee->hasAttr("adj.custom_jvp");
      if (callee && callee.isExternal() && couldNeedRule(op) && !(vjp && jvp)) {
        InFlightDiagnostic diag = emitWarning(op->getLoc(), "call of @")
                                  << callee.getSymName()
                                  << ", which is only declared";
        if (vjp || jvp)
          diag << " and has a custom " << (vjp ? "vjp" : "jvp")
               << " only: " << (vjp ? "adj.jvp" : "adj.grad, adj.vjp")
               << " cannot differentiate it (docs/adding-rules.md)";
        else
          diag << ": define it, or give it a custom derivative "
                  "(docs/adding-rules.md)";
        ++numMissing;
      }
    }
    for (OpOperand &operand : op->getOpOperands()) {
      unsigned index = operand.getOperandNumber();
      if (isDifferentiableOperand(op, index))
        continue;
      emitRemark(op->getLoc(), "operand #")
          << index << " of '" << op->getName() << "' is not differentiable: "
          << whyNotDifferentiable(op, operand.get());
    }
  });
  // What adj-differentiate rejects besides a missing rule, so that one
  // report lists all that stands in the way.
  unsigned numScalarPaths = warnScalarPaths(fn);
  // Free-function diagnostics: no dump of the op after each line.
  InFlightDiagnostic summary = emitRemark(fn.getLoc(), "@")
                               << fn.getSymName() << ": " << numOps << " ops, "
                               << numMissing << " without a rule";
  if (numScalarPaths)
    summary << ", " << numScalarPaths << " through a float scalar";
}

void AdjReportCoveragePass::runOnOperation() {
  ModuleOp module = getOperation();
  SymbolTable symbols(module);
  FailureOr<std::unique_ptr<RuleLibrary>> rules =
      RuleLibrary::loadWithDefaults(&getContext(), ruleFiles);
  if (failed(rules))
    return signalPassFailure();

  // The public functions, then what they call, in a stable order.
  llvm::SetVector<func::FuncOp> functions;
  for (auto fn : module.getOps<func::FuncOp>())
    if (fn.isPublic() && !fn.isDeclaration())
      functions.insert(fn);
  for (unsigned i = 0; i < functions.size(); ++i) {
    func::FuncOp fn = functions[i];
    // A callee with custom derivatives for both modes is never
    // differentiated itself.
    fn.walk([&](Operation *op) {
      auto ref = op->getAttrOfType<FlatSymbolRefAttr>("callee");
      if (!(isa<func::CallOp>(op) || adj::isDerivativeRequest(op->getName())) ||
          !ref)
        return;
      auto callee = symbols.lookup<func::FuncOp>(ref.getValue());
      if (callee && !callee.isDeclaration() &&
          !(callee->hasAttr("adj.custom_vjp") &&
            callee->hasAttr("adj.custom_jvp")))
        functions.insert(callee);
    });
  }

  for (func::FuncOp fn : functions)
    report(fn, **rules);
  markAllAnalysesPreserved();
}

} // namespace
