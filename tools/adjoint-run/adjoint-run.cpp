//===- adjoint-run.cpp - Run a model on the reference evaluator -----------===//
//
// Part of the Adjoint project.
//
// Parses an adj model, picks a function, gets its inputs from a .npz file or
// a seeded generator, evaluates it with the reference evaluator (in f64) and
// prints the results NumPy-style; optionally saves inputs and results as .npz
// so that a NumPy or PyTorch test can recompute the same thing.
//
//   adjoint-run model.mlir [--fn NAME] [--inputs in.npz | --seed N]
//               [--int-range LO:HI] [--output out.npz] [--save-inputs in.npz]
//               [--print-inputs] [--precision P]
//   adjoint-run model.mlir --check-grad [--fn NAME] [--tolerance T] ...
//   adjoint-run model.mlir --rules my-rules.mlir ...
//
// The compiler's differentiate stage (canonicalize, then resolve derivative
// requests: adj.grad, ...) runs before anything is evaluated. With
// --check-grad, the derivatives of the function (of every public function
// without --fn) are checked against finite differences instead.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Differentiation/RuleLibrary.h"
#include "adjoint/Evaluator/Evaluator.h"
#include "adjoint/GradientCheck/GradientCheck.h"
#include "adjoint/InitAllDialects.h"
#include "adjoint/Pipelines/Pipelines.h"
#include "adjoint/Support/Diagnostics.h"
#include "adjoint/Support/DialectPlugins.h"
#include "adjoint/Support/Npy.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace adjoint;
namespace cl = llvm::cl;

static cl::OptionCategory runCategory("adjoint-run options");

static cl::opt<std::string> modelFile(cl::Positional, cl::Required,
                                      cl::desc("<model.mlir>"),
                                      cl::cat(runCategory));
static cl::opt<std::string>
    fnName("fn",
           cl::desc("Function to run (default: the only public function, "
                    "else 'main')"),
           cl::value_desc("name"), cl::cat(runCategory));
static cl::opt<std::string>
    inputsFile("inputs",
               cl::desc("Read the arguments from a .npz file (matched by "
                        "argument name, argN or arr_N; C or Fortran order)"),
               cl::value_desc("file.npz"), cl::cat(runCategory));
static cl::opt<uint64_t>
    seed("seed",
         cl::desc("Generate the arguments: floats uniform in [-1, 1), "
                  "integers uniform in --int-range, i1 0 or 1"),
         cl::value_desc("N"), cl::cat(runCategory));
static cl::opt<std::string>
    intRange("int-range",
             cl::desc("Half-open range of generated integers (default 0:2)"),
             cl::value_desc("LO:HI"), cl::init("0:2"), cl::cat(runCategory));
static cl::opt<std::string>
    outputFile("output",
               cl::desc("Write the results to a .npz file under their names "
                        "(adj.name, else resultN, as in the C header; "
                        "float64, int64 or bool)"),
               cl::value_desc("file.npz"), cl::cat(runCategory));
static cl::opt<std::string> saveInputsFile(
    "save-inputs",
    cl::desc("Write the arguments to a .npz file under their names"),
    cl::value_desc("file.npz"), cl::cat(runCategory));
static cl::opt<bool> printInputs("print-inputs",
                                 cl::desc("Print the arguments too"),
                                 cl::cat(runCategory));
static cl::opt<unsigned>
    precision("precision",
              cl::desc("Significant digits of printed floats (default 8)"),
              cl::value_desc("P"), cl::init(8), cl::cat(runCategory));

static cl::opt<bool> checkGrad(
    "check-grad",
    cl::desc("Check the reverse- and forward-mode derivatives of the function "
             "(every public function without --fn) w.r.t. its float "
             "arguments (and of its float results: integer and i1 results "
             "are skipped) against central finite differences; inputs from "
             "--inputs or --seed (default 0)"),
    cl::cat(runCategory));
static cl::list<std::string>
    ruleFiles("rules",
              cl::desc("Use the differentiation rules of this MLIR file "
                       "before the built-in ones (repeatable; "
                       "docs/adding-rules.md)"),
              cl::value_desc("file.mlir"), cl::cat(runCategory));
static cl::opt<double>
    tolerance("tolerance",
              cl::desc("Largest relative error --check-grad accepts "
                       "(default 1e-6)"),
              cl::init(1e-6), cl::cat(runCategory));
