// The lowering is the input of the upstream bufferization and LLVM lowering:
// every op's output goes through to LLVM IR.
//
// RUN: adjoint-opt %s -convert-adj-to-linalg \
// RUN: | mlir-opt --one-shot-bufferize="bufferize-function-boundaries" \
// RUN:     --convert-linalg-to-loops --convert-scf-to-cf \
// RUN:     --expand-strided-metadata --lower-affine --finalize-memref-to-llvm \
// RUN:     --convert-math-to-llvm --convert-math-to-libm --convert-arith-to-llvm \
// RUN:     --convert-func-to-llvm --convert-cf-to-llvm \
// RUN:     --reconcile-unrealized-casts \
// RUN: | mlir-translate --mlir-to-llvmir | FileCheck %s
//
// math.tanh and math.erf have no LLVM intrinsic: --convert-math-to-libm
// turns them into libm calls.
// CHECK-DAG: declare float @tanhf(float)
// CHECK-DAG: declare float @erff(float)
// CHECK-DAG: declare double @tanh(double)
// CHECK-DAG: declare double @erf(double)

// CHECK-LABEL: define {{.*}} @unary(
func.func @unary(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %0 = adj.neg %x : tensor<4x3xf32>
  %1 = adj.abs %0 : tensor<4x3xf32>
  %2 = adj.exp %1 : tensor<4x3xf32>
  %3 = adj.log %2 : tensor<4x3xf32>
  %4 = adj.log1p %3 : tensor<4x3xf32>
  %5 = adj.sqrt %4 : tensor<4x3xf32>
  %6 = adj.rsqrt %5 : tensor<4x3xf32>
  %7 = adj.tanh %6 : tensor<4x3xf32>
  %8 = adj.sigmoid %7 : tensor<4x3xf32>
  %9 = adj.relu %8 : tensor<4x3xf32>
  %10 = adj.sin %9 : tensor<4x3xf32>
  %11 = adj.cos %10 : tensor<4x3xf32>
  %12 = adj.square %11 : tensor<4x3xf32>
  %13 = adj.erf %12 : tensor<4x3xf32>
  return %13 : tensor<4x3xf32>
}
// CHECK-LABEL: define {{.*}} @binary(
func.func @binary(%x: tensor<4x3xf64>, %y: tensor<3xf64>, %s: tensor<f64>) -> tensor<4x3xf64> {
  %0 = adj.add %x, %y : tensor<4x3xf64>, tensor<3xf64>
  %1 = adj.sub %0, %s : tensor<4x3xf64>, tensor<f64>
  %2 = adj.mul %1, %y : tensor<4x3xf64>, tensor<3xf64>
  %3 = adj.div %2, %y : tensor<4x3xf64>, tensor<3xf64>
  %4 = adj.pow %3, %s : tensor<4x3xf64>, tensor<f64>
  %5 = adj.maximum %4, %y : tensor<4x3xf64>, tensor<3xf64>
  %6 = adj.minimum %5, %y : tensor<4x3xf64>, tensor<3xf64>
  %m = adj.compare ne, %6, %y : tensor<4x3xf64>, tensor<3xf64>
  %7 = adj.select %m, %6, %s : tensor<4x3xi1>, tensor<4x3xf64>, tensor<f64>
  return %7 : tensor<4x3xf64>
}
// CHECK-LABEL: define {{.*}} @convert(
func.func @convert(%x: tensor<4xf32>, %i: tensor<4xi64>, %b: tensor<4xi1>) -> (tensor<4xf64>, tensor<4xi32>, tensor<4xi1>, tensor<4xf32>, tensor<4xi64>, tensor<4xi32>) {
  %0 = adj.convert %x : tensor<4xf32> -> tensor<4xf64>
  %1 = adj.convert %x : tensor<4xf32> -> tensor<4xi32>
  %2 = adj.convert %x : tensor<4xf32> -> tensor<4xi1>
  %3 = adj.convert %b : tensor<4xi1> -> tensor<4xf32>
  %4 = adj.convert %b : tensor<4xi1> -> tensor<4xi64>
  %5 = adj.convert %i : tensor<4xi64> -> tensor<4xi32>
  return %0, %1, %2, %3, %4, %5 : tensor<4xf64>, tensor<4xi32>, tensor<4xi1>, tensor<4xf32>, tensor<4xi64>, tensor<4xi32>
}
// CHECK-LABEL: define {{.*}} @consts(
func.func @consts() -> (tensor<2x2xf32>, tensor<8xf64>, tensor<4x8xf32>, tensor<5xi64>) {
  %0 = adj.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %1 = adj.fill 0.1 : tensor<8xf64>
  %2 = adj.iota dim 1 : tensor<4x8xf32>
  %3 = adj.iota dim 0 : tensor<5xi64>
  return %0, %1, %2, %3 : tensor<2x2xf32>, tensor<8xf64>, tensor<4x8xf32>, tensor<5xi64>
}
// CHECK-LABEL: define {{.*}} @linalg(
func.func @linalg(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>, %u: tensor<8xf32>, %q: tensor<2x1x5x8xf32>, %k: tensor<3x8x6xf32>) -> (tensor<4x3xf32>, tensor<f32>, tensor<3x8xf32>, tensor<2x3x5x6xf32>) {
  %0 = adj.matmul %a, %b : tensor<4x8xf32>, tensor<8x3xf32> -> tensor<4x3xf32>
  %1 = adj.dot %u, %u : tensor<8xf32> -> tensor<f32>
  %2 = adj.transpose %b [1, 0] : tensor<8x3xf32> -> tensor<3x8xf32>
  %3 = adj.matmul %q, %k : tensor<2x1x5x8xf32>, tensor<3x8x6xf32> -> tensor<2x3x5x6xf32>
  return %0, %1, %2, %3 : tensor<4x3xf32>, tensor<f32>, tensor<3x8xf32>, tensor<2x3x5x6xf32>
}
// CHECK-LABEL: define {{.*}} @reduce(
func.func @reduce(%x: tensor<2x3x4xf64>) -> (tensor<3xf64>, tensor<f64>, tensor<2x1x1xf64>, tensor<1x1x1xf64>) {
  %0 = adj.sum %x axes [0, 2] : tensor<2x3x4xf64> -> tensor<3xf64>
  %1 = adj.prod %x : tensor<2x3x4xf64> -> tensor<f64>
  %2 = adj.max %x axes [1, 2] keepdims : tensor<2x3x4xf64> -> tensor<2x1x1xf64>
  %3 = adj.min %x keepdims : tensor<2x3x4xf64> -> tensor<1x1x1xf64>
  return %0, %1, %2, %3 : tensor<3xf64>, tensor<f64>, tensor<2x1x1xf64>, tensor<1x1x1xf64>
}
// CHECK-LABEL: define {{.*}} @shape(
func.func @shape(%x: tensor<4x8xf32>, %y: tensor<4x5xf32>, %i: tensor<2x3xi64>, %l: tensor<6xi32>) -> (tensor<8x4xf32>, tensor<2x4x8xf32>, tensor<2x3xf32>, tensor<4x13xf32>, tensor<9x11xf32>, tensor<4x2x3xf32>, tensor<4x8xf32>, tensor<6x10xf32>, tensor<4x8xf32>) {
  %0 = adj.reshape %x : tensor<4x8xf32> -> tensor<8x4xf32>
  %1 = adj.broadcast_to %x : tensor<4x8xf32> -> tensor<2x4x8xf32>
  %2 = adj.slice %x start [1, 2] limit [4, 8] stride [2, 2] : tensor<4x8xf32> -> tensor<2x3xf32>
  %3 = adj.concat %x, %y axis 1 : tensor<4x8xf32>, tensor<4x5xf32> -> tensor<4x13xf32>
  %4 = adj.pad %x low [1, 1] high [1, 2] interior [1, 0] value 1.5 : tensor<4x8xf32> -> tensor<9x11xf32>
  %5 = adj.gather %x[%i] axis 1 : tensor<4x8xf32>, tensor<2x3xi64> -> tensor<4x2x3xf32>
  %6 = adj.scatter_add %5[%i] axis 1 : tensor<4x2x3xf32>, tensor<2x3xi64> -> tensor<4x8xf32>
  %7 = adj.one_hot %l : tensor<6xi32> -> tensor<6x10xf32>
  %8 = adj.reverse %x dims [0] : tensor<4x8xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<8x4xf32>, tensor<2x4x8xf32>, tensor<2x3xf32>, tensor<4x13xf32>, tensor<9x11xf32>, tensor<4x2x3xf32>, tensor<4x8xf32>, tensor<6x10xf32>, tensor<4x8xf32>
}
// CHECK-LABEL: define {{.*}} @pad0(
func.func @pad0(%x: tensor<4x8xf32>) -> tensor<5x11xf32> {
  %0 = adj.pad %x low [0, 1] high [1, 2] : tensor<4x8xf32> -> tensor<5x11xf32>
  return %0 : tensor<5x11xf32>
}
// CHECK-LABEL: define {{.*}} @reshapes(
func.func @reshapes(%a: tensor<2x3xf32>, %b: tensor<2x3x4xf32>, %c: tensor<1xf32>, %d: tensor<f32>, %e: tensor<6x1xf32>, %f: tensor<0x3xf32>) -> (tensor<3x2xf32>, tensor<6x2x2xf32>, tensor<f32>, tensor<1x1xf32>, tensor<2x3xf32>, tensor<3x0xf32>) {
  %0 = adj.reshape %a : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = adj.reshape %b : tensor<2x3x4xf32> -> tensor<6x2x2xf32>
  %2 = adj.reshape %c : tensor<1xf32> -> tensor<f32>
  %3 = adj.reshape %d : tensor<f32> -> tensor<1x1xf32>
  %4 = adj.reshape %e : tensor<6x1xf32> -> tensor<2x3xf32>
  %5 = adj.reshape %f : tensor<0x3xf32> -> tensor<3x0xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<3x2xf32>, tensor<6x2x2xf32>, tensor<f32>, tensor<1x1xf32>, tensor<2x3xf32>, tensor<3x0xf32>
}
// CHECK-LABEL: define {{.*}} @reduce_no_axis(
func.func @reduce_no_axis(%x: tensor<f32>, %y: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>, tensor<1xf32>) {
  %0 = adj.sum %x : tensor<f32> -> tensor<f32>
  %1 = adj.sum %y axes [] : tensor<3xf32> -> tensor<3xf32>
  %2 = adj.max %y keepdims : tensor<3xf32> -> tensor<1xf32>
  return %0, %1, %2 : tensor<f32>, tensor<3xf32>, tensor<1xf32>
}
// CHECK-LABEL: define {{.*}} @gather_scatter_1d(
func.func @gather_scatter_1d(%t: tensor<5x4xf32>, %i: tensor<i32>, %u: tensor<3xf64>, %j: tensor<3xi32>) -> (tensor<4xf32>, tensor<7xf64>) {
  %0 = adj.gather %t[%i] axis 0 : tensor<5x4xf32>, tensor<i32> -> tensor<4xf32>
  %1 = adj.scatter_add %u[%j] axis 0 : tensor<3xf64>, tensor<3xi32> -> tensor<7xf64>
  return %0, %1 : tensor<4xf32>, tensor<7xf64>
}
// CHECK-LABEL: define {{.*}} @scatter_scalar_index(
func.func @scatter_scalar_index(%u: tensor<4xf32>, %i: tensor<i64>) -> tensor<2x4xf32> {
  %1 = adj.scatter_add %u[%i] axis 0 : tensor<4xf32>, tensor<i64> -> tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}
