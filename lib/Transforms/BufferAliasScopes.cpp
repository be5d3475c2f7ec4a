//===- BufferAliasScopes.cpp - The adj-buffer-alias-scopes pass -----------===//
//
// Part of the Adjoint project.
//
// adj-export-c-abi places every buffer of an exported function in one
// workspace, at byte offsets fixed at compile time. To LLVM the workspace is
// one object: a loop that loads from one buffer and stores into another at
// a different stride (a pooling scatter, a transpose) has an "unknown data
// dependence" and stays scalar, and loops with few iterations get no
// runtime overlap checks either. Arguments are `noalias`, but the loops
// adj-parallelize-loops outlines for OpenMP load them from a struct and
// lose that. adj-mark-buffer-accesses put the buffer of each access into
// its location; this pass, on the LLVM dialect, turns them into alias
// scopes:
//
//   buffers  A [0, 4096)  B [4096, 8192)  C [0, 1024) (C reuses A's bytes)
//   a load of A:          alias_scopes = [A], noalias_scopes = [B, arg 0]
//   a load of C:          alias_scopes = [C], noalias_scopes = [B, arg 0]
//   a store to B:         alias_scopes = [B], noalias_scopes = [A, C, arg 0]
//   a store to argument 0: alias_scopes = [arg 0], noalias_scopes = [A, B, C]
//
// An access claims not to alias the buffers whose bytes are disjoint from
// its own, and arguments overlap neither each other nor the workspace (the
// C ABI, docs/c-abi.md). Buffers that share bytes (the planner lets buffers
// with disjoint lifetimes do so) never claim not to alias, so the claim
// holds at every point of the function, wherever LLVM moves the accesses.
// Every location gets its original form back. Unmarked accesses (the
// stack) get no scope and may alias anything.
//
// The claims are encoded by cuts, not by listing every disjoint buffer: a
// list per buffer made the metadata quadratic in the number of buffers (an
// unrolled 40-step integrator: 1,800 buffers, 350 MB of LLVM dialect) and
// each alias query linear. Arguments get one byte each past the workspace.
// A cut at byte m is a domain with two scopes, "below m" and "from m"; a
// buffer [begin, end) with end <= m is below, one with begin >= m is from
// it, and each side claims not to alias the other. A buffer takes only the
// cuts on the binary-search paths of its two ends in the sorted ends of all
// buffers: for disjoint a before b, the first cut on the paths between
// a's end and b's begin lies on both, so O(log n) scopes per buffer still
// tell every disjoint pair apart.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "llvm/Support/FormatVariadic.h"

#include <array>
#include <map>

namespace adjoint {
#define GEN_PASS_DEF_ADJBUFFERALIASSCOPES
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {

/// What an access reads or writes: the bytes [begin, end) of a workspace
/// buffer, or an argument (`argument` >= 0).
struct Buffer {
  int64_t argument, begin, end;
  bool operator<(const Buffer &other) const {
    return std::tie(argument, begin, end) <
           std::tie(other.argument, other.begin, other.end);
  }
};

/// The buffer adj-mark-buffer-accesses put into `op`'s location, if any;
/// the location loses it.
std::optional<Buffer> takeBuffer(Operation *op) {
  auto fused = dyn_cast<FusedLoc>(op->getLoc());
  auto metadata =
      fused ? dyn_cast_or_null<DictionaryAttr>(fused.getMetadata()) : nullptr;
  if (!metadata)
    return std::nullopt;
  std::optional<Buffer> buffer;
  if (auto bytes = metadata.getAs<DenseI64ArrayAttr>("adj.buffer");
      bytes && bytes.size() == 2)
    buffer = Buffer{-1, bytes[0], bytes[0] + bytes[1]};
  if (auto argument = metadata.getAs<IntegerAttr>("adj.argument"))
    buffer = Buffer{argument.getInt(), 0, 0};
  if (buffer)
    op->setLoc(FusedLoc::get(op->getContext(), fused.getLocations()));
  return buffer;
}

void addScopes(LLVM::LLVMFuncOp fn) {
  SmallVector<std::pair<LLVM::AliasAnalysisOpInterface, Buffer>> accesses;
  // The conversion gave the ops computing an address the access's
  // location too: every op gets its location back.
  fn.walk([&](Operation *op) {
    std::optional<Buffer> buffer = takeBuffer(op);
    if (buffer && isa<LLVM::LoadOp, LLVM::StoreOp>(op))
      accesses.push_back({cast<LLVM::AliasAnalysisOpInterface>(op), *buffer});
  });

  // The bytes of each buffer, arguments one byte each past the workspace.
  int64_t workspaceEnd = 0;
  for (auto &[op, buffer] : accesses)
    workspaceEnd = std::max(workspaceEnd, buffer.end);
  auto bytes = [&](const Buffer &buffer) {
    if (buffer.argument >= 0)
      return std::make_pair(workspaceEnd + buffer.argument,
                            workspaceEnd + buffer.argument + 1);
    return std::make_pair(buffer.begin, buffer.end);
  };
  std::vector<int64_t> ends;
  for (auto &[op, buffer] : accesses) {
    ends.push_back(bytes(buffer).first);
    ends.push_back(bytes(buffer).second);
  }
  llvm::sort(ends);
  ends.erase(std::unique(ends.begin(), ends.end()), ends.end());

  MLIRContext *ctx = fn.getContext();
  // The two scopes of the cut at ends[i]: below it, and from it.
  std::map<size_t, std::array<Attribute, 2>> cuts;
  auto scope = [&](size_t cut, bool from) {
    auto [it, inserted] = cuts.try_emplace(cut);
    if (inserted) {
      auto domain = LLVM::AliasScopeDomainAttr::get(
          ctx, StringAttr::get(ctx, llvm::formatv("{0} buffers, cut at {1}",
                                                  fn.getName(), ends[cut])));
      for (bool side : {false, true})
        it->second[side] = LLVM::AliasScopeAttr::get(
            domain, StringAttr::get(ctx, llvm::formatv("{0} {1}",
                                                       side ? "from" : "below",
                                                       ends[cut])));
    }
    return it->second[from];
  };
  // A buffer's own scopes and those it does not alias.
  std::map<Buffer, std::pair<ArrayAttr, ArrayAttr>> claims;
  for (auto &[op, buffer] : accesses) {
    auto [it, inserted] = claims.try_emplace(buffer);
    if (inserted) {
      auto [begin, end] = bytes(buffer);
      SmallVector<Attribute> own, others;
      // Cuts on the search path of `at` on the buffer's `from` side.
      auto walk = [&](int64_t at, bool from) {
        size_t lo = 0, hi = ends.size();
        while (lo < hi) {
          size_t mid = (lo + hi) / 2;
          if (from ? ends[mid] <= begin : ends[mid] >= end) {
            own.push_back(scope(mid, from));
            others.push_back(scope(mid, !from));
          }
          if (ends[mid] == at)
            break;
          if (at < ends[mid])
            hi = mid;
          else
            lo = mid + 1;
        }
      };
      walk(begin, /*from=*/true);
      walk(end, /*from=*/false);
      it->second = {ArrayAttr::get(ctx, own), ArrayAttr::get(ctx, others)};
    }
    op.setAliasScopes(it->second.first);
    op.setNoAliasScopes(it->second.second);
  }
}
struct AdjBufferAliasScopesPass
    : public adjoint::impl::AdjBufferAliasScopesBase<AdjBufferAliasScopesPass> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<LLVM::LLVMFuncOp>())
      addScopes(fn);
  }
};

} // namespace
