//===- AdjDialect.td - The adj dialect ---------------------*- tablegen -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_DIALECT_ADJ_IR_ADJDIALECT_TD
#define ADJOINT_DIALECT_ADJ_IR_ADJDIALECT_TD

include "mlir/IR/OpBase.td"

def Adj_Dialect : Dialect {
  let name = "adj";
  let cppNamespace = "::adjoint::adj";
  let summary = "Tensor operations of differentiable models";
  let description = [{
    The `adj` dialect holds a model's forward computation: value-semantic
    operations on ranked, statically shaped tensors of `f32` or `f64`
    (`i32`/`i64` only where an op takes indices or labels, `i1` for masks).
    A model is a `func.func` whose body is made of `adj` ops; functions may
    call each other with `func.call`.

    Every op states its shape rules in its verifier, so a malformed model is
    rejected with a located message before any transformation runs. Binary
    elementwise ops broadcast their operands with NumPy's rules: shapes are
    aligned on the right, and a dimension of size 1 stretches to match.

    Axes and dimensions are always given as non-negative integers in the IR
    (`axis 1`, not `axis -1`).

    A function argument or result may carry a name, `{adj.name = "W1"}` (a C
    identifier): tools match input arrays by it, and a compiled library uses
    it for the argument's name in its C header and interface. A float
    argument may also carry `adj.initial_value`, a constant of its type (the
    ONNX importer puts a model's initializers there): a compiled library
    hands it out as the parameter's starting value.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
  let hasConstantMaterializer = 1;
  // `adj.name` names function arguments and results; `adj.initial_value`.
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
}

#endif // ADJOINT_DIALECT_ADJ_IR_ADJDIALECT_TD
