// RUN: adjoint-opt %s --adj-stage-linalg=optimize=false -adj-fast-math | FileCheck %s

// f32 transcendentals become polynomials; f64 ones stay for libm.
// CHECK-LABEL: func.func @f32
// CHECK-NOT:     math.exp
// CHECK-NOT:     math.tanh
// CHECK-NOT:     math.log
// CHECK:         math.fma
// CHECK-NOT:     math.exp
// CHECK-NOT:     math.tanh
// CHECK-NOT:     math.log
// CHECK:         return
func.func @f32(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %e = adj.exp %x : tensor<8xf32>
  %t = adj.tanh %x : tensor<8xf32>
  %l = adj.log %e : tensor<8xf32>
  return %e, %t, %l : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// CHECK-LABEL: func.func @f64
// CHECK:         math.exp %{{.*}} : f64
func.func @f64(%x: tensor<8xf64>) -> tensor<8xf64> {
  %e = adj.exp %x : tensor<8xf64>
  return %e : tensor<8xf64>
}

// The accumulation of a sum may be reassociated (vectorized); the other
// float ops may not.
// CHECK-LABEL: func.func @sum
// CHECK:         linalg.reduce
// CHECK:           arith.addf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
func.func @sum(%x: tensor<8x4xf32>) -> tensor<4xf32> {
  %s = adj.sum %x axes [0] : tensor<8x4xf32> -> tensor<4xf32>
  return %s : tensor<4xf32>
}
