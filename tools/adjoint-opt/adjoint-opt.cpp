//===- adjoint-opt.cpp - Adjoint's IR inspection and pass driver ----------===//
//
// Part of the Adjoint project.
//
// Like mlir-opt: parses adj IR, runs the passes named on the command line and
// prints the result. All IR-printing and timing flags of MlirOptMain apply.
//
//===----------------------------------------------------------------------===//

#include "adjoint/InitAllDialects.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  adjoint::registerAllPasses();

  mlir::DialectRegistry registry;
  adjoint::registerAllDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Adjoint optimizer: runs passes on adj IR\n", registry));
}
