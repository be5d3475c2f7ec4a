//===- DialectPlugins.h - Loading of dialect plugins ------------*- C++ -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// `--load-dialect-plugin=lib.so`, the same flag in every Adjoint tool. A
/// plugin is MLIR's dialect plugin (mlir/Tools/Plugins/DialectPlugin.h): a
/// shared library exporting `mlirGetDialectPluginInfo`, whose callback adds
/// dialects and external models (differentiation rules, decompositions) to
/// the tool's DialectRegistry. See docs/adding-rules.md.
///
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_SUPPORT_DIALECTPLUGINS_H
#define ADJOINT_SUPPORT_DIALECTPLUGINS_H

#include "mlir/IR/DialectRegistry.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace adjoint {

/// Loads each plugin of `paths` and registers it into `registry`; fails on
/// the first that cannot be loaded (missing, not a plugin, built for another
/// plugin API version), saying which and why.
llvm::Error loadDialectPlugins(llvm::ArrayRef<std::string> paths,
                               mlir::DialectRegistry &registry);

} // namespace adjoint

#endif // ADJOINT_SUPPORT_DIALECTPLUGINS_H
