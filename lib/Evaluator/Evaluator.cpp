//===- Evaluator.cpp - The reference evaluator of adj functions -----------===//
//
// Part of the Adjoint project.
//
// The interpreter walks the single block of a `func.func` in order, keeping
// one RefTensor per SSA value, and hands every op to its kernel in
// Kernels.cpp. It is deliberately the simplest thing that works:
//
//   1. verify the function (once), so kernels may rely on the op verifiers
//      for shapes and attributes;
//   2. bind the block arguments to the arguments;
//   3. for each op: check that its results are tensors the evaluator can hold,
//      run its kernel, and check that the kernel produced exactly the
//      declared result type (a cheap guard against a kernel bug);
//   4. at `func.return`, hand back the returned values.
//
// `func.call` recurses into step 1 for the callee. An op of another dialect
// that implements DecomposableOpInterface (a plugin's op) is evaluated as a
// call of its decomposition, built once per op in a scratch module so that
// the model itself is left as it is. Without control flow a
// recursive call can never return, so recursion is reported at once, and the
// call depth is capped so a deep call chain cannot overflow the C++ stack.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Evaluator/Evaluator.h"

#include "Kernels.h"

#include "adjoint/Dialect/Adj/IR/AdjOps.h"
#include "adjoint/Dialect/Adj/IR/DecomposableOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace adjoint;
using namespace adjoint::adj;
using ref::ReduceKind;

int64_t RefTensor::numElements() const { return ref::product(shape); }

RankedTensorType RefTensor::getType() const {
  return RankedTensorType::get(shape, elementType);
}

/// True for the element types a RefTensor may hold.
static bool isSupportedElementType(Type type) {
  return type.isF32() || type.isF64() || type.isSignlessInteger(1) ||
         type.isSignlessInteger(32) || type.isSignlessInteger(64);
}

/// The type of the RefTensor that holds a value of `type`: a scalar (of arith
/// ops in a rule body) is held as a 0-d tensor.
static Type heldType(Type type) {
  if (type.isIntOrFloat())
    return RankedTensorType::get({}, type);
  return type;
}

/// True if `value` is a value of the integer type `type` (i1, i32 or i64).
static bool isIntegerValue(double value, Type type) {
  if (value != std::trunc(value)) // Also rejects NaN and infinities.
    return false;
  unsigned width = type.getIntOrFloatBitWidth();
  if (width == 1)
    return value == 0 || value == 1;
  double limit = std::ldexp(1.0, width - 1);
  return value >= -limit && value < limit;
}

/// The f64 attribute `value` as an element of a tensor of `elementType`:
/// rounded to f32 for an f32 tensor, as the folders that turn adj.fill into
/// adj.constant do, so that folding never changes what the evaluator computes.
static double asElement(const APFloat &value, Type elementType) {
  double v = value.convertToDouble();
  return elementType.isF32() ? static_cast<double>(static_cast<float>(v)) : v;
}

namespace {
/// Evaluates functions for one top-level `evaluate` call.
class Interpreter {
public:
  /// Evaluates `fn` on `args`, which must already match its signature.
  FailureOr<SmallVector<RefTensor>> call(func::FuncOp fn,
                                         ArrayRef<RefTensor> args);
  const std::optional<NonFiniteOp> &getFirstNonFinite() const {
    return firstNonFinite;
  }

private:
  /// Emits an error at `op` with notes at the innermost enclosing calls.
  InFlightDiagnostic emitError(Operation *op);
  /// As `emitError`, prefixed with "'op.name' op ".
  InFlightDiagnostic emitOpError(Operation *op);
  /// Reports that the evaluator has no kernel for `op`.
  InFlightDiagnostic emitUnsupported(Operation *op);

  FailureOr<SmallVector<RefTensor>>
  evalOp(Operation *op, ArrayRef<const RefTensor *> operands);
  FailureOr<SmallVector<RefTensor>>
  evalCall(func::CallOp op, ArrayRef<const RefTensor *> operands);
  FailureOr<SmallVector<RefTensor>>
  evalDecomposed(Operation *op, ArrayRef<const RefTensor *> operands);
  FailureOr<RefTensor> evalAdjOp(Operation *op, ArrayRef<const RefTensor *> in);
  FailureOr<RefTensor> evalMathOp(Operation *op,
                                  ArrayRef<const RefTensor *> in);
  FailureOr<RefTensor> evalArithOp(Operation *op,
                                   ArrayRef<const RefTensor *> in);
  FailureOr<RefTensor> readConstant(Operation *op, Attribute value);
  LogicalResult checkResultTypes(Operation *op);

  /// The `func.call`s being evaluated, outermost first.
  SmallVector<func::CallOp> callStack;
  /// The functions being evaluated, outermost first.
  SmallVector<func::FuncOp> activeFunctions;
  /// The first op whose result held a NaN or an Inf; ops inside a
  /// decomposition (`decomposing` > 0) count as the op decomposed.
  std::optional<NonFiniteOp> firstNonFinite;
  unsigned decomposing = 0;
  /// Functions that have passed the verifier.
  llvm::DenseSet<Operation *> verified;
  /// The decomposition of each decomposable op met, as a function of its
  /// operands, in a module of its own.
  llvm::DenseMap<Operation *, OwningOpRef<ModuleOp>> decompositions;
};
} // namespace

