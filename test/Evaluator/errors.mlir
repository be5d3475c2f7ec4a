// adjoint-run's errors: each exits nonzero (never crashes) with one clear
// message, at the offending op's location when there is one.
//
// RUN: rm -rf %t && split-file --leading-lines %s %t
// RUN: %python %t/inputs.py %t
//
// Inputs that do not fit the arguments of model.mlir.
// RUN: not adjoint-run %t/model.mlir --inputs %t/absent.npz 2>&1 | FileCheck %s --check-prefix=NO-FILE
// NO-FILE: error: cannot read '{{.*}}absent.npz'{{.*}}No such file or directory
// RUN: not adjoint-run %t/model.mlir --inputs %t/no-labels.npz 2>&1 | FileCheck %s --check-prefix=NO-ARRAY
// NO-ARRAY: error: no array for argument 'labels' {{.*}}tensor<2xi64>{{.*}}no-labels.npz{{.*}}'arg1'{{.*}}'arr_1'
// RUN: not adjoint-run %t/model.mlir --inputs %t/wrong-shape.npz 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: argument 'x' {{.*}}tensor<3xf64>{{.*}} shape (3,){{.*}}wrong-shape.npz{{.*}} shape (4,)
// RUN: not adjoint-run %t/model.mlir --inputs %t/float-labels.npz 2>&1 | FileCheck %s --check-prefix=FLOAT-INT
// FLOAT-INT: error: argument 'labels' {{.*}}tensor<2xi64>{{.*}} int64 {{.*}}float-labels.npz{{.*}} float64 
// RUN: not adjoint-run %t/model.mlir --inputs %t/extra.npz 2>&1 | FileCheck %s --check-prefix=EXTRA
// EXTRA: error: {{.*}}extra.npz{{.*}}'y'{{.*}} no argument of 'main'
// RUN: not adjoint-run %t/model.mlir --fn nope --seed 1 2>&1 | FileCheck %s --check-prefix=NO-FN
// NO-FN: error: no function 'nope' in {{.*}}model.mlir{{.*}}'main'
// RUN: not adjoint-run %t/absent.mlir --seed 1 2>&1 | FileCheck %s --check-prefix=NO-MODEL
// An ONNX model is to be imported first.
// RUN: cp %t/model.mlir %t/model.onnx
// RUN: not adjoint-run %t/model.onnx --seed 1 2>&1 | FileCheck %s --check-prefix=ONNX
// ONNX: adjoint-run: error: {{.*}}model.onnx is an ONNX model; adjoint-run evaluates adj models: convert it first (adjoint-import {{.*}}model.onnx -o model.mlir [--loss ...])
// NO-MODEL: error: cannot open input file '{{.*}}absent.mlir'{{.*}}No such file or directory
//
// Errors found while evaluating, at the op.
// RUN: not adjoint-run %t/gather.mlir --fn too_big --seed 0 --int-range 4:5 2>&1 | FileCheck %s --check-prefix=GATHER
// RUN: not adjoint-run %t/gather.mlir --fn negative --seed 0 --int-range -1:0 2>&1 | FileCheck %s --check-prefix=GATHER-NEG
// RUN: not adjoint-run %t/gather.mlir --fn scatter --seed 0 --int-range 3:4 2>&1 | FileCheck %s --check-prefix=SCATTER
// RUN: not adjoint-run %t/gather.mlir --fn empty_max 2>&1 | FileCheck %s --check-prefix=EMPTY-MAX
// RUN: not adjoint-run %t/loss.mlir --fn too_big --seed 0 --int-range 3:4 2>&1 | FileCheck %s --check-prefix=LABEL
// A label of adj.one_hot in_range (class labels) too, but not of a plain one.
// RUN: not adjoint-run %t/loss.mlir --fn one_hot_labels --seed 0 --int-range 3:4 2>&1 | FileCheck %s --check-prefix=ONE-HOT
// RUN: adjoint-run %t/loss.mlir --fn one_hot_plain 2>&1 | FileCheck %s --check-prefix=ONE-HOT-PLAIN
// ONE-HOT-PLAIN: [0, 0, 0]
// RUN: not adjoint-run %t/loss.mlir --fn negative --seed 0 --int-range -1:0 2>&1 | FileCheck %s --check-prefix=LABEL-NEG
// Constant indices out of range are an error of the op when the model is
// read, before anything runs.
// RUN: not adjoint-run %t/constant.mlir 2>&1 | FileCheck %s --check-prefix=CONSTANT
// RUN: not adjoint-run %t/recursion.mlir --fn self --seed 1 2>&1 | FileCheck %s --check-prefix=SELF
// RUN: not adjoint-run %t/recursion.mlir --fn mutual --seed 1 2>&1 | FileCheck %s --check-prefix=MUTUAL
// RUN: not adjoint-run %t/unsupported.mlir --seed 1 2>&1 | FileCheck %s --check-prefix=UNKNOWN-OP
//
// Modules that do not parse or verify.
// RUN: not adjoint-run %t/malformed.mlir --seed 1 2>&1 | FileCheck %s --check-prefix=MALFORMED
// RUN: not adjoint-run %t/invalid.mlir --seed 1 2>&1 | FileCheck %s --check-prefix=INVALID
// RUN: not adjoint-run %t/math.mlir --seed 1 2>&1 | FileCheck %s --check-prefix=MATH

