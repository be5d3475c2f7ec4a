//===- WorkspaceAliasScopes.cpp - The adj-workspace-alias-scopes pass -----===//
//
// Part of the Adjoint project.
//
// adj-export-c-abi places every buffer of an exported function in one
// workspace, at byte offsets fixed at compile time. To LLVM the workspace is
// one object: a loop that loads from one buffer and stores into another at
// a different stride (a pooling scatter, a transpose) has an "unknown data
// dependence" and stays scalar, and loops with few iterations are not
// given runtime overlap checks either. This pass hands LLVM the placement's
// facts as alias scopes, on the LLVM dialect:
//
// 1. A view of a buffer is a GEP of constant bytes, its offset c, on the
//    workspace (the function's last argument; adj.workspace_buffers lists
//    the offset and size of each buffer), except at offset 0, where the GEP
//    folds away. An access (llvm.load, llvm.store) whose address is a chain
//    of GEPs from the workspace is thus an access to a buffer starting at
//    c, if the chain starts with such a GEP, or else to a buffer starting
//    at 0 (memref accesses stay within their buffer). A one-byte access at
//    the GEP itself may also be an element of a one-byte buffer at 0. Its
//    region is the union of the byte ranges of all those buffers.
// 2. Each distinct region gets a scope in a domain of the function. An
//    access gets alias_scopes = [its region's scope] and noalias_scopes =
//    the scopes of the regions whose bytes are disjoint from its region's.
//
//    buffers  A [0, 4096)  B [4096, 8192)  C [0, 1024) (C reuses A's bytes)
//    regions  from 0: [0, 4096)   from 4096: [4096, 8192)
//    a load of A or C: scope 0, noalias (4096);  a store to B: the reverse
//
// Buffers that share bytes (the planner lets buffers with disjoint
// lifetimes do so) never claim not to alias, so the claim holds at every
// point of the function, wherever LLVM moves the accesses. Any other access
// (arguments, the stack, an address the chain does not explain) gets no
// scope and may alias anything; arguments are `noalias` by the C ABI.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "llvm/Support/FormatVariadic.h"

#include <map>

namespace adjoint {
#define GEN_PASS_DEF_ADJWORKSPACEALIASSCOPES
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {

/// A range of workspace bytes, [begin, end).
struct Region {
  int64_t begin, end;
  bool operator<(const Region &other) const {
    return std::tie(begin, end) < std::tie(other.begin, other.end);
  }
  bool disjoint(const Region &other) const {
    return end <= other.begin || other.end <= begin;
  }
};

/// The constant byte offset `gep` adds, if it is a GEP of constant bytes.
std::optional<int64_t> viewOffset(LLVM::GEPOp gep) {
  if (!gep || !gep.getElemType().isInteger(8))
    return std::nullopt;
  auto indices = gep.getIndices();
  if (indices.size() != 1 || !isa<IntegerAttr>(indices[0]))
    return std::nullopt;
  return cast<IntegerAttr>(indices[0]).getInt();
}

/// The bytes of the workspace that an access of `type` at `address` stays
/// within, if `address` is reached from `workspace` through GEPs: those of
/// the buffers a view there can be of. A view is a GEP of constant bytes on
/// the workspace, except at offset 0, where it folds away. So an address
/// whose first GEP is such a GEP, at byte c, is in a buffer starting at c,
/// or else (a one-byte element at a constant index) in a buffer starting at
/// 0; and any other address is in a buffer starting at 0.
std::optional<Region> accessRegion(Value address, Type type, Value workspace,
                                   ArrayRef<Region> buffers,
                                   const DataLayout &layout) {
  LLVM::GEPOp first;
  for (Value base = address; base != workspace; base = first.getBase()) {
    first = base.getDefiningOp<LLVM::GEPOp>();
    if (!first)
      return std::nullopt;
  }
  SmallVector<int64_t, 2> starts;
  if (std::optional<int64_t> view = viewOffset(first)) {
    starts.push_back(*view);
    if (address == first.getResult() && layout.getTypeSize(type) == 1)
      starts.push_back(0);
  } else {
    starts.push_back(0);
  }
  std::optional<Region> region;
  for (const Region &buffer : buffers) {
    if (!llvm::is_contained(starts, buffer.begin))
      continue;
    region = region ? Region{std::min(region->begin, buffer.begin),
                             std::max(region->end, buffer.end)}
                    : buffer;
  }
  return region;
}

void addScopes(LLVM::LLVMFuncOp fn, ArrayRef<int64_t> placement) {
  Value workspace = fn.getArguments().back();
  DataLayout layout = DataLayout::closest(fn);
  SmallVector<Region> buffers;
  for (unsigned i = 0; i + 1 < placement.size(); i += 2)
    buffers.push_back({placement[i], placement[i] + placement[i + 1]});
  // The region of each access the workspace's buffers explain.
  SmallVector<std::pair<LLVM::AliasAnalysisOpInterface, Region>> accesses;
  fn.walk([&](Operation *op) {
    std::optional<Region> region;
    if (auto load = dyn_cast<LLVM::LoadOp>(op))
      region = accessRegion(load.getAddr(), load.getType(), workspace,
                            buffers, layout);
    else if (auto store = dyn_cast<LLVM::StoreOp>(op))
      region = accessRegion(store.getAddr(), store.getValue().getType(),
                            workspace, buffers, layout);
    if (region)
      accesses.push_back({cast<LLVM::AliasAnalysisOpInterface>(op), *region});
  });

  std::map<Region, LLVM::AliasScopeAttr> scopes;
  MLIRContext *ctx = fn.getContext();
  auto domain = LLVM::AliasScopeDomainAttr::get(
      ctx, StringAttr::get(ctx, fn.getName() + " workspace"));
  for (auto &[op, region] : accesses)
    if (!scopes.count(region))
      scopes[region] = LLVM::AliasScopeAttr::get(
          domain, StringAttr::get(ctx, llvm::formatv("[{0}, {1})",
                                                     region.begin, region.end)
                                           .str()));
  if (scopes.size() < 2)
    return;
  std::map<Region, ArrayAttr> own, disjoint;
  for (auto &[region, scope] : scopes) {
    own[region] = ArrayAttr::get(ctx, {scope});
    SmallVector<Attribute> others;
    for (auto &[other, otherScope] : scopes)
      if (region.disjoint(other))
        others.push_back(otherScope);
    disjoint[region] = ArrayAttr::get(ctx, others);
  }
  for (auto &[op, region] : accesses) {
    op.setAliasScopes(own[region]);
    if (!disjoint[region].empty())
      op.setNoAliasScopes(disjoint[region]);
  }
}

struct AdjWorkspaceAliasScopesPass
    : public adjoint::impl::AdjWorkspaceAliasScopesBase<
          AdjWorkspaceAliasScopesPass> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<LLVM::LLVMFuncOp>()) {
      auto buffers =
          fn->getAttrOfType<DenseI64ArrayAttr>("adj.workspace_buffers");
      if (buffers && !fn.isExternal() && fn.getNumArguments() > 0)
        addScopes(fn, buffers.asArrayRef());
    }
  }
};

} // namespace
