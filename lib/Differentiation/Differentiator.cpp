//===- Differentiator.cpp - Synthesis of derivative functions -------------===//
//
// Part of the Adjoint project.
//
// Given f(args) -> results and the arguments `wrt` to differentiate, builds a
// new function in the same dialects:
//
//   1. Copy f's body into the new function (the forward computation).
//   2. Activity analysis on the copy. A value is *varied* if it depends on a
//      `wrt` argument through differentiable operands, *useful* if a result
//      depends on it. Only values that are both get derivatives, so nothing
//      is computed for labels, constants or dead outputs.
//   3. Every op that would need a rule but has none, or whose rule-file
//      rules accept none of its types, is reported, all at once, before
//      anything is built: those of the functions it calls too (checked as
//      their derivatives will be built), so one run lists them all.
//   4. Reverse mode walks the copied ops backwards from the seeds (1 for
//      value_and_grad, the cotangent arguments for a vjp); each active op's
//      DifferentiableOpInterface::buildReverse turns its results' cotangents
//      into its operands'; cotangents of a value used several times are
//      summed. Forward mode walks forwards from the tangent arguments with
//      buildForward.
//   5. Return the results, then the derivatives (zeros where none flowed),
//      and erase what nothing uses.
//
// Derivative ops carry the location `"adjoint"(<forward op location>)` (or
// `"tangent"(...)`), so each points back to the forward op it came from.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Differentiation/Differentiator.h"

#include "CustomDerivative.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "adjoint/Differentiation/DifferentiableOpInterface.h"
#include "adjoint/Differentiation/RuleBuilder.h"
#include "adjoint/Differentiation/RuleLibrary.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseSet.h"

#include <set>

using namespace mlir;
using namespace adjoint;

ReverseContext::~ReverseContext() = default;
ForwardContext::~ForwardContext() = default;

namespace {

/// Which values of a single-block function carry derivatives.
struct Activity {
  llvm::DenseSet<Value> varied, useful;
  /// Float values that are not tensors (a `tensor.extract`'s f32) and
  /// depend on a varied value: no derivative can flow through them.
  llvm::DenseSet<Value> variedScalars;