//--- inputs.py
import sys
import numpy as np
d = sys.argv[1]
np.savez(f"{d}/no-labels.npz", x=np.zeros(3))
np.savez(f"{d}/wrong-shape.npz", x=np.zeros(4), labels=np.zeros(2, np.int64))
np.savez(f"{d}/float-labels.npz", x=np.zeros(3), labels=np.zeros(2))
np.savez(f"{d}/extra.npz", x=np.zeros(3), labels=np.zeros(2, np.int64), y=np.zeros(1))

//--- model.mlir
func.func @main(%x: tensor<3xf64> {adj.name = "x"},
                %l: tensor<2xi64> {adj.name = "labels"}) -> tensor<3xf64> {
  %y = adj.exp %x : tensor<3xf64>
  return %y : tensor<3xf64>
}

//--- gather.mlir
func.func @too_big(%i: tensor<2xi64>) -> tensor<2x2xf64> {
  %t = adj.iota dim 0 : tensor<4x2xf64>
  // GATHER: gather.mlir:[[@LINE+1]]:8: error: 'adj.gather' op index 4 at position [0] of the indices is out of range [0, 4) for axis 0 of tensor<4x2xf64>
  %g = adj.gather %t[%i] axis 0 : tensor<4x2xf64>, tensor<2xi64> -> tensor<2x2xf64>
  return %g : tensor<2x2xf64>
}
// numpy.take would wrap -1 around; adj.gather must not.
func.func @negative(%i: tensor<2x2xi32>) -> tensor<4x2x2xf64> {
  %t = adj.iota dim 1 : tensor<4x3xf64>
  // GATHER-NEG: gather.mlir:[[@LINE+1]]:8: error: 'adj.gather' op index -1 at position [0, 0] of the indices is out of range [0, 3) for axis 1 of tensor<4x3xf64>
  %g = adj.gather %t[%i] axis 1 : tensor<4x3xf64>, tensor<2x2xi32> -> tensor<4x2x2xf64>
  return %g : tensor<4x2x2xf64>
}
func.func @scatter(%i: tensor<2xi32>) -> tensor<3x2xf64> {
  %u = adj.fill 1.0 : tensor<2x2xf64>
  // SCATTER: gather.mlir:[[@LINE+1]]:8: error: 'adj.scatter_add' op index 3 at position [0] of the indices is out of range [0, 3) for axis 0 of tensor<3x2xf64>
  %s = adj.scatter_add %u[%i] axis 0 : tensor<2x2xf64>, tensor<2xi32> -> tensor<3x2xf64>
  return %s : tensor<3x2xf64>
}
// The maximum of no elements is undefined (a sum of none is 0).
func.func @empty_max() -> tensor<3xf64> {
  %x = adj.fill 1.0 : tensor<0x3xf64>
  // EMPTY-MAX: gather.mlir:[[@LINE+1]]:8: error: 'adj.max' op reduces an empty axis of tensor<0x3xf64>
  %m = adj.max %x axes [0] : tensor<0x3xf64> -> tensor<3xf64>
  return %m : tensor<3xf64>
}

//--- loss.mlir
func.func @too_big(%l: tensor<2xi32>) -> tensor<f64> {
  %x = adj.fill 0.5 : tensor<2x3xf64>
  // LABEL: loss.mlir:[[@LINE+1]]:11: error: 'adj.softmax_cross_entropy' op label 3 of example 0 is out of range [0, 3) for logits tensor<2x3xf64>
  %loss = adj.softmax_cross_entropy %x, %l : tensor<2x3xf64>, tensor<2xi32> -> tensor<f64>
  return %loss : tensor<f64>
}
func.func @negative(%l: tensor<3xi64>) -> tensor<3xf32> {
  %x = adj.fill 0.5 : tensor<3x4xf32>
  // LABEL-NEG: loss.mlir:[[@LINE+1]]:11: error: 'adj.softmax_cross_entropy' op label -1 of example 0 is out of range [0, 4) for logits tensor<3x4xf32>
  %loss = adj.softmax_cross_entropy %x, %l reduction none : tensor<3x4xf32>, tensor<3xi64> -> tensor<3xf32>
  return %loss : tensor<3xf32>
}