InFlightDiagnostic Interpreter::emitError(Operation *op) {
  // The innermost call sites locate a problem; the rest would only bury it.
  constexpr size_t kMaxNotes = 8;
  InFlightDiagnostic diag = op->emitError();
  for (func::CallOp call :
       llvm::reverse(ArrayRef(callStack).take_back(kMaxNotes)))
    diag.attachNote(call.getLoc()) << "called from here";
  if (callStack.size() > kMaxNotes)
    diag.attachNote() << "... and " << callStack.size() - kMaxNotes
                      << " more enclosing calls";
  return diag;
}

InFlightDiagnostic Interpreter::emitOpError(Operation *op) {
  return emitError(op) << "'" << op->getName() << "' op ";
}

InFlightDiagnostic Interpreter::emitUnsupported(Operation *op) {
  return emitError(op) << "the reference evaluator does not support '"
                       << op->getName() << "'";
}

FailureOr<SmallVector<RefTensor>> Interpreter::call(func::FuncOp fn,
                                                    ArrayRef<RefTensor> args) {
  if (fn.isExternal()) {
    emitError(fn) << "function '" << fn.getSymName()
                  << "' is only declared; the reference evaluator needs its "
                     "body (an external kernel runs only compiled: "
                     "adjoint-compile --link)";
    return failure();
  }
  if (!verified.contains(fn)) {
    if (failed(mlir::verify(fn)))
      return failure();
    verified.insert(fn);
  }
  if (!fn.getBody().hasOneBlock()) {
    emitError(fn) << "function '" << fn.getSymName() << "' has "
                  << fn.getBody().getBlocks().size()
                  << " blocks; the reference evaluator only runs functions "
                     "without control flow";
    return failure();
  }

  activeFunctions.push_back(fn);
  auto popFunction = llvm::make_scope_exit([&] { activeFunctions.pop_back(); });
  Block &body = fn.getBody().front();
  llvm::DenseMap<Value, RefTensor> values;
  for (auto [arg, tensor] : llvm::zip_equal(body.getArguments(), args))
    values.try_emplace(arg, tensor);

  for (Operation &op : body) {
    SmallVector<const RefTensor *> operands;
    for (Value operand : op.getOperands()) {
      auto it = values.find(operand);
      if (it == values.end()) {
        emitOpError(&op) << "uses a value the reference evaluator has not "
                            "computed (an operand defined outside the "
                            "function body?)";
        return failure();
      }
      operands.push_back(&it->second);
    }
    if (isa<func::ReturnOp>(op)) {
      SmallVector<RefTensor> results;
      for (const RefTensor *operand : operands)
        results.push_back(*operand);
      return results;
    }
    FailureOr<SmallVector<RefTensor>> results = evalOp(&op, operands);
    if (failed(results))
      return failure();
    // A call's results come from the callee's ops, already looked at.
    if (!firstNonFinite && !decomposing && !isa<func::CallOp>(op) &&
        llvm::any_of(*results, [](const RefTensor &t) {
          return isa<FloatType>(t.elementType) &&
                 llvm::any_of(t.data,
                              [](double v) { return !std::isfinite(v); });
        }))
      firstNonFinite =
          NonFiniteOp{op.getName().getStringRef().str(), op.getLoc()};
    for (auto [value, tensor] : llvm::zip_equal(op.getResults(), *results))
      values.try_emplace(value, std::move(tensor));
  }
  emitError(fn) << "function '" << fn.getSymName()
                << "' ends without a func.return";
  return failure();
}

/// Returns the number of elements of `type`, or nullopt when it exceeds
/// kMaxRefTensorElements (checked per dimension, so it cannot overflow).
static std::optional<int64_t> boundedNumElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t dim : shape) {
    if (dim != 0 && n > kMaxRefTensorElements / dim)
      return std::nullopt;
    n *= dim;
  }
  return n;
}

LogicalResult Interpreter::checkResultTypes(Operation *op) {
  for (Type type : op->getResultTypes()) {
    auto tensor = dyn_cast<RankedTensorType>(heldType(type));
    if (!tensor || !tensor.hasStaticShape() ||
        !isSupportedElementType(tensor.getElementType()))
      return emitOpError(op)
             << "produces " << type
             << "; the reference evaluator only holds statically shaped "
                "tensors and scalars of f32, f64, i32, i64 or i1";
    if (!boundedNumElements(tensor.getShape()))
      return emitOpError(op)
             << "produces " << type
             << ", which exceeds the reference evaluator's limit of "
             << kMaxRefTensorElements << " elements per tensor";
  }
  return success();
}

