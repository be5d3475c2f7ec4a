//===- Passes.td - Conversion passes -----------------------*- tablegen -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_CONVERSION_PASSES_TD
#define ADJOINT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertAdjToLinalg : Pass<"convert-adj-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower adj ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every adj op into upstream ops on tensors: named linalg ops
    where they exist (`linalg.matmul`, `linalg.batch_matmul`,
    `linalg.conv_2d_*`, `linalg.pooling_*`, `linalg.transpose`), and
    `linalg.generic` otherwise, with `tensor` ops for reshapes, slices,
    padding and concatenation, and `arith`/`math` in the bodies. The result
    is the input of one-shot bufferization. Composite ops (softmax, norms,
    cross-entropy, ...) are expected to have been decomposed by
    `adj-decompose` first; derivative requests resolved by
    `adj-differentiate`.

    Before:
    ```mlir
    %y = adj.add %x, %b : tensor<4x3xf32>, tensor<3xf32>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<4x3xf32>
    %y = linalg.generic {indexing_maps = [(d0, d1) -> (d0, d1), (d0, d1) -> (d1),
                                          (d0, d1) -> (d0, d1)], ...}
        ins(%x, %b : tensor<4x3xf32>, tensor<3xf32>) outs(%e : tensor<4x3xf32>) {
      ^bb0(%a: f32, %c: f32, %out: f32):
        %s = arith.addf %a, %c : f32
        linalg.yield %s : f32
    } -> tensor<4x3xf32>
    ```
    An op without a lowering is an error at its location.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // ADJOINT_CONVERSION_PASSES_TD
