//===- OnnxRecurrent.cpp - RNN, GRU and LSTM ------------------------------===//
//
// Part of the Adjoint project.
//
// RNN, GRU and LSTM, unrolled over their time steps.
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

/// An RNN, GRU or LSTM node unrolled over its time steps, in each of its
/// directions (forward, reverse, or both: bidirectional). The weights W
/// ([D, G*H, I]) and R ([D, G*H, H]) hold, per direction, G gates of H rows
/// each; every step multiplies its input by Wᵀ and the previous state by
/// Rᵀ and adds the biases (B, [D, 2*G*H]: Wb then Rb). The input products
/// of all steps are one matrix product per direction, [T*B, I] x [I, G*H].
/// The reverse direction reads the steps from the last; ONNX's Y[t, d] is
/// the state of direction d after step t either way.
class Unrolled {
public:
  /// A direction's weights, as the steps use them.
  struct Direction {
    Value xw, rt, rb;
    bool reverse;
  };

  /// `activations` are the default activation functions of one direction.
  Unrolled(NodeContext &n, int64_t gates, ArrayRef<StringRef> activations)
      : n(n), gates(gates),
        activations(activations.begin(), activations.end()) {}

  /// Reads the inputs; fails with an error for what is not supported.
  LogicalResult init() {
    std::string direction = n.getString("direction", "forward");
    if (direction != "forward" && direction != "reverse" &&
        direction != "bidirectional")
      return n.error() << "direction " << direction
                       << " is not one of forward, reverse, bidirectional";
    int64_t count = direction == "bidirectional" ? 2 : 1;
    if (n.attr("clip", onnx::AttributeProto::FLOAT))
      return n.error() << "clip is not supported";
    if (std::optional<SmallVector<std::string>> given = readActivations()) {
      if (given->size() != activations.size() * count)
        return n.error() << "activations must have "
                         << activations.size() * count << " entries";
      activations = *given;
    } else if (count == 2) {
      SmallVector<std::string> one = activations;
      activations.append(one);
    }
    if (n.getInt("layout", 0))
      return n.error() << "layout 1 is not supported: [T, B, I] inputs only";
    if (n.hasInput(4))
      return n.error() << "sequence_lens is not supported: every sequence "
                          "is as long as the input";
    ArrayRef<int64_t> xs = n.type(0).getShape();
    hidden = n.getInt("hidden_size", 0);
    if (xs.size() != 3 || hidden <= 0)
      return n.error() << "the input must be [T, B, I] and hidden_size set";
    if (xs[0] == 0)
      return n.error() << "the sequence is empty (T = 0): Y_h would be the "
                          "initial state, which is not supported";
    steps = xs[0];
    batch = xs[1];
    int64_t rows = gates * hidden;
    if (n.type(1).getShape() != ArrayRef<int64_t>{count, rows, xs[2]} ||
        n.type(2).getShape() != ArrayRef<int64_t>{count, rows, hidden})
      return n.error() << "W must be [" << count << ", " << rows << ", "
                       << xs[2] << "] and R [" << count << ", " << rows << ", "
                       << hidden << "]";
    if (n.hasInput(3) &&
        n.type(3).getShape() != ArrayRef<int64_t>{count, 2 * rows})
      return n.error() << "B must be [" << count << ", " << 2 * rows << "]";
    FailureOr<Value> x = n.floatValue(0), w = n.floatValue(1),
                     r = n.floatValue(2);
    if (failed(x) || failed(w) || failed(r))
      return failure();
    element = n.type(0).getElementType();
    Value bias;
    if (n.hasInput(3)) {
      FailureOr<Value> b = n.floatValue(3);
      if (failed(b))
        return failure();
      bias = *b;
    }
    Value flatX = n.reshape(*x, {steps * batch, xs[2]});
    for (int64_t d = 0; d < count; ++d) {
      Direction dir;
      dir.reverse = direction == "reverse" || d == 1;
      dir.xw = matmul(flatX, transposed(*w, d));
      dir.rt = transposed(*r, d);
      if (bias) {
        Value flat =
            n.reshape(slice(bias, {d, 0}, {d + 1, 2 * rows}), {2 * rows});
        dir.xw = add(dir.xw, slice(flat, {0}, {rows}));
        dir.rb = slice(flat, {rows}, {2 * rows});
      }
      directions.push_back(dir);
    }
    return success();
  }

