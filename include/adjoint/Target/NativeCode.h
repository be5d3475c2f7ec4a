//===- NativeCode.h - From the LLVM dialect to a shared library -*- C++ -*-===//
//
// Part of the Adjoint project.
//
// In-process LLVM: the LLVM-dialect module becomes LLVM IR (with the
// library's interface JSON added), is optimized at -O3 for the target CPU
// (the host's, with its features, unless another triple/CPU is asked for),
// and is written as LLVM IR, assembly or an object file. The system linker
// driver then links the object and the kernel runtime into a shared library
// that needs only libc, libm and libomp.
//
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_TARGET_NATIVECODE_H
#define ADJOINT_TARGET_NATIVECODE_H

#include "adjoint/Target/LibraryInterface.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/Module.h"

#include <functional>
#include <memory>

namespace adjoint {

struct TargetOptions {
  /// Empty: the host's triple, CPU and CPU features.
  std::string triple;
  std::string cpu;
};

/// Checks that LLVM can make a target machine for `options` (a known
/// triple and CPU), with the message to show the user if not.
llvm::Error checkTarget(const TargetOptions &options);

/// Whether `options` asks for another architecture, OS or environment than
/// the host's: such code can be written as an object, not linked here.
bool isCrossCompiling(const TargetOptions &options);

enum class OutputKind { LLVMIR, Assembly, Object };

/// Translates `module` (LLVM dialect) to an LLVM module for the target, with
/// the function <prefix>_adjoint_interface() returning the interface's JSON,
/// and optimizes it at -O3 if `optimize`. Errors are emitted as diagnostics
/// on the module.
mlir::FailureOr<std::unique_ptr<llvm::Module>>
translateToLLVM(mlir::ModuleOp module, llvm::LLVMContext &context,
                const LibraryInterface &interface, const TargetOptions &options,
                bool optimize = true);

/// Writes `module` as LLVM IR, assembly or an object file to `path`.
mlir::LogicalResult emitNative(llvm::Module &module, OutputKind kind,
                               llvm::StringRef path, mlir::Location loc);

/// Called when the kernel runtime is not cached and is about to be compiled
/// (about a minute), with the cache directory it goes to (empty: there is
/// none, and it is compiled for this link only). Library code does not
/// print: the tool tells its user, who would otherwise wait in silence.
using RuntimeBuildCallback = std::function<void(llvm::StringRef cacheDir)>;

/// Links the object file `object`, the kernel runtime (lib/Runtime/
/// kernels.c, compiled for `target` by cc and cached), then `extraInputs`
/// (the user's external kernels: objects or libraries) into the shared
/// library `path` with the system's C compiler driver (cc), against libm and
/// LLVM's OpenMP runtime (libomp, found by RPATH). `onRuntimeBuild` (if set)
/// is called before the runtime is compiled.
mlir::LogicalResult
linkSharedLibrary(llvm::StringRef object, llvm::StringRef path,
                  const TargetOptions &target, mlir::Location loc,
                  llvm::ArrayRef<std::string> extraInputs = {},
                  const RuntimeBuildCallback &onRuntimeBuild = nullptr);

} // namespace adjoint

#endif // ADJOINT_TARGET_NATIVECODE_H
