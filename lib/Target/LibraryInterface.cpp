//===- LibraryInterface.cpp - The C interface of a compiled model ---------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Target/LibraryInterface.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace mlir;
using namespace adjoint;

static std::optional<std::string> dtypeOf(Type type) {
  if (type.isF32())
    return "f32";
  if (type.isF64())
    return "f64";
  if (type.isInteger(1))
    return "bool";
  if (type.isInteger(32))
    return "i32";
  if (type.isInteger(64))
    return "i64";
  return std::nullopt;
}

/// The C type of an element of `dtype`.
static StringRef cType(StringRef dtype) {
  return llvm::StringSwitch<StringRef>(dtype)
      .Case("f32", "float")
      .Case("f64", "double")
      .Case("i32", "int32_t")
      .Case("i64", "int64_t")
      .Default("bool");
}

static FailureOr<TensorInterface> describe(Operation *fn, Type type,
                                           std::string name, StringRef what) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  std::optional<std::string> dtype =
      tensor ? dtypeOf(tensor.getElementType()) : std::nullopt;
  if (!tensor || !tensor.hasStaticShape() || !dtype)
    return fn->emitError("cannot export ")
           << what << " '" << name << "' of type " << type
           << ": the C interface passes statically shaped tensors of f32, "
              "f64, i32, i64 or i1";
  // MLIR's bare-pointer calling convention does not cover a memref with no
  // elements: the function would take descriptors the interface does not
  // describe, and a call would crash.
  if (llvm::is_contained(tensor.getShape(), 0))
    return fn->emitError("cannot export ")
           << what << " '" << name << "' of type " << type
           << ": it has no elements; the C interface passes non-empty tensors";
  return TensorInterface{std::move(name), *dtype,
                         std::vector<int64_t>(tensor.getShape().begin(),
                                              tensor.getShape().end())};
}

/// The header's include guard.
static std::string guardMacro(StringRef prefix) {
  return prefix.upper() + "_ADJOINT_H";
}

/// The macro of the workspace size of the function `symbol`.
static std::string workspaceMacro(StringRef symbol) {
  return symbol.upper() + "_WORKSPACE_SIZE";
}

/// Calls `fn(name, value)` for each macro the header defines for the tensor
/// `t` of the function `symbol`: <SYMBOL>_<NAME>_RANK, _DIM<i> and _SIZE
/// (its element count), in that order.
static void
forEachTensorMacro(StringRef symbol, const TensorInterface &t,
                   llvm::function_ref<void(const std::string &, int64_t)> fn) {
  std::string base = (symbol + "_" + t.name).str();
  base = StringRef(base).upper();
  fn(base + "_RANK", t.shape.size());
  int64_t count = 1;
  for (auto [d, size] : llvm::enumerate(t.shape)) {
    fn(base + "_DIM" + std::to_string(d), size);
    count *= size;
  }
  fn(base + "_SIZE", count);
}

namespace {
/// Something the header names, for diagnostics: "input 'w' of @loss".
struct NameOwner {
  std::string what;
  Location loc;
};
} // namespace

