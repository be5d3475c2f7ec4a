// RUN: adjoint-opt %s -adj-outline-long-functions=ops=8 | FileCheck %s
// RUN: not adjoint-opt %s -adj-outline-long-functions=ops=0 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: error: adj-outline-long-functions: ops must be >= 1

// Two loop nests of 5 ops and the loads after them: two pieces. The
// constants and workspace views are copied into the pieces that use them;
// the scalar %s crosses as a result and an argument, as does the value.
// CHECK-LABEL: func.func @f(
// CHECK-SAME:      %[[X:.*]]: memref<4xf32>, %[[WS:.*]]: memref<64xi8>)
// CHECK:         %[[S:.*]] = call @f_part0(%[[WS]], %[[X]]) : (memref<64xi8>, memref<4xf32>) -> f32
// CHECK-NEXT:    %[[R:.*]] = call @f_part1(%[[S]], %[[WS]]) : (f32, memref<64xi8>) -> f32
// CHECK-NEXT:    return %[[R]] : f32
// CHECK:       func.func private @f_part1(%[[S1:.*]]: f32, %[[WS1:.*]]: memref<64xi8>) -> f32
// CHECK-SAME:      llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"]
// CHECK-DAG:     %[[A1:.*]] = memref.view %[[WS1]][%{{.*}}][] : memref<64xi8> to memref<4xf32>
// CHECK-DAG:     %[[B1:.*]] = memref.view %[[WS1]][%{{.*}}][] : memref<64xi8> to memref<4xf32>
// CHECK:         scf.for
// CHECK:           arith.addf %{{.*}}, %[[S1]] : f32
// CHECK:         %[[T:.*]] = memref.load
// CHECK-NEXT:    %[[R1:.*]] = arith.addf %[[S1]], %[[T]] : f32
// CHECK-NEXT:    return %[[R1]] : f32
// CHECK:       func.func private @f_part0(%[[WS0:.*]]: memref<64xi8>, %[[X0:.*]]: memref<4xf32>) -> f32
// CHECK:         %[[A0:.*]] = memref.view %[[WS0]]
// CHECK:         scf.for
// CHECK:           memref.load %[[X0]]
// CHECK:           memref.store %{{.*}}, %[[A0]]
// CHECK:         %[[S0:.*]] = memref.load %[[A0]]
// CHECK-NEXT:    return %[[S0]] : f32
func.func @f(%x: memref<4xf32>, %ws: memref<64xi8>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %a = memref.view %ws[%c0][] : memref<64xi8> to memref<4xf32>
  %b = memref.view %ws[%c16][] : memref<64xi8> to memref<4xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %x[%i] : memref<4xf32>
    %w = arith.mulf %v, %v : f32
    memref.store %w, %a[%i] : memref<4xf32>
  }
  %s = memref.load %a[%c1] : memref<4xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %a[%i] : memref<4xf32>
    %w = arith.addf %v, %s : f32
    memref.store %w, %b[%i] : memref<4xf32>
  }
  %t = memref.load %b[%c0] : memref<4xf32>
  %r = arith.addf %s, %t : f32
  return %r : f32
}

// Short enough: unchanged.
// CHECK-LABEL: func.func @short
// CHECK-NOT:     call
// CHECK:         return
func.func @short(%x: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %v = memref.load %x[%c0] : memref<4xf32>
  %w = arith.mulf %v, %v : f32
  memref.store %w, %x[%c0] : memref<4xf32>
  return
}

// A buffer of dynamic shape cannot cross a call (the bare-pointer
// convention rebuilds a buffer from its static shape), nor can one on the
// stack leave the piece that allocates it: the first two pieces stay, the
// third takes the stack buffer as an argument.
// CHECK-LABEL: func.func @stays
// CHECK:         %[[ST:.*]] = memref.alloca() : memref<4xf32>
// CHECK:         scf.for
// CHECK:         scf.for
// CHECK:         call @stays_part2(%[[ST]], %{{.*}}) : (memref<4xf32>, index) -> ()
// CHECK-NEXT:    return
// CHECK:       func.func private @stays_part2
// CHECK-NOT:     memref.alloca
// CHECK:         scf.for
func.func @stays(%x: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %st = memref.alloca() : memref<4xf32>
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<?xf32>
    %w = arith.mulf %v, %v : f32
    memref.store %w, %x[%i] : memref<?xf32>
  }
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<?xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %st[%c0] : memref<4xf32>
  }
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %st[%c0] : memref<4xf32>
    memref.store %v, %st[%c1] : memref<4xf32>
  }
  return
}
// CHECK-NOT: func.func private @short
// CHECK-NOT: func.func private @stays_part0
// CHECK-NOT: func.func private @stays_part1
