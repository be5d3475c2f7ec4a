// Checks that every adj op and optional attribute round-trips, also in generic form.
// RUN: adjoint-opt %s | adjoint-opt | FileCheck %s
// RUN: adjoint-opt %s --mlir-print-op-generic | adjoint-opt | FileCheck %s

// CHECK-LABEL: func @unary
// CHECK-SAME:    (%[[X:.*]]: tensor<4x3xf32>, %[[D:.*]]: tensor<f64>)
func.func @unary(%x: tensor<4x3xf32>, %d: tensor<f64>) {
  // CHECK: adj.neg %[[X]] : tensor<4x3xf32>
  %0 = adj.neg %x : tensor<4x3xf32>
  // CHECK: adj.abs %[[X]] : tensor<4x3xf32>
  %1 = adj.abs %x : tensor<4x3xf32>
  // CHECK: adj.exp %[[X]] : tensor<4x3xf32>
  %2 = adj.exp %x : tensor<4x3xf32>
  // CHECK: adj.log %[[X]] : tensor<4x3xf32>
  %3 = adj.log %x : tensor<4x3xf32>
  // CHECK: adj.log1p %[[X]] : tensor<4x3xf32>
  %4 = adj.log1p %x : tensor<4x3xf32>
  // CHECK: adj.sqrt %[[X]] : tensor<4x3xf32>
  %5 = adj.sqrt %x : tensor<4x3xf32>
  // CHECK: adj.rsqrt %[[X]] : tensor<4x3xf32>
  %6 = adj.rsqrt %x : tensor<4x3xf32>
  // CHECK: adj.tanh %[[X]] : tensor<4x3xf32>
  %7 = adj.tanh %x : tensor<4x3xf32>
  // CHECK: adj.sigmoid %[[X]] : tensor<4x3xf32>
  %8 = adj.sigmoid %x : tensor<4x3xf32>
  // CHECK: adj.relu %[[X]] : tensor<4x3xf32>
  %9 = adj.relu %x : tensor<4x3xf32>
  // CHECK: adj.sin %[[X]] : tensor<4x3xf32>
  %10 = adj.sin %x : tensor<4x3xf32>
  // CHECK: adj.cos %[[X]] : tensor<4x3xf32>
  %11 = adj.cos %x : tensor<4x3xf32>
  // CHECK: adj.tan %[[X]] : tensor<4x3xf32>
  %tan_ = adj.tan %x : tensor<4x3xf32>
  // CHECK: adj.asin %[[X]] : tensor<4x3xf32>
  %asin_ = adj.asin %x : tensor<4x3xf32>
  // CHECK: adj.acos %[[X]] : tensor<4x3xf32>
  %acos_ = adj.acos %x : tensor<4x3xf32>
  // CHECK: adj.atan %[[X]] : tensor<4x3xf32>
  %atan_ = adj.atan %x : tensor<4x3xf32>
  // CHECK: adj.sinh %[[X]] : tensor<4x3xf32>
  %sinh_ = adj.sinh %x : tensor<4x3xf32>
  // CHECK: adj.cosh %[[X]] : tensor<4x3xf32>
  %cosh_ = adj.cosh %x : tensor<4x3xf32>
  // CHECK: adj.asinh %[[X]] : tensor<4x3xf32>
  %asinh_ = adj.asinh %x : tensor<4x3xf32>
  // CHECK: adj.acosh %[[X]] : tensor<4x3xf32>
  %acosh_ = adj.acosh %x : tensor<4x3xf32>
  // CHECK: adj.atanh %[[X]] : tensor<4x3xf32>
  %atanh_ = adj.atanh %x : tensor<4x3xf32>
  // CHECK: adj.square %[[D]] : tensor<f64>
  %12 = adj.square %d : tensor<f64>
  // CHECK: adj.erf %[[X]] : tensor<4x3xf32>
  %13 = adj.erf %x : tensor<4x3xf32>
  return
}

// CHECK-LABEL: func @gelu
// CHECK-SAME:    (%[[X:.*]]: tensor<8x16xf32>)
func.func @gelu(%x: tensor<8x16xf32>) {
  // CHECK: adj.gelu %[[X]] : tensor<8x16xf32>
  %0 = adj.gelu %x : tensor<8x16xf32>
  // The default approximation is not printed.
  // CHECK: adj.gelu %[[X]] : tensor<8x16xf32>
  %1 = adj.gelu %x approximate none : tensor<8x16xf32>
  // CHECK: adj.gelu %[[X]] approximate tanh : tensor<8x16xf32>
  %2 = adj.gelu %x approximate tanh : tensor<8x16xf32>
  return
}

// CHECK-LABEL: func @convert
// CHECK-SAME:    (%[[L:.*]]: tensor<64xi64>, %[[M:.*]]: tensor<64xi1>, %[[X:.*]]: tensor<64xf32>)
func.func @convert(%l: tensor<64xi64>, %m: tensor<64xi1>, %x: tensor<64xf32>) {
  // CHECK: adj.convert %[[L]] : tensor<64xi64> -> tensor<64xf32>
  %0 = adj.convert %l : tensor<64xi64> -> tensor<64xf32>
  // CHECK: adj.convert %[[M]] : tensor<64xi1> -> tensor<64xf64>
  %1 = adj.convert %m : tensor<64xi1> -> tensor<64xf64>
  // CHECK: adj.convert %[[X]] : tensor<64xf32> -> tensor<64xi32>
  %2 = adj.convert %x : tensor<64xf32> -> tensor<64xi32>
  // CHECK: adj.convert %[[X]] : tensor<64xf32> -> tensor<64xf32>
  %3 = adj.convert %x : tensor<64xf32> -> tensor<64xf32>
  return
}

