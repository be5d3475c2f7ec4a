// adjoint-run warns when a result holds NaN or Inf, at the op that produced
// the first one (in evaluation order; inside a called function, the op
// there), as --check-numerics does for compiled code; an argument holding
// one is said to be the cause when no op made one. (log(-1) is nan and
// log(0) -inf, as in NumPy.)
//
// RUN: rm -rf %t && split-file --leading-lines %s %t
// RUN: %python %t/inputs.py %t
// RUN: adjoint-run %t/model.mlir --fn first --inputs %t/in.npz 2>&1 | FileCheck %s --check-prefix=FIRST
// RUN: adjoint-run %t/model.mlir --fn called --inputs %t/in.npz 2>&1 | FileCheck %s --check-prefix=CALLED
// RUN: adjoint-run %t/model.mlir --fn passthrough --inputs %t/nan.npz 2>&1 | FileCheck %s --check-prefix=ARG
// RUN: adjoint-run %t/model.mlir --fn finite --inputs %t/in.npz 2>&1 | FileCheck %s --check-prefix=FINITE

//--- inputs.py
import sys
import numpy as np
d = sys.argv[1]
x = np.array([1.0, -1.0, 0.0])
np.savez(f"{d}/in.npz", x=x)
np.savez(f"{d}/nan.npz", x=np.array([np.nan, 1.0, 2.0]))

//--- model.mlir
// FIRST: model.mlir:[[@LINE+4]]:8: warning: result 0 holds NaN or Inf: adj.log here produced the first one
// FIRST: result 0: tensor<3xf64>
// FIRST-NEXT: [{{ *}}0,{{ *}}nan,{{ *}}-inf]
func.func @first(%x: tensor<3xf64> {adj.name = "x"}) -> tensor<3xf64> {
  %l = adj.log %x : tensor<3xf64>
  %r = adj.exp %l : tensor<3xf64>
  %s = adj.div %x, %x : tensor<3xf64>, tensor<3xf64>
  %y = adj.add %r, %s : tensor<3xf64>, tensor<3xf64>
  return %l : tensor<3xf64>
}

// CALLED: model.mlir:[[@LINE+3]]:8: warning: result 0 holds NaN or Inf: adj.div here produced the first one
func.func private @recip(%x: tensor<3xf64>) -> tensor<3xf64> {
  %one = adj.constant dense<1.0> : tensor<f64>
  %r = adj.div %one, %x : tensor<f64>, tensor<3xf64>
  return %r : tensor<3xf64>
}
func.func @called(%x: tensor<3xf64> {adj.name = "x"}) -> tensor<3xf64> {
  %r = func.call @recip(%x) : (tensor<3xf64>) -> tensor<3xf64>
  return %r : tensor<3xf64>
}

// ARG: model.mlir:[[@LINE+1]]:1: warning: result 0 holds NaN or Inf, which came from the arguments
func.func @passthrough(%x: tensor<3xf64> {adj.name = "x"}) -> tensor<3xf64> {
  return %x : tensor<3xf64>
}

// FINITE-NOT: warning
func.func @finite(%x: tensor<3xf64> {adj.name = "x"}) -> tensor<3xf64> {
  %e = adj.exp %x : tensor<3xf64>
  return %e : tensor<3xf64>
}