/// Fails, with an error per clash (all of them), when two things the header
/// declares would get one name: its macros (upper-cased and joined with
/// '_': inputs `w` and `W`, functions @loss and @Loss, @f_x's input `y` and
/// @f's `x_y` all give one), its functions, and a parameter named like a
/// macro. The library's own functions (<prefix>_set_num_threads, ...) and
/// <symbol>_workspace_size contain lower-case letters and macros do not;
/// symbols equal to each other are checked before (checkExportNames), and
/// parameters of one function are checked by describeInterface.
/// `fns[i]` is the function of `interface.functions[i]`.
static LogicalResult checkHeaderNames(const LibraryInterface &interface,
                                      ArrayRef<func::FuncOp> fns,
                                      Location moduleLoc) {
  std::vector<NameOwner> owners;
  llvm::StringMap<size_t> names;
  llvm::DenseSet<std::pair<size_t, size_t>> reported;
  bool anyError = false;
  auto clash = [&](size_t first, size_t second, StringRef name,
                   bool parameter) {
    if (!reported.insert({first, second}).second)
      return;
    anyError = true;
    const NameOwner &a = owners[first], &b = owners[second];
    InFlightDiagnostic diag = emitError(b.loc);
    if (parameter)
      diag << b.what << " is named " << name
           << ", the macro the generated C header defines for " << a.what;
    else
      diag << "the generated C header would use the name " << name
           << " for both " << a.what << " and " << b.what
           << " (its macros are <SYMBOL>_<NAME>_RANK, _DIM<i>, _SIZE and "
              "<SYMBOL>_WORKSPACE_SIZE, in capitals)";
    diag << "; rename one of them (adj.name for an input or an output, the "
            "function for a function; docs/c-abi.md)";
    if (a.loc != b.loc)
      diag.attachNote(a.loc) << a.what << " is here";
  };
  auto own = [&](NameOwner owner) {
    owners.push_back(std::move(owner));
    return owners.size() - 1;
  };
  auto add = [&](const std::string &name, size_t index,
                 bool parameter = false) {
    if (parameter) {
      auto it = names.find(name);
      if (it != names.end())
        clash(it->second, index, name, /*parameter=*/true);
      return;
    }
    auto [it, inserted] = names.try_emplace(name, index);
    if (!inserted)
      clash(it->second, index, name, /*parameter=*/false);
  };
  add(guardMacro(interface.prefix), own({"the include guard", moduleLoc}));
  auto tensors = [&](func::FuncOp fn, const FunctionInterface &f,
                     auto &&visit) {
    std::string source = ("@" + adj::getSourceName(fn)).str();
    for (auto [i, t] : llvm::enumerate(f.inputs))
      visit(t, NameOwner{"input '" + t.name + "' of " + source,
                         fn.getArgument(i).getLoc()});
    for (const TensorInterface &t : f.outputs)
      visit(t, NameOwner{"output '" + t.name + "' of " + source, fn.getLoc()});
  };
  // Two functions whose names differ only in case (@loss, @Loss) would
  // share every macro: one error for the pair, and the second one's macros
  // are left out.
  llvm::StringMap<func::FuncOp> capitals;
  SmallVector<bool> sameInCapitals;
  for (auto [i, f] : llvm::enumerate(interface.functions)) {
    func::FuncOp fn = fns[i];
    auto [it, inserted] = capitals.try_emplace(StringRef(f.symbol).upper(), fn);
    sameInCapitals.push_back(!inserted);
    if (inserted)
      continue;
    anyError = true;
    func::FuncOp first = it->second;
    InFlightDiagnostic diag =
        fn.emitError("@")
        << adj::getSourceName(fn) << " and @" << adj::getSourceName(first)
        << " differ only in case, but the generated C header's macros are "
           "in capitals (<SYMBOL>_<NAME>_SIZE, <SYMBOL>_WORKSPACE_SIZE, "
           "...): both would define "
        << workspaceMacro(f.symbol) << "; rename one of them";
    diag.attachNote(first.getLoc())
        << "@" << adj::getSourceName(first) << " is here";
  }
  for (auto [i, f] : llvm::enumerate(interface.functions)) {
    if (sameInCapitals[i])
      continue;
    func::FuncOp fn = fns[i];
    std::string source = ("@" + adj::getSourceName(fn)).str();
    // The function's own names first: a clash is then an error at the
    // input or output that makes it, with a note at the function.
    add(f.symbol, own({"the function " + source, fn.getLoc()}));
    add(workspaceMacro(f.symbol),
        own({"the workspace size of " + source, fn.getLoc()}));
    tensors(fn, f, [&](const TensorInterface &t, NameOwner owner) {
      size_t index = own(std::move(owner));
      forEachTensorMacro(f.symbol, t, [&](const std::string &name, int64_t) {
        add(name, index);
      });
    });
  }
  // Parameters against every macro, not only those before their prototype:
  // the header's order is no promise.
  for (auto [i, f] : llvm::enumerate(interface.functions))
    tensors(fns[i], f, [&](const TensorInterface &t, NameOwner owner) {
      add(t.name, own(std::move(owner)), /*parameter=*/true);
    });
  return failure(anyError);
}

