//===- fuzz-parse.cpp - libFuzzer target: parse and verify adj IR ---------===//
//
// Part of the Adjoint project.
//
// The input is MLIR text in the dialects the tools accept (adj, func, arith,
// tensor, linalg, ...). It is parsed and verified; errors are expected,
// crashes are bugs.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  (void)adjoint::fuzz::parseAndVerify(data, size);
  return 0;
}
