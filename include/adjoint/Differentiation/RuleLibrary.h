//===- RuleLibrary.h - Differentiation rules written in MLIR ----*- C++ -*-===//
//
// Part of the Adjoint project.
//
// Rule files let a user differentiate an op Adjoint has no rule for, or
// replace a built-in rule, without C++ (docs/adding-rules.md). A rule is a
// function whose attribute names the op it is for:
//
//   func.func @atan_vjp(%x: tensor<*xf32>, %y: tensor<*xf32>,
//                       %dy: tensor<*xf32>) -> tensor<*xf32>
//       attributes {adj.reverse_rule = "math.atan"} { ... }
//
// A reverse rule takes the op's operands, its results, then one cotangent per
// result, and returns one cotangent per operand. A forward rule
// (`adj.forward_rule`) takes the operands, the results, then one tangent per
// operand, and returns one tangent per result. Using a rule clones its body
// with the op's values, re-inferring each op's result types, so a rule on
// `tensor<*xf32>` serves every shape.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_DIFFERENTIATION_RULELIBRARY_H
#define ADJOINT_DIFFERENTIATION_RULELIBRARY_H

#include "adjoint/Differentiation/DifferentiableOpInterface.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringMap.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace adjoint {

/// The rules of a set of rule files, consulted by the Differentiator before
/// the ops' built-in rules.
class RuleLibrary {
public:
  /// Parses the rule files at `paths` and checks every rule against the op
  /// it names; errors are emitted located in the files. For an op, rules are
  /// tried in the order of `paths`, then of the file, and the first whose
  /// signature accepts the op's types is used.
  static mlir::FailureOr<std::unique_ptr<RuleLibrary>>
  load(mlir::MLIRContext *context, llvm::ArrayRef<std::string> paths);
  /// load() of the default rule files (setDefaultRuleFiles), then `paths`:
  /// what a pass with a `rules` option reads.
  static mlir::FailureOr<std::unique_ptr<RuleLibrary>>
  loadWithDefaults(mlir::MLIRContext *context,
                   llvm::ArrayRef<std::string> paths);

  bool hasReverseRule(mlir::Operation *op) const;
  bool hasForwardRule(mlir::Operation *op) const;
  /// The location of the first reverse rule for `op`'s name, if any: where
  /// an error about a missing forward rule points to.
  std::optional<mlir::Location> getReverseRuleLoc(mlir::Operation *op) const;
  /// Fails, with the error buildReverse (buildForward) would give, when the
  /// files' reverse (forward) rules are used for `op` but none accepts its
  /// types: so that all such ops are reported before anything is built.
  mlir::LogicalResult checkReverseRuleTypes(mlir::Operation *op) const;
  mlir::LogicalResult checkForwardRuleTypes(mlir::Operation *op) const;
  /// Differentiate `ctx.forwardOp()` with its rule from the files; errors
  /// (no rule accepts the op's types, the body does not type-check on them)
  /// are emitted at the op with a note at the rule.
  mlir::LogicalResult buildReverse(ReverseContext &ctx) const;
  mlir::LogicalResult buildForward(ForwardContext &ctx) const;

  /// One rule: its function and the operand and result counts of the op it
  /// is for, as read from its signature.
  struct Rule {
    mlir::func::FuncOp fn;
    unsigned numOperands, numResults;
  };

private:
  std::vector<mlir::OwningOpRef<mlir::ModuleOp>> files;
  llvm::StringMap<llvm::SmallVector<Rule, 1>> reverse, forward;
};

/// Rule files every `adj-differentiate` pass loads besides those of its
/// `rules` option: how adjoint-opt's --rules flag reaches the pass inside the
/// pipelines. Set once, before any pass runs.
void setDefaultRuleFiles(llvm::ArrayRef<std::string> paths);
llvm::ArrayRef<std::string> getDefaultRuleFiles();
/// Whether `pm` runs, at any depth, a pass that reads the default rule files
/// (adj-differentiate, adj-report-coverage): without one, a tool's --rules
/// would be silently ignored.
bool readsDefaultRuleFiles(mlir::OpPassManager &pm);

} // namespace adjoint

#endif // ADJOINT_DIFFERENTIATION_RULELIBRARY_H