FailureOr<SmallVector<RefTensor>>
Interpreter::evalOp(Operation *op, ArrayRef<const RefTensor *> operands) {
  if (auto call = dyn_cast<func::CallOp>(op))
    return evalCall(call, operands);
  if (isa<DecomposableOpInterface>(op) && !isa<AdjDialect>(op->getDialect()))
    return evalDecomposed(op, operands);
  if (!isa<AdjDialect, arith::ArithDialect, math::MathDialect>(
          op->getDialect()))
    return emitUnsupported(op);
  if (failed(checkResultTypes(op)))
    return failure();

  SmallVector<RefTensor> results;
  if (auto batchNorm = dyn_cast<BatchNormOp>(op)) {
    auto outputs = ref::batchNorm(*operands[0], *operands[1], *operands[2],
                                  batchNorm.getEpsilon().convertToDouble());
    results.append(std::make_move_iterator(outputs.begin()),
                   std::make_move_iterator(outputs.end()));
  } else if (isa<arith::ArithDialect>(op->getDialect())) {
    FailureOr<RefTensor> result = evalArithOp(op, operands);
    if (failed(result))
      return failure();
    results.push_back(std::move(*result));
  } else if (isa<math::MathDialect>(op->getDialect())) {
    FailureOr<RefTensor> result = evalMathOp(op, operands);
    if (failed(result))
      return failure();
    results.push_back(std::move(*result));
  } else {
    FailureOr<RefTensor> result = evalAdjOp(op, operands);
    if (failed(result))
      return failure();
    results.push_back(std::move(*result));
  }

  for (auto [result, value] : llvm::zip_equal(results, op->getResults()))
    if (result.getType() != heldType(value.getType()) ||
        static_cast<int64_t>(result.data.size()) != result.numElements())
      return emitOpError(op)
             << "internal error: the reference kernel produced "
             << result.getType() << " but the op declares " << value.getType();
  return results;
}

FailureOr<SmallVector<RefTensor>>
Interpreter::evalCall(func::CallOp op, ArrayRef<const RefTensor *> operands) {
  auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      op, op.getCalleeAttr());
  if (!callee)
    return emitOpError(op) << "calls '" << op.getCallee()
                           << "', which is not a func.func in scope";
  // Only the module verifier checks call signatures; the evaluator verifies
  // one function at a time, so it checks the call itself.
  if (!llvm::equal(callee.getFunctionType().getInputs(),
                   op.getOperandTypes()) ||
      !llvm::equal(callee.getFunctionType().getResults(), op.getResultTypes()))
    return emitOpError(op) << "calls '" << op.getCallee() << "' of type "
                           << callee.getFunctionType()
                           << " with mismatched operand or result types";
  if (llvm::is_contained(activeFunctions, callee))
    return emitOpError(op)
           << "calls '" << op.getCallee()
           << "' recursively; without control flow the recursion could "
              "never end, so the reference evaluator rejects it";
  if (callStack.size() >= kMaxCallDepth)
    return emitOpError(op) << "exceeds the reference evaluator's maximum call "
                              "depth of "
                           << kMaxCallDepth;

  SmallVector<RefTensor> args;
  for (const RefTensor *operand : operands)
    args.push_back(*operand);
  callStack.push_back(op);
  FailureOr<SmallVector<RefTensor>> results = call(callee, args);
  callStack.pop_back();
  return results;
}

FailureOr<SmallVector<RefTensor>>
Interpreter::evalDecomposed(Operation *op,
                            ArrayRef<const RefTensor *> operands) {
  if (failed(checkResultTypes(op)))
    return failure();
  OwningOpRef<ModuleOp> &scratch = decompositions[op];
  if (!scratch) {
    Location loc = op->getLoc();
    OpBuilder b(op->getContext());
    OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
    b.setInsertionPointToEnd(module->getBody());
    auto fn = b.create<func::FuncOp>(
        loc, "decomposition",
        b.getFunctionType(op->getOperandTypes(), op->getResultTypes()));
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToEnd(entry);
    IRMapping mapping;
    mapping.map(op->getOperands(), entry->getArguments());
    Operation *clone = b.clone(*op, mapping);
    b.create<func::ReturnOp>(loc, clone->getResults());
    IRRewriter rewriter(b);
    rewriter.setInsertionPoint(clone);
    if (failed(cast<DecomposableOpInterface>(clone).decompose(rewriter)))
      return failure();
    // A decomposition into the op itself would never end.
    if (fn.walk([&](Operation *inner) {
            return inner->getName() == op->getName() ? WalkResult::interrupt()
                                                     : WalkResult::advance();
          }).wasInterrupted())
      return emitOpError(op) << "decomposes into itself; its decomposition "
                                "must replace it by other ops";
    scratch = std::move(module);
  }
  auto fn = cast<func::FuncOp>(scratch->getBody()->front());
  SmallVector<RefTensor> args;
  for (const RefTensor *operand : operands)
    args.push_back(*operand);
  ++decomposing;
  FailureOr<SmallVector<RefTensor>> results = call(fn, args);
  --decomposing;
  return results;
}