  bool isActive(Value v) const {
    return varied.contains(v) && useful.contains(v);
  }
};

/// `body` is the derivative function's block while it is built: it has no
/// terminator yet, so all of its ops are walked.
Activity analyze(Block &body, ArrayRef<bool> wrt, ValueRange seeds) {
  Activity activity;
  for (auto [arg, on] : llvm::zip(body.getArguments(), wrt))
    if (on)
      activity.varied.insert(arg);
  for (Operation &op : body) {
    bool varied = llvm::any_of(op.getOpOperands(), [&](OpOperand &operand) {
      return activity.varied.contains(operand.get()) &&
             isDifferentiableOperand(&op, operand.getOperandNumber());
    });
    if (varied)
      for (Value result : op.getResults())
        if (adj::isFloatTensor(result.getType()))
          activity.varied.insert(result);
    bool feedsScalars = varied || llvm::any_of(op.getOperands(), [&](Value v) {
                          return activity.varied.contains(v) ||
                                 activity.variedScalars.contains(v);
                        });
    if (feedsScalars)
      for (Value result : op.getResults())
        if (!adj::isFloatTensor(result.getType()) &&
            isa<FloatType>(getElementTypeOrSelf(result.getType())))
          activity.variedScalars.insert(result);
  }
  activity.useful.insert(seeds.begin(), seeds.end());
  for (Operation &op : llvm::reverse(body))
    if (llvm::any_of(op.getResults(),
                     [&](Value v) { return activity.useful.contains(v); }))
      activity.useful.insert(op.operand_begin(), op.operand_end());
  return activity;
}

/// Whether `op` gets a derivative: it has an active result and an active,
/// differentiable operand.
bool needsRule(Operation &op, const Activity &activity) {
  return llvm::any_of(op.getResults(),
                      [&](Value v) { return activity.isActive(v); }) &&
         llvm::any_of(op.getOpOperands(), [&](OpOperand &operand) {
           return activity.isActive(operand.get()) &&
                  isDifferentiableOperand(&op, operand.getOperandNumber());
         });
}

/// Whether a rule file gives `op` a rule of the sweep's direction.
bool hasFileRule(const RuleLibrary *rules, Operation *op, bool reverse) {
  return rules &&
         (reverse ? rules->hasReverseRule(op) : rules->hasForwardRule(op));
}

/// The error for a call of `fn`, which is only declared and has no custom
/// derivative.
InFlightDiagnostic emitOnlyDeclared(func::FuncOp fn) {
  return fn.emitError("cannot differentiate @")
         << adj::getSourceName(fn)
         << ": it is only declared; define it, or give it a custom "
            "derivative (adj.custom_vjp = @"
         << adj::getSourceName(fn) << "_custom_vjp; see docs/adding-rules.md)";
}

/// Fails, with an error or (`severity`) a warning at `op`, where a tensor the
/// result depends on is built from a float scalar that depends on what is
/// differentiated: the derivative would silently be lost there.
LogicalResult checkNoScalarPath(Operation &op, const Activity &activity,
                                DiagnosticSeverity severity) {
  bool usefulTensor = llvm::any_of(op.getResults(), [&](Value v) {
    return adj::isFloatTensor(v.getType()) && activity.useful.contains(v);
  });
  if (!usefulTensor)
    return success();
  for (OpOperand &operand : op.getOpOperands()) {
    Value scalar = operand.get();
    if (!activity.variedScalars.contains(scalar))
      continue;
    // A coverage report's warning comes without a dump of the op, as its
    // others do.
    InFlightDiagnostic diag = severity == DiagnosticSeverity::Error
                                  ? op.emitError()
                                  : emitWarning(op.getLoc());
    diag << "cannot differentiate through operand #"
         << operand.getOperandNumber() << " of '" << op.getName()
         << "', of type " << scalar.getType()
         << ": derivatives flow only through float tensors, and this value "
            "depends on what is differentiated. Keep it a tensor (adj.slice "
            "and adj.reshape instead of tensor.extract), or give the function "
            "a custom derivative (docs/adding-rules.md)";
    if (Operation *def = scalar.getDefiningOp())
      diag.attachNote(def->getLoc())
          << "the value comes from this '" << def->getName() << "'";
    return failure();
  }
  return success();
}

/// The callees already checked by one checkRules, with their wrt masks.
using CheckedCallees = std::set<std::pair<Operation *, std::vector<bool>>>;

LogicalResult checkRules(Block &body, const Activity &activity,
                         const Differentiator &differentiator, bool reverse,
                         CheckedCallees &checked);

/// Checks the callee of `call`, an op that gets a derivative, as its
/// derivative will be built (CallRule in Rules/Upstream.cpp): differentiated
/// w.r.t. the call's active operands, all of its results seeded. A callee
/// that is not straight-line, or whose derivative is being built (recursion),
/// is left to getOrCreate, which says why.
LogicalResult checkCallee(func::CallOp call, const Activity &activity,
                          const Differentiator &differentiator, bool reverse,
                          CheckedCallees &checked) {
  auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      call, call.getCalleeAttr());
  if (!callee || hasCustomDerivative(callee))
    return success();
  if (callee.isExternal()) {
    emitOnlyDeclared(callee).attachNote(call.getLoc())
        << "called here, where a derivative is needed";
    return failure();
  }
  SmallVector<bool> wrt;
  for (OpOperand &operand : call->getOpOperands())
    wrt.push_back(activity.isActive(operand.get()) &&
                  isDifferentiableOperand(call, operand.getOperandNumber()));
  if (!callee.getBody().hasOneBlock() || differentiator.isBeingBuilt(callee) ||
      !checked.insert({callee, std::vector<bool>(wrt.begin(), wrt.end())})
           .second)
    return success();
  Block &body = callee.getBody().front();
  Activity calleeActivity =
      analyze(body, wrt, body.getTerminator()->getOperands());
  return checkRules(body, calleeActivity, differentiator, reverse, checked);
}

