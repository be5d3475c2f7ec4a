// Rules whose bodies use arith ops (Inputs/arith-rules.mlir), reverse and
// forward, against central finite differences of the reference evaluator,
// which evaluates the arith ops too; a wrong rule is reported FAILED.
// RUN: adjoint-run %s --rules %S/Inputs/arith-rules.mlir --check-grad | FileCheck %s
// RUN: not adjoint-run %s --rules %S/Inputs/arith-rules-wrong.mlir --check-grad --fn atan | FileCheck %s --check-prefix=WRONG

// CHECK-LABEL: @atan:
// CHECK-COUNT-2: ok
// WRONG-LABEL: @atan:
// WRONG: reverse arg0 {{.*}} FAILED
// WRONG: forward result 0 {{.*}} FAILED
func.func @atan(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %s = adj.mul %x, %x : tensor<2x3xf32>
  %a = math.atan %s : tensor<2x3xf32>
  return %a : tensor<2x3xf32>
}

// Away from 0, where |x| has no derivative.
// CHECK-LABEL: @absf:
// CHECK-COUNT-2: ok
func.func @absf(%x: tensor<5xf32>) -> tensor<f32> {
  %c = adj.constant dense<[-2.0, -1.0, 0.5, 1.0, 3.0]> : tensor<5xf32>
  %s = adj.mul %x, %c : tensor<5xf32>
  %e = adj.exp %s : tensor<5xf32>
  %t = adj.sub %e, %c : tensor<5xf32>
  %a = math.absf %t : tensor<5xf32>
  %r = adj.sum %a : tensor<5xf32> -> tensor<f32>
  return %r : tensor<f32>
}

// CHECK-LABEL: @powf:
// CHECK-COUNT-3: ok
func.func @powf(%a: tensor<4xf64>, %b: tensor<4xf64>) -> tensor<4xf64> {
  %e = adj.exp %a : tensor<4xf64>
  %p = math.powf %e, %b : tensor<4xf64>
  return %p : tensor<4xf64>
}