// CHECK-LABEL: func @binary_same_types
// CHECK-SAME:    (%[[X:.*]]: tensor<4x3xf32>, %[[Y:.*]]: tensor<4x3xf32>)
func.func @binary_same_types(%x: tensor<4x3xf32>, %y: tensor<4x3xf32>) {
  // CHECK: adj.add %[[X]], %[[Y]] : tensor<4x3xf32>{{$}}
  %0 = adj.add %x, %y : tensor<4x3xf32>
  // CHECK: adj.sub %[[X]], %[[Y]] : tensor<4x3xf32>{{$}}
  %1 = adj.sub %x, %y : tensor<4x3xf32>
  // CHECK: adj.mul %[[X]], %[[Y]] : tensor<4x3xf32>{{$}}
  %2 = adj.mul %x, %y : tensor<4x3xf32>
  // CHECK: adj.div %[[X]], %[[Y]] : tensor<4x3xf32>{{$}}
  %3 = adj.div %x, %y : tensor<4x3xf32>
  // CHECK: adj.pow %[[X]], %[[Y]] : tensor<4x3xf32>{{$}}
  %4 = adj.pow %x, %y : tensor<4x3xf32>
  // CHECK: adj.maximum %[[X]], %[[Y]] : tensor<4x3xf32>{{$}}
  %5 = adj.maximum %x, %y : tensor<4x3xf32>
  // CHECK: adj.minimum %[[X]], %[[Y]] : tensor<4x3xf32>{{$}}
  %6 = adj.minimum %x, %y : tensor<4x3xf32>
  // Writing both types when they are equal prints one.
  // CHECK: adj.add %[[X]], %[[Y]] : tensor<4x3xf32>{{$}}
  %7 = adj.add %x, %y : tensor<4x3xf32>, tensor<4x3xf32>
  return
}

// CHECK-LABEL: func @binary_broadcast
// CHECK-SAME:    (%[[X:.*]]: tensor<4x3xf64>, %[[B:.*]]: tensor<3xf64>, %[[C:.*]]: tensor<4x1xf64>, %[[S:.*]]: tensor<f64>)
func.func @binary_broadcast(%x: tensor<4x3xf64>, %b: tensor<3xf64>, %c: tensor<4x1xf64>, %s: tensor<f64>) {
  // CHECK: adj.add %[[X]], %[[B]] : tensor<4x3xf64>, tensor<3xf64>
  %0 = adj.add %x, %b : tensor<4x3xf64>, tensor<3xf64>
  // CHECK: adj.sub %[[B]], %[[X]] : tensor<3xf64>, tensor<4x3xf64>
  %1 = adj.sub %b, %x : tensor<3xf64>, tensor<4x3xf64>
  // CHECK: adj.mul %[[C]], %[[B]] : tensor<4x1xf64>, tensor<3xf64>
  %2 = adj.mul %c, %b : tensor<4x1xf64>, tensor<3xf64>
  // CHECK: adj.div %[[X]], %[[S]] : tensor<4x3xf64>, tensor<f64>
  %3 = adj.div %x, %s : tensor<4x3xf64>, tensor<f64>
  // CHECK: adj.pow %[[S]], %[[C]] : tensor<f64>, tensor<4x1xf64>
  %4 = adj.pow %s, %c : tensor<f64>, tensor<4x1xf64>
  // CHECK: adj.maximum %[[X]], %[[C]] : tensor<4x3xf64>, tensor<4x1xf64>
  %5 = adj.maximum %x, %c : tensor<4x3xf64>, tensor<4x1xf64>
  // CHECK: adj.minimum %[[B]], %[[S]] : tensor<3xf64>, tensor<f64>
  %6 = adj.minimum %b, %s : tensor<3xf64>, tensor<f64>
  return
}

// CHECK-LABEL: func @compare
// CHECK-SAME:    (%[[X:.*]]: tensor<4x3xf32>, %[[Y:.*]]: tensor<3xf32>)
func.func @compare(%x: tensor<4x3xf32>, %y: tensor<3xf32>) {
  // CHECK: adj.compare eq, %[[X]], %[[X]] : tensor<4x3xf32>{{$}}
  %0 = adj.compare eq, %x, %x : tensor<4x3xf32>
  // CHECK: adj.compare ne, %[[X]], %[[Y]] : tensor<4x3xf32>, tensor<3xf32>
  %1 = adj.compare ne, %x, %y : tensor<4x3xf32>, tensor<3xf32>
  // CHECK: adj.compare lt, %[[Y]], %[[X]] : tensor<3xf32>, tensor<4x3xf32>
  %2 = adj.compare lt, %y, %x : tensor<3xf32>, tensor<4x3xf32>
  // CHECK: adj.compare le, %[[X]], %[[Y]] : tensor<4x3xf32>, tensor<3xf32>
  %3 = adj.compare le, %x, %y : tensor<4x3xf32>, tensor<3xf32>
  // CHECK: adj.compare gt, %[[X]], %[[Y]] : tensor<4x3xf32>, tensor<3xf32>
  %4 = adj.compare gt, %x, %y : tensor<4x3xf32>, tensor<3xf32>
  // CHECK: adj.compare ge, %[[Y]], %[[Y]] : tensor<3xf32>{{$}}
  %5 = adj.compare ge, %y, %y : tensor<3xf32>
  return
}

