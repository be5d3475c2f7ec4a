//===- Passes.td - adj-to-adj transformations --------------*- tablegen -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_TRANSFORMS_PASSES_TD
#define ADJOINT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AdjDecompose : Pass<"adj-decompose", "::mlir::ModuleOp"> {
  let summary = "Rewrite composite adj ops into primitive adj ops";
  let description = [{
    Expands the ops that are compositions of others (softmax, log_softmax,
    softmax_cross_entropy, logsumexp, mean, layer_norm, batch_norm, gelu)
    into the primitive adj ops that `convert-adj-to-linalg`
    lowers, in their numerically stable forms (the maximum is subtracted
    before exponentiating). It runs after differentiation, so derivative
    rules still see the composite ops.

    Before:
    ```mlir
    %p = adj.softmax %x axis 1 : tensor<4x10xf32>
    ```
    After:
    ```mlir
    %m = adj.max %x axes [1] keepdims : tensor<4x10xf32> -> tensor<4x1xf32>
    %d = adj.sub %x, %m : tensor<4x10xf32>, tensor<4x1xf32>
    %e = adj.exp %d : tensor<4x10xf32>
    %s = adj.sum %e axes [1] keepdims : tensor<4x10xf32> -> tensor<4x1xf32>
    %p = adj.div %e, %s : tensor<4x10xf32>, tensor<4x1xf32>
    ```
  }];
  let dependentDialects = ["::adjoint::adj::AdjDialect"];
}

