//===- MineOps.td - The example plugin's dialect -----------*- tablegen -*-===//
//
// Part of the Adjoint project (an example of a dialect plugin).
//
//===----------------------------------------------------------------------===//

#ifndef MINE_OPS_TD
#define MINE_OPS_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Mine_Dialect : Dialect {
  let name = "mine";
  let summary = "A user's dialect, differentiated and compiled by Adjoint";
  let cppNamespace = "::mine";
}

def Mine_SoftplusOp : Op<Mine_Dialect, "softplus",
    [Pure, SameOperandsAndResultType]> {
  let summary = "elementwise softplus: log(1 + e^x)";
  let arguments = (ins TensorOf<[F32, F64]>:$operand);
  let results = (outs TensorOf<[F32, F64]>:$result);
  let assemblyFormat = "$operand attr-dict `:` type($result)";
}

#endif // MINE_OPS_TD
