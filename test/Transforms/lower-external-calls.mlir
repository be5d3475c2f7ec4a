// adj-lower-external-calls: an external function on tensors becomes one on
// buffers (inputs, then outputs; no result), and each call passes read-only
// input buffers and fresh output buffers.
// RUN: adjoint-opt %s -adj-lower-external-calls | FileCheck %s

// CHECK-LABEL: func.func private @kernel(memref<4xf32>, memref<i64>, memref<4xf32>, memref<2xf64>)
func.func private @kernel(tensor<4xf32>, tensor<i64>) -> (tensor<4xf32>, tensor<2xf64>)

// CHECK-LABEL: func.func @f(
// CHECK-SAME:      %[[X:.*]]: tensor<4xf32>, %[[K:.*]]: tensor<i64>)
// CHECK:         %[[XB:.*]] = bufferization.to_memref %[[X]] read_only : memref<4xf32>
// CHECK:         %[[KB:.*]] = bufferization.to_memref %[[K]] read_only : memref<i64>
// CHECK:         %[[Y:.*]] = memref.alloc() : memref<4xf32>
// CHECK:         %[[Z:.*]] = memref.alloc() : memref<2xf64>
// CHECK:         call @kernel(%[[XB]], %[[KB]], %[[Y]], %[[Z]]) : (memref<4xf32>, memref<i64>, memref<4xf32>, memref<2xf64>) -> ()
// CHECK:         %[[YT:.*]] = bufferization.to_tensor %[[Y]] restrict writable : memref<4xf32>
// CHECK:         %[[ZT:.*]] = bufferization.to_tensor %[[Z]] restrict writable : memref<2xf64>
// CHECK:         return %[[YT]], %[[ZT]]
func.func @f(%x: tensor<4xf32>, %k: tensor<i64>) -> (tensor<4xf32>, tensor<2xf64>) {
  %y, %z = call @kernel(%x, %k) : (tensor<4xf32>, tensor<i64>) -> (tensor<4xf32>, tensor<2xf64>)
  return %y, %z : tensor<4xf32>, tensor<2xf64>
}
