//===- OnnxImport.cpp - ONNX models as adj functions ----------------------===//
//
// Part of the Adjoint project.
//
// 1. Parse the ModelProto; find the default domain's opset.
// 2. Make @forward's arguments: the graph inputs that are not initializers
//    (static shapes only), then the float initializers, named after them
//    (sanitized to C identifiers) and carrying their values. Integer
//    initializers stay constants, known at import time.
// 3. Convert the nodes in order (ONNX requires a topological order), each by
//    its converter from the operator table (getOperators()).
// 4. With a loss, build @loss the same way and apply the loss to the output.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Import/OnnxImport.h"

#include "OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Path.h"

#include <map>

using namespace mlir;
using namespace adjoint;
using namespace adjoint::onnx_import;

//===----------------------------------------------------------------------===//
// Tensors and nodes
//===----------------------------------------------------------------------===//

Type onnx_import::getElementType(MLIRContext *context, int32_t dataType) {
  Builder b(context);
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return {};
  }
}

static std::string dataTypeName(int32_t dataType) {
  if (onnx::TensorProto::DataType_IsValid(dataType))
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(dataType));
  return "data type " + std::to_string(dataType);
}

/// Reads `count` little-endian elements of type T from raw_data, or from the
/// typed field.
template <typename T, typename Field>
static FailureOr<SmallVector<T>> readElements(const onnx::TensorProto &tensor,
                                              const Field &field, int64_t count,
                                              Location loc) {
  SmallVector<T> values;
  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    if (static_cast<int64_t>(raw.size()) != count * int64_t(sizeof(T)))
      return emitError(loc)
             << "tensor '" << tensor.name() << "' has " << raw.size()
             << " bytes of data for " << count << " elements";
    for (int64_t i = 0; i < count; ++i)
      values.push_back(llvm::support::endian::read<T, llvm::endianness::little>(
          raw.data() + i * sizeof(T)));
    return values;
  }
  if (field.size() != count)
    return emitError(loc) << "tensor '" << tensor.name() << "' has "
                          << field.size() << " values for " << count
                          << " elements";
  for (auto v : field)
    values.push_back(static_cast<T>(v));
  return values;
}

FailureOr<DenseElementsAttr>
onnx_import::readTensor(const onnx::TensorProto &tensor, Location loc) {
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' keeps its data in an external file, which "
                             "the importer does not read; save the model "
                             "with its data inside";
  Type element = getElementType(loc.getContext(), tensor.data_type());
  if (!element)
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' has element type "
                          << dataTypeName(tensor.data_type())
                          << "; the importer reads FLOAT, DOUBLE, INT32, "
                             "INT64 and BOOL";
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && count > std::numeric_limits<int64_t>::max() / d))
      return emitError(loc) << "tensor '" << tensor.name()
                            << "' has a negative or too large dimension";
    count *= d;
  }
  auto type = RankedTensorType::get(shape, element);
  auto make = [&](auto values) -> FailureOr<DenseElementsAttr> {
    if (failed(values))
      return failure();
    return DenseElementsAttr::get(type, ArrayRef(*values));
  };
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    return make(readElements<float>(tensor, tensor.float_data(), count, loc));
  case onnx::TensorProto::DOUBLE:
    return make(readElements<double>(tensor, tensor.double_data(), count, loc));
  case onnx::TensorProto::INT32:
    return make(readElements<int32_t>(tensor, tensor.int32_data(), count, loc));
  case onnx::TensorProto::INT64:
    return make(readElements<int64_t>(tensor, tensor.int64_data(), count, loc));
  default: { // BOOL: one byte each, or int32_data.
    auto bytes = readElements<uint8_t>(tensor, tensor.int32_data(), count, loc);
    if (failed(bytes))
      return failure();
    SmallVector<bool> values(bytes->begin(), bytes->end());
    return DenseElementsAttr::get(type, ArrayRef(values));
  }
  }
}

InFlightDiagnostic NodeContext::error() {
  return emitError(loc) << "ONNX " << node.op_type() << " node '" << node.name()
                        << "' (opset " << opset << "): ";
}

Value NodeContext::materialize(const Tensor &t) {
  if (t.value)
    return t.value;
  return b.create<adj::ConstantOp>(loc, t.constant.getType(), t.constant);
}

Value NodeContext::value(unsigned i) {
  if (!inputs[i]->value)
    inputs[i]->value = materialize(*inputs[i]);
  return inputs[i]->value;
}