/// Reads every element of `attr` as a `T` into `data`; false if `attr` does
/// not offer its elements as `T`.
template <typename T>
static bool readElements(ElementsAttr attr, std::vector<double> &data) {
  auto values = attr.tryGetValues<T>();
  if (!values)
    return false;
  int64_t i = 0;
  for (const T &v : *values) {
    if constexpr (std::is_same_v<T, APFloat>)
      data[i++] = v.convertToDouble();
    else if constexpr (std::is_same_v<T, APInt>)
      data[i++] = static_cast<double>(v.getSExtValue());
    else
      data[i++] = static_cast<double>(v);
  }
  return true;
}

/// Reads a `dense_resource` blob (raw elements in host byte order) into
/// `tensor`; false if there is no blob or its size does not match.
static bool readResource(DenseResourceElementsAttr resource,
                         RefTensor &tensor) {
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return false;
  ArrayRef<char> bytes = blob->getData();
  Type type = tensor.elementType;
  size_t width = type.isInteger(1) ? 1 : type.getIntOrFloatBitWidth() / 8;
  if (bytes.size() != width * tensor.data.size())
    return false;
  for (size_t i = 0, e = tensor.data.size(); i < e; ++i) {
    const char *at = bytes.data() + i * width;
    auto load = [&](auto value) {
      std::memcpy(&value, at, sizeof(value));
      return static_cast<double>(value);
    };
    if (type.isF32())
      tensor.data[i] = load(float());
    else if (type.isF64())
      tensor.data[i] = load(double());
    else if (type.isInteger(1))
      tensor.data[i] = *at != 0 ? 1.0 : 0.0;
    else if (type.isInteger(32))
      tensor.data[i] = load(int32_t());
    else
      tensor.data[i] = load(int64_t());
  }
  return true;
}

FailureOr<RefTensor> Interpreter::readConstant(Operation *op, Attribute value) {
  if (auto scalar = dyn_cast<FloatAttr>(value))
    return ref::makeTensor(scalar.getType(), {},
                           scalar.getValue().convertToDouble());
  if (auto scalar = dyn_cast<IntegerAttr>(value);
      scalar && isSupportedElementType(scalar.getType()))
    return ref::makeTensor(scalar.getType(), {},
                           scalar.getType().isInteger(1)
                               ? double(scalar.getValue().getBoolValue())
                               : double(scalar.getValue().getSExtValue()));
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements)
    return emitOpError(op) << "has the value " << value
                           << "; the reference evaluator only evaluates "
                              "tensor constants and f32, f64, i32, i64 or "
                              "i1 scalars";
  auto type = cast<RankedTensorType>(elements.getType());
  Type elementType = type.getElementType();
  RefTensor tensor = ref::makeTensor(elementType, type.getShape());
  // Native element types cover dense and dense_resource literals; the APFloat
  // and APInt fallbacks any other ElementsAttr.
  bool read = false;
  if (elementType.isF32())
    read = readElements<float>(elements, tensor.data);
  else if (elementType.isF64())
    read = readElements<double>(elements, tensor.data);
  else if (elementType.isInteger(1))
    read = readElements<bool>(elements, tensor.data);
  else if (elementType.isInteger(32))
    read = readElements<int32_t>(elements, tensor.data);
  else
    read = readElements<int64_t>(elements, tensor.data);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(elements))
    read = readResource(resource, tensor);
  if (!read && isa<FloatType>(elementType))
    read = readElements<APFloat>(elements, tensor.data);
  else if (!read && !elementType.isInteger(1))
    read = readElements<APInt>(elements, tensor.data);
  if (!read)
    return emitOpError(op) << "has a constant the reference evaluator cannot "
                              "read; use a dense<...> literal";
  return tensor;
}

