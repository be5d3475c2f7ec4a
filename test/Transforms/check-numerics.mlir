// RUN: adjoint-opt %s -adj-check-numerics -split-input-file -verify-diagnostics | FileCheck %s

// Every op with a float tensor result but constants gets a check; the status
// takes the id of the first op flagged and is returned last. Messages name
// the op, its location, and forward or backward (from "adjoint"(...), also
// through call sites).

// CHECK-LABEL: module attributes {adj.status_messages = [
// CHECK-SAME: "adj.log at {{.*}}check-numerics.mlir{{.*}}:[[# @LINE + 22]]:8 (forward) produced the first NaN or Inf in f",
// CHECK-SAME: "adj.mul at \22adjoint\22(m.mlir:7:8) (backward: in the derivative of the op at m.mlir:7:8) produced the first NaN or Inf in f"]}
// CHECK-LABEL: func.func @f(
// CHECK-SAME: -> (tensor<4xf32>, tensor<4xi32>, i32)
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[LOG:.*]] = adj.log
// CHECK: %[[CHECK1:.*]] = linalg.generic {{.*}}iterator_types = ["reduction"]} ins(%[[LOG]] : tensor<4xf32>) outs({{.*}} : tensor<i1>)
// CHECK: math.absf
// CHECK: arith.cmpf uge
// CHECK: %[[BAD1:.*]] = tensor.extract %[[CHECK1]][] : tensor<i1>
// CHECK: %[[S1:.*]] = arith.select {{.*}}, %[[ZERO]] : i32
// CHECK: %[[MUL:.*]] = adj.mul %[[LOG]]
// CHECK: %[[CHECK2:.*]] = linalg.generic {{.*}} ins(%[[MUL]] : tensor<4xf32>)
// CHECK: %[[BAD2:.*]] = tensor.extract %[[CHECK2]][]
// CHECK: %[[CLEAN:.*]] = arith.cmpi eq, %[[S1]], %[[ZERO]] : i32
// CHECK: %[[FIRST:.*]] = arith.andi %[[CLEAN]], %[[BAD2]] : i1
// CHECK: %[[TWO:.*]] = arith.constant 2 : i32
// CHECK: %[[S2:.*]] = arith.select %[[FIRST]], %[[TWO]], %[[S1]] : i32
// CHECK-NOT: linalg.generic
// CHECK: return %[[MUL]], %{{.*}}, %[[S2]] : tensor<4xf32>, tensor<4xi32>, i32
func.func @f(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi32>) {
  %c = adj.constant dense<1.0> : tensor<4xf32>
  %y = adj.log %x : tensor<4xf32>
  %z = adj.mul %y, %c : tensor<4xf32> loc(callsite("adjoint"("m.mlir":7:8) at "m.mlir":20:3))
  %j = adj.convert %z : tensor<4xf32> -> tensor<4xi32>
  return %z, %j : tensor<4xf32>, tensor<4xi32>
}

// Private functions are not exported, so not checked.
// CHECK-LABEL: func.func private @g(
// CHECK-SAME: -> tensor<f64>
// CHECK-NOT: linalg.generic
func.func private @g(%x: tensor<f64>) -> tensor<f64> {
  %y = adj.exp %x : tensor<f64>
  return %y : tensor<f64>
}

// -----

// A tangent op; a fusion of derivative locations (CSE may merge two ops);
// a result with no float: the status is still returned.
// CHECK: adj.status_messages = ["adj.sin at \22tangent\22(m.mlir:3:4) (tangent, forward mode: in the derivative of the op at m.mlir:3:4) produced the first NaN or Inf in jvp",
// CHECK-SAME: "adj.cos at [\22adjoint\22(m.mlir:3:4), \22adjoint\22(m.mlir:5:6)] (backward) produced the first NaN or Inf in jvp"]
// CHECK-LABEL: func.func @jvp(
// CHECK-SAME: -> (tensor<f64>, i32)
// CHECK-LABEL: func.func @mask(
// CHECK-SAME: -> (tensor<3xi1>, i32)
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-NOT: linalg.generic
// CHECK: return %{{.*}}, %[[ZERO]] : tensor<3xi1>, i32
func.func @jvp(%x: tensor<f64>) -> tensor<f64> {
  %y = adj.sin %x : tensor<f64> loc("tangent"("m.mlir":3:4))
  %z = adj.cos %y : tensor<f64> loc(fused["adjoint"("m.mlir":3:4), "adjoint"("m.mlir":5:6)])
  return %z : tensor<f64>
}
func.func @mask(%x: tensor<3xf32>) -> tensor<3xi1> {
  %m = adj.compare gt, %x, %x : tensor<3xf32>
  return %m : tensor<3xi1>
}

// -----

func.func private @callee(%x: tensor<f32>) -> tensor<f32> {
  %y = adj.exp %x : tensor<f32>
  return %y : tensor<f32>
}
func.func @caller(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @below {{--check-numerics: cannot check the ops of @callee, which @caller still calls after inlining (a function without a body, or a recursive one, is not inlined)}}
  %y = func.call @callee(%x) : (tensor<f32>) -> tensor<f32>
  return %y : tensor<f32>
}

// -----

// An op reading a constant that holds an Inf or a NaN (a -inf attention
// mask) is not checked: the model means it. The softmax after it is.
// CHECK: adj.status_messages = ["adj.softmax at {{.*}} produced the first NaN or Inf in masked"]
// CHECK-LABEL: func.func @masked(
// CHECK: %[[S:.*]] = adj.select
// CHECK-NOT: linalg.generic
// CHECK: adj.softmax %[[S]]
// CHECK: linalg.generic
func.func @masked(%s: tensor<4x4xf32>, %m: tensor<4x4xi1>) -> tensor<4x4xf32> {
  %ninf = adj.constant dense<0xFF800000> : tensor<f32>
  %x = adj.select %m, %ninf, %s : tensor<4x4xi1>, tensor<f32>, tensor<4x4xf32>
  %p = adj.softmax %x axis 1 : tensor<4x4xf32>
  return %p : tensor<4x4xf32>
}

