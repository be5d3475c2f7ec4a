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
// One scope per workspace buffer (per distinct bytes) and per argument, in
// a domain of the function; an access claims not to alias the buffers
// whose bytes are disjoint from its own, and arguments overlap neither each
// other nor the workspace (the C ABI, docs/c-abi.md). Buffers that share
// bytes (the planner lets buffers with disjoint lifetimes do so) never
// claim not to alias, so the claim holds at every point of the function,
// wherever LLVM moves the accesses. Every location gets its original form
// back. Unmarked accesses (the stack) get no scope and may alias anything.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "llvm/Support/FormatVariadic.h"

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
  /// Whether the two never share a byte: the C ABI says arguments overlap
  /// neither each other nor the workspace.
  bool disjoint(const Buffer &other) const {
    if (argument >= 0 || other.argument >= 0)
      return argument != other.argument;
    return end <= other.begin || other.end <= begin;
  }
  std::string describe() const {
    if (argument >= 0)
      return llvm::formatv("argument {0}", argument);
    return llvm::formatv("[{0}, {1})", begin, end);
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

  MLIRContext *ctx = fn.getContext();
  auto domain = LLVM::AliasScopeDomainAttr::get(
      ctx, StringAttr::get(ctx, fn.getName() + " buffers"));
  std::map<Buffer, LLVM::AliasScopeAttr> scopes;
  for (auto &[op, buffer] : accesses)
    if (!scopes.count(buffer))
      scopes[buffer] = LLVM::AliasScopeAttr::get(
          domain, StringAttr::get(ctx, buffer.describe()));
  std::map<Buffer, ArrayAttr> own, disjoint;
  for (auto &[buffer, scope] : scopes) {
    own[buffer] = ArrayAttr::get(ctx, {scope});
    SmallVector<Attribute> others;
    for (auto &[other, otherScope] : scopes)
      if (buffer.disjoint(other))
        others.push_back(otherScope);
    disjoint[buffer] = ArrayAttr::get(ctx, others);
  }
  for (auto &[op, buffer] : accesses) {
    if (disjoint[buffer].empty())
      continue;
    op.setAliasScopes(own[buffer]);
    op.setNoAliasScopes(disjoint[buffer]);
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
