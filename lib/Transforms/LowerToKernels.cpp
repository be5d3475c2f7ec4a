//===- LowerToKernels.cpp - The adj-lower-to-kernels pass -----------------===//
//
// Part of the Adjoint project.
//
// Replaces the f32 and f64 contractions of bufferized functions by calls of
// the kernel runtime (lib/Runtime/kernels.c) that adjoint-compile links into
// every library (adjoint_rt_d* for f64):
//
//   linalg.matmul / _transpose_a / _transpose_b      adjoint_rt_sgemm
//   linalg.batch_matmul / _transpose_a / _transpose_b adjoint_rt_sgemm
//   linalg.conv_2d_nchw_fchw                         adjoint_rt_sconv2d
//   linalg.conv_2d_ngchw_gfchw                       adjoint_rt_sconv2d_grouped
//   max pooling over tiling windows, forward and      adjoint_rt_smax_pool2d,
//   scatter (linalg.generic marked by                 adjoint_rt_smax_pool2d_
//   convert-adj-to-linalg, kMaxPoolKernelAttr)        scatter
//
// Each operand is passed as a pointer (aligned pointer + offset) and its
// strides, so any strided view works. Before the call:
//
//  1. An operand that is the result of a linalg.transpose or of a
//     linalg.generic that only permutes (the last write to its buffer) is
//     replaced by a memref.transpose view of the transpose's source, if
//     nothing writes the source's buffer in between; the transpose is
//     erased once nothing else reads its buffer (for an argument's buffer:
//     when a later op overwrites it whole before any read).
//  2. An output that holds zeros (the last write was a linalg.fill of 0, or
//     a linalg.copy of such a buffer) is overwritten (accumulate = 0), and
//     that write is erased if nothing read the buffer in between.
//  3. A convolution's input that is a zero-padded copy (tensor.pad after
//     bufferization: a zero fill of a buffer, then a linalg.copy of the
//     image into a subview of its interior) is replaced by the image and
//     the padding before it, where the runtime's kernel reads the image in
//     place (rows of 9 to 15 pixels; weight gradients of "same"-padded
//     convolutions; depthwise convolutions, average
//     pooling among them); elsewhere the runtime would copy it
//     with its padding into the scratch, which measured slower than the
//     fill and copy. The fill and copy are erased once nothing else reads
//     the padded buffer:
//
//       linalg.map outs(%p) { linalg.yield %zero }      // or linalg.fill
//       %i = memref.subview %p[0, 0, 4, 4] [32, 16, 8, 8] [1, 1, 1, 1]
//       linalg.copy ins(%x) outs(%i)
//       linalg.conv_2d_nchw_fchw ins(%p, %w) outs(%y)
//     becomes
//       llvm.call @adjoint_rt_sconv2d(..., 8, 8, 4, 4, %x's pointer, ...)
//
// Both look back from the kernel through the ops of its block. Buffers are
// told apart by their root: the memref.alloc or function argument a value
// is a view of. Distinct roots do not alias (allocations are distinct;
// arguments are distinct buffers by the C ABI's contract). An op whose
// effects on a root are unknown ends the search.
//
// The calls are llvm.call of llvm.func declarations: adj-export-c-abi only
// accepts functions without func.call, and the runtime's functions take
// raw pointers.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "adjoint/Conversion/AdjToLinalg.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJLOWERTOKERNELS
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;

