// Loads the adj dialect and the differentiation rules from the installed
// libraries; exits 0 when the dialect is there.
#include "adjoint/Dialect/Adj/IR/AdjDialect.h"
#include "adjoint/Differentiation/DifferentiableOpInterface.h"
#include "mlir/IR/MLIRContext.h"
int main() {
  mlir::DialectRegistry registry;
  registry.insert<adjoint::adj::AdjDialect>();
  adjoint::registerDifferentiationRules(registry);
  mlir::MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  return ctx.getLoadedDialect("adj") ? 0 : 1;
}
