//===- adjoint-opt.cpp - Adjoint's IR inspection and pass driver ----------===//
//
// Part of the Adjoint project.
//
// Like mlir-opt: parses adj IR, runs the passes named on the command line and
// prints the result. All IR-printing and timing flags of MlirOptMain apply.
// --rules FILE gives every adj-differentiate pass, also those inside the
// adj-* pipelines, the rules of a rule file (docs/adding-rules.md); a
// pipeline without a pass that reads them is an error, not a silent no-op.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Differentiation/RuleLibrary.h"
#include "adjoint/InitAllDialects.h"
#include "adjoint/Support/DialectPlugins.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
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
  if (ruleFiles.empty())
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(argc, argv, input, output, registry));

  // As MlirOptMain(argc, argv, ...) does, with a check of the pipeline that
  // the command line builds.
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  config.setPassPipelineSetupFn(
      [parsed = config](mlir::PassManager &pm) -> mlir::LogicalResult {
        if (failed(parsed.setupPassPipeline(pm)))
          return mlir::failure();
        if (adjoint::readsDefaultRuleFiles(pm))
          return mlir::success();
        llvm::WithColor::error(llvm::errs(), "adjoint-opt")
            << "--rules has no effect: no pass in the pipeline "
               "differentiates. Add -adj-differentiate (or "
               "-adj-stage-differentiate) to resolve adj.grad and the other "
               "derivative requests with the rules, or -adj-report-coverage "
               "to list the ops that still have no rule\n";
        return mlir::failure();
      });
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> file = mlir::openInputFile(input, &error);
  std::unique_ptr<llvm::ToolOutputFile> out =
      file ? mlir::openOutputFile(output, &error) : nullptr;
  if (!out) {
    llvm::WithColor::error(llvm::errs(), "adjoint-opt") << error << "\n";
    return 1;
  }
  if (failed(mlir::MlirOptMain(out->os(), std::move(file), registry, config)))
    return 1;
  out->keep();
  return 0;
}