/// The elementwise float ops of the math dialect, on tensors: models and
/// rule files (docs/adding-rules.md) use those Adjoint has no op of its own
/// for. Their operands have the result's type, so nothing broadcasts.
FailureOr<RefTensor> Interpreter::evalMathOp(Operation *op,
                                             ArrayRef<const RefTensor *> in) {
  using Result = FailureOr<RefTensor>;
  auto unary = [&](double (*fn)(double)) -> Result {
    return ref::map(*in[0], fn);
  };
  auto binary = [&](double (*fn)(double, double)) -> Result {
    return ref::broadcastBinary(*in[0], *in[1], fn);
  };
  if (!isa<FloatType>(getElementTypeOrSelf(op->getResultTypes().front())))
    return emitUnsupported(op) << " on " << op->getResultTypes().front()
                               << "; it evaluates math ops on float tensors";
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case([&](math::AbsFOp) { return unary(std::fabs); })
      .Case([&](math::AcosOp) { return unary(std::acos); })
      .Case([&](math::AcoshOp) { return unary(std::acosh); })
      .Case([&](math::AsinOp) { return unary(std::asin); })
      .Case([&](math::AsinhOp) { return unary(std::asinh); })
      .Case([&](math::AtanOp) { return unary(std::atan); })
      .Case([&](math::AtanhOp) { return unary(std::atanh); })
      .Case([&](math::CbrtOp) { return unary(std::cbrt); })
      .Case([&](math::CeilOp) { return unary(std::ceil); })
      .Case([&](math::CosOp) { return unary(std::cos); })
      .Case([&](math::CoshOp) { return unary(std::cosh); })
      .Case([&](math::ErfOp) { return unary(std::erf); })
      .Case([&](math::ExpOp) { return unary(std::exp); })
      .Case([&](math::Exp2Op) { return unary(std::exp2); })
      .Case([&](math::ExpM1Op) { return unary(std::expm1); })
      .Case([&](math::FloorOp) { return unary(std::floor); })
      .Case([&](math::LogOp) { return unary(std::log); })
      .Case([&](math::Log10Op) { return unary(std::log10); })
      .Case([&](math::Log1pOp) { return unary(std::log1p); })
      .Case([&](math::Log2Op) { return unary(std::log2); })
      .Case([&](math::RsqrtOp) {
        return unary([](double x) { return 1.0 / std::sqrt(x); });
      })
      .Case([&](math::SinOp) { return unary(std::sin); })
      .Case([&](math::SinhOp) { return unary(std::sinh); })
      .Case([&](math::SqrtOp) { return unary(std::sqrt); })
      .Case([&](math::TanOp) { return unary(std::tan); })
      .Case([&](math::TanhOp) { return unary(std::tanh); })
      .Case([&](math::TruncOp) { return unary(std::trunc); })
      .Case([&](math::RoundOp) { return unary(std::round); })
      .Case([&](math::RoundEvenOp) { return unary(std::nearbyint); })
      .Case([&](math::Atan2Op) { return binary(std::atan2); })
      .Case([&](math::CopySignOp) { return binary(std::copysign); })
      .Case([&](math::PowFOp) { return binary(std::pow); })
      .Case([&](math::FmaOp) -> Result {
        RefTensor product =
            ref::broadcastBinary(*in[0], *in[1], ref::scalar::mul);
        return ref::broadcastBinary(product, *in[2], ref::scalar::add);
      })
      .Default([&](Operation *) -> Result { return emitUnsupported(op); });
}

/// `a predicate b` for arith.cmpf: the ordered predicates are false and the
/// unordered ones true when either side is NaN.
static bool compareFloats(arith::CmpFPredicate predicate, double a, double b) {
  using P = arith::CmpFPredicate;
  bool unordered = std::isnan(a) || std::isnan(b);
  switch (predicate) {
  case P::AlwaysFalse:
    return false;
  case P::AlwaysTrue:
    return true;
  case P::ORD:
    return !unordered;
  case P::UNO:
    return unordered;
  case P::OEQ:
  case P::UEQ:
    return unordered ? predicate == P::UEQ : a == b;
  case P::ONE:
  case P::UNE:
    return unordered ? predicate == P::UNE : a != b;
  case P::OGT:
  case P::UGT:
    return unordered ? predicate == P::UGT : a > b;
  case P::OGE:
  case P::UGE:
    return unordered ? predicate == P::UGE : a >= b;
  case P::OLT:
  case P::ULT:
    return unordered ? predicate == P::ULT : a < b;
  case P::OLE:
  case P::ULE:
    return unordered ? predicate == P::ULE : a <= b;
  }
  llvm_unreachable("unknown arith.cmpf predicate");
}

/// `a predicate b` for arith.cmpi; the unsigned predicates compare the
/// values' two's-complement bits.
static bool compareIntegers(arith::CmpIPredicate predicate, double a,
                            double b) {
  using P = arith::CmpIPredicate;
  int64_t x = static_cast<int64_t>(a), y = static_cast<int64_t>(b);
  uint64_t ux = x, uy = y;
  switch (predicate) {
  case P::eq:
    return x == y;
  case P::ne:
    return x != y;
  case P::slt:
    return x < y;
  case P::sle:
    return x <= y;
  case P::sgt:
    return x > y;
  case P::sge:
    return x >= y;
  case P::ult:
    return ux < uy;
  case P::ule:
    return ux <= uy;
  case P::ugt:
    return ux > uy;
  case P::uge:
    return ux >= uy;
  }
  llvm_unreachable("unknown arith.cmpi predicate");
}

