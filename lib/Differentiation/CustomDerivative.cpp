//===- CustomDerivative.cpp - Derivatives that users write ----------------===//
//
// Part of the Adjoint project.
//
// A function may name its own derivative functions, as jax.custom_vjp and
// jax.custom_jvp do:
//
//   func.func @f(%x: X, %k: K) -> Y attributes {adj.custom_vjp = @f_vjp,
//                                               adj.custom_jvp = @f_jvp}
//   @f_vjp: (X, K, Ȳ) -> X̄      the arguments, one cotangent per result;
//                               one cotangent per float tensor argument
//   @f_jvp: (X, K, Ẋ) -> Ẏ      the arguments, one tangent per float tensor
//                               argument; one tangent per result
//
// Adjoint then uses them instead of differentiating f's body (f may even
// have no body: an external kernel). The derivative it synthesizes keeps its
// usual signature (Differentiator.h) and is a thin wrapper:
//
//   reverse:         y = f(x, k); x̄ = f_vjp(x, k, ȳ); return y, x̄[wrt]
//   value_and_grad:  the same with ȳ = 1
//   forward:         y = f(x, k); ẏ = f_jvp(x, k, ẋ or 0); return y, ẏ
//
// Both calls are ordinary func.calls: the wrapper is inlined, and can itself
// be differentiated (the vjp's own body, or its own custom derivative).
//
//===----------------------------------------------------------------------===//

#include "CustomDerivative.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "adjoint/Differentiation/RuleBuilder.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace adjoint;

static constexpr StringLiteral kCustomVjp = "adj.custom_vjp";
static constexpr StringLiteral kCustomJvp = "adj.custom_jvp";

bool adjoint::hasCustomDerivative(func::FuncOp fn) {
  return fn->hasAttr(kCustomVjp) || fn->hasAttr(kCustomJvp);
}

func::FuncOp adjoint::getCustomDerivative(func::FuncOp fn, bool forward) {
  auto ref =
      fn->getAttrOfType<FlatSymbolRefAttr>(forward ? kCustomJvp : kCustomVjp);
  return ref ? SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(fn, ref)
             : func::FuncOp();
}

/// The signature `fn`'s custom vjp (`forward` false) or jvp must have.
static FunctionType expectedType(func::FuncOp fn, bool forward) {
  FunctionType type = fn.getFunctionType();
  SmallVector<Type> floats;
  for (Type t : type.getInputs())
    if (adj::isFloatTensor(t))
      floats.push_back(t);
  SmallVector<Type> inputs(type.getInputs());
  if (forward) {
    llvm::append_range(inputs, floats);
    return FunctionType::get(fn.getContext(), inputs, type.getResults());
  }
  llvm::append_range(inputs, type.getResults());
  return FunctionType::get(fn.getContext(), inputs, floats);
}

/// The custom derivative for the `forward` (else reverse) mode, checked
/// against the signature it must have.
static FailureOr<func::FuncOp> lookupCustom(func::FuncOp fn, bool forward) {
  StringRef mode = forward ? "forward" : "reverse";
  StringRef attrName = forward ? kCustomJvp : kCustomVjp;
  Attribute attr = fn->getAttr(attrName);
  if (!attr)
    return fn.emitError("cannot differentiate @")
           << adj::getSourceName(fn) << " in " << mode
           << " mode: it has a custom derivative for the other mode only; "
              "give it `"
           << attrName << " = @" << adj::getSourceName(fn)
           << (forward ? "_custom_jvp" : "_custom_vjp") << "` too";
  func::FuncOp custom = getCustomDerivative(fn, forward);
  if (!custom)
    return fn.emitError("`")
           << attrName << " = " << attr
           << "` must name a func.func of this module (like @"
           << adj::getSourceName(fn)
           << (forward ? "_custom_jvp" : "_custom_vjp") << ")";
  FunctionType expected = expectedType(fn, forward);
  if (custom.getFunctionType() != expected) {
    InFlightDiagnostic diag =
        fn.emitError("the custom ")
        << (forward ? "jvp" : "vjp") << " @" << adj::getSourceName(custom)
        << " of @" << adj::getSourceName(fn) << " has type "
        << custom.getFunctionType() << ", but must have type " << expected
        << (forward ? " (the arguments, then one tangent per float tensor "
                      "argument -> one tangent per result)"
                    : " (the arguments, then one cotangent per result -> one "
                      "cotangent per float tensor argument)");
    diag.attachNote(custom.getLoc())
        << "@" << adj::getSourceName(custom) << " is defined here";
    return diag;
  }
  return custom;
}

LogicalResult adjoint::buildCustomDerivative(func::FuncOp fn,
                                             DerivativeKind kind,
                                             ArrayRef<bool> wrt,
                                             func::FuncOp derived) {
  bool forward = kind == DerivativeKind::Forward;
  FailureOr<func::FuncOp> custom = lookupCustom(fn, forward);
  if (failed(custom))
    return failure();

  Location loc = fn.getLoc();
  unsigned numArgs = fn.getNumArguments();
  Block *entry = derived.addEntryBlock();
  OpBuilder b = OpBuilder::atBlockEnd(entry);
  RuleBuilder r(b, loc);
  ValueRange args = entry->getArguments().take_front(numArgs);
  ValueRange extra = entry->getArguments().drop_front(numArgs);
  SmallVector<Value> returned(
      b.create<func::CallOp>(loc, fn, args).getResults());

  SmallVector<Value> operands(args);
  if (forward) {
    // The jvp takes a tangent for every float argument; those not
    // differentiated are zero.
    unsigned next = 0;
    for (auto [i, arg] : llvm::enumerate(args))
      if (adj::isFloatTensor(arg.getType()))
        operands.push_back(wrt[i] ? extra[next++] : r.zerosLike(arg));
    llvm::append_range(
        returned, b.create<func::CallOp>(loc, *custom, operands).getResults());
  } else {
    if (kind == DerivativeKind::ValueAndGrad)
      operands.push_back(r.splatLike(returned.front(), 1.0));
    else
      llvm::append_range(operands, extra);
    auto cotangents =
        b.create<func::CallOp>(loc, *custom, operands).getResults();
    unsigned next = 0;
    for (auto [i, arg] : llvm::enumerate(args)) {
      if (!adj::isFloatTensor(arg.getType()))
        continue;
      if (wrt[i])
        returned.push_back(cotangents[next]);
      ++next;
    }
  }
  b.create<func::ReturnOp>(loc, returned);
  return success();
}