namespace {

// The runtime's blocking (lib/Runtime/gemm.inc): its packing buffers for an
// M x N x K product of `bytes`-byte elements are the elements of
// scratchElements, for every target: NR, two vectors, is the widest
// (AVX-512's 64-byte vectors); MR is 8 with AVX-512, 6 elsewhere.
constexpr int64_t kKC = 256, kMCB = 1536, kNC = 2048;
constexpr int64_t kMRs[] = {6, 8};

int64_t ceilDiv(int64_t x, int64_t y) { return (x + y - 1) / y; }

int64_t scratchElements(int64_t m, int64_t n, int64_t k, int64_t bytes) {
  if (k == 0)
    return 0;
  int64_t kNR = 2 * 64 / bytes;
  int64_t kc = ceilDiv(k, ceilDiv(k, kKC));
  // The runtime may compute the transposed product: either way round.
  auto packed = [&](int64_t rows, int64_t cols) {
    int64_t panels = 0;
    for (int64_t mr : kMRs)
      panels = std::max(
          panels, std::min(ceilDiv(rows, mr) * mr, ceilDiv(kMCB, mr) * mr));
    return kc * (std::min(ceilDiv(cols, kNR) * kNR, kNC) + panels);
  };
  // The direct path (small or narrow products) packs one K x NR panel of B.
  return std::max({packed(m, n), packed(n, m), k * kNR});
}

/// The buffer `v` is a view of: a memref.alloc's result or an argument.
Value rootOf(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
}

enum class Access { None, Read, Write };

/// How `op` may access the buffer `root` (views are not accesses).
Access accessOf(Operation *op, Value root) {
  // The runtime calls before `op` reach their buffers through these.
  if (isa<UnrealizedConversionCastOp>(op))
    return rootOf(op->getOperand(0)) == root ? Access::Write : Access::None;
  if (isa<ViewLikeOpInterface>(op) || isPure(op))
    return Access::None;
  // A region may use the buffer directly (a memref.load in a linalg.generic
  // body, from a tensor.extract): count that as a write, the safe side.
  WalkResult nested = op->walk([&](Operation *inner) {
    if (inner != op)
      for (Value v : inner->getOperands())
        if (isa<MemRefType>(v.getType()) && rootOf(v) == root)
          return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (nested.wasInterrupted())
    return Access::Write;
  Access access = Access::None;
  for (OpOperand &operand : op->getOpOperands()) {
    if (!isa<MemRefType>(operand.get().getType()) ||
        rootOf(operand.get()) != root)
      continue;
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp || linalgOp.isDpsInit(&operand))
      return Access::Write;
    access = Access::Read;
  }
  return access;
}

/// The last op before `before` in its block that writes the buffer of `v`,
/// if the buffer's accesses in between are reads; `readBetween` tells
/// whether there were any.
Operation *lastWriter(Value v, Operation *before, bool &readBetween) {
  Value root = rootOf(v);
  readBetween = false;
  for (Operation *op = before->getPrevNode(); op; op = op->getPrevNode()) {
    Access access = accessOf(op, root);
    if (access == Access::Write)
      return op;
    readBetween |= access == Access::Read;
  }
  return nullptr;
}

/// Whether an op strictly between `from` and `to` writes the buffer of `v`.
bool writtenBetween(Value v, Operation *from, Operation *to) {
  Value root = rootOf(v);
  for (Operation *op = from->getNextNode(); op && op != to;
       op = op->getNextNode())
    if (accessOf(op, root) == Access::Write)
      return true;
  return false;
}

/// Whether `out` holds zeros just before `op`. `erasable` gets the op that
/// wrote them when nothing read `out` since.
bool holdsZeros(Value out, Operation *op, Operation *&erasable) {
  bool read;
  Operation *writer = lastWriter(out, op, read);
  erasable = nullptr;
  if (!writer || writer->getNumOperands() != 2 ||
      writer->getOperand(1) != out)
    return false;
  bool zeros = false;
  if (auto fill = dyn_cast<linalg::FillOp>(writer)) {
    zeros = matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  } else if (auto copy = dyn_cast<linalg::CopyOp>(writer)) {
    Operation *ignored;
    zeros = holdsZeros(copy.getInputs()[0], copy, ignored);
  }
  if (zeros && !read)
    erasable = writer;
  return zeros;
}

/// The input and permutation of `op` if it is a transpose: a
/// linalg.transpose, or a linalg.generic that copies its input permuted
/// (what fusion leaves of one). The output's dim i is the input's perm[i].
std::optional<std::pair<Value, SmallVector<int64_t>>>
asTranspose(Operation *op) {
  if (auto transpose = dyn_cast_or_null<linalg::TransposeOp>(op))
    return std::make_pair(transpose.getInput(),
                          llvm::to_vector(transpose.getPermutation()));
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
  AffineMap in = generic.getIndexingMapsArray()[0],
            out = generic.getIndexingMapsArray()[1];
  if (yield.getNumOperands() != 1 ||
      yield.getOperand(0) != generic.getBody()->getArgument(0) ||
      !out.isIdentity() || !in.isPermutation())
    return std::nullopt;
  AffineMap inverse = inversePermutation(in);
  SmallVector<int64_t> perm;
  for (unsigned i = 0; i < inverse.getNumResults(); ++i)
    perm.push_back(inverse.getDimPosition(i));
  return std::make_pair(generic.getDpsInputs()[0], perm);
}

/// Whether `op` writes every element of the buffer `root` without reading
/// it: what it held before is dead.
bool overwrites(Operation *op, Value root) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getNumParallelLoops() != linalgOp.getNumLoops())
    return false;
  OpOperand *init = linalgOp.getDpsInitOperand(0);
  if (init->get() != root || linalgOp.payloadUsesValueFromOperand(init) ||
      !linalgOp.getMatchingIndexingMap(init).isPermutation())
    return false;
  return llvm::none_of(linalgOp.getDpsInputs(),
                       [&](Value v) { return rootOf(v) == root; });
}

