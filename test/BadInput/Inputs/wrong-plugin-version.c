/* A "plugin" that exports the entry point but for another plugin API
   version than MLIR 19's (1). */
#include <stdint.h>
struct Info {
  uint32_t apiVersion;
  const char *pluginName;
  const char *pluginVersion;
  void (*registerDialectRegistryCallbacks)(void *);
};
struct Info mlirGetDialectPluginInfo(void) {
  struct Info info = {99, "Wrong", "0", 0};
  return info;
}
