//===- adjoint-compile.cpp - Compile a model to a shared library ----------===//
//
// Part of the Adjoint project.
//
//   adjoint-compile model.mlir -o libmlp.so [--grad loss] [--emit=header] ...
//   adjoint-compile model.onnx -o libmlp.so --loss mse --value-and-grad loss
//
// Flags only: the work is adjoint::compile (lib/Target/Compiler.cpp).
//
//===----------------------------------------------------------------------===//

#include "adjoint/Import/OnnxImport.h"
#include "adjoint/InitAllDialects.h"
#include "adjoint/Support/Diagnostics.h"
#include "adjoint/Support/DialectPlugins.h"
#include "adjoint/Target/Compiler.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("adjoint-compile options");
static cl::opt<std::string> input(cl::Positional, cl::Required,
                                  cl::desc("<model.mlir|model.onnx>"),
                                  cl::cat(category));
static cl::opt<std::string> output("o", cl::Required,
                                   cl::desc("Output file"),
                                   cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string> emit(
    "emit",
    cl::desc("What to write: so (default), header, obj, asm, llvm-ir, llvm "
             "(LLVM dialect), bufferized, linalg, mlir (optimized adj)"),
    cl::init("so"), cl::cat(category));
static cl::opt<std::string>
    prefix("prefix",
           cl::desc("Prefix of the exported symbols (default: from -o)"),
           cl::cat(category));
static cl::list<std::string>
    grad("grad",
         cl::desc("Also export <fn>_grad, the gradient of the scalar "
                  "function fn (w.r.t. every float argument, or those of "
                  "fn:wrt=a,b by name or index)"),
         cl::value_desc("fn[:wrt=a,b]"), cl::cat(category));
static cl::list<std::string> valueAndGrad(
    "value-and-grad",
    cl::desc("Also export <fn>_value_and_grad: fn's value and gradient"),
    cl::value_desc("fn[:wrt=a,b]"), cl::cat(category));
static cl::opt<std::string> loss(
    "loss",
    cl::desc(
        "For an ONNX model: also make @loss, softmax_cross_entropy "
        "or mse of its output against a `labels` argument (cross-entropy: the "
        "classes are the last dimension, labels the others)"),
    cl::value_desc("kind"), cl::cat(category));
static cl::opt<std::string>
    dumpAfter("dump-after",
              cl::desc("Write the IR after a stage (differentiate, optimize, "
                       "linalg, bufferize, llvm) or after all of them"),
              cl::value_desc("stage|all"), cl::cat(category));
static cl::opt<std::string>
    dumpDir("dump-dir",
            cl::desc("Where --dump-after writes (created if missing)"),
            cl::init("."), cl::cat(category));
static cl::opt<std::string>
    dot("dot",
        cl::desc("Write the Graphviz DOT of the model and its derivatives "
                 "(after the optimize stage) to this file"),
        cl::value_desc("file.dot"), cl::cat(category));
static cl::opt<bool> checkNumerics(
    "check-numerics",
    cl::desc("Check every op's result for NaN and Inf: a function returns a "
             "non-zero status naming the op that produced the first one "
             "(<prefix>_status_message)"),
    cl::cat(category));
static cl::opt<bool> checkIndices(
    "check-indices",
    cl::desc("Check the run-time indices of gathers and the labels of "
             "cross-entropies: a function returns a non-zero status naming "
             "the op that read the first one out of range (on by default)"),
    cl::init(true), cl::cat(category));
static cl::list<std::string>
    rules("rules",
          cl::desc("Use the differentiation rules of this MLIR file before "
                   "the built-in ones (repeatable; docs/adding-rules.md)"),
          cl::value_desc("file.mlir"), cl::cat(category));
static cl::opt<bool> timeStages("time-stages",
                                cl::desc("Print the time each stage takes"),
                                cl::cat(category));
static cl::opt<bool> noOptimize(
    "O0",
    cl::desc("Turn off the optimizations (fusion, fast math, workspace "
             "reuse, kernels, LLVM's -O3), for debugging"),
    cl::cat(category));
static cl::opt<std::string>
    targetTriple("target-triple",
                 cl::desc("Compile for another target (default: the host)"),
                 cl::cat(category));
static cl::opt<std::string>
    targetCpu("target-cpu",
              cl::desc("Target CPU (default: the host's, with its features)"),
              cl::cat(category));

static cl::list<std::string>
    link("link",
         cl::desc("Link this object or library into the shared library: the "
                  "external kernels the model calls (repeatable; see "
                  "docs/adding-rules.md)"),
         cl::value_desc("kernel.o"), cl::cat(category));
static cl::list<std::string> dialectPlugins(
    "load-dialect-plugin",
    cl::desc("Load dialects and differentiation rules from a plugin library "
             "(repeatable; see docs/adding-rules.md)"),
    cl::value_desc("lib.so"), cl::cat(category));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::registerPassManagerCLOptions();
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  // --help lists the compiler's own flags; MLIR's IR-printing flags
  // (--mlir-print-ir-after-all, ...) still work and show in --help-hidden.
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "Adjoint compiler: a model to a shared library with a C ABI\n\n"
      "  adjoint-compile model.mlir -o libmlp.so [--grad loss] ...\n"
      "  adjoint-compile model.mlir -o mlp.h --emit=header ...\n"
      "  adjoint-compile model.onnx -o libmlp.so --loss mse "
      "--value-and-grad loss\n");

  DialectRegistry registry;
  adjoint::registerAllDialects(registry);
  if (llvm::Error error =
          adjoint::loadDialectPlugins(dialectPlugins, registry)) {
    llvm::WithColor::error(llvm::errs(), "adjoint-compile")
        << llvm::toString(std::move(error)) << "\n";
    return 1;
  }
  for (const std::string &input : link) {
    if (emit != "so") {
      llvm::WithColor::error(llvm::errs(), "adjoint-compile")
          << "--link " << input
          << ": objects are linked into shared libraries only (--emit=so)\n";
      return 1;
    }
    if (!llvm::sys::fs::is_regular_file(input)) {
      llvm::WithColor::error(llvm::errs(), "adjoint-compile")
          << "--link " << input << ": no such file\n";
      return 1;
    }
  }
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);

  std::string error;
  auto file = openInputFile(input, &error);
  if (!file) {
    llvm::WithColor::error(llvm::errs(), "adjoint-compile") << error << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  bool onnx = adjoint::isOnnxPath(input);
  std::optional<adjoint::OnnxDiagnosticHandler> onnxHandler;
  if (onnx)
    onnxHandler.emplace(&context, llvm::errs());
  // An error in an option has no place in the model: name the tool instead,
  // as for the options parsed here.
  ScopedDiagnosticHandler optionErrors(&context, [](Diagnostic &diag) {
    if (!isa<UnknownLoc>(diag.getLocation()) ||
        diag.getSeverity() != DiagnosticSeverity::Error)
      return failure();
    llvm::WithColor::error(llvm::errs(), "adjoint-compile") << diag << "\n";
    return success();
  });
  adjoint::OneErrorPerOpHandler oneErrorPerOp(&context);
  if (!loss.empty() && !onnx) {
    llvm::WithColor::error(llvm::errs(), "adjoint-compile")
        << "--loss applies to ONNX models (model.onnx); an MLIR model "
           "writes its loss as a function\n";
    return 1;
  }
  OwningOpRef<ModuleOp> module =
      onnx ? adjoint::importOnnx(sourceMgr.getMemoryBuffer(1)->getBuffer(),
                                 input, &context,
                                 adjoint::OnnxImportOptions{loss})
           : parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  if (!module)
    return 1;

  adjoint::CompileOptions options;
  options.output = output;
  options.emit = emit;
  options.prefix = prefix;
  options.grad = grad;
  options.valueAndGrad = valueAndGrad;
  // An ONNX model's output is rarely a scalar: its loss comes from --loss.
  if (onnx)
    options.notScalarHint =
        loss.empty()
            ? "pass --loss softmax_cross_entropy or --loss mse to add a "
              "function `loss` of the model's output and a `labels` "
              "input, and ask for its gradient (--value-and-grad loss)"
            : "ask for the gradient of the loss --loss made "
              "(--value-and-grad loss)";
  options.dumpAfter = dumpAfter;
  options.dumpDir = dumpDir;
  options.timeStages = timeStages;
  options.dot = dot;
  options.checkNumerics = checkNumerics;
  options.checkIndices = checkIndices;
  options.pipeline.ruleFiles = rules;
  options.target = {targetTriple, targetCpu};
  options.link = link;
  options.pipeline.optimize = !noOptimize;
  // The first library for a CPU (or a new compiler or runtime) compiles
  // the kernel runtime, about a minute: say so before the wait. One line,
  // so that a script can filter it (the Python package forwards it).
  options.onRuntimeBuild = [](llvm::StringRef dir) {
    if (dir.empty())
      llvm::errs() << "adjoint: building the kernel runtime for this CPU "
                      "(about a minute); no cache directory: set "
                      "ADJOINT_CACHE_DIR to keep it\n";
    else
      llvm::errs() << "adjoint: building the kernel runtime for this CPU "
                      "once (about a minute); cached in "
                   << dir << "\n";
  };
  return failed(adjoint::compile(*module, options, llvm::errs())) ? 1 : 0;
}