/// The elementwise ops of the arith dialect, on tensors and on scalars (held
/// as 0-d tensors): rule bodies (docs/adding-rules.md) and models may use
/// them, and the compiler lowers them to the same loops as adj's. Their
/// operands have the result's shape (a select's condition may be a scalar).
FailureOr<RefTensor> Interpreter::evalArithOp(Operation *op,
                                              ArrayRef<const RefTensor *> in) {
  namespace s = ref::scalar;
  using Result = FailureOr<RefTensor>;
  Type resultType = getElementTypeOrSelf(op->getResultTypes().front());
  auto unary = [&](double (*fn)(double)) -> Result {
    return ref::map(*in[0], fn);
  };
  auto binary = [&](double (*fn)(double, double)) -> Result {
    return ref::broadcastBinary(*in[0], *in[1], fn);
  };
  // Integer results wrap around to their width, as in the compiled code
  // (i1 is held as 0 or 1).
  auto integer = [&](llvm::function_ref<double(double, double)> fn) -> Result {
    RefTensor y = ref::broadcastBinary(*in[0], *in[1], fn);
    if (resultType.isInteger(1))
      return ref::map(y, [](double v) {
        return static_cast<double>(static_cast<int64_t>(v) & 1);
      });
    return ref::convert(y, resultType);
  };
  auto bits = [](int64_t (*fn)(int64_t, int64_t)) {
    return [fn](double a, double b) {
      return static_cast<double>(
          fn(static_cast<int64_t>(a), static_cast<int64_t>(b)));
    };
  };
  auto compare = [&](auto predicate, auto fn) -> Result {
    RefTensor y = ref::broadcastBinary(*in[0], *in[1], [&](double a, double b) {
      return fn(predicate, a, b) ? 1.0 : 0.0;
    });
    y.elementType = resultType;
    return y;
  };
  auto convert = [&]() -> Result { return ref::convert(*in[0], resultType); };
  // An integer read as unsigned, or as signed (i1 true is -1 signed).
  auto toFloat = [&](bool isSigned) -> Result {
    unsigned width = in[0]->elementType.getIntOrFloatBitWidth();
    RefTensor y = ref::map(*in[0], [&](double v) {
      if (width == 1)
        return isSigned ? -v : v;
      return !isSigned && v < 0 ? v + std::ldexp(1.0, width) : v;
    });
    y.elementType = resultType;
    return y;
  };
  if (!isa<arith::ConstantOp, arith::CmpFOp, arith::CmpIOp, arith::SelectOp>(
          op) &&
      !isSupportedElementType(
          getElementTypeOrSelf(op->getOperandTypes().front())))
    return emitUnsupported(op) << " on " << op->getOperandTypes().front()
                               << "; it evaluates arith ops on f32, f64, "
                                  "i32, i64 and i1 values";
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case([&](arith::ConstantOp constant) {
        return readConstant(op, constant.getValue());
      })
      // Floats.
      .Case([&](arith::NegFOp) { return unary(s::neg); })
      .Case([&](arith::AddFOp) { return binary(s::add); })
      .Case([&](arith::SubFOp) { return binary(s::sub); })
      .Case([&](arith::MulFOp) { return binary(s::mul); })
      .Case([&](arith::DivFOp) { return binary(s::div); })
      .Case([&](arith::RemFOp) { return binary(std::fmod); })
      .Case([&](arith::MaximumFOp) { return binary(s::maximum); })
      .Case([&](arith::MinimumFOp) { return binary(s::minimum); })
      .Case([&](arith::MaxNumFOp) { return binary(std::fmax); })
      .Case([&](arith::MinNumFOp) { return binary(std::fmin); })
      .Case([&](arith::CmpFOp cmp) {
        return compare(cmp.getPredicate(), compareFloats);
      })
      // Integers.
      .Case([&](arith::AddIOp) { return integer(s::add); })
      .Case([&](arith::SubIOp) { return integer(s::sub); })
      .Case([&](arith::MulIOp) { return integer(s::mul); })
      .Case([&](arith::AndIOp) {
        return integer(bits([](int64_t a, int64_t b) { return a & b; }));
      })
      .Case([&](arith::OrIOp) {
        return integer(bits([](int64_t a, int64_t b) { return a | b; }));
      })
      .Case([&](arith::XOrIOp) {
        return integer(bits([](int64_t a, int64_t b) { return a ^ b; }));
      })
      .Case([&](arith::CmpIOp cmp) {
        return compare(cmp.getPredicate(), compareIntegers);
      })
      // Selection and conversions (fptosi truncates toward zero).
      .Case([&](arith::SIToFPOp) { return toFloat(/*isSigned=*/true); })
      .Case([&](arith::UIToFPOp) { return toFloat(/*isSigned=*/false); })
      .Case([&](arith::SelectOp) -> Result {
        return ref::select(*in[0], *in[1], *in[2]);
      })
      .Case<arith::ExtFOp, arith::TruncFOp, arith::FPToSIOp>(
          [&](Operation *) { return convert(); })
      .Default([&](Operation *) -> Result { return emitUnsupported(op); });
}

