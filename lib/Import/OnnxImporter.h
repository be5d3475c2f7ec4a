//===- OnnxImporter.h - Shared by the ONNX importer's files -----*- C++ -*-===//
//
// Part of the Adjoint project.
//
// The importer walks the graph's nodes in order and hands each to its
// converter, found in one table (getOperators()) by operator name; the
// table also gives the opsets a converter implements and feeds the
// generated docs/onnx-operators.md.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_LIB_IMPORT_ONNXIMPORTER_H
#define ADJOINT_LIB_IMPORT_ONNXIMPORTER_H

#include "adjoint/Dialect/Adj/IR/AdjOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

#include <onnx/onnx_pb.h>

#include <functional>

namespace adjoint::onnx_import {

/// A value of the graph. Values known at import time (integer initializers,
/// Constant nodes, shape computations on static shapes) keep `constant` so
/// that the nodes that need them as attributes (Reshape's shape, Slice's
/// bounds, ...) can read them; `value` is their adj.constant, made when an
/// op needs it at run time.
struct Tensor {
  mlir::Value value;
  mlir::DenseElementsAttr constant;
  /// A float initializer's value (its argument's adj.initial_value), for
  /// the few nodes that need a float parameter at import time (Resize's
  /// scales): `value` is the argument, which gradients are taken w.r.t.
  mlir::DenseElementsAttr initialValue;
  /// Whether ONNX's shape inference gives this value a larger shape than
  /// getType() (a ceil-mode pool whose last window would start in the
  /// padding: PyTorch, which the importer follows, drops it), or may,
  /// being computed from such a value: a graph output that is may be
  /// declared with ONNX's shape.
  bool windowDropped = false;
  /// A sequence's tensors (SplitToSequence's output, which only SequenceAt
  /// reads); `value` and `constant` are then null.
  std::vector<Tensor> sequence;
  bool isSequence() const { return !value && !constant; }
  mlir::RankedTensorType getType() const {
    return mlir::cast<mlir::RankedTensorType>(value ? value.getType()
                                                    : constant.getType());
  }
};

/// The element type of ONNX's TensorProto::DataType, if adj has one.
mlir::Type getElementType(mlir::MLIRContext *context, int32_t dataType);

/// A TensorProto's value as an attribute; fails with an error at `loc`.
mlir::FailureOr<mlir::DenseElementsAttr>
readTensor(const onnx::TensorProto &tensor, mlir::Location loc);

/// One node being converted: its inputs, attributes and a builder.
class NodeContext {
public:
  NodeContext(mlir::OpBuilder &builder, mlir::Location loc,
              const onnx::NodeProto &node, int64_t opset,
              llvm::SmallVectorImpl<Tensor *> &inputs)
      : b(builder), loc(loc), node(node), opset(opset), inputs(inputs) {}

  mlir::OpBuilder &b;
  mlir::Location loc;
  const onnx::NodeProto &node;
  int64_t opset;

  /// An error about this node, naming it and the opset.
  mlir::InFlightDiagnostic error();

  unsigned getNumInputs() const { return inputs.size(); }
  /// Whether optional input `i` is given.
  bool hasInput(unsigned i) const {
    return i < inputs.size() && inputs[i] != nullptr;
  }
  const Tensor &input(unsigned i) const { return *inputs[i]; }
  /// The outputs of a subgraph (If's branch, Loop's body) whose inputs are
  /// bound to the given tensors, converted where the node is.
  std::function<mlir::FailureOr<llvm::SmallVector<Tensor>>(
      const onnx::GraphProto &, llvm::ArrayRef<Tensor>)>
      subgraph;
  mlir::RankedTensorType type(unsigned i) const { return inputs[i]->getType(); }
  /// Input `i` as a run-time value (made an adj.constant if needed).
  mlir::Value value(unsigned i);
  mlir::Value materialize(const Tensor &t);
  /// Input `i`, which must be a float tensor at run time.
  mlir::FailureOr<mlir::Value> floatValue(unsigned i);
  /// Input `i` as integers known at import time; fails with an error that
  /// names `what` if it is not.
  mlir::FailureOr<llvm::SmallVector<int64_t>> ints(unsigned i,
                                                   llvm::StringRef what);

  /// Attribute `name`, if given. Given with another type than `type`, it
  /// is an error at the node (the converter's result is then dropped, see
  /// hasBadAttribute) and read as not given.
  const onnx::AttributeProto *
  attr(llvm::StringRef name, onnx::AttributeProto::AttributeType type) const;
  bool hasBadAttribute() const { return badAttribute; }
  int64_t getInt(llvm::StringRef name, int64_t otherwise) const;
  double getFloat(llvm::StringRef name, double otherwise) const;
  std::string getString(llvm::StringRef name, llvm::StringRef otherwise) const;
  std::optional<llvm::SmallVector<int64_t>> getInts(llvm::StringRef name) const;

  /// An axis in [-rank, rank) made non-negative; an error otherwise.
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank);

  /// Creates an op with `resultTypes`, or, when empty, the types the op
  /// infers, and verifies it: an inconsistent model gives a located error,
  /// never a crash in a builder.
  template <typename OpTy>
  mlir::FailureOr<mlir::Value>
  create(mlir::ValueRange operands,
         llvm::ArrayRef<mlir::NamedAttribute> attributes = {},
         mlir::TypeRange resultTypes = {}) {
    mlir::FailureOr<mlir::Operation *> op = createOp(
        OpTy::getOperationName(), operands, attributes, resultTypes, 1);
    if (mlir::failed(op))
      return mlir::failure();
    return (*op)->getResult(0);
  }
  mlir::FailureOr<mlir::Operation *>
  createOp(llvm::StringRef name, mlir::ValueRange operands,
           llvm::ArrayRef<mlir::NamedAttribute> attributes,
           mlir::TypeRange resultTypes, unsigned numResults);

  mlir::NamedAttribute named(llvm::StringRef name, mlir::Attribute value) {
    return b.getNamedAttr(name, value);
  }
  mlir::Value reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape);
  /// An adj.constant of float `type` with every element `value`.
  mlir::Value splat(mlir::RankedTensorType type, double value);
  /// A 0-d adj.constant `value` of input 0's element type.
  mlir::Value scalar(double value);

private:
  llvm::SmallVectorImpl<Tensor *> &inputs;
  /// Set by attr() on an attribute of the wrong type: the getters return a
  /// value, so the importer checks this after the converter ran.
  mutable bool badAttribute = false;
};

/// Converts a node into `results`, one per node output it supports.
using Converter = mlir::LogicalResult (*)(
    NodeContext &node, llvm::SmallVectorImpl<Tensor> &results);

struct OperatorInfo {
  llvm::StringRef name;
  /// The opsets whose semantics the converter implements.
  int64_t minOpset, maxOpset;
  /// How many leading inputs must be given; later ones are optional.
  unsigned minInputs;
  Converter convert;
  /// Limits and how the operator maps to adj, for the docs.
  llvm::StringRef notes;
};

/// The supported operators, sorted by name.
llvm::ArrayRef<OperatorInfo> getOperators();

} // namespace adjoint::onnx_import

#endif // ADJOINT_LIB_IMPORT_ONNXIMPORTER_H
