//===- LinearAlgebra.cpp - Rules of matrix products and transposition -----===//
//
// Part of the Adjoint project.
//
// The three ops are (bi)linear, so their tangents apply the op to tangents
// and their cotangents apply the transposed map:
//
//   C = A @ B          dA = sumToType(dC @ Bᵀ, A)   dB = sumToType(Aᵀ @ dC, B)
//                      tC = tA @ B + A @ tB
//   y = dot(a, b)      da = dy · b                  db = dy · a
//                      ty = dot(ta, b) + dot(a, tb)
//   y = transpose(x, p)  dx = transpose(dy, p⁻¹)    ty = transpose(tx, p)
//
// `ᵀ` swaps the last two dimensions. adj.matmul broadcasts its batch
// dimensions, so dC @ Bᵀ has the batch dimensions of C; summing it back to
// A's type (RuleBuilder::sumToType) undoes that broadcast, as for any
// broadcasting elementwise op. The common case of a matrix B shared by a
// batch of A (a linear layer applied to a sequence) takes a shortcut: the
// sum over the batch of Aᵀ @ dC is one product of A and dC flattened to
// matrices, instead of a batch of products and a sum.
//
//===----------------------------------------------------------------------===//

#include "Rules.h"

#include "adjoint/Differentiation/RuleBuilder.h"

#include <numeric>

using namespace mlir;
using namespace adjoint;
using namespace adjoint::adj;

namespace {

/// `value` with its last two dimensions swapped: the matrix transpose of
/// each matrix of a batch.
Value transposeMatrices(RuleBuilder &r, Value value) {
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  SmallVector<int64_t> perm(rank);
  std::iota(perm.begin(), perm.end(), 0);
  std::swap(perm[rank - 2], perm[rank - 1]);
  return r.transpose(value, perm);
}

Value matmul(RuleBuilder &r, Value a, Value b) {
  return r.create<MatmulOp>(a, b);
}

/// dB of C = A @ B: sumToType(Aᵀ @ dC, B).
Value matmulRhsCotangent(RuleBuilder &r, Value a, Value b, Value dc) {
  auto aType = cast<RankedTensorType>(a.getType());
  auto bType = cast<RankedTensorType>(b.getType());
  auto cType = cast<RankedTensorType>(dc.getType());
  if (bType.getRank() == 2 && aType.getRank() > 2 && aType.hasStaticShape() &&
      aType.getShape().back() != 0 &&
      aType.getShape().drop_back() == cType.getShape().drop_back()) {
    int64_t rows = aType.getNumElements() / aType.getShape().back();
    Value flatA = r.reshape(a, {rows, aType.getShape().back()});
    Value flatDc = r.reshape(dc, {rows, cType.getShape().back()});
    return matmul(r, transposeMatrices(r, flatA), flatDc);
  }
  return r.sumToType(matmul(r, transposeMatrices(r, a), dc), bType);
}

/// C = A @ B, batched with broadcasting batch dimensions.
struct MatmulRule
    : public DifferentiableOpInterface::ExternalModel<MatmulRule, MatmulOp> {
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value dc = ctx.resultCotangent(0);
    if (!dc)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    Value a = op->getOperand(0), b = op->getOperand(1);
    if (ctx.needsCotangent(0) &&
        failed(ctx.addOperandCotangent(
            0,
            r.sumToType(matmul(r, dc, transposeMatrices(r, b)), a.getType()))))
      return failure();
    if (ctx.needsCotangent(1) &&
        failed(ctx.addOperandCotangent(1, matmulRhsCotangent(r, a, b, dc))))
      return failure();
    return success();
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value ta = ctx.operandTangent(0), tb = ctx.operandTangent(1);
    if (!ta && !tb)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.setResultTangent(0, r.bilinearTangent(op, ta, tb));
  }
};

/// y = Σᵢ aᵢ bᵢ.
struct DotRule
    : public DifferentiableOpInterface::ExternalModel<DotRule, DotOp> {
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value dy = ctx.resultCotangent(0);
    if (!dy)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    Value a = op->getOperand(0), b = op->getOperand(1);
    // dy is 0-d: the products broadcast it to the vectors' type.
    if (ctx.needsCotangent(0) &&
        failed(ctx.addOperandCotangent(0, r.mul(dy, b))))
      return failure();
    if (ctx.needsCotangent(1) &&
        failed(ctx.addOperandCotangent(1, r.mul(dy, a))))
      return failure();
    return success();
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value ta = ctx.operandTangent(0), tb = ctx.operandTangent(1);
    if (!ta && !tb)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.setResultTangent(0, r.bilinearTangent(op, ta, tb));
  }
};

/// y = transpose(x, p): a permutation, undone by the inverse permutation.
struct TransposeRule
    : public DifferentiableOpInterface::ExternalModel<TransposeRule,
                                                      TransposeOp> {
  LogicalResult buildReverse(Operation *op, ReverseContext &ctx) const {
    Value dy = ctx.resultCotangent(0);
    if (!dy || !ctx.needsCotangent(0))
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    ArrayRef<int64_t> perm = cast<TransposeOp>(op).getPermutation();
    return ctx.addOperandCotangent(0, r.transpose(dy, invertPermutation(perm)));
  }
  LogicalResult buildForward(Operation *op, ForwardContext &ctx) const {
    Value tx = ctx.operandTangent(0);
    if (!tx)
      return success();
    RuleBuilder r(ctx.builder(), ctx.loc());
    return ctx.setResultTangent(
        0, r.transpose(tx, cast<TransposeOp>(op).getPermutation()));
  }
};

} // namespace

void adjoint::registerLinearAlgebraRules(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, AdjDialect *) {
    MatmulOp::attachInterface<MatmulRule>(*ctx);
    DotOp::attachInterface<DotRule>(*ctx);
    TransposeOp::attachInterface<TransposeRule>(*ctx);
  });
}