// CHECK-LABEL: func @select
// CHECK-SAME:    (%[[M:.*]]: tensor<4x3xi1>, %[[N:.*]]: tensor<3xi1>, %[[A:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<f32>)
func.func @select(%m: tensor<4x3xi1>, %n: tensor<3xi1>, %a: tensor<4x3xf32>, %b: tensor<f32>) {
  // CHECK: adj.select %[[M]], %[[A]], %[[B]] : tensor<4x3xi1>, tensor<4x3xf32>, tensor<f32>
  %0 = adj.select %m, %a, %b : tensor<4x3xi1>, tensor<4x3xf32>, tensor<f32>
  // CHECK: adj.select %[[N]], %[[B]], %[[A]] : tensor<3xi1>, tensor<f32>, tensor<4x3xf32>
  %1 = adj.select %n, %b, %a : tensor<3xi1>, tensor<f32>, tensor<4x3xf32>
  // CHECK: adj.select %[[N]], %[[B]], %[[B]] : tensor<3xi1>, tensor<f32>, tensor<f32>
  %2 = adj.select %n, %b, %b : tensor<3xi1>, tensor<f32>, tensor<f32>
  return
}

// CHECK-LABEL: func @constants
func.func @constants() {
  // CHECK: adj.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
  %0 = adj.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  // CHECK: adj.constant dense<0.000000e+00> : tensor<8x16xf64>
  %1 = adj.constant dense<0.0> : tensor<8x16xf64>
  // CHECK: adj.constant dense<[3, 1, 4]> : tensor<3xi64>
  %2 = adj.constant dense<[3, 1, 4]> : tensor<3xi64>
  // CHECK: adj.constant dense<true> : tensor<2xi1>
  %3 = adj.constant dense<true> : tensor<2xi1>
  // CHECK: adj.constant dense<7> : tensor<i32>
  %4 = adj.constant dense<7> : tensor<i32>
  // CHECK: adj.fill 1.500000e+00 : tensor<16xf32>
  %5 = adj.fill 1.5 : tensor<16xf32>
  // CHECK: adj.fill -2.000000e+00 : tensor<2x3xf64>
  %6 = adj.fill -2.0 : tensor<2x3xf64>
  // CHECK: adj.iota dim 1 : tensor<4x8xf32>
  %7 = adj.iota dim 1 : tensor<4x8xf32>
  // CHECK: adj.iota dim 0 : tensor<5xi64>
  %8 = adj.iota dim 0 : tensor<5xi64>
  return
}

// CHECK-LABEL: func @matmul
// CHECK-SAME:    (%[[X:.*]]: tensor<64x784xf32>, %[[W:.*]]: tensor<784x512xf32>, %[[Q:.*]]: tensor<2x4x8x16xf32>, %[[K:.*]]: tensor<4x16x8xf32>, %[[R:.*]]: tensor<1x3x5xf64>, %[[S:.*]]: tensor<6x1x5x2xf64>)
func.func @matmul(%x: tensor<64x784xf32>, %w: tensor<784x512xf32>,
                  %q: tensor<2x4x8x16xf32>, %k: tensor<4x16x8xf32>,
                  %r: tensor<1x3x5xf64>, %s: tensor<6x1x5x2xf64>) {
  // CHECK: adj.matmul %[[X]], %[[W]] : tensor<64x784xf32>, tensor<784x512xf32> -> tensor<64x512xf32>
  %0 = adj.matmul %x, %w : tensor<64x784xf32>, tensor<784x512xf32> -> tensor<64x512xf32>
  // CHECK: adj.matmul %[[Q]], %[[K]] : tensor<2x4x8x16xf32>, tensor<4x16x8xf32> -> tensor<2x4x8x8xf32>
  %1 = adj.matmul %q, %k : tensor<2x4x8x16xf32>, tensor<4x16x8xf32> -> tensor<2x4x8x8xf32>
  // CHECK: adj.matmul %[[R]], %[[S]] : tensor<1x3x5xf64>, tensor<6x1x5x2xf64> -> tensor<6x1x3x2xf64>
  %2 = adj.matmul %r, %s : tensor<1x3x5xf64>, tensor<6x1x5x2xf64> -> tensor<6x1x3x2xf64>
  return
}

// CHECK-LABEL: func @dot_transpose
// CHECK-SAME:    (%[[U:.*]]: tensor<16xf32>, %[[V:.*]]: tensor<16xf32>, %[[X:.*]]: tensor<2x3x4xi1>)
func.func @dot_transpose(%u: tensor<16xf32>, %v: tensor<16xf32>, %x: tensor<2x3x4xi1>) {
  // CHECK: adj.dot %[[U]], %[[V]] : tensor<16xf32> -> tensor<f32>
  %0 = adj.dot %u, %v : tensor<16xf32> -> tensor<f32>
  // CHECK: adj.transpose %[[X]] [2, 0, 1] : tensor<2x3x4xi1> -> tensor<4x2x3xi1>
  %1 = adj.transpose %x [2, 0, 1] : tensor<2x3x4xi1> -> tensor<4x2x3xi1>
  // CHECK: adj.transpose %[[U]] [0] : tensor<16xf32> -> tensor<16xf32>
  %2 = adj.transpose %u [0] : tensor<16xf32> -> tensor<16xf32>
  return
}

// CHECK-LABEL: func @reductions
// CHECK-SAME:    (%[[X:.*]]: tensor<64x10xf32>)
func.func @reductions(%x: tensor<64x10xf32>) {
  // CHECK: adj.sum %[[X]] : tensor<64x10xf32> -> tensor<f32>
  %0 = adj.sum %x : tensor<64x10xf32> -> tensor<f32>
  // CHECK: adj.sum %[[X]] axes [0] : tensor<64x10xf32> -> tensor<10xf32>
  %1 = adj.sum %x axes [0] : tensor<64x10xf32> -> tensor<10xf32>
  // CHECK: adj.sum %[[X]] axes [1] keepdims : tensor<64x10xf32> -> tensor<64x1xf32>
  %2 = adj.sum %x axes [1] keepdims : tensor<64x10xf32> -> tensor<64x1xf32>
  // CHECK: adj.mean %[[X]] keepdims : tensor<64x10xf32> -> tensor<1x1xf32>
  %3 = adj.mean %x keepdims : tensor<64x10xf32> -> tensor<1x1xf32>
  // CHECK: adj.max %[[X]] axes [1] : tensor<64x10xf32> -> tensor<64xf32>
  %4 = adj.max %x axes [1] : tensor<64x10xf32> -> tensor<64xf32>
  // CHECK: adj.min %[[X]] axes [1, 0] : tensor<64x10xf32> -> tensor<f32>
  %5 = adj.min %x axes [1, 0] : tensor<64x10xf32> -> tensor<f32>
  // CHECK: adj.prod %[[X]] axes [] : tensor<64x10xf32> -> tensor<64x10xf32>
  %6 = adj.prod %x axes [] : tensor<64x10xf32> -> tensor<64x10xf32>
  // CHECK: adj.logsumexp %[[X]] axes [1] keepdims : tensor<64x10xf32> -> tensor<64x1xf32>
  %7 = adj.logsumexp %x axes [1] keepdims : tensor<64x10xf32> -> tensor<64x1xf32>
  return
}

