//===- Compiler.cpp - adjoint-compile as a library ------------------------===//
//
// Part of the Adjoint project.
//
// 1. Refuse tensor types whose size in bytes overflows an int64_t, and
//    recursive calls. Add an exported function per derivative asked for on
//    the command line (a request op, resolved by the differentiate stage
//    like any other).
// 2. Prefix the exported functions' names and describe their interface while
//    they still have tensor types.
// 3. Run the stages of Pipelines.h in turn, dumping or stopping where asked.
// 4. Translate to LLVM IR, optimize for the target and write the requested
//    artifact; a shared library is linked from a temporary object file.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Target/Compiler.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "adjoint/Pipelines/Pipelines.h"
#include "adjoint/Transforms/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>
#include <functional>
#include <limits>

using namespace mlir;
using namespace adjoint;

ArrayRef<StringRef> adjoint::getEmitKinds() {
  static const StringRef kinds[] = {"mlir", "linalg", "bufferized", "llvm",
                                    "llvm-ir", "asm", "obj", "so", "header"};
  return kinds;
}

namespace {

/// An error in a command-line option: it has no place in the model file.
InFlightDiagnostic optionError(ModuleOp module) {
  return emitError(UnknownLoc::get(module.getContext()));
}

/// Parses "fn" or "fn:wrt=a,b" against the module.
struct DerivativeRequest {
  func::FuncOp fn;
  SmallVector<bool> wrt;
};

FailureOr<DerivativeRequest> parseRequest(ModuleOp module, StringRef spec,
                                          StringRef flag,
                                          StringRef notScalarHint) {
  auto [name, rest] = spec.split(':');
  auto fn = module.lookupSymbol<func::FuncOp>(name);
  if (!fn || fn.isExternal()) {
    InFlightDiagnostic diag =
        optionError(module) << "--" << flag << "=" << spec << ": no function '"
                            << name << "' with a body in the model";
    // An ONNX model has no loss until --loss makes one: say so.
    if (name == "loss" && !notScalarHint.empty())
      diag << "; " << notScalarHint;
    return diag;
  }
  // The request op's verifier says the same, but only once the pipeline
  // runs, and the driver builds the op without verifying it.
  TypeRange results = fn.getResultTypes();
  if (results.size() != 1 || !adj::isFloatTensor(results[0]) ||
      cast<RankedTensorType>(results[0]).getRank() != 0) {
    InFlightDiagnostic diag = optionError(module)
                              << "--" << flag << "=" << spec << ": @" << name
                              << " must return one 0-d float tensor (a "
                                 "scalar loss), but it returns ";
    if (results.empty())
      diag << "nothing";
    else
      llvm::interleaveComma(results, diag, [&](Type type) { diag << type; });
    if (!notScalarHint.empty())
      return diag << "; " << notScalarHint;
    return diag << "; reduce it to a scalar (adj.sum, adj.mean), or ask for "
                   "an adj.vjp in the model";
  }
  DerivativeRequest request{fn, {}};
  unsigned n = fn.getNumArguments();
  if (rest.empty()) {
    for (Type type : fn.getArgumentTypes())
      request.wrt.push_back(adj::isFloatTensor(type));
    // Otherwise the entry point would have no outputs (--grad) or only the
    // value (--value-and-grad), which is never what was asked for.
    if (llvm::none_of(request.wrt, [](bool on) { return on; })) {
      InFlightDiagnostic diag = optionError(module)
                                << "--" << flag << "=" << spec << ": @" << name
                                << " has no float tensor argument to "
                                   "differentiate with respect to";
      if (n == 0)
        return diag << " (it has no arguments)";
      diag << " (its arguments have types ";
      llvm::interleaveComma(fn.getArgumentTypes(), diag,
                            [&](Type type) { diag << type; });
      return diag << ")";
    }
    return request;
  }
  if (!rest.consume_front("wrt="))
    return optionError(module)
           << "--" << flag << "=" << spec << ": expected 'fn' or 'fn:wrt=a,b'";
  request.wrt.assign(n, false);
  SmallVector<StringRef> names;
  rest.split(names, ',');
  for (StringRef arg : names) {
    std::optional<unsigned> index;
    unsigned i;
    if (!arg.getAsInteger(10, i) && i < n)
      index = i;
    for (unsigned j = 0; j < n && !index; ++j)
      if (adj::getArgumentName(fn, j) == arg)
        index = j;
    if (!index) {
      // A new user names arguments by their SSA names (%w), which the
      // parser does not keep: list the names the function has.
      InFlightDiagnostic diag = optionError(module)
                                << "--" << flag << "=" << spec << ": @" << name
                                << " has no argument named or "
                                << "numbered '" << arg << "'";
      if (n == 0)
        return diag << "; it has no arguments";
      // The first few: an imported model can have hundreds.
      const unsigned listed = std::min(n, 20u);
      diag << "; its arguments are ";
      llvm::interleaveComma(llvm::seq(0u, listed), diag, [&](unsigned j) {
        diag << "'" << adj::getArgumentName(fn, j) << "'";
      });
      if (n > listed)
        diag << " and " << n - listed << " more";
      return diag << " (0 to " << n - 1
                  << "): an argument's name is its {adj.name = \"...\"}, "
                     "else argN, never its SSA name";
    }
    if (!adj::isFloatTensor(fn.getArgumentTypes()[*index]))
      return optionError(module)
             << "--" << flag << "=" << spec << ": argument '" << arg << "' of @"
             << name << " has type " << fn.getArgumentTypes()[*index]
             << ", which has no derivative";
    if (request.wrt[*index])
      return optionError(module)
             << "--" << flag << "=" << spec << ": argument '"
             << adj::getArgumentName(fn, *index)
             << "' is named twice; name each argument once";
    request.wrt[*index] = true;
  }
  return request;
}

/// A derivative entry point added for the command line: the flag and
/// specification that asked for it, and what it asks.
struct AddedEntry {
  std::string option;
  DerivativeRequest request;
};

/// Fails on a second request whose entry point, @`entryName`, an earlier one
/// (`first`) already adds: names both, and the one request that asks for
/// both when they are for the same function.
LogicalResult duplicateEntryError(ModuleOp module, StringRef option,
                                  const DerivativeRequest &request,
                                  StringRef entryName,
                                  const AddedEntry &first) {
  InFlightDiagnostic diag = optionError(module)
                            << first.option << " and " << option
                            << " both ask for @" << entryName;
  func::FuncOp fn = request.fn, firstFn = first.request.fn;
  if (fn != firstFn)
    return diag << ", the name of each one's entry point; rename @"
                << firstFn.getSymName() << " or @" << fn.getSymName();
  // One entry point per function and kind: it differentiates w.r.t. the
  // arguments of both requests.
  SmallVector<bool> wrt;
  for (auto [a, b] : llvm::zip_equal(request.wrt, first.request.wrt))
    wrt.push_back(a || b);
  diag << " (a function has one entry point per kind of derivative); ask "
          "once, for every argument to differentiate: "
       << option.split('=').first << "=" << fn.getSymName();
  bool allFloats =
      llvm::all_of(llvm::enumerate(fn.getArgumentTypes()), [&](auto arg) {
        return wrt[arg.index()] == adj::isFloatTensor(arg.value());
      });
  if (allFloats)
    return diag;
  SmallVector<std::string> names;
  for (auto [i, on] : llvm::enumerate(wrt))
    if (on)
      names.push_back(adj::getArgumentName(fn, i));
  return diag << ":wrt=" << llvm::join(names, ",");
}

/// Adds a public function <fn><suffix> that asks for the derivative;
/// `added` holds the entry points added before, by their names.
LogicalResult addDerivativeEntry(ModuleOp module, StringRef spec,
                                 bool withValue, StringRef notScalarHint,
                                 llvm::StringMap<AddedEntry> &added) {
  StringRef flag = withValue ? "value-and-grad" : "grad";
  FailureOr<DerivativeRequest> request =
      parseRequest(module, spec, flag, notScalarHint);
  if (failed(request))
    return failure();
  func::FuncOp fn = request->fn;
  // A model with no adj op (only calls, say) has not loaded the dialect.
  module.getContext()->getOrLoadDialect<adj::AdjDialect>();
  OpBuilder b(module.getContext());
  b.setInsertionPointToEnd(module.getBody());
  SmallVector<Type> results;
  SmallVector<int64_t> wrt;
  SmallVector<std::string> names;
  if (withValue) {
    llvm::append_range(results, fn.getResultTypes());
    names.push_back(fn.getSymName().str());
  }
  for (auto [i, on] : llvm::enumerate(request->wrt)) {
    if (!on)
      continue;
    wrt.push_back(i);
    results.push_back(fn.getArgumentTypes()[i]);
    names.push_back("grad_" + adj::getArgumentName(fn, i));
  }
  std::string entryName =
      (fn.getSymName() + (withValue ? "_value_and_grad" : "_grad")).str();
  std::string option = ("--" + flag + "=" + spec).str();
  if (auto it = added.find(entryName); it != added.end())
    return duplicateEntryError(module, option, *request, entryName, it->second);
  // SymbolTable::insert would quietly rename the entry on a clash.
  if (module.lookupSymbol(entryName))
    return optionError(module)
           << option << ": the model already has a function @" << entryName
           << ", the name of this derivative's entry point; rename it";
  added[entryName] = AddedEntry{option, *request};
  auto entry = b.create<func::FuncOp>(
      fn.getLoc(), entryName,
      FunctionType::get(b.getContext(), fn.getArgumentTypes(), results));
  SymbolTable(module).insert(entry);
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    entry.setArgAttrs(i, fn.getArgAttrDict(i));
  for (auto [i, name] : llvm::enumerate(names))
    entry.setResultAttr(i, "adj.name", b.getStringAttr(name));
  b.setInsertionPointToStart(entry.addEntryBlock());
  Operation *ask;
  auto wrtAttr = b.getDenseI64ArrayAttr(wrt);
  if (withValue)
    ask = b.create<adj::ValueAndGradOp>(fn.getLoc(), results,
                                        fn.getSymName(), entry.getArguments(),
                                        wrtAttr);
  else
    ask = b.create<adj::GradOp>(fn.getLoc(), results, fn.getSymName(),
                                entry.getArguments(), wrtAttr);
  b.create<func::ReturnOp>(fn.getLoc(), ask->getResults());
  return success();
}

/// Fails on a public function whose exported name is also one the library
/// defines: LLVM would quietly rename one of the two, and a caller of
/// <prefix>_<name> would get the other.
LogicalResult checkExportNames(ModuleOp module) {
  static constexpr llvm::StringLiteral ownNames[] = {
      "adjoint_interface", "initial_value", "set_num_threads",
      "status_message"};
  llvm::StringSet<> exported;
  for (auto fn : module.getOps<func::FuncOp>())
    if (fn.isPublic() && !fn.isExternal())
      exported.insert(fn.getSymName());
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (!fn.isPublic() || fn.isExternal())
      continue;
    StringRef name = fn.getSymName();
    if (llvm::is_contained(ownNames, name))
      return fn.emitError("@")
             << name << " has the name of the library's own <prefix>_" << name
             << " (docs/c-abi.md); rename the function";
    if (name.ends_with("_workspace_size") &&
        exported.contains(name.drop_back(strlen("_workspace_size"))))
      return fn.emitError("@")
             << name << " has the name of the workspace-size function of @"
             << name.drop_back(strlen("_workspace_size"))
             << " (docs/c-abi.md); rename the function";
  }
  return success();
}

