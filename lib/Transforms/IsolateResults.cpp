//===- IsolateResults.cpp - The adj-isolate-results pass ------------------===//
//
// Part of the Adjoint project.
//
// Results become out-parameters after bufferization, and each out-parameter
// is written by the op that computes its result. A result with no such op
// of its own (an argument, a constant, a value returned twice) gets a copy
// that does the writing. Arguments are read-only (`const T *` in the C ABI):
// they are marked non-writable, so that an op reusing an argument as its
// output tensor (as upstream elementwise ops lowered to linalg do) gets a
// buffer of its own.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseSet.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJISOLATERESULTS
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {
struct AdjIsolateResultsPass
    : public adjoint::impl::AdjIsolateResultsBase<AdjIsolateResultsPass> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (!fn.isPublic() || fn.isExternal())
        continue;
      for (BlockArgument arg : fn.getArguments())
        if (isa<TensorType>(arg.getType()))
          fn.setArgAttr(arg.getArgNumber(),
                        bufferization::BufferizationDialect::kWritableAttrName,
                        BoolAttr::get(fn.getContext(), false));
      fn.walk([](func::ReturnOp ret) {
        OpBuilder b(ret);
        llvm::DenseSet<Value> seen;
        for (OpOperand &operand : ret->getOpOperands()) {
          Value v = operand.get();
          auto type = dyn_cast<RankedTensorType>(v.getType());
          bool fresh = !isa<BlockArgument>(v) && !matchPattern(v, m_Constant());
          if (!type || (seen.insert(v).second && fresh))
            continue;
          Value empty = b.create<tensor::EmptyOp>(ret.getLoc(), type.getShape(),
                                                  type.getElementType());
          operand.set(
              b.create<linalg::CopyOp>(ret.getLoc(), v, empty).getResult(0));
        }
      });
    }
  }
};
} // namespace
