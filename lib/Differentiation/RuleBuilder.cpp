//===- RuleBuilder.cpp - Building blocks of differentiation rules ---------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Differentiation/RuleBuilder.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace adjoint;
using namespace adjoint::adj;

Value RuleBuilder::cloneWith(Operation *op, ValueRange operands) {
  Operation *clone = b.clone(*op);
  clone->setOperands(operands);
  clone->setLoc(loc);
  return clone->getResult(0);
}

Value RuleBuilder::bilinearTangent(Operation *op, Value ta, Value tb) {
  // Built in sequence: argument evaluation order is unspecified in C++, and
  // the IR should not depend on the compiler that built Adjoint.
  Value a = op->getOperand(0), b = op->getOperand(1);
  Value first = ta ? cloneWith(op, {ta, b}) : Value();
  Value second = tb ? cloneWith(op, {a, tb}) : Value();
  return addTerms(first, second);
}

Value RuleBuilder::addTerms(Value a, Value b) {
  if (!a || !b)
    return a ? a : b;
  return add(a, b);
}

Value RuleBuilder::splat(Type type, double value) {
  auto tensor = cast<RankedTensorType>(type);
  Attribute element;
  if (auto floatType = dyn_cast<FloatType>(tensor.getElementType()))
    element = FloatAttr::get(floatType, value);
  else
    element = IntegerAttr::get(tensor.getElementType(),
                               static_cast<int64_t>(value));
  return create<ConstantOp>(DenseElementsAttr::get(tensor, element));
}

Value RuleBuilder::scalar(Value like, double value) {
  return splat(RankedTensorType::get({}, getElementTypeOrSelf(like)), value);
}

Value RuleBuilder::add(Value a, Value b) { return create<AddOp>(a, b); }
Value RuleBuilder::sub(Value a, Value b) { return create<SubOp>(a, b); }
Value RuleBuilder::mul(Value a, Value b) { return create<MulOp>(a, b); }
Value RuleBuilder::div(Value a, Value b) { return create<DivOp>(a, b); }
Value RuleBuilder::neg(Value a) { return create<NegOp>(a); }

Value RuleBuilder::scale(Value a, double value) {
  return mul(a, scalar(a, value));
}

Value RuleBuilder::compare(ComparisonDirection direction, Value a, Value b) {
  return create<CompareOp>(direction, a, b);
}

Value RuleBuilder::select(Value condition, Value onTrue, Value onFalse) {
  return create<SelectOp>(condition, onTrue, onFalse);
}

Value RuleBuilder::broadcastTo(Value value, Type type) {
  if (value.getType() == type)
    return value;
  return create<BroadcastToOp>(type, value);
}

Value RuleBuilder::sumToType(Value value, Type type) {
  auto from = cast<RankedTensorType>(value.getType());
  auto to = cast<RankedTensorType>(type);
  if (from == to)
    return value;
  // Dimensions that broadcasting prepended, then those stretched from 1.
  int64_t offset = from.getRank() - to.getRank();
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < from.getRank(); ++d)
    if (d < offset ||
        (to.getDimSize(d - offset) == 1 && from.getDimSize(d) != 1))
      axes.push_back(d);
  Value summed = sum(value, axes, /*keepdims=*/true);
  return reshape(summed, to.getShape());
}

Value RuleBuilder::sum(Value value, ArrayRef<int64_t> axes, bool keepdims) {
  if (axes.empty())
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!llvm::is_contained(axes, d))
      shape.push_back(type.getDimSize(d));
    else if (keepdims)
      shape.push_back(1);
  }
  return create<SumOp>(type.clone(shape), value, b.getDenseI64ArrayAttr(axes),
                       keepdims);
}

Value RuleBuilder::expandReduced(Value reduced, Type full,
                                 ArrayRef<int64_t> axes) {
  auto fullType = cast<RankedTensorType>(full);
  SmallVector<int64_t> keptShape(fullType.getShape());
  for (int64_t axis : axes)
    keptShape[axis] = 1;
  return broadcastTo(reshape(reduced, keptShape), full);
}

Value RuleBuilder::reshape(Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  return create<ReshapeOp>(type.clone(shape), value);
}

Value RuleBuilder::transpose(Value value, ArrayRef<int64_t> perm) {
  return create<TransposeOp>(value, b.getDenseI64ArrayAttr(perm));
}

Value RuleBuilder::convertElementType(Value value, Type elementType) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == elementType)
    return value;
  return create<ConvertOp>(type.clone(elementType), value);
}

SmallVector<int64_t> adjoint::invertPermutation(ArrayRef<int64_t> perm) {
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  return inverse;
}