FailureOr<Value> NodeContext::floatValue(unsigned i) {
  if (!hasInput(i))
    return error() << "input " << i << " is missing";
  if (!isa<FloatType>(type(i).getElementType()))
    return error() << "input " << i << " ('" << node.input(i) << "') has type "
                   << type(i)
                   << "; this operator needs a float tensor at run time "
                      "(integer tensors are supported only as constants "
                      "known at import time): convert it to float in the "
                      "model (for a mask or integer tensor m, m.float().sum() "
                      "rather than m.sum())";
  return value(i);
}

FailureOr<SmallVector<int64_t>> NodeContext::ints(unsigned i, StringRef what) {
  if (!hasInput(i) || !inputs[i]->constant ||
      !isa<IntegerType>(type(i).getElementType()))
    return error() << what << " (input " << i
                   << ") must be an integer tensor known at import time "
                      "(an initializer, a Constant or a computation on "
                      "static shapes)";
  SmallVector<int64_t> values;
  for (const APInt &v : inputs[i]->constant.getValues<APInt>())
    values.push_back(v.getSExtValue());
  return values;
}

const onnx::AttributeProto *
NodeContext::attr(StringRef name,
                  onnx::AttributeProto::AttributeType type) const {
  for (const onnx::AttributeProto &a : node.attribute()) {
    if (a.name() != name)
      continue;
    // An attribute without a type (UNDEFINED) is read as the one expected.
    if (a.type() == onnx::AttributeProto::UNDEFINED || a.type() == type)
      return &a;
    emitError(loc) << "ONNX " << node.op_type() << " node '" << node.name()
                   << "' (opset " << opset << "): attribute '" << name
                   << "' has type "
                   << onnx::AttributeProto::AttributeType_Name(a.type())
                   << "; expected "
                   << onnx::AttributeProto::AttributeType_Name(type);
    badAttribute = true;
    return nullptr;
  }
  return nullptr;
}

int64_t NodeContext::getInt(StringRef name, int64_t otherwise) const {
  const onnx::AttributeProto *a = attr(name, onnx::AttributeProto::INT);
  return a ? a->i() : otherwise;
}

double NodeContext::getFloat(StringRef name, double otherwise) const {
  const onnx::AttributeProto *a = attr(name, onnx::AttributeProto::FLOAT);
  return a ? a->f() : otherwise;
}

std::string NodeContext::getString(StringRef name, StringRef otherwise) const {
  const onnx::AttributeProto *a = attr(name, onnx::AttributeProto::STRING);
  return a ? a->s() : otherwise.str();
}

std::optional<SmallVector<int64_t>> NodeContext::getInts(StringRef name) const {
  const onnx::AttributeProto *a = attr(name, onnx::AttributeProto::INTS);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

FailureOr<int64_t> NodeContext::normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return error() << "axis " << axis << " is out of range for rank " << rank;
  return axis < 0 ? axis + rank : axis;
}

FailureOr<Operation *>
NodeContext::createOp(StringRef name, ValueRange operands,
                      ArrayRef<NamedAttribute> attributes,
                      TypeRange resultTypes, unsigned numResults) {
  OperationState state(loc, name);
  state.addOperands(operands);
  state.addAttributes(attributes);
  // Placeholders until the op, built, infers its types.
  if (resultTypes.empty())
    state.addTypes(SmallVector<Type>(numResults, operands[0].getType()));
  else
    state.addTypes(resultTypes);
  Operation *op = b.create(state);
  // The op's own message says what is inconsistent; it is reported as part
  // of this node's error.
  std::string reason;
  LogicalResult valid = success();
  {
    ScopedDiagnosticHandler capture(op->getContext(), [&](Diagnostic &d) {
      if (reason.empty())
        reason = d.str();
      return success();
    });
    if (resultTypes.empty()) {
      SmallVector<Type> inferred;
      valid = cast<InferTypeOpInterface>(op).inferReturnTypes(
          op->getContext(), loc, op->getOperands(), op->getRawDictionaryAttrs(),
          op->getPropertiesStorage(), op->getRegions(), inferred);
      if (succeeded(valid))
        for (auto [result, type] : llvm::zip(op->getResults(), inferred))
          result.setType(type);
    }
    if (succeeded(valid))
      valid = verify(op);
  }
  if (failed(valid)) {
    op->erase();
    // Mixed precisions (a float32 parameter in a float64 model) are the
    // model's, which the user fixes in the export, not with an adj op.
    SmallVector<Type> floats;
    for (Value v : operands)
      if (Type t = getElementTypeOrSelf(v.getType());
          isa<FloatType>(t) && !llvm::is_contained(floats, t))
        floats.push_back(t);
    if (floats.size() > 1)
      return error() << "the node's float inputs have different element "
                        "types ("
                     << floats[0] << " and " << floats[1]
                     << "): export the model in one precision (model.double() "
                        "converts its parameters and buffers, not tensors "
                        "made in forward() with a dtype)";
    return error() << "the model's shapes are inconsistent: " << reason;
  }
  return op;
}

