// RUN: adjoint-compile %s --emit=llvm-ir --target-triple x86_64-linux-gnu --target-cpu x86-64-v3 --prefix t -o - | FileCheck %s
// RUN: adjoint-compile %s --emit=asm --target-triple x86_64-linux-gnu --target-cpu znver4 --prefix t -o - | FileCheck %s --check-prefix=SPILL

// A loop over a long chain of float operations (the terms of chain's loss:
// polynomial tanh and exp, two divisions) interleaves four vectors: four
// times the two divisions. LLVM alone interleaves such a map once. A
// loop of 64 iterations keeps one vector of 8 per iteration.
// CHECK-LABEL: define {{.*}} @t_long(
// CHECK-COUNT-8: fdiv <8 x float>
// CHECK-NOT:     fdiv <8 x float>
// CHECK-LABEL: define {{.*}} @t_short(
// CHECK-COUNT-2: fdiv <8 x float>
// CHECK-NOT:     fdiv <8 x float>
// CHECK-LABEL: define {{.*}} @t_short_workspace_size(

// With 512-bit vectors the four chains spill vectors: to aligned slots of a
// stack realigned at entry, not across cache lines.
// SPILL-LABEL: t_long:
// SPILL:         andq $-64, %rsp
// SPILL-NOT:     vmovups %zmm{{[0-9]+}}, {{[0-9]+}}(%rsp)
// SPILL:         vmovaps %zmm{{[0-9]+}}, {{[0-9]+}}(%rsp)
// SPILL-NOT:     vmovups %zmm{{[0-9]+}}, {{[0-9]+}}(%rsp)
// SPILL-LABEL: t_long_workspace_size:
func.func @long(%x: tensor<4096xf32>) -> tensor<4096xf32> {
  %t = adj.tanh %x : tensor<4096xf32>
  %s = adj.sigmoid %x : tensor<4096xf32>
  %ts = adj.mul %t, %s : tensor<4096xf32>
  %x2 = adj.square %x : tensor<4096xf32>
  %n = adj.neg %x2 : tensor<4096xf32>
  %e = adj.exp %n : tensor<4096xf32>
  %y = adj.add %ts, %e : tensor<4096xf32>
  return %y : tensor<4096xf32>
}
func.func @short(%x: tensor<64xf32>) -> tensor<64xf32> {
  %t = adj.tanh %x : tensor<64xf32>
  %s = adj.sigmoid %x : tensor<64xf32>
  %ts = adj.mul %t, %s : tensor<64xf32>
  %x2 = adj.square %x : tensor<64xf32>
  %n = adj.neg %x2 : tensor<64xf32>
  %e = adj.exp %n : tensor<64xf32>
  %y = adj.add %ts, %e : tensor<64xf32>
  return %y : tensor<64xf32>
}
