//===- RuleLibrary.cpp - Differentiation rules written in MLIR ------------===//
//
// Part of the Adjoint project.
//
// Loading a rule file:
//   1. Parse it without verifying: a shape-polymorphic body has unranked
//      values, which adj ops reject once verified. Its ops are verified when
//      the rule is used, on concrete types.
//   2. Check each function carrying `adj.reverse_rule` or `adj.forward_rule`:
//      the op it names exists, its body is straight-line, calls no function
//      and returns what its type says, its argument and result counts fit the
//      op's (when the op's ODS fixes them), and the derivative of each value
//      has a type compatible with the value's.
//
// Using a rule for an op:
//   1. Pick the first rule whose counts and argument types accept the op's
//      operands and results (`tensor<*xf32>` accepts any f32 tensor).
//   2. Clone its body into the derivative with the op's values (zeros for
//      absent cotangents or tangents), re-infer the result types of each
//      cloned op (InferTypeOpInterface, else same type or shape as the
//      first operand) and verify it.
//   3. Hand the returned values to the context, which accumulates them.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Differentiation/RuleLibrary.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "adjoint/Differentiation/DifferentiableOpInterface.h"
#include "adjoint/Differentiation/RuleBuilder.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace adjoint;

namespace {

constexpr StringLiteral kReverseAttr = "adj.reverse_rule";
constexpr StringLiteral kForwardAttr = "adj.forward_rule";

enum class Mode { Reverse, Forward };

StringRef derivativeName(Mode mode) {
  return mode == Mode::Reverse ? "cotangent" : "tangent";
}

/// "1 operand", "2 results".
std::string plural(unsigned n, StringRef what) {
  return std::to_string(n) + " " + what.str() + (n == 1 ? "" : "s");
}

/// If the op's ODS traits rule out `n` operands (`results`: results), what
/// they say instead. Only the traits without template arguments are used:
/// those with one (NOperands<2>, ...) are not found from this library, as
/// their type IDs are resolved by a compiler-specific name.
std::optional<std::string> countMismatch(RegisteredOperationName name,
                                         unsigned n, bool results) {
  StringRef what = results ? "result" : "operand";
  bool zero = results ? name.hasTrait<OpTrait::ZeroResults>()
                      : name.hasTrait<OpTrait::ZeroOperands>();
  bool one = results ? name.hasTrait<OpTrait::OneResult>()
                     : name.hasTrait<OpTrait::OneOperand>();
  bool variadic = results ? name.hasTrait<OpTrait::VariadicResults>()
                          : name.hasTrait<OpTrait::VariadicOperands>();
  if (zero && n != 0)
    return "no " + what.str() + "s";
  if (one && n != 1)
    return plural(1, what);
  if (!zero && !one && !variadic && n < 2)
    return "2 or more " + what.str() + "s";
  return std::nullopt;
}

/// Whether a value of type `actual` may be passed where a rule declares
/// `declared`: same element type, compatible shape.
bool accepts(Type declared, Type actual) {
  return isa<TensorType>(declared) && isa<TensorType>(actual) &&
         getElementTypeOrSelf(declared) == getElementTypeOrSelf(actual) &&
         succeeded(verifyCompatibleShape(declared, actual));
}

/// Where, in a rule's arguments, the values of the op sit: operands at 0,
/// results at n, then the incoming derivatives; and what the rule returns.
struct Layout {
  Mode mode;
  unsigned numOperands, numResults;

