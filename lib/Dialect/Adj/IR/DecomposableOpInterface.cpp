//===- DecomposableOpInterface.cpp - Ops made of adj ops ------------------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Dialect/Adj/IR/DecomposableOpInterface.h"

#include "adjoint/Dialect/Adj/IR/DecomposableOpInterface.cpp.inc"