// CHECK-LABEL: func @reshape_broadcast
// CHECK-SAME:    (%[[X:.*]]: tensor<32x16x5x5xf32>, %[[B:.*]]: tensor<10xi32>)
func.func @reshape_broadcast(%x: tensor<32x16x5x5xf32>, %b: tensor<10xi32>) {
  // CHECK: adj.reshape %[[X]] : tensor<32x16x5x5xf32> -> tensor<32x400xf32>
  %0 = adj.reshape %x : tensor<32x16x5x5xf32> -> tensor<32x400xf32>
  // CHECK: adj.reshape %[[B]] : tensor<10xi32> -> tensor<2x1x5xi32>
  %1 = adj.reshape %b : tensor<10xi32> -> tensor<2x1x5xi32>
  // CHECK: adj.broadcast_to %[[B]] : tensor<10xi32> -> tensor<64x10xi32>
  %2 = adj.broadcast_to %b : tensor<10xi32> -> tensor<64x10xi32>
  // CHECK: adj.broadcast_to %[[X]] : tensor<32x16x5x5xf32> -> tensor<2x32x16x5x5xf32>
  %3 = adj.broadcast_to %x : tensor<32x16x5x5xf32> -> tensor<2x32x16x5x5xf32>
  return
}

// CHECK-LABEL: func @slice
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>)
func.func @slice(%x: tensor<4x8xf32>) {
  // CHECK: adj.slice %[[X]] start [1, 2] limit [3, 8] : tensor<4x8xf32> -> tensor<2x6xf32>
  %0 = adj.slice %x start [1, 2] limit [3, 8] : tensor<4x8xf32> -> tensor<2x6xf32>
  // CHECK: adj.slice %[[X]] start [0, 2] limit [4, 8] stride [1, 2] : tensor<4x8xf32> -> tensor<4x3xf32>
  %1 = adj.slice %x start [0, 2] limit [4, 8] stride [1, 2] : tensor<4x8xf32> -> tensor<4x3xf32>
  // CHECK: adj.slice %[[X]] start [0, 0] limit [4, 7] stride [3, 3] : tensor<4x8xf32> -> tensor<2x3xf32>
  %2 = adj.slice %x start [0, 0] limit [4, 7] stride [3, 3] : tensor<4x8xf32> -> tensor<2x3xf32>
  // CHECK: adj.slice %[[X]] start [2, 3] limit [2, 3] : tensor<4x8xf32> -> tensor<0x0xf32>
  %3 = adj.slice %x start [2, 3] limit [2, 3] : tensor<4x8xf32> -> tensor<0x0xf32>
  return
}

// CHECK-LABEL: func @concat
// CHECK-SAME:    (%[[A:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<4x5xf32>, %[[C:.*]]: tensor<4x1xf32>)
func.func @concat(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>, %c: tensor<4x1xf32>) {
  // CHECK: adj.concat %[[A]], %[[B]], %[[C]] axis 1 : tensor<4x3xf32>, tensor<4x5xf32>, tensor<4x1xf32> -> tensor<4x9xf32>
  %0 = adj.concat %a, %b, %c axis 1 : tensor<4x3xf32>, tensor<4x5xf32>, tensor<4x1xf32> -> tensor<4x9xf32>
  // CHECK: adj.concat %[[A]], %[[A]] axis 0 : tensor<4x3xf32>, tensor<4x3xf32> -> tensor<8x3xf32>
  %1 = adj.concat %a, %a axis 0 : tensor<4x3xf32>, tensor<4x3xf32> -> tensor<8x3xf32>
  // CHECK: adj.concat %[[C]] axis 0 : tensor<4x1xf32> -> tensor<4x1xf32>
  %2 = adj.concat %c axis 0 : tensor<4x1xf32> -> tensor<4x1xf32>
  return
}

// CHECK-LABEL: func @pad
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>)
func.func @pad(%x: tensor<4x8xf32>) {
  // CHECK: adj.pad %[[X]] low [0, 1] high [0, 2] : tensor<4x8xf32> -> tensor<4x11xf32>
  %0 = adj.pad %x low [0, 1] high [0, 2] : tensor<4x8xf32> -> tensor<4x11xf32>
  // CHECK: adj.pad %[[X]] low [1, 0] high [2, 0] value -1.000000e+00 : tensor<4x8xf32> -> tensor<7x8xf32>
  %1 = adj.pad %x low [1, 0] high [2, 0] value -1.0 : tensor<4x8xf32> -> tensor<7x8xf32>
  // The default value is not printed.
  // CHECK: adj.pad %[[X]] low [1, 1] high [1, 1] : tensor<4x8xf32> -> tensor<6x10xf32>
  %2 = adj.pad %x low [1, 1] high [1, 1] value 0.0 : tensor<4x8xf32> -> tensor<6x10xf32>
  // CHECK: adj.pad %[[X]] low [0, 0] high [0, 0] interior [1, 0] : tensor<4x8xf32> -> tensor<7x8xf32>
  %3 = adj.pad %x low [0, 0] high [0, 0] interior [1, 0] : tensor<4x8xf32> -> tensor<7x8xf32>
  // CHECK: adj.pad %[[X]] low [1, 0] high [0, 1] interior [2, 1] value 5.000000e-01 : tensor<4x8xf32> -> tensor<11x16xf32>
  %4 = adj.pad %x low [1, 0] high [0, 1] interior [2, 1] value 0.5 : tensor<4x8xf32> -> tensor<11x16xf32>
  return
}