  /// The activation functions of direction `d`.
  ArrayRef<std::string> activationsOf(int64_t d) const {
    int64_t each = activations.size() / directions.size();
    return ArrayRef(activations).slice(d * each, each);
  }

  /// The initial state of direction `d` in input `i` ([D, B, H]) as [B, H],
  /// zeros if absent.
  FailureOr<Value> initialState(unsigned i, int64_t d) {
    auto type = RankedTensorType::get({batch, hidden}, element);
    if (!n.hasInput(i))
      return n.splat(type, 0.0);
    int64_t count = directions.size();
    if (n.type(i).getShape() != ArrayRef<int64_t>{count, batch, hidden})
      return n.error() << "input " << i << " must be [" << count << ", "
                       << batch << ", " << hidden << "]";
    FailureOr<Value> v = n.floatValue(i);
    if (failed(v))
      return failure();
    return n.reshape(slice(*v, {d, 0, 0}, {d + 1, batch, hidden}),
                     {batch, hidden});
  }

  /// The steps of a direction in the order it reads them.
  SmallVector<int64_t> order(const Direction &d) const {
    SmallVector<int64_t> ts = llvm::to_vector(llvm::seq<int64_t>(0, steps));
    if (d.reverse)
      std::reverse(ts.begin(), ts.end());
    return ts;
  }

  /// Step t's input products and Wb, [B, G*H].
  Value input(const Direction &d, int64_t t) {
    return slice(d.xw, {t * batch, 0}, {(t + 1) * batch, gates * hidden});
  }
  /// `h` ([B, H]) times the transposed gates [from, to) of R, plus theirs
  /// of Rb.
  Value recurrent(const Direction &d, Value h, int64_t from, int64_t to) {
    Value rows = slice(d.rt, {0, from * hidden}, {hidden, to * hidden});
    Value y = matmul(h, rows);
    return d.rb ? add(y, slice(d.rb, {from * hidden}, {to * hidden})) : y;
  }
  /// Gate `g` of a [B, k*H] value.
  Value gate(Value v, int64_t g) {
    return slice(v, {0, g * hidden}, {batch, (g + 1) * hidden});
  }

  /// Y ([T, D, B, H]) and Y_h ([D, B, H]) from each direction's state of
  /// each step (in step order), then `last` (LSTM's Y_c, per direction).
  void finish(ArrayRef<SmallVector<Value>> states,
              ArrayRef<SmallVector<Value>> last, Results &results) {
    int64_t count = directions.size();
    SmallVector<Value> parts, finals;
    for (int64_t t = 0; t < steps; ++t)
      for (int64_t d = 0; d < count; ++d)
        parts.push_back(n.reshape(states[d][t], {1, batch, hidden}));
    auto type = RankedTensorType::get({steps * count, batch, hidden}, element);
    results.push_back(runtime(n.reshape(
        n.b.create<adj::ConcatOp>(n.loc, type, parts, n.b.getI64IntegerAttr(0)),
        {steps, count, batch, hidden})));
    auto stack = [&](function_ref<Value(int64_t)> of) {
      SmallVector<Value> v;
      for (int64_t d = 0; d < count; ++d)
        v.push_back(n.reshape(of(d), {1, batch, hidden}));
      auto stacked = RankedTensorType::get({count, batch, hidden}, element);
      return runtime(n.b.create<adj::ConcatOp>(n.loc, stacked, v,
                                               n.b.getI64IntegerAttr(0)));
    };
    results.push_back(stack([&](int64_t d) {
      return directions[d].reverse ? states[d].front() : states[d].back();
    }));
    if (!last.empty())
      results.push_back(stack([&](int64_t d) { return last[d].back(); }));
  }