  /// The argument holding the op value that the derivative at argument
  /// `index` (>= numOperands + numResults) is the derivative of.
  unsigned primalOfIncoming(unsigned index) const {
    unsigned k = index - numOperands - numResults;
    return mode == Mode::Reverse ? numOperands + k : k;
  }
  /// The argument holding the op value that returned value `k` is the
  /// derivative of.
  unsigned primalOfReturned(unsigned k) const {
    return mode == Mode::Reverse ? k : numOperands + k;
  }
  /// "operand #k" or "result #k" for returned value `k`.
  std::string returnedName(unsigned k) const {
    return (mode == Mode::Reverse ? "operand #" : "result #") +
           std::to_string(k);
  }
};

/// The expected signature of a rule, for error messages.
std::string signatureHelp(Mode mode) {
  return mode == Mode::Reverse
             ? "a reverse rule takes the op's operands, then its results, "
               "then one cotangent per result, and returns one cotangent per "
               "operand"
             : "a forward rule takes the op's operands, then its results, "
               "then one tangent per operand, and returns one tangent per "
               "result";
}

/// Checks one rule function; returns its layout. Errors are emitted at
/// locations, not on the ops: the rule file is not the IR a pass works on,
/// and adjoint-opt would follow each with a dump of the unverified rule
/// ("see current operation").
FailureOr<Layout> checkRule(func::FuncOp fn, Mode mode, StringAttr opName) {
  MLIRContext *ctx = fn.getContext();
  std::string rule = "rule @" + fn.getSymName().str();
  StringRef attrName = mode == Mode::Reverse ? kReverseAttr : kForwardAttr;
  if (!opName)
    return emitError(fn.getLoc(), rule)
           << ": " << attrName
           << " must be a string naming an op, e.g. "
              "\"math.atan\"";
  StringRef dialect = opName.getValue().split('.').first;
  ctx->getOrLoadDialect(dialect);
  std::optional<RegisteredOperationName> op =
      RegisteredOperationName::lookup(opName.getValue(), ctx);
  if (!op)
    return emitError(fn.getLoc(), rule)
           << " is for '" << opName.getValue()
           << "', which is not an op of a registered dialect; check the "
              "spelling (e.g. \"math.atan\")";
  if (adj::isDerivativeRequest(*op))
    return emitError(fn.getLoc(), rule)
           << " is for '" << opName.getValue()
           << "', a derivative request: requests are resolved, not "
              "differentiated (adj-differentiate replaces each by a call of "
              "the derivative function it builds, whose ops have rules of "
              "their own), so this rule would never be used; remove it, or "
              "write rules for the ops of the function the request asks "
              "about";
  if (fn.isExternal())
    return emitError(fn.getLoc(), rule) << " has no body";
  Block &body = fn.getBody().front();
  bool straightLine =
      fn.getBody().hasOneBlock() &&
      llvm::all_of(body, [](Operation &op) { return op.getNumRegions() == 0; });
  auto ret =
      dyn_cast_or_null<func::ReturnOp>(body.empty() ? nullptr : &body.back());
  if (!straightLine || !ret)
    return emitError(fn.getLoc(), rule)
           << " must be one block of ops without regions, "
              "ending with func.return";
  // The body is copied into the model's module, where the rule file's
  // functions do not exist.
  for (Operation &op : body)
    if (auto call = dyn_cast<CallOpInterface>(op))
      return emitError(call->getLoc(), rule)
             << " calls a function (" << op.getName()
             << "): a rule body cannot call functions, as it is copied into "
                "the model without them; write the derivative with ops "
                "(adj, arith, math), or give the model's function a custom "
                "derivative (adj.custom_vjp, docs/adding-rules.md)";
  if (ret.getNumOperands() != fn.getNumResults())
    return emitError(ret.getLoc(), rule)
           << " returns " << ret.getNumOperands()
           << " value(s), but its type declares " << fn.getNumResults();

  // The counts the signature implies.
  unsigned numArgs = fn.getNumArguments(), numReturned = fn.getNumResults();
  if (numArgs < numReturned || (numArgs - numReturned) % 2 != 0)
    return emitError(fn.getLoc(), rule)
           << " takes " << plural(numArgs, "argument") << " and returns "
           << plural(numReturned, "value")
           << ", which fits no op: " << signatureHelp(mode);
  unsigned other = (numArgs - numReturned) / 2;
  Layout layout = mode == Mode::Reverse ? Layout{mode, numReturned, other}
                                        : Layout{mode, other, numReturned};
  std::optional<std::string> operands =
      countMismatch(*op, layout.numOperands, /*results=*/false);
  std::optional<std::string> results =
      countMismatch(*op, layout.numResults, /*results=*/true);
  if (operands || results) {
    InFlightDiagnostic diag = emitError(fn.getLoc(), rule);
    diag << " is for an op with " << plural(layout.numOperands, "operand")
         << " and " << plural(layout.numResults, "result") << " (it takes "
         << plural(numArgs, "argument") << " and returns "
         << plural(numReturned, "value") << "), but '" << opName.getValue()
         << "' has " << (operands ? *operands : *results);
    if (operands && results)
      diag << " and " << *results;
    diag << ": " << signatureHelp(mode);
    return diag;
  }

  // Types: tensors, and each derivative compatible with its value.
  for (auto [i, type] : llvm::enumerate(fn.getArgumentTypes()))
    if (!isa<TensorType>(type))
      return emitError(fn.getLoc(), rule)
             << ": argument #" << i << " has type " << type
             << "; rule values are tensors";
  for (auto [k, type] : llvm::enumerate(fn.getResultTypes()))
    if (!isa<TensorType>(type))
      return emitError(fn.getLoc(), rule)
             << ": result #" << k << " has type " << type
             << "; rule values are tensors";
  // An op whose ODS gives all operands and results one type.
  if (op->hasTrait<OpTrait::SameOperandsAndResultType>())
    for (unsigned i = 1; i < layout.numOperands + layout.numResults; ++i) {
      Type first = fn.getArgumentTypes()[0], type = fn.getArgumentTypes()[i];
      if (!accepts(first, type) && !accepts(type, first))
        return emitError(fn.getLoc(), rule)
               << ": argument #" << i << " has type " << type
               << " and argument #0 " << first << ", but '" << opName.getValue()
               << "' gives its operands and results one type";
    }
  for (unsigned i = layout.numOperands + layout.numResults; i < numArgs; ++i) {
    Type primal = fn.getArgumentTypes()[layout.primalOfIncoming(i)];
    Type derivative = fn.getArgumentTypes()[i];
    if (!accepts(primal, derivative) && !accepts(derivative, primal))
      return emitError(fn.getLoc(), rule)
             << ": argument #" << i << " is a " << derivativeName(mode)
             << " of type " << derivative << ", which cannot match argument #"
             << layout.primalOfIncoming(i) << " of type " << primal << " ("
             << signatureHelp(mode) << ")";
  }
  for (unsigned k = 0; k < numReturned; ++k) {
    Type primal = fn.getArgumentTypes()[layout.primalOfReturned(k)];
    Type derivative = fn.getResultTypes()[k];
    if (!accepts(primal, derivative) && !accepts(derivative, primal))
      return emitError(fn.getLoc(), rule)
             << ": the " << derivativeName(mode) << " it returns for "
             << layout.returnedName(k) << " has type " << derivative
             << ", which cannot match that " << layout.returnedName(k)
             << "'s type " << primal << " (argument #"
             << layout.primalOfReturned(k) << ")";
  }
  return layout;
}

/// The result types of `op` from its (retyped) operands.
LogicalResult reinferResultTypes(Operation *op) {
  if (op->getNumResults() == 0)
    return success();
  SmallVector<Type> types;
  if (auto infer = dyn_cast<InferTypeOpInterface>(op)) {
    if (failed(infer.inferReturnTypes(
            op->getContext(), op->getLoc(), op->getOperands(),
            op->getRawDictionaryAttrs(), op->getPropertiesStorage(),
            op->getRegions(), types)))
      return failure();
  } else if (op->getNumOperands() != 0 &&
             op->hasTrait<OpTrait::SameOperandsAndResultType>()) {
    types.assign(op->getNumResults(), op->getOperand(0).getType());
  } else if (op->getNumOperands() != 0 &&
             op->hasTrait<OpTrait::SameOperandsAndResultShape>()) {
    auto shaped = cast<ShapedType>(op->getOperand(0).getType());
    for (Type type : op->getResultTypes())
      types.push_back(shaped.clone(getElementTypeOrSelf(type)));
  } else {
    return success();
  }
  for (auto [result, type] : llvm::zip_equal(op->getResults(), types))
    result.setType(type);
  return success();
}

/// Clones the body of `rule` at the builder with `args` for its arguments;
/// returns the values it returns. Errors are reported at `forwardOp`.
FailureOr<SmallVector<Value>> instantiate(func::FuncOp rule, ValueRange args,
                                          OpBuilder &builder, Location loc,
                                          Operation *forwardOp) {
  IRMapping mapping;
  mapping.map(rule.getArguments(), args);
  Block &body = rule.getBody().front();
  for (Operation &ruleOp : body.without_terminator()) {
    std::string message;
    LogicalResult ok = success();
    {
      ScopedDiagnosticHandler capture(rule.getContext(), [&](Diagnostic &diag) {
        if (message.empty())
          message = diag.str();
        return success();
      });
      Operation *op = builder.clone(ruleOp, mapping);
      op->setLoc(loc);
      ok = success(succeeded(reinferResultTypes(op)) &&
                   succeeded(verify(op, /*verifyRecursively=*/false)));
    }
    if (failed(ok)) {
      InFlightDiagnostic diag =
          forwardOp->emitError("the rule @")
          << rule.getSymName() << " for '" << forwardOp->getName()
          << "' does not apply to its types here: " << message;
      diag.attachNote(ruleOp.getLoc()) << "in this op of the rule";
      return failure();
    }
  }
  return llvm::map_to_vector(body.getTerminator()->getOperands(),
                             [&](Value v) { return mapping.lookup(v); });
}

std::string typeList(TypeRange types) {
  std::string s = "(";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(types, os);
  return s + ")";
}

/// The first rule that accepts the op's values, if any.
const RuleLibrary::Rule *matchRule(ArrayRef<RuleLibrary::Rule> rules,
                                   Operation *op) {
  SmallVector<Type> types(op->getOperandTypes());
  llvm::append_range(types, op->getResultTypes());
  for (const RuleLibrary::Rule &rule : rules) {
    if (rule.numOperands != op->getNumOperands() ||
        rule.numResults != op->getNumResults())
      continue;
    func::FuncOp fn = rule.fn;
    if (llvm::all_of(llvm::zip(fn.getArgumentTypes(), types), [](auto pair) {
          return accepts(std::get<0>(pair), std::get<1>(pair));
        }))
      return &rule;
  }
  return nullptr;
}

/// The first rule that accepts the op's values; else reports why none does.
FailureOr<const RuleLibrary::Rule *>
selectRule(ArrayRef<RuleLibrary::Rule> rules, Operation *op) {
  if (const RuleLibrary::Rule *rule = matchRule(rules, op))
    return rule;
  SmallVector<Type> types(op->getOperandTypes());
  llvm::append_range(types, op->getResultTypes());
  InFlightDiagnostic diag =
      op->emitError("no rule file rule for '")
      << op->getName() << "' accepts its operand and result types "
      << typeList(types)
      << "; add a rule for these types (rules on tensor<*xf32> accept every "
         "f32 shape)";
  for (const RuleLibrary::Rule &rule : rules) {
    func::FuncOp fn = rule.fn;
    diag.attachNote(fn.getLoc())
        << "rule @" << fn.getSymName() << " is for "
        << plural(rule.numOperands, "operand") << " and "
        << plural(rule.numResults, "result") << " of types "
        << typeList(fn.getArgumentTypes().take_front(rule.numOperands +
                                                     rule.numResults));
  }
  return failure();
}

/// Checks the derivative `value` a rule returned for `primal`.
LogicalResult checkReturnedType(func::FuncOp rule, Operation *op,
                                StringRef what, Value value, Type expected) {
  if (value.getType() == expected)
    return success();
  InFlightDiagnostic diag = op->emitError("the rule @")
                            << rule.getSymName() << " for '" << op->getName()
                            << "' returns a " << what << " of type "
                            << value.getType() << " where " << expected
                            << " is needed";
  diag.attachNote(rule.getBody().front().getTerminator()->getLoc())
      << "returned here";
  return diag;
}

const llvm::SmallVector<RuleLibrary::Rule, 1> *
find(const llvm::StringMap<llvm::SmallVector<RuleLibrary::Rule, 1>> &rules,
     Operation *op) {
  auto it = rules.find(op->getName().getStringRef());
  return it == rules.end() ? nullptr : &it->second;
}

/// Whether the file's rules for `op` apply: one accepts its types, or none
/// does and the op has no built-in rule (so that the error says which types
/// the file's rules are for). A rule file for f32 only leaves an f64 use of
/// an op with a built-in rule to the built-in rule.
bool applies(
    const llvm::StringMap<llvm::SmallVector<RuleLibrary::Rule, 1>> &table,
    Operation *op) {
  const auto *rules = find(table, op);
  return rules &&
         (matchRule(*rules, op) || !isa<DifferentiableOpInterface>(op));
}

std::vector<std::string> &defaultRuleFiles() {
  static std::vector<std::string> files;
  return files;
}

} // namespace