static cl::list<std::string> dialectPlugins(
    "load-dialect-plugin",
    cl::desc("Load dialects and differentiation rules from a plugin library "
             "(repeatable; see docs/adding-rules.md)"),
    cl::value_desc("lib.so"), cl::cat(runCategory));

/// Prints "adjoint-run: error: <message>" and returns failure.
static LogicalResult fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "adjoint-run") << message << "\n";
  return failure();
}

/// Renders a shape as NumPy does: (), (5,), (4, 3).
static std::string npShape(llvm::ArrayRef<int64_t> shape) {
  std::string s = "(";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(shape, os);
  if (shape.size() == 1)
    os << ',';
  os << ')';
  return s;
}

static std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

//===----------------------------------------------------------------------===//
// Choosing the function and naming its arguments
//===----------------------------------------------------------------------===//

/// The functions of the model as written, for error messages: taken before
/// derivative requests add their (private) synthesized functions.
static std::string userFunctions;

static std::string functionList(ModuleOp module) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(
      module.getOps<func::FuncOp>(), os,
      [&](func::FuncOp fn) { os << "'" << fn.getSymName() << "'"; });
  return s.empty() ? "none" : s;
}

static FailureOr<func::FuncOp> selectFunction(ModuleOp module) {
  if (!fnName.empty()) {
    if (auto fn = module.lookupSymbol<func::FuncOp>(fnName))
      return fn;
    return fail("no function '" + fnName + "' in " + modelFile +
                "; available: " + userFunctions);
  }
  SmallVector<func::FuncOp> candidates;
  for (auto fn : module.getOps<func::FuncOp>())
    if (fn.isPublic() && !fn.isExternal())
      candidates.push_back(fn);
  if (candidates.size() == 1)
    return candidates.front();
  if (auto fn = module.lookupSymbol<func::FuncOp>("main"))
    return fn;
  return fail(llvm::Twine(candidates.empty() ? "no" : "several") +
              " public functions in " + modelFile +
              " and none named 'main'; pick one with --fn (available: " +
              userFunctions + ")");
}

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

/// The .npy dtype that holds values of `elementType` exactly.
static NpyDType npyDTypeFor(Type elementType) {
  if (elementType.isF32())
    return NpyDType::F32;
  if (elementType.isF64())
    return NpyDType::F64;
  if (elementType.isInteger(1))
    return NpyDType::Bool;
  if (elementType.isInteger(32))
    return NpyDType::I32;
  return NpyDType::I64;
}

/// The kinds of arrays: an argument accepts an array of its own kind only
/// (any float width for a float argument, any integer width for an integer
/// one, bool for i1).
enum class ArrayKind { Float, Integer, Bool };

static ArrayKind kindOf(Type elementType) {
  if (isa<FloatType>(elementType))
    return ArrayKind::Float;
  return elementType.isInteger(1) ? ArrayKind::Bool : ArrayKind::Integer;
}

static ArrayKind kindOf(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::F32:
  case NpyDType::F64:
    return ArrayKind::Float;
  case NpyDType::Bool:
    return ArrayKind::Bool;
  case NpyDType::I32:
  case NpyDType::I64:
    break;
  }
  return ArrayKind::Integer;
}

static StringRef describe(ArrayKind kind) {
  switch (kind) {
  case ArrayKind::Float:
    return "a float32 or float64 array";
  case ArrayKind::Integer:
    return "an int32 or int64 array";
  case ArrayKind::Bool:
    break;
  }
  return "a bool array";
}