def AdjIsolateResults : Pass<"adj-isolate-results", "::mlir::ModuleOp"> {
  let summary = "Give every result of an exported function a buffer of its own";
  let description = [{
    Before bufferization turns results into caller-allocated out-parameters,
    each result of a public function must be a tensor computed in the
    function: a result that is an argument, a constant, or a value returned
    twice is copied (`linalg.copy` into a `tensor.empty`). The copies become
    the writes into the caller's output buffers.

    ```mlir
    func.func @f(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
      return %x, %x : tensor<3xf32>, tensor<3xf32>
    }
    ```
    returns two `linalg.copy` results of `%x`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def AdjExportCAbi : Pass<"adj-export-c-abi", "::mlir::ModuleOp"> {
  let summary = "Give exported functions their C ABI: a workspace and a status";
  let description = [{
    Runs on bufferized functions whose results are already caller-allocated
    out-parameters. For each public function:

    1. every `memref.alloc` (all are statically shaped) becomes a
       `memref.view` at a fixed, 64-byte-aligned offset of one new trailing
       argument, the workspace (`memref<Nxi8>`, `adj.name = "workspace"`),
       so a call allocates nothing;
    2. the function returns an `i32` status, 0 on success;
    3. `adj.workspace_size = N` records the workspace's size in bytes, and a
       function `@<name>_workspace_size() -> i64` returns it at run time.

    With `reuse` (the default), buffers whose lifetimes (first to last use
    in the function's body, views included) are disjoint share bytes; the
    offsets come from a largest-first first-fit placement. Without it, N is
    the sum of the function's buffers.

    ```mlir
    func.func @f(%x: memref<4xf32>, %out: memref<4xf32>) {
      %t = memref.alloc() : memref<4xf32>
      ...
    }
    ```
    becomes
    ```mlir
    func.func @f(%x: memref<4xf32>, %out: memref<4xf32>,
                 %ws: memref<64xi8> {adj.name = "workspace"}) -> i32
        attributes {adj.workspace_size = 64 : i64} {
      %c0 = arith.constant 0 : index
      %t = memref.view %ws[%c0][] : memref<64xi8> to memref<4xf32>
      ...
    }
    ```
    A function that still calls another (not inlined) or allocates inside a
    loop is an error.
  }];
  let options = [
    Option<"reuse", "reuse", "bool", /*default=*/"true",
           "Let buffers with disjoint lifetimes share workspace bytes">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def AdjFuseElementwise : Pass<"adj-fuse-elementwise"> {
  let summary = "Fuse elementwise ops and reductions into few loop nests";
  let description = [{
    Runs on linalg on tensors. Named ops other than contractions and
    convolutions are generalized; an all-parallel `linalg.generic` is fused
    into each generic consumer that reads it without broadcasting (even when
    it has several consumers: its computation is repeated in each), and two
    generics with the same loop ranges that read a common tensor the same
    way, neither using the other, are merged into one that yields the results
    of both. Run canonicalize and CSE afterwards: they remove the duplicated
    inputs and computation.

    The loss and gradient of `sum(exp(x))`:
    ```mlir
    %e = linalg.generic {iterator_types = ["parallel"]} ins(%x) outs(%t) { exp }
    %l = linalg.reduce ins(%e) outs(%zero) dimensions = [0] { addf }
    %g = linalg.generic {iterator_types = ["parallel"]} ins(%e) outs(%t) { copy }
    ```
    become one loop:
    ```mlir
    %l, %g = linalg.generic {indexing_maps = [#id, #scalar, #id],
                             iterator_types = ["reduction"]}
        ins(%x) outs(%zero, %t) {
    ^bb0(%in: f32, %acc: f32, %out: f32):
      %e = math.exp %in : f32
      %s = arith.addf %e, %acc : f32
      linalg.yield %s, %e : f32, f32
    }
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def AdjFastMath : Pass<"adj-fast-math"> {
  let summary = "Polynomial f32 transcendentals and reassociable reductions";
  let description = [{
    Makes elementwise and reduction loops vectorizable: f32 `math.exp`,
    `expm1`, `log`, `log1p`, `log2`, `tanh` and `erf` are replaced by MLIR's
    polynomial approximations (a few ulp; f64 keeps libm), and the float op
    that combines a reduction's value with its accumulator gets the
    `reassoc` fast-math flag, so LLVM may keep partial sums in vector lanes.
    The summation order is then fixed when compiling: results are the same
    for every call and every thread count.

    ```mlir
    %s = arith.addf %in, %acc : f32
    ```
    in a `linalg.generic` with a reduction iterator becomes
    ```mlir
    %s = arith.addf %in, %acc fastmath<reassoc> : f32
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def AdjPrintDot : Pass<"adj-print-dot", "::mlir::ModuleOp"> {
  let summary = "Write the dataflow graph of functions as Graphviz DOT";
  let description = [{
    Writes one DOT graph with a cluster per function (every public function
    with a body, or the one `function` names) to `output` (a file; `-`, the
    default, is standard output). The IR is not changed.

    * one node per op, labelled with its name and result types; the
      function's arguments (`invhouse`) and results (`house`) are nodes of
      their own, labelled with their `adj.name` and type;
    * one edge per SSA use, from the defining op (or argument) to the user
      (or result); `#i` on the tail names the result of a multi-result op;
    * forward ops are blue; derivative ops, located at `"adjoint"(<loc>)`
      (red) or `"tangent"(<loc>)` (green), are told apart by their location,
      also through the call-site locations inlining adds;
    * a dashed grey edge goes from each derivative op to the op of the same
      function at the location it points back to (the forward op whose rule
      built it).

    The kinds come from locations: IR printed without
    `--mlir-print-debuginfo` and read back has lost them.

    ```sh
    adjoint-opt mlp.mlir -adj-differentiate -inline -canonicalize --mlir-print-debuginfo -o step.mlir
    adjoint-opt step.mlir -adj-print-dot="output=mlp.dot function=loss_and_gradients"
    dot -Tsvg mlp.dot -o mlp.svg
    ```
  }];
  let options = [
    Option<"output", "output", "std::string", /*default=*/"\"-\"",
           "The DOT file to write ('-': standard output)">,
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The function to draw (default: every public function)">,
  ];
}

#endif // ADJOINT_TRANSFORMS_PASSES_TD