/// Prefixes the public functions' names: <prefix>_<name>. The user's name
/// stays in adj.source_name, for diagnostics.
void prefixExports(ModuleOp module, StringRef prefix) {
  SymbolTable symbols(module);
  for (auto fn : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
    if (fn.isPublic() && !fn.isExternal()) {
      fn->setAttr(adj::kSourceNameAttr, fn.getSymNameAttr());
      (void)symbols.rename(fn, (prefix + "_" + fn.getSymName()).str());
    }
}

/// The default prefix: the output's file name without a leading "lib", its
/// version numbers (".so.1.2") and its extension, other characters than
/// letters and digits made '_' ("libmlp.so.1" gives "mlp", "libmodel.v2.so"
/// "model_v2"); "model_" before one that starts with a digit
/// ("lib2fast-model.so" gives "model_2fast_model"), and
/// "model" if nothing is left. All of the name counts, so that two
/// libraries' names rarely give one prefix.
std::string defaultPrefix(StringRef output) {
  auto isVersion = [](StringRef extension) {
    return extension.size() > 1 &&
           llvm::all_of(extension.drop_front(), llvm::isDigit);
  };
  StringRef stem = llvm::sys::path::filename(output);
  while (isVersion(llvm::sys::path::extension(stem)))
    stem = llvm::sys::path::stem(stem);
  stem = llvm::sys::path::stem(stem);
  stem.consume_front("lib");
  std::string prefix;
  for (char c : stem)
    prefix += llvm::isAlnum(c) ? c : '_';
  prefix = StringRef(prefix).ltrim('_').str();
  if (prefix.empty())
    return "model";
  // A keyword is fine: every symbol is <prefix>_<name>.
  return llvm::isDigit(prefix.front()) ? "model_" + prefix : prefix;
}

LogicalResult writeText(StringRef path, StringRef text, Location loc) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return emitError(loc) << "cannot write '" << path << "': " << ec.message();
  out.os() << text;
  out.keep();
  return success();
}