static FailureOr<SmallVector<RefTensor>>
readInputs(func::FuncOp fn, ArrayRef<RankedTensorType> types,
           ArrayRef<std::string> names) {
  auto arrays = readNpzFile(inputsFile);
  if (!arrays)
    return fail(llvm::toString(arrays.takeError()));
  llvm::StringMap<size_t> byName;
  for (auto [i, entry] : llvm::enumerate(*arrays))
    byName.try_emplace(entry.first, i);
  std::vector<bool> used(arrays->size(), false);

  SmallVector<RefTensor> inputs;
  for (auto [i, type] : llvm::enumerate(types)) {
    std::string what = "argument '" + names[i] + "' (#" + std::to_string(i) +
                       ", " + typeString(type) + ")";
    // The argument's name, else its position as "argN" or as np.savez
    // names positional arrays.
    SmallVector<std::string> keys = {names[i]};
    for (std::string key :
         {"arg" + std::to_string(i), "arr_" + std::to_string(i)})
      if (key != names[i])
        keys.push_back(key);
    auto key = llvm::find_if(
        keys, [&](const std::string &k) { return byName.count(k) != 0; });
    if (key == keys.end())
      return fail("no array for " + what + " in " + inputsFile +
                  "; looked for '" + llvm::join(keys, "' or '") + "'");
    size_t index = byName.lookup(*key);
    used[index] = true;
    const NpyArray &array = (*arrays)[index].second;
    Type element = type.getElementType();
    std::string source = "'" + *key + "' in " + inputsFile;
    std::string given = source + " is " + npyDTypeName(array.dtype).str() +
                        " of shape " + npShape(array.shape);
    if (kindOf(array.dtype) != kindOf(element))
      return fail(what + " needs " + describe(kindOf(element)) + ", but " +
                  given);
    if (ArrayRef<int64_t>(array.shape) != type.getShape())
      return fail(what + " needs shape " + npShape(type.getShape()) + ", but " +
                  given);
    if (element.isInteger(32))
      for (double v : array.values)
        if (v < INT32_MIN || v > INT32_MAX)
          return fail(what + " cannot hold " +
                      std::to_string(static_cast<int64_t>(v)) +
                      ", an element of " + source);
    inputs.push_back(
        RefTensor{type.getElementType(), array.shape, array.values});
  }

  SmallVector<std::string> unused;
  for (auto [i, entry] : llvm::enumerate(*arrays))
    if (!used[i])
      unused.push_back("'" + entry.first + "'");
  if (!unused.empty())
    return fail(inputsFile + " holds " + llvm::join(unused, ", ") +
                ", matching no argument of '" + fn.getSymName() +
                "' (its arguments: " + llvm::join(names, ", ") +
                "); remove the extra array(s) or rename them");
  return inputs;
}

/// splitmix64: tiny, fast and identical on every platform, so a seed names
/// the same inputs everywhere.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

private:
  uint64_t state;
};

static FailureOr<std::pair<int64_t, int64_t>> parseIntRange() {
  auto [lo, hi] = llvm::StringRef(intRange).split(':');
  int64_t l, h;
  if (lo.trim().getAsInteger(10, l) || hi.trim().getAsInteger(10, h) || l >= h)
    return fail("--int-range expects LO:HI with LO < HI, got '" + intRange +
                "'");
  // The evaluator holds integers as doubles, exact up to 2^53.
  constexpr int64_t kExact = int64_t(1) << 53;
  if (l < -kExact || h > kExact)
    return fail("--int-range bounds must lie in [-2^53, 2^53], got '" +
                intRange + "'");
  return std::make_pair(l, h);
}

static FailureOr<SmallVector<RefTensor>>
generateInputs(ArrayRef<RankedTensorType> types, ArrayRef<std::string> names) {
  auto range = parseIntRange();
  if (failed(range))
    return failure();
  auto [lo, hi] = *range;
  SplitMix64 rng(seed);
  SmallVector<RefTensor> inputs;
  for (auto [i, type] : llvm::enumerate(types)) {
    Type element = type.getElementType();
    if (element.isInteger(32) && (lo < INT32_MIN || hi - 1 > INT32_MAX))
      return fail("--int-range " + intRange + " does not fit argument '" +
                  names[i] + "' of type " + typeString(type));
    RefTensor t{element, SmallVector<int64_t>(type.getShape()), {}};
    t.data.resize(type.getNumElements());
    for (double &v : t.data) {
      if (element.isF32()) // 24 random bits: exact in f32, as saved.
        v = 2.0 * std::ldexp(double(rng.next() >> 40), -24) - 1.0;
      else if (element.isF64())
        v = 2.0 * std::ldexp(double(rng.next() >> 11), -53) - 1.0;
      else if (element.isInteger(1))
        v = double(rng.next() >> 63);
      else
        v = double(lo + int64_t(rng.next() % uint64_t(hi - lo)));
    }
    inputs.push_back(std::move(t));
  }
  return inputs;
}

//===----------------------------------------------------------------------===//
// Output
//===----------------------------------------------------------------------===//

/// Formats one element: `true`/`false` for i1, the exact integer for i32
/// and i64, and --precision significant digits (printf's %g) for floats.
static std::string formatElement(double v, Type elementType) {
  if (elementType.isInteger(1))
    return v != 0 ? "true" : "false";
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buffer[64];
  if (isa<IntegerType>(elementType))
    std::snprintf(buffer, sizeof(buffer), "%.0f", v);
  else
    std::snprintf(buffer, sizeof(buffer), "%.*g", int(precision.getValue()), v);
  return buffer;
}