Value NodeContext::reshape(Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  return b.create<adj::ReshapeOp>(loc, type.clone(shape), v);
}

Value NodeContext::splat(RankedTensorType type, double value) {
  Attribute element = FloatAttr::get(type.getElementType(), value);
  return b.create<adj::ConstantOp>(loc, type,
                                   DenseElementsAttr::get(type, element));
}

Value NodeContext::scalar(double value) {
  return splat(RankedTensorType::get({}, type(0).getElementType()), value);
}

/// PyTorch (1.13) writes some constants of float64 models as float32
/// (F.cosine_similarity's eps, F.kl_div's zeros), an invalid ONNX model: a
/// float constant of one repeated value (the ones PyTorch writes so) input
/// of another float type than the node's run-time float inputs, which all
/// have one, is converted to it, into `converted` (a node's inputs are
/// shared with other nodes).
static void convertSplatConstants(SmallVectorImpl<Tensor *> &inputs,
                                  std::vector<Tensor> &converted) {
  auto isSplatConstant = [](const Tensor *t) {
    return t && !t->value && t->constant &&
           isa<FloatType>(t->constant.getElementType()) &&
           t->constant.isSplat();
  };
  FloatType runtime;
  for (Tensor *t : inputs) {
    if (!t || t->isSequence() || isSplatConstant(t))
      continue;
    auto element = dyn_cast<FloatType>(t->getType().getElementType());
    if (!element)
      continue;
    if (runtime && runtime != element)
      return;
    runtime = element;
  }
  if (!runtime)
    return;
  converted.reserve(inputs.size());
  for (Tensor *&t : inputs) {
    if (!isSplatConstant(t) || t->constant.getElementType() == runtime)
      continue;
    APFloat v = t->constant.getSplatValue<APFloat>();
    bool lost;
    v.convert(runtime.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    auto type = t->getType().clone(runtime);
    converted.push_back({{}, DenseElementsAttr::get(type, v)});
    t = &converted.back();
  }
}

//===----------------------------------------------------------------------===//
// The graph
//===----------------------------------------------------------------------===//

namespace {

/// `name` made a C parameter name: other characters than letters, digits
/// and '_' become '_'; one the header cannot use (starting with a digit, a
/// C or C++ keyword such as `int`, a standard macro such as `NULL`,
/// `workspace`: adj::whyNotParameterName) gets `prefix`.
std::string sanitize(StringRef name, StringRef prefix) {
  std::string s;
  for (char c : name)
    s += llvm::isAlnum(c) ? c : '_';
  if (!adj::whyNotParameterName(s).empty())
    s = prefix.str() + s;
  return s;
}

/// The graph's values by name (std::map: stable addresses while nodes add
/// values).
using Values = std::map<std::string, Tensor>;

struct Argument {
  std::string onnxName, name;
  RankedTensorType type;
  DenseElementsAttr initialValue;
};

class GraphImporter {
public:
  GraphImporter(const onnx::ModelProto &model, StringRef path,
                MLIRContext *context)
      : model(model), graph(model.graph()), path(path), context(context) {}

  OwningOpRef<ModuleOp> run(const OnnxImportOptions &options);

private:
  Location nodeLoc(int index, StringRef name) {
    return NameLoc::get(StringAttr::get(context, name),
                        FileLineColLoc::get(context, path, index + 1, 1));
  }
  Location modelLoc() { return FileLineColLoc::get(context, path, 0, 0); }

  LogicalResult readOpset();
  FailureOr<RankedTensorType> readInputType(const onnx::ValueInfoProto &info);
  /// `withLabels`: a loss adds a `labels` argument, which no graph input
  /// may then be named.
  LogicalResult collectArguments(bool withLabels);
  /// Converts the nodes with `args` bound to the arguments; gives the
  /// graph's outputs.
  FailureOr<SmallVector<Value>> convertGraph(OpBuilder &b, ValueRange args);
  /// Converts `nodes` in order, reading their inputs from `values` and
  /// adding their outputs.
  LogicalResult
  convertNodes(OpBuilder &b,
               const google::protobuf::RepeatedPtrField<onnx::NodeProto> &nodes,
               Values &values);
  /// The outputs of If's branch or Loop's body `g` (of the node at
  /// `loc`), its inputs bound to `inputs` and the enclosing graph's
  /// `values` in scope.
  FailureOr<SmallVector<Tensor>> convertSubgraph(OpBuilder &b, Location loc,
                                                 const onnx::GraphProto &g,
                                                 Values values,
                                                 ArrayRef<Tensor> inputs);
  /// Why `name` is not among the values, for an error.
  std::string missing(const std::string &name);
  func::FuncOp makeFunction(OpBuilder &b, StringRef name,
                            ArrayRef<Type> extraArgs,
                            ArrayRef<std::string> extraNames);

  const onnx::ModelProto &model;
  const onnx::GraphProto &graph;
  StringRef path;
  MLIRContext *context;
  int64_t opset = 0;
  SmallVector<Argument> arguments;
  /// The names of @forward's results (collectArguments).
  SmallVector<std::string> outputNames;
  /// Integer initializers: constants.
  llvm::StringMap<DenseElementsAttr> constants;
  /// Node outputs the converters do not make (MaxPool's Indices, ...), for
  /// the error of a node or graph output that reads one.
  std::map<std::string, std::string> unmade;
};

} // namespace

LogicalResult GraphImporter::readOpset() {
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx")
      opset = id.version();
  if (opset == 0)
    return emitError(modelLoc())
           << "the model imports no opset of the default ONNX domain";
  return success();
}

/// The static shape `info` declares, if it declares one.
static std::optional<SmallVector<int64_t>>
declaredShape(const onnx::ValueInfoProto &info) {
  if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape())
    return std::nullopt;
  SmallVector<int64_t> shape;
  for (const auto &d : info.type().tensor_type().shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() < 0)
      return std::nullopt;
    shape.push_back(d.dim_value());
  }
  return shape;
}

