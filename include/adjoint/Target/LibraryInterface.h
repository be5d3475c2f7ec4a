//===- LibraryInterface.h - The C interface of a compiled model -*- C++ -*-===//
//
// Part of the Adjoint project.
//
// What a compiled library exports, described once and rendered three ways:
// the C header, the JSON that the library returns at run time (for generic
// loaders such as the Python package), and the docs. Every exported function
// has the signature
//
//   int32_t <prefix>_<fn>(const T *in0, ..., T *out0, ..., void *workspace);
//
// with row-major buffers of the model's static shapes; the workspace holds
// <prefix>_<fn>_workspace_size() bytes.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_TARGET_LIBRARYINTERFACE_H
#define ADJOINT_TARGET_LIBRARYINTERFACE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace adjoint {

/// One argument or result: its name, element type ("f32", "f64", "i32",
/// "i64", "bool") and shape.
struct TensorInterface {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
};

struct FunctionInterface {
  /// The exported symbol, <prefix>_<function>.
  std::string symbol;
  std::vector<TensorInterface> inputs, outputs;
  int64_t workspaceSize = 0;
  /// The status the function returns for a NULL first parameter; the k-th
  /// parameter's is this + k (readStatusMessages). 0: no check.
  int32_t nullStatus = 0;
};

/// A parameter's starting value: `adj.initial_value` on an argument of a
/// public function (an ONNX model's initializer), exported by
/// `int32_t <prefix>_initial_value(const char *name, void *out)`.
struct InitialValue {
  TensorInterface tensor;
  mlir::DenseElementsAttr value;
};

struct LibraryInterface {
  std::string prefix;
  std::vector<FunctionInterface> functions;
  /// The message of each non-zero status, from 1 (--check-numerics).
  std::vector<std::string> statusMessages;
  /// One per argument name, in order of appearance.
  std::vector<InitialValue> initialValues;
};

/// Describes the public functions of `module` (tensor-typed, before
/// lowering). Argument names come from `adj.name` (else argN), result names
/// from the result attribute `adj.name` (else resultN). Fails with a located
/// error on a type the C ABI cannot pass, on two initial values of one
/// name that differ, on two parameters of a function with one name, and on
/// every pair of things the C header would give one name (two macros after
/// upper-casing, a function or a parameter named like a macro).
mlir::FailureOr<LibraryInterface> describeInterface(mlir::ModuleOp module,
                                                    llvm::StringRef prefix);

/// Reads each function's workspace size from the bufferized module.
void readWorkspaceSizes(mlir::ModuleOp module, LibraryInterface &interface);

/// Reads the messages of the statuses adj-check-numerics assigned, if any.
void readStatusMessages(mlir::ModuleOp module, LibraryInterface &interface);

/// The JSON the library returns from <prefix>_adjoint_interface().
std::string renderJson(const LibraryInterface &interface);

/// The C header (C99 and C++) declaring the library's functions.
std::string renderCHeader(const LibraryInterface &interface);

} // namespace adjoint

#endif // ADJOINT_TARGET_LIBRARYINTERFACE_H
