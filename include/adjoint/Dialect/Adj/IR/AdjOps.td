//===- AdjOps.td - Operations of the adj dialect -----------*- tablegen -*-===//
//
// Part of the Adjoint project.
//
// Ops are grouped as a user looks for them: elementwise unary, elementwise
// binary (broadcasting), constants, linear algebra, reductions, shape, and
// neural-network ops.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_DIALECT_ADJ_IR_ADJOPS_TD
#define ADJOINT_DIALECT_ADJ_IR_ADJOPS_TD

include "adjoint/Dialect/Adj/IR/AdjDialect.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Types and attributes
//===----------------------------------------------------------------------===//

def Adj_FloatTensor : StaticShapeTensorOf<[F32, F64]>;
def Adj_IndexTensor : StaticShapeTensorOf<[I32, I64]>;
def Adj_MaskTensor : StaticShapeTensorOf<[I1]>;
def Adj_AnyTensor : StaticShapeTensorOf<[F32, F64, I32, I64, I1]>;

def Adj_CmpEq : I32EnumAttrCase<"eq", 0>;
def Adj_CmpNe : I32EnumAttrCase<"ne", 1>;
def Adj_CmpLt : I32EnumAttrCase<"lt", 2>;
def Adj_CmpLe : I32EnumAttrCase<"le", 3>;
def Adj_CmpGt : I32EnumAttrCase<"gt", 4>;
def Adj_CmpGe : I32EnumAttrCase<"ge", 5>;
def Adj_ComparisonDirectionAttr : I32EnumAttr<"ComparisonDirection",
    "comparison direction",
    [Adj_CmpEq, Adj_CmpNe, Adj_CmpLt, Adj_CmpLe, Adj_CmpGt, Adj_CmpGe]> {
  let cppNamespace = "::adjoint::adj";
}

def Adj_GeluExact : I32EnumAttrCase<"none", 0>;
def Adj_GeluTanh : I32EnumAttrCase<"tanh", 1>;
def Adj_GeluApproximationAttr : I32EnumAttr<"GeluApproximation",
    "GELU approximation", [Adj_GeluExact, Adj_GeluTanh]> {
  let cppNamespace = "::adjoint::adj";
}

def Adj_ReduceMean : I32EnumAttrCase<"mean", 0>;
def Adj_ReduceSum : I32EnumAttrCase<"sum", 1>;
def Adj_ReduceNone : I32EnumAttrCase<"none", 2>;
def Adj_LossReductionAttr : I32EnumAttr<"LossReduction",
    "how a per-example loss is reduced over the batch",
    [Adj_ReduceMean, Adj_ReduceSum, Adj_ReduceNone]> {
  let cppNamespace = "::adjoint::adj";
}

//===----------------------------------------------------------------------===//
// Base classes
//===----------------------------------------------------------------------===//

class Adj_Op<string mnemonic, list<Trait> traits = []>
    : Op<Adj_Dialect, mnemonic, !listconcat(traits, [Pure])>;

/// An elementwise op on one float tensor; the result has the operand's type.
class Adj_UnaryOp<string mnemonic, list<Trait> traits = []>
    : Adj_Op<mnemonic, !listconcat(traits,
        [SameOperandsAndResultType, Elementwise])> {
  let arguments = (ins Adj_FloatTensor:$operand);
  let results = (outs Adj_FloatTensor:$result);
  // Any tensor type parses, so that shape-polymorphic rule files
  // (docs/adding-rules.md) can write `tensor<*xf32>`; the verifier still
  // requires a static shape.
  let assemblyFormat = "$operand attr-dict `:` custom<AnyTensorType>(type($result))";
}