/// Whether `op` sets every element of `buffer` to zero: a linalg.fill, or
/// a linalg.map without inputs (what bufferization makes of tensor.pad's
/// padding value), of a zero constant.
bool fillsZeros(Operation *op, Value buffer) {
  if (auto fill = dyn_cast<linalg::FillOp>(op))
    return fill.getOutputs()[0] == buffer &&
           matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  auto map = dyn_cast<linalg::MapOp>(op);
  if (!map || !map.getInputs().empty() || map.getInit() != buffer)
    return false;
  Operation *yield = map.getMapper().front().getTerminator();
  return matchPattern(yield->getOperand(0), m_AnyZeroFloat());
}

/// The type of `image` split into groups as `expand` splits the padded
/// buffer: [N, G·C, H, W] to [N, G, C, H, W].
FailureOr<MemRefType> groupedType(memref::ExpandShapeOp expand, Value image) {
  auto type = cast<MemRefType>(image.getType());
  SmallVector<int64_t> shape(expand.getResultType().getShape());
  llvm::copy(type.getShape().take_back(2), shape.end() - 2);
  return memref::ExpandShapeOp::computeExpandedType(
      type, shape, expand.getReassociationIndices());
}

/// A convolution's input whose zero padding is folded away: `image` is
/// what was copied into the padded buffer's interior, `top` rows below its
/// first row and `left` columns right of its first column.
struct Padding {
  Operation *fill, *copy;
  Value image;
  int64_t top, left;
  /// Whether the padded buffer is read between the fill and the copy.
  bool readZeros;
};

/// The padding of the convolution `op`'s input, if it is a buffer (viewed
/// with its channels split into groups for a grouped convolution) that was
/// zeroed whole and then had an image copied into a subview of it that
/// keeps its images and channels, and the image (another buffer) is not
/// written after the copy. The zeros the windows read beyond the image, before
/// or after it, are the runtime's.
std::optional<Padding> paddingOf(Operation *op) {
  Value input = op->getOperand(0), padded = input;
  if (auto expand = input.getDefiningOp<memref::ExpandShapeOp>())
    padded = expand.getSrc();
  bool read;
  auto copy = dyn_cast_or_null<linalg::CopyOp>(lastWriter(input, op, read));
  if (!copy)
    return std::nullopt;
  auto interior = copy.getOutputs()[0].getDefiningOp<memref::SubViewOp>();
  if (!interior || interior.getSource() != padded ||
      interior.getType().getRank() != 4 || !interior.hasUnitStride())
    return std::nullopt;
  ArrayRef<int64_t> offsets = interior.getStaticOffsets(),
                    sizes = interior.getStaticSizes(),
                    full = cast<MemRefType>(padded.getType()).getShape();
  if (ShapedType::isDynamicShape(offsets) || offsets[0] != 0 ||
      offsets[1] != 0 || sizes[0] != full[0] || sizes[1] != full[1])
    return std::nullopt;
  bool readZeros;
  Operation *fill = lastWriter(padded, copy, readZeros);
  Value image = copy.getInputs()[0];
  if (!fill || !fillsZeros(fill, padded) || rootOf(image) == rootOf(padded) ||
      writtenBetween(image, copy, op))
    return std::nullopt;
  // A grouped convolution reads the image split into groups like `padded`.
  if (auto expand = input.getDefiningOp<memref::ExpandShapeOp>())
    if (failed(groupedType(expand, image)))
      return std::nullopt;
  return Padding{fill, copy, image, offsets[2], offsets[3], readZeros};
}