FailureOr<RankedTensorType>
GraphImporter::readInputType(const onnx::ValueInfoProto &info) {
  Location loc = modelLoc();
  if (!info.type().has_tensor_type())
    return emitError(loc) << "graph input '" << info.name()
                          << "' is not a tensor";
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  Type element = getElementType(context, tensor.elem_type());
  if (!element)
    return emitError(loc) << "graph input '" << info.name()
                          << "' has element type "
                          << dataTypeName(tensor.elem_type())
                          << "; the importer reads FLOAT, DOUBLE, INT32, "
                             "INT64 and BOOL";
  if (!tensor.has_shape())
    return emitError(loc) << "graph input '" << info.name()
                          << "' has no shape; Adjoint compiles static shapes";
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &d : tensor.shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() < 0)
      return emitError(loc)
             << "graph input '" << info.name() << "' has a dynamic dimension"
             << (d.has_dim_param() ? " '" + d.dim_param() + "'" : "")
             << "; Adjoint compiles static shapes: export the model with "
                "fixed input sizes (torch.onnx.export without dynamic_axes)";
    // Element counts must fit in int64_t, as for initializers.
    if (d.dim_value() > 0 &&
        ShapedType::getNumElements(shape) >
            std::numeric_limits<int64_t>::max() / d.dim_value())
      return emitError(loc)
             << "graph input '" << info.name() << "' has too many elements";
    shape.push_back(d.dim_value());
  }
  return RankedTensorType::get(shape, element);
}

