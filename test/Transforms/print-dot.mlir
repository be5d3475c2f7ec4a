// -adj-print-dot: the DOT graph of the MLP's training step (forward ops
// blue, adjoint ops red, a dashed edge from each adjoint op to the forward
// op it came from, also after inlining), of a small function with
// hand-written derivative locations, and its errors.
// RUN: adjoint-opt %src_root/examples/mlp.mlir -adj-differentiate -inline -canonicalize "-adj-print-dot=output=%t.dot function=loss_and_gradients" -o /dev/null
// RUN: FileCheck %s --check-prefix=MLP < %t.dot
// RUN: grep -c 'style=dashed' %t.dot | FileCheck %s --check-prefix=DASHED
// RUN: adjoint-opt %s -adj-print-dot -o /dev/null | FileCheck %s
// RUN: not adjoint-opt %s -adj-print-dot=function=nope -o /dev/null 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: not adjoint-opt %s -adj-print-dot=output=%t.missing/x.dot -o /dev/null 2>&1 | FileCheck %s --check-prefix=ERR-OUT

// MLP: digraph adjoint {
// MLP: subgraph cluster_0 {
// MLP-NEXT: label="@loss_and_gradients: 12 forward, 16 adjoint, 0 tangent ops";
// MLP-NEXT: [[W1:f0_arg0]] [label="W1\ntensor<64x32xf32>", shape=invhouse, fillcolor="#fff2cc"];
// MLP: [[LABELS:f0_arg5]] [label="labels\ntensor<32xi64>", shape=invhouse
// MLP: [[Z2:f0_op[0-9]+]] [label="adj.add\ntensor<32x10xf32>", fillcolor="#cfe2f3"];
// MLP-NEXT: [[SCE:f0_op[0-9]+]] [label="adj.softmax_cross_entropy\ntensor<f32>", fillcolor="#cfe2f3"];
// MLP-NEXT: [[SM:f0_op[0-9]+]] [label="adj.softmax\ntensor<32x10xf32>", fillcolor="#f4cccc", class="adjoint"];
// MLP-NEXT: [[OH:f0_op[0-9]+]] [label="adj.one_hot\ntensor<32x10xf32>", fillcolor="#f4cccc", class="adjoint"];
// MLP-NEXT: [[SUB:f0_op[0-9]+]] [label="adj.sub\ntensor<32x10xf32>", fillcolor="#f4cccc", class="adjoint"];
// MLP: [[DW1:f0_op[0-9]+]] [label="adj.matmul\ntensor<64x32xf32>", fillcolor="#f4cccc", class="adjoint"];
// MLP-NEXT: [[LOSS:f0_res0]] [label="loss\ntensor<f32>", shape=house, fillcolor="#fff2cc"];
// MLP-NEXT: [[GW1:f0_res1]] [label="grad_W1\ntensor<64x32xf32>", shape=house
// MLP: [[Z2]] -> [[SCE]] [color="#3d85c6"];
// MLP-NEXT: [[LABELS]] -> [[SCE]] [color="#3d85c6"];
// MLP: [[Z2]] -> [[SM]] [color="#3d85c6"];
// MLP: [[SM]] -> [[SUB]] [color="#cc0000"];
// MLP-NEXT: [[OH]] -> [[SUB]] [color="#cc0000"];
// MLP: [[SCE]] -> [[LOSS]] [color="#3d85c6"];
// MLP-NEXT: [[DW1]] -> [[GW1]] [color="#cc0000"];
// MLP: [[SM]] -> [[SCE]] [style=dashed, color="#999999", constraint=false];
// MLP-NEXT: [[OH]] -> [[SCE]] [style=dashed
// MLP-NEXT: [[SUB]] -> [[SCE]] [style=dashed
// MLP-NOT: class="tangent"
// MLP: }
// MLP-NEXT: }

// Every one of the 16 adjoint ops points back to its forward op.
// DASHED: 16

// Every public function, to standard output; no private ones.
// CHECK: digraph adjoint {
// CHECK: subgraph cluster_0 {
// CHECK-NEXT: label="@f: 1 forward, 1 adjoint, 1 tangent ops";
// CHECK-NEXT: [[X:f0_arg0]] [label="x\ntensor<3xf32>", shape=invhouse
// CHECK-NEXT: [[SIN:f0_op0]] [label="adj.sin\ntensor<3xf32>", fillcolor="#cfe2f3"];
// CHECK-NEXT: [[COS:f0_op1]] [label="adj.cos\ntensor<3xf32>", fillcolor="#f4cccc", class="adjoint"];
// CHECK-NEXT: [[MUL:f0_op2]] [label="adj.mul\ntensor<3xf32>", fillcolor="#d9ead3", class="tangent"];
// CHECK-NEXT: [[R0:f0_res0]] [label="result0\ntensor<3xf32>", shape=house
// CHECK-NEXT: [[R1:f0_res1]] [label="result1\ntensor<3xf32>", shape=house
// CHECK-NEXT: [[X]] -> [[SIN]] [color="#3d85c6"];
// CHECK-NEXT: [[X]] -> [[COS]] [color="#3d85c6"];
// CHECK-NEXT: [[SIN]] -> [[MUL]] [color="#3d85c6"];
// CHECK-NEXT: [[COS]] -> [[MUL]] [color="#cc0000"];
// CHECK-NEXT: [[SIN]] -> [[R0]] [color="#3d85c6"];
// CHECK-NEXT: [[MUL]] -> [[R1]] [color="#38761d"];
// CHECK-NEXT: [[COS]] -> [[SIN]] [style=dashed
// CHECK-NEXT: [[MUL]] -> [[SIN]] [style=dashed
// CHECK-NEXT: }
// CHECK-NEXT: subgraph cluster_1 {
// CHECK-NEXT: label="@g: 1 forward, 0 adjoint, 0 tangent ops";
// CHECK-NOT: @hidden
// CHECK: }
// CHECK-NEXT: }

// ERR: error: adj-print-dot: no function @nope with a body; the module has @f, @g, @hidden{{$}}
// ERR-NOT: see current operation
// ERR-OUT: error: adj-print-dot: cannot write '{{.*}}x.dot'

func.func @f(%x: tensor<3xf32> {adj.name = "x"}) -> (tensor<3xf32>, tensor<3xf32>) {
  %s = adj.sin %x : tensor<3xf32> loc("forward")
  %c = adj.cos %x : tensor<3xf32> loc("adjoint"("forward"))
  %t = adj.mul %s, %c : tensor<3xf32>, tensor<3xf32> loc("tangent"("forward"))
  return %s, %t : tensor<3xf32>, tensor<3xf32>
}
func.func @g(%x: tensor<3xf32>) -> tensor<3xf32> {
  %y = func.call @hidden(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}
func.func private @hidden(%x: tensor<3xf32>) -> tensor<3xf32> {
  %y = adj.neg %x : tensor<3xf32>
  return %y : tensor<3xf32>
}