/// Whether a later op than `op` may read the buffer `root` before
/// overwriting it whole; an argument's buffer is read by the caller.
bool readLater(Value root, Operation *op) {
  for (Operation *other = op->getNextNode(); other;
       other = other->getNextNode())
    if (accessOf(other, root) != Access::None)
      return !overwrites(other, root);
  return !root.getDefiningOp<memref::AllocOp>();
}

/// Erases `v`'s view and allocation ops that are left without uses.
void eraseIfDead(Value v) {
  while (v.use_empty()) {
    Operation *def = v.getDefiningOp();
    if (!def || !isa<ViewLikeOpInterface, memref::AllocOp>(def))
      return;
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    v = view ? view.getViewSource() : Value();
    def->erase();
    if (!v)
      return;
  }
}

/// `operand` of `op`, or a transposed view of what a transpose wrote into
/// it (erasing the transpose if nothing else reads what it wrote).
Value untransposed(Value operand, Operation *op) {
  bool read;
  Operation *writer = lastWriter(operand, op, read);
  auto transpose = asTranspose(writer);
  if (!transpose || writer->getOperand(1) != operand ||
      writtenBetween(transpose->first, writer, op))
    return operand;
  OpBuilder b(op);
  // The transpose maps result dim i to input dim perm[i]: the view reads the
  // input with its dims permuted the same way.
  auto perm = AffineMapAttr::get(
      AffineMap::getPermutationMap(transpose->second, b.getContext()));
  Value view =
      b.create<memref::TransposeOp>(op->getLoc(), transpose->first, perm);
  // The transpose stays if its result is read elsewhere (or we cannot
  // tell): an argument's buffer is read by the caller unless a later op
  // overwrites it first (a gradient's output used as the transpose's
  // temporary).
  Value root = rootOf(operand);
  if (!read && !readLater(root, op)) {
    writer->erase();
    if (root.use_empty() && root.getDefiningOp())
      root.getDefiningOp()->erase();
  }
  return view;
}

/// Emits the runtime calls of one function.
class KernelLowering {
public:
  KernelLowering(func::FuncOp fn, ModuleOp module) : fn(fn), module(module) {}

  void run() {
    SmallVector<linalg::GenericOp> pools;
    fn.walk([&](linalg::GenericOp op) {
      if (op->hasAttr(adjoint::kMaxPoolKernelAttr) ||
          op->hasAttr(adjoint::kMaxPoolScatterKernelAttr))
        pools.push_back(op);
    });
    for (linalg::GenericOp op : pools)
      lowerMaxPool(op);

    SmallVector<Operation *> kernels;
    fn.walk([&](linalg::LinalgOp op) {
      if (op->getBlock() == &fn.getBody().front() && isKernel(op))
        kernels.push_back(op);
    });
    if (kernels.empty())
      return;
    OpBuilder b(&fn.getBody().front(), fn.getBody().front().begin());
    // Decided before any kernel is lowered, so that the scratch has room
    // for the runtime's padded copies.
    for (Operation *op : kernels)
      if (isa<linalg::Conv2DNchwFchwOp, linalg::Conv2DNgchwGfchwOp>(op))
        if (auto padding = paddingOf(op))
          if (readsPaddingInPlace(op, padding->image))
            padded.insert(op);
    // One buffer for every kernel of the function, f32 or f64.
    int64_t bytes = 64;
    for (Operation *op : kernels)
      bytes = std::max(bytes, scratchBytes(op));
    scratch = b.create<memref::AllocOp>(
        fn.getLoc(), MemRefType::get({ceilDiv(bytes, 4)}, b.getF32Type()),
        b.getI64IntegerAttr(64));
    for (Operation *op : kernels)
      lower(op);
  }

private:
  static bool isKernel(Operation *op) {
    if (!isa<linalg::MatmulOp, linalg::MatmulTransposeAOp,
             linalg::MatmulTransposeBOp, linalg::BatchMatmulOp,
             linalg::BatchMatmulTransposeAOp, linalg::BatchMatmulTransposeBOp,
             linalg::Conv2DNchwFchwOp, linalg::Conv2DNgchwGfchwOp>(op))
      return false;
    Type element = elementOf(op);
    return (element.isF32() || element.isF64()) &&
           llvm::all_of(op->getOperandTypes(), [&](Type type) {
             auto memref = dyn_cast<MemRefType>(type);
             return memref && memref.hasStaticShape() &&
                    memref.getElementType() == element;
           });
  }