/// Fails, at its location, on the first value whose tensor type takes more
/// bytes than an int64_t counts: its sizes and offsets would overflow.
LogicalResult checkTensorSizes(ModuleOp module) {
  auto fits = [](Type type) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape())
      return true;
    Type element = tensor.getElementType();
    unsigned bits =
        element.isIntOrFloat() ? element.getIntOrFloatBitWidth() : 64;
    int64_t bytes = std::max<int64_t>(bits / 8, 1);
    for (int64_t dim : tensor.getShape()) {
      if (dim != 0 && bytes > std::numeric_limits<int64_t>::max() / dim)
        return false;
      bytes *= dim;
    }
    return true;
  };
  auto check = [&](Type type, Location loc) -> LogicalResult {
    if (fits(type))
      return success();
    return emitError(loc) << type
                          << " is too large: its size in bytes does not fit "
                             "in 64 bits";
  };
  WalkResult result = module.walk<WalkOrder::PreOrder>([&](Operation *op) {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          if (failed(check(arg.getType(), arg.getLoc())))
            return WalkResult::interrupt();
    for (Type type : op->getResultTypes())
      if (failed(check(type, op->getLoc())))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

/// Fails at the first loop that carries a tensor from one iteration to the
/// next: bufferization would reject it later, without saying what to do
/// ("Yield operand #0 is not equivalent to the corresponding iter bbArg"),
/// and the derivative of a function with a loop is not built either.
LogicalResult checkNoTensorLoops(ModuleOp module) {
  WalkResult result = module.walk([&](Operation *op) {
    if (!isa<scf::ForOp, scf::WhileOp>(op) ||
        llvm::none_of(op->getResultTypes(),
                      [](Type t) { return isa<TensorType>(t); }))
      return WalkResult::advance();
    auto fn = op->getParentOfType<func::FuncOp>();
    op->emitError("cannot compile this '")
        << op->getName() << "'" << (fn ? " in @" : "")
        << (fn ? fn.getSymName() : "")
        << ": a loop that carries a tensor from one iteration to the next is "
           "not supported (a model is straight-line code); unroll it: repeat "
           "its body once per iteration, or call a function holding the body "
           "once per iteration";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

/// Fails at each function that adjoint-compile's own output marks as
/// carrying a run-time status result (--emit=mlir or linalg with index or
/// numerics checks): compiling it again would export that status as an
/// output and add a second one.
LogicalResult checkNotCompiledAlready(ModuleOp module) {
  bool compiled = false;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (!fn->hasAttr("adj.status"))
      continue;
    fn.emitError("@")
        << fn.getSymName()
        << " is adjoint-compile's output: its last result is the status of "
           "the run-time checks it added; compile the model it came from, or "
           "emit the IR to edit with --check-indices=false and without "
           "--check-numerics";
    compiled = true;
  }
  return failure(compiled);
}

/// Fails at the first call that closes a cycle of calls. Without control
/// flow the recursion could never end; later, the inliner and bufferization
/// would reject it without a location. Run before differentiation and after
/// it: a custom derivative that asks for a derivative of its own function
/// closes a cycle only once the derivative exists. Names drop the exports'
/// "<prefix>_", as the model spells them.
LogicalResult checkNoRecursion(ModuleOp module, StringRef prefix) {
  SymbolTable symbols(module);
  enum State { Unseen, Active, Done };
  DenseMap<Operation *, State> state;
  std::function<LogicalResult(func::FuncOp)> visit =
      [&](func::FuncOp fn) -> LogicalResult {
    state[fn] = Active;
    WalkResult walk = fn.walk([&](func::CallOp call) {
      auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
      if (!callee)
        return WalkResult::advance();
      State s = state.lookup(callee);
      if (s == Active) {
        StringRef name = call.getCallee();
        if (!prefix.empty() && name.starts_with(prefix) &&
            name.drop_front(prefix.size()).starts_with("_"))
          name = name.drop_front(prefix.size() + 1);
        call.emitOpError("calls @")
            << name
            << " recursively; a model has no control flow, so the recursion "
               "could never end: unroll it into calls of other functions";
        return WalkResult::interrupt();
      }
      if (s == Unseen && failed(visit(callee)))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    state[fn] = Done;
    return failure(walk.wasInterrupted());
  };
  for (auto fn : module.getOps<func::FuncOp>())
    if (state.lookup(fn) == Unseen && failed(visit(fn)))
      return failure();
  return success();
}

std::string printModule(ModuleOp module) {
  std::string s;
  llvm::raw_string_ostream os(s);
  module.print(os);
  return s;
}

} // namespace

LogicalResult adjoint::compile(ModuleOp module, const CompileOptions &options,
                               llvm::raw_ostream &log) {
  Location loc = module.getLoc();
  if (!llvm::is_contained(getEmitKinds(), options.emit))
    return optionError(module)
           << "unknown --emit=" << options.emit << "; use one of "
           << llvm::join(getEmitKinds(), ", ");
  std::string prefix =
      options.prefix.empty() ? defaultPrefix(options.output) : options.prefix;
  if (!adj::isCIdentifier(prefix) &&
      !adj::isCIdentifier(prefix + "_")) // a keyword: symbols are prefix_f
    return optionError(module)
           << "--prefix '" << prefix << "' is not a C identifier";
  // Before the pipeline runs: a bad triple or CPU is the user's, not the
  // model's, and should not wait for the last stage.
  if (llvm::Error error = checkTarget(options.target))
    return optionError(module) << llvm::toString(std::move(error));
  if (options.emit == "so" && isCrossCompiling(options.target))
    return optionError(module)
           << "--target-triple " << options.target.triple
           << " is not the host: cross-compiling makes an object: use "
              "--emit=obj, then link it on the target as docs/c-abi.md shows";
  if (options.emit == "so" && options.output == "-")
    return optionError(module)
           << "-o -: a shared library is linked into a file: give its path "
              "(-o libmodel.so); --emit=obj, asm, llvm-ir, header and the "
              "MLIR kinds can write to stdout";
  if (!options.dumpAfter.empty() && options.dumpAfter != "all" &&
      llvm::none_of(getStages(), [&](const Stage &s) {
        return options.dumpAfter == s.name;
      }))
    return optionError(module)
           << "unknown --dump-after=" << options.dumpAfter
           << "; use all or a stage: differentiate, optimize, "
              "linalg, bufferize, llvm";

  if (failed(checkTensorSizes(module)) ||
      failed(checkNoRecursion(module, "")) ||
      failed(checkNoTensorLoops(module)) ||
      failed(checkNotCompiledAlready(module)))
    return failure();
  llvm::StringMap<AddedEntry> added;
  for (const std::string &spec : options.grad)
    if (failed(addDerivativeEntry(module, spec, /*withValue=*/false,
                                  options.notScalarHint, added)))
      return failure();
  for (const std::string &spec : options.valueAndGrad)
    if (failed(addDerivativeEntry(module, spec, /*withValue=*/true,
                                  options.notScalarHint, added)))
      return failure();
  if (failed(checkExportNames(module)))
    return failure();
  prefixExports(module, prefix);
  FailureOr<LibraryInterface> interface = describeInterface(module, prefix);
  if (failed(interface))
    return failure();
  if (interface->functions.empty())
    return emitError(loc) << "nothing to compile: the model has no public "
                             "function with a body";
  // Where each --emit kind stops.
  StringRef lastStage = llvm::StringSwitch<StringRef>(options.emit)
                            .Case("mlir", "optimize")
                            .Case("linalg", "linalg")
                            .Case("bufferized", "bufferize")
                            .Case("header", "bufferize")
                            .Default("llvm");
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
  };
  for (const Stage &stage : getStages()) {
    // The interface keeps the initial values; the lowering need not carry
    // them (nor check them against memref types). They stay until then for
    // adj-check-numerics, which exempts an op reading a buffer that holds
    // an Inf (a -inf mask).
    if (StringRef(stage.name) == "linalg")
      for (auto fn : module.getOps<func::FuncOp>())
        for (unsigned i = 0; i < fn.getNumArguments(); ++i)
          fn.removeArgAttr(i, "adj.initial_value");
    auto start = Clock::now();
    PassManager pm(module.getContext());
    // The tool's --mlir-print-ir-* / --mlir-timing flags, if registered.
    if (failed(applyPassManagerCLOptions(pm)))
      return failure();
    stage.build(pm, options.pipeline);
    if (!options.dot.empty() && StringRef(stage.name) == "optimize")
      pm.addPass(createAdjPrintDot({options.dot, ""}));
    if (options.checkNumerics && StringRef(stage.name) == "optimize")
      pm.addPass(createAdjCheckNumerics());
    if (options.checkIndices && StringRef(stage.name) == "optimize")
      pm.addPass(createAdjCheckIndices());
    if (failed(pm.run(module)))
      return failure();
    if (StringRef(stage.name) == "differentiate" &&
        failed(checkNoRecursion(module, prefix)))
      return failure();
    if (options.timeStages)
      log << llvm::formatv("{0,-14} {1,8:f3} s\n", stage.name, seconds(start));
    if (StringRef(stage.name) == "bufferize") {
      readWorkspaceSizes(module, *interface);
      readStatusMessages(module, *interface);
    }
    if (options.dumpAfter == "all" || options.dumpAfter == stage.name) {
      SmallString<128> path(options.dumpDir.empty() ? "." : options.dumpDir);
      if (std::error_code ec = llvm::sys::fs::create_directories(path))
        return emitError(loc)
               << "cannot create --dump-dir '" << path << "': " << ec.message();
      llvm::sys::path::append(path, prefix + "." + stage.name + ".mlir");
      if (failed(writeText(path, printModule(module), loc)))
        return failure();
    }
    if (stage.name == lastStage)
      break;
  }
  if (options.emit == "header")
    return writeText(options.output, renderCHeader(*interface), loc);
  if (lastStage != "llvm" || options.emit == "llvm")
    return writeText(options.output, printModule(module), loc);

  auto start = Clock::now();
  llvm::LLVMContext context;
  FailureOr<std::unique_ptr<llvm::Module>> llvmModule = translateToLLVM(
      module, context, *interface, options.target, options.pipeline.optimize);
  if (failed(llvmModule))
    return failure();
  if (options.timeStages)
    log << llvm::formatv("{0,-14} {1,8:f3} s\n", "llvm-opt", seconds(start));
  start = Clock::now();
  LogicalResult result = success();
  if (options.emit == "llvm-ir")
    result = emitNative(**llvmModule, OutputKind::LLVMIR, options.output, loc);
  else if (options.emit == "asm")
    result =
        emitNative(**llvmModule, OutputKind::Assembly, options.output, loc);
  else if (options.emit == "obj")
    result = emitNative(**llvmModule, OutputKind::Object, options.output, loc);
  else {
    SmallString<128> object;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile(prefix, "o", object))
      return emitError(loc) << "cannot create a temporary file: "
                            << ec.message();
    llvm::FileRemover remover(object);
    result = success(
        succeeded(emitNative(**llvmModule, OutputKind::Object, object, loc)) &&
        succeeded(linkSharedLibrary(object, options.output, options.target, loc,
                                    options.link, options.onRuntimeBuild)));
  }
  if (options.timeStages)
    log << llvm::formatv("{0,-14} {1,8:f3} s\n", "codegen+link",
                         seconds(start));
  return result;
}
