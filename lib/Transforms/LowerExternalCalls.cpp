//===- LowerExternalCalls.cpp - The adj-lower-external-calls pass ---------===//
//
// Part of the Adjoint project.
//
// One-shot bufferization cannot bufferize a declaration that returns a
// tensor: it does not know where the result lives. This pass decides it the
// way the C ABI of exported functions does: results are caller-allocated
// output buffers.
//
//   1. Check that each external function takes and returns only statically
//      shaped tensors of f32, f64, i32 or i64 (one error per bad type).
//   2. Rewrite each call: arguments through bufferization.to_memref
//      read_only, results into memref.alloc buffers (ExportCAbi later puts
//      them in the workspace), read back with to_tensor restrict writable.
//   3. Give the declaration the memref signature (args..., outs...) -> ().
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJLOWEREXTERNALCALLS
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {

/// The buffer type of `type`, or null when it cannot cross to C.
MemRefType bufferType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return {};
  Type element = tensor.getElementType();
  if (!element.isF32() && !element.isF64() && !element.isSignlessInteger(32) &&
      !element.isSignlessInteger(64))
    return {};
  return MemRefType::get(tensor.getShape(), element);
}

/// Checks `fn`'s types; returns its buffer signature.
FailureOr<FunctionType> externalType(func::FuncOp fn) {
  SmallVector<Type> buffers;
  bool ok = true;
  auto check = [&](Type type, StringRef what, unsigned index) {
    if (MemRefType buffer = bufferType(type)) {
      buffers.push_back(buffer);
      return;
    }
    fn.emitError("external function @")
        << fn.getSymName() << ": " << what << " #" << index << " has type "
        << type
        << "; an external function takes and returns statically shaped "
           "tensors of f32, f64, i32 or i64 (passed to C as pointers)";
    ok = false;
  };
  for (auto [i, type] : llvm::enumerate(fn.getArgumentTypes()))
    check(type, "argument", i);
  for (auto [i, type] : llvm::enumerate(fn.getResultTypes()))
    check(type, "result", i);
  if (!ok)
    return failure();
  return FunctionType::get(fn.getContext(), buffers, {});
}

void lowerCall(func::CallOp call, func::FuncOp fn) {
  OpBuilder b(call);
  Location loc = call.getLoc();
  SmallVector<Value> operands;
  for (Value arg : call.getOperands()) {
    auto type = cast<RankedTensorType>(arg.getType());
    operands.push_back(b.create<bufferization::ToMemrefOp>(
        loc, MemRefType::get(type.getShape(), type.getElementType()), arg,
        /*read_only=*/true));
  }
  SmallVector<Value> outputs;
  for (Type type : call.getResultTypes()) {
    auto tensor = cast<RankedTensorType>(type);
    outputs.push_back(b.create<memref::AllocOp>(
        loc, MemRefType::get(tensor.getShape(), tensor.getElementType())));
  }
  llvm::append_range(operands, outputs);
  b.create<func::CallOp>(loc, fn.getSymName(), TypeRange(), operands);
  for (auto [result, output] : llvm::zip(call.getResults(), outputs))
    result.replaceAllUsesWith(b.create<bufferization::ToTensorOp>(
        loc, output, /*restrict=*/true, /*writable=*/true));
  call.erase();
}

struct AdjLowerExternalCallsPass
    : public adjoint::impl::AdjLowerExternalCallsBase<
          AdjLowerExternalCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (!fn.isExternal())
        continue;
      FailureOr<FunctionType> type = externalType(fn);
      if (failed(type)) {
        signalPassFailure();
        continue;
      }
      SmallVector<func::CallOp> calls;
      module.walk([&](func::CallOp call) {
        if (call.getCallee() == fn.getSymName())
          calls.push_back(call);
      });
      for (func::CallOp call : calls)
        lowerCall(call, fn);
      fn.setType(*type);
    }
  }
};

} // namespace