/// Reports every op that needs a rule and has none, in `body` and in the
/// functions it calls, so that one run lists them all.
LogicalResult checkRules(Block &body, const Activity &activity,
                         const Differentiator &differentiator, bool reverse,
                         CheckedCallees &checked) {
  const RuleLibrary *rules = differentiator.getRules();
  bool ok = true;
  for (Operation &op : body) {
    if (failed(checkNoScalarPath(op, activity, DiagnosticSeverity::Error)))
      ok = false;
    if (!needsRule(op, activity))
      continue;
    if (auto call = dyn_cast<func::CallOp>(op))
      if (failed(checkCallee(call, activity, differentiator, reverse, checked)))
        ok = false;
    // A rule file's rules for the op that accept none of its types are
    // reported here too, with the ops that have no rule.
    if (rules && failed(reverse ? rules->checkReverseRuleTypes(&op)
                                : rules->checkForwardRuleTypes(&op))) {
      ok = false;
      continue;
    }
    if (isa<DifferentiableOpInterface>(op) || hasFileRule(rules, &op, reverse))
      continue;
    ok = false;
    // Forward mode (adj.jvp, and --check-grad, which checks both modes) of
    // an op whose rule file gives only a reverse rule: say what is missing.
    std::optional<Location> reverseRule =
        rules && !reverse ? rules->getReverseRuleLoc(&op) : std::nullopt;
    if (reverseRule) {
      std::string where;
      if (auto file = dyn_cast<FileLineColLoc>(*reverseRule))
        where = (" (" + file.getFilename().getValue() + ":" +
                 Twine(file.getLine()) + ")")
                    .str();
      op.emitError("'")
          << op.getName() << "' has a reverse rule" << where
          << " but forward mode (adj.jvp, and --check-grad, which checks "
             "both modes) needs a forward rule (adj.forward_rule): see "
             "docs/adding-rules.md";
      continue;
    }
    op.emitError("cannot differentiate '")
        << op.getName()
        << "': it has no differentiation rule. Add one (a rule file, a "
           "custom derivative or a C++ external model: "
           "docs/adding-rules.md), or make its operands constant";
  }
  return success(ok);
}

/// Reports every op of `body` (and of what it calls) that needs a rule and
/// has none.
LogicalResult checkRules(Block &body, const Activity &activity,
                         const Differentiator &differentiator, bool reverse) {
  CheckedCallees checked;
  return checkRules(body, activity, differentiator, reverse, checked);
}

/// The location of the derivative ops of `op`.
Location derivativeLoc(Operation *op, StringRef kind) {
  return NameLoc::get(StringAttr::get(op->getContext(), kind), op->getLoc());
}

/// The environment of the rules while one function's derivative is built.
class Sweep {
public:
  Sweep(Differentiator &differentiator, OpBuilder &builder)
      : differentiator(differentiator), builder(builder) {}

  Differentiator &differentiator;
  OpBuilder &builder;
  Activity activity;
  /// The cotangent (reverse) or tangent (forward) of each value.
  DenseMap<Value, Value> derivative;

  /// Adds `value` to the derivative of `target`.
  void accumulate(Value target, Value value, Location loc) {
    Value &slot = derivative[target];
    slot = slot ? builder.create<adj::AddOp>(loc, slot, value).getResult()
                : value;
  }

  /// The derivative of `v`, or zeros of its type.
  Value derivativeOrZero(Value v, Location loc) {
    if (Value d = derivative.lookup(v))
      return d;
    return RuleBuilder(builder, loc).zerosLike(v);
  }
};

/// Checks that a rule produced a derivative of the expected type.
LogicalResult checkRuleType(Operation *op, StringRef what, unsigned index,
                            Value value, Type expected) {
  if (value && value.getType() == expected)
    return success();
  return op->emitError("the differentiation rule of '")
         << op->getName() << "' produced a " << what << " of type "
         << (value ? value.getType() : Type()) << " for "
         << (what == "tangent" ? "result #" : "operand #") << index
         << " of type " << expected;
}

class ReverseContextImpl final : public ReverseContext {
public:
  ReverseContextImpl(Sweep &sweep, Operation *op)
      : sweep(sweep), op(op), location(derivativeLoc(op, "adjoint")) {}