/// An elementwise op on two float tensors of the same element type whose
/// shapes broadcast (NumPy rules); the result has the broadcast shape.
class Adj_BinaryOp<string mnemonic, list<Trait> traits = []>
    : Adj_Op<mnemonic, !listconcat(traits, [InferTypeOpAdaptor])> {
  let arguments = (ins Adj_FloatTensor:$lhs, Adj_FloatTensor:$rhs);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` custom<BroadcastTypes>(type($lhs), type($rhs))
  }];
}

/// A reduction of one float tensor over `axes` (all axes when omitted);
/// reduced axes are dropped unless `keepdims` is set, which keeps them with
/// size 1.
class Adj_ReductionOp<string mnemonic, list<Trait> traits = []>
    : Adj_Op<mnemonic, !listconcat(traits, [InferTypeOpAdaptor])> {
  let arguments = (ins Adj_FloatTensor:$operand,
                       OptionalAttr<DenseI64ArrayAttr>:$axes,
                       UnitAttr:$keepdims);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = [{
    $operand (`axes` $axes^)? (`keepdims` $keepdims^)? attr-dict `:`
    type($operand) `->` type($result)
  }];
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// The reduced axes, in increasing order (all axes when `axes` is absent).
    ::llvm::SmallVector<int64_t> getReducedAxes();
  }];
  let extraClassDefinition = [{
    ::llvm::SmallVector<int64_t> $cppClass::getReducedAxes() {
      return ::adjoint::adj::normalizeReductionAxes(
          getOperand().getType().getRank(), getAxes());
    }
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise unary
//===----------------------------------------------------------------------===//

def Adj_UnaryGroup : OpDocGroup {
  let summary = "Elementwise unary ops";
  let description = [{ Elementwise functions of one tensor; the result has the operand's type. }];
}

let opDocGroup = Adj_UnaryGroup in {

def Adj_NegOp : Adj_UnaryOp<"neg"> {
  let summary = "elementwise negation: -x";
  let hasFolder = 1;
}
def Adj_AbsOp : Adj_UnaryOp<"abs"> { let summary = "elementwise |x|"; }
def Adj_ExpOp : Adj_UnaryOp<"exp"> { let summary = "elementwise e^x"; }
def Adj_LogOp : Adj_UnaryOp<"log"> {
  let summary = "elementwise natural logarithm";
  let description = [{
    Canonicalization rewrites the log of a sigmoid into its stable form
    (log(sigmoid(x)) -> -softplus(-x), log(1 - sigmoid(x)) -> -softplus(x)):
    the sigmoid rounds to 0 below about -88 in f32, where the log is -inf
    and its derivative NaN.
  }];
  let hasCanonicalizer = 1;
}
def Adj_Log1pOp : Adj_UnaryOp<"log1p"> {
  let summary = "elementwise log(1 + x), accurate for small x";
}
def Adj_SqrtOp : Adj_UnaryOp<"sqrt"> { let summary = "elementwise square root"; }
def Adj_RsqrtOp : Adj_UnaryOp<"rsqrt"> {
  let summary = "elementwise reciprocal square root: 1 / sqrt(x)";
}
def Adj_TanhOp : Adj_UnaryOp<"tanh"> {
  let summary = "elementwise hyperbolic tangent";
}
def Adj_SigmoidOp : Adj_UnaryOp<"sigmoid"> {
  let summary = "elementwise logistic sigmoid: 1 / (1 + e^-x)";
}
def Adj_ReluOp : Adj_UnaryOp<"relu"> {
  let summary = "elementwise rectified linear unit: max(x, 0)";
}
def Adj_SinOp : Adj_UnaryOp<"sin"> { let summary = "elementwise sine"; }
def Adj_CosOp : Adj_UnaryOp<"cos"> { let summary = "elementwise cosine"; }
def Adj_TanOp : Adj_UnaryOp<"tan"> { let summary = "elementwise tangent"; }
def Adj_AsinOp : Adj_UnaryOp<"asin"> {
  let summary = "elementwise arcsine (NaN outside [-1, 1])";
}
def Adj_AcosOp : Adj_UnaryOp<"acos"> {
  let summary = "elementwise arccosine (NaN outside [-1, 1])";
}
def Adj_AtanOp : Adj_UnaryOp<"atan"> { let summary = "elementwise arctangent"; }
def Adj_SinhOp : Adj_UnaryOp<"sinh"> {
  let summary = "elementwise hyperbolic sine";
}
def Adj_CoshOp : Adj_UnaryOp<"cosh"> {
  let summary = "elementwise hyperbolic cosine";
}
def Adj_AsinhOp : Adj_UnaryOp<"asinh"> {
  let summary = "elementwise inverse hyperbolic sine";
}
def Adj_AcoshOp : Adj_UnaryOp<"acosh"> {
  let summary = "elementwise inverse hyperbolic cosine (NaN below 1)";
}
def Adj_AtanhOp : Adj_UnaryOp<"atanh"> {
  let summary = "elementwise inverse hyperbolic tangent (NaN outside [-1, 1])";
}
def Adj_SquareOp : Adj_UnaryOp<"square"> { let summary = "elementwise x * x"; }
def Adj_ErfOp : Adj_UnaryOp<"erf"> { let summary = "elementwise error function"; }
def Adj_FloorOp : Adj_UnaryOp<"floor"> {
  let summary = "elementwise rounding down to an integer";
  let description = [{ Its derivative is 0 (as PyTorch's `floor`). }];
}
def Adj_CeilOp : Adj_UnaryOp<"ceil"> {
  let summary = "elementwise rounding up to an integer";
  let description = [{ Its derivative is 0 (as PyTorch's `ceil`). }];
}
def Adj_RoundOp : Adj_UnaryOp<"round"> {
  let summary = "elementwise rounding to the nearest integer, ties to even";
  let description = [{
    2.5 rounds to 2 and -0.5 to -0 (as ONNX's `Round` and PyTorch's
    `round`). Its derivative is 0.
  }];
}

def Adj_ConvertOp : Adj_Op<"convert",
    [SameOperandsAndResultShape, Elementwise]> {
  let summary = "elementwise conversion to another element type";
  let description = [{
    Converts between `f32`, `f64`, `i32`, `i64` and `i1`. Float to integer
    truncates toward zero and saturates at the type's limits (NaN gives 0);
    nonzero to `i1` is 1; integer to integer keeps the low bits. The
    reference evaluator computes in f64 and does not round a conversion to
    `f32`; compiled code does.

    ```mlir
    %y = adj.convert %labels : tensor<64xi64> -> tensor<64xf32>
    ```
  }];
  let arguments = (ins Adj_AnyTensor:$operand);
  let results = (outs Adj_AnyTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `->` type($result)";
  let hasFolder = 1;
}

def Adj_GeluOp : Adj_Op<"gelu", [SameOperandsAndResultType, Elementwise]> {
  let summary = "elementwise Gaussian error linear unit";
  let description = [{
    `x * Φ(x)` where Φ is the standard normal CDF, computed as
    `0.5 * x * (1 + erf(x / sqrt(2)))`. With `approximate tanh` it is
    `0.5 * x * (1 + tanh(sqrt(2/π) * (x + 0.044715 x³)))`, as PyTorch's
    `gelu(approximate="tanh")`.

    ```mlir
    %y = adj.gelu %x : tensor<8x16xf32>
    %z = adj.gelu %x approximate tanh : tensor<8x16xf32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$operand,
      DefaultValuedAttr<Adj_GeluApproximationAttr,
                        "::adjoint::adj::GeluApproximation::none">:$approximate);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = [{
    $operand (`approximate` $approximate^)? attr-dict `:`
    custom<AnyTensorType>(type($result))
  }];
}

} // opDocGroup Adj_UnaryGroup

//===----------------------------------------------------------------------===//
// Elementwise binary (broadcasting), comparison and selection
//===----------------------------------------------------------------------===//

