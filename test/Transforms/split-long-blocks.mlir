// RUN: adjoint-opt %s -adj-split-long-blocks=ops=2 | FileCheck %s
// RUN: not adjoint-opt %s -adj-split-long-blocks=ops=0 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: error: adj-split-long-blocks: ops must be >= 1

// A block of 7 ops and a terminator becomes four blocks of at most 2 ops,
// joined by branches; the loop's own body stays one block.
// CHECK-LABEL: func.func @f
// CHECK:         arith.constant 0
// CHECK-NEXT:    arith.constant 1
// CHECK-NEXT:    cf.br ^[[B0:.*]]
// CHECK:       ^[[B0]]:
// CHECK-NEXT:    arith.addf
// CHECK-NEXT:    arith.mulf
// CHECK-NEXT:    cf.br ^[[B1:.*]]
// CHECK:       ^[[B1]]:
// CHECK-NEXT:    arith.subf
// CHECK-NEXT:    scf.for
// CHECK-NEXT:      arith.addf
// CHECK-NEXT:      scf.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    cf.br ^[[B2:.*]]
// CHECK:       ^[[B2]]:
// CHECK-NEXT:    arith.divf
// CHECK-NEXT:    return
func.func @f(%x: f32, %n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = arith.addf %x, %x : f32
  %b = arith.mulf %a, %x : f32
  %c = arith.subf %b, %a : f32
  %l = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c) -> f32 {
    %s = arith.addf %acc, %x : f32
    scf.yield %s : f32
  }
  %d = arith.divf %l, %b : f32
  return %d : f32
}

// A block of at most `ops` ops is left alone.
// CHECK-LABEL: func.func @short
// CHECK-NOT:     cf.br
// CHECK:         return
func.func @short(%x: f32) -> f32 {
  %a = arith.addf %x, %x : f32
  return %a : f32
}