LogicalResult GraphImporter::collectArguments(bool withLabels) {
  llvm::StringMap<const onnx::TensorProto *> initializers;
  for (const onnx::TensorProto &t : graph.initializer())
    initializers[t.name()] = &t;
  if (graph.sparse_initializer_size())
    return emitError(modelLoc()) << "the model has sparse initializers, "
                                    "which the importer does not read";
  // Old exporters list the initializers among the inputs too.
  for (const onnx::ValueInfoProto &info : graph.input()) {
    if (initializers.count(info.name()))
      continue;
    FailureOr<RankedTensorType> type = readInputType(info);
    if (failed(type))
      return failure();
    arguments.push_back({info.name(), "", *type, {}});
  }
  for (const onnx::TensorProto &t : graph.initializer()) {
    FailureOr<DenseElementsAttr> value = readTensor(t, modelLoc());
    if (failed(value))
      return failure();
    if (isa<FloatType>(value->getElementType()))
      arguments.push_back(
          {t.name(), "", cast<RankedTensorType>(value->getType()), *value});
    else
      constants[t.name()] = *value;
  }
  // The outputs keep their names and the arguments take the others: the C
  // function has them all as parameters, and a passthrough graph (output
  // `x` is input `x`) names both the same.
  llvm::StringSet<> used;
  for (auto [i, out] : llvm::enumerate(graph.output())) {
    std::string name = sanitize(out.name(), "output_");
    if (!used.insert(name).second)
      name = "output" + std::to_string(i);
    used.insert(name);
    outputNames.push_back(name);
  }
  if (withLabels) {
    used.insert("labels");
    used.insert("loss");
  }
  for (Argument &arg : arguments) {
    std::string name = sanitize(arg.onnxName, "arg_");
    std::string unique = name;
    for (int i = 2; !used.insert(unique).second; ++i)
      unique = name + "_" + std::to_string(i);
    arg.name = unique;
  }
  return success();
}

std::string GraphImporter::missing(const std::string &name) {
  auto it = unmade.find(name);
  return it == unmade.end()
             ? std::string("which is no graph input, initializer or output "
                           "of an earlier node")
             : it->second + ", which the importer does not make "
                            "(docs/onnx-operators.md says what each "
                            "operator makes)";
}

LogicalResult GraphImporter::convertNodes(
    OpBuilder &b,
    const google::protobuf::RepeatedPtrField<onnx::NodeProto> &nodes,
    Values &values) {
  // An unsupported node does not stop the scan, to report every one in one
  // run: its outputs, and those of the nodes that read them, are unknown,
  // and those nodes are skipped.
  llvm::StringSet<> unknown;
  bool unsupported = false;
  auto operators = getOperators();
  for (auto [index, node] : llvm::enumerate(nodes)) {
    Location loc = nodeLoc(index, node.name());
    auto skip = [&] {
      for (const std::string &name : node.output())
        unknown.insert(name);
    };
    const OperatorInfo *info = llvm::find_if(
        operators, [&](auto &op) { return op.name == node.op_type(); });
    // Emits the error of an operator the importer does not convert.
    auto reportUnsupported = [&]() -> bool {
      if (!node.domain().empty() && node.domain() != "ai.onnx")
        emitError(loc) << "ONNX node '" << node.name() << "' is "
                       << node.op_type() << " of domain '" << node.domain()
                       << "'; the importer supports the default domain";
      else if (info == operators.end())
        emitError(loc) << "unsupported ONNX operator " << node.op_type()
                       << " (node '" << node.name() << "', opset " << opset
                       << "); docs/onnx-operators.md lists the supported ones";
      else if (opset < info->minOpset || opset > info->maxOpset)
        emitError(loc) << "ONNX operator " << node.op_type() << " (node '"
                       << node.name() << "') is supported for opsets "
                       << info->minOpset << " to " << info->maxOpset
                       << ", but the model uses opset " << opset
                       << "; convert it (onnx.version_converter) or export "
                          "it with another opset_version";
      else
        return false;
      return true;
    };
    if (reportUnsupported()) {
      unsupported = true;
      skip();
      continue;
    }
    // ONNX graphs are in SSA form (onnx.checker): a second writer of a name
    // would silently replace the first one's value for the later readers.
    for (const std::string &name : node.output())
      if (!name.empty() && (values.count(name) || unknown.contains(name)))
        return emitError(loc)
               << "ONNX " << node.op_type() << " node '" << node.name()
               << "' writes '" << name
               << "', which a graph input, an initializer or an earlier node "
                  "already defines; each value must be written once (SSA, "
                  "as onnx.checker requires)";
    if (llvm::any_of(node.input(), [&](const std::string &name) {
          return unknown.contains(name);
        })) {
      skip();
      continue;
    }
    unsigned given = 0;
    while (given < unsigned(node.input_size()) && !node.input(given).empty())
      ++given;
    if (given < info->minInputs)
      return emitError(loc)
             << "ONNX " << node.op_type() << " node '" << node.name()
             << "' (opset " << opset << ") needs at least " << info->minInputs
             << " inputs, has " << given;
    SmallVector<Tensor *> inputs;
    // Whether an input comes after a dropped pool window: the node's
    // outputs do too.
    bool afterDroppedWindow = false;
    for (const std::string &name : node.input()) {
      if (name.empty()) {
        inputs.push_back(nullptr);
        continue;
      }
      auto it = values.find(name);
      if (it == values.end())
        return emitError(loc)
               << "ONNX " << node.op_type() << " node '" << node.name()
               << "' reads '" << name << "', " << missing(name);
      if (it->second.isSequence() && node.op_type() != "SequenceAt")
        return emitError(loc)
               << "ONNX " << node.op_type() << " node '" << node.name()
               << "' reads the sequence '" << name
               << "', which the importer lets only SequenceAt read";
      inputs.push_back(&it->second);
      afterDroppedWindow |= it->second.windowDropped;
    }
    std::vector<Tensor> converted;
    convertSplatConstants(inputs, converted);
    NodeContext context(b, loc, node, opset, inputs);
    context.subgraph = [&](const onnx::GraphProto &g, ArrayRef<Tensor> in) {
      return convertSubgraph(b, loc, g, values, in);
    };
    SmallVector<Tensor> results;
    if (failed(info->convert(context, results)) || context.hasBadAttribute())
      return failure();
    for (auto [name, result] : llvm::zip(node.output(), results)) {
      result.windowDropped |= afterDroppedWindow;
      if (!name.empty())
        values[name] = result;
    }
    for (int i = results.size(); i < node.output_size(); ++i)
      if (!node.output(i).empty())
        unmade[node.output(i)] = "output " + std::to_string(i) + " of ONNX " +
                                 node.op_type() + " node '" + node.name() + "'";
  }
  return success(!unsupported);
}