  /// The element type of `op`'s first operand.
  static Type elementOf(Operation *op) {
    return getElementTypeOrSelf(op->getOperand(0).getType());
  }

  static ArrayRef<int64_t> shapeOf(Value v) {
    return cast<MemRefType>(v.getType()).getShape();
  }

  /// The (batch, M, N, K) of a matmul-like op: from its output and lhs.
  static std::array<int64_t, 4> gemmShape(Operation *op) {
    ArrayRef<int64_t> out = shapeOf(op->getOperand(2));
    ArrayRef<int64_t> lhs = shapeOf(op->getOperand(0));
    bool lhsTransposed =
        isa<linalg::MatmulTransposeAOp, linalg::BatchMatmulTransposeAOp>(op);
    int64_t k = lhsTransposed ? lhs[lhs.size() - 2] : lhs.back();
    if (out.size() == 3)
      return {out[0], out[1], out[2], k};
    return {1, out[0], out[1], k};
  }

  /// Whether the runtime reads the padded input of the convolution `op`
  /// in place (kernels.c, pads_in_place: with AVX-512, rows of 9 to 15
  /// pixels, at most 16 output channels, a row stride of 1; f32 weight
  /// gradients whose kernel rows are as long as the image's, wgrad_flat;
  /// and the depthwise kernel, on every target). Elsewhere it
  /// copies the image with its padding first, which measured a few percent
  /// slower than the fill and copy loops of compiled code (survey models,
  /// docs/performance-kernels.md): those convolutions keep them. f64 ones
  /// of that shape are folded too, so that the runtime's copy is tested.
  static bool readsPaddingInPlace(Operation *op, Value image) {
    if (takesDepthwiseKernel(op))
      return true;
    bool grouped = isa<linalg::Conv2DNgchwGfchwOp>(op);
    ArrayRef<int64_t> w = shapeOf(op->getOperand(1)).drop_front(grouped),
                      out = shapeOf(op->getOperand(2));
    auto innermostStride = [](Value v) {
      SmallVector<int64_t> strides;
      int64_t offset;
      return succeeded(getStridesAndOffset(cast<MemRefType>(v.getType()),
                                           strides, offset))
                 ? strides.back()
                 : 0;
    };
    auto rowStrides = [](Value v) {
      SmallVector<int64_t> strides;
      int64_t offset;
      if (failed(getStridesAndOffset(cast<MemRefType>(v.getType()), strides,
                                     offset)))
        return std::pair<int64_t, int64_t>(0, 0);
      return std::pair(strides[strides.size() - 2], strides.back());
    };
    // kernels.c's wgrad_flat: kernel rows as long as the image's rows, read
    // as one run of kh * kw elements each.
    int64_t kh = w[2], kw = w[3];
    bool flat =
        elementOf(op).isF32() && !grouped &&
        window(op, "dilations") == SmallVector<int64_t>{1, 1} &&
        rowStrides(image) == std::pair<int64_t, int64_t>(kw, 1) &&
        rowStrides(op->getOperand(1)) == std::pair<int64_t, int64_t>(kw, 1) &&
        kw > 8 && kw % 16 != 0 && kh * kw <= 16 * 16 &&
        out[2] * out[3] <= kh * kw &&
        ceilDiv(kh * kw, 16) < kh * ceilDiv(kw, 16);
    // kernels.c's rows_flat: stride 1, output rows of 9 to 15 pixels and
    // the image's rows as far apart (vectors along the flattened plane).
    bool flatRows =
        elementOf(op).isF32() && !grouped &&
        window(op, "strides") == SmallVector<int64_t>{1, 1} && out[3] > 8 &&
        out[3] < 16 && shapeOf(image)[3] <= out[3] &&
        rowStrides(image) == std::pair<int64_t, int64_t>(out[3], 1) &&
        rowStrides(op->getOperand(2)) ==
            std::pair<int64_t, int64_t>(out[3], 1) &&
        kh <= 8 && kw <= 8;
    return flat || flatRows ||
           (window(op, "strides")[1] == 1 && out.back() > 8 &&
            out.back() < 16 && w[0] <= 16 && innermostStride(image) == 1 &&
            innermostStride(op->getOperand(2)) == 1);
  }