// CHECK-LABEL: func @gather_one_hot
// CHECK-SAME:    (%[[T:.*]]: tensor<1000x64xf32>, %[[I:.*]]: tensor<8x16xi64>, %[[L:.*]]: tensor<64xi32>)
func.func @gather_one_hot(%t: tensor<1000x64xf32>, %i: tensor<8x16xi64>, %l: tensor<64xi32>) {
  // CHECK: adj.gather %[[T]][%[[I]]] axis 0 : tensor<1000x64xf32>, tensor<8x16xi64> -> tensor<8x16x64xf32>
  %0 = adj.gather %t[%i] axis 0 : tensor<1000x64xf32>, tensor<8x16xi64> -> tensor<8x16x64xf32>
  // CHECK: adj.gather %[[T]][%[[L]]] axis 1 : tensor<1000x64xf32>, tensor<64xi32> -> tensor<1000x64xf32>
  %1 = adj.gather %t[%l] axis 1 : tensor<1000x64xf32>, tensor<64xi32> -> tensor<1000x64xf32>
  // CHECK: adj.one_hot %[[L]] : tensor<64xi32> -> tensor<64x10xf32>
  %2 = adj.one_hot %l : tensor<64xi32> -> tensor<64x10xf32>
  // CHECK: adj.one_hot %[[I]] : tensor<8x16xi64> -> tensor<8x16x5xf64>
  %3 = adj.one_hot %i : tensor<8x16xi64> -> tensor<8x16x5xf64>
  // CHECK: adj.one_hot %[[L]] in_range : tensor<64xi32> -> tensor<64x10xf32>
  %4 = adj.one_hot %l in_range : tensor<64xi32> -> tensor<64x10xf32>
  return
}

// Constant indices in range are valid, up to the last one; so are those
// of a one_hot out of range, which are no class labels (not in_range).
// CHECK-LABEL: func @constant_indices
// CHECK: adj.gather
// CHECK: adj.softmax_cross_entropy
// CHECK: adj.one_hot
func.func @constant_indices(%t: tensor<5x3xf32>) {
  %i = adj.constant dense<[[4, 0], [2, 4]]> : tensor<2x2xi64>
  %0 = adj.gather %t[%i] axis 0 : tensor<5x3xf32>, tensor<2x2xi64> -> tensor<2x2x3xf32>
  %l = adj.constant dense<[0, 2, 1, 2, 0]> : tensor<5xi32>
  %1 = adj.softmax_cross_entropy %t, %l : tensor<5x3xf32>, tensor<5xi32> -> tensor<f32>
  %o = adj.constant dense<[-1, 7]> : tensor<2xi64>
  %2 = adj.one_hot %o : tensor<2xi64> -> tensor<2x3xf32>
  return
}

// CHECK-LABEL: func @scatter_add
// CHECK-SAME:    (%[[DY:.*]]: tensor<8x16x64xf32>, %[[I:.*]]: tensor<8x16xi64>, %[[DZ:.*]]: tensor<1000x3xf64>, %[[L:.*]]: tensor<3xi32>)
func.func @scatter_add(%dy: tensor<8x16x64xf32>, %i: tensor<8x16xi64>, %dz: tensor<1000x3xf64>, %l: tensor<3xi32>) {
  // CHECK: adj.scatter_add %[[DY]][%[[I]]] axis 0 : tensor<8x16x64xf32>, tensor<8x16xi64> -> tensor<1000x64xf32>
  %0 = adj.scatter_add %dy[%i] axis 0 : tensor<8x16x64xf32>, tensor<8x16xi64> -> tensor<1000x64xf32>
  // CHECK: adj.scatter_add %[[DZ]][%[[L]]] axis 1 : tensor<1000x3xf64>, tensor<3xi32> -> tensor<1000x5xf64>
  %1 = adj.scatter_add %dz[%l] axis 1 : tensor<1000x3xf64>, tensor<3xi32> -> tensor<1000x5xf64>
  return
}

// CHECK-LABEL: func @reverse
// CHECK-SAME:    (%[[K:.*]]: tensor<6x1x5x5xf32>, %[[M:.*]]: tensor<3xi1>)
func.func @reverse(%k: tensor<6x1x5x5xf32>, %m: tensor<3xi1>) {
  // CHECK: adj.reverse %[[K]] dims [2, 3] : tensor<6x1x5x5xf32>
  %0 = adj.reverse %k dims [2, 3] : tensor<6x1x5x5xf32>
  // CHECK: adj.reverse %[[M]] dims [0] : tensor<3xi1>
  %1 = adj.reverse %m dims [0] : tensor<3xi1>
  // CHECK: adj.reverse %[[K]] dims [] : tensor<6x1x5x5xf32>
  %2 = adj.reverse %k dims [] : tensor<6x1x5x5xf32>
  return
}