FailureOr<std::unique_ptr<RuleLibrary>>
RuleLibrary::load(MLIRContext *context, ArrayRef<std::string> paths) {
  auto library = std::make_unique<RuleLibrary>();
  bool ok = true;
  for (const std::string &path : paths) {
    std::string error;
    std::unique_ptr<llvm::MemoryBuffer> buffer = openInputFile(path, &error);
    if (!buffer) {
      emitError(UnknownLoc::get(context))
          << "cannot open the rule file '" << path << "': " << error;
      ok = false;
      continue;
    }
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
    OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(
        sourceMgr, ParserConfig(context, /*verifyAfterParse=*/false));
    if (!module) {
      ok = false;
      continue;
    }
    bool any = false;
    for (auto fn : module->getOps<func::FuncOp>()) {
      for (Mode mode : {Mode::Reverse, Mode::Forward}) {
        Attribute attr =
            fn->getAttr(mode == Mode::Reverse ? kReverseAttr : kForwardAttr);
        if (!attr)
          continue;
        any = true;
        auto opName = dyn_cast<StringAttr>(attr);
        FailureOr<Layout> layout = checkRule(fn, mode, opName);
        if (failed(layout)) {
          // A function that is both rules would mostly fail the same way
          // twice: its errors are reported once.
          ok = false;
          break;
        }
        auto &table =
            mode == Mode::Reverse ? library->reverse : library->forward;
        table[opName.getValue()].push_back(
            Rule{fn, layout->numOperands, layout->numResults});
      }
    }
    if (!any) {
      emitError(module->getLoc())
          << "the rule file '" << path
          << "' holds no rule: mark each rule function with "
             "adj.reverse_rule = \"dialect.op\" or adj.forward_rule";
      ok = false;
    }
    library->files.push_back(std::move(module));
  }
  if (!ok)
    return failure();
  return library;
}