  /// Whether the runtime runs the grouped convolution `op` with its
  /// depthwise kernel, which reads a padded input in place (kernels.c,
  /// CONV2D_GROUPED: groups of one input and one output channel).
  static bool takesDepthwiseKernel(Operation *op) {
    if (!isa<linalg::Conv2DNgchwGfchwOp>(op))
      return false;
    ArrayRef<int64_t> w = shapeOf(op->getOperand(1));
    return w[1] == 1 && w[2] == 1;
  }

  /// A convolution's window attribute (strides or dilations).
  static SmallVector<int64_t> window(Operation *op, StringRef attr) {
    return llvm::to_vector(
        op->getAttrOfType<DenseIntElementsAttr>(attr).getValues<int64_t>());
  }

  int64_t scratchBytes(Operation *op) const {
    int64_t bytes = elementOf(op).getIntOrFloatBitWidth() / 8;
    // The depthwise kernel needs no scratch.
    if (takesDepthwiseKernel(op))
      return 0;
    // A grouped convolution's scratch is one group's: drop the group dims.
    bool grouped = isa<linalg::Conv2DNgchwGfchwOp>(op);
    if (grouped || isa<linalg::Conv2DNchwFchwOp>(op)) {
      ArrayRef<int64_t> w = shapeOf(op->getOperand(1)).drop_front(grouped),
                        out = shapeOf(op->getOperand(2));
      int64_t oh = out.take_back(2)[0], ow = out.back();
      int64_t pixels = out[0] * oh * ow;
      int64_t elements =
          scratchElements(w[0], pixels, w[1] * w[2] * w[3], bytes);
      SmallVector<int64_t> s = window(op, "strides"),
                           d = window(op, "dilations");
      // A column stride above 1: the runtime may copy the image split into
      // its column phases (conv_phases in gemm.inc: rows of s[1] phases of
      // ow + (kw - 1) d[1] / s[1] columns), then convolve each phase's taps,
      // a shorter reduction, before the packing buffers.
      if (s[1] > 1) {
        int64_t rows = (oh - 1) * s[0] + (w[2] - 1) * d[0] + 1;
        int64_t copy =
            out[0] * w[1] * rows * s[1] * (ow + (w[3] - 1) * d[1] / s[1]);
        int64_t phases = 0;
        for (int64_t taps = 1; taps <= w[3]; ++taps)
          phases = std::max(
              phases, scratchElements(w[0], pixels, w[1] * w[2] * taps, bytes));
        elements = std::max(elements,
                            ceilDiv(copy, 64 / bytes) * (64 / bytes) + phases);
      }
      // A padded input is copied with its padding (the rows and columns
      // the windows reach) before the packing buffers, in 64-byte units.
      if (padded.contains(op)) {
        int64_t copy = out[0] * w[1] *
                       ((oh - 1) * s[0] + (w[2] - 1) * d[0] + 1) *
                       ((ow - 1) * s[1] + (w[3] - 1) * d[1] + 1);
        elements += ceilDiv(copy, 64 / bytes) * (64 / bytes);
      }
      return bytes * elements;
    }
    auto [batch, m, n, k] = gemmShape(op);
    return bytes * scratchElements(m, n, k, bytes);
  }

  Value i64(OpBuilder &b, Location loc, int64_t v) {
    return b.create<arith::ConstantIntOp>(loc, v, 64);
  }

  /// Appends the pointer to `v`'s first element, then `v`'s strides in the
  /// order `dims` names them (-1: a zero stride). They are read from `v`'s
  /// LLVM descriptor (allocated, aligned, offset, sizes, strides) through a
  /// cast that the LLVM lowering resolves: memref.extract_aligned_pointer_as_
  /// index would lose the shift of the memref.view that adj-export-c-abi
  /// makes of the buffer (expand-strided-metadata looks through views).
  void pushOperand(OpBuilder &b, Location loc, Value v, ArrayRef<int> dims,
                   SmallVectorImpl<Value> &args) {
    Type descriptor = typeConverter.convertType(v.getType());
    Value desc =
        b.create<UnrealizedConversionCastOp>(loc, descriptor, v).getResult(0);
    Value aligned = b.create<LLVM::ExtractValueOp>(loc, desc, 1);
    Value offset = b.create<LLVM::ExtractValueOp>(loc, desc, 2);
    args.push_back(
        b.create<LLVM::GEPOp>(loc, LLVM::LLVMPointerType::get(b.getContext()),
                              cast<MemRefType>(v.getType()).getElementType(),
                              aligned, ValueRange{offset}));
    for (int d : dims)
      args.push_back(d < 0 ? i64(b, loc, 0)
                           : b.create<LLVM::ExtractValueOp>(
                                 loc, desc, ArrayRef<int64_t>{4, d})
                                 .getResult());
  }

