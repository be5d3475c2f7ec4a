//===- Utils.cpp - Builders shared by the adj-to-linalg patterns ----------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;
using namespace adjoint;
using namespace adjoint::lowering;

BroadcastOperand lowering::prepareBroadcast(OpBuilder &b, Location loc,
                                            Value value,
                                            ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = shape.size();
  int64_t offset = rank - type.getRank();
  assert(offset >= 0 && "cannot broadcast to a lower rank");

  // NumPy aligns the shapes on the right: the leading `offset` dimensions of
  // `shape` and those where `value` has size 1 (and `shape` not) repeat it.
  BroadcastOperand result;
  SmallVector<int64_t> keptShape;
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < offset; ++d)
    result.broadcastDims.push_back(d);
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (type.getDimSize(d) == 1 && shape[offset + d] != 1) {
      result.broadcastDims.push_back(offset + d);
      continue;
    }
    assert(type.getDimSize(d) == shape[offset + d] &&
           "shapes do not broadcast");
    keptShape.push_back(type.getDimSize(d));
    exprs.push_back(b.getAffineDimExpr(offset + d));
  }

  // Dropping unit dimensions is a collapse_shape.
  result.value = reshapeTo(b, loc, value, keptShape);
  result.map = AffineMap::get(rank, /*symbolCount=*/0, exprs, b.getContext());
  return result;
}

Value lowering::broadcastTo(OpBuilder &b, Location loc, Value value,
                            ArrayRef<int64_t> shape) {
  BroadcastOperand operand = prepareBroadcast(b, loc, value, shape);
  if (operand.broadcastDims.empty())
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  Value init = b.create<tensor::EmptyOp>(loc, shape, type.getElementType());
  return b
      .create<linalg::BroadcastOp>(loc, operand.value, init,
                                   operand.broadcastDims)
      ->getResult(0);
}

Value lowering::buildParallelGeneric(OpBuilder &b, Location loc,
                                     RankedTensorType resultType,
                                     ValueRange inputs,
                                     ArrayRef<AffineMap> inputMaps, ScalarFn fn,
                                     Value init) {
  int64_t rank = resultType.getRank();
  bool readsInit = init != nullptr;
  if (!readsInit)
    init = b.create<tensor::EmptyOp>(loc, resultType.getShape(),
                                     resultType.getElementType());
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{resultType}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        // The element of a tensor.empty is undefined: keep it from `fn`.
        Value element =
            fn(nested, nestedLoc, readsInit ? args : args.drop_back());
        nested.create<linalg::YieldOp>(nestedLoc, element);
      });
  return generic.getResult(0);
}

Value lowering::buildElementwise(OpBuilder &b, Location loc,
                                 RankedTensorType resultType, ValueRange inputs,
                                 ScalarFn fn) {
  SmallVector<Value> operands;
  SmallVector<AffineMap> maps;
  for (Value input : inputs) {
    BroadcastOperand operand =
        prepareBroadcast(b, loc, input, resultType.getShape());
    operands.push_back(operand.value);
    maps.push_back(operand.map);
  }
  return buildParallelGeneric(b, loc, resultType, operands, maps, fn);
}

Value lowering::buildFilled(OpBuilder &b, Location loc, RankedTensorType type,
                            TypedAttr value) {
  Value scalar = b.create<arith::ConstantOp>(loc, value);
  Value init =
      b.create<tensor::EmptyOp>(loc, type.getShape(), type.getElementType());
  return b.create<linalg::FillOp>(loc, ValueRange{scalar}, ValueRange{init})
      .getResult(0);
}

Value lowering::buildFilled(OpBuilder &b, Location loc, RankedTensorType type,
                            double value) {
  return buildFilled(b, loc, type,
                     b.getFloatAttr(type.getElementType(), value));
}

namespace {
/// The coarsest shape that two shapes of equally many elements are both
/// reshapes of by merging neighbouring dimensions only, e.g. [6, 4] for
/// [2, 3, 4] and [6, 2, 2], with the groups of each that merge into it.
struct CommonShape {
  SmallVector<int64_t> shape;
  SmallVector<ReassociationIndices> groupsOfA, groupsOfB;
};
} // namespace

/// Walks `a` and `b` together, closing a group whenever the products of the
/// dimensions taken from each side agree. With positive sizes and equal
/// element counts the walk always succeeds; a zero size can make it fail.
static std::optional<CommonShape> findCommonShape(ArrayRef<int64_t> a,
                                                  ArrayRef<int64_t> b) {
  CommonShape common;
  int64_t i = 0, j = 0, rankA = a.size(), rankB = b.size();
  while (i < rankA && j < rankB) {
    ReassociationIndices groupA{i}, groupB{j};
    int64_t x = a[i++], y = b[j++];
    while (x != y) {
      if (x < y && i < rankA) {
        groupA.push_back(i);
        x *= a[i++];
      } else if (y < x && j < rankB) {
        groupB.push_back(j);
        y *= b[j++];
      } else {
        return std::nullopt;
      }
    }
    common.shape.push_back(x);
    common.groupsOfA.push_back(groupA);
    common.groupsOfB.push_back(groupB);
  }
  // What is left on either side multiplies to 1 (or follows a zero size):
  // it joins the last group, or vanishes when the common shape is 0-d, whose
  // reassociation has no group at all.
  for (; i < rankA; ++i)
    if (!common.groupsOfA.empty())
      common.groupsOfA.back().push_back(i);
  for (; j < rankB; ++j)
    if (!common.groupsOfB.empty())
      common.groupsOfB.back().push_back(j);
  return common;
}

Value lowering::reshapeTo(OpBuilder &b, Location loc, Value value,
                          ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  Type elementType = type.getElementType();
  if (type.getShape() == shape)
    return value;
  std::optional<CommonShape> common = findCommonShape(type.getShape(), shape);
  // Only a tensor without elements can fail the walk, and it has no
  // elements to keep in order.
  if (!common) {
    assert(type.getNumElements() == 0 && "reshape changes the element count");
    return b.create<tensor::EmptyOp>(loc, shape, elementType);
  }
  // Collapse to the common shape, then expand from it: one op when a shape
  // is a merge of the other, two otherwise, and never a copy.
  Value result = value;
  if (common->shape.size() != type.getShape().size())
    result = b.create<tensor::CollapseShapeOp>(
        loc, RankedTensorType::get(common->shape, elementType), result,
        common->groupsOfA);
  if (common->shape.size() != shape.size())
    result = b.create<tensor::ExpandShapeOp>(
        loc, RankedTensorType::get(shape, elementType), result,
        common->groupsOfB);
  return result;
}

Value lowering::clampIndex(OpBuilder &b, Location loc, Value index,
                           int64_t size) {
  assert(size > 0 && "no index is in range of an empty dimension");
  Value i = b.create<arith::IndexCastOp>(loc, b.getIndexType(), index);
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value last = b.create<arith::ConstantIndexOp>(loc, size - 1);
  i = b.create<arith::MaxSIOp>(loc, i, zero);
  return b.create<arith::MinSIOp>(loc, i, last);
}