FailureOr<RefTensor> Interpreter::evalAdjOp(Operation *op,
                                            ArrayRef<const RefTensor *> in) {
  namespace s = ref::scalar;
  using Result = FailureOr<RefTensor>;
  auto unary = [&](double (*fn)(double)) -> Result {
    return ref::map(*in[0], fn);
  };
  auto binary = [&](double (*fn)(double, double)) -> Result {
    return ref::broadcastBinary(*in[0], *in[1], fn);
  };
  // Kernels that can fail on values return llvm::Error with the message.
  auto checked = [&](llvm::Expected<RefTensor> result) -> Result {
    if (!result)
      return emitOpError(op) << llvm::toString(result.takeError());
    return std::move(*result);
  };
  auto reduction = [&](auto reduce, ReduceKind kind) -> Result {
    return checked(ref::reduce(*in[0], reduce.getReducedAxes(),
                               reduce.getKeepdims(), kind));
  };

  return llvm::TypeSwitch<Operation *, Result>(op)
      // Elementwise unary.
      .Case([&](NegOp) { return unary(s::neg); })
      .Case([&](AbsOp) { return unary(s::abs); })
      .Case([&](ExpOp) { return unary(s::exp); })
      .Case([&](LogOp) { return unary(s::log); })
      .Case([&](Log1pOp) { return unary(s::log1p); })
      .Case([&](SqrtOp) { return unary(s::sqrt); })
      .Case([&](RsqrtOp) { return unary(s::rsqrt); })
      .Case([&](TanhOp) { return unary(s::tanh); })
      .Case([&](SigmoidOp) { return unary(s::sigmoid); })
      .Case([&](ReluOp) { return unary(s::relu); })
      .Case([&](SinOp) { return unary(s::sin); })
      .Case([&](CosOp) { return unary(s::cos); })
      .Case([&](TanOp) { return unary(std::tan); })
      .Case([&](AsinOp) { return unary(std::asin); })
      .Case([&](AcosOp) { return unary(std::acos); })
      .Case([&](AtanOp) { return unary(std::atan); })
      .Case([&](SinhOp) { return unary(std::sinh); })
      .Case([&](CoshOp) { return unary(std::cosh); })
      .Case([&](AsinhOp) { return unary(std::asinh); })
      .Case([&](AcoshOp) { return unary(std::acosh); })
      .Case([&](AtanhOp) { return unary(std::atanh); })
      .Case([&](SquareOp) { return unary(s::square); })
      .Case([&](ErfOp) { return unary(s::erf); })
      .Case([&](FloorOp) { return unary(s::floor); })
      .Case([&](CeilOp) { return unary(s::ceil); })
      .Case([&](RoundOp) { return unary(s::round); })
      .Case([&](GeluOp gelu) {
        return unary(gelu.getApproximate() == GeluApproximation::tanh
                         ? s::geluTanh
                         : s::gelu);
      })
      .Case([&](ConvertOp convert) -> Result {
        return ref::convert(*in[0], convert.getType().getElementType());
      })
      // Elementwise binary, comparison and selection.
      .Case([&](AddOp) { return binary(s::add); })
      .Case([&](SubOp) { return binary(s::sub); })
      .Case([&](MulOp) { return binary(s::mul); })
      .Case([&](DivOp) { return binary(s::div); })
      .Case([&](PowOp) { return binary(s::pow); })
      .Case([&](MaximumOp) { return binary(s::maximum); })
      .Case([&](MinimumOp) { return binary(s::minimum); })
      .Case([&](CompareOp compare) -> Result {
        return ref::compare(*in[0], *in[1], compare.getDirection());
      })
      .Case([&](SelectOp) -> Result {
        return ref::select(*in[0], *in[1], *in[2]);
      })
      // Constants.
      .Case([&](ConstantOp constant) {
        return readConstant(op, constant.getValue());
      })
      .Case([&](FillOp fill) -> Result {
        return ref::makeTensor(
            fill.getType().getElementType(), fill.getType().getShape(),
            asElement(fill.getValue(), fill.getType().getElementType()));
      })
      .Case([&](IotaOp iota) -> Result {
        return ref::iota(iota.getType().getElementType(),
                         iota.getType().getShape(), iota.getDim());
      })
      // Linear algebra.
      .Case([&](MatmulOp) -> Result { return ref::matmul(*in[0], *in[1]); })
      .Case([&](DotOp) -> Result { return ref::dot(*in[0], *in[1]); })
      .Case([&](TransposeOp transpose) -> Result {
        return ref::transpose(*in[0], transpose.getPermutation());
      })
      // Reductions.
      .Case([&](SumOp r) { return reduction(r, ReduceKind::Sum); })
      .Case([&](MeanOp r) { return reduction(r, ReduceKind::Mean); })
      .Case([&](MaxOp r) { return reduction(r, ReduceKind::Max); })
      .Case([&](MinOp r) { return reduction(r, ReduceKind::Min); })
      .Case([&](ProdOp r) { return reduction(r, ReduceKind::Prod); })
      .Case([&](LogSumExpOp r) { return reduction(r, ReduceKind::LogSumExp); })
      // Shape.
      .Case([&](ReshapeOp reshape) -> Result {
        return ref::reshape(*in[0], reshape.getType().getShape());
      })
      .Case([&](BroadcastToOp broadcast) -> Result {
        return ref::broadcastTo(*in[0], broadcast.getType().getShape());
      })
      .Case([&](SliceOp slice) -> Result {
        return ref::slice(*in[0], slice.getStart(), slice.getLimit(),
                          slice.getStrides());
      })
      .Case([&](ConcatOp concat) -> Result {
        return ref::concat(in, concat.getAxis());
      })
      .Case([&](PadOp pad) -> Result {
        return ref::pad(
            *in[0], pad.getLow(), pad.getHigh(), pad.getInteriorPadding(),
            asElement(pad.getValue(), pad.getType().getElementType()));
      })
      .Case([&](ReverseOp reverse) -> Result {
        return ref::reverse(*in[0], reverse.getDims());
      })
      .Case([&](GatherOp gather) {
        return checked(ref::gather(*in[0], *in[1], gather.getAxis()));
      })
      .Case([&](ScatterAddOp scatter) {
        return checked(ref::scatterAdd(*in[0], *in[1], scatter.getAxis(),
                                       scatter.getType().getShape()));
      })
      .Case([&](OneHotOp oneHot) -> Result {
        RankedTensorType type = oneHot.getType();
        return checked(ref::oneHot(*in[0], type.getShape().back(),
                                   type.getElementType(), oneHot.getInRange()));
      })
      // Neural-network ops.
      .Case([&](SoftmaxOp softmax) -> Result {
        return ref::softmax(*in[0], softmax.getAxis());
      })
      .Case([&](LogSoftmaxOp logSoftmax) -> Result {
        return ref::logSoftmax(*in[0], logSoftmax.getAxis());
      })
      .Case([&](SoftmaxCrossEntropyOp loss) {
        return checked(
            ref::softmaxCrossEntropy(*in[0], *in[1], loss.getReduction()));
      })
      .Case([&](Conv2DOp conv) -> Result {
        return ref::conv2d(*in[0], *in[1], conv.getWindow());
      })
      .Case([&](MaxPool2DOp pool) -> Result {
        return ref::maxPool2d(*in[0], pool.getWindow());
      })
      .Case([&](MaxPool2DScatterOp pool) -> Result {
        return ref::maxPool2dScatter(*in[0], *in[1], pool.getWindow());
      })
      .Case([&](MaxPool2DGatherOp pool) -> Result {
        return ref::maxPool2dGather(*in[0], *in[1], pool.getWindow());
      })
      .Case([&](AvgPool2DOp pool) -> Result {
        return ref::avgPool2d(*in[0], pool.getWindow(),
                              pool.getExcludePadding());
      })
      .Case([&](LayerNormOp norm) -> Result {
        return ref::layerNorm(*in[0], *in[1], *in[2], norm.getAxis(),
                              norm.getEpsilon().convertToDouble());
      })
      // Differentiation requests only exist until adj-differentiate runs.
      .Case<ValueAndGradOp, GradOp, VjpOp, JvpOp>([&](Operation *) -> Result {
        return emitUnsupported(op) << "; run the adj-differentiate pass first "
                                      "to replace it by a derivative function";
      })
      .Default([&](Operation *) -> Result { return emitUnsupported(op); });
}