FailureOr<SmallVector<Tensor>>
GraphImporter::convertSubgraph(OpBuilder &b, Location loc,
                               const onnx::GraphProto &g, Values values,
                               ArrayRef<Tensor> inputs) {
  if (g.initializer_size() || g.sparse_initializer_size())
    return emitError(loc) << "subgraph '" << g.name()
                          << "' has initializers, which the importer does "
                             "not read";
  if (g.input_size() != int(inputs.size()))
    return emitError(loc) << "subgraph '" << g.name() << "' has "
                          << g.input_size() << " inputs, not " << inputs.size();
  for (auto [info, t] : llvm::zip(g.input(), inputs))
    values[info.name()] = t;
  if (failed(convertNodes(b, g.node(), values)))
    return failure();
  SmallVector<Tensor> outputs;
  for (const onnx::ValueInfoProto &out : g.output()) {
    auto it = values.find(out.name());
    if (it == values.end())
      return emitError(loc)
             << "output '" << out.name() << "' of subgraph '" << g.name()
             << "' is never computed (" << missing(out.name()) << ")";
    outputs.push_back(it->second);
  }
  return outputs;
}

FailureOr<SmallVector<Value>> GraphImporter::convertGraph(OpBuilder &b,
                                                          ValueRange args) {
  Values values;
  for (auto [arg, value] : llvm::zip(arguments, args))
    values[arg.onnxName] = {value, {}, arg.initialValue};
  for (auto &[name, constant] : constants)
    values[name.str()] = {{}, constant};
  unmade.clear();
  if (failed(convertNodes(b, graph.node(), values)))
    return failure();

  SmallVector<Value> outputs;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    auto it = values.find(out.name());
    if (it == values.end())
      return emitError(modelLoc())
             << "graph output '" << out.name() << "' is never computed ("
             << missing(out.name()) << ")";
    Tensor &t = it->second;
    if (t.isSequence())
      return emitError(modelLoc()) << "graph output '" << out.name()
                                   << "' is a sequence; the importer makes "
                                      "tensor outputs only";
    // A shape the model declares (an exporter's, traced) must be the one
    // the conversion gives: a difference is a model or importer error, and
    // the caller's buffers would have the wrong size. Where ONNX's shape
    // inference differs from PyTorch's (a pool dropped a window), the
    // shapes declared after it may be ONNX's, through any ops (a flatten,
    // a concatenation); an output computed from it has the computed one.
    if (std::optional<SmallVector<int64_t>> declared = declaredShape(out);
        declared && ArrayRef(*declared) != t.getType().getShape() &&
        !t.windowDropped)
      return emitError(modelLoc())
             << "graph output '" << out.name() << "' is declared with shape ["
             << llvm::make_range(declared->begin(), declared->end())
             << "] but computes " << t.getType();
    if (!t.value)
      t.value = b.create<adj::ConstantOp>(modelLoc(), t.constant.getType(),
                                          t.constant);
    outputs.push_back(t.value);
  }
  if (outputs.empty())
    return emitError(modelLoc()) << "the graph has no outputs";
  return outputs;
}