  Value add(Value a, Value b) { return *n.create<adj::AddOp>({a, b}); }
  Value mul(Value a, Value b) { return *n.create<adj::MulOp>({a, b}); }
  Value sub(Value a, Value b) { return *n.create<adj::SubOp>({a, b}); }
  Value sigmoid(Value v) {
    return n.b.create<adj::SigmoidOp>(n.loc, v.getType(), v);
  }
  Value tanh(Value v) { return n.b.create<adj::TanhOp>(n.loc, v.getType(), v); }
  Value relu(Value v) { return n.b.create<adj::ReluOp>(n.loc, v.getType(), v); }

  int64_t steps = 0, batch = 0, hidden = 0;
  SmallVector<Direction, 2> directions;

private:
  /// The activations attribute, if given.
  std::optional<SmallVector<std::string>> readActivations() {
    const onnx::AttributeProto *a =
        n.attr("activations", onnx::AttributeProto::STRINGS);
    if (!a)
      return std::nullopt;
    SmallVector<std::string> names(a->strings().begin(), a->strings().end());
    return names;
  }
  Value slice(Value v, ArrayRef<int64_t> start, ArrayRef<int64_t> limit) {
    return *sliceBox(n, v, start, limit);
  }
  Value matmul(Value a, Value b) { return *n.create<adj::MatmulOp>({a, b}); }
  /// Direction `d` of W or R ([D, G*H, K]) as [K, G*H].
  Value transposed(Value w, int64_t d) {
    ArrayRef<int64_t> s = cast<RankedTensorType>(w.getType()).getShape();
    Value one = slice(w, {d, 0, 0}, {d + 1, s[1], s[2]});
    return *n.create<adj::TransposeOp>(
        n.reshape(one, {s[1], s[2]}),
        {n.named("permutation", n.b.getDenseI64ArrayAttr({1, 0}))});
  }

  NodeContext &n;
  int64_t gates;
  SmallVector<std::string> activations;
  Type element;
};

/// An error unless every direction of `u` uses the default activations
/// `defaults`.
LogicalResult requireDefaultActivations(NodeContext &n, const Unrolled &u,
                                        ArrayRef<StringRef> defaults) {
  for (size_t d = 0; d < u.directions.size(); ++d)
    for (auto [given, wanted] : llvm::zip(u.activationsOf(d), defaults))
      if (given != wanted)
        return n.error() << "activation " << given
                         << " is not supported: only the default ones, "
                         << llvm::join(defaults, ", ");
  return success();
}

/// ONNX's GRU, gates z, r, h:
///   z = σ(x Wzᵀ + h Rzᵀ + b), r = σ(x Wrᵀ + h Rrᵀ + b),
///   c = tanh(x Whᵀ + r ⊙ (h Rhᵀ + Rbh) + Wbh)   (linear_before_reset 1,
///       PyTorch's), or tanh(x Whᵀ + (r ⊙ h) Rhᵀ + Rbh + Wbh) (0),
///   h' = (1 - z) ⊙ c + z ⊙ h = c + z ⊙ (h - c).
LogicalResult gru(NodeContext &n, Results &results) {
  StringRef defaults[] = {"Sigmoid", "Tanh"};
  Unrolled u(n, 3, defaults);
  if (failed(u.init()) || failed(requireDefaultActivations(n, u, defaults)))
    return failure();
  bool linearBeforeReset = n.getInt("linear_before_reset", 0);
  SmallVector<SmallVector<Value>> states;
  for (auto [d, dir] : llvm::enumerate(u.directions)) {
    FailureOr<Value> h = u.initialState(5, d);
    if (failed(h))
      return failure();
    SmallVector<Value> &hs = states.emplace_back(u.steps);
    for (int64_t t : u.order(dir)) {
      Value x = u.input(dir, t);
      Value hr = u.recurrent(dir, *h, 0, linearBeforeReset ? 3 : 2);
      Value z = u.sigmoid(u.add(u.gate(x, 0), u.gate(hr, 0)));
      Value r = u.sigmoid(u.add(u.gate(x, 1), u.gate(hr, 1)));
      Value reset = linearBeforeReset ? u.mul(r, u.gate(hr, 2))
                                      : u.recurrent(dir, u.mul(r, *h), 2, 3);
      Value c = u.tanh(u.add(u.gate(x, 2), reset));
      h = u.add(c, u.mul(z, u.sub(*h, c)));
      hs[t] = *h;
    }
  }
  u.finish(states, {}, results);
  return success();
}

