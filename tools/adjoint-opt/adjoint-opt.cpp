//===- adjoint-opt.cpp - Adjoint's IR inspection and pass driver ----------===//
//
// Part of the Adjoint project.
//
// Like mlir-opt: parses adj IR, runs the passes named on the command line and
// prints the result. All IR-printing and timing flags of MlirOptMain apply.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Dialect/Adj/IR/AdjDialect.h"
#include "adjoint/Differentiation/DifferentiableOpInterface.h"
#include "adjoint/Differentiation/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  adjoint::registerDifferentiationPasses();

  mlir::DialectRegistry registry;
  registry.insert<adjoint::adj::AdjDialect, mlir::arith::ArithDialect,
                  mlir::func::FuncDialect, mlir::tensor::TensorDialect>();
  adjoint::registerDifferentiationRules(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Adjoint optimizer: runs passes on adj IR\n", registry));
}