def Adj_BinaryGroup : OpDocGroup {
  let summary = "Elementwise binary ops, comparison and selection";
  let description = [{ Elementwise functions of two tensors whose shapes broadcast with NumPy's rules. }];
}

let opDocGroup = Adj_BinaryGroup in {

def Adj_AddOp : Adj_BinaryOp<"add", [Commutative]> {
  let hasFolder = 1;
  let summary = "elementwise addition with broadcasting";
  let description = [{
    ```mlir
    %y = adj.add %x, %b : tensor<64x10xf32>, tensor<10xf32>
    ```
  }];
}
def Adj_SubOp : Adj_BinaryOp<"sub"> {
  let hasFolder = 1;
  let summary = "elementwise subtraction with broadcasting";
}
def Adj_MulOp : Adj_BinaryOp<"mul", [Commutative]> {
  let hasFolder = 1;
  let summary = "elementwise multiplication with broadcasting";
}
def Adj_DivOp : Adj_BinaryOp<"div"> {
  let hasFolder = 1;
  let summary = "elementwise division with broadcasting";
}
def Adj_PowOp : Adj_BinaryOp<"pow"> {
  let summary = "elementwise lhs ^ rhs with broadcasting";
  let description = [{
    Canonicalization computes a constant exponent of 1, 2, 3, 0.5, -0.5, -1
    or -2 as PyTorch's `pow` does, without pow: x, x * x, x * x * x,
    sqrt(x), rsqrt(x), 1 / x, 1 / (x * x). Those differ from pow only at
    x = -0 (sqrt(-0) is -0) and x = -inf (sqrt(-inf) is NaN).
  }];
  let hasCanonicalizer = 1;
}
def Adj_MaximumOp : Adj_BinaryOp<"maximum", [Commutative]> {
  let hasFolder = 1;
  let summary = "elementwise maximum with broadcasting";
  let description = [{
    As `numpy.maximum`: a NaN operand gives NaN. Unlike NumPy, -0 is
    smaller than +0 (IEEE 754 maximum), so the maximum of -0 and +0 is +0.
  }];
}
def Adj_MinimumOp : Adj_BinaryOp<"minimum", [Commutative]> {
  let hasFolder = 1;
  let summary = "elementwise minimum with broadcasting";
  let description = [{
    As `numpy.minimum`: a NaN operand gives NaN. Unlike NumPy, -0 is
    smaller than +0, so the minimum of -0 and +0 is -0.
  }];
}

def Adj_CompareOp : Adj_Op<"compare", [InferTypeOpAdaptor]> {
  let summary = "elementwise comparison with broadcasting, giving an i1 mask";
  let description = [{
    ```mlir
    %m = adj.compare gt, %x, %y : tensor<4x3xf32>, tensor<3xf32>
    ```
    yields `tensor<4x3xi1>`.
  }];
  let arguments = (ins Adj_ComparisonDirectionAttr:$direction,
                       Adj_FloatTensor:$lhs, Adj_FloatTensor:$rhs);
  let results = (outs Adj_MaskTensor:$result);
  let assemblyFormat = [{
    $direction `,` $lhs `,` $rhs attr-dict `:`
    custom<BroadcastTypes>(type($lhs), type($rhs))
  }];
}

def Adj_SelectOp : Adj_Op<"select", [InferTypeOpAdaptor]> {
  let summary = "elementwise choice between two tensors by an i1 mask";
  let description = [{
    `result[i] = condition[i] ? on_true[i] : on_false[i]`, with the three
    operands broadcast together (NumPy's `where`).

    ```mlir
    %y = adj.select %m, %a, %b : tensor<4x3xi1>, tensor<4x3xf32>, tensor<f32>
    ```
  }];
  let arguments = (ins Adj_MaskTensor:$condition, Adj_FloatTensor:$on_true,
                       Adj_FloatTensor:$on_false);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = [{
    $condition `,` $on_true `,` $on_false attr-dict `:`
    type($condition) `,` type($on_true) `,` type($on_false)
  }];
}

} // opDocGroup Adj_BinaryGroup

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Adj_ConstantGroup : OpDocGroup {
  let summary = "Constants";
  let description = [{ Tensors given by value. }];
}

let opDocGroup = Adj_ConstantGroup in {

def Adj_ConstantOp : Adj_Op<"constant", [ConstantLike,
    AllTypesMatch<["value", "result"]>,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "a tensor constant (dense or splat)";
  let description = [{
    ```mlir
    %w = adj.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
    %z = adj.constant dense<0.0> : tensor<8x16xf64>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Adj_AnyTensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Adj_FillOp : Adj_Op<"fill"> {
  let summary = "a tensor filled with one scalar value";
  let description = [{
    Shorthand for a splat constant; it folds to `adj.constant`.

    ```mlir
    %ones = adj.fill 1.0 : tensor<16xf32>
    ```
  }];
  let arguments = (ins F64Attr:$value);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = "$value attr-dict `:` type($result)";
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Adj_IotaOp : Adj_Op<"iota"> {
  let summary = "a tensor whose elements are their index along one dimension";
  let description = [{
    `result[i0, ..., in] = i_dim`.

    ```mlir
    %pos = adj.iota dim 1 : tensor<4x8xf32>   // each row is 0, 1, ..., 7
    ```
  }];
  let arguments = (ins I64Attr:$dim);
  let results = (outs StaticShapeTensorOf<[F32, F64, I32, I64]>:$result);
  let assemblyFormat = "`dim` $dim attr-dict `:` type($result)";
  let hasVerifier = 1;
}

} // opDocGroup Adj_ConstantGroup

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Adj_LinalgGroup : OpDocGroup {
  let summary = "Linear algebra";
  let description = [{ Matrix products and transposition. }];
}

let opDocGroup = Adj_LinalgGroup in {

def Adj_MatmulOp : Adj_Op<"matmul", [InferTypeOpAdaptor]> {
  let summary = "matrix product, batched with broadcasting batch dimensions";
  let description = [{
    `lhs` is `[..., M, K]`, `rhs` is `[..., K, N]` (both of rank 2 or more);
    the leading batch dimensions broadcast with NumPy's rules, as in
    `numpy.matmul`. The result is `[batch..., M, N]`. Unlike NumPy, a
    vector is not an operand: a matrix-vector product reshapes the vector
    to a column (`[K, 1]`) and the result back; `adj.dot` takes two vectors.

    ```mlir
    %h = adj.matmul %x, %w : tensor<64x784xf32>, tensor<784x512xf32>
           -> tensor<64x512xf32>
    %s = adj.matmul %q, %k : tensor<2x4x8x16xf32>, tensor<4x16x8xf32>
           -> tensor<2x4x8x8xf32>
    %vc = adj.reshape %v : tensor<784xf32> -> tensor<784x1xf32>
    %xvc = adj.matmul %x, %vc : tensor<64x784xf32>, tensor<784x1xf32>
           -> tensor<64x1xf32>
    %xv = adj.reshape %xvc : tensor<64x1xf32> -> tensor<64xf32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$lhs, Adj_FloatTensor:$rhs);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def Adj_DotOp : Adj_Op<"dot", [InferTypeOpAdaptor,
    AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "inner product of two vectors, giving a 0-d tensor";
  let description = [{
    ```mlir
    %d = adj.dot %u, %v : tensor<16xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$lhs, Adj_FloatTensor:$rhs);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `->` type($result)
  }];
}

def Adj_TransposeOp : Adj_Op<"transpose", [InferTypeOpAdaptor]> {
  let summary = "permutation of the dimensions of a tensor";
  let description = [{
    `result.shape[i] = operand.shape[permutation[i]]`, as `numpy.transpose`.

    ```mlir
    %t = adj.transpose %w [1, 0] : tensor<784x512xf32> -> tensor<512x784xf32>
    ```
  }];
  let arguments = (ins Adj_AnyTensor:$operand, DenseI64ArrayAttr:$permutation);
  let results = (outs Adj_AnyTensor:$result);
  let assemblyFormat = [{
    $operand $permutation attr-dict `:` type($operand) `->` type($result)
  }];
  let hasFolder = 1;
}

} // opDocGroup Adj_LinalgGroup

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def Adj_ReductionGroup : OpDocGroup {
  let summary = "Reductions";
  let description = [{ Reductions over a list of axes (all axes when omitted), with `keepdims`. }];
}

let opDocGroup = Adj_ReductionGroup in {

def Adj_SumOp : Adj_ReductionOp<"sum"> {
  let summary = "sum over axes";
  let description = [{
    ```mlir
    %s = adj.sum %x axes [0] : tensor<64x10xf32> -> tensor<10xf32>
    %t = adj.sum %x : tensor<64x10xf32> -> tensor<f32>
    %k = adj.sum %x axes [1] keepdims : tensor<64x10xf32> -> tensor<64x1xf32>
    ```

    Canonicalization never materialises the dimensions of an
    `adj.broadcast_to` operand that the sum reduces: summing the N copies
    a broadcast makes of a size-1 (or added) dimension is multiplying by N.

    ```mlir
    %b = adj.broadcast_to %x : tensor<3xf32> -> tensor<4000000000x3xf32>
    %s = adj.sum %b : tensor<4000000000x3xf32> -> tensor<f32>
    ```
    becomes `adj.sum %x` times `4.0e9`, with no 48 GB temporary. The sum
    of a splat constant folds to the value times the count of reduced
    elements (the count rounded to the element type, then multiplied).
  }];
  let hasCanonicalizer = 1;
}
def Adj_MeanOp : Adj_ReductionOp<"mean"> {
  let summary = "arithmetic mean over axes";
  let description = [{
    Canonicalization never materialises the dimensions of an
    `adj.broadcast_to` operand that the mean reduces: the mean of the copies
    a broadcast makes is the value copied. The mean of a splat constant
    folds to its value.
  }];
  let hasCanonicalizer = 1;
}
def Adj_MaxOp : Adj_ReductionOp<"max"> {
  let summary = "maximum over axes";
  let description = [{
    The maximum of a splat constant folds to its value (a reduction over
    no elements aside).
  }];
}
def Adj_MinOp : Adj_ReductionOp<"min"> {
  let summary = "minimum over axes";
  let description = [{
    The minimum of a splat constant folds to its value (a reduction over
    no elements aside).
  }];
}
def Adj_ProdOp : Adj_ReductionOp<"prod"> { let summary = "product over axes"; }
def Adj_LogSumExpOp : Adj_ReductionOp<"logsumexp"> {
  let summary = "log(sum(exp(x))) over axes, computed without overflow";
}

} // opDocGroup Adj_ReductionGroup

//===----------------------------------------------------------------------===//
// Shape
//===----------------------------------------------------------------------===//

def Adj_ShapeGroup : OpDocGroup {
  let summary = "Shape ops";
  let description = [{ Ops that move, select or repeat elements without arithmetic. }];
}

let opDocGroup = Adj_ShapeGroup in {

def Adj_ReshapeOp : Adj_Op<"reshape"> {
  let summary = "the same elements in row-major order, with a new shape";
  let description = [{
    ```mlir
    %f = adj.reshape %x : tensor<32x16x5x5xf32> -> tensor<32x400xf32>
    ```
  }];
  let arguments = (ins Adj_AnyTensor:$operand);
  let results = (outs Adj_AnyTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Adj_BroadcastToOp : Adj_Op<"broadcast_to"> {
  let summary = "broadcast a tensor to a shape (NumPy rules)";
  let description = [{
    The operand's shape is aligned on the right with the result's; each of
    its dimensions must equal the result's or be 1.

    ```mlir
    %b = adj.broadcast_to %bias : tensor<10xf32> -> tensor<64x10xf32>
    ```
  }];
  let arguments = (ins Adj_AnyTensor:$operand);
  let results = (outs Adj_AnyTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Adj_SliceOp : Adj_Op<"slice", [InferTypeOpAdaptor]> {
  let summary = "a strided rectangular part of a tensor";
  let description = [{
    Per dimension `d`, takes indices `start[d], start[d] + stride[d], ...`
    below `limit[d]` (Python's `x[start:limit:stride]`, with
    `0 <= start <= limit <= size` and `stride >= 1`). `stride` defaults to 1.

    ```mlir
    %s = adj.slice %x start [0, 2] limit [4, 8] stride [1, 2]
           : tensor<4x8xf32> -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Adj_AnyTensor:$operand, DenseI64ArrayAttr:$start,
                       DenseI64ArrayAttr:$limit,
                       OptionalAttr<DenseI64ArrayAttr>:$stride);
  let results = (outs Adj_AnyTensor:$result);
  let assemblyFormat = [{
    $operand `start` $start `limit` $limit (`stride` $stride^)? attr-dict `:`
    type($operand) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// The strides, 1 for every dimension when `stride` is absent.
    ::llvm::SmallVector<int64_t> getStrides();
  }];
  let hasFolder = 1;
}

def Adj_ConcatOp : Adj_Op<"concat", [InferTypeOpAdaptor]> {
  let summary = "join tensors along one axis";
  let description = [{
    ```mlir
    %c = adj.concat %a, %b axis 1 : tensor<4x3xf32>, tensor<4x5xf32>
           -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Variadic<Adj_AnyTensor>:$inputs, I64Attr:$axis);
  let results = (outs Adj_AnyTensor:$result);
  let assemblyFormat = [{
    $inputs `axis` $axis attr-dict `:` type($inputs) `->` type($result)
  }];
  let hasFolder = 1;
}

def Adj_PadOp : Adj_Op<"pad", [InferTypeOpAdaptor]> {
  let summary = "pad a tensor with a constant";
  let description = [{
    Adds `low[d]` elements before and `high[d]` after dimension `d`, and
    `interior[d]` elements between each two neighbours along it (0 when
    `interior` is absent), all equal to `value` (0 by default). Dimension
    `d` grows to `low + size + (size - 1) * interior + high`. Interior
    padding is what the derivative of a strided `adj.slice` needs.

    ```mlir
    %p = adj.pad %x low [0, 1] high [0, 2] value 0.0
           : tensor<4x8xf32> -> tensor<4x11xf32>
    %q = adj.pad %x low [0, 0] high [0, 0] interior [1, 0]
           : tensor<4x8xf32> -> tensor<7x8xf32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$operand, DenseI64ArrayAttr:$low,
                       DenseI64ArrayAttr:$high,
                       OptionalAttr<DenseI64ArrayAttr>:$interior,
                       DefaultValuedAttr<F64Attr, "0.0">:$value);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = [{
    $operand `low` $low `high` $high (`interior` $interior^)?
    (`value` $value^)? attr-dict `:` type($operand) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// The interior padding, 0 for every dimension when absent.
    ::llvm::SmallVector<int64_t> getInteriorPadding();
  }];
}

def Adj_GatherOp : Adj_Op<"gather", [InferTypeOpAdaptor]> {
  let summary = "take slices of a tensor at integer indices along an axis";
  let description = [{
    As `numpy.take(operand, indices, axis)`: the result's shape is
    `operand.shape[:axis] + indices.shape + operand.shape[axis+1:]`. An
    embedding lookup is a gather along axis 0. Indices must lie in
    `[0, operand.shape[axis])`. Constant indices are checked when the IR is
    read: one outside the range is an error that names it, its position
    and the range. The reference evaluator reports any other index
    outside it as an error, and so does compiled code by default (a
    non-zero status from `adj-check-indices`). The computation itself
    clamps an index into the range, as XLA's gather does, and the
    derivative, `adj.scatter_add`, clamps the same way, so nothing is read
    outside the operand and, with the check off, the gradient stays the
    derivative of what was computed.

    ```mlir
    %e = adj.gather %table[%tokens] axis 0
           : tensor<1000x64xf32>, tensor<8x16xi64> -> tensor<8x16x64xf32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$operand, Adj_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = [{
    $operand `[` $indices `]` `axis` $axis attr-dict `:`
    type($operand) `,` type($indices) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Adj_ScatterAddOp : Adj_Op<"scatter_add"> {
  let summary = "add slices into a zero tensor at integer indices along an axis";
  let description = [{
    The transpose of `adj.gather`: starting from zeros of the result's type,
    adds `updates[i..., j..., k...]` into `result[i..., indices[j...], k...]`
    (`i` spans the dimensions before `axis`, `k` those after), so repeated
    indices accumulate. `updates` has the shape
    `result.shape[:axis] + indices.shape + result.shape[axis+1:]`. Indices
    must lie in `[0, result.shape[axis])`; as for `adj.gather`, a constant
    one outside it is an error when the IR is read, and compiled code
    reports one computed at run time (`adj-check-indices`) and clamps it
    into the range.

    ```mlir
    %dtable = adj.scatter_add %dy[%tokens] axis 0
                : tensor<8x16x64xf32>, tensor<8x16xi64> -> tensor<1000x64xf32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$updates, Adj_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = [{
    $updates `[` $indices `]` `axis` $axis attr-dict `:`
    type($updates) `,` type($indices) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Adj_OneHotOp : Adj_Op<"one_hot"> {
  let summary = "one-hot encoding of integer labels along a new last axis";
  let description = [{
    `result[..., c] = (indices[...] == c) ? 1 : 0`; the result has one more
    dimension than `indices`, of size `num_classes`. A label outside
    `[0, num_classes)` gives a row of zeros (ONNX OneHot), unless the op is
    marked `in_range`: then the labels are class labels that must lie in
    the range (those of a cross-entropy, whose derivative and ONNX import
    build on `adj.one_hot`), and one outside it is an error: when the IR
    is read for constant labels, else in the reference evaluator and, by
    default, in compiled code (a non-zero
    status from `adj-check-indices`; with the check off, the row is zeros).

    ```mlir
    %y = adj.one_hot %labels : tensor<64xi64> -> tensor<64x10xf32>
    %t = adj.one_hot %labels in_range : tensor<64xi64> -> tensor<64x10xf32>
    ```
  }];
  let arguments = (ins Adj_IndexTensor:$indices, UnitAttr:$in_range);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = "$indices (`in_range` $in_range^)? attr-dict `:` type($indices) `->` type($result)";
  let hasVerifier = 1;
}

def Adj_ReverseOp : Adj_Op<"reverse", [SameOperandsAndResultType]> {
  let summary = "reverse the order of elements along dimensions";
  let description = [{
    ```mlir
    %f = adj.reverse %k dims [2, 3] : tensor<6x1x5x5xf32>
    ```
  }];
  let arguments = (ins Adj_AnyTensor:$operand, DenseI64ArrayAttr:$dims);
  let results = (outs Adj_AnyTensor:$result);
  let assemblyFormat = "$operand `dims` $dims attr-dict `:` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

} // opDocGroup Adj_ShapeGroup

//===----------------------------------------------------------------------===//
// Neural-network ops
//===----------------------------------------------------------------------===//

def Adj_NNGroup : OpDocGroup {
  let summary = "Neural-network ops";
  let description = [{ Softmax, losses, convolution, pooling and normalization. }];
}

let opDocGroup = Adj_NNGroup in {

def Adj_SoftmaxOp : Adj_Op<"softmax", [SameOperandsAndResultType]> {
  let summary = "softmax along an axis, computed without overflow";
  let description = [{
    `exp(x - max(x)) / sum(exp(x - max(x)))` along `axis`.

    ```mlir
    %p = adj.softmax %logits axis 1 : tensor<64x10xf32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$operand, I64Attr:$axis);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = "$operand `axis` $axis attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Adj_LogSoftmaxOp : Adj_Op<"log_softmax", [SameOperandsAndResultType]> {
  let summary = "logarithm of the softmax along an axis, computed stably";
  let description = [{
    `x - logsumexp(x)` along `axis`.

    ```mlir
    %lp = adj.log_softmax %logits axis 1 : tensor<64x10xf32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$operand, I64Attr:$axis);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = "$operand `axis` $axis attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Adj_SoftmaxCrossEntropyOp
    : Adj_Op<"softmax_cross_entropy", [InferTypeOpAdaptor]> {
  let summary = "cross-entropy of softmax(logits) against integer labels";
  let description = [{
    `logits` is `[N, C]`, `labels` is `[N]` of integers in `[0, C)`. The
    per-example loss is `logsumexp(logits[n]) - logits[n, labels[n]]`,
    computed in the stable fused form. `reduction` is `mean` (the default,
    giving a 0-d tensor), `sum` (0-d) or `none` (`[N]`), as PyTorch's
    `cross_entropy`. A label outside `[0, C)` is an error: when the IR is
    read for constant labels, else in the reference evaluator, and in
    compiled code by default (a non-zero status from
    `adj-check-indices`). What the computation makes of it (what compiled
    code returns with the check off): such a label matches no class, so
    that example's loss is `logsumexp(logits[n])`, its gradient
    `softmax(logits[n])`, and it still counts in the mean (there is no
    `ignore_index`; mask such examples out instead).

    ```mlir
    %loss = adj.softmax_cross_entropy %logits, %labels
              : tensor<64x10xf32>, tensor<64xi64> -> tensor<f32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$logits, Adj_IndexTensor:$labels,
      DefaultValuedAttr<Adj_LossReductionAttr,
                        "::adjoint::adj::LossReduction::mean">:$reduction);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = [{
    $logits `,` $labels (`reduction` $reduction^)? attr-dict `:`
    type($logits) `,` type($labels) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Adj_Conv2DOp : Adj_Op<"conv2d", [InferTypeOpAdaptor]> {
  let summary = "2-D convolution, NCHW input and OIHW weights";
  let description = [{
    `input` is `[N, C, H, W]`, `weight` is `[O, C / groups, KH, KW]`; the
    result is `[N, O, OH, OW]` with
    `OH = (H + pad_top + pad_bottom - dilation_h * (KH - 1) - 1) / stride_h + 1`
    (and likewise for W), as PyTorch's `conv2d` (cross-correlation, no
    kernel flip). `padding` is `[top, left, bottom, right]`; `stride` and
    `dilation` are `[h, w]`. Defaults: stride 1, padding 0, dilation 1,
    groups 1. A bias is an `adj.add` of a `tensor<Ox1x1xf32>`.

    ```mlir
    %y = adj.conv2d %x, %w stride [1, 1] padding [1, 1, 1, 1]
           : tensor<32x1x28x28xf32>, tensor<6x1x3x3xf32> -> tensor<32x6x28x28xf32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$input, Adj_FloatTensor:$weight,
                       OptionalAttr<DenseI64ArrayAttr>:$stride,
                       OptionalAttr<DenseI64ArrayAttr>:$padding,
                       OptionalAttr<DenseI64ArrayAttr>:$dilation,
                       OptionalAttr<I64Attr>:$groups);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`stride` $stride^)? (`padding` $padding^)?
    (`dilation` $dilation^)? (`groups` $groups^)? attr-dict `:`
    type($input) `,` type($weight) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// The window parameters with their defaults filled in.
    ::adjoint::adj::Window2D getWindow();
  }];
}

/// A 2-D pooling op (or a derivative of one) over an NCHW `operand`.
/// `kernel` and `stride` are `[h, w]`, `padding` `[top, left, bottom,
/// right]`; the stride defaults to the kernel, the padding to 0.
class Adj_Pool2DOp<string mnemonic, list<Trait> traits = []>
    : Adj_Op<mnemonic, !listconcat(traits, [InferTypeOpAdaptor])> {
  let results = (outs Adj_FloatTensor:$result);
  let extraClassDeclaration = [{
    /// The window parameters with their defaults filled in.
    ::adjoint::adj::Window2D getWindow();
  }];
}

def Adj_MaxPool2DOp : Adj_Pool2DOp<"max_pool2d"> {
  let summary = "2-D max pooling over NCHW";
  let description = [{
    `kernel` and `stride` are `[h, w]`, `padding` `[top, left, bottom,
    right]`; the stride defaults to the kernel, the padding to 0. Padded
    positions never win the maximum. As PyTorch's `max_pool2d` (floor mode).
    Its derivative routes each window's cotangent to the window's first
    maximum in row-major order, as PyTorch does.

    ```mlir
    %p = adj.max_pool2d %x kernel [2, 2] : tensor<32x6x28x28xf32>
           -> tensor<32x6x14x14xf32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$operand, DenseI64ArrayAttr:$kernel,
                       OptionalAttr<DenseI64ArrayAttr>:$stride,
                       OptionalAttr<DenseI64ArrayAttr>:$padding);
  let assemblyFormat = [{
    $operand `kernel` $kernel (`stride` $stride^)? (`padding` $padding^)?
    attr-dict `:` type($operand) `->` type($result)
  }];
}

def Adj_MaxPool2DScatterOp : Adj_Pool2DOp<"max_pool2d_scatter"> {
  let summary = "add each window's value at the window's maximum of the input";
  let description = [{
    The reverse-mode derivative of `adj.max_pool2d`: for every window `w` of
    `operand` (the pooling input), adds `source[w]` (shaped as the pooling
    output) at the position of the window's first maximum; every other
    position is 0. The result has the operand's shape. It is linear in
    `source` and the transpose of `adj.max_pool2d_gather`.

    ```mlir
    %dx = adj.max_pool2d_scatter %x, %dy kernel [2, 2]
            : tensor<8x4x12x12xf32>, tensor<8x4x6x6xf32> -> tensor<8x4x12x12xf32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$operand, Adj_FloatTensor:$source,
                       DenseI64ArrayAttr:$kernel,
                       OptionalAttr<DenseI64ArrayAttr>:$stride,
                       OptionalAttr<DenseI64ArrayAttr>:$padding);
  let assemblyFormat = [{
    $operand `,` $source `kernel` $kernel (`stride` $stride^)?
    (`padding` $padding^)? attr-dict `:` type($operand) `,` type($source)
    `->` type($result)
  }];
}

def Adj_MaxPool2DGatherOp : Adj_Pool2DOp<"max_pool2d_gather"> {
  let summary = "read a tensor at each window's maximum of the input";
  let description = [{
    The forward-mode derivative of `adj.max_pool2d`: for every window `w` of
    `operand`, the result is `source` (shaped as the operand) at the
    position of the window's first maximum. The result has the pooling
    output's shape. It is linear in `source` and the transpose of
    `adj.max_pool2d_scatter`.

    ```mlir
    %dy = adj.max_pool2d_gather %x, %dx kernel [2, 2]
            : tensor<8x4x12x12xf32>, tensor<8x4x12x12xf32> -> tensor<8x4x6x6xf32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$operand, Adj_FloatTensor:$source,
                       DenseI64ArrayAttr:$kernel,
                       OptionalAttr<DenseI64ArrayAttr>:$stride,
                       OptionalAttr<DenseI64ArrayAttr>:$padding);
  let assemblyFormat = [{
    $operand `,` $source `kernel` $kernel (`stride` $stride^)?
    (`padding` $padding^)? attr-dict `:` type($operand) `,` type($source)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def Adj_AvgPool2DOp : Adj_Pool2DOp<"avg_pool2d"> {
  let summary = "2-D average pooling over NCHW";
  let description = [{
    Parameters as `adj.max_pool2d`. Padded positions count in the divisor
    (PyTorch's default `count_include_pad=True`) unless `exclude_padding` is
    set (ONNX's default).

    ```mlir
    %p = adj.avg_pool2d %x kernel [2, 2] : tensor<32x6x28x28xf32>
           -> tensor<32x6x14x14xf32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$operand, DenseI64ArrayAttr:$kernel,
                       OptionalAttr<DenseI64ArrayAttr>:$stride,
                       OptionalAttr<DenseI64ArrayAttr>:$padding,
                       UnitAttr:$exclude_padding);
  let assemblyFormat = [{
    $operand `kernel` $kernel (`stride` $stride^)? (`padding` $padding^)?
    (`exclude_padding` $exclude_padding^)? attr-dict `:`
    type($operand) `->` type($result)
  }];
}

def Adj_LayerNormOp : Adj_Op<"layer_norm", [InferTypeOpAdaptor]> {
  let summary = "layer normalization over the trailing dimensions";
  let description = [{
    Normalizes over dimensions `[axis, rank)`:
    `(x - mean) / sqrt(var + epsilon) * scale + bias`, with the biased
    variance, as PyTorch's `layer_norm` and ONNX's `LayerNormalization`.
    `scale` and `bias` have the shape `x.shape[axis:]`. `epsilon` defaults to
    1e-5.

    ```mlir
    %y = adj.layer_norm %x, %gamma, %beta axis 1
           : tensor<128x256xf32>, tensor<256xf32>, tensor<256xf32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$operand, Adj_FloatTensor:$scale,
                       Adj_FloatTensor:$bias, I64Attr:$axis,
                       DefaultValuedAttr<F64Attr, "1e-5">:$epsilon);
  let results = (outs Adj_FloatTensor:$result);
  let assemblyFormat = [{
    $operand `,` $scale `,` $bias `axis` $axis (`epsilon` $epsilon^)? attr-dict
    `:` type($operand) `,` type($scale) `,` type($bias)
  }];
  let hasVerifier = 1;
}

def Adj_BatchNormOp : Adj_Op<"batch_norm", [InferTypeOpAdaptor]> {
  let summary = "batch normalization with batch statistics (training form)";
  let description = [{
    For each channel `c` (dimension 1 of an `[N, C, ...]` input), normalizes
    with the mean and biased variance over every other dimension:
    `(x - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + bias[c]`, as
    PyTorch's `batch_norm(training=True)`. Also returns the batch mean and
    biased variance (`[C]`) so a caller can update running statistics.
    `epsilon` defaults to 1e-5.

    ```mlir
    %y, %mean, %var = adj.batch_norm %x, %gamma, %beta
        : tensor<32x6x28x28xf32>, tensor<6xf32>, tensor<6xf32>
    ```
  }];
  let arguments = (ins Adj_FloatTensor:$operand, Adj_FloatTensor:$scale,
                       Adj_FloatTensor:$bias,
                       DefaultValuedAttr<F64Attr, "1e-5">:$epsilon);
  let results = (outs Adj_FloatTensor:$result, Adj_FloatTensor:$mean,
                      Adj_FloatTensor:$variance);
  let assemblyFormat = [{
    $operand `,` $scale `,` $bias (`epsilon` $epsilon^)? attr-dict
    `:` type($operand) `,` type($scale) `,` type($bias)
  }];
  let hasVerifier = 1;
}

} // opDocGroup Adj_NNGroup

//===----------------------------------------------------------------------===//
// Differentiation requests
//===----------------------------------------------------------------------===//

def Adj_RequestGroup : OpDocGroup {
  let summary = "Differentiation requests";
  let description = [{
    Ops that ask for a derivative of a function, in the spirit of JAX's
    `value_and_grad`, `grad`, `vjp` and `jvp`. The `adj-differentiate` pass
    replaces each by a `func.call` of a derivative function it synthesizes
    once per (function, mode, argument set). `wrt` lists the indices of the
    arguments to differentiate with respect to (every floating-point
    argument when absent); the other arguments are held constant.
  }];
}

/// A request for a derivative of the function `callee`.
class Adj_RequestOp<string mnemonic, list<Trait> traits = []>
    : Op<Adj_Dialect, mnemonic, !listconcat(traits,
        [Pure, DeclareOpInterfaceMethods<SymbolUserOpInterface>])> {
  let results = (outs Variadic<Adj_AnyTensor>:$results);
  let extraClassDeclaration = [{
    /// The flag per callee argument: differentiate w.r.t. it?
    ::llvm::SmallVector<bool> getWrtMask(::mlir::func::FuncOp callee);
  }];
}

let opDocGroup = Adj_RequestGroup in {

def Adj_ValueAndGradOp : Adj_RequestOp<"value_and_grad"> {
  let summary = "the value of a scalar function and its gradient";
  let description = [{
    `callee` must return one 0-d floating-point tensor. The results are that
    value, then the gradient w.r.t. each argument in `wrt` (each with the
    argument's type).

    ```mlir
    %loss, %dW, %db = adj.value_and_grad @loss(%W, %b, %x, %labels) wrt [0, 1]
        : (tensor<784x10xf32>, tensor<10xf32>, tensor<64x784xf32>,
           tensor<64xi64>) -> (tensor<f32>, tensor<784x10xf32>, tensor<10xf32>)
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee, Variadic<Adj_AnyTensor>:$args,
                       OptionalAttr<DenseI64ArrayAttr>:$wrt);
  let assemblyFormat = [{
    $callee `(` $args `)` (`wrt` $wrt^)? attr-dict `:`
    functional-type($args, $results)
  }];
}

def Adj_GradOp : Adj_RequestOp<"grad"> {
  let summary = "the gradient of a scalar function";
  let description = [{
    As `adj.value_and_grad` without the value.

    ```mlir
    %dx = adj.grad @f(%x) : (tensor<3xf64>) -> tensor<3xf64>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee, Variadic<Adj_AnyTensor>:$args,
                       OptionalAttr<DenseI64ArrayAttr>:$wrt);
  let assemblyFormat = [{
    $callee `(` $args `)` (`wrt` $wrt^)? attr-dict `:`
    functional-type($args, $results)
  }];
}

def Adj_VjpOp : Adj_RequestOp<"vjp", [AttrSizedOperandSegments]> {
  let summary = "vector-Jacobian product (reverse mode)";
  let description = [{
    Given one cotangent per result of `callee`, returns the callee's results,
    then the cotangent of each argument in `wrt`:
    `cotangents · ∂results/∂arg`.

    ```mlir
    %y, %dx = adj.vjp @f(%x) cotangents(%dy) : (tensor<3xf64>, tensor<2xf64>)
        -> (tensor<2xf64>, tensor<3xf64>)
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee, Variadic<Adj_AnyTensor>:$args,
                       Variadic<Adj_FloatTensor>:$cotangents,
                       OptionalAttr<DenseI64ArrayAttr>:$wrt);
  let assemblyFormat = [{
    $callee `(` $args `)` `cotangents` `(` $cotangents `)` (`wrt` $wrt^)?
    attr-dict `:` functional-type(operands, $results)
  }];
}

def Adj_JvpOp : Adj_RequestOp<"jvp", [AttrSizedOperandSegments]> {
  let summary = "Jacobian-vector product (forward mode)";
  let description = [{
    Given one tangent per argument in `wrt`, returns the callee's results,
    then the tangent of each result: `∂result/∂args · tangents`.

    ```mlir
    %y, %dy = adj.jvp @f(%x) tangents(%dx) : (tensor<3xf64>, tensor<3xf64>)
        -> (tensor<2xf64>, tensor<2xf64>)
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee, Variadic<Adj_AnyTensor>:$args,
                       Variadic<Adj_FloatTensor>:$tangents,
                       OptionalAttr<DenseI64ArrayAttr>:$wrt);
  let assemblyFormat = [{
    $callee `(` $args `)` `tangents` `(` $tangents `)` (`wrt` $wrt^)?
    attr-dict `:` functional-type(operands, $results)
  }];
}

} // opDocGroup Adj_RequestGroup

#endif // ADJOINT_DIALECT_ADJ_IR_ADJOPS_TD
