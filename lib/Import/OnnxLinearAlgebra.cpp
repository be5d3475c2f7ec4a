//===- OnnxLinearAlgebra.cpp - MatMul, Gemm and Einsum --------------------===//
//
// Part of the Adjoint project.
//
// Matrix products and Einsum.
//
//===----------------------------------------------------------------------===//

#include "OnnxConverters.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace adjoint;
using namespace adjoint::onnx_import;

namespace {

LogicalResult matmul(NodeContext &n, Results &results) {
  FailureOr<Value> a = n.floatValue(0), b = n.floatValue(1);
  if (failed(a) || failed(b))
    return failure();
  // NumPy's rules for vectors: [K] is [1, K] on the left, [K, 1] on the
  // right, and that dimension is dropped from the result.
  ArrayRef<int64_t> sa = n.type(0).getShape(), sb = n.type(1).getShape();
  bool vecA = sa.size() == 1, vecB = sb.size() == 1;
  Value lhs = vecA ? n.reshape(*a, {1, sa[0]}) : *a;
  Value rhs = vecB ? n.reshape(*b, {sb[0], 1}) : *b;
  FailureOr<Value> product = n.create<adj::MatmulOp>({lhs, rhs});
  if (failed(product))
    return failure();
  SmallVector<int64_t> shape(
      cast<RankedTensorType>(product->getType()).getShape());
  if (vecB)
    shape.erase(shape.end() - 1);
  if (vecA)
    shape.erase(shape.end() - (vecB ? 1 : 2));
  results.push_back(runtime(n.reshape(*product, shape)));
  return success();
}

/// An Einsum operand: its value and its indices, one letter per dimension.
struct EinsumTerm {
  Value value;
  std::string labels;
};

/// The i1 mask of shape [1, .., d, .., d, .., 1] (rank `rank`, d at `p`
/// and `q`) that is true where positions p and q agree: a diagonal.
Value diagonalMask(NodeContext &n, int64_t rank, int64_t p, int64_t q,
                   int64_t d) {
  SmallVector<int64_t> shape(rank, 1);
  shape[p] = shape[q] = d;
  SmallVector<bool> eye(d * d, false);
  for (int64_t i = 0; i < d; ++i)
    eye[i * d + i] = true;
  auto maskType = RankedTensorType::get(shape, n.b.getI1Type());
  return n.b.create<adj::ConstantOp>(n.loc, maskType,
                                     DenseElementsAttr::get(maskType, eye));
}

/// `t` with each repeated index made one: the entries where its positions
/// agree (a diagonal), selected by a constant mask and summed over the
/// later position. The mask (not a product with an identity) keeps an
/// infinite entry off the diagonal out.
FailureOr<EinsumTerm> einsumDiagonal(NodeContext &n, EinsumTerm t) {
  for (size_t q = 1; q < t.labels.size();) {
    size_t p = t.labels.find(t.labels[q]);
    if (p == q) {
      ++q;
      continue;
    }
    auto type = cast<RankedTensorType>(t.value.getType());
    Value mask = diagonalMask(n, type.getRank(), p, q, type.getDimSize(p));
    Value zero = n.splat(RankedTensorType::get({}, type.getElementType()), 0);
    FailureOr<Value> kept = n.create<adj::SelectOp>({mask, t.value, zero});
    if (failed(kept))
      return failure();
    FailureOr<Value> summed = n.create<adj::SumOp>(
        *kept, {n.named("axes", n.b.getDenseI64ArrayAttr({int64_t(q)}))});
    if (failed(summed))
      return failure();
    t.value = *summed;
    t.labels.erase(q, 1);
  }
  return t;
}

/// `v`, whose indices are `out`'s each once, with `out`'s repeated indices
/// put back (diag_embed: "bi->bii"): `v` broadcast along each repeat and
/// kept, by a constant mask, where the repeat agrees with the index's first
/// position; zeros elsewhere.
FailureOr<Value> einsumEmbedDiagonal(NodeContext &n, Value v, StringRef out) {
  for (size_t q = 1; q < out.size(); ++q) {
    size_t p = out.find(out[q]);
    if (p == q)
      continue;
    // The indices before q are out's; the new dimension goes at q.
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape.insert(shape.begin() + q, 1);
    SmallVector<int64_t> spreadShape(shape);
    spreadShape[q] = shape[p];
    FailureOr<Value> spread = n.create<adj::BroadcastToOp>(
        n.reshape(v, shape), {}, type.clone(spreadShape));
    if (failed(spread))
      return failure();
    Value mask = diagonalMask(n, shape.size(), p, q, shape[p]);
    Value zero = n.splat(RankedTensorType::get({}, type.getElementType()), 0);
    FailureOr<Value> kept = n.create<adj::SelectOp>({mask, *spread, zero});
    if (failed(kept))
      return failure();
    v = *kept;
  }
  return v;
}

/// Einsum of one or two terms, whose indices each occur once, to `out`
/// (each of its indices in some term, once). An index of a term that
/// neither the other term nor `out` has is summed first. Then the indices
/// in both terms and `out` (batch), in one term and `out` (left, right)
/// and in both terms only (contracted) make one batched matrix product
/// [batch, left, K] x [batch, K, right], reshaped and transposed to
/// `out`'s order.
FailureOr<Value> einsumContract(NodeContext &n, MutableArrayRef<EinsumTerm> t,
                                StringRef out,
                                const llvm::StringMap<int64_t> &size) {
  auto has = [](StringRef s, char c) { return s.contains(c); };
  for (unsigned i = 0; i < t.size(); ++i) {
    StringRef other = t.size() == 2 ? StringRef(t[1 - i].labels) : "";
    SmallVector<int64_t> axes;
    std::string kept;
    for (auto [axis, c] : llvm::enumerate(t[i].labels)) {
      if (has(out, c) || has(other, c))
        kept += c;
      else
        axes.push_back(axis);
    }
    if (axes.empty())
      continue;
    FailureOr<Value> summed = n.create<adj::SumOp>(
        t[i].value, {n.named("axes", n.b.getDenseI64ArrayAttr(axes))});
    if (failed(summed))
      return failure();
    t[i] = {*summed, kept};
  }
  auto dims = [&](StringRef ls) {
    SmallVector<int64_t> d;
    for (char c : ls)
      d.push_back(size.lookup(StringRef(&c, 1)));
    return d;
  };
  auto product = [&](StringRef ls) {
    int64_t p = 1;
    for (int64_t d : dims(ls))
      p *= d;
    return p;
  };
  // `v` with indices `from` transposed to the order `to`.
  auto arrange = [&](Value v, StringRef from,
                     StringRef to) -> FailureOr<Value> {
    SmallVector<int64_t> perm;
    for (char c : to)
      perm.push_back(from.find(c));
    if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
      return v;
    return n.create<adj::TransposeOp>(
        v, {n.named("permutation", n.b.getDenseI64ArrayAttr(perm))});
  };
  if (t.size() == 1)
    return arrange(t[0].value, t[0].labels, out);
  StringRef a = t[0].labels, b = t[1].labels;
  std::string batch, left, right, contracted;
  for (char c : out) {
    if (has(a, c) && has(b, c))
      batch += c;
    else if (has(a, c))
      left += c;
    else
      right += c;
  }
  for (char c : a)
    if (has(b, c) && !has(out, c))
      contracted += c;
  FailureOr<Value> lhs = arrange(t[0].value, a, batch + left + contracted);
  FailureOr<Value> rhs = arrange(t[1].value, b, batch + contracted + right);
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<Value> y = n.create<adj::MatmulOp>(
      {n.reshape(*lhs, {product(batch), product(left), product(contracted)}),
       n.reshape(*rhs, {product(batch), product(contracted), product(right)})});
  if (failed(y))
    return failure();
  std::string order = batch + left + right;
  return arrange(n.reshape(*y, dims(order)), order, out);
}

/// Einsum of any number of operands: a repeated index within an operand
/// takes its diagonal first (a trace when then summed); then the operands
/// are contracted two at a time from the left (as PyTorch without
/// opt_einsum), keeping the indices a later operand or the output has; an
/// index repeated in the output puts a diagonal back at the end. An
/// ellipsis stands for the leading dimensions no letter names (the same
/// ones in every operand).
LogicalResult einsum(NodeContext &n, Results &results) {
  std::string equation;
  for (char c : n.getString("equation", ""))
    if (c != ' ')
      equation += c;
  // Indices are letters (ONNX's rule): the ellipsis' dimensions become
  // digits below.
  for (char c : equation)
    if (!llvm::isAlpha(c) && !StringRef(",.->").contains(c))
      return n.error() << "equation '" << equation << "' has '" << c
                       << "': indices are letters";
  size_t arrow = equation.find("->");
  std::string lhs = equation.substr(0, arrow);
  SmallVector<StringRef> terms;
  StringRef(lhs).split(terms, ',');
  unsigned count = n.getNumInputs();
  if (count < 1 || terms.size() != count)
    return n.error() << "equation '" << equation << "' does not have one "
                     << "term per operand (" << count << ")";
  // Ellipses become digits, which no index is: "...ij" of a rank-4
  // operand is "01ij".
  SmallVector<std::string> labels;
  int64_t ellipsis = -1;
  for (unsigned i = 0; i < count; ++i) {
    std::string term = terms[i].str();
    size_t dots = term.find("...");
    int64_t rank = n.type(i).getRank();
    if (dots != std::string::npos) {
      int64_t k = rank - int64_t(term.size() - 3);
      if (k < 0 || (ellipsis >= 0 && ellipsis != k) || k > 10)
        return n.error() << "the ellipses of '" << equation
                         << "' do not stand for the same dimensions";
      ellipsis = k;
      std::string digits;
      for (int64_t d = 0; d < k; ++d)
        digits += char('0' + d);
      term.replace(dots, 3, digits);
    }
    if (int64_t(term.size()) != rank)
      return n.error() << "term '" << terms[i].str() << "' does not fit "
                       << n.type(i);
    labels.push_back(term);
  }
  std::string out;
  if (arrow != std::string::npos) {
    out = equation.substr(arrow + 2);
    if (size_t dots = out.find("..."); dots != std::string::npos) {
      std::string digits;
      for (int64_t d = 0; d < std::max<int64_t>(ellipsis, 0); ++d)
        digits += char('0' + d);
      out.replace(dots, 3, digits);
    }
  } else {
    // Implicit output: the ellipsis, then the indices used once, sorted.
    std::string all = llvm::join(labels, "");
    for (char c : all)
      if (llvm::isDigit(c) && !llvm::is_contained(out, c))
        out += c;
    std::string once;
    for (char c : all)
      if (!llvm::isDigit(c) && llvm::count(all, c) == 1)
        once += c;
    llvm::sort(once);
    out += once;
  }
  llvm::StringMap<int64_t> size;
  SmallVector<EinsumTerm> operands;
  for (unsigned i = 0; i < count; ++i) {
    FailureOr<Value> v = n.floatValue(i);
    if (failed(v))
      return failure();
    for (auto [c, d] : llvm::zip(labels[i], n.type(i).getShape())) {
      auto [it, inserted] = size.try_emplace(StringRef(&c, 1), d);
      if (!inserted && it->second != d)
        return n.error() << "index '" << c << "' has sizes " << it->second
                         << " and " << d;
    }
    FailureOr<EinsumTerm> term = einsumDiagonal(n, {*v, labels[i]});
    if (failed(term))
      return failure();
    operands.push_back(*term);
  }
  // The output's indices each once; its repeats are put back at the end.
  std::string unique;
  for (char c : out) {
    if (!size.count(StringRef(&c, 1)))
      return n.error() << "output index '" << c << "' is in no operand";
    if (!llvm::is_contained(unique, c))
      unique += c;
  }
  while (operands.size() > 2) {
    std::string later = unique;
    for (const EinsumTerm &t : ArrayRef(operands).drop_front(2))
      later += t.labels;
    std::string kept;
    for (char c : operands[0].labels + operands[1].labels)
      if (StringRef(later).contains(c) && !StringRef(kept).contains(c))
        kept += c;
    FailureOr<Value> pair =
        einsumContract(n, MutableArrayRef(operands).take_front(2), kept, size);
    if (failed(pair))
      return failure();
    operands.erase(operands.begin());
    operands[0] = {*pair, kept};
  }
  FailureOr<Value> y = einsumContract(n, operands, unique, size);
  if (failed(y))
    return failure();
  return result(results, einsumEmbedDiagonal(n, *y, out));
}

LogicalResult gemm(NodeContext &n, Results &results) {
  FailureOr<Value> a = n.floatValue(0), b = n.floatValue(1);
  if (failed(a) || failed(b))
    return failure();
  if (n.type(0).getRank() != 2 || n.type(1).getRank() != 2)
    return n.error() << "A and B must be matrices";
  auto t = [&](Value v) -> Value {
    return *n.create<adj::TransposeOp>(
        v, {n.named("permutation", n.b.getDenseI64ArrayAttr({1, 0}))});
  };
  Value lhs = n.getInt("transA", 0) ? t(*a) : *a;
  Value rhs = n.getInt("transB", 0) ? t(*b) : *b;
  FailureOr<Value> y = n.create<adj::MatmulOp>({lhs, rhs});
  if (failed(y))
    return failure();
  double alpha = n.getFloat("alpha", 1.0), beta = n.getFloat("beta", 1.0);
  if (alpha != 1.0)
    y = n.create<adj::MulOp>({*y, n.scalar(alpha)});
  if (succeeded(y) && n.hasInput(2) && beta != 0.0) {
    FailureOr<Value> c = n.floatValue(2);
    if (failed(c))
      return failure();
    Value bias = *c;
    if (beta != 1.0)
      bias = *n.create<adj::MulOp>({bias, n.scalar(beta)});
    y = n.create<adj::AddOp>({*y, bias});
  }
  return result(results, y);
}

const OperatorInfo operators[] = {
    {"Einsum", 12, 17, 1, einsum,
     "any number of operands, contracted two at a time from the left: "
     "`adj.sum` of the indices only one has, then one batched `adj.matmul` "
     "between transposes and reshapes; a repeated index within an operand "
     "(diagonal, trace) by a constant mask; repeated within the output "
     "(diag_embed), `adj.broadcast_to` and an `adj.select` by a constant "
     "mask"},
    {"Gemm", 7, 17, 2, gemm,
     "`adj.matmul` with `adj.transpose`, `alpha`, `beta`, broadcast C"},
    {"MatMul", 1, 17, 2, matmul,
     "`adj.matmul` (batched, broadcasting); 1-D operands as NumPy"},
};

} // namespace

ArrayRef<OperatorInfo> onnx_import::getLinearAlgebraOperators() {
  return operators;
}