// CHECK-LABEL: func @softmax
// CHECK-SAME:    (%[[X:.*]]: tensor<64x10xf32>, %[[L:.*]]: tensor<64xi64>)
func.func @softmax(%x: tensor<64x10xf32>, %l: tensor<64xi64>) {
  // CHECK: adj.softmax %[[X]] axis 1 : tensor<64x10xf32>
  %0 = adj.softmax %x axis 1 : tensor<64x10xf32>
  // CHECK: adj.log_softmax %[[X]] axis 0 : tensor<64x10xf32>
  %1 = adj.log_softmax %x axis 0 : tensor<64x10xf32>
  // CHECK: adj.softmax_cross_entropy %[[X]], %[[L]] : tensor<64x10xf32>, tensor<64xi64> -> tensor<f32>
  %2 = adj.softmax_cross_entropy %x, %l : tensor<64x10xf32>, tensor<64xi64> -> tensor<f32>
  // The default reduction is not printed.
  // CHECK: adj.softmax_cross_entropy %[[X]], %[[L]] : tensor<64x10xf32>, tensor<64xi64> -> tensor<f32>
  %3 = adj.softmax_cross_entropy %x, %l reduction mean : tensor<64x10xf32>, tensor<64xi64> -> tensor<f32>
  // CHECK: adj.softmax_cross_entropy %[[X]], %[[L]] reduction sum : tensor<64x10xf32>, tensor<64xi64> -> tensor<f32>
  %4 = adj.softmax_cross_entropy %x, %l reduction sum : tensor<64x10xf32>, tensor<64xi64> -> tensor<f32>
  // CHECK: adj.softmax_cross_entropy %[[X]], %[[L]] reduction none : tensor<64x10xf32>, tensor<64xi64> -> tensor<64xf32>
  %5 = adj.softmax_cross_entropy %x, %l reduction none : tensor<64x10xf32>, tensor<64xi64> -> tensor<64xf32>
  return
}

// CHECK-LABEL: func @conv2d
// CHECK-SAME:    (%[[X:.*]]: tensor<32x4x28x28xf32>, %[[W:.*]]: tensor<6x4x3x3xf32>, %[[G:.*]]: tensor<6x2x3x3xf32>)
func.func @conv2d(%x: tensor<32x4x28x28xf32>, %w: tensor<6x4x3x3xf32>, %g: tensor<6x2x3x3xf32>) {
  // CHECK: adj.conv2d %[[X]], %[[W]] : tensor<32x4x28x28xf32>, tensor<6x4x3x3xf32> -> tensor<32x6x26x26xf32>
  %0 = adj.conv2d %x, %w : tensor<32x4x28x28xf32>, tensor<6x4x3x3xf32> -> tensor<32x6x26x26xf32>
  // CHECK: adj.conv2d %[[X]], %[[W]] stride [2, 1] : tensor<32x4x28x28xf32>, tensor<6x4x3x3xf32> -> tensor<32x6x13x26xf32>
  %1 = adj.conv2d %x, %w stride [2, 1] : tensor<32x4x28x28xf32>, tensor<6x4x3x3xf32> -> tensor<32x6x13x26xf32>
  // CHECK: adj.conv2d %[[X]], %[[W]] padding [1, 1, 1, 1] : tensor<32x4x28x28xf32>, tensor<6x4x3x3xf32> -> tensor<32x6x28x28xf32>
  %2 = adj.conv2d %x, %w padding [1, 1, 1, 1] : tensor<32x4x28x28xf32>, tensor<6x4x3x3xf32> -> tensor<32x6x28x28xf32>
  // CHECK: adj.conv2d %[[X]], %[[W]] dilation [2, 3] : tensor<32x4x28x28xf32>, tensor<6x4x3x3xf32> -> tensor<32x6x24x22xf32>
  %3 = adj.conv2d %x, %w dilation [2, 3] : tensor<32x4x28x28xf32>, tensor<6x4x3x3xf32> -> tensor<32x6x24x22xf32>
  // CHECK: adj.conv2d %[[X]], %[[G]] groups 2 : tensor<32x4x28x28xf32>, tensor<6x2x3x3xf32> -> tensor<32x6x26x26xf32>
  %4 = adj.conv2d %x, %g groups 2 : tensor<32x4x28x28xf32>, tensor<6x2x3x3xf32> -> tensor<32x6x26x26xf32>
  // CHECK: adj.conv2d %[[X]], %[[G]] stride [2, 2] padding [0, 1, 2, 4] dilation [1, 2] groups 2 : tensor<32x4x28x28xf32>, tensor<6x2x3x3xf32> -> tensor<32x6x14x15xf32>
  %5 = adj.conv2d %x, %g stride [2, 2] padding [0, 1, 2, 4] dilation [1, 2] groups 2 : tensor<32x4x28x28xf32>, tensor<6x2x3x3xf32> -> tensor<32x6x14x15xf32>
  return
}

// CHECK-LABEL: func @pool2d
// CHECK-SAME:    (%[[X:.*]]: tensor<32x6x28x28xf32>)
func.func @pool2d(%x: tensor<32x6x28x28xf32>) {
  // CHECK: adj.max_pool2d %[[X]] kernel [2, 2] : tensor<32x6x28x28xf32> -> tensor<32x6x14x14xf32>
  %0 = adj.max_pool2d %x kernel [2, 2] : tensor<32x6x28x28xf32> -> tensor<32x6x14x14xf32>
  // CHECK: adj.max_pool2d %[[X]] kernel [3, 3] stride [1, 2] : tensor<32x6x28x28xf32> -> tensor<32x6x26x13xf32>
  %1 = adj.max_pool2d %x kernel [3, 3] stride [1, 2] : tensor<32x6x28x28xf32> -> tensor<32x6x26x13xf32>
  // CHECK: adj.max_pool2d %[[X]] kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1] : tensor<32x6x28x28xf32> -> tensor<32x6x14x14xf32>
  %2 = adj.max_pool2d %x kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1] : tensor<32x6x28x28xf32> -> tensor<32x6x14x14xf32>
  // CHECK: adj.avg_pool2d %[[X]] kernel [2, 2] : tensor<32x6x28x28xf32> -> tensor<32x6x14x14xf32>
  %3 = adj.avg_pool2d %x kernel [2, 2] : tensor<32x6x28x28xf32> -> tensor<32x6x14x14xf32>
  // CHECK: adj.avg_pool2d %[[X]] kernel [3, 3] padding [1, 0, 1, 0] : tensor<32x6x28x28xf32> -> tensor<32x6x10x9xf32>
  %4 = adj.avg_pool2d %x kernel [3, 3] padding [1, 0, 1, 0] : tensor<32x6x28x28xf32> -> tensor<32x6x10x9xf32>
  // CHECK: adj.avg_pool2d %[[X]] kernel [3, 3] stride [1, 1] padding [1, 1, 1, 1] exclude_padding : tensor<32x6x28x28xf32> -> tensor<32x6x28x28xf32>
  %5 = adj.avg_pool2d %x kernel [3, 3] stride [1, 1] padding [1, 1, 1, 1] exclude_padding : tensor<32x6x28x28xf32> -> tensor<32x6x28x28xf32>
  return
}