bool RuleLibrary::hasReverseRule(Operation *op) const {
  return applies(reverse, op);
}

bool RuleLibrary::hasForwardRule(Operation *op) const {
  return applies(forward, op);
}

std::optional<Location> RuleLibrary::getReverseRuleLoc(Operation *op) const {
  if (const auto *rules = find(reverse, op))
    return rules->front().fn->getLoc();
  return std::nullopt;
}

LogicalResult RuleLibrary::checkReverseRuleTypes(Operation *op) const {
  if (!hasReverseRule(op))
    return success();
  return selectRule(*find(reverse, op), op);
}

LogicalResult RuleLibrary::checkForwardRuleTypes(Operation *op) const {
  if (!hasForwardRule(op))
    return success();
  return selectRule(*find(forward, op), op);
}

LogicalResult RuleLibrary::buildReverse(ReverseContext &ctx) const {
  Operation *op = ctx.forwardOp();
  FailureOr<const Rule *> rule = selectRule(*find(reverse, op), op);
  if (failed(rule))
    return failure();
  RuleBuilder r(ctx.builder(), ctx.loc());
  SmallVector<Value> args(op->getOperands());
  llvm::append_range(args, op->getResults());
  for (auto [i, result] : llvm::enumerate(op->getResults())) {
    Value cotangent = ctx.resultCotangent(i);
    args.push_back(cotangent ? cotangent : r.zerosLike(result));
  }
  FailureOr<SmallVector<Value>> cotangents =
      instantiate((*rule)->fn, args, ctx.builder(), ctx.loc(), op);
  if (failed(cotangents))
    return failure();
  for (auto [i, cotangent] : llvm::enumerate(*cotangents)) {
    if (!ctx.needsCotangent(i))
      continue;
    if (failed(checkReturnedType((*rule)->fn, op, "cotangent", cotangent,
                                 op->getOperand(i).getType())) ||
        failed(ctx.addOperandCotangent(i, cotangent)))
      return failure();
  }
  return success();
}

