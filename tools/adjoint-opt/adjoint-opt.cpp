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
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"

static llvm::cl::list<std::string>
    ruleFiles("rules",
              llvm::cl::desc("Use the differentiation rules of this MLIR "
                             "file before the built-in ones (repeatable)"),
              llvm::cl::value_desc("file.mlir"));

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  adjoint::registerAllPasses();

  mlir::DialectRegistry registry;
  adjoint::registerAllDialects(registry);
  auto [input, output] = mlir::registerAndParseCLIOptions(
      argc, argv, "Adjoint optimizer: runs passes on adj IR\n", registry);
  adjoint::setDefaultRuleFiles(ruleFiles);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, input, output, registry));
}
