// RUN: adjoint-opt %s -adj-precise-math | FileCheck %s

// expm1 and log1p call libm (exp(x) - 1 and log(1 + x) lose a tiny x);
// exp stays for convert-math-to-llvm.
// CHECK-DAG:   func.func private @expm1(f64) -> f64
// CHECK-DAG:   func.func private @log1pf(f32) -> f32
// CHECK-LABEL: func.func @f
// CHECK:         call @expm1(%{{.*}}) : (f64) -> f64
// CHECK:         call @log1pf(%{{.*}}) : (f32) -> f32
// CHECK:         math.exp %{{.*}} : f64
func.func @f(%x: f64, %y: f32) -> (f64, f32, f64) {
  %a = math.expm1 %x : f64
  %b = math.log1p %y : f32
  %c = math.exp %x : f64
  return %a, %b, %c : f64, f32, f64
}