  OpBuilder &builder() override { return sweep.builder; }
  Location loc() override { return location; }
  Operation *forwardOp() override { return op; }
  Value resultCotangent(unsigned index) override {
    return sweep.derivative.lookup(op->getResult(index));
  }
  bool needsCotangent(unsigned index) override {
    return sweep.activity.isActive(op->getOperand(index)) &&
           isDifferentiableOperand(op, index);
  }
  LogicalResult addOperandCotangent(unsigned index, Value value) override {
    Value operand = op->getOperand(index);
    if (failed(checkRuleType(op, "cotangent", index, value,
                             operand.getType())))
      return failure();
    sweep.accumulate(operand, value, location);
    return success();
  }
  FailureOr<func::FuncOp> reverseFunction(func::FuncOp callee,
                                          ArrayRef<bool> wrt) override {
    return sweep.differentiator.getOrCreate(callee, DerivativeKind::Reverse,
                                            wrt);
  }

private:
  Sweep &sweep;
  Operation *op;
  Location location;
};

class ForwardContextImpl final : public ForwardContext {
public:
  ForwardContextImpl(Sweep &sweep, Operation *op)
      : sweep(sweep), op(op), location(derivativeLoc(op, "tangent")) {}

  OpBuilder &builder() override { return sweep.builder; }
  Location loc() override { return location; }
  Operation *forwardOp() override { return op; }
  Value operandTangent(unsigned index) override {
    if (!isDifferentiableOperand(op, index))
      return {};
    return sweep.derivative.lookup(op->getOperand(index));
  }
  LogicalResult setResultTangent(unsigned index, Value value) override {
    Value result = op->getResult(index);
    if (failed(checkRuleType(op, "tangent", index, value, result.getType())))
      return failure();
    sweep.derivative[result] = value;
    return success();
  }
  FailureOr<func::FuncOp> forwardFunction(func::FuncOp callee,
                                          ArrayRef<bool> wrt) override {
    return sweep.differentiator.getOrCreate(callee, DerivativeKind::Forward,
                                            wrt);
  }

private:
  Sweep &sweep;
  Operation *op;
  Location location;
};

/// The signature of the derivative of `fn`.
FunctionType derivativeType(func::FuncOp fn, DerivativeKind kind,
                            ArrayRef<bool> wrt) {
  FunctionType type = fn.getFunctionType();
  SmallVector<Type> wrtTypes;
  for (auto [t, on] : llvm::zip(type.getInputs(), wrt))
    if (on)
      wrtTypes.push_back(t);
  SmallVector<Type> inputs(type.getInputs()), results(type.getResults());
  switch (kind) {
  case DerivativeKind::ValueAndGrad:
    llvm::append_range(results, wrtTypes);
    break;
  case DerivativeKind::Reverse:
    llvm::append_range(inputs, type.getResults());
    llvm::append_range(results, wrtTypes);
    break;
  case DerivativeKind::Forward:
    llvm::append_range(inputs, wrtTypes);
    llvm::append_range(results, type.getResults());
    break;
  }
  return FunctionType::get(fn.getContext(), inputs, results);
}

/// The name of the derivative of `fn`: `f_grad`, `f_vjp` or `f_jvp`, with
/// `_wrt_i_j` when not every float argument is differentiated.
std::string derivativeName(func::FuncOp fn, DerivativeKind kind,
                           ArrayRef<bool> wrt) {
  std::string name = fn.getSymName().str();
  name += kind == DerivativeKind::ValueAndGrad ? "_grad"
          : kind == DerivativeKind::Reverse    ? "_vjp"
                                               : "_jvp";
  bool allFloats = true;
  for (auto [type, on] : llvm::zip(fn.getArgumentTypes(), wrt))
    allFloats &= on == adj::isFloatTensor(type);
  if (!allFloats)
    for (auto [i, on] : llvm::enumerate(wrt))
      if (on)
        name += (name.find("_wrt") == std::string::npos ? "_wrt_" : "_") +
                std::to_string(i);
  return name;
}