LogicalResult RuleLibrary::buildForward(ForwardContext &ctx) const {
  Operation *op = ctx.forwardOp();
  FailureOr<const Rule *> rule = selectRule(*find(forward, op), op);
  if (failed(rule))
    return failure();
  RuleBuilder r(ctx.builder(), ctx.loc());
  SmallVector<Value> args(op->getOperands());
  llvm::append_range(args, op->getResults());
  for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
    Value tangent = ctx.operandTangent(i);
    args.push_back(tangent ? tangent : r.zerosLike(operand));
  }
  FailureOr<SmallVector<Value>> tangents =
      instantiate((*rule)->fn, args, ctx.builder(), ctx.loc(), op);
  if (failed(tangents))
    return failure();
  for (auto [i, tangent] : llvm::enumerate(*tangents)) {
    Value result = op->getResult(i);
    if (!adj::isFloatTensor(result.getType()))
      continue;
    if (failed(checkReturnedType((*rule)->fn, op, "tangent", tangent,
                                 result.getType())) ||
        failed(ctx.setResultTangent(i, tangent)))
      return failure();
  }
  return success();
}

void adjoint::setDefaultRuleFiles(ArrayRef<std::string> paths) {
  defaultRuleFiles().assign(paths.begin(), paths.end());
}

FailureOr<std::unique_ptr<RuleLibrary>>
RuleLibrary::loadWithDefaults(MLIRContext *context,
                              ArrayRef<std::string> paths) {
  std::vector<std::string> all(getDefaultRuleFiles());
  llvm::append_range(all, paths);
  return load(context, all);
}

ArrayRef<std::string> adjoint::getDefaultRuleFiles() {
  return defaultRuleFiles();
}

bool adjoint::readsDefaultRuleFiles(OpPassManager &pm) {
  // The textual form is the one public view of the passes nested in other
  // op types' pass managers: `builtin.module(canonicalize{...},
  // adj-differentiate{rules=...})`. The passes that call loadWithDefaults:
  static constexpr StringLiteral readers[] = {"adj-differentiate",
                                              "adj-report-coverage"};
  std::string pipeline;
  llvm::raw_string_ostream os(pipeline);
  pm.printAsTextualPipeline(os);
  SmallVector<StringRef> words;
  StringRef(pipeline).split(words, ',');
  return llvm::any_of(words, [](StringRef word) {
    // A pass is `name` or `name{options}`, after the `anchor(` of the pass
    // managers it is nested in, and before their `)`.
    word = word.take_until([](char c) { return c == '{'; });
    size_t open = word.rfind('(');
    if (open != StringRef::npos)
      word = word.drop_front(open + 1);
    word = word.take_until([](char c) { return c == ')'; });
    return llvm::is_contained(readers, word.trim());
  });
}
