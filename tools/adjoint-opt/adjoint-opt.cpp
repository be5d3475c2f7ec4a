//===- adjoint-opt.cpp - Adjoint's IR inspection and pass driver ----------===//
//
// Part of the Adjoint project.
//
// Like mlir-opt: parses adj IR, runs the passes named on the command line and
// prints the result. All IR-printing and timing flags of MlirOptMain apply.
// --rules FILE gives every adj-differentiate pass, also those inside the
// adj-* pipelines, the rules of a rule file (docs/adding-rules.md).
//
//===----------------------------------------------------------------------===//

#include "adjoint/Differentiation/RuleLibrary.h"
#include "adjoint/InitAllDialects.h"
#include "adjoint/Support/DialectPlugins.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/WithColor.h"

static llvm::cl::list<std::string>
    ruleFiles("rules",
              llvm::cl::desc("Use the differentiation rules of this MLIR "
                             "file before the built-in ones (repeatable)"),
              llvm::cl::value_desc("file.mlir"));

/// Takes the `--load-dialect-plugin` flags out of argv. MlirOptMain knows the
/// flag too, but only warns when a plugin does not load; here that is an
/// error.
static std::vector<std::string> takePluginFlags(int &argc, char **argv) {
  std::vector<std::string> plugins;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg.consume_front("--") || arg.consume_front("-")) {
      if (arg.consume_front("load-dialect-plugin=")) {
        plugins.push_back(arg.str());
        continue;
      }
      if (arg == "load-dialect-plugin" && i + 1 < argc) {
        plugins.push_back(argv[++i]);
        continue;
      }
    }
    argv[kept++] = argv[i];
  }
  argc = kept;
  return plugins;
}

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  adjoint::registerAllPasses();

  mlir::DialectRegistry registry;
  adjoint::registerAllDialects(registry);
  if (llvm::Error error =
          adjoint::loadDialectPlugins(takePluginFlags(argc, argv), registry)) {
    llvm::WithColor::error(llvm::errs(), "adjoint-opt")
        << llvm::toString(std::move(error)) << "\n";
    return 1;
  }
  auto [input, output] = mlir::registerAndParseCLIOptions(
      argc, argv, "Adjoint optimizer: runs passes on adj IR\n", registry);
  adjoint::setDefaultRuleFiles(ruleFiles);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, input, output, registry));
}