/// Checks that `args` match the signature of `fn` and hold values of their
/// element types; errors go to the function's location.
static LogicalResult checkArguments(func::FuncOp fn, ArrayRef<RefTensor> args) {
  ArrayRef<Type> inputs = fn.getFunctionType().getInputs();
  if (inputs.size() != args.size())
    return fn.emitError() << "function '" << fn.getSymName() << "' takes "
                          << inputs.size() << " argument(s), but "
                          << args.size() << " were given";
  for (auto [i, arg] : llvm::enumerate(args)) {
    auto expected = dyn_cast<RankedTensorType>(inputs[i]);
    if (!expected || !expected.hasStaticShape() ||
        !isSupportedElementType(expected.getElementType()))
      return fn.emitError() << "argument #" << i << " of '" << fn.getSymName()
                            << "' has type " << inputs[i]
                            << "; the reference evaluator only takes "
                               "statically shaped tensors of f32, f64, i32, "
                               "i64 or i1";
    if (!arg.elementType)
      return fn.emitError() << "argument #" << i << " of '" << fn.getSymName()
                            << "' was given a tensor without an element type";
    if (arg.getType() != expected)
      return fn.emitError()
             << "argument #" << i << " of '" << fn.getSymName() << "' expects "
             << expected << ", but was given " << arg.getType();
    if (static_cast<int64_t>(arg.data.size()) != arg.numElements())
      return fn.emitError() << "argument #" << i << " of '" << fn.getSymName()
                            << "' holds " << arg.data.size() << " values for "
                            << arg.numElements() << " elements";
    if (!isa<IntegerType>(arg.elementType))
      continue;
    for (auto [j, value] : llvm::enumerate(arg.data)) {
      if (isIntegerValue(value, arg.elementType))
        continue;
      SmallVector<int64_t> position;
      ref::unravelIndex(j, arg.shape, position);
      InFlightDiagnostic diag = fn.emitError();
      diag << "argument #" << i << " of '" << fn.getSymName() << "' ("
           << expected << ") holds " << value << " at position [";
      llvm::interleaveComma(position, diag);
      return diag << "], which is not an " << arg.elementType << " value";
    }
  }
  return success();
}

FailureOr<SmallVector<RefTensor>>
adjoint::evaluate(func::FuncOp fn, ArrayRef<RefTensor> args,
                  std::optional<NonFiniteOp> *firstNonFinite) {
  if (failed(checkArguments(fn, args)))
    return failure();
  Interpreter interpreter;
  FailureOr<SmallVector<RefTensor>> results = interpreter.call(fn, args);
  if (firstNonFinite)
    *firstNonFinite = interpreter.getFirstNonFinite();
  return results;
}