func.func @one_hot_labels(%l: tensor<2xi64>) -> tensor<2x3xf64> {
  // ONE-HOT: loss.mlir:[[@LINE+1]]:8: error: 'adj.one_hot' op label 3 at position 0 is out of range [0, 3)
  %h = adj.one_hot %l in_range : tensor<2xi64> -> tensor<2x3xf64>
  return %h : tensor<2x3xf64>
}
func.func @one_hot_plain() -> tensor<2x3xf64> {
  %l = adj.constant dense<[1, 3]> : tensor<2xi64>
  %h = adj.one_hot %l : tensor<2xi64> -> tensor<2x3xf64>
  return %h : tensor<2x3xf64>
}

//--- constant.mlir
func.func @main(%x: tensor<2x3xf64>) -> tensor<f64> {
  %l = adj.constant dense<[2, 3]> : tensor<2xi64>
  // CONSTANT: constant.mlir:[[@LINE+1]]:11: error: 'adj.softmax_cross_entropy' op label 3 at position [1] of the constant labels is out of range [0, 3) for logits 'tensor<2x3xf64>'
  %loss = adj.softmax_cross_entropy %x, %l : tensor<2x3xf64>, tensor<2xi64> -> tensor<f64>
  return %loss : tensor<f64>
}

//--- recursion.mlir
func.func @self(%x: tensor<3xf64>) -> tensor<3xf64> {
  %y = adj.neg %x : tensor<3xf64>
  // SELF: recursion.mlir:[[@LINE+1]]:8: error: 'func.call' op calls 'self' recursively; without control flow the recursion could never end, so the reference evaluator rejects it
  %z = func.call @self(%y) : (tensor<3xf64>) -> tensor<3xf64>
  return %z : tensor<3xf64>
}
func.func @mutual(%x: tensor<3xf64>) -> tensor<3xf64> {
  // MUTUAL: recursion.mlir:[[@LINE+6]]:8: error: 'func.call' op calls 'mutual' recursively
  // MUTUAL: recursion.mlir:[[@LINE+1]]:8: note: called from here
  %y = func.call @helper(%x) : (tensor<3xf64>) -> tensor<3xf64>
  return %y : tensor<3xf64>
}
func.func private @helper(%x: tensor<3xf64>) -> tensor<3xf64> {
  %y = func.call @mutual(%x) : (tensor<3xf64>) -> tensor<3xf64>
  return %y : tensor<3xf64>
}

//--- unsupported.mlir
func.func @main(%x: tensor<3xi64>) -> tensor<3xi64> {
  // UNKNOWN-OP: unsupported.mlir:[[@LINE+1]]:8: error: the reference evaluator does not support 'arith.divsi'
  %y = arith.divsi %x, %x : tensor<3xi64>
  return %y : tensor<3xi64>
}

//--- malformed.mlir
func.func @main(%x: tensor<3xf64>) -> tensor<3xf64> {
  %y = adj.exp %x : tensor<3xf64>
  // MALFORMED: malformed.mlir:[[@LINE+1]]:10: error: use of undeclared SSA value name
  return %z : tensor<3xf64>
}

//--- invalid.mlir
func.func @main(%x: tensor<3xf64>, %y: tensor<4xf64>) -> tensor<3xf64> {
  // INVALID: invalid.mlir:[[@LINE+1]]:8: error: 'adj.add' op operand shapes 'tensor<3xf64>' and 'tensor<4xf64>' do not broadcast
  %z = adj.add %x, %y : tensor<3xf64>, tensor<4xf64>
  return %z : tensor<3xf64>
}

//--- math.mlir
// An op of another dialect that the evaluator has no kernel for.
func.func @main(%x: tensor<3xf64>, %n: tensor<3xi32>) -> tensor<3xf64> {
  // MATH: math.mlir:[[@LINE+1]]:8: error: the reference evaluator does not support 'math.fpowi'
  %y = math.fpowi %x, %n : tensor<3xf64>, tensor<3xi32>
  return %y : tensor<3xf64>
}