/// Builds the reverse sweep in `entry`, after the copied forward ops; returns
/// the derivative's return values.
FailureOr<SmallVector<Value>> buildReverse(Sweep &sweep, Block &entry,
                                           ValueRange results,
                                           ValueRange seedValues,
                                           ArrayRef<bool> wrt,
                                           unsigned numArgs) {
  SmallVector<Value> seeded;
  for (auto [result, seed] : llvm::zip(results, seedValues)) {
    if (!adj::isFloatTensor(result.getType()))
      continue;
    sweep.accumulate(result, seed, seed.getLoc());
    seeded.push_back(result);
  }
  sweep.activity = analyze(entry, wrt, seeded);
  const RuleLibrary *rules = sweep.differentiator.getRules();
  if (failed(checkRules(entry, sweep.activity, sweep.differentiator,
                        /*reverse=*/true)))
    return failure();

  // Walk a snapshot: rules append ops to the block.
  SmallVector<Operation *> forwardOps =
      llvm::map_to_vector(entry, [](Operation &op) { return &op; });
  for (Operation *op : llvm::reverse(forwardOps)) {
    if (!needsRule(*op, sweep.activity) ||
        llvm::none_of(op->getResults(),
                      [&](Value v) { return sweep.derivative.count(v); }))
      continue;
    ReverseContextImpl ctx(sweep, op);
    if (failed(hasFileRule(rules, op, /*reverse=*/true)
                   ? rules->buildReverse(ctx)
                   : cast<DifferentiableOpInterface>(op).buildReverse(ctx)))
      return failure();
  }

  SmallVector<Value> returned(results);
  Location loc = entry.getParentOp()->getLoc();
  for (unsigned i = 0; i < numArgs; ++i)
    if (wrt[i])
      returned.push_back(sweep.derivativeOrZero(entry.getArgument(i), loc));
  return returned;
}

/// Builds the forward sweep over the copied ops in `entry`; returns the
/// derivative's return values.
FailureOr<SmallVector<Value>> buildForward(Sweep &sweep, Block &entry,
                                           ValueRange results,
                                           ArrayRef<bool> wrt,
                                           unsigned numArgs) {
  unsigned next = numArgs;
  for (unsigned i = 0; i < numArgs; ++i)
    if (wrt[i])
      sweep.derivative[entry.getArgument(i)] = entry.getArgument(next++);
  sweep.activity = analyze(entry, wrt, results);
  const RuleLibrary *rules = sweep.differentiator.getRules();
  if (failed(checkRules(entry, sweep.activity, sweep.differentiator,
                        /*reverse=*/false)))
    return failure();

  SmallVector<Operation *> forwardOps =
      llvm::map_to_vector(entry, [](Operation &op) { return &op; });
  for (Operation *op : forwardOps) {
    if (!needsRule(*op, sweep.activity))
      continue;
    sweep.builder.setInsertionPointAfter(op);
    ForwardContextImpl ctx(sweep, op);
    if (failed(hasFileRule(rules, op, /*reverse=*/false)
                   ? rules->buildForward(ctx)
                   : cast<DifferentiableOpInterface>(op).buildForward(ctx)))
      return failure();
  }

  sweep.builder.setInsertionPointToEnd(&entry);
  SmallVector<Value> returned(results);
  Location loc = entry.getParentOp()->getLoc();
  for (Value result : results)
    returned.push_back(sweep.derivativeOrZero(result, loc));
  return returned;
}

} // namespace

unsigned adjoint::warnScalarPaths(func::FuncOp fn) {
  if (!fn.getBody().hasOneBlock())
    return 0;
  Block &body = fn.getBody().front();
  SmallVector<bool> wrt = llvm::map_to_vector(
      fn.getArgumentTypes(), [](Type t) { return adj::isFloatTensor(t); });
  Activity activity = analyze(body, wrt, body.getTerminator()->getOperands());
  return llvm::count_if(body, [&](Operation &op) {
    return failed(checkNoScalarPath(op, activity, DiagnosticSeverity::Warning));
  });
}

Differentiator::Differentiator(ModuleOp module, const RuleLibrary *rules)
    : module(module), rules(rules) {}
Differentiator::~Differentiator() = default;