/// Prints dimension `dim` of a tensor with NumPy's nesting: the innermost
/// dimension on one line, a blank line between blocks of rank 3 and more.
static void printNested(llvm::raw_ostream &os, ArrayRef<std::string> cells,
                        ArrayRef<int64_t> shape, size_t dim, int64_t offset,
                        size_t width) {
  if (dim == shape.size()) {
    os.indent(width - cells[offset].size()) << cells[offset];
    return;
  }
  int64_t stride = 1;
  for (int64_t d : shape.drop_front(dim + 1))
    stride *= d;
  os << '[';
  for (int64_t i = 0; i < shape[dim]; ++i) {
    if (i > 0 && dim + 1 == shape.size())
      os << ", ";
    else if (i > 0)
      os << ",\n"
         << std::string(shape.size() - dim - 2, '\n')
         << std::string(dim + 1, ' ');
    printNested(os, cells, shape, dim + 1, offset + i * stride, width);
  }
  os << ']';
}

/// Prints "<header>: <type>" and the elements of `t`, right-aligned to a
/// common width as NumPy does.
static void printTensor(llvm::raw_ostream &os, const llvm::Twine &header,
                        const RefTensor &t) {
  os << header << ": " << t.getType() << "\n";
  SmallVector<std::string> cells;
  size_t width = 0;
  for (double v : t.data) {
    cells.push_back(formatElement(v, t.elementType));
    width = std::max(width, cells.back().size());
  }
  printNested(os, cells, t.shape, 0, 0, width);
  os << "\n";
}

/// Writes `tensors` to the .npz file `path` under `names`, each in the dtype
/// of its element type, or with `widen` as float64, int64 or bool (results
/// were computed in f64, so an f32 result is not rounded).
static LogicalResult writeArrays(const std::string &path,
                                 ArrayRef<std::string> names,
                                 ArrayRef<RefTensor> tensors, bool widen) {
  std::vector<std::pair<std::string, NpyArray>> arrays;
  for (auto [name, t] : llvm::zip_equal(names, tensors)) {
    NpyArray array;
    array.dtype = npyDTypeFor(t.elementType);
    if (widen && array.dtype == NpyDType::F32)
      array.dtype = NpyDType::F64;
    if (widen && array.dtype == NpyDType::I32)
      array.dtype = NpyDType::I64;
    array.shape = t.shape;
    array.values = t.data;
    arrays.emplace_back(name, std::move(array));
  }
  if (llvm::Error error = writeNpzFile(path, arrays))
    return fail(llvm::toString(std::move(error)));
  return success();
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

/// The arguments of `fn`, read from --inputs or generated from --seed, and
/// their names.
static FailureOr<SmallVector<RefTensor>>
prepareArguments(func::FuncOp fn, SmallVector<std::string> &names) {
  SmallVector<RankedTensorType> types;
  llvm::StringMap<unsigned> seen;
  for (auto [i, type] : llvm::enumerate(fn.getArgumentTypes())) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape())
      return fail("argument #" + llvm::Twine(i) + " of '" + fn.getSymName() +
                  "' has type " + typeString(type) +
                  "; adjoint-run only passes statically shaped tensors");
    // Checked per dimension, so that a huge shape cannot overflow.
    int64_t numElements = 1;
    for (int64_t dim : tensor.getShape()) {
      if (dim != 0 && numElements > kMaxRefTensorElements / dim)
        return fail("argument #" + llvm::Twine(i) + " of '" + fn.getSymName() +
                    "' has type " + typeString(type) +
                    ", which exceeds the reference evaluator's limit of " +
                    llvm::Twine(kMaxRefTensorElements) +
                    " elements per tensor");
      numElements *= dim;
    }
    types.push_back(tensor);
    names.push_back(adj::getArgumentName(fn, i));
    auto [it, inserted] = seen.try_emplace(names.back(), i);
    if (!inserted)
      return fail("arguments #" + llvm::Twine(it->second) + " and #" +
                  llvm::Twine(i) + " of '" + fn.getSymName() +
                  "' are both named '" + names.back() + "'");
  }

  if (!inputsFile.empty())
    return readInputs(fn, types, names);
  if (seed.getNumOccurrences() || types.empty() || checkGrad)
    return generateInputs(types, names);
  return fail("'" + fn.getSymName() + "' takes " + llvm::Twine(types.size()) +
              " argument(s); give --inputs file.npz or --seed N");
}