FailureOr<LibraryInterface>
adjoint::describeInterface(ModuleOp module, StringRef prefix) {
  LibraryInterface interface{prefix.str(), {}};
  SmallVector<func::FuncOp> fns;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (!fn.isPublic() || fn.isExternal())
      continue;
    FunctionInterface f;
    f.symbol = fn.getSymName().str();
    for (auto [i, type] : llvm::enumerate(fn.getArgumentTypes())) {
      FailureOr<TensorInterface> t =
          describe(fn, type, adj::getArgumentName(fn, i), "argument");
      if (failed(t))
        return failure();
      f.inputs.push_back(*t);
      auto initial =
          fn.getArgAttrOfType<DenseElementsAttr>(i, "adj.initial_value");
      if (!initial)
        continue;
      auto same = llvm::find_if(interface.initialValues, [&](auto &v) {
        return v.tensor.name == t->name;
      });
      if (same == interface.initialValues.end())
        interface.initialValues.push_back({*t, initial});
      else if (same->value != initial)
        return fn.emitError("two different adj.initial_value for arguments "
                            "named '")
               << t->name << "'";
    }
    for (auto [i, type] : llvm::enumerate(fn.getResultTypes())) {
      FailureOr<TensorInterface> t =
          describe(fn, type, adj::getResultName(fn, i), "result");
      if (failed(t))
        return failure();
      f.outputs.push_back(*t);
    }
    // The C header declares the inputs and outputs as the parameters of one
    // function (and Python passes inputs by name): a name given twice would
    // make a header that does not compile.
    llvm::StringMap<std::string> seen;
    auto unique = [&](const std::vector<TensorInterface> &list,
                      StringRef kind) -> LogicalResult {
      for (auto [i, t] : llvm::enumerate(list)) {
        std::string here = llvm::formatv("{0} {1}", kind, i);
        auto [it, inserted] = seen.try_emplace(t.name, here);
        if (!inserted)
          return fn.emitError("@")
                 << StringRef(f.symbol).drop_front(prefix.size() + 1) << ": "
                 << it->second << " and " << here << " are both named '"
                 << t.name
                 << "', but they name the parameters of the exported C "
                    "function; rename one (adj.name; a --value-and-grad "
                    "entry names its value after the function and its "
                    "gradients grad_<argument>)";
      }
      return success();
    };
    if (failed(unique(f.inputs, "input")) ||
        failed(unique(f.outputs, "output")))
      return failure();
    interface.functions.push_back(std::move(f));
    fns.push_back(fn);
  }
  if (failed(checkHeaderNames(interface, fns, module.getLoc())))
    return failure();
  return interface;
}

void adjoint::readWorkspaceSizes(ModuleOp module,
                                 LibraryInterface &interface) {
  for (FunctionInterface &f : interface.functions)
    if (auto fn = module.lookupSymbol<func::FuncOp>(f.symbol))
      if (auto size = fn->getAttrOfType<IntegerAttr>("adj.workspace_size"))
        f.workspaceSize = size.getInt();
}

void adjoint::readStatusMessages(ModuleOp module, LibraryInterface &interface) {
  if (auto messages = module->getAttrOfType<ArrayAttr>("adj.status_messages"))
    for (auto message : messages.getAsValueRange<StringAttr>())
      interface.statusMessages.push_back(message.str());
  // A NULL pointer parameter is refused at entry (addNullChecks in
  // NativeCode.cpp): a status per parameter, after the ops' ones. A tensor
  // always has an element, so its pointer must not be NULL; the workspace
  // may be if it takes no bytes.
  for (FunctionInterface &f : interface.functions) {
    f.nullStatus = interface.statusMessages.size() + 1;
    int position = 1;
    auto add = [&](const std::string &what, const std::string &size) {
      interface.statusMessages.push_back(
          llvm::formatv("the pointer to {0} (parameter {1}) is NULL in {2}, "
                        "which needs {3}",
                        what, position++, f.symbol, size));
    };
    auto elements = [](const TensorInterface &t) {
      int64_t n = 1;
      for (int64_t d : t.shape)
        n *= d;
      return llvm::formatv("{0} {1} elements", n, t.dtype).str();
    };
    for (const TensorInterface &t : f.inputs)
      add("input '" + t.name + "'", elements(t));
    for (const TensorInterface &t : f.outputs)
      add("output '" + t.name + "'", elements(t));
    add("the workspace", llvm::formatv("{0} bytes ({1}_workspace_size())",
                                       f.workspaceSize, f.symbol));
  }
}

