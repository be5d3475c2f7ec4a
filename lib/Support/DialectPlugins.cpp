//===- DialectPlugins.cpp - Loading of dialect plugins --------------------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Support/DialectPlugins.h"

#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "llvm/Support/FileSystem.h"

llvm::Error adjoint::loadDialectPlugins(llvm::ArrayRef<std::string> paths,
                                        mlir::DialectRegistry &registry) {
  for (const std::string &path : paths) {
    // dlopen searches the library path for a name without a '/': a plugin
    // in the current directory is what a user means by its bare name.
    std::string file = path;
    if (!llvm::StringRef(path).contains('/') && llvm::sys::fs::exists(path))
      file = "./" + path;
    llvm::Expected<mlir::DialectPlugin> plugin =
        mlir::DialectPlugin::load(file);
    if (!plugin)
      return llvm::createStringError(
          "cannot load the dialect plugin '" + path +
          "': " + llvm::toString(plugin.takeError()) +
          "\nA plugin is a shared library, built against this Adjoint's "
          "installed package, that exports mlirGetDialectPluginInfo (see "
          "docs/adding-rules.md)");
    plugin->registerDialectRegistryCallbacks(registry);
  }
  return llvm::Error::success();
}