/// Checks the derivatives of `fn` and prints one line per argument (reverse
/// mode) and per result (forward mode); fails above --tolerance.
static LogicalResult checkFunction(func::FuncOp fn, const RuleLibrary &rules) {
  // An integer or i1 result (a mask, an index) has no derivative: check the
  // float ones, and say which were skipped.
  SmallVector<unsigned> skipped;
  for (auto [r, type] : llvm::enumerate(fn.getResultTypes()))
    if (!adj::isFloatTensor(type))
      skipped.push_back(r);
  if (skipped.size() == fn.getNumResults()) {
    llvm::outs() << "@" << fn.getSymName()
                 << ": skipped: no float result to differentiate\n";
    return success();
  }
  SmallVector<std::string> names;
  FailureOr<SmallVector<RefTensor>> inputs = prepareArguments(fn, names);
  if (failed(inputs))
    return failure();
  SmallVector<bool> wrt = llvm::map_to_vector(
      fn.getArgumentTypes(), [](Type t) { return adj::isFloatTensor(t); });
  GradientCheckOptions options;
  options.seed = seed;
  options.rules = &rules;
  FailureOr<SmallVector<GradientCheckResult>> rows =
      checkGradients(fn, *inputs, wrt, options);
  if (failed(rows))
    return failure();
  bool ok = true;
  llvm::outs() << "@" << fn.getSymName() << ":\n";
  for (unsigned r : skipped)
    llvm::outs() << llvm::formatv("  {0,-8} {1,-16} skipped: {2} has no "
                                  "derivative\n",
                                  "forward", "result " + std::to_string(r),
                                  fn.getResultTypes()[r]);
  for (const GradientCheckResult &row : *rows) {
    // NaN (a non-finite value) fails.
    bool rounding = row.maxRelativeError > tolerance && row.withinRounding;
    bool pass = row.maxRelativeError <= tolerance || rounding;
    ok &= pass;
    llvm::outs() << llvm::formatv("  {0,-8} {1,-16} {2,6} probed  max "
                                  "relative error {3:e2}  {4}\n",
                                  row.mode, row.name, row.numProbed,
                                  row.maxRelativeError,
                                  rounding ? "ok (within the model's float "
                                             "rounding)"
                                  : pass   ? "ok"
                                           : "FAILED");
    if (std::isnan(row.maxRelativeError) && row.numProbed) {
      // Not an inaccurate derivative: an op left its domain at these inputs.
      bool derivative = std::isnan(row.worstDerivative);
      bool difference = std::isnan(row.worstFiniteDifference);
      llvm::outs() << "           NaN: "
                   << (derivative && difference ? "the derivative and the "
                                                  "function's value are"
                       : derivative             ? "the derivative is"
                                                : "the function's value is")
                   << " NaN at these inputs (an op evaluated outside its "
                      "domain, e.g. adj.pow of a negative base, adj.log or "
                      "adj.sqrt of a negative value); give --inputs where "
                      "the function is defined, or compile with "
                      "--check-numerics to find the op\n";
      continue;
    }
    if (!pass && row.numProbed) {
      std::string index;
      llvm::raw_string_ostream os(index);
      llvm::interleaveComma(row.worstIndex, os);
      llvm::outs() << llvm::formatv(
          "           worst at [{0}]: {1} by the derivative, {2} by finite "
          "differences\n",
          index,
          formatElement(row.worstDerivative, Float64Type::get(fn.getContext())),
          formatElement(row.worstFiniteDifference,
                        Float64Type::get(fn.getContext())));
    }
  }
  if (!ok)
    return fail("derivatives of '" + fn.getSymName() +
                "' differ from finite differences by more than --tolerance " +
                llvm::formatv("{0:e1}", tolerance.getValue()));
  return success();
}

/// Runs the compiler's differentiate stage (canonicalize, then
/// adj-differentiate): the functions evaluated, and the derivatives built
/// from them, are in the same canonical forms as the compiled ones (e.g. the
/// stable log(sigmoid(x)) = -softplus(-x), finite where sigmoid rounds to 0).
static LogicalResult differentiate(ModuleOp module) {
  PassManager pm(module.getContext());
  PipelineOptions options;
  options.ruleFiles = ruleFiles;
  buildDifferentiatePipeline(pm, options);
  return pm.run(module);
}