// -----

// The same for an argument whose initial value holds one (an ONNX model's
// float buffer, PyTorch's register_buffer of an additive -inf mask); an
// argument whose initial value is finite is no exemption.
// CHECK: adj.status_messages = ["adj.add at {{.*}} produced the first NaN or Inf in buffer", "adj.softmax at {{.*}} produced the first NaN or Inf in buffer"]
// CHECK-LABEL: func.func @buffer(
// CHECK: %[[X:.*]] = adj.add %arg0, %arg1
// CHECK-NOT: linalg.generic
// CHECK: %[[Y:.*]] = adj.add %[[X]], %arg2
// CHECK: linalg.generic
// CHECK: adj.softmax %[[Y]]
// CHECK: linalg.generic
func.func @buffer(%s: tensor<2x2xf32>,
                  %mask: tensor<2x2xf32> {adj.initial_value = dense<[[0.0, 0xFF800000], [0.0, 0.0]]> : tensor<2x2xf32>},
                  %b: tensor<2x2xf32> {adj.initial_value = dense<1.0> : tensor<2x2xf32>}) -> tensor<2x2xf32> {
  %x = adj.add %s, %mask : tensor<2x2xf32>
  %y = adj.add %x, %b : tensor<2x2xf32>
  %p = adj.softmax %y axis 1 : tensor<2x2xf32>
  return %p : tensor<2x2xf32>
}

// -----

// A causal mask made of constants alone (torch.triu of a -inf full tensor,
// exported as Constant -> Trilu: a select between constants), or a -inf
// constant sliced and transposed, is meant as much as the constant: the
// adds reading them are not checked, the softmaxes are.
// CHECK: adj.status_messages = ["adj.softmax at {{.*}} produced the first NaN or Inf in causal", "adj.softmax at {{.*}} produced the first NaN or Inf in causal"]
// CHECK-LABEL: func.func @causal(
// CHECK: %[[X:.*]] = adj.add %arg0
// CHECK-NOT: linalg.generic
// CHECK: adj.softmax %[[X]]
// CHECK: %[[Y:.*]] = adj.add %arg0
// CHECK-NOT: linalg.generic
// CHECK: adj.softmax %[[Y]]
func.func @causal(%s: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %full = adj.constant dense<0xFF800000> : tensor<2x2xf32>
  %upper = adj.constant dense<[[false, true], [false, false]]> : tensor<2x2xi1>
  %zero = adj.constant dense<0.0> : tensor<f32>
  %mask = adj.select %upper, %full, %zero : tensor<2x2xi1>, tensor<2x2xf32>, tensor<f32>
  %x = adj.add %s, %mask : tensor<2x2xf32>
  %p = adj.softmax %x axis 1 : tensor<2x2xf32>
  %m = adj.constant dense<[[0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0]]> : tensor<3x3xf32>
  %c = adj.slice %m start [0, 0] limit [2, 2] : tensor<3x3xf32> -> tensor<2x2xf32>
  %t = adj.transpose %c [1, 0] : tensor<2x2xf32> -> tensor<2x2xf32>
  %y = adj.add %s, %t : tensor<2x2xf32>
  %q = adj.softmax %y axis 1 : tensor<2x2xf32>
  return %p, %q : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// A mask scaled by a positive finite constant stays meant (PyTorch's
// attention multiplies it by 1), but an op that may make a new NaN of it
// (`mask * 0`, `mask - mask`) computes no meant value: the adds reading
// those are checked.
// CHECK: adj.status_messages = ["adj.add at {{.*}} produced the first NaN or Inf in scaled", "adj.add at {{.*}} produced the first NaN or Inf in scaled"]
// CHECK-LABEL: func.func @scaled(
// CHECK: %[[X:.*]] = adj.add %arg0
// CHECK-NOT: linalg.generic
// CHECK: %[[Y:.*]] = adj.add %[[X]]
// CHECK: linalg.generic
// CHECK: %[[W:.*]] = adj.add %[[Y]]
// CHECK: linalg.generic
func.func @scaled(%s: tensor<2x2xf32>,
                  %mask: tensor<2x2xf32> {adj.initial_value = dense<[[0.0, 0xFF800000], [0.0, 0.0]]> : tensor<2x2xf32>}) -> tensor<2x2xf32> {
  %one = adj.constant dense<1.0> : tensor<f32>
  %kept = adj.mul %mask, %one : tensor<2x2xf32>, tensor<f32>
  %x = adj.add %s, %kept : tensor<2x2xf32>
  %zero = adj.constant dense<0.0> : tensor<f32>
  %nan = adj.mul %mask, %zero : tensor<2x2xf32>, tensor<f32>
  %y = adj.add %x, %nan : tensor<2x2xf32>
  %d = adj.sub %mask, %mask : tensor<2x2xf32>
  %w = adj.add %y, %d : tensor<2x2xf32>
  return %w : tensor<2x2xf32>
}

// -----

// Before the optimize stage: the new status result of @h would break the
// call (once an internal verifier error).

func.func @h(%x: tensor<3xf32>) -> tensor<3xf32> {
  %y = adj.exp %x : tensor<3xf32>
  return %y : tensor<3xf32>
}
func.func @k(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @below {{'adj-check-numerics' gives each public function a status result, which this op does not expect}}
  %y = func.call @h(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}
