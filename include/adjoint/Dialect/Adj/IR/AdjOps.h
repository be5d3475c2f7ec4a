//===- AdjOps.h - Operations of the adj dialect -----------------*- C++ -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_DIALECT_ADJ_IR_ADJOPS_H
#define ADJOINT_DIALECT_ADJ_IR_ADJOPS_H

#include "adjoint/Dialect/Adj/IR/AdjDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <array>
#include <optional>

#include "adjoint/Dialect/Adj/IR/AdjEnums.h.inc"

namespace adjoint::adj {

/// The window of a 2-D convolution or pooling op with every default filled
/// in. `padding` is {top, left, bottom, right}; the rest are {h, w}.
struct Window2D {
  std::array<int64_t, 2> kernel;
  std::array<int64_t, 2> stride;
  std::array<int64_t, 4> padding;
  std::array<int64_t, 2> dilation;
  int64_t groups;
};

/// The axes a reduction of a rank-`rank` tensor reduces, sorted: `axes`, or
/// every axis when `axes` is absent.
llvm::SmallVector<int64_t>
normalizeReductionAxes(int64_t rank, std::optional<llvm::ArrayRef<int64_t>> axes);

/// Whether `type` is a ranked tensor of floating-point elements: the values
/// that carry derivatives.
bool isFloatTensor(mlir::Type type);

/// Whether `s` is a C identifier that is not a C or C++ keyword: what a
/// symbol prefix must be, as it begins the generated C names.
bool isCIdentifier(llvm::StringRef s);

/// Why `s` cannot name an argument or a result (`adj.name`), or "" if it
/// can. Such a name is a parameter of an exported C function and part of
/// its header's macros: a C identifier that is not a C or C++ keyword, not
/// reserved in C (`__x`, `_X`), not a macro or type of the standard C
/// headers (`NULL`, `EOF`, `errno`, `int32_t`) and not `workspace`, the
/// parameter the C ABI adds. docs/c-abi.md lists them.
llvm::StringRef whyNotParameterName(llvm::StringRef s);

/// The name of a function's argument `i`: its `adj.name` attribute, else
/// "argN". Tools use it to match inputs and to name the C ABI's arguments.
std::string getArgumentName(mlir::func::FuncOp fn, unsigned i);
/// The name of a function's result `i`: its `adj.name`, else "resultN".
std::string getResultName(mlir::func::FuncOp fn, unsigned i);

/// The attribute keeping the name a function had in the user's model once
/// adjoint-compile has given it the exported <prefix>_<name>.
constexpr llvm::StringLiteral kSourceNameAttr = "adj.source_name";
/// The name of `fn` in the user's model, for diagnostics: its
/// `adj.source_name`, else its symbol name.
llvm::StringRef getSourceName(mlir::func::FuncOp fn);

/// Whether `name` is a derivative request (adj.value_and_grad, adj.grad,
/// adj.vjp, adj.jvp): adj-differentiate replaces it by a call of the
/// derivative it asks for, so it is resolved, never differentiated itself.
bool isDerivativeRequest(mlir::OperationName name);

/// The NumPy broadcast of two shapes, or nullopt when they do not broadcast.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

} // namespace adjoint::adj

#define GET_OP_CLASSES
#include "adjoint/Dialect/Adj/IR/AdjOps.h.inc"

#endif // ADJOINT_DIALECT_ADJ_IR_ADJOPS_H