static LogicalResult run(MLIRContext &context, llvm::SourceMgr &sourceMgr) {
  if (precision < 1 || precision > 17)
    return fail("--precision must be between 1 and 17, got " +
                llvm::Twine(precision.getValue()));
  // Also rejects NaN.
  if (!(tolerance > 0))
    return fail("--tolerance must be positive, got " +
                llvm::formatv("{0}", tolerance.getValue()).str());
  if (!inputsFile.empty() && seed.getNumOccurrences())
    return fail("give either --inputs or --seed, not both");
  // The evaluator reads adj IR; an ONNX file would fail to parse at its
  // first byte.
  if (llvm::sys::path::extension(modelFile).equals_insensitive(".onnx"))
    return fail(modelFile +
                " is an ONNX model; adjoint-run evaluates adj "
                "models: convert it first (adjoint-import " +
                modelFile + " -o model.mlir [--loss ...])");

  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  if (!module)
    return failure();
  userFunctions = functionList(*module);
  FailureOr<std::unique_ptr<RuleLibrary>> rules =
      RuleLibrary::load(&context, ruleFiles);
  if (failed(rules) || failed(differentiate(*module)))
    return failure();

  if (checkGrad && fnName.empty()) {
    bool ok = true;
    for (auto fn : llvm::make_early_inc_range(module->getOps<func::FuncOp>()))
      if (fn.isPublic() && !fn.isExternal())
        ok &= succeeded(checkFunction(fn, **rules));
    return success(ok);
  }
  FailureOr<func::FuncOp> fn = selectFunction(*module);
  if (failed(fn))
    return failure();
  if (checkGrad)
    return checkFunction(*fn, **rules);

  SmallVector<std::string> names;
  FailureOr<SmallVector<RefTensor>> inputs = prepareArguments(*fn, names);
  if (failed(inputs))
    return failure();

  if (printInputs)
    for (auto [name, input] : llvm::zip_equal(names, *inputs))
      printTensor(llvm::outs(), "input " + name, input);
  if (!saveInputsFile.empty() &&
      failed(writeArrays(saveInputsFile, names, *inputs,
                         /*widen=*/false)))
    return failure();

  std::optional<NonFiniteOp> firstNonFinite;
  FailureOr<SmallVector<RefTensor>> results =
      evaluate(*fn, *inputs, &firstNonFinite);
  if (failed(results))
    return failure();
  SmallVector<std::string> resultNames;
  for (auto [i, result] : llvm::enumerate(*results)) {
    resultNames.push_back(adj::getResultName(*fn, i));
    std::string header = "result " + std::to_string(i);
    if (fn->getResultAttr(i, "adj.name"))
      header += " (" + resultNames.back() + ")";
    printTensor(llvm::outs(), header, result);
  }
  // Where a NaN or an Inf came from, as --check-numerics says of compiled
  // code: the first op that produced one, else the arguments.
  for (auto [i, result] : llvm::enumerate(*results)) {
    if (!isa<FloatType>(result.elementType) ||
        llvm::all_of(result.data, [](double v) { return std::isfinite(v); }))
      continue;
    if (firstNonFinite)
      emitWarning(firstNonFinite->loc)
          << "result " << i << " holds NaN or Inf: " << firstNonFinite->name
          << " here produced the first one";
    else
      emitWarning(fn->getLoc()) << "result " << i
                                << " holds NaN or Inf, which came from the "
                                   "arguments";
    break;
  }
  if (outputFile.empty())
    return success();
  // The names are the .npz file's keys: one given twice would leave only one
  // of the arrays readable.
  llvm::StringMap<unsigned> seen;
  for (auto [i, name] : llvm::enumerate(resultNames)) {
    auto [it, inserted] = seen.try_emplace(name, i);
    if (!inserted)
      return fail("results #" + llvm::Twine(it->second) + " and #" +
                  llvm::Twine(i) + " of '" + fn->getSymName() +
                  "' are both named '" + name +
                  "', the key of each in --output; rename one (adj.name)");
  }
  return writeArrays(outputFile, resultNames, *results, /*widen=*/true);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(runCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "Adjoint reference evaluator: runs a function of an adj model in f64 "
      "and prints its results\n");

  DialectRegistry registry;
  registerAllDialects(registry);
  if (llvm::Error error = loadDialectPlugins(dialectPlugins, registry)) {
    (void)fail(llvm::toString(std::move(error)));
    return 1;
  }
  MLIRContext context(registry);
  // The located message and source line say enough; no generic op dumps.
  context.printOpOnDiagnostic(false);

  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> file =
      openInputFile(modelFile, &errorMessage);
  if (!file) {
    (void)fail(errorMessage);
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  adjoint::OneErrorPerOpHandler oneErrorPerOp(&context);
  return failed(run(context, sourceMgr)) ? 1 : 0;
}
