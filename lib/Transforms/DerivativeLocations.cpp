//===- DerivativeLocations.cpp - Forward or derivative, by location -------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/DerivativeLocations.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using adjoint::DerivativeKind;

DerivativeKind adjoint::getDerivativeKind(Location loc) {
  if (auto site = dyn_cast<CallSiteLoc>(loc))
    return getDerivativeKind(site.getCallee());
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (name.getName() == "adjoint")
      return DerivativeKind::Adjoint;
    if (name.getName() == "tangent")
      return DerivativeKind::Tangent;
    return DerivativeKind::Forward;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    ArrayRef<Location> parts = fused.getLocations();
    if (parts.empty())
      return DerivativeKind::Forward;
    DerivativeKind first = getDerivativeKind(parts.front());
    for (Location part : parts.drop_front())
      if (getDerivativeKind(part) != first)
        return DerivativeKind::Forward;
    return first;
  }
  return DerivativeKind::Forward;
}

LocationAttr adjoint::getForwardOpLoc(Location loc) {
  if (auto site = dyn_cast<CallSiteLoc>(loc)) {
    LocationAttr callee = getForwardOpLoc(site.getCallee());
    if (!callee)
      return {};
    return CallSiteLoc::get(Location(callee), site.getCaller());
  }
  if (auto name = dyn_cast<NameLoc>(loc))
    if (name.getName() == "adjoint" || name.getName() == "tangent")
      return name.getChildLoc();
  return {};
}

Location adjoint::stripCallSites(Location loc) {
  while (auto site = dyn_cast<CallSiteLoc>(loc))
    loc = site.getCallee();
  return loc;
}
