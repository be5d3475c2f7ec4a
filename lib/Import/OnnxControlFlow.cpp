//===- OnnxControlFlow.cpp - If and Loop ----------------------------------===//
//
// Part of the Adjoint project.
//
// If and Loop whose control is known at import time. An adj function is
// one block of tensor ops, so an If whose condition folds to a constant
// (a shape test, a constant: what scripted PyTorch code exports from
// Python control flow) becomes the branch it takes, and a Loop with a
// constant trip count whose condition stays constant is unrolled, its body
// converted once per iteration. Control that depends on run-time data is
// an error naming the node.
//
//===----------------------------------------------------------------------===//

#include "OnnxConverters.h"

using namespace mlir;
using namespace adjoint;
using namespace adjoint::onnx_import;

namespace {

/// The most iterations a Loop is unrolled to: beyond, the unrolled program
/// would take long to compile (and the model likely means a run-time
/// count).
constexpr int64_t kMaxIterations = 1024;

/// The value of a one-element integer or bool constant, if `t` is one.
std::optional<int64_t> knownScalar(const Tensor &t) {
  if (!isIntConstant(t) || t.getType().getNumElements() != 1)
    return std::nullopt;
  return intValues(t.constant)[0];
}

/// The subgraph attribute `name`; an error if absent.
FailureOr<const onnx::GraphProto *> graphAttr(NodeContext &n, StringRef name) {
  const onnx::AttributeProto *a = n.attr(name, onnx::AttributeProto::GRAPH);
  if (!a)
    return n.error() << "the attribute " << name << " is required";
  return &a->g();
}

/// If: the branch the condition, known at import time, takes.
LogicalResult ifNode(NodeContext &n, Results &results) {
  std::optional<int64_t> cond = knownScalar(n.input(0));
  if (!cond)
    return n.error() << "the condition is known only at run time; Adjoint "
                        "compiles an If whose condition is known at import "
                        "time (a constant, a test of shapes) as the branch "
                        "it takes: compute both values and select one "
                        "(torch.where) instead";
  StringRef name = *cond ? "then_branch" : "else_branch";
  FailureOr<const onnx::GraphProto *> branch = graphAttr(n, name);
  if (failed(branch))
    return failure();
  FailureOr<SmallVector<Tensor>> outputs = n.subgraph(**branch, {});
  if (failed(outputs))
    return failure();
  if (outputs->size() != size_t(n.node.output_size()))
    return n.error() << name << " has " << outputs->size()
                     << " outputs, the node " << n.node.output_size();
  results.append(outputs->begin(), outputs->end());
  return success();
}

/// Loop: the body unrolled for the trip count, known at import time, while
/// the condition (the optional input, then the body's first output) is a
/// constant true. Loop-carried values pass from one iteration's body to
/// the next; each scan output is its iterations' values stacked along a new
/// first axis (adj.concat).
LogicalResult loop(NodeContext &n, Results &results) {
  FailureOr<const onnx::GraphProto *> body = graphAttr(n, "body");
  if (failed(body))
    return failure();
  if (!n.hasInput(0))
    return n.error() << "a Loop without a trip count (a while loop) is not "
                        "supported: Adjoint unrolls a Loop whose trip count "
                        "is known at import time";
  std::optional<int64_t> trips = knownScalar(n.input(0)), cond = 1;
  if (!trips)
    return n.error() << "the trip count is known only at run time; Adjoint "
                        "unrolls a Loop whose trip count is known at import "
                        "time (a constant, a shape)";
  if (*trips > kMaxIterations)
    return n.error() << "the trip count " << *trips << " is above "
                     << kMaxIterations
                     << ", the most iterations Adjoint unrolls";
  if (n.hasInput(1) && !(cond = knownScalar(n.input(1))))
    return n.error() << "the condition is known only at run time; Adjoint "
                        "unrolls a Loop whose condition is known at import "
                        "time";
  SmallVector<Tensor> carried;
  for (unsigned i = 2; i < n.getNumInputs(); ++i) {
    if (!n.hasInput(i))
      return n.error() << "loop-carried input " << i << " is missing";
    carried.push_back(n.input(i));
  }
  int64_t scans = n.node.output_size() - int64_t(carried.size());
  if (scans < 0)
    return n.error() << "the node has fewer outputs than loop-carried values";
  MLIRContext *context = n.b.getContext();
  auto boolType = RankedTensorType::get({}, IntegerType::get(context, 1));
  Tensor yes = {{}, DenseElementsAttr::get(boolType, true)};
  SmallVector<SmallVector<Value>> stacked(scans);
  for (int64_t i = 0; i < *trips && *cond; ++i) {
    SmallVector<Tensor> in = {intConstant(context, {}, {i}), yes};
    in.append(carried);
    FailureOr<SmallVector<Tensor>> out = n.subgraph(**body, in);
    if (failed(out))
      return failure();
    if (out->size() != 1 + carried.size() + scans)
      return n.error() << "the body has " << out->size() << " outputs, not "
                       << 1 + carried.size() + scans
                       << " (the condition, the loop-carried values and "
                          "the scan outputs)";
    if (!(cond = knownScalar((*out)[0])))
      return n.error() << "the body's condition is known only at run time "
                          "(iteration "
                       << i
                       << "); Adjoint unrolls a Loop whose condition is "
                          "known at import time";
    llvm::copy(ArrayRef(*out).slice(1, carried.size()), carried.begin());
    for (int64_t s = 0; s < scans; ++s) {
      Value v = n.materialize((*out)[1 + carried.size() + s]);
      SmallVector<int64_t> shape = {1};
      llvm::append_range(shape, cast<RankedTensorType>(v.getType()).getShape());
      stacked[s].push_back(n.reshape(v, shape));
    }
  }
  results.append(carried);
  for (ArrayRef<Value> values : stacked) {
    if (values.empty())
      return n.error() << "a scan output of no iterations is not supported";
    if (failed(result(
            results, n.create<adj::ConcatOp>(
                         values, {n.named("axis", n.b.getI64IntegerAttr(0))}))))
      return failure();
  }
  return success();
}

const OperatorInfo operators[] = {
    {"If", 1, 17, 1, ifNode,
     "the branch taken, when the condition is known at import time (a "
     "constant, a test of shapes: scripted PyTorch code); a condition "
     "known only at run time is an error"},
    {"Loop", 1, 17, 0, loop,
     "unrolled: the trip count known at import time (at most 1024), the "
     "condition (input and body output) constant; loop-carried values "
     "pass between iterations, scan outputs are stacked (`adj.concat`); a "
     "while loop or a data-dependent condition is an error"},
};

} // namespace

ArrayRef<OperatorInfo> onnx_import::getControlFlowOperators() {
  return operators;
}
