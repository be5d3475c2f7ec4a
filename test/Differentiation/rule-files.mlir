// Rules from rule files: a rule for an op without one (math.atan, from
// examples/rules/math.mlir) is cloned with the op's concrete types, and a
// rule file overrides a built-in rule (adj.sin). The files reach the pass
// through adjoint-opt's --rules flag, the pass option and the pipelines.
// RUN: adjoint-opt %s --rules %src_root/examples/rules/math.mlir --rules %S/Inputs/sin-rules.mlir -adj-differentiate | FileCheck %s
// RUN: adjoint-opt %s '-adj-differentiate=rules=%src_root/examples/rules/math.mlir,%S/Inputs/sin-rules.mlir' | FileCheck %s
// RUN: adjoint-opt %s --rules %src_root/examples/rules/math.mlir --rules %S/Inputs/sin-rules.mlir --adj-stage-differentiate | FileCheck %s
// RUN: adjoint-opt %s --rules %src_root/examples/rules/math.mlir -adj-differentiate | FileCheck %s --check-prefix=BUILTIN
// RUN: not adjoint-opt %s -adj-differentiate 2>&1 | FileCheck %s --check-prefix=NONE
// The derivatives are right: checked against finite differences.
// RUN: adjoint-run %s --rules %src_root/examples/rules/math.mlir --rules %S/Inputs/sin-rules.mlir --check-grad | FileCheck %s --check-prefix=GRAD

// CHECK-LABEL: func.func private @f_grad
// CHECK-SAME:    (%[[X:.*]]: tensor<3x2xf32>, %[[Z:.*]]: tensor<4xf64>)
// CHECK:         math.atan %[[X]] : tensor<3x2xf32>
// CHECK-NOT:     adj.cos
// CHECK:         %[[HALFPI:.*]] = adj.constant dense<1.5707963267948966> : tensor<f64>
// CHECK:         %[[SHIFT:.*]] = adj.add %[[Z]], %[[HALFPI]] : tensor<4xf64>, tensor<f64>
// CHECK:         %[[COS:.*]] = adj.sin %[[SHIFT]] : tensor<4xf64>
// CHECK:         %[[DZ:.*]] = adj.mul %{{.*}}, %[[COS]] : tensor<4xf64>
// CHECK-NOT:     adj.cos
// CHECK:         %[[ONE:.*]] = adj.constant dense<1.000000e+00> : tensor<f32>
// CHECK:         %[[XX:.*]] = adj.square %[[X]] : tensor<3x2xf32>
// CHECK:         %[[DEN:.*]] = adj.add %[[XX]], %[[ONE]] : tensor<3x2xf32>, tensor<f32>
// CHECK:         %[[DX:.*]] = adj.div %{{.*}}, %[[DEN]] : tensor<3x2xf32>
// CHECK-NOT:     adj.cos
// CHECK:         return %{{.*}}, %[[DX]], %[[DZ]]
// BUILTIN-LABEL: func.func private @f_grad
// BUILTIN:         adj.cos
// NONE: rule-files.mlir:[[@LINE+4]]:8: error: cannot differentiate 'math.atan': it has no differentiation rule
// GRAD-LABEL: @f:
// GRAD-COUNT-3: ok
func.func @f(%x: tensor<3x2xf32>, %z: tensor<4xf64>) -> tensor<f64> {
  %a = math.atan %x : tensor<3x2xf32>
  %s = adj.sum %a : tensor<3x2xf32> -> tensor<f32>
  %sd = adj.convert %s : tensor<f32> -> tensor<f64>
  %b = adj.sin %z : tensor<4xf64>
  %t = adj.sum %b : tensor<4xf64> -> tensor<f64>
  %r = adj.add %sd, %t : tensor<f64>
  return %r : tensor<f64>
}
func.func private @df(%x: tensor<3x2xf32>, %z: tensor<4xf64>) -> (tensor<3x2xf32>, tensor<4xf64>) {
  %dx, %dz = adj.grad @f(%x, %z) : (tensor<3x2xf32>, tensor<4xf64>) -> (tensor<3x2xf32>, tensor<4xf64>)
  return %dx, %dz : tensor<3x2xf32>, tensor<4xf64>
}