std::string adjoint::renderJson(const LibraryInterface &interface) {
  auto tensors = [](const std::vector<TensorInterface> &list) {
    llvm::json::Array array;
    for (const TensorInterface &t : list)
      array.push_back(llvm::json::Object{
          {"name", t.name},
          {"dtype", t.dtype},
          {"shape", llvm::json::Array(t.shape)}});
    return array;
  };
  llvm::json::Array functions;
  for (const FunctionInterface &f : interface.functions)
    functions.push_back(llvm::json::Object{
        {"symbol", f.symbol},
        {"inputs", tensors(f.inputs)},
        {"outputs", tensors(f.outputs)},
        {"workspace_size", f.workspaceSize}});
  llvm::json::Object root{{"adjoint_abi", 1},
                          {"prefix", interface.prefix},
                          {"functions", std::move(functions)}};
  if (!interface.initialValues.empty()) {
    std::vector<TensorInterface> initial;
    for (const InitialValue &v : interface.initialValues)
      initial.push_back(v.tensor);
    root["initial_values"] = tensors(initial);
  }
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::json::Value(std::move(root));
  return s;
}

std::string adjoint::renderCHeader(const LibraryInterface &interface) {
  std::string s;
  llvm::raw_string_ostream os(s);
  std::string guard = guardMacro(interface.prefix);
  os << "/* Generated by adjoint-compile: the C interface of a compiled "
        "model.\n"
        " *\n"
        " * Every function takes its inputs, then caller-allocated outputs, "
        "as\n"
        " * row-major buffers of the shapes below, then a workspace of\n"
        " * <function>_workspace_size() bytes (64-byte alignment is best);\n"
        " * it returns 0 on success. The library's only mutable global state\n"
        " * is its thread count: calls from several threads at once are safe\n"
        " * as long as each uses its own outputs and workspace.\n"
        " */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdbool.h>\n#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "/* The library's functions, argument names, dtypes and shapes as "
        "JSON. */\n"
     << "const char *" << interface.prefix << "_adjoint_interface(void);\n\n"
     << "/* Sets the kernels' thread count (n <= 0: OMP_NUM_THREADS or every\n"
        " * core); returns the previous one. Results do not depend on it. */\n"
     << "int32_t " << interface.prefix << "_set_num_threads(int32_t n);\n\n"
     << "/* What a function's status means: \"ok\" for 0; which parameter\n"
        " * was NULL; which op read an index or a label out of range (unless\n"
        " * --check-indices=false); with --check-numerics, the op of the\n"
        " * first NaN or Inf. */\n"
     << "const char *" << interface.prefix
     << "_status_message(int32_t status);\n\n";
  if (!interface.initialValues.empty()) {
    os << "/* Copies the initial value of the parameter `name` into `out` (as\n"
          " * many elements as that input takes); returns 0, or 1 for an\n"
          " * unknown name. Parameters:";
    for (const InitialValue &v : interface.initialValues)
      os << " " << v.tensor.name;
    os << ". */\n"
       << "int32_t " << interface.prefix
       << "_initial_value(const char *name, void *out);\n\n";
  }
  for (const FunctionInterface &f : interface.functions) {
    auto constants = [&](const TensorInterface &t) {
      forEachTensorMacro(f.symbol, t, [&](const std::string &name, int64_t v) {
        os << "#define " << name << " " << v << "\n";
      });
    };
    os << "/* " << f.symbol << " */\n";
    for (const TensorInterface &t : f.inputs)
      constants(t);
    for (const TensorInterface &t : f.outputs)
      constants(t);
    os << "#define " << workspaceMacro(f.symbol) << " " << f.workspaceSize
       << "\n";
    os << "int64_t " << f.symbol << "_workspace_size(void);\n";
    os << "int32_t " << f.symbol << "(\n";
    auto shape = [](const TensorInterface &t) {
      std::string dims = t.shape.empty() ? "scalar" : "";
      for (auto [i, d] : llvm::enumerate(t.shape))
        dims += (i ? "x" : "") + std::to_string(d);
      return dims;
    };
    for (const TensorInterface &t : f.inputs)
      os << "    const " << cType(t.dtype) << " *" << t.name << ", /* input, "
         << t.dtype << "[" << shape(t) << "] */\n";
    for (const TensorInterface &t : f.outputs)
      os << "    " << cType(t.dtype) << " *" << t.name << ", /* output, "
         << t.dtype << "[" << shape(t) << "] */\n";
    os << "    void *workspace);\n\n";
  }
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return s;
}
