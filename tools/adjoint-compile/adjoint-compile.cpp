//===- adjoint-compile.cpp - Compile a model to a shared library ----------===//
//
// Part of the Adjoint project.
//
//   adjoint-compile model.mlir -o libmlp.so [--grad loss] [--emit=header] ...
//
// Flags only: the work is adjoint::compile (lib/Target/Compiler.cpp).
//
//===----------------------------------------------------------------------===//

#include "adjoint/InitAllDialects.h"
#include "adjoint/Target/Compiler.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("adjoint-compile options");
static cl::opt<std::string> input(cl::Positional, cl::Required,
                                  cl::desc("<model.mlir>"), cl::cat(category));
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
static cl::opt<std::string>
    dumpAfter("dump-after",
              cl::desc("Write the IR after a stage (differentiate, optimize, "
                       "linalg, bufferize, llvm) or after all of them"),
              cl::value_desc("stage|all"), cl::cat(category));
static cl::opt<std::string> dumpDir("dump-dir",
                                    cl::desc("Where --dump-after writes"),
                                    cl::init("."), cl::cat(category));
static cl::opt<std::string>
    dot("dot",
        cl::desc("Write the Graphviz DOT of the model and its derivatives "
                 "(after the optimize stage) to this file"),
        cl::value_desc("file.dot"), cl::cat(category));
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
      "  adjoint-compile model.mlir -o mlp.h --emit=header ...\n");

  DialectRegistry registry;
  adjoint::registerAllDialects(registry);
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
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  if (!module)
    return 1;

  adjoint::CompileOptions options;
  options.output = output;
  options.emit = emit;
  options.prefix = prefix;
  options.grad = grad;
  options.valueAndGrad = valueAndGrad;
  options.dumpAfter = dumpAfter;
  options.dumpDir = dumpDir;
  options.timeStages = timeStages;
  options.dot = dot;
  options.target = {targetTriple, targetCpu};
  options.pipeline.optimize = !noOptimize;
  return failed(adjoint::compile(*module, options, llvm::errs())) ? 1 : 0;
}