// CHECK-LABEL: func @max_pool2d_derivatives
// CHECK-SAME:    (%[[X:.*]]: tensor<8x4x12x12xf32>, %[[DY:.*]]: tensor<8x4x6x6xf32>, %[[DZ:.*]]: tensor<8x4x6x5xf32>)
func.func @max_pool2d_derivatives(%x: tensor<8x4x12x12xf32>, %dy: tensor<8x4x6x6xf32>, %dz: tensor<8x4x6x5xf32>) {
  // CHECK: adj.max_pool2d_scatter %[[X]], %[[DY]] kernel [2, 2] : tensor<8x4x12x12xf32>, tensor<8x4x6x6xf32> -> tensor<8x4x12x12xf32>
  %0 = adj.max_pool2d_scatter %x, %dy kernel [2, 2] : tensor<8x4x12x12xf32>, tensor<8x4x6x6xf32> -> tensor<8x4x12x12xf32>
  // CHECK: adj.max_pool2d_scatter %[[X]], %[[DZ]] kernel [3, 3] stride [2, 2] padding [1, 0, 0, 0] : tensor<8x4x12x12xf32>, tensor<8x4x6x5xf32> -> tensor<8x4x12x12xf32>
  %1 = adj.max_pool2d_scatter %x, %dz kernel [3, 3] stride [2, 2] padding [1, 0, 0, 0] : tensor<8x4x12x12xf32>, tensor<8x4x6x5xf32> -> tensor<8x4x12x12xf32>
  // CHECK: adj.max_pool2d_gather %[[X]], %[[X]] kernel [2, 2] : tensor<8x4x12x12xf32>, tensor<8x4x12x12xf32> -> tensor<8x4x6x6xf32>
  %2 = adj.max_pool2d_gather %x, %x kernel [2, 2] : tensor<8x4x12x12xf32>, tensor<8x4x12x12xf32> -> tensor<8x4x6x6xf32>
  // CHECK: adj.max_pool2d_gather %[[X]], %[[X]] kernel [3, 3] stride [2, 2] padding [1, 0, 0, 0] : tensor<8x4x12x12xf32>, tensor<8x4x12x12xf32> -> tensor<8x4x6x5xf32>
  %3 = adj.max_pool2d_gather %x, %x kernel [3, 3] stride [2, 2] padding [1, 0, 0, 0] : tensor<8x4x12x12xf32>, tensor<8x4x12x12xf32> -> tensor<8x4x6x5xf32>
  return
}

// CHECK-LABEL: func @normalization
// CHECK-SAME:    (%[[X:.*]]: tensor<8x6x4x4xf32>, %[[C:.*]]: tensor<6xf32>, %[[H:.*]]: tensor<6x4x4xf32>, %[[W:.*]]: tensor<4xf32>)
func.func @normalization(%x: tensor<8x6x4x4xf32>, %c: tensor<6xf32>, %h: tensor<6x4x4xf32>, %w: tensor<4xf32>) {
  // CHECK: adj.layer_norm %[[X]], %[[H]], %[[H]] axis 1 : tensor<8x6x4x4xf32>, tensor<6x4x4xf32>, tensor<6x4x4xf32>
  %0 = adj.layer_norm %x, %h, %h axis 1 : tensor<8x6x4x4xf32>, tensor<6x4x4xf32>, tensor<6x4x4xf32>
  // The default epsilon (1e-5) is not printed.
  // CHECK: adj.layer_norm %[[X]], %[[W]], %[[W]] axis 3 : tensor<8x6x4x4xf32>, tensor<4xf32>, tensor<4xf32>
  %1 = adj.layer_norm %x, %w, %w axis 3 epsilon 1.0e-5 : tensor<8x6x4x4xf32>, tensor<4xf32>, tensor<4xf32>
  // CHECK: adj.layer_norm %[[X]], %[[H]], %[[H]] axis 1 epsilon 1.000000e-03 : tensor<8x6x4x4xf32>, tensor<6x4x4xf32>, tensor<6x4x4xf32>
  %2 = adj.layer_norm %x, %h, %h axis 1 epsilon 1.0e-3 : tensor<8x6x4x4xf32>, tensor<6x4x4xf32>, tensor<6x4x4xf32>
  // CHECK: %{{.*}}, %{{.*}}, %{{.*}} = adj.batch_norm %[[X]], %[[C]], %[[C]] : tensor<8x6x4x4xf32>, tensor<6xf32>, tensor<6xf32>
  %3:3 = adj.batch_norm %x, %c, %c : tensor<8x6x4x4xf32>, tensor<6xf32>, tensor<6xf32>
  // CHECK: %{{.*}}, %{{.*}}, %{{.*}} = adj.batch_norm %[[X]], %[[C]], %[[C]] epsilon 1.000000e-01 : tensor<8x6x4x4xf32>, tensor<6xf32>, tensor<6xf32>
  %4:3 = adj.batch_norm %x, %c, %c epsilon 0.1 : tensor<8x6x4x4xf32>, tensor<6xf32>, tensor<6xf32>
  return
}

