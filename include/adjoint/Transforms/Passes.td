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
    before exponentiating). Ops of other dialects that implement
    `DecomposableOpInterface` (a dialect plugin's ops) are expanded by their
    own `decompose`. It runs after differentiation, so derivative rules still
    see the composite ops.

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

    Arguments are read-only in the C ABI, so each tensor argument of a public
    function is marked `bufferization.writable = false`: an op that would
    write into an argument's buffer in place gets a buffer of its own.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def AdjUnshareEmptyTensors : Pass<"adj-unshare-empty-tensors"> {
  let summary = "Give each few uses of a tensor.empty a tensor.empty of their own";
  let description = [{
    CSE merges identical `tensor.empty` ops, so after it one `tensor.empty`
    is the output tensor of every linalg op of its shape. One-Shot
    Bufferize then sees all those ops writing into the same tensor and
    checks each in-place write against every other use of it: quadratic in
    the length of the function (an unrolled 40-step ODE solve spent 19 s
    there, 1 s with this pass). Run just before bufferization, this pass
    gives each run of `uses-per-tensor` neighbouring uses (in program
    order) a `tensor.empty` of their own, cloned next to the original. A
    few sharing one keeps what the sharing is good for: a chain of
    elementwise ops is written in place, into one buffer.

    ```mlir
    %e = tensor.empty() : tensor<4xf32>
    %a = linalg.generic ... outs(%e : tensor<4xf32>)
    %b = linalg.generic ... outs(%e : tensor<4xf32>)
    %c = linalg.generic ... outs(%e : tensor<4xf32>)
    ```
    with `uses-per-tensor=2` becomes two `tensor.empty` ops, one for `%a`
    and `%b`, one for `%c`.
  }];
  let options = [
    Option<"usesPerTensor", "uses-per-tensor", "int64_t", /*default=*/"8",
           "Most uses of one tensor.empty">,
  ];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def AdjLowerExternalCalls : Pass<"adj-lower-external-calls", "::mlir::ModuleOp"> {
  let summary = "Give external functions (kernels in C) their C signature";
  let description = [{
    A model may call a function it only declares, an external kernel linked
    into the library (`adjoint-compile --link kernel.o`). Before
    bufferization, each such declaration on tensors becomes one on buffers:
    its arguments, then one output buffer per result, returning nothing; each
    call passes its arguments' buffers (which the kernel must only read) and
    fresh output buffers, which later become workspace. With the bare-pointer
    convention of the LLVM lowering, the kernel is the C function

    ```c
    void my_kernel(const float *x, const int64_t *k, float *y);
    ```

    Before:
    ```mlir
    func.func private @my_kernel(tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
    %y = call @my_kernel(%x, %k) : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
    ```
    After:
    ```mlir
    func.func private @my_kernel(memref<4xf32>, memref<i64>, memref<4xf32>)
    %xb = bufferization.to_memref %x read_only : memref<4xf32>
    %kb = bufferization.to_memref %k read_only : memref<i64>
    %yb = memref.alloc() : memref<4xf32>
    call @my_kernel(%xb, %kb, %yb) : (memref<4xf32>, memref<i64>, memref<4xf32>) -> ()
    %y = bufferization.to_tensor %yb restrict writable : memref<4xf32>
    ```

    Only statically shaped tensors of f32, f64, i32 or i64 can cross: any
    other argument or result type is an error at the declaration.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::memref::MemRefDialect"];
}

def AdjExportCAbi : Pass<"adj-export-c-abi", "::mlir::ModuleOp"> {
  let summary = "Give exported functions their C ABI: a workspace and a status";
  let description = [{
    Runs once, on bufferized functions whose results are already
    caller-allocated out-parameters: the last pass of `adj-stage-bufferize`.
    Anything else is an error that says so: a public function that takes a
    tensor or returns anything but the one `i32` status of
    `adj-check-numerics`/`adj-check-indices` (not bufferized), or a module
    whose functions already have `adj.workspace_size` (a second run). For
    each public function:

    1. every `memref.alloc` (all are statically shaped) becomes a
       `memref.view` at a fixed, 64-byte-aligned offset of one new trailing
       argument, the workspace (`memref<Nxi8>`),
       so a call allocates nothing; the view records its buffer's bytes
       (`adj.buffer = array<i64: offset, size>`) for
       `adj-mark-buffer-accesses`;
    2. the function returns an `i32` status, 0 on success (or, if it
       already has one `i32` result, the status `adj-check-numerics`
       computed);
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
                 %ws: memref<64xi8>) -> i32
        attributes {adj.workspace_size = 64 : i64} {
      %c0 = arith.constant 0 : index
      %t = memref.view %ws[%c0][] {adj.buffer = array<i64: 0, 16>}
          : memref<64xi8> to memref<4xf32>
      ...
    }
    ```
    A function that still calls another (not inlined) or allocates inside a
    loop is an error. A workspace larger than `warn-bytes` (16 GiB) gets a
    warning at its largest buffer, with both sizes: the library is built,
    but a caller would most likely fail to allocate the workspace.
  }];
  let options = [
    Option<"reuse", "reuse", "bool", /*default=*/"true",
           "Let buffers with disjoint lifetimes share workspace bytes">,
    Option<"warnBytes", "warn-bytes", "int64_t",
           /*default=*/"int64_t(16) << 30",
           "Warn when a workspace takes more bytes than this">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def AdjCheckNumerics : Pass<"adj-check-numerics", "::mlir::ModuleOp"> {
  let summary = "Make exported functions report the first NaN or Inf an op produces";
  let description = [{
    For `adjoint-compile --check-numerics`. Runs on adj IR after the optimize
    stage (every call inlined), before lowering. In each public function,
    after every op with a float tensor result (constants aside), a
    `linalg.generic` reduction computes whether the result holds a NaN or an
    Inf, and a scalar `i32` status, threaded through the function in program
    order, takes that op's id if it is still 0. The status becomes a new
    last result, which `adj-export-c-abi` returns as the C function's
    status. The function stays pure: no global state, no side effects.

    Ids are numbered from 1 across the module; the module attribute
    `adj.status_messages` holds message `i - 1` for id `i`, naming the op,
    its location and whether it is a forward op or a derivative
    (`"adjoint"(...)`: reverse mode, `"tangent"(...)`: forward mode).

    ```mlir
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %y = adj.log %x : tensor<4xf32>
      return %y : tensor<4xf32>
    }
    ```
    becomes
    ```mlir
    module attributes {adj.status_messages = ["adj.log at f.mlir:2:8 (forward) ..."]} {
      func.func @f(%x: tensor<4xf32>) -> (tensor<4xf32>, i32) attributes {adj.checked_numerics, adj.status} {
        %c0 = arith.constant 0 : i32
        %y = adj.log %x : tensor<4xf32>
        %bad = linalg.generic ... ins(%y) outs(...) -> tensor<i1>  // |y| >= inf, or-reduced
        %b = tensor.extract %bad[] : tensor<i1>
        ... %s = arith.select (%c0 == 0 and %b), 1, %c0
        return %y, %s : tensor<4xf32>, i32
      }
    }
    ```
    A public function that still calls another is an error: the ops of the
    callee would go unchecked. After `adj-check-indices` (a function
    marked `adj.status`), the ids continue its messages and the two
    statuses combine into one, the index status ahead. A function it
    checked is marked `adj.checked_numerics` and not checked again.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

def AdjCheckIndices : Pass<"adj-check-indices", "::mlir::ModuleOp"> {
  let summary = "Make exported functions report the first index out of range";
  let description = [{
    On by default in `adjoint-compile` (`--check-indices=false` turns it
    off). Runs on adj IR after the optimize stage (every call inlined),
    before lowering. In each public function, after every `adj.gather`,
    `adj.scatter_add`, `adj.softmax_cross_entropy` and `adj.one_hot`
    marked `in_range` (class labels: the cross-entropy's derivative, ONNX
    losses) whose indices or labels are not constants (the ops' verifiers
    reject a constant out of range), a `linalg.generic` reduction
    computes whether one lies outside `[0, size)`, and a scalar `i32`
    status, threaded through the function in program order, takes that
    op's id if it is still 0. Indices already checked against the same
    bound are not checked again (the `adj.scatter_add` of a gather's
    derivative). The status becomes a new last result, which
    `adj-export-c-abi` returns as the C function's status; after
    `adj-check-numerics` (a function marked `adj.status`) it is combined
    with that one instead, ahead of it. Ids continue the module's
    `adj.status_messages`. A function it checked is marked
    `adj.checked_indices` and not checked again. An index read inside a
    nested region, or in a function of several blocks, is an error: its
    check could not reach the status.

    ```mlir
    func.func @f(%t: tensor<5x3xf32>, %i: tensor<4xi64>) -> tensor<4x3xf32> {
      %e = adj.gather %t[%i] axis 0 : tensor<5x3xf32>, tensor<4xi64> -> tensor<4x3xf32>
      return %e : tensor<4x3xf32>
    }
    ```
    becomes
    ```mlir
    module attributes {adj.status_messages = ["adj.gather at f.mlir:2:8 (forward) read an index outside [0, 5) in f"]} {
      func.func @f(%t: tensor<5x3xf32>, %i: tensor<4xi64>) -> (tensor<4x3xf32>, i32) attributes {adj.checked_indices, adj.status} {
        %c0 = arith.constant 0 : i32
        %e = adj.gather %t[%i] axis 0 : tensor<5x3xf32>, tensor<4xi64> -> tensor<4x3xf32>
        %bad = linalg.generic ... ins(%i) outs(...) -> tensor<i1>  // i >=u 5, or-reduced
        %b = tensor.extract %bad[] : tensor<i1>
        ... %s = arith.select (%c0 == 0 and %b), 1, %c0
        return %e, %s : tensor<4x3xf32>, i32
      }
    }
    ```
    A plain `adj.one_hot` is not checked: a label out of its range gives a
    row of zeros by definition (ONNX OneHot).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def AdjLowerToKernels : Pass<"adj-lower-to-kernels", "::mlir::ModuleOp"> {
  let summary = "Call the kernel runtime for f32 and f64 matmuls and convolutions";
  let description = [{
    Runs on bufferized functions, before `adj-export-c-abi`. Every f32 or
    f64 `linalg.matmul`, `matmul_transpose_a/b`, `batch_matmul`,
    `batch_matmul_transpose_a/b`, `conv_2d_nchw_fchw` and
    `conv_2d_ngchw_gfchw` (all operands of one element type) becomes a call of the kernel runtime that
    adjoint-compile links into every library (lib/Runtime/kernels.c:
    packed, register-blocked, multithreaded over output tiles;
    `adjoint_rt_sgemm`, `adjoint_rt_dgemm` for f64, and so on), with each
    operand passed as a pointer and its strides:

    * an operand written by a `linalg.transpose` whose source is not
      written before the kernel runs is read from the source through a
      `memref.transpose` view (its strides), and the transpose is erased
      when nothing else reads its result: the transposed operands of
      gradients (xᵀ·dy, dy·Wᵀ, the convolution gradients) cost no copy;
    * an output that holds zeros (a `linalg.fill` of 0, or a copy of one)
      is overwritten instead of accumulated, and the fill or copy is erased
      when nothing reads it in between;
    * a convolution's input that is a zero-padded copy of an image (a
      zero `linalg.fill` or `linalg.map` of a buffer, then a `linalg.copy`
      of the image into a `memref.subview` of its interior: tensor.pad
      after bufferization) is passed as the image and the padding before
      it, for the shapes whose runtime kernel reads the image in place
      (output rows of 9 to 15 pixels, at most 16 output channels, row
      stride 1); the fill and copy are erased when nothing else reads the
      padded buffer;
    * the kernels' packing buffers (and padded copies) are one
      `memref.alloc` per function, which `adj-export-c-abi` places in the
      workspace.

    ```mlir
    linalg.transpose ins(%x : memref<32x64xf32>) outs(%t : memref<64x32xf32>) permutation = [1, 0]
    linalg.fill ins(%zero : f32) outs(%dw : memref<64x32xf32>)
    linalg.matmul ins(%t, %dy : memref<64x32xf32>, memref<32x32xf32>) outs(%dw : memref<64x32xf32>)
    ```
    becomes a call `adjoint_rt_sgemm(1, 64, 32, 32, x, 0, 1, 64, dy, ...,
    dw, ..., /*accumulate=*/0, scratch)`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect"];
}

def AdjFuseElementwise : Pass<"adj-fuse-elementwise"> {
  let summary = "Fuse elementwise ops and reductions into few loop nests";
  let description = [{
    Runs on linalg on tensors. A matmul or batch_matmul of a transposed
    operand becomes its `_transpose_a`/`_transpose_b` variant reading the
    untransposed tensor (the kernels read it strided; a transpose left
    feeding only matmuls and convolutions stays named for
    `adj-lower-to-kernels`). The transpose of a product with a transposed
    operand, read only by the transpose, is the product of the swapped
    operands ((aᵀb)ᵀ = bᵀa), and the sum of two products is the second
    product accumulated into the first one's result. A product over a
    reduced dimension of extent 1 (an outer product) becomes an
    elementwise multiplication reading its operands through broadcasting
    maps (plus the output when it accumulates). Named ops other than
    contractions and convolutions are generalized, and NCHW pooling ops
    too, with the loop along the output row innermost (vectorizable) and
    the window's loops outside it. A map computing a `math`
    op that a reduction reads, and that a later op reads together with the
    reduction's result (softmax's exp), is fused into the reduction, which
    also yields it for the later op. Then an
    all-parallel `linalg.generic` is fused into each generic consumer that
    reads it without broadcasting (even when it has several consumers: its
    computation is repeated in each), and two generics with the same loop
    ranges that read a common tensor the same way, neither using the other,
    are merged into one that yields the results of both (where the second
    stands, or where the first stands if the first's results are used in
    between and the second's inputs are available there), unless both
    reduce, over different dimensions. Last, the innermost reduction
    dimensions of a generic that are adjacent in every operand become one
    (a batch norm's sums over H and W of NCHW: one loop of H·W, on
    collapsed views), and so do the trailing dimensions of an all-parallel
    generic whose rows are not whole 8-element vectors, as far as every
    operand reads them contiguously or not at all (an elementwise map of
    11 x 11 planes: one loop instead of one masked vector per row). Run
    canonicalize and CSE afterwards: they remove the duplicated inputs and
    computation.

    The backward pass of `x W` multiplies by a transposed weight:
    ```mlir
    %wt = linalg.transpose ins(%w : tensor<512x10xf32>) outs(%e) permutation = [1, 0]
    %dx = linalg.matmul ins(%dy, %wt : tensor<64x10xf32>, tensor<10x512xf32>) outs(%z)
    ```
    becomes
    ```mlir
    %dx = linalg.matmul_transpose_b ins(%dy, %w : tensor<64x10xf32>, tensor<512x10xf32>) outs(%z)
    ```

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
    polynomial approximations (within 4 ulp, subnormal inputs of `log` and
    `log2` included; f64 keeps libm's functions, which the LLVM stage
    vectorizes with glibc's libmvec on x86-64), and the float op
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

    Near ±1, `tanh` (from |x| ≈ 7.9) and `erf` (from |x| ≈ 3.8) round to
    ±1 a few ulp early, so a derivative computed from their result, such
    as 1 - tanh², is 0 there instead of about 1e-7. `-O0` keeps libm.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def AdjPreciseMath : Pass<"adj-precise-math", "::mlir::ModuleOp"> {
  let summary = "Call libm for math.expm1 and math.log1p";
  let description = [{
    `convert-math-to-llvm` lowers `math.expm1` to `exp(x) - 1` and
    `math.log1p` to `log(1 + x)`, which are 0 for a tiny `x` (the true values
    are `x`). This pass turns the two ops into calls of libm's `expm1` and
    `log1p` (`expm1f`, `log1pf` for f32); other math ops are left to
    `convert-math-to-llvm`. It runs in the `llvm` stage, optimized or not.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def AdjParallelizeLoops : Pass<"adj-parallelize-loops", "::mlir::ModuleOp"> {
  let summary = "Run large elementwise and reduction loops on all threads";
  let description = [{
    Runs on bufferized functions (the start of the `llvm` stage, before
    loops are formed). Each `linalg.generic` at the top level of a function
    with at least two chunks of `chunk-work` iterations (an iteration of a
    body of n ops counts n / `ops-per-iteration`, at least 1) is split along
    one loop dimension into a fixed number of chunks (a power of two that
    depends only on the loop nest), handed out to as many threads as the
    kernel runtime uses (`<prefix>_set_num_threads`, else
    `OMP_NUM_THREADS`) by an OpenMP worksharing loop (`omp.parallel` /
    `omp.wsloop schedule(static)`: each thread a contiguous run of chunks,
    the rows it had in the loop before and in the kernels' products, which
    are in its core's cache). One thread runs the same region (libomp runs
    it on the calling thread): every thread count runs the same compiled
    chunks, so no copy of the loop that LLVM might vectorize differently.

    The split dimension is the outermost one (a batch) if the largest
    output indexes it and the other outputs are reductions over it (partial
    results, below): a convolution's bias gradient beside its relu mask,
    split along the images, not the channels, so that each thread writes
    the images the kernels before and after it gave it. Else it is the
    outermost one every output indexes; then each output element is
    computed by one chunk in the original order. If
    there is none (a reduction over all of a loop, like a loss), the
    outermost dimension is split and each chunk reduces into a
    thread-local accumulator, starting at the combining op's neutral
    element, then stores it in its slot of a buffer of partial results on
    the stack, which one loop after the parallel region folds into the
    output in chunk order. Either way the result does not depend on the
    number of threads. The views and constants a chunk reads are cloned
    into the region, so that the outlined function sees the workspace's
    views as offsets of one pointer and LLVM knows they do not overlap.
    Split along the innermost loop (a column sum), a chunk keeps at least
    64 of its iterations, so that its inner loop still vectorizes. A body
    that reads `linalg.index` (pooling windows, their argmax and scatter)
    gets the chunk's start added to the split dimension's index.

    ```mlir
    linalg.generic {indexing_maps = [#id, #scalar], iterator_types = ["reduction"]}
        ins(%x : memref<1048576xf32>) outs(%loss : memref<f32>) { addf }
    ```
    becomes, with 128 chunks of 8192 elements:
    ```mlir
    %partial = memref.alloca() : memref<128xf32>
    %n = llvm.call @adjoint_rt_num_threads() : () -> i32
    omp.parallel num_threads(%n : i32) {
      %acc = memref.alloca() : memref<f32>
      omp.wsloop schedule(static) {
        omp.loop_nest (%c) : index = (%c0) to (%c128) step (%c1) {
          linalg.fill ins(%zero : f32) outs(%acc : memref<f32>)
          // the generic on %x[8192 * %c, +8192] into %acc
          // linalg.copy of %acc into %partial[%c]
        }
      }
    }
    linalg.generic ins(%partial) outs(%loss) { addf }
    ```
    With `threads=false` (the `-O0` pipeline), the chunks run one after the
    other in an `scf.for` on the calling thread, and only loops with
    partial results are split: a sum of 2^20 f32 values is then 128 sums
    of 8192 and one of 128, not one of 2^20 (whose rounding errors reach
    1e-4 relative), in the same order as with threads.

    A generic stays on one thread when its ranges are dynamic, an operand
    indexes the split dimension other than as a whole index, a reduction is
    not one op with a neutral element (`arith.addf`, `maximumf`, ...), or the
    partial results would exceed `max-partials` elements.
  }];
  let options = [
    Option<"chunkWork", "chunk-work", "int64_t", /*default=*/"8192",
           "Iterations of a chunk (at least): loops with fewer than twice "
           "as many stay on one thread">,
    Option<"opsPerIteration", "ops-per-iteration", "int64_t",
           /*default=*/"32",
           "Ops of a loop body that count as one iteration of work: a body "
           "of n ops counts n / ops-per-iteration (at least 1), so that a "
           "loop of heavy elements (expanded math functions) gets threads "
           "with fewer of them">,
    Option<"maxPartials", "max-partials", "int64_t", /*default=*/"16384",
           "Most elements of partial results one loop may keep on the stack">,
    Option<"threads", "threads", "bool", /*default=*/"true",
           "Hand the chunks to the threads; false runs them one after the "
           "other on the calling thread in an scf.for and splits only the "
           "loops that reduce (-O0: the partial sums keep a long sum "
           "accurate, with no threads)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::omp::OpenMPDialect",
                           "::mlir::scf::SCFDialect"];
}

def AdjOutlineLongFunctions
    : Pass<"adj-outline-long-functions", "::mlir::ModuleOp"> {
  let summary = "Move the body of a long function into short functions";
  let description = [{
    LLVM's loop passes update the dominator tree of the whole function at
    each loop they change, so a straight-line function of n loop nests (an
    unrolled ODE solve) costs them n^2: at 100 unrolled RK4 steps,
    `LoopRotate` alone took 19 s. This pass cuts the body of a function of
    more than `ops` ops into consecutive pieces of at most `ops` ops (an op
    larger than that is a piece of its own) and moves each into a private
    `noinline` function, `@<name>_part<i>`, called in its place.

    Run on loops over buffers (after `adj-mark-buffer-accesses`, before
    `convert-scf-to-cf`). Pure ops without regions (constants, views of the
    workspace) are not counted: each piece that uses one gets a copy, so it
    addresses its buffers at constant offsets of the workspace as the whole
    function did. Other values cross the call as arguments (scalars and
    buffers of static shape and strides) or results (scalars); a piece
    that would need another is left in place. The accesses keep the
    buffers `adj-mark-buffer-accesses` recorded, so
    `adj-buffer-alias-scopes` gives the pieces the same alias claims.
  }];
  let options = [
    Option<"ops", "ops", "int64_t", /*default=*/"2000",
           "Most ops of a function before it is cut, and of each piece">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def AdjSplitLongBlocks : Pass<"adj-split-long-blocks", "::mlir::ModuleOp"> {
  let summary = "Split a function's long blocks into a chain of short ones";
  let description = [{
    `convert-scf-to-cf` lowers a loop by splitting its block at the loop,
    which moves every op after the loop into a new block: with one loop
    nest per op of the model, a straight-line function of n loops costs n^2
    moves (an unrolled 40-step ODE solve spent 3.3 s there). Run just
    before it, this pass splits each block of a function into blocks of at
    most `ops` ops, joined by `cf.br`, so that a loop's split moves at most
    that many. LLVM merges the blocks back.
  }];
  let options = [
    Option<"ops", "ops", "int64_t", /*default=*/"128",
           "Most ops of a block">,
  ];
  let dependentDialects = ["::mlir::cf::ControlFlowDialect"];
}

def AdjMarkBufferAccesses
    : Pass<"adj-mark-buffer-accesses", "::mlir::ModuleOp"> {
  let summary = "Record in each load and store which buffer it uses";
  let description = [{
    The first half of `adj-buffer-alias-scopes`. Runs on loops over
    memrefs (after `convert-linalg-to-loops`). Each `memref.load` and
    `memref.store` whose memref is a view (through view-like ops) of a
    `memref.view` that `adj-export-c-abi` marked with its buffer's bytes
    (`adj.buffer = array<i64: offset, size>`), or of an argument of an
    exported function other than its workspace (`adj.argument = index`),
    gets that in its location, which, unlike attributes, the conversion to
    the LLVM dialect keeps:

    ```mlir
    %b = memref.view %ws[%c64][] {adj.buffer = array<i64: 64, 64>} : ...
    memref.store %v, %b[%i] : memref<16xf32>
    ```
    becomes
    ```mlir
    memref.store %v, %b[%i] : memref<16xf32>
        loc(fused<{adj.buffer = array<i64: 64, 64>}>[...])
    ```
  }];
}

def AdjBufferAliasScopes
    : Pass<"adj-buffer-alias-scopes", "::mlir::ModuleOp"> {
  let summary = "Tell LLVM which buffers do not overlap";
  let description = [{
    Runs on the LLVM dialect, at the end of the `llvm` stage. To LLVM the
    workspace of `adj-export-c-abi` is one object, so a loop that loads
    from one of its buffers and stores into another at a different stride
    has an unknown dependence and stays scalar; and the loops that
    `adj-parallelize-loops` outlines lose the arguments' `noalias`.
    `adj-mark-buffer-accesses` put the buffer of each access into its
    location; this pass makes one alias scope per workspace buffer and per
    argument and gives each `llvm.load` and `llvm.store` so marked
    `alias_scopes = [its buffer]` and `noalias_scopes = [every buffer that
    shares no byte with it]`, and its location back. Arguments overlap
    neither each other nor the workspace (the C ABI); workspace buffers
    that share bytes (disjoint lifetimes) are never said not to alias, so
    the claim holds everywhere in the function. Other accesses are left
    alone.

    ```mlir
    %v = llvm.load %pa : !llvm.ptr -> f32
        loc(fused<{adj.buffer = array<i64: 0, 64>}>["f.mlir":3:5])
    llvm.store %v, %pb : f32, !llvm.ptr
        loc(fused<{adj.buffer = array<i64: 64, 64>}>["f.mlir":4:5])
    ```
    becomes
    ```mlir
    %v = llvm.load %pa {alias_scopes = [#scope_0_64],
                        noalias_scopes = [#scope_64_128]} : !llvm.ptr -> f32
        loc("f.mlir":3:5)
    llvm.store %v, %pb {alias_scopes = [#scope_64_128],
                        noalias_scopes = [#scope_0_64]} : f32, !llvm.ptr
        loc("f.mlir":4:5)
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
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