  /// The runtime function `name`, declared on first use.
  LLVM::LLVMFuncOp declare(StringRef name, ArrayRef<Type> params) {
    if (auto fn = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
      return fn;
    OpBuilder b(module.getBodyRegion());
    auto type = LLVM::LLVMFunctionType::get(
        LLVM::LLVMVoidType::get(module.getContext()), params);
    return b.create<LLVM::LLVMFuncOp>(module.getLoc(), name, type);
  }

  void lower(Operation *op) {
    Location loc = op->getLoc();
    Value input = op->getOperand(0);
    std::optional<Padding> padding;
    if (padded.contains(op))
      padding = paddingOf(op);
    Value lhs = padding ? padImage(*padding, op) : untransposed(input, op);
    Value rhs = untransposed(op->getOperand(1), op);
    Value out = op->getOperand(2);
    Operation *zeroWriter;
    bool overwrite = holdsZeros(out, op, zeroWriter);
    if (zeroWriter)
      zeroWriter->erase();

    OpBuilder b(op);
    SmallVector<Value> args;
    // The runtime's names: adjoint_rt_s* for f32, adjoint_rt_d* for f64.
    std::string name = elementOf(op).isF64() ? "adjoint_rt_d" : "adjoint_rt_s";
    if (isa<linalg::Conv2DNchwFchwOp, linalg::Conv2DNgchwGfchwOp>(op)) {
      // The grouped op's operands are [N, G, C, H, W], [G, F, C, KH, KW]
      // and [N, G, F, OH, OW]: the runtime takes the group count, then each
      // operand's group stride after its pointer.
      bool grouped = isa<linalg::Conv2DNgchwGfchwOp>(op);
      name += grouped ? "conv2d_grouped" : "conv2d";
      ArrayRef<int64_t> w = shapeOf(rhs).drop_front(grouped), o = shapeOf(out),
                        x = shapeOf(lhs);
      SmallVector<int64_t> strides = window(op, "strides"),
                           dilations = window(op, "dilations");
      if (grouped)
        args.push_back(i64(b, loc, shapeOf(rhs)[0]));
      for (int64_t v :
           {o[0], w[1], w[0], w[2], w[3], o.take_back(2)[0], o.back(),
            strides[0], strides[1], dilations[0], dilations[1],
            x.take_back(2)[0], x.back(), padding ? padding->top : 0,
            padding ? padding->left : 0})
        args.push_back(i64(b, loc, v));
      SmallVector<int> image = {0, 1, 2, 3}, filter = {0, 1, 2, 3};
      if (grouped)
        image = {1, 0, 2, 3, 4}, filter = {0, 1, 2, 3, 4};
      pushOperand(b, loc, lhs, image, args);
      pushOperand(b, loc, rhs, filter, args);
      pushOperand(b, loc, out, image, args);
    } else {
      name += "gemm";
      auto [batch, m, n, k] = gemmShape(op);
      for (int64_t v : {batch, m, n, k})
        args.push_back(i64(b, loc, v));
      // Stride order per operand: batch, row, column of the product's
      // operand (A is M x K, B is K x N); a transposed op swaps its input's.
      bool batched = shapeOf(out).size() == 3;
      bool ta =
          isa<linalg::MatmulTransposeAOp, linalg::BatchMatmulTransposeAOp>(op);
      bool tb =
          isa<linalg::MatmulTransposeBOp, linalg::BatchMatmulTransposeBOp>(op);
      auto dims = [&](bool transposed) -> SmallVector<int> {
        int r = batched ? 1 : 0;
        return {batched ? 0 : -1, transposed ? r + 1 : r,
                transposed ? r : r + 1};
      };
      pushOperand(b, loc, lhs, dims(ta), args);
      pushOperand(b, loc, rhs, dims(tb), args);
      pushOperand(b, loc, out, dims(false), args);
    }
    args.push_back(b.create<arith::ConstantIntOp>(loc, overwrite ? 0 : 1, 32));
    pushOperand(b, loc, scratch, {}, args);
    LLVM::LLVMFuncOp callee =
        declare(name, llvm::to_vector(ValueRange(args).getTypes()));
    b.create<LLVM::CallOp>(loc, callee, args);
    op->erase();
    eraseIfDead(input);
  }

  /// Replaces a max pooling generic marked by convert-adj-to-linalg (see
  /// kMaxPoolKernelAttr) by a call of adjoint_rt_{s,d}max_pool2d or
  /// _scatter. Its body loads the input (and the scatter's `source`, the
  /// pooled shape) from buffers defined outside; anything else stays a loop.
  void lowerMaxPool(linalg::GenericOp op) {
    bool scatter = op->hasAttr(adjoint::kMaxPoolScatterKernelAttr);
    auto window = op->getAttrOfType<DenseI64ArrayAttr>(
        scatter ? adjoint::kMaxPoolScatterKernelAttr
                : adjoint::kMaxPoolKernelAttr);
    if (op.getNumDpsInputs() != 0 || op.getNumDpsInits() != 1 || !window ||
        window.size() != 2)
      return;
    Value out = op.getDpsInits()[0];
    auto outType = dyn_cast<MemRefType>(out.getType());
    if (!outType || outType.getRank() != 4 || !outType.hasStaticShape() ||
        !(outType.getElementType().isF32() || outType.getElementType().isF64()))
      return;
    // The buffers the body loads from: by shape, the input (the scatter's
    // output shape) and the pooled `source`.
    Value input, source;
    bool known = true;
    op.getBody()->walk([&](memref::LoadOp load) {
      Value buffer = load.getMemRef();
      auto type = cast<MemRefType>(buffer.getType());
      bool pooled = !scatter || type.getShape() != outType.getShape();
      Value &slot = pooled && scatter ? source : input;
      if (!type.hasStaticShape() || type.getRank() != 4 ||
          type.getElementType() != outType.getElementType() ||
          (slot && slot != buffer))
        known = false;
      slot = buffer;
    });
    if (!known || !input || (scatter && !source))
      return;
    ArrayRef<int64_t> in = shapeOf(input),
                      pooled = shapeOf(scatter ? source : out);
    OpBuilder b(op);
    Location loc = op.getLoc();
    SmallVector<Value> args;
    ArrayRef<int64_t> kernel = window.asArrayRef();
    for (int64_t v : {in[0], in[1], in[2], in[3], pooled[2], pooled[3],
                      kernel[0], kernel[1]})
      args.push_back(i64(b, loc, v));
    SmallVector<int> dims = {0, 1, 2, 3};
    pushOperand(b, loc, input, dims, args);
    if (scatter)
      pushOperand(b, loc, source, dims, args);
    pushOperand(b, loc, out, dims, args);
    std::string name =
        outType.getElementType().isF64() ? "adjoint_rt_d" : "adjoint_rt_s";
    name += scatter ? "max_pool2d_scatter" : "max_pool2d";
    b.create<LLVM::CallOp>(
        loc, declare(name, llvm::to_vector(ValueRange(args).getTypes())), args);
    op->erase();
  }

  /// The image of `padding`, the input of the convolution `op` (split into
  /// groups like that input for a grouped one); the padded buffer's fill
  /// and copy are erased if nothing else reads it.
  Value padImage(const Padding &padding, Operation *op) {
    Value input = op->getOperand(0), image = padding.image;
    if (auto expand = input.getDefiningOp<memref::ExpandShapeOp>()) {
      OpBuilder b(op);
      image = b.create<memref::ExpandShapeOp>(
          op->getLoc(), *groupedType(expand, image), image,
          expand.getReassociationIndices());
    }
    bool read;
    lastWriter(input, op, read);
    if (!padding.readZeros && !read && !readLater(rootOf(input), op)) {
      Value interior = padding.copy->getOperand(1);
      padding.copy->erase();
      padding.fill->erase();
      eraseIfDead(interior);
    }
    return image;
  }

  func::FuncOp fn;
  ModuleOp module;
  LLVMTypeConverter typeConverter{module.getContext()};
  Value scratch;
  /// The convolutions whose input's padding is folded.
  llvm::SmallPtrSet<Operation *, 8> padded;
};

struct AdjLowerToKernelsPass
    : public adjoint::impl::AdjLowerToKernelsBase<AdjLowerToKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto fn : llvm::to_vector(module.getOps<func::FuncOp>()))
      if (!fn.isExternal())
        KernelLowering(fn, module).run();
  }
};

} // namespace