// CHECK-LABEL: func @callee
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>) -> tensor<4xf32>
func.func @callee(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: %[[Y:.*]] = adj.exp %[[X]] : tensor<4xf32>
  // CHECK: return %[[Y]] : tensor<4xf32>
  %y = adj.exp %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// CHECK-LABEL: func @caller
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>) -> tensor<4xf32>
func.func @caller(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: %[[Y:.*]] = call @callee(%[[X]]) : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: %[[Z:.*]] = adj.add %[[Y]], %[[X]] : tensor<4xf32>
  // CHECK: return %[[Z]] : tensor<4xf32>
  %y = func.call @callee(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %z = adj.add %y, %x : tensor<4xf32>
  return %z : tensor<4xf32>
}

// CHECK-LABEL: func @loss
func.func @loss(%w: tensor<4x3xf32>, %b: tensor<3xf32>, %x: tensor<2x4xf32>, %l: tensor<2xi64>) -> tensor<f32> {
  %h = adj.matmul %x, %w : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  %y = adj.add %h, %b : tensor<2x3xf32>, tensor<3xf32>
  %loss = adj.softmax_cross_entropy %y, %l : tensor<2x3xf32>, tensor<2xi64> -> tensor<f32>
  return %loss : tensor<f32>
}

// CHECK-LABEL: func @vector_function
func.func @vector_function(%x: tensor<3xf64>, %s: tensor<f64>) -> tensor<3xf64> {
  %y = adj.mul %x, %s : tensor<3xf64>, tensor<f64>
  return %y : tensor<3xf64>
}

// CHECK-LABEL: func @requests
// CHECK-SAME:    (%[[W:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<3xf32>, %[[X:.*]]: tensor<2x4xf32>, %[[L:.*]]: tensor<2xi64>, %[[V:.*]]: tensor<3xf64>, %[[S:.*]]: tensor<f64>)
func.func @requests(%w: tensor<4x3xf32>, %b: tensor<3xf32>, %x: tensor<2x4xf32>, %l: tensor<2xi64>,
                    %v: tensor<3xf64>, %s: tensor<f64>) {
  // CHECK: adj.value_and_grad @loss(%[[W]], %[[B]], %[[X]], %[[L]]) : (tensor<4x3xf32>, tensor<3xf32>, tensor<2x4xf32>, tensor<2xi64>) -> (tensor<f32>, tensor<4x3xf32>, tensor<3xf32>, tensor<2x4xf32>)
  %0:4 = adj.value_and_grad @loss(%w, %b, %x, %l) : (tensor<4x3xf32>, tensor<3xf32>, tensor<2x4xf32>, tensor<2xi64>) -> (tensor<f32>, tensor<4x3xf32>, tensor<3xf32>, tensor<2x4xf32>)
  // CHECK: adj.value_and_grad @loss(%[[W]], %[[B]], %[[X]], %[[L]]) wrt [0, 1] : (tensor<4x3xf32>, tensor<3xf32>, tensor<2x4xf32>, tensor<2xi64>) -> (tensor<f32>, tensor<4x3xf32>, tensor<3xf32>)
  %1:3 = adj.value_and_grad @loss(%w, %b, %x, %l) wrt [0, 1] : (tensor<4x3xf32>, tensor<3xf32>, tensor<2x4xf32>, tensor<2xi64>) -> (tensor<f32>, tensor<4x3xf32>, tensor<3xf32>)
  // CHECK: adj.grad @loss(%[[W]], %[[B]], %[[X]], %[[L]]) wrt [1] : (tensor<4x3xf32>, tensor<3xf32>, tensor<2x4xf32>, tensor<2xi64>) -> tensor<3xf32>
  %2 = adj.grad @loss(%w, %b, %x, %l) wrt [1] : (tensor<4x3xf32>, tensor<3xf32>, tensor<2x4xf32>, tensor<2xi64>) -> tensor<3xf32>
  // CHECK: adj.vjp @vector_function(%[[V]], %[[S]]) cotangents(%[[V]]) : (tensor<3xf64>, tensor<f64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>, tensor<f64>)
  %3:3 = adj.vjp @vector_function(%v, %s) cotangents(%v) : (tensor<3xf64>, tensor<f64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>, tensor<f64>)
  // CHECK: adj.vjp @vector_function(%[[V]], %[[S]]) cotangents(%[[V]]) wrt [1] : (tensor<3xf64>, tensor<f64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<f64>)
  %4:2 = adj.vjp @vector_function(%v, %s) cotangents(%v) wrt [1] : (tensor<3xf64>, tensor<f64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<f64>)
  // CHECK: adj.jvp @vector_function(%[[V]], %[[S]]) tangents(%[[V]], %[[S]]) : (tensor<3xf64>, tensor<f64>, tensor<3xf64>, tensor<f64>) -> (tensor<3xf64>, tensor<3xf64>)
  %5:2 = adj.jvp @vector_function(%v, %s) tangents(%v, %s) : (tensor<3xf64>, tensor<f64>, tensor<3xf64>, tensor<f64>) -> (tensor<3xf64>, tensor<3xf64>)
  // CHECK: adj.jvp @vector_function(%[[V]], %[[S]]) tangents(%[[V]]) wrt [0] : (tensor<3xf64>, tensor<f64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  %6:2 = adj.jvp @vector_function(%v, %s) tangents(%v) wrt [0] : (tensor<3xf64>, tensor<f64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return
}