func::FuncOp GraphImporter::makeFunction(OpBuilder &b, StringRef name,
                                         ArrayRef<Type> extraArgs,
                                         ArrayRef<std::string> extraNames) {
  SmallVector<Type> types;
  for (const Argument &arg : arguments)
    types.push_back(arg.type);
  llvm::append_range(types, extraArgs);
  auto fn = b.create<func::FuncOp>(modelLoc(), name,
                                   FunctionType::get(context, types, {}));
  for (auto [i, arg] : llvm::enumerate(arguments)) {
    fn.setArgAttr(i, "adj.name", b.getStringAttr(arg.name));
    if (arg.initialValue)
      fn.setArgAttr(i, "adj.initial_value", arg.initialValue);
  }
  for (auto [i, extra] : llvm::enumerate(extraNames))
    fn.setArgAttr(arguments.size() + i, "adj.name", b.getStringAttr(extra));
  fn.addEntryBlock();
  return fn;
}

OwningOpRef<ModuleOp> GraphImporter::run(const OnnxImportOptions &options) {
  if (failed(readOpset()) || failed(collectArguments(!options.loss.empty())))
    return nullptr;
  OwningOpRef<ModuleOp> module = ModuleOp::create(modelLoc());
  OpBuilder b(context);
  b.setInsertionPointToEnd(module->getBody());

  func::FuncOp forward = makeFunction(b, "forward", {}, {});
  OpBuilder body = OpBuilder::atBlockEnd(&forward.front());
  FailureOr<SmallVector<Value>> outputs =
      convertGraph(body, forward.getArguments());
  if (failed(outputs))
    return nullptr;
  body.create<func::ReturnOp>(modelLoc(), *outputs);
  forward.setFunctionType(FunctionType::get(context, forward.getArgumentTypes(),
                                            ValueRange(*outputs).getTypes()));
  for (auto [i, name] : llvm::enumerate(outputNames))
    forward.setResultAttr(i, "adj.name", b.getStringAttr(name));
  if (options.loss.empty())
    return failed(verify(*module)) ? nullptr : std::move(module);

  // @loss: the forward graph again (the differentiate stage works on one
  // function at a time) and the loss on its output.
  if (outputs->size() != 1)
    return emitError(modelLoc())
               << "--loss needs a model with one output; this one has "
               << outputs->size(),
           nullptr;
  auto output = cast<RankedTensorType>((*outputs)[0].getType());
  if (!isa<FloatType>(output.getElementType()))
    return emitError(modelLoc())
               << "--loss needs a float output; graph output '"
               << graph.output(0).name() << "' is " << output,
           nullptr;
  // Softmax cross-entropy: the class dimension is the last one, as in a
  // language model's [B, T, V] logits; the labels are the other dimensions
  // and the loss is the mean over all of them (PyTorch's
  // F.cross_entropy(y.reshape(-1, V), labels.reshape(-1))).
  bool crossEntropy = options.loss == "softmax_cross_entropy";
  if (crossEntropy && output.getRank() < 2)
    return emitError(modelLoc())
               << "--loss softmax_cross_entropy needs logits with a class "
                  "dimension, the last one ([batch, classes], [batch, "
                  "positions, classes], ...); graph output '"
               << graph.output(0).name() << "' is " << output,
           nullptr;
  Type labels =
      crossEntropy
          ? RankedTensorType::get(output.getShape().drop_back(), b.getI64Type())
          : Type(output);
  func::FuncOp lossFn = makeFunction(b, "loss", {labels}, {"labels"});
  body = OpBuilder::atBlockEnd(&lossFn.front());
  FailureOr<SmallVector<Value>> again =
      convertGraph(body, lossFn.getArguments().drop_back());
  if (failed(again))
    return nullptr;
  // The loss's ops are no node's: a run-time error (a label out of range,
  // a NaN) names the loss.
  Location loc = NameLoc::get(
      StringAttr::get(context, "--loss " + options.loss), modelLoc());
  Value y = (*again)[0], target = lossFn.getArguments().back(), loss;
  auto scalar = RankedTensorType::get({}, output.getElementType());
  if (crossEntropy) {
    // adj.softmax_cross_entropy takes [N, C] and [N]: flatten the others.
    int64_t classes = output.getShape().back();
    int64_t n = ShapedType::getNumElements(output.getShape().drop_back());
    if (output.getRank() > 2) {
      y = body.create<adj::ReshapeOp>(loc, output.clone({n, classes}), y);
      target = body.create<adj::ReshapeOp>(
          loc, RankedTensorType::get({n}, b.getI64Type()), target);
    }
    loss = body.create<adj::SoftmaxCrossEntropyOp>(loc, scalar, y, target);
  } else {
    Value diff = body.create<adj::SubOp>(loc, output, y, target);
    Value square = body.create<adj::SquareOp>(loc, output, diff);
    loss = body.create<adj::MeanOp>(loc, scalar, square, nullptr, false);
  }
  body.create<func::ReturnOp>(loc, loss);
  lossFn.setFunctionType(
      FunctionType::get(context, lossFn.getArgumentTypes(), {scalar}));
  lossFn.setResultAttr(0, "adj.name", b.getStringAttr("loss"));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

ArrayRef<StringRef> adjoint::getOnnxLosses() {
  static const StringRef losses[] = {"softmax_cross_entropy", "mse"};
  return losses;
}

bool adjoint::isOnnxPath(StringRef path) {
  // Any case: a model exported on Windows may be MODEL.ONNX.
  return llvm::sys::path::extension(path).equals_insensitive(".onnx");
}

OwningOpRef<ModuleOp> adjoint::importOnnx(StringRef bytes, StringRef path,
                                          MLIRContext *context,
                                          const OnnxImportOptions &options) {
  context->loadDialect<adj::AdjDialect, func::FuncDialect>();
  Location loc = FileLineColLoc::get(context, path, 0, 0);
  if (!options.loss.empty() &&
      !llvm::is_contained(getOnnxLosses(), options.loss))
    return emitError(loc) << "unknown --loss " << options.loss << "; use "
                          << llvm::join(getOnnxLosses(), " or "),
           nullptr;
  onnx::ModelProto model;
  if (bytes.size() > size_t(std::numeric_limits<int>::max()) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return emitError(loc) << "not a valid ONNX model: the file does not "
                             "parse as an ONNX ModelProto (protobuf)",
           nullptr;
  if (!model.has_graph())
    return emitError(loc) << "the ONNX model has no graph", nullptr;
  return GraphImporter(model, path, context).run(options);
}

OnnxDiagnosticHandler::OnnxDiagnosticHandler(MLIRContext *context,
                                             llvm::raw_ostream &os)
    : ScopedDiagnosticHandler(context) {
  auto print = [&os](Diagnostic &d) {
    if (auto file = d.getLocation()->findInstanceOf<FileLineColLoc>())
      os << file.getFilename().getValue() << ":" << file.getLine() << ":"
         << file.getColumn() << ": ";
    switch (d.getSeverity()) {
    case DiagnosticSeverity::Error:
      os << "error: ";
      break;
    case DiagnosticSeverity::Warning:
      os << "warning: ";
      break;
    case DiagnosticSeverity::Note:
      os << "note: ";
      break;
    case DiagnosticSeverity::Remark:
      os << "remark: ";
      break;
    }
    os << d << "\n";
  };
  setHandler([print](Diagnostic &d) {
    print(d);
    for (Diagnostic &note : d.getNotes())
      print(note);
    return success();
  });
}

std::string adjoint::renderOnnxOperatorTable() {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "<!-- Generated by `adjoint-import --operator-table` from the "
        "importer's tables\n     (lib/Import/Onnx*.cpp); do not edit. "
        "-->\n"
     << "# Supported ONNX operators\n\n"
     << "Operators of the default domain (`ai.onnx`) that `adjoint-import` "
        "and\n`adjoint-compile model.onnx` convert to adj ops, with the "
        "opsets whose\nsemantics they implement; a node is read in the form "
        "of the model's opset\n(an attribute that later became an input, "
        "say). Any other operator, or\nanother opset, is an error that "
        "names the node and the opset.\n\n"
     << "| Operator | Opsets | Notes |\n|---|---|---|\n";
  for (const OperatorInfo &op : getOperators())
    os << "| " << op.name << " | " << op.minOpset << "-" << op.maxOpset << " | "
       << op.notes << " |\n";
  return s;
}