FailureOr<func::FuncOp> Differentiator::getOrCreate(func::FuncOp fn,
                                                    DerivativeKind kind,
                                                    ArrayRef<bool> wrt) {
  // Asking for the derivative of a function whose derivative is being built
  // means it calls itself: check before the cache, which already holds it.
  if (inProgress.contains(fn))
    return fn.emitError("cannot differentiate @")
           << adj::getSourceName(fn)
           << ": it is recursive (it calls itself, directly or through other "
              "functions)";
  auto key = std::make_tuple(fn.getOperation(), kind,
                             std::vector<bool>(wrt.begin(), wrt.end()));
  if (auto it = cache.find(key); it != cache.end())
    return it->second;
  // A custom derivative (CustomDerivative.cpp) replaces the body's.
  bool custom = hasCustomDerivative(fn);
  if (fn.isExternal() && !custom)
    return emitOnlyDeclared(fn);
  if (!custom && !fn.getBody().hasOneBlock())
    return fn.emitError("cannot differentiate @")
           << adj::getSourceName(fn)
           << ": only straight-line functions (one block, no ops with "
              "regions) can be differentiated";
  if (!custom)
    for (Operation &op : fn.getBody().front())
      if (op.getNumRegions()) {
        InFlightDiagnostic diag =
            op.emitError("cannot differentiate @")
            << adj::getSourceName(fn) << " through this '" << op.getName()
            << "': only straight-line functions (one block, no ops with "
               "regions) can be differentiated; write it with adj ops, or "
               "give @"
            << adj::getSourceName(fn)
            << " a custom derivative (docs/adding-rules.md)";
        diag.attachNote(fn.getLoc()) << "in this function";
        return diag;
      }

  // Build the derivative next to `fn`; inserting it through the symbol table
  // renames it if the name is taken.
  auto derived = func::FuncOp::create(fn.getLoc(), derivativeName(fn, kind, wrt),
                                      derivativeType(fn, kind, wrt));
  derived.setPrivate();
  SymbolTable(module).insert(derived, std::next(Block::iterator(fn)));
  cache[key] = derived;
  if (custom) {
    if (succeeded(buildCustomDerivative(fn, kind, wrt, derived)))
      return derived;
    cache.erase(key);
    derived.erase();
    return failure();
  }
  OpBuilder builder(derived.getContext());

  // The primal arguments keep their locations and attributes (names).
  Block &body = fn.getBody().front();
  SmallVector<Location> argLocs(derived.getNumArguments(), fn.getLoc());
  for (BlockArgument arg : body.getArguments()) {
    argLocs[arg.getArgNumber()] = arg.getLoc();
    derived.setArgAttrs(arg.getArgNumber(),
                        fn.getArgAttrDict(arg.getArgNumber()));
  }
  Block *entry = builder.createBlock(&derived.getBody(), {},
                                     derived.getArgumentTypes(), argLocs);
  IRMapping mapping;
  mapping.map(body.getArguments(),
              entry->getArguments().take_front(body.getNumArguments()));
  for (Operation &op : body.without_terminator())
    builder.clone(op, mapping);
  SmallVector<Value> results = llvm::map_to_vector(
      body.getTerminator()->getOperands(),
      [&](Value v) { return mapping.lookupOrDefault(v); });

  inProgress.insert(fn);
  Sweep sweep(*this, builder);
  unsigned numArgs = body.getNumArguments();
  FailureOr<SmallVector<Value>> returned;
  if (kind == DerivativeKind::Forward) {
    returned = buildForward(sweep, *entry, results, wrt, numArgs);
  } else {
    SmallVector<Value> seeds;
    if (kind == DerivativeKind::ValueAndGrad)
      seeds.push_back(
          RuleBuilder(builder, fn.getLoc()).splatLike(results.front(), 1.0));
    else
      llvm::append_range(seeds, entry->getArguments().drop_front(numArgs));
    returned = buildReverse(sweep, *entry, results, seeds, wrt, numArgs);
  }
  inProgress.erase(fn);

  if (failed(returned)) {
    cache.erase(key);
    derived.erase();
    return failure();
  }
  builder.create<func::ReturnOp>(fn.getLoc(), *returned);
  // Rules build each formula whole; drop the parts nothing uses (e.g. the
  // partial of an operand that has no tangent).
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*entry)))
    if (isOpTriviallyDead(&op))
      op.erase();
  return derived;
}
