//===- adjoint-import.cpp - Print an ONNX model as adj IR -----------------===//
//
// Part of the Adjoint project.
//
//   adjoint-import model.onnx -o model.mlir [--loss mse]
//   adjoint-import --operator-table -o docs/onnx-operators.md
//
// Flags only: the work is adjoint::importOnnx (lib/Import).
//
//===----------------------------------------------------------------------===//

#include "adjoint/Import/OnnxImport.h"
#include "adjoint/InitAllDialects.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("adjoint-import options");
static cl::opt<std::string> input(cl::Positional, cl::desc("<model.onnx>"),
                                  cl::cat(category));
static cl::opt<std::string> output("o", cl::desc("Output file (default: -)"),
                                   cl::value_desc("file"), cl::init("-"),
                                   cl::cat(category));
static cl::opt<std::string> loss(
    "loss",
    cl::desc("Also make @loss: softmax_cross_entropy or mse of the "
             "model's output against a `labels` argument (cross-entropy: the "
             "classes are the last dimension, labels the others)"),
    cl::value_desc("kind"), cl::cat(category));
static cl::opt<bool> operatorTable(
    "operator-table",
    cl::desc("Write the Markdown table of the supported ONNX operators "
             "(docs/onnx-operators.md) instead of importing"),
    cl::cat(category));

static int fail(llvm::StringRef message) {
  llvm::WithColor::error(llvm::errs(), "adjoint-import") << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "Adjoint's ONNX importer: an ONNX model as a function of adj ops\n\n"
      "  adjoint-import model.onnx -o model.mlir [--loss mse]\n");

  std::string error;
  auto out = openOutputFile(output, &error);
  if (!out)
    return fail(error);
  if (operatorTable) {
    out->os() << adjoint::renderOnnxOperatorTable();
    out->keep();
    return 0;
  }
  if (input.empty())
    return fail("no input file; usage: adjoint-import model.onnx -o "
                "model.mlir");

  DialectRegistry registry;
  adjoint::registerAllDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  auto file = openInputFile(input, &error);
  if (!file)
    return fail(error);
  adjoint::OnnxDiagnosticHandler handler(&context, llvm::errs());
  OwningOpRef<ModuleOp> module = adjoint::importOnnx(
      file->getBuffer(), input, &context, adjoint::OnnxImportOptions{loss});
  if (!module)
    return 1;
  module->print(out->os());
  out->keep();
  return 0;
}