// CHECK-LABEL: define {{.*}} @matmul_broadcast_lhs(
func.func @matmul_broadcast_lhs(%a: tensor<5x8xf32>, %b: tensor<3x8x6xf32>) -> tensor<3x5x6xf32> {
  %0 = adj.matmul %a, %b : tensor<5x8xf32>, tensor<3x8x6xf32> -> tensor<3x5x6xf32>
  return %0 : tensor<3x5x6xf32>
}
// CHECK-LABEL: define {{.*}} @misc(
func.func @misc(%a: tensor<2x3xi1>, %l: tensor<4xi64>, %x: tensor<4x8xf32>) -> (tensor<2x3xi1>, tensor<4x3xf64>, tensor<4x8xf32>, tensor<2x3xi1>) {
  %0 = adj.reverse %a dims [0, 1] : tensor<2x3xi1>
  %1 = adj.one_hot %l : tensor<4xi64> -> tensor<4x3xf64>
  %2 = adj.slice %x start [0, 0] limit [4, 8] : tensor<4x8xf32> -> tensor<4x8xf32>
  %3 = adj.concat %a axis 0 : tensor<2x3xi1> -> tensor<2x3xi1>
  return %0, %1, %2, %3 : tensor<2x3xi1>, tensor<4x3xf64>, tensor<4x8xf32>, tensor<2x3xi1>
}
// CHECK-LABEL: define {{.*}} @f64_libm(
func.func @f64_libm(%x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = adj.tanh %x : tensor<3xf64>
  %1 = adj.erf %0 : tensor<3xf64>
  return %1 : tensor<3xf64>
}