/// ONNX's LSTM, gates i, o, f, c (no peepholes):
///   i, o, f = σ(x Wᵀ + h Rᵀ + b), g = tanh(...),
///   c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').
LogicalResult lstm(NodeContext &n, Results &results) {
  if (n.hasInput(7))
    return n.error() << "peepholes (input P) are not supported";
  if (n.getInt("input_forget", 0))
    return n.error() << "input_forget 1 is not supported";
  StringRef defaults[] = {"Sigmoid", "Tanh", "Tanh"};
  Unrolled u(n, 4, defaults);
  if (failed(u.init()) || failed(requireDefaultActivations(n, u, defaults)))
    return failure();
  SmallVector<SmallVector<Value>> states, cells;
  for (auto [d, dir] : llvm::enumerate(u.directions)) {
    FailureOr<Value> h = u.initialState(5, d), c = u.initialState(6, d);
    if (failed(h) || failed(c))
      return failure();
    SmallVector<Value> &hs = states.emplace_back(u.steps);
    SmallVector<Value> &cs = cells.emplace_back();
    for (int64_t t : u.order(dir)) {
      Value g = u.add(u.input(dir, t), u.recurrent(dir, *h, 0, 4));
      Value i = u.sigmoid(u.gate(g, 0)), o = u.sigmoid(u.gate(g, 1));
      Value f = u.sigmoid(u.gate(g, 2)), cand = u.tanh(u.gate(g, 3));
      c = u.add(u.mul(f, *c), u.mul(i, cand));
      h = u.mul(o, u.tanh(*c));
      hs[t] = *h;
      cs.push_back(*c);
    }
  }
  u.finish(states, cells, results);
  return success();
}

/// ONNX's RNN (PyTorch's nn.RNN): h' = f(x Wᵀ + h Rᵀ + Wb + Rb), f Tanh
/// (the default) or Relu per direction.
LogicalResult rnn(NodeContext &n, Results &results) {
  StringRef defaults[] = {"Tanh"};
  Unrolled u(n, 1, defaults);
  if (failed(u.init()))
    return failure();
  SmallVector<SmallVector<Value>> states;
  for (auto [d, dir] : llvm::enumerate(u.directions)) {
    StringRef activation = u.activationsOf(d)[0];
    if (activation != "Tanh" && activation != "Relu")
      return n.error() << "activation " << activation
                       << " is not supported: Tanh or Relu";
    FailureOr<Value> h = u.initialState(5, d);
    if (failed(h))
      return failure();
    SmallVector<Value> &hs = states.emplace_back(u.steps);
    for (int64_t t : u.order(dir)) {
      Value pre = u.add(u.input(dir, t), u.recurrent(dir, *h, 0, 1));
      h = activation == "Tanh" ? u.tanh(pre) : u.relu(pre);
      hs[t] = *h;
    }
  }
  u.finish(states, {}, results);
  return success();
}

const OperatorInfo operators[] = {
    {"GRU", 7, 17, 3, gru,
     "unrolled into adj ops over the time steps; forward, reverse or "
     "bidirectional, default activations, no `sequence_lens`, `layout` 0"},
    {"LSTM", 7, 17, 3, lstm,
     "unrolled into adj ops over the time steps; forward, reverse or "
     "bidirectional, default activations, no peepholes or `sequence_lens`, "
     "`layout` 0"},
    {"RNN", 7, 17, 3, rnn,
     "as GRU; Tanh or Relu (PyTorch's nn.RNN `nonlinearity`)"},
};

} // namespace

ArrayRef<OperatorInfo> onnx_import::getRecurrentOperators() {
  return operators;
}
