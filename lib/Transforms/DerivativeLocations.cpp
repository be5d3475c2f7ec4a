//===- DerivativeLocations.cpp - Forward or derivative, by location -------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/DerivativeLocations.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using adjoint::DerivativeKind;

DerivativeKind adjoint::getDerivativeKind(Location loc) {
  if (auto site = dyn_cast<CallSiteLoc>(loc))
    return getDerivativeKind(site.getCallee());
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (name.getName() == "adjoint")
      return DerivativeKind::Adjoint;
    if (name.getName() == "tangent")
      return DerivativeKind::Tangent;
    return DerivativeKind::Forward;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    ArrayRef<Location> parts = fused.getLocations();
    if (parts.empty())
      return DerivativeKind::Forward;
    DerivativeKind first = getDerivativeKind(parts.front());
    for (Location part : parts.drop_front())
      if (getDerivativeKind(part) != first)
        return DerivativeKind::Forward;
    return first;
  }
  return DerivativeKind::Forward;
}

LocationAttr adjoint::getForwardOpLoc(Location loc) {
  if (auto site = dyn_cast<CallSiteLoc>(loc)) {
    LocationAttr callee = getForwardOpLoc(site.getCallee());
    if (!callee)
      return {};
    return CallSiteLoc::get(Location(callee), site.getCaller());
  }
  if (auto name = dyn_cast<NameLoc>(loc))
    if (name.getName() == "adjoint" || name.getName() == "tangent")
      return name.getChildLoc();
  return {};
}

Location adjoint::stripCallSites(Location loc) {
  while (auto site = dyn_cast<CallSiteLoc>(loc))
    loc = site.getCallee();
  return loc;
}

/// `loc` as a user reads it: file:line:col, "adjoint"(file:line:col), the
/// innermost callee of call sites.
static void printLocation(Location loc, llvm::raw_ostream &os) {
  if (auto site = dyn_cast<CallSiteLoc>(loc))
    return printLocation(site.getCallee(), os);
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    os << file.getFilename().strref() << ":" << file.getLine() << ":"
       << file.getColumn();
    return;
  }
  if (auto name = dyn_cast<NameLoc>(loc)) {
    os << "\"" << name.getName().strref() << "\"";
    if (!isa<UnknownLoc>(name.getChildLoc())) {
      os << "(";
      printLocation(name.getChildLoc(), os);
      os << ")";
    }
    return;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    os << "[";
    llvm::interleaveComma(fused.getLocations(), os,
                          [&](Location part) { printLocation(part, os); });
    os << "]";
    return;
  }
  if (isa<UnknownLoc>(loc)) {
    os << "an unknown location";
    return;
  }
  loc.print(os);
}

void adjoint::printOpPlace(Operation *op, llvm::raw_ostream &os) {
  os << op->getName() << " at ";
  printLocation(op->getLoc(), os);
  DerivativeKind kind = getDerivativeKind(op->getLoc());
  if (kind == DerivativeKind::Forward) {
    os << " (forward)";
    return;
  }
  os << (kind == DerivativeKind::Adjoint ? " (backward"
                                         : " (tangent, forward mode");
  // A fusion of derivative locations points back to no single op.
  if (LocationAttr forward = getForwardOpLoc(op->getLoc())) {
    os << ": in the derivative of the op at ";
    printLocation(forward, os);
  }
  os << ")";
}

void adjoint::returnStatus(func::FuncOp fn, Value status, bool ahead) {
  auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
  OpBuilder b(ret);
  if (!fn->hasAttr("adj.status")) {
    ret.getOperandsMutable().append(status);
    fn.insertResult(fn.getNumResults(), b.getI32Type(), DictionaryAttr());
    fn->setAttr("adj.status", b.getUnitAttr());
    return;
  }
  OpOperand &previous = ret->getOpOperands().back();
  Value first = ahead ? status : previous.get();
  Value second = ahead ? previous.get() : status;
  Location loc = fn.getLoc();
  Value zero = b.create<arith::ConstantIntOp>(loc, 0, 32);
  Value clean =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, first, zero);
  previous.set(b.create<arith::SelectOp>(loc, clean, second, first));
}

adjoint::StatusChain::StatusChain(func::FuncOp fn,
                                  SmallVectorImpl<Attribute> &messages)
    : fn(fn), messages(messages), b(fn.getBody()) {
  zero = status = b.create<arith::ConstantIntOp>(fn.getLoc(), 0, 32);
}

OpBuilder &adjoint::StatusChain::after(Operation *op) {
  b.setInsertionPointAfter(op);
  return b;
}

void adjoint::StatusChain::record(Value bad, StringRef message) {
  messages.push_back(b.getStringAttr(message));
  Location loc = bad.getLoc();
  Value clean =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, status, zero);
  Value first = b.create<arith::AndIOp>(loc, clean, bad);
  Value id = b.create<arith::ConstantIntOp>(loc, messages.size(), 32);
  status = b.create<arith::SelectOp>(loc, first, id, status);
}

void adjoint::StatusChain::finish(bool ahead, StringRef marker) {
  returnStatus(fn, status, ahead);
  fn->setAttr(marker, b.getUnitAttr());
}

LogicalResult adjoint::checkPublicFunctions(
    ModuleOp module, StringRef pass, StringRef marker,
    function_ref<LogicalResult(func::FuncOp, SmallVectorImpl<Attribute> &)>
        check) {
  // Each checked function gains a status result, which a derivative
  // request of it or a call of it would not expect: the compiler runs the
  // checks after the optimize stage, where neither is left.
  WalkResult early = module.walk([&](Operation *op) {
    auto call = dyn_cast<func::CallOp>(op);
    auto callee = call ? SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
                             call, call.getCalleeAttr())
                       : func::FuncOp();
    if (!adj::isDerivativeRequest(op->getName()) &&
        !(callee && callee.isPublic() && !callee.isExternal()))
      return WalkResult::advance();
    op->emitError() << "'" << pass
                    << "' gives each public function a status result, which "
                       "this op does not expect: run it after every "
                       "derivative request is resolved and every call "
                       "inlined (adjoint-opt --adj-stage-differentiate "
                       "--adj-stage-optimize first, as adjoint-compile does)";
    return WalkResult::interrupt();
  });
  if (early.wasInterrupted())
    return failure();
  SmallVector<Attribute> messages;
  if (auto previous = module->getAttrOfType<ArrayAttr>("adj.status_messages"))
    llvm::append_range(messages, previous);
  for (auto fn : module.getOps<func::FuncOp>())
    if (fn.isPublic() && !fn.isExternal() && !fn->hasAttr(marker) &&
        failed(check(fn, messages)))
      return failure();
  if (!messages.empty())
    module->setAttr("adj.status_messages",
                    ArrayAttr::get(module.getContext(), messages));
  return success();
}
