/*===- kernels.c - The GEMM and convolution runtime of compiled models ----===//
 *
 * Part of the Adjoint project.
 *
 * adjoint-compile compiles this file with the target's `cc -O3 -march=..`
 * and links it into every shared library it produces (lib/Target/
 * NativeCode.cpp); `adj-lower-to-kernels` replaces linalg.matmul,
 * batch_matmul and conv_2d_nchw_fchw by calls to it.
 *
 * One BLIS-style GEMM (gemm.inc, written once and included here for float
 * and for double: adjoint_rt_sgemm, adjoint_rt_dgemm) serves every caller:
 *
 *   for jc (NC columns of C)
 *     for pc (KC of the reduction, balanced)    B[pc, jc] packed in NR slivers
 *       for ic (up to MCB rows)                 A[ic, pc] packed in MR panels
 *         items (MC rows x one NR sliver) over the threads:
 *           the MR x NR micro-kernel, kc FMAs deep, into C
 *
 * A batch of 32 or 64 rows times a transposed B (a backward pass's
 * dz W^T) is computed as C^T = B^T A^T, B^T's rows read in place and C's
 * tiles stored transposed (gemm.inc, a_by_rows).
 *
 * Small products (up to SMALL_MACS multiply-adds), narrow ones (N up to
 * NR) and short ones (K up to KC, A and B row-major) of plain strided
 * matrices take a direct path instead: A read in place, B in place or one
 * zero-padded panel at a time, the whole reduction of a C tile in
 * registers (dot products for one column).
 *
 * Each operand axis is an `axis_t`: an index i is split into three digits
 * (i / (d1 d2), i / d2 % d1, i % d2) with one stride each. A plain strided
 * matrix uses one digit, so transposed operands cost nothing; a convolution
 * is a GEMM whose B is the image read through im2col addresses (the rows are
 * (c, kh, kw), the columns (oh, ow)), never materialized.
 *
 * Threads split C's tiles only, never the reduction: every element of C is
 * accumulated by one thread in the same order for any thread count, so the
 * results are bitwise identical. The packing buffers live in the caller's
 * workspace (`scratch`, sized by the lowering pass from this file's
 * blocking constants: LowerToKernels.cpp's scratchElements), so a call
 * allocates nothing.
 *
 * GCC vector extensions give 32-byte vectors (8 floats, 4 doubles): AVX2 +
 * FMA with -march=haswell or later, two NEON registers on AArch64; 64-byte
 * vectors with AVX-512 (the lowering pass sizes the scratch for the wider
 * NR). The direct convolutions (f32 only) use 8-float vectors, and 16-float
 * ones for rows of 16 or more pixels with AVX-512.
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

/* The vector width in bytes: 64 with AVX-512, else 32 (AVX2, two NEON
   registers). A micro-tile is MR rows by two vectors: 8 x 2 accumulators
   of AVX-512's 32 registers, 6 x 2 of the 16 of AVX2 and NEON. The
   lowering pass sizes the packing buffers from VBYTES, MR, KC, MCB and NC
   (LowerToKernels.cpp, scratchElements): change them together. */
#ifdef __AVX512F__
#define VBYTES 64
#define MR 8
#else
#define VBYTES 32
#define MR 6
#endif
#define KC 256
#define MC 96
#define MCB 1536
#define NC 2048
/* B's slivers are packed in groups of BG: a row of a group is BG * NR
   contiguous elements of a row-major B (gemm.inc, pack_b_slivers). */
#define BG 8
/* Below this many multiply-adds a GEMM runs on the calling thread. */
#define PARALLEL_MIN_MACS (1 << 18)

#define HIDDEN __attribute__((visibility("hidden")))
/* Keeps GCC from turning short zeroing and copying loops into memset and
   memcpy calls (loop distribution); clang has no such attribute. */
#ifdef __clang__
#define NO_LIBCALLS
#else
#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif

typedef struct {
  int64_t d1, d2;     /* the sizes of the two inner digits */
  int64_t s0, s1, s2; /* the strides of the three digits */
} axis_t;

static inline int64_t offset(const axis_t *a, int64_t i) {
  if (a->d1 == 1 && a->d2 == 1)
    return i * a->s0;
  return i / (a->d1 * a->d2) * a->s0 + i / a->d2 % a->d1 * a->s1 +
         i % a->d2 * a->s2;
}

/* The offsets of indices [i0, i0 + n) of `a` into `out`, digit by digit
   (no division per index). */
static void offsets(const axis_t *a, int64_t i0, int64_t n, int64_t *out) {
  int64_t r2 = i0 % a->d2, q = i0 / a->d2;
  int64_t r1 = q % a->d1, r0 = q / a->d1;
  for (int64_t i = 0; i < n; ++i) {
    out[i] = r0 * a->s0 + r1 * a->s1 + r2 * a->s2;
    if (++r2 == a->d2) {
      r2 = 0;
      if (++r1 == a->d1)
        r1 = 0, ++r0;
    }
  }
}

static axis_t plain(int64_t stride) {
  axis_t a = {1, 1, stride, 0, 0};
  return a;
}

/* The axis as one stride when its digits are evenly spaced (a contiguous
   output plane), so C's stores and B's packing can use vectors. */
static axis_t simplify(axis_t a) {
  if (a.d2 == 1) /* the last digit is always 0: fold it into the middle */
    a.d2 = a.d1, a.d1 = 1, a.s2 = a.s1;
  if (a.d1 == 1)
    a.s1 = a.d2 * a.s2;
  if (a.s1 == a.d2 * a.s2 && a.s0 == a.d1 * a.s1)
    return plain(a.s2);
  return a;
}

static int64_t min64(int64_t x, int64_t y) { return x < y ? x : y; }
static int64_t ceildiv(int64_t x, int64_t y) { return (x + y - 1) / y; }

/* The number of row blocks, at least `blocks`, that gives each of `nth`
   threads as many items (blocks x `slivers`) of a GEMM step as the others
   (gemm.inc, gemm_thread); `blocks` if no count up to `panels` does (a
   block is at least one panel). A few items split unevenly: conv1d's
   weight gradients (M 96 and 80, one sliver) were one item, computed by
   one thread while the other packed half of A and waited at the barriers;
   bnconv's (M 288) three, split 1 + 2. At 2 threads their values and
   gradients took 0.72 and 2.23 ms instead of 0.80 and 2.37. Each tile is
   computed as before, whichever thread runs it. */
static int64_t even_blocks(int64_t blocks, int64_t panels, int64_t slivers,
                           int nth) {
  for (int64_t b = blocks; b <= panels; ++b)
    if (b * slivers % nth == 0)
      return b;
  return blocks;
}

static int num_threads = 0; /* 0: OpenMP's default (OMP_NUM_THREADS) */

#ifdef _OPENMP
/* libomp's own setting (the library links libomp, whose omp.h the build's
   cc may not have). */
void kmp_set_defaults(const char *settings);

/* Threads waiting at a barrier or for the next region yield the core while
   they spin, unless the user set KMP_USE_YIELD. By default libomp yields
   only when it has more threads than cores: on a machine loaded by other
   processes a waiting thread kept its core from the thread it waited for,
   which the scheduler had taken off the other one: at 2 threads on a
   loaded machine conv1d's value and gradient took 3.8 ms (1.16 at 1
   thread), 1.1-1.2 with yields, the GRU's 4.3-9.1 (1.15), 0.8-5.8; under
   chrt -f 1 the same as without. It sets the process's libomp, the
   caller's own OpenMP code included, not the environment. */
__attribute__((constructor)) static void yield_while_waiting(void) {
  if (!getenv("KMP_USE_YIELD"))
    kmp_set_defaults("KMP_USE_YIELD=2");
}
#endif

HIDDEN int32_t adjoint_rt_set_num_threads(int32_t n) {
  int32_t old = num_threads;
  num_threads = n > 0 ? n : 0;
#ifdef _OPENMP
  if (n > 0)
    omp_set_num_threads(n);
#endif
  return old;
}

static int threads_for(int64_t macs) {
#ifdef _OPENMP
  if (macs < PARALLEL_MIN_MACS)
    return 1;
  return num_threads > 0 ? num_threads : omp_get_max_threads();
#else
  (void)macs;
  return 1;
#endif
}

/* The direct path (gemm.inc), for products up to SMALL_MACS multiply-adds
   and narrow ones; its one-vector tiles are DIRECT_MR1 rows: enough
   independent FMA chains, few enough row addresses to stay in registers. */
#define SMALL_MACS (1 << 16)
#define DIRECT_MR1 8
/* Below this many multiply-adds the direct path runs on the calling
   thread: its parallel region and barriers (two per copied panel of B)
   cost more than half of such a product when the cores exchange cache
   lines slowly (~410 ns a round trip): mlp's three products of 64 x 512 x
   10 shapes took 8-15 us at 2 threads, 7 at 1 (perf-mlp2t). */
#define DIRECT_PARALLEL_MIN (1 << 19)
/* One row times a row-major B (gemv_cols): B's rows are streamed
   GEMV_ROWS at a time into C's columns, GEMV_BYTES of them at a time (in
   L1 while B streams past). Measured on Zen 5 (1 x 1000..4096 x
   1000..8192): 8 rows 1.0-1.1x the time of 4 or 6, chunks of 16 KiB
   5-15 % faster than 8 KiB at N = 4096. */
#define GEMV_ROWS 8
#define GEMV_BYTES 16384

#define CONCAT_(x, y) x##y
#define CONCAT(x, y) CONCAT_(x, y)
#define TYPED(name) CONCAT(name, CONCAT(_, SFX))
#define PUBLIC(name) CONCAT(CONCAT(adjoint_rt_, SFX), name)

#define T float
#define SFX s
#include "gemm.inc"
#undef T
#undef SFX

#define T double
#define SFX d
#include "gemm.inc"
#undef T
#undef SFX

/* Direct convolutions, for the shapes where the GEMM's packing would cost
   more than the multiply-adds it feeds: few output channels (each packed
   im2col element feeds only F of them), or a weight gradient's shape (the
   "kernel" is a whole activation map, the output is a few pixels, so the
   reduction is long and the GEMM's N tiny). Both read the operands in place
   with 8-float vectors (rows of 8 pixels fit LeNet-sized maps on any
   target); with AVX-512, 16-float ones for rows of 16 or more, a masked
   row of 9 to 15, two rows of 8 (output rows, or a weight gradient's
   kernel rows). Each output element is summed by one thread in one fixed
   order, so the results do not depend on the thread count. */
typedef float f8 __attribute__((vector_size(32)));
typedef float f8u __attribute__((vector_size(32), aligned(4)));
/* The output rows of one rows tile: 4 x 6 accumulators fit AVX-512's 32
   registers, 2 x 6 the 16 of AVX2 and NEON. */
#ifdef __AVX512F__
#define ROWS_NY 4
typedef float f16 __attribute__((vector_size(64)));
typedef float f16u __attribute__((vector_size(64), aligned(4)));
#else
#define ROWS_NY 2
#endif

/* A convolution's geometry and operands (adjoint_rt_sconv2d's arguments):
   the input is ih x iw pixels, read as if padded by pt rows above and pl
   columns to its left, and by zeros below and to its right as far as the
   windows reach. */
typedef struct {
  int64_t batch, c, f, kh, kw, oh, ow, sh, sw, dh, dw, ih, iw, pt, pl;
  const float *in;
  int64_t in0, in1, in2, in3;
  const float *w;
  int64_t w0, w1, w2, w3;
  float *out;
  int64_t out0, out1, out2, out3;
  int accumulate;
} conv_t;

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* Block b of `blocks` near-equal blocks of [0, total): its start, and its
   size in *size (blocks of 4 + 4 + 4 + 4 rather than 6 + 6 + 4, so that no
   tile is left mostly empty). */
static int64_t block_start(int64_t total, int64_t blocks, int64_t b,
                           int64_t *size) {
  int64_t start = total * b / blocks;
  *size = total * (b + 1) / blocks - start;
  return start;
}

/* The bits [lo, hi) of a 16-lane mask (none if hi <= lo). */
static inline uint32_t lanes(int64_t lo, int64_t hi) {
  lo = lo < 0 ? 0 : lo;
  hi = hi > 16 ? 16 : hi;
  return lo < hi ? (1u << hi) - (1u << lo) : 0;
}

/* The rows kernel for L-float vectors (f<L>, L = 8 or 16): rows_tile<L>
   and rows_item<L>, written once as a macro over L.

   rows_load<L>: the L pixels at r, r + SW, ..., r + (L-1)*SW of an input
   row, SW = 1 or 2 (the output row's stride in `in`). Stride 2 (a
   downsampling convolution) is two loads whose even lanes, shuffled
   together, are the L pixels; the second load ends at the last pixel
   read, r + 2L - 2, never past the row's last needed element.

   rows_tile<L>: NY vectors x NF channels of image n, vectors along the
   output row (stride 1 in `out`, SW in `in`): vector yy holds L pixels
   [x0, x0 + L) of output row y + yy (istep and ostep are then a row's
   steps in `in` and `out`), or, in a single row, pixels [x0 + yy L,
   x0 + (yy + 1) L) (steps L SW and L); lanes below lane0 belong to the
   previous tile (the last tile of a row is shifted left to stay inside it)
   and are not stored.

   rows_item<L>: item `item` of the rows kernel, image n, output rows
   [y, y + ROWS_NY), all channels in near-equal blocks of at most 6. With
   ROW1 (images of one row: a 1-D convolution, written as a conv2d over
   images of height 1), up to ROWS_NY whole vectors of the row a tile: one
   vector a tile had 6 accumulators, too few to hide the FMAs' latency
   (conv1d's forward ran at ~60 % of the 2-D convolutions' rate). */
#define ROWS_KERNEL(L)                                                         \
  ALWAYS_INLINE f##L rows_load##L(const float *r, const int SW) {              \
    if (SW == 1)                                                               \
      return *(const f##L##u *)r;                                              \
    return EVEN_ODD(L, *(const f##L##u *)r,                                    \
                    *(const f##L##u *)(r + L - 1));                            \
  }                                                                            \
                                                                               \
  ALWAYS_INLINE void rows_tile##L(                                             \
      const conv_t *p, int64_t n, int64_t y, int64_t f0, int64_t x0,           \
      int64_t lane0, int64_t istep, int64_t ostep, const int NY, const int NF, \
      const int SW, const int PART) {                                          \
    uint32_t part = PART ? lanes(0, p->ow) : 0;                                \
    uint32_t store = ((1u << L) - 1) >> lane0 << lane0;                        \
    f##L acc[ROWS_NY][6];                                                      \
    for (int yy = 0; yy < NY; ++yy)                                            \
      for (int f = 0; f < NF; ++f)                                             \
        acc[yy][f] = (f##L){0};                                                \
    /* Only PART reads a padded input (pt, pl > 0): its masked loads leave    \
       out the padding, and may start before the input's first element. */    \
    const float *img = p->in + n * p->in0 + (y * p->sh - p->pt) * p->in2 +     \
                       x0 * SW - p->pl;                                        \
    const float *wf = p->w + f0 * p->w0;                                       \
    for (int64_t c = 0; c < p->c; ++c) {                                       \
      for (int64_t i = 0; i < p->kh; ++i) {                                    \
        /* PART: the lanes of each output row's input row, none if that row   \
           is padding; tap rows that are padding for every row are skipped. */ \
        uint32_t rows[ROWS_NY], any = 0;                                       \
        for (int yy = 0; PART && yy < NY; ++yy) {                              \
          int64_t r = (y + yy) * p->sh + i * p->dh - p->pt;                    \
          rows[yy] = r >= 0 && r < p->ih ? part : 0;                           \
          any |= rows[yy];                                                     \
        }                                                                      \
        if (PART && !any)                                                      \
          continue;                                                            \
        const float *r0 = img + c * p->in1 + i * p->dh * p->in2;               \
        const float *wr = wf + c * p->w1 + i * p->w2;                          \
        for (int64_t j = 0; j < p->kw; ++j) {                                  \
          /* PART: output pixel x reads input column x + j dw - pl. */        \
          int64_t col = j * p->dw - p->pl;                                     \
          uint32_t cols = PART ? lanes(-col, p->iw - col) : 0;                 \
          f##L v[ROWS_NY];                                                     \
          for (int yy = 0; yy < NY; ++yy) {                                    \
            const float *r = r0 + yy * istep + j * p->dw;                      \
            v[yy] = PART == 2 ? ROWS_MASK##L(*(const f##L##u *)r,              \
                                             rows[yy] & cols)                  \
                    : PART    ? ROWS_PART##L(r, rows[yy] & cols)               \
                              : rows_load##L(r, SW);                           \
          }                                                                    \
          for (int f = 0; f < NF; ++f) {                                       \
            float s = wr[f * p->w0 + j * p->w3];                               \
            for (int yy = 0; yy < NY; ++yy)                                    \
              acc[yy][f] += s * v[yy];                                         \
          }                                                                    \
        }                                                                      \
      }                                                                        \
    }                                                                          \
    for (int yy = 0; yy < NY; ++yy) {                                          \
      for (int f = 0; f < NF; ++f) {                                           \
        float *o = p->out + n * p->out0 + (f0 + f) * p->out1 + y * p->out2 +   \
                   yy * ostep + x0;                                            \
        rows_store##L(o, acc[yy][f], PART ? part : store, p->accumulate);     \
      }                                                                        \
    }                                                                          \
  }                                                                            \
                                                                               \
  /* One function per stride: the stride-1 code stays as it was without     \
     stride 2's (a branch and twice the tiles slowed depthwise forward);      \
     and per row count, as ROW1 (images of one row) slowed VGG's 16-pixel    \
     rows by 2 % in the same function. */                                     \
  ROWS_ITEM(L, 1, 0, 0, rows_item##L)                                          \
  ROWS_ITEM(L, 2, 0, 0, rows_item##L##s2)                                      \
  ROWS_ITEM(L, 1, 0, 1, rows_item##L##r1)                                      \
  ROWS_ITEM(L, 2, 0, 1, rows_item##L##s2r1)

#define ROWS_ITEM(L, SW, PART, ROW1, NAME)                                     \
  static void NAME(const conv_t *p, int64_t item) {                            \
    int64_t groups = ceildiv(p->oh, ROWS_NY);                                  \
    int64_t n = item / groups, y = item % groups * ROWS_NY;                    \
    int64_t ny = min64(ROWS_NY, p->oh - y);                                    \
    int64_t fblocks = ceildiv(p->f, PART == 1 ? 4 : 6);                        \
    for (int64_t b = 0; b < fblocks; ++b) {                                    \
      int64_t nf, f0 = block_start(p->f, fblocks, b, &nf);                     \
      for (int64_t x = 0; x < p->ow;) {                                        \
        int64_t slots = ROW1 ? min64(ROWS_NY, (p->ow - x) / L) : 0;            \
        int64_t x0 = x, lane0 = 0, nv = slots;                                 \
        int64_t istep = L * SW, ostep = L;                                     \
        if (slots > 1) {                                                       \
          x += slots * L;                                                      \
        } else {                                                               \
          x0 = PART ? 0 : min64(x, p->ow - L), lane0 = x - x0, nv = ny;        \
          istep = p->sh * p->in2, ostep = p->out2;                             \
          x += L;                                                              \
        }                                                                      \
        switch (8 * nv + nf) { ROWS_CASES(L, SW, PART) }                       \
      }                                                                        \
    }                                                                          \
  }

#define ROWS_CASE(L, sw, part, ny, nf)                                         \
  case 8 * (ny) + (nf):                                                        \
    rows_tile##L(p, n, y, f0, x0, lane0, istep, ostep, ny, nf, sw, part);      \
    break;
#define ROWS_CASES_NY(L, sw, part, ny)                                         \
  ROWS_CASE(L, sw, part, ny, 1)                                                \
  ROWS_CASE(L, sw, part, ny, 2)                                                \
  ROWS_CASE(L, sw, part, ny, 3)                                                \
  ROWS_CASE(L, sw, part, ny, 4)                                                \
  ROWS_CASE(L, sw, part, ny, 5)                                                \
  ROWS_CASE(L, sw, part, ny, 6)
#if ROWS_NY > 2
#define ROWS_CASES(L, sw, part)                                                \
  ROWS_CASES_NY(L, sw, part, 1)                                                \
  ROWS_CASES_NY(L, sw, part, 2)                                                \
  ROWS_CASES_NY(L, sw, part, 3) ROWS_CASES_NY(L, sw, part, 4)
#else
#define ROWS_CASES(L, sw, part)                                                \
  ROWS_CASES_NY(L, sw, part, 1) ROWS_CASES_NY(L, sw, part, 2)
#endif
/* rows_load's shuffle: lanes 0, 2, ... of x, then lanes 1, 3, ... of y
   (the second load, which starts L - 1 pixels later). GCC has
   __builtin_shufflevector only from version 12 and clang has no
   __builtin_shuffle (gemm.inc's shuffle2); both fold the constant mask
   into one two-source permute. */
#define EVEN_LANES8 0, 2, 4, 6, 9, 11, 13, 15
#define EVEN_LANES16                                                           \
  0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27, 29, 31
#ifdef __clang__
#define EVEN_ODD(L, x, y) __builtin_shufflevector(x, y, EVEN_LANES##L)
#else
typedef int32_t idx8 __attribute__((vector_size(32)));
typedef int32_t idx16 __attribute__((vector_size(64)));
#define EVEN_ODD(L, x, y) __builtin_shuffle(x, y, (idx##L){EVEN_LANES##L})
#endif

/* rows_store<L>: lanes m of v stored at o (added to o's when
   accumulating). */
ALWAYS_INLINE void rows_store8(float *o, f8 v, uint32_t m, int accumulate) {
  if (m == 0xff) {
    *(f8u *)o = accumulate ? *(f8u *)o + v : v;
    return;
  }
  float lanes[8];
  memcpy(lanes, &v, sizeof(lanes));
  for (int l = 0; l < 8; ++l)
    if (m >> l & 1)
      o[l] = accumulate ? o[l] + lanes[l] : lanes[l];
}

/* ROWS_PART<L>(r, m): the lanes of mask m of the L pixels at r, zeros
   elsewhere, reading no other pixel (AVX-512's masked loads). Only the
   16-float kernel takes rows shorter than its vectors, and only where a
   whole vector would leave the input (rows_in_span): GCC 12 cannot tell
   where a masked load (intrinsic or inline assembly) reads, so it stores
   every accumulator to the stack at every step of a loop holding one.
   There, blocks of 4 channels (not 6) keep the stores fewer. */
#ifdef __AVX512F__
#define ROWS_PART16(r, m) ((f16)_mm512_maskz_loadu_ps((__mmask16)(m), r))
ALWAYS_INLINE void rows_store16(float *o, f16 v, uint32_t m, int accumulate) {
  if (m == 0xffff) {
    *(f16u *)o = accumulate ? *(f16u *)o + v : v;
    return;
  }
  if (accumulate)
    v += ROWS_PART16(o, m);
  _mm512_mask_storeu_ps(o, (__mmask16)m, (__m512)v);
}
#endif
#define ROWS_PART8(r, m) ((void)(m), __builtin_unreachable(), (f8){0})
/* ROWS_MASK<L>(v, m): the lanes of mask m of v, zeros elsewhere. */
#ifdef __AVX512F__
#define ROWS_MASK16(v, m) ((f16)_mm512_maskz_mov_ps((__mmask16)(m), (__m512)(v)))
#endif
#define ROWS_MASK8(v, m) ((void)(v), (void)(m), __builtin_unreachable(), (f8){0})

ROWS_KERNEL(8)
#ifdef __AVX512F__
ROWS_KERNEL(16)
/* Rows of 9 to 15 pixels: one 16-float vector each, its first ow lanes
   loaded and stored (two overlapping 8-float vectors did the same FMAs at
   half the width: LeNet's input gradient of 12-pixel rows took 228 µs
   instead of 175). */
ROWS_ITEM(16, 1, 1, 0, rows_item16p_masked)
ROWS_ITEM(16, 1, 2, 0, rows_item16p_span)

/* Whether every vector that item `item` of rows_item16p loads (at a row's
   first pixel, or before it in the padding, up to 16 floats on) lies
   between the input's first and last element: then the item loads whole
   vectors and masks them in registers. GCC can tell those loads from the
   accumulators; with masked loads (builtins, or asm) in the loop it stored
   every accumulator at every step. */
static int rows_in_span(const conv_t *p, int64_t item) {
  int64_t groups = ceildiv(p->oh, ROWS_NY);
  int64_t n = item / groups, y = item % groups * ROWS_NY;
  int64_t ny = min64(ROWS_NY, p->oh - y);
  if (p->in0 < 0 || p->in1 < 0 || p->in2 < 0)
    return 0;
  int64_t first = n * p->in0 + (y * p->sh - p->pt) * p->in2 - p->pl;
  int64_t last = n * p->in0 + (p->c - 1) * p->in1 +
                 ((y + ny - 1) * p->sh + (p->kh - 1) * p->dh - p->pt) * p->in2 +
                 (p->kw - 1) * p->dw - p->pl + 16;
  int64_t end = (p->batch - 1) * p->in0 + (p->c - 1) * p->in1 +
                (p->ih - 1) * p->in2 + p->iw;
  return first >= 0 && last <= end;
}

/* Rows of 9 to 15 pixels: one 16-float vector each, its first ow lanes
   computed and stored. */
static void rows_item16p(const conv_t *p, int64_t item) {
  if (rows_in_span(p, item))
    rows_item16p_span(p, item);
  else
    rows_item16p_masked(p, item);
}

/* Two rows of 8 floats (at a and b) as one 16-float vector; with last, a
   alone and zeros (the last of an odd number of rows). */
ALWAYS_INLINE f16 pair8(const float *a, const float *b, int last) {
  __m256d hi =
      last ? _mm256_setzero_pd() : _mm256_castps_pd(_mm256_loadu_ps(b));
  __m512d lo = _mm512_castpd256_pd512(_mm256_castps_pd(_mm256_loadu_ps(a)));
  return (f16)_mm512_castpd_ps(_mm512_insertf64x4(lo, hi, 1));
}

/* Output rows of exactly 8 pixels (stride 1) with AVX-512: two rows a
   16-float vector, NP pairs x NF channels of accumulators, so each
   multiply-add covers 16 lanes (the 8-float kernel's fed 8). Pair q holds
   rows y + 2q and y + 2q + 1, or only the first when `last` and q is the
   last pair. */
ALWAYS_INLINE void rows_pair_tile(const conv_t *p, int64_t n, int64_t y,
                                  int64_t f0, int last, const int NP,
                                  const int NF) {
  f16 acc[ROWS_NY][6];
  for (int q = 0; q < NP; ++q)
    for (int f = 0; f < NF; ++f)
      acc[q][f] = (f16){0};
  int64_t rs = p->sh * p->in2;
  const float *img = p->in + n * p->in0 + y * rs;
  const float *wf = p->w + f0 * p->w0;
  for (int64_t c = 0; c < p->c; ++c) {
    for (int64_t i = 0; i < p->kh; ++i) {
      const float *r0 = img + c * p->in1 + i * p->dh * p->in2;
      const float *wr = wf + c * p->w1 + i * p->w2;
      for (int64_t j = 0; j < p->kw; ++j) {
        f16 v[ROWS_NY];
        for (int q = 0; q < NP; ++q)
          v[q] = pair8(r0 + 2 * q * rs + j * p->dw,
                       r0 + (2 * q + 1) * rs + j * p->dw, last && q == NP - 1);
        for (int f = 0; f < NF; ++f) {
          float s = wr[f * p->w0 + j * p->w3];
          for (int q = 0; q < NP; ++q)
            acc[q][f] += s * v[q];
        }
      }
    }
  }
  for (int q = 0; q < NP; ++q) {
    for (int f = 0; f < NF; ++f) {
      float *o = p->out + n * p->out0 + (f0 + f) * p->out1 +
                 (y + 2 * q) * p->out2;
      __m512d a = _mm512_castps_pd((__m512)acc[q][f]);
      rows_store8(o, (f8)_mm256_castpd_ps(_mm512_castpd512_pd256(a)), 0xff,
                  p->accumulate);
      if (!(last && q == NP - 1))
        rows_store8(o + p->out2,
                    (f8)_mm256_castpd_ps(_mm512_extractf64x4_pd(a, 1)), 0xff,
                    p->accumulate);
    }
  }
}

/* A padded convolution of 8-pixel input rows, such as LeNet's input
   gradient (an 8 x 8 cotangent under 4 pixels of padding: 12-pixel output
   rows). The rows kernel gave each output row a 16-float vector, of which
   a tap covers at most the 8 lanes facing input pixels: half its
   multiply-adds were by padding. Here the vectors run along the input
   rows, two rows a vector: for kernel column j, acc = the sum over (i, c)
   of w[f, c, i, j] times the input rows that output rows y + 2q and
   y + 2q + 1 read at tap row i; then output pixel x gets lane
   x + j dw - pl of acc, added into the output row. Every multiply-add is
   by an input pixel. Padding rows are read from a row of zeros (a masked
   load in the loop would keep GCC's accumulators on the stack). Each
   output element is 0 + the kernel columns' sums in order, by one
   thread. */
ALWAYS_INLINE void rows_pad8_tile(const conv_t *p, int64_t n, int64_t y,
                                  int64_t f0, int last, const int NP,
                                  const int NF) {
  static const float zeros[8];
  int64_t rows = 2 * NP - last;
  const float *img = p->in + n * p->in0;
  float *out = p->out + n * p->out0 + f0 * p->out1 + y * p->out2;
  for (int f = 0; !p->accumulate && f < NF; ++f)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t x = 0; x < p->ow; x += 16)
        _mm512_mask_storeu_ps(out + f * p->out1 + r * p->out2 + x,
                              (__mmask16)lanes(0, p->ow - x),
                              _mm512_setzero_ps());
  for (int64_t j = 0; j < p->kw; ++j) {
    f16 acc[ROWS_NY][6];
    for (int q = 0; q < NP; ++q)
      for (int f = 0; f < NF; ++f)
        acc[q][f] = (f16){0};
    for (int64_t i = 0; i < p->kh; ++i) {
      /* The input row of each output row of the tile, or none. */
      int64_t r0 = y * p->sh + i * p->dh - p->pt, in_row[2 * ROWS_NY];
      int any = 0;
      for (int64_t r = 0; r < 2 * NP; ++r) {
        int64_t ir = r0 + r * p->sh;
        in_row[r] = r < rows && ir >= 0 && ir < p->ih ? ir : -1;
        any |= in_row[r] >= 0;
      }
      if (!any)
        continue;
      for (int64_t c = 0; c < p->c; ++c) {
        const float *plane = img + c * p->in1;
        const float *wr = p->w + f0 * p->w0 + c * p->w1 + i * p->w2 + j * p->w3;
        f16 v[ROWS_NY];
        for (int q = 0; q < NP; ++q) {
          int64_t a = in_row[2 * q], b = in_row[2 * q + 1];
          v[q] = pair8(a < 0 ? zeros : plane + a * p->in2,
                       b < 0 ? zeros : plane + b * p->in2, 0);
        }
        for (int f = 0; f < NF; ++f) {
          float s = wr[f * p->w0];
          for (int q = 0; q < NP; ++q)
            acc[q][f] += s * v[q];
        }
      }
    }
    /* Lane l of a half is output pixel l - x0: the lanes in [x0, x0 + ow). */
    int64_t x0 = j * p->dw - p->pl;
    __mmask8 m = (__mmask8)lanes(x0, x0 + p->ow);
    for (int q = 0; q < NP; ++q) {
      for (int f = 0; f < NF; ++f) {
        __m512d a = _mm512_castps_pd((__m512)acc[q][f]);
        __m256 half[2] = {_mm256_castpd_ps(_mm512_castpd512_pd256(a)),
                          _mm256_castpd_ps(_mm512_extractf64x4_pd(a, 1))};
        for (int h = 0; h < 2 && 2 * q + h < rows; ++h) {
          float *o = out + f * p->out1 + (2 * q + h) * p->out2 - x0;
          _mm256_mask_storeu_ps(
              o, m, _mm256_add_ps(_mm256_maskz_loadu_ps(m, o), half[h]));
        }
      }
    }
  }
}

#define ROWS_PAIR_CASE(tile, np, nf)                                           \
  case 8 * (np) + (nf):                                                        \
    tile(p, n, y, f0, last, np, nf);                                           \
    break;
#define ROWS_PAIR_CASES(tile, np)                                              \
  ROWS_PAIR_CASE(tile, np, 1)                                                  \
  ROWS_PAIR_CASE(tile, np, 2)                                                  \
  ROWS_PAIR_CASE(tile, np, 3)                                                  \
  ROWS_PAIR_CASE(tile, np, 4)                                                  \
  ROWS_PAIR_CASE(tile, np, 5) ROWS_PAIR_CASE(tile, np, 6)

/* Item `item` of the paired rows kernel (PAD8: of rows_pad8_tile): image n,
   output rows [y, y + 2 ROWS_NY), all channels in near-equal blocks of at
   most 6. */
ALWAYS_INLINE void rows_pairs(const conv_t *p, int64_t item, const int PAD8) {
  int64_t groups = ceildiv(p->oh, 2 * ROWS_NY);
  int64_t n = item / groups, y = item % groups * 2 * ROWS_NY;
  int64_t rows = min64(2 * ROWS_NY, p->oh - y), np = ceildiv(rows, 2);
  int last = rows % 2;
  int64_t fblocks = ceildiv(p->f, 6);
  for (int64_t b = 0; b < fblocks; ++b) {
    int64_t nf, f0 = block_start(p->f, fblocks, b, &nf);
    if (PAD8) {
      switch (8 * np + nf) {
        ROWS_PAIR_CASES(rows_pad8_tile, 1) ROWS_PAIR_CASES(rows_pad8_tile, 2)
        ROWS_PAIR_CASES(rows_pad8_tile, 3) ROWS_PAIR_CASES(rows_pad8_tile, 4)
      }
    } else {
      switch (8 * np + nf) {
        ROWS_PAIR_CASES(rows_pair_tile, 1) ROWS_PAIR_CASES(rows_pair_tile, 2)
        ROWS_PAIR_CASES(rows_pair_tile, 3) ROWS_PAIR_CASES(rows_pair_tile, 4)
      }
    }
  }
}
static void rows_pair_item(const conv_t *p, int64_t item) {
  rows_pairs(p, item, 0);
}
static void rows_pad8_item(const conv_t *p, int64_t item) {
  rows_pairs(p, item, 1);
}
#endif

/* The weight-gradient tile: WGRAD_NF channels x WGRAD_NP output pixels of
   accumulators plus the NP pixels' vectors and one kernel vector: 4 x 6
   fill AVX-512's 32 registers, 4 x 2 the 16 of AVX2 and NEON. */
#ifdef __AVX512F__
#define WGRAD_NP 6
#else
#define WGRAD_NP 2
#endif
#define WGRAD_NF 4

/* Weight-gradient shape: NF channels x NP output pixels (offsets pix into
   one input plane) of image n, vectors along the kernel's rows (stride 1 in
   `in` and `w`), summed across the lanes at the end. */
ALWAYS_INLINE void wgrad_tile(const conv_t *p, int64_t n, int64_t f0,
                              const int64_t *pix, float *const *dst,
                              const int NF, const int NP) {
  f8 acc[WGRAD_NF][WGRAD_NP];
  for (int f = 0; f < NF; ++f)
    for (int q = 0; q < NP; ++q)
      acc[f][q] = (f8){0};
  int64_t kv = p->kw / 8 * 8;
  const float *in = p->in + n * p->in0, *w = p->w + f0 * p->w0;
  for (int64_t c = 0; c < p->c; ++c) {
    for (int64_t i = 0; i < p->kh; ++i) {
      const float *row = in + c * p->in1 + i * p->dh * p->in2;
      const float *wr = w + c * p->w1 + i * p->w2;
      for (int64_t j = 0; j < kv; j += 8) {
        f8 v[WGRAD_NP];
        for (int q = 0; q < NP; ++q)
          v[q] = *(const f8u *)(row + pix[q] + j);
        for (int f = 0; f < NF; ++f) {
          f8 s = *(const f8u *)(wr + f * p->w0 + j);
          for (int q = 0; q < NP; ++q)
            acc[f][q] += s * v[q];
        }
      }
    }
  }
  /* The columns past the last whole vector, in a loop of their own (in the
     vector loop's nest, their sums kept the accumulators out of
     registers). */
  float tail[WGRAD_NF][WGRAD_NP] = {{0}};
  for (int64_t c = 0; kv < p->kw && c < p->c; ++c)
    for (int64_t i = 0; i < p->kh; ++i) {
      const float *row = in + c * p->in1 + i * p->dh * p->in2;
      const float *wr = w + c * p->w1 + i * p->w2;
      for (int64_t j = kv; j < p->kw; ++j)
        for (int f = 0; f < NF; ++f)
          for (int q = 0; q < NP; ++q)
            tail[f][q] += wr[f * p->w0 + j] * row[pix[q] + j];
    }
  for (int f = 0; f < NF; ++f) {
    for (int q = 0; q < NP; ++q) {
      f8 a = acc[f][q];
      float sum = ((a[0] + a[4]) + (a[1] + a[5])) +
                  ((a[2] + a[6]) + (a[3] + a[7])) + tail[f][q];
      float *o = dst[q] + (f0 + f) * p->out1;
      *o = p->accumulate ? *o + sum : sum;
    }
  }
}

#ifdef __AVX512F__
/* acc[f][q] += the 16-float vectors at s0 + f w0 (the kernel) times v[q]. */
ALWAYS_INLINE void wgrad16_fmas(const conv_t *p, const float *s0,
                                const f16 *v, f16 (*acc)[WGRAD_NP],
                                const int NF, const int NP) {
  for (int f = 0; f < NF; ++f) {
    f16 s = *(const f16u *)(s0 + f * p->w0);
    for (int q = 0; q < NP; ++q)
      acc[f][q] += s * v[q];
  }
}

/* acc[f][q] += the 16-float vectors at s0 + f w0 (the kernel) times those
   at r + pixel q (the image). PLAIN: the NP pixels follow each other in
   the image (pix[0] + q: constant displacements; with NP + NF pointers GCC
   ran out of registers and reloaded them from the stack at every step). */
ALWAYS_INLINE void wgrad16_fma(const conv_t *p, const float *r,
                               const float *s0, const int64_t *pix,
                               f16 (*acc)[WGRAD_NP], const int NF,
                               const int NP, const int PLAIN) {
  f16 v[WGRAD_NP];
  for (int q = 0; q < NP; ++q)
    v[q] = *(const f16u *)(r + (PLAIN ? pix[0] + q : pix[q]));
  wgrad16_fmas(p, s0, v, acc, NF, NP);
}

/* Lanes o..o+15 of the 32 floats a, b (o < 16). */
ALWAYS_INLINE f16 lanes_at(f16 a, f16 b, const int o) {
  __m512i idx = _mm512_setr_epi32(o, o + 1, o + 2, o + 3, o + 4, o + 5, o + 6,
                                  o + 7, o + 8, o + 9, o + 10, o + 11, o + 12,
                                  o + 13, o + 14, o + 15);
  return (f16)_mm512_permutex2var_ps((__m512)a, idx, (__m512)b);
}

/* Lanes q..q+7 of a, then lanes q..q+7 of b (q < 9): two 8-float rows. */
ALWAYS_INLINE f16 pair8_at(f16 a, f16 b, const int q) {
  __m512i idx = _mm512_setr_epi32(q, q + 1, q + 2, q + 3, q + 4, q + 5, q + 6,
                                  q + 7, q + 16, q + 17, q + 18, q + 19,
                                  q + 20, q + 21, q + 22, q + 23);
  return (f16)_mm512_permutex2var_ps((__m512)a, idx, (__m512)b);
}

/* wgrad16_fma for NP pixels that follow each other, its image vectors
   permutes of the 16 floats at r and at r + 16 (o: the offset of pixel
   0's vector in them). */
ALWAYS_INLINE void wgrad16_fma_span(const conv_t *p, const float *r,
                                    const float *s0, f16 (*acc)[WGRAD_NP],
                                    const int NF, const int NP, const int o) {
  f16 a = *(const f16u *)r, b = *(const f16u *)(r + 16), v[WGRAD_NP];
  for (int q = 0; q < NP; ++q)
    v[q] = lanes_at(a, b, o + q);
  wgrad16_fmas(p, s0, v, acc, NF, NP);
}

/* One step of wgrad_tile16: kernel rows i and i + 1 (i alone when last),
   kw = 16 m + 8 columns, as 2 m + 1 vectors: row i's m whole vectors, its
   last 8 columns and row i + 1's first 8, then row i + 1's m whole vectors
   from column 8. PLAIN: also the kernel's rows follow each other (w2 =
   kw), so that every kernel vector is one load (no insert). NARROW: kw =
   8 (m = 0 known: the loops over m slowed LeNet's 8-column one by 20 %).
   SPAN (with PLAIN): the image rows are loaded 16 floats at a time from
   pixel 0's column, each pixel's vectors permutes of two of them (2 m + 2
   loads a row pair instead of NP (2 m + 2), no inserts: unaligned 16-float
   loads cross a cache line and cost two); the loads reach kw + 8 floats
   from pixel 0, 9 - NP past the last pixel's. */
ALWAYS_INLINE void wgrad16_step(const conv_t *p, const float *row,
                                const float *wr, int64_t step,
                                const int64_t *pix, f16 (*acc)[WGRAD_NP],
                                const int NF, const int NP, const int PLAIN,
                                const int NARROW, const int SPAN,
                                const int last) {
  int64_t m = NARROW ? 0 : p->kw / 16;
  const float *r0 = row + pix[0], *r1 = r0 + step;
  for (int64_t k = 0; k < 16 * m; k += 16) {
    if (SPAN)
      wgrad16_fma_span(p, r0 + k, wr + k, acc, NF, NP, 0);
    else
      wgrad16_fma(p, row + k, wr + k, pix, acc, NF, NP, PLAIN);
  }
  f16 v[WGRAD_NP];
  if (SPAN) {
    f16 a = *(const f16u *)(r0 + 16 * m),
        b = last ? (f16){0} : *(const f16u *)r1;
    for (int q = 0; q < NP; ++q)
      v[q] = pair8_at(a, b, q);
  }
  for (int q = 0; !SPAN && q < NP; ++q) {
    const float *r = row + (PLAIN ? pix[0] + q : pix[q]);
    v[q] = pair8(r + 16 * m, r + step, last);
  }
  for (int f = 0; f < NF; ++f) {
    const float *s0 = wr + f * p->w0;
    f16 s = PLAIN && !last ? *(const f16u *)(s0 + 16 * m)
                           : pair8(s0 + 16 * m, s0 + p->w2, last);
    for (int q = 0; q < NP; ++q)
      acc[f][q] += s * v[q];
  }
  for (int64_t k = 0; !last && k < 16 * m; k += 16) {
    if (SPAN)
      wgrad16_fma_span(p, r1 + k, wr + p->w2 + 8 + k, acc, NF, NP, 8);
    else
      wgrad16_fma(p, row + step + 8 + k, wr + p->w2 + 8 + k, pix, acc, NF, NP,
                  PLAIN);
  }
}

/* The kernel rows of one channel of wgrad_tile16. */
ALWAYS_INLINE void wgrad16_channel(const conv_t *p, const float *row,
                                   const float *wr, const int64_t *pix,
                                   f16 (*acc)[WGRAD_NP], const int NF,
                                   const int NP, const int PLAIN,
                                   const int NARROW, const int SPAN) {
  int64_t step = p->dh * p->in2, i = 0;
  for (; i + 1 < p->kh; i += 2)
    wgrad16_step(p, row + i * step, wr + i * p->w2, step, pix, acc, NF, NP,
                 PLAIN, NARROW, SPAN, 0);
  if (i < p->kh)
    wgrad16_step(p, row + i * step, wr + i * p->w2, step, pix, acc, NF, NP,
                 PLAIN, NARROW, SPAN, 1);
}

/* wgrad_tile for kernel rows of 8, 24, 40, ... (a cotangent of 8- or
   24-pixel rows: LeNet's) with AVX-512: rows in pairs on 16-float vectors,
   so each multiply-add covers 16 lanes (8-float vectors fed 8). With
   PLAIN, channels [0, spans) take wgrad16_step's SPAN loads (the caller
   checks that they stay inside the input: wgrad_span_channels), the rest
   the others; every multiply-add is the same either way. */
ALWAYS_INLINE void wgrad_tile16(const conv_t *p, int64_t n, int64_t f0,
                                const int64_t *pix, float *const *dst,
                                int64_t spans, const int NF, const int NP,
                                const int PLAIN, const int NARROW) {
  f16 acc[WGRAD_NF][WGRAD_NP];
  for (int f = 0; f < NF; ++f)
    for (int q = 0; q < NP; ++q)
      acc[f][q] = (f16){0};
  const float *in = p->in + n * p->in0, *w = p->w + f0 * p->w0;
  int64_t c = 0;
  for (; PLAIN && c < spans; ++c)
    wgrad16_channel(p, in + c * p->in1, w + c * p->w1, pix, acc, NF, NP, 1,
                    NARROW, 1);
  for (; c < p->c; ++c)
    wgrad16_channel(p, in + c * p->in1, w + c * p->w1, pix, acc, NF, NP,
                    PLAIN, NARROW, 0);
  for (int f = 0; f < NF; ++f) {
    for (int q = 0; q < NP; ++q) {
      __m512d a = _mm512_castps_pd((__m512)acc[f][q]);
      f8 h = (f8)_mm256_castpd_ps(_mm512_castpd512_pd256(a)) +
             (f8)_mm256_castpd_ps(_mm512_extractf64x4_pd(a, 1));
      float sum =
          ((h[0] + h[4]) + (h[1] + h[5])) + ((h[2] + h[6]) + (h[3] + h[7]));
      float *o = dst[q] + (f0 + f) * p->out1;
      *o = p->accumulate ? *o + sum : sum;
    }
  }
}
ALWAYS_INLINE void wgrad_tile16_plain8(const conv_t *p, int64_t n,
                                       int64_t f0, const int64_t *pix,
                                       float *const *dst, int64_t spans,
                                       const int NF, const int NP) {
  wgrad_tile16(p, n, f0, pix, dst, spans, NF, NP, 1, 1);
}
ALWAYS_INLINE void wgrad_tile16_plain(const conv_t *p, int64_t n, int64_t f0,
                                      const int64_t *pix, float *const *dst,
                                      int64_t spans, const int NF,
                                      const int NP) {
  wgrad_tile16(p, n, f0, pix, dst, spans, NF, NP, 1, 0);
}
ALWAYS_INLINE void wgrad_tile16_any(const conv_t *p, int64_t n, int64_t f0,
                                    const int64_t *pix, float *const *dst,
                                    int64_t spans, const int NF,
                                    const int NP) {
  wgrad_tile16(p, n, f0, pix, dst, spans, NF, NP, 0, 0);
}
#endif

#ifdef __AVX512F__
/* The sum of v's 16 lanes, in wgrad_tile16's order. */
ALWAYS_INLINE float sum16(f16 v) {
  __m512d a = _mm512_castps_pd((__m512)v);
  f8 h = (f8)_mm256_castpd_ps(_mm512_castpd512_pd256(a)) +
         (f8)_mm256_castpd_ps(_mm512_extractf64x4_pd(a, 1));
  return ((h[0] + h[4]) + (h[1] + h[5])) + ((h[2] + h[6]) + (h[3] + h[7]));
}

/* wgrad_tile for kernel rows of 9 or more with AVX-512: 16-float vectors
   along the rows, the last one of a row masked to its lanes (a kernel row
   of 11, a weight gradient's 11-pixel cotangent rows, fills 11 lanes of
   one vector). With SPAN, whole vectors are loaded and masked in
   registers (the caller checks that they stay inside both operands);
   otherwise masked loads, with which GCC keeps the accumulators on the
   stack (a store of each at every step: 1.3x slower than the GEMM
   instead of 1.3x faster). */
ALWAYS_INLINE void wgrad_tile16w(const conv_t *p, int64_t n, int64_t f0,
                                 const int64_t *pix, float *const *dst,
                                 const int NF, const int NP, const int SPAN) {
  f16 acc[2 * WGRAD_NF][WGRAD_NP];
  for (int f = 0; f < NF; ++f)
    for (int q = 0; q < NP; ++q)
      acc[f][q] = (f16){0};
  const float *in = p->in + n * p->in0, *w = p->w + f0 * p->w0;
  for (int64_t c = 0; c < p->c; ++c) {
    for (int64_t i = 0; i < p->kh; ++i) {
      const float *row = in + c * p->in1 + i * p->dh * p->in2;
      const float *wr = w + c * p->w1 + i * p->w2;
      for (int64_t j = 0; j < p->kw; j += 16) {
        __mmask16 m = (__mmask16)lanes(0, p->kw - j);
        f16 v[WGRAD_NP];
        for (int q = 0; q < NP; ++q)
          v[q] = SPAN ? ROWS_MASK16(*(const f16u *)(row + pix[q] + j), m)
                      : ROWS_PART16(row + pix[q] + j, m);
        for (int f = 0; f < NF; ++f) {
          f16 s = SPAN ? ROWS_MASK16(*(const f16u *)(wr + f * p->w0 + j), m)
                       : ROWS_PART16(wr + f * p->w0 + j, m);
          for (int q = 0; q < NP; ++q)
            acc[f][q] += s * v[q];
        }
      }
    }
  }
  for (int f = 0; f < NF; ++f) {
    for (int q = 0; q < NP; ++q) {
      float sum = sum16(acc[f][q]);
      float *o = dst[q] + (f0 + f) * p->out1;
      *o = p->accumulate ? *o + sum : sum;
    }
  }
}
#endif

/* X(tile, nf, np) for every tile shape of at most WGRAD_NF x WGRAD_NP. */
#if WGRAD_NP > 2
#define WGRAD_SHAPES_NF(X, tile, nf)                                           \
  X(tile, nf, 1) X(tile, nf, 2) X(tile, nf, 3) X(tile, nf, 4) X(tile, nf, 5)   \
  X(tile, nf, 6)
#else
#define WGRAD_SHAPES_NF(X, tile, nf) X(tile, nf, 1) X(tile, nf, 2)
#endif
#define WGRAD_SHAPES(X, tile)                                                  \
  WGRAD_SHAPES_NF(X, tile, 1)                                                  \
  WGRAD_SHAPES_NF(X, tile, 2)                                                  \
  WGRAD_SHAPES_NF(X, tile, 3) WGRAD_SHAPES_NF(X, tile, 4)
/* Each tile shape of a weight-gradient kernel is a function of its own,
   called from the item's switch (WGRAD_CASE). Inlined into the switch, the
   shapes made functions of up to 480 KB of code (wgrad_item), and GCC's
   time grows faster than the size of a function: the runtime's first
   compile took ~90 s (perf-firstcompile). A call per tile is nothing next
   to a tile's reduction over the images' pixels. */
#define WGRAD_FN(tile, nf, np)                                                 \
  static __attribute__((noinline)) void tile##_##nf##x##np(                    \
      const conv_t *p, int64_t n, int64_t f0, const int64_t *pix,              \
      float *const *dst) {                                                     \
    tile(p, n, f0, pix, dst, nf, np);                                          \
  }
#define WGRAD_CASE(tile, nf, np)                                               \
  case 8 * (nf) + (np):                                                        \
    tile##_##nf##x##np(p, n, f0, pix, dst);                                    \
    break;
/* wgrad_tile16's shapes, which also take `spans`. */
#define WGRAD_FN16(tile, nf, np)                                               \
  static __attribute__((noinline)) void tile##_##nf##x##np(                    \
      const conv_t *p, int64_t n, int64_t f0, const int64_t *pix,              \
      float *const *dst, int64_t spans) {                                      \
    tile(p, n, f0, pix, dst, spans, nf, np);                                   \
  }
#define WGRAD_CASE16(tile, nf, np)                                             \
  case 8 * (nf) + (np):                                                        \
    tile##_##nf##x##np(p, n, f0, pix, dst, spans);                             \
    break;

/* Decodes item `item` of a weight gradient into image n, channels
   [f0, f0 + nf) (blocks of at most maxf) and np pixels of the output
   plane from the q0-th (row-major): their offsets in the image (pix) and
   their rows of the weight gradient (dst). */
static void wgrad_decode(const conv_t *p, int64_t item, int64_t maxf,
                         int64_t *n, int64_t *f0, int64_t *nf, int64_t *np,
                         int64_t *q0, int64_t *pix, float **dst) {
  int64_t pixels = p->oh * p->ow;
  int64_t fblocks = ceildiv(p->f, maxf), pblocks = ceildiv(pixels, WGRAD_NP);
  int64_t rest = item % (fblocks * pblocks);
  *n = item / (fblocks * pblocks);
  *f0 = block_start(p->f, fblocks, rest / pblocks, nf);
  *q0 = block_start(pixels, pblocks, rest % pblocks, np);
  for (int64_t q = 0; q < *np; ++q) {
    int64_t y = (*q0 + q) / p->ow, x = (*q0 + q) % p->ow;
    pix[q] = y * p->sh * p->in2 + x * p->sw * p->in3;
    dst[q] = p->out + *n * p->out0 + y * p->out2 + x * p->out3;
  }
}

#ifdef __AVX512F__
/* How many channels, from the first, of image n read by wgrad_tile16's
   SPAN loads from pixel offset pix0 stay inside the input. */
static int64_t wgrad_span_channels(const conv_t *p, int64_t n, int64_t pix0) {
  int64_t rest = (p->kh - 1) * p->dh * p->in2 + pix0 + p->kw + 8;
  int64_t end = (p->batch - 1 - n) * p->in0 + (p->c - 1) * p->in1 +
                (p->ih - 1) * p->in2 + p->iw;
  if (p->in0 < 0 || p->in1 < 0 || p->in2 < 0 || rest > end)
    return 0;
  return p->in1 == 0 ? p->c : min64(p->c, (end - rest) / p->in1 + 1);
}
#endif

WGRAD_SHAPES(WGRAD_FN, wgrad_tile)
#ifdef __AVX512F__
WGRAD_SHAPES(WGRAD_FN16, wgrad_tile16_plain8)
WGRAD_SHAPES(WGRAD_FN16, wgrad_tile16_plain)
WGRAD_SHAPES(WGRAD_FN16, wgrad_tile16_any)
#endif

/* Item `item` of conv_wgrad: image n, a block of at most WGRAD_NF channels
   and one of at most WGRAD_NP pixels of the output plane (row-major). */
static void wgrad_item(const conv_t *p, int64_t item) {
  int64_t n, f0, nf, np, q0, pix[WGRAD_NP];
  float *dst[WGRAD_NP];
  wgrad_decode(p, item, WGRAD_NF, &n, &f0, &nf, &np, &q0, pix, dst);
#ifdef __AVX512F__
  if (p->kw % 16 == 8) {
    int plain = p->w2 == p->kw;
    for (int64_t q = 1; q < np; ++q)
      plain &= pix[q] == pix[0] + q;
    int64_t spans = plain ? wgrad_span_channels(p, n, pix[0]) : 0;
    if (plain && p->kw == 8) {
      switch (8 * nf + np) { WGRAD_SHAPES(WGRAD_CASE16, wgrad_tile16_plain8) }
      return;
    }
    if (plain) {
      switch (8 * nf + np) { WGRAD_SHAPES(WGRAD_CASE16, wgrad_tile16_plain) }
      return;
    }
    switch (8 * nf + np) { WGRAD_SHAPES(WGRAD_CASE16, wgrad_tile16_any) }
    return;
  }

#endif
  switch (8 * nf + np) { WGRAD_SHAPES(WGRAD_CASE, wgrad_tile) }
}

#ifdef __AVX512F__
/* wgrad_tile16w with whole-vector loads masked in registers (SPAN), or
   masked loads. */
ALWAYS_INLINE void wgrad_tile16w_span(const conv_t *p, int64_t n, int64_t f0,
                                      const int64_t *pix, float *const *dst,
                                      const int NF, const int NP) {
  wgrad_tile16w(p, n, f0, pix, dst, NF, NP, 1);
}
ALWAYS_INLINE void wgrad_tile16w_part(const conv_t *p, int64_t n, int64_t f0,
                                      const int64_t *pix, float *const *dst,
                                      const int NF, const int NP) {
  wgrad_tile16w(p, n, f0, pix, dst, NF, NP, 0);
}
/* wgrad_tile16w's shapes: WGRAD_SHAPES, and up to 8 channels x 3 pixels. */
#define WGRAD16_SHAPES(X, tile)                                                \
  WGRAD_SHAPES(X, tile)                                                        \
  X(tile, 5, 1) X(tile, 5, 2) X(tile, 5, 3) X(tile, 6, 1) X(tile, 6, 2)        \
  X(tile, 6, 3) X(tile, 7, 1) X(tile, 7, 2) X(tile, 7, 3) X(tile, 8, 1)        \
  X(tile, 8, 2) X(tile, 8, 3)
WGRAD16_SHAPES(WGRAD_FN, wgrad_tile16w_span)
WGRAD16_SHAPES(WGRAD_FN, wgrad_tile16w_part)

/* Item `item` of the 16-float weight-gradient kernel (wgrad_tile16w):
   image n, a block of channels and one of pixels of the output plane, at
   most 4 x 6, or 8 x 3 for planes of at most 3 pixels (1-D kernels): 24
   accumulators either way, and with 8 channels each loaded image vector
   feeds 8 multiply-adds instead of 4. */
static void wgrad16_item(const conv_t *p, int64_t item) {
  int64_t n, f0, nf, np, q0, pix[WGRAD_NP];
  float *dst[WGRAD_NP];
  wgrad_decode(p, item, p->oh * p->ow <= 3 ? 2 * WGRAD_NF : WGRAD_NF, &n, &f0,
               &nf, &np, &q0, pix, dst);
  /* Whole vectors when every one stays inside both operands (GCC keeps
     the accumulators in registers only without masked loads). */
  int64_t over = ceildiv(p->kw, 16) * 16 - p->kw, far = 0;
  for (int64_t q = 0; q < np; ++q)
    far = pix[q] > far ? pix[q] : far;
  int64_t last_in = (p->c - 1) * p->in1 + (p->kh - 1) * p->dh * p->in2 +
                    far + p->kw + over;
  int64_t end_in = (p->batch - 1 - n) * p->in0 + (p->c - 1) * p->in1 +
                   (p->ih - 1) * p->in2 + p->iw;
  int64_t last_w = (nf - 1) * p->w0 + (p->c - 1) * p->w1 +
                   (p->kh - 1) * p->w2 + p->kw + over;
  int64_t end_w = (p->f - 1 - f0) * p->w0 + (p->c - 1) * p->w1 +
                  (p->kh - 1) * p->w2 + p->kw;
  if (p->in0 >= 0 && p->in1 >= 0 && p->in2 >= 0 && p->w0 >= 0 &&
      p->w1 >= 0 && p->w2 >= 0 && last_in <= end_in && last_w <= end_w) {
    switch (8 * nf + np) { WGRAD16_SHAPES(WGRAD_CASE, wgrad_tile16w_span) }
    return;
  }
  switch (8 * nf + np) { WGRAD16_SHAPES(WGRAD_CASE, wgrad_tile16w_part) }
}
#endif

#ifdef __AVX512F__
/* Weight gradients whose kernel rows are as long as the input's rows
   (w2 == kw == in2, w3 == in3 == 1, no dilation): the weight gradient of
   a "same"-padded stride-1 convolution, an oh x ow cotangent as the kernel
   over its oh x ow input read with its padding in place (oddconv's dilated
   3x3: 11 x 11). A window's kh x kw taps are then kh kw consecutive
   elements of both operands, from the window's first (in the padding,
   for a window that starts there): 16-float vectors run along them,
   ceil(kh kw / 16) a channel instead of kh ceil(kw / 16) (8 instead of 11
   for 11 x 11, whose rows filled 11 of 16 lanes), each multiply-add masked
   to the lanes whose tap is inside the input and the window (mask3: a lane
   off keeps its sum). */
#define FLAT_MAXV 16
static int wgrad_flat(const conv_t *p) {
  return p->in3 == 1 && p->w3 == 1 && p->dh == 1 && p->dw == 1 &&
         p->w2 == p->kw && p->in2 == p->kw && p->kw > 8 && p->kw % 16 != 0 &&
         p->kh * p->kw <= 16 * FLAT_MAXV && p->oh * p->ow <= p->kh * p->kw &&
         ceildiv(p->kh * p->kw, 16) < p->kh * ceildiv(p->kw, 16) &&
         p->in0 >= 0 && p->in1 >= 0 && p->w0 >= 0 && p->w1 >= 0;
}

/* The lanes of vector v (taps 16 v to 16 v + 15, row-major) of the window
   whose first tap is at row r0, column c0 of the input that are inside it;
   all of m[0, nv). */
static void flat_masks(const conv_t *p, int64_t r0, int64_t c0, int64_t nv,
                       __mmask16 *m) {
  for (int64_t v = 0; v < nv; ++v)
    m[v] = 0;
  int64_t xlo = c0 < 0 ? -c0 : 0, xhi = min64(p->kw, p->iw - c0);
  for (int64_t i = r0 < 0 ? -r0 : 0; i < min64(p->kh, p->ih - r0); ++i) {
    int64_t lo = i * p->kw + xlo, hi = i * p->kw + xhi;
    for (int64_t v = lo / 16; lo < hi && v <= (hi - 1) / 16; ++v)
      m[v] |= (__mmask16)lanes(lo - 16 * v, hi - 16 * v);
  }
}

/* NF channels x NP pixels of image n (windows from offsets base[q] of a
   plane, masks m[q]): with SPAN whole-vector loads (every one inside
   both operands), else masked ones. */
ALWAYS_INLINE void wgrad_flat_tile(const conv_t *p, int64_t n, int64_t f0,
                                   const int64_t *base, float *const *dst,
                                   __mmask16 (*m)[FLAT_MAXV], const int NF,
                                   const int NP, const int SPAN) {
  f16 acc[WGRAD_NF][WGRAD_NP];
  for (int f = 0; f < NF; ++f)
    for (int q = 0; q < NP; ++q)
      acc[f][q] = (f16){0};
  const float *in = p->in + n * p->in0, *w = p->w + f0 * p->w0;
  int64_t nv = ceildiv(p->kh * p->kw, 16);
  __mmask16 wm = (__mmask16)lanes(0, p->kh * p->kw - 16 * (nv - 1));
  for (int64_t c = 0; c < p->c; ++c) {
    const float *row = in + c * p->in1, *wr = w + c * p->w1;
    for (int64_t v = 0; v < nv; ++v) {
      __mmask16 mw = v == nv - 1 ? wm : (__mmask16)0xffff;
      __m512 x[WGRAD_NP];
      for (int q = 0; q < NP; ++q)
        x[q] = SPAN ? _mm512_loadu_ps(row + base[q] + 16 * v)
                    : _mm512_maskz_loadu_ps(m[q][v], row + base[q] + 16 * v);
      /* Each pixel's vector loaded once into a register: GCC would fold
         the load into every multiply-add (NF loads instead of one). */
      for (int q = 0; q < NP; ++q)
        __asm__("" : "+v"(x[q]));
      for (int f = 0; f < NF; ++f) {
        __m512 s = SPAN ? _mm512_loadu_ps(wr + f * p->w0 + 16 * v)
                        : _mm512_maskz_loadu_ps(mw, wr + f * p->w0 + 16 * v);
        for (int q = 0; q < NP; ++q)
          acc[f][q] = (f16)_mm512_mask3_fmadd_ps(s, x[q], (__m512)acc[f][q],
                                                 m[q][v]);
      }
    }
  }
  for (int f = 0; f < NF; ++f) {
    for (int q = 0; q < NP; ++q) {
      float sum = sum16(acc[f][q]);
      float *o = dst[q] + (f0 + f) * p->out1;
      *o = p->accumulate ? *o + sum : sum;
    }
  }
}
ALWAYS_INLINE void wgrad_flat_span(const conv_t *p, int64_t n, int64_t f0,
                                   const int64_t *base, float *const *dst,
                                   __mmask16 (*m)[FLAT_MAXV], const int NF,
                                   const int NP) {
  wgrad_flat_tile(p, n, f0, base, dst, m, NF, NP, 1);
}
ALWAYS_INLINE void wgrad_flat_part(const conv_t *p, int64_t n, int64_t f0,
                                   const int64_t *base, float *const *dst,
                                   __mmask16 (*m)[FLAT_MAXV], const int NF,
                                   const int NP) {
  wgrad_flat_tile(p, n, f0, base, dst, m, NF, NP, 0);
}
#define WGRAD_FN_FLAT(tile, nf, np)                                            \
  static __attribute__((noinline)) void tile##_##nf##x##np(                    \
      const conv_t *p, int64_t n, int64_t f0, const int64_t *base,             \
      float *const *dst, __mmask16(*m)[FLAT_MAXV]) {                           \
    tile(p, n, f0, base, dst, m, nf, np);                                      \
  }
#define WGRAD_CASE_FLAT(tile, nf, np)                                          \
  case 8 * (nf) + (np):                                                        \
    tile##_##nf##x##np(p, n, f0, base, dst, m);                                \
    break;
WGRAD_SHAPES(WGRAD_FN_FLAT, wgrad_flat_span)
WGRAD_SHAPES(WGRAD_FN_FLAT, wgrad_flat_part)

/* Item `item` of the flat weight-gradient kernel: image n, at most 4
   channels x 6 output pixels, as wgrad_item. */
static void wgrad_flat_item(const conv_t *p, int64_t item) {
  int64_t n, f0, nf, np, q0, pix[WGRAD_NP], base[WGRAD_NP];
  float *dst[WGRAD_NP];
  __mmask16 m[WGRAD_NP][FLAT_MAXV];
  wgrad_decode(p, item, WGRAD_NF, &n, &f0, &nf, &np, &q0, pix, dst);
  int64_t nv = ceildiv(p->kh * p->kw, 16), lo = 0, hi = 0;
  for (int64_t q = 0; q < np; ++q) {
    int64_t y = (q0 + q) / p->ow, x = (q0 + q) % p->ow;
    base[q] = pix[q] - p->pt * p->in2 - p->pl;
    flat_masks(p, y * p->sh - p->pt, x * p->sw - p->pl, nv, m[q]);
    lo = base[q] < lo ? base[q] : lo;
    hi = base[q] > hi ? base[q] : hi;
  }
  /* Whole vectors when every one lies inside both operands. */
  int64_t in_first = n * p->in0 + lo;
  int64_t in_last = n * p->in0 + (p->c - 1) * p->in1 + hi + 16 * nv;
  int64_t in_end = (p->batch - 1) * p->in0 + (p->c - 1) * p->in1 +
                   (p->ih - 1) * p->in2 + p->iw;
  int64_t w_last = (f0 + nf - 1) * p->w0 + (p->c - 1) * p->w1 + 16 * nv;
  int64_t w_end = (p->f - 1) * p->w0 + (p->c - 1) * p->w1 + p->kh * p->kw;
  if (in_first >= 0 && in_last <= in_end && w_last <= w_end) {
    switch (8 * nf + np) { WGRAD_SHAPES(WGRAD_CASE_FLAT, wgrad_flat_span) }
    return;
  }
  switch (8 * nf + np) { WGRAD_SHAPES(WGRAD_CASE_FLAT, wgrad_flat_part) }
}

/* The flat rows kernel (f32, AVX-512): a stride-1 convolution whose output
   rows are 9 to 15 pixels long and whose input rows are as far apart as
   the output's (in2 == ow == out2: a "same"-padded convolution, like
   oddconv's dilated 3x3 on 11 x 11, forward and input gradient). Output
   pixel p (row y, column x, p = y ow + x) reads tap (i, j) at p + (i dh -
   pt) ow + j dw - pl of its channel's plane: a constant shift of the
   flattened plane per tap. So 16-float vectors run along the flattened
   output plane, ceil(oh ow / 16) a plane instead of oh (8 instead of 11
   for 11 x 11, whose rows filled 11 of 16 lanes), each tap's vector
   masked to the lanes whose input pixel is inside the input (its row and
   column; columns that wrap to the next row are masked off). The padding
   is read in place. Tiles of FLAT_NV vectors x up to 6 channels; the taps
   outside the channels, so each tap's masks are computed once a tile. */
#define FLAT_NV 4
#define FLAT_MAXK 8
static int rows_flat(const conv_t *p) {
  return p->sh == 1 && p->sw == 1 && p->in3 == 1 && p->out3 == 1 &&
         p->ow > 8 && p->ow < 16 && p->in2 == p->ow && p->out2 == p->ow &&
         p->iw <= p->ow && p->kh <= FLAT_MAXK && p->kw <= FLAT_MAXK &&
         p->in0 >= 0 && p->in1 >= 0 && p->out0 >= 0 && p->out1 >= 0;
}

/* NV vectors from vector v0 of image n's output plane x NF channels from
   f0; rm[v][i] and cm[v][j] the lanes of vector v whose tap row i and tap
   column j are inside the input. With SPAN whole-vector loads (every one
   inside the input), masked in registers, else masked loads. */
ALWAYS_INLINE void flat_tile(const conv_t *p, int64_t n, int64_t v0,
                             int64_t f0, __mmask16 (*rm)[FLAT_MAXK],
                             __mmask16 (*cm)[FLAT_MAXK], const int NV,
                             const int NF, const int SPAN) {
  f16 acc[FLAT_NV][6];
  for (int v = 0; v < NV; ++v)
    for (int f = 0; f < NF; ++f)
      acc[v][f] = (f16){0};
  const float *img = p->in + n * p->in0 + 16 * v0;
  const float *wf = p->w + f0 * p->w0;
  for (int64_t i = 0; i < p->kh; ++i) {
    for (int64_t j = 0; j < p->kw; ++j) {
      __mmask16 m[FLAT_NV], any = 0;
      for (int v = 0; v < NV; ++v)
        any |= m[v] = rm[v][i] & cm[v][j];
      if (!any)
        continue;
      const float *src = img + (i * p->dh - p->pt) * p->in2 + j * p->dw - p->pl;
      const float *wt = wf + i * p->w2 + j * p->w3;
      for (int64_t c = 0; c < p->c; ++c) {
        f16 x[FLAT_NV];
        for (int v = 0; v < NV; ++v) {
          const float *r = src + c * p->in1 + 16 * v;
          x[v] = SPAN ? ROWS_MASK16(*(const f16u *)r, m[v])
                      : ROWS_PART16(r, m[v]);
        }
        for (int f = 0; f < NF; ++f) {
          float s = wt[f * p->w0 + c * p->w1];
          for (int v = 0; v < NV; ++v)
            acc[v][f] += s * x[v];
        }
      }
    }
  }
  int64_t last = p->oh * p->ow - 16 * (v0 + NV - 1);
  for (int f = 0; f < NF; ++f) {
    float *o = p->out + n * p->out0 + (f0 + f) * p->out1 + 16 * v0;
    for (int v = 0; v < NV; ++v)
      rows_store16(o + 16 * v, acc[v][f],
                   v == NV - 1 ? lanes(0, last) : 0xffff, p->accumulate);
  }
}
ALWAYS_INLINE void flat_span(const conv_t *p, int64_t n, int64_t v0,
                             int64_t f0, __mmask16 (*rm)[FLAT_MAXK],
                             __mmask16 (*cm)[FLAT_MAXK], const int NV,
                             const int NF) {
  flat_tile(p, n, v0, f0, rm, cm, NV, NF, 1);
}
ALWAYS_INLINE void flat_part(const conv_t *p, int64_t n, int64_t v0,
                             int64_t f0, __mmask16 (*rm)[FLAT_MAXK],
                             __mmask16 (*cm)[FLAT_MAXK], const int NV,
                             const int NF) {
  flat_tile(p, n, v0, f0, rm, cm, NV, NF, 0);
}
#define FLAT_CASE(tile, nv, nf)                                                \
  case 8 * (nv) + (nf):                                                        \
    tile(p, n, v0, f0, rm, cm, nv, nf);                                        \
    break;
#define FLAT_CASES_NV(tile, nv)                                                \
  FLAT_CASE(tile, nv, 1) FLAT_CASE(tile, nv, 2) FLAT_CASE(tile, nv, 3)         \
  FLAT_CASE(tile, nv, 4) FLAT_CASE(tile, nv, 5) FLAT_CASE(tile, nv, 6)
#define FLAT_CASES(tile)                                                       \
  FLAT_CASES_NV(tile, 1) FLAT_CASES_NV(tile, 2) FLAT_CASES_NV(tile, 3)         \
  FLAT_CASES_NV(tile, 4)

/* The flat rows kernel's blocks of an image's output plane: near-equal
   runs of at most FLAT_NV vectors. */
static int64_t flat_blocks(const conv_t *p) {
  return ceildiv(ceildiv(p->oh * p->ow, 16), FLAT_NV);
}

/* Item `item` of the flat rows kernel: image n, one block of vectors of
   its output plane, all channels in near-equal blocks of at most 6. */
static void rows_flat_item(const conv_t *p, int64_t item) {
  int64_t blocks = flat_blocks(p), n = item / blocks, nv;
  int64_t v0 = block_start(ceildiv(p->oh * p->ow, 16), blocks, item % blocks,
                           &nv);
  __mmask16 rm[FLAT_NV][FLAT_MAXK], cm[FLAT_NV][FLAT_MAXK];
  for (int64_t v = 0; v < nv; ++v) {
    for (int64_t k = 0; k < FLAT_MAXK; ++k)
      rm[v][k] = cm[v][k] = 0;
    for (int64_t l = 0; l < 16; ++l) {
      int64_t q = 16 * (v0 + v) + l, y = q / p->ow, x = q % p->ow;
      if (q >= p->oh * p->ow)
        break;
      for (int64_t i = 0; i < p->kh; ++i) {
        int64_t r = y + i * p->dh - p->pt;
        rm[v][i] |= (__mmask16)(r >= 0 && r < p->ih) << l;
      }
      for (int64_t j = 0; j < p->kw; ++j) {
        int64_t col = x + j * p->dw - p->pl;
        cm[v][j] |= (__mmask16)(col >= 0 && col < p->iw) << l;
      }
    }
  }
  /* Whole vectors when every one the item loads lies inside the input. */
  int64_t first = n * p->in0 + 16 * v0 - p->pt * p->in2 - p->pl;
  int64_t last = n * p->in0 + (p->c - 1) * p->in1 + 16 * (v0 + nv) +
                 ((p->kh - 1) * p->dh - p->pt) * p->in2 +
                 (p->kw - 1) * p->dw - p->pl;
  int64_t end = (p->batch - 1) * p->in0 + (p->c - 1) * p->in1 +
                (p->ih - 1) * p->in2 + p->iw;
  int64_t fblocks = ceildiv(p->f, 6);
  for (int64_t b = 0; b < fblocks; ++b) {
    int64_t nf, f0 = block_start(p->f, fblocks, b, &nf);
    if (first >= 0 && last <= end) {
      switch (8 * nv + nf) { FLAT_CASES(flat_span) }
    } else {
      switch (8 * nv + nf) { FLAT_CASES(flat_part) }
    }
  }
}
#endif

/* Runs item(ctx, i) for i in [0, items) on nth threads, each a contiguous
   run of the items. */
static void run_items(int64_t items, int nth,
                      void (*item)(const void *, int64_t), const void *ctx) {
#ifdef _OPENMP
  if (nth > 1) {
#pragma omp parallel num_threads(nth)
    {
      int64_t tid = omp_get_thread_num(), all = omp_get_num_threads();
      for (int64_t i = items * tid / all; i < items * (tid + 1) / all; ++i)
        item(ctx, i);
    }
    return;
  }
#endif
  (void)nth;
  for (int64_t i = 0; i < items; ++i)
    item(ctx, i);
}

/* A direct convolution's item function (item i of the convolution p). */
typedef void (*conv_item_t)(const conv_t *p, int64_t i);

/* A direct convolution's item function and its arguments, as run_items'
   context. */
typedef struct {
  const conv_t *p;
  conv_item_t item;
} conv_call_t;

static void conv_call(const void *ctx, int64_t i) {
  const conv_call_t *c = ctx;
  c->item(c->p, i);
}

/* Runs items [0, items) of a direct convolution over `nth` threads, each a
   contiguous range. */
static void conv_items(const conv_t *p, conv_item_t item, int64_t items,
                       int nth) {
  conv_call_t c = {p, item};
  run_items(items, nth, conv_call, &c);
}

/* Whether the windows reach outside the input (into its zero padding). */
static int padded(const conv_t *p) {
  return p->pt > 0 || p->pl > 0 ||
         (p->oh - 1) * p->sh + (p->kh - 1) * p->dh - p->pt >= p->ih ||
         (p->ow - 1) * p->sw + (p->kw - 1) * p->dw - p->pl >= p->iw;
}

/* Whether a direct kernel reads this padded input in place: rows of 9 to
   15 pixels (one masked 16-float vector each, the masks also leaving out
   the padding) for at most 16 output channels, and the flat weight-gradient
   kernel (wgrad_flat). The others read a padded copy (pad_image). */
static int pads_in_place(const conv_t *p) {
#ifdef __AVX512F__
  return (p->sw == 1 && p->in3 == 1 && p->out3 == 1 && p->ow > 8 &&
          p->ow < 16 && p->f <= 16) ||
         wgrad_flat(p) || rows_flat(p);
#else
  (void)p;
  return 0;
#endif
}

/* The direct kernel for this convolution, if one fits: the weight
   gradient's kernel for at most 16 output channels when the "kernel" is at
   least as large as the output plane and its rows hold a vector; rows on
   rows of at least 8 contiguous pixels, read with stride 1 or 2 along the
   input row, for at most 16 output channels (with 8-float vectors and
   more channels, the GEMM's packing pays off). Stride 2 costs a shuffle
   and a second load per vector, not the GEMM's element-by-element packing
   of strided im2col runs.
   With AVX-512, rows of 16 or more pixels take 16-float vectors: 4 + 6
   loads per 24 vector FMAs and no packing beat the GEMM (~90 % of the FMA
   peak against ~70 %) for any channel count when the window is larger than
   1x1 (the GEMM packs its im2col rows) and for 1x1 windows up to 64
   channels in and out (with more, the GEMM's plain B is cheap to pack);
   up to 16 channels, rows of 9 to 15 pixels take one masked 16-float
   vector, rows of exactly 8 two rows a vector. A weight gradient with more
   than 16 channels whose GEMM would be narrow (N = batch x output plane up
   to 160: 1-D kernels, few input channels) takes the weight-gradient
   kernel on 16-float vectors (kernel rows of 9 or more): the GEMM packs
   such a B from short runs and fills few of its micro-tiles' columns. So
   do 4 to 16 channels whose kernel rows are whole 16-float vectors
   (grouped4's weight gradient, 32-pixel rows: 1.34 ms -> 0.69 on 8-float
   vectors, perf-grouped3); with fewer channels the loads of the image
   rows, one per multiply-add, bound the tile, and 16-float ones, each
   across two cache lines, were slower (depthwise's: 147 -> 172 µs).
   Returns the kernel's items per image (0: none fits) and sets *item to
   its item function; the items are image-major (item n * per_image + r is
   image n's r-th), so a grouped convolution can enumerate every group's
   items without running them (CONV2D_GROUPED). */
static int64_t conv_plan(const conv_t *p, conv_item_t *item) {
  int64_t row_items = ceildiv(p->oh, ROWS_NY);
  int rows = (p->sw == 1 || p->sw == 2) && p->in3 == 1 && p->out3 == 1;
#ifdef __AVX512F__
  if (wgrad_flat(p)) {
    *item = wgrad_flat_item;
    return ceildiv(p->f, WGRAD_NF) * ceildiv(p->oh * p->ow, WGRAD_NP);
  }
#endif
  if (padded(p)) {
#ifdef __AVX512F__
    if (rows_flat(p)) {
      *item = rows_flat_item;
      return flat_blocks(p);
    }
    if (pads_in_place(p) && p->iw == 8) {
      *item = rows_pad8_item;
      return ceildiv(p->oh, 2 * ROWS_NY);
    }
    if (pads_in_place(p)) {
      *item = rows_item16p;
      return row_items;
    }
#endif
    return 0;
  }
#ifdef __AVX512F__
  int64_t pixels = p->oh * p->ow;
  if ((p->f > 16 ? p->batch * pixels <= 160 : p->f >= 4 && p->kw % 16 == 0) &&
      pixels >= 3 && p->kh * p->kw >= pixels && p->kw > 8 && p->w3 == 1 &&
      p->in3 * p->dw == 1) {
    *item = wgrad16_item;
    return ceildiv(p->f, pixels <= 3 ? 8 : 4) * ceildiv(pixels, WGRAD_NP);
  }
#endif
  if (p->f <= 16 && p->kh * p->kw >= p->oh * p->ow && p->kw >= 8 &&
      p->w3 == 1 && p->in3 * p->dw == 1) {
    *item = wgrad_item;
    return ceildiv(p->f, WGRAD_NF) * ceildiv(p->oh * p->ow, WGRAD_NP);
  }
#ifdef __AVX512F__
  if (rows && p->ow >= 16 &&
      (p->kh * p->kw > 1 || (p->f <= 64 && p->c <= 64))) {
    *item = p->oh == 1   ? (p->sw == 1 ? rows_item16r1 : rows_item16s2r1)
            : p->sw == 1 ? rows_item16
                         : rows_item16s2;
    return row_items;
  }
  if (rows && p->sw == 1 && p->ow > 8 && p->f <= 16) {
    *item = rows_item16p;
    return row_items;
  }
  if (rows && p->sw == 1 && p->ow == 8 && p->f <= 16) {
    *item = rows_pair_item;
    return ceildiv(p->oh, 2 * ROWS_NY);
  }
#endif
  if (rows && p->ow >= 8 && p->f <= 16) {
    *item = p->oh == 1   ? (p->sw == 1 ? rows_item8r1 : rows_item8s2r1)
            : p->sw == 1 ? rows_item8
                         : rows_item8s2;
    return row_items;
  }
  return 0;
}

/* A weight gradient's reduction split in two halves of its channels (the
   model's images), as run_items' context: item i is item i % items of
   half i / items, which writes its sums to part[half]. */
#define WGRAD_HALVES_MAX 4096 /* output elements of the halves' sums */
/* The shortest reduction (channels x kernel taps) split in halves: with
   shorter ones an item's fixed costs (its accumulators' sums and stores,
   twice) outweigh the remote reads (cnn's grad_K2, 32 x 8 x 8: 1 thread
   ~3 % slower split). */
#define WGRAD_HALVES_MIN 8192
typedef struct {
  conv_t half[2];
  conv_item_t item;
  int64_t items;
} wgrad_halves_t;

static void wgrad_halves_call(const void *ctx, int64_t i) {
  const wgrad_halves_t *h = ctx;
  h->item(&h->half[i / h->items], i % h->items);
}

/* Whether item is a weight-gradient kernel's, whose channels are the
   reduction over the model's batch. */
static int wgrad_kernel(conv_item_t item) {
#ifdef __AVX512F__
  if (item == wgrad16_item || item == wgrad_flat_item)
    return 1;
#endif
  return item == wgrad_item;
}

/* Runs the direct kernel for this convolution on nth threads, if one fits
   (conv_plan). A weight gradient (its channels the model's images, the
   cotangent its kernel) sums each half of the images on its own, the
   first half's items first, then adds the two sums: each of two threads
   reads the images the loops and kernels before it gave it (image-major
   contiguous splits). Split by output channel, each thread read half of
   every image, the other core's freshly written cache lines, ~4x slower
   to reach than its own on a VM whose cores talk slowly (cnn's value and
   gradient at 2 threads, perf-cnn2t). The halves do not depend on the
   thread count, so neither do the sums. */
static int conv_direct(const conv_t *p, int nth) {
  conv_item_t item;
  int64_t per_image = conv_plan(p, &item);
  if (per_image == 0)
    return 0;
  int64_t elements = p->batch * p->f * p->oh * p->ow;
  if (!wgrad_kernel(item) || p->c < 16 || elements > WGRAD_HALVES_MAX ||
      p->c * p->kh * p->kw < WGRAD_HALVES_MIN) {
    conv_items(p, item, p->batch * per_image, nth);
    return 1;
  }
  float part[2][WGRAD_HALVES_MAX];
  wgrad_halves_t h = {{*p, *p}, item, p->batch * per_image};
  for (int g = 0; g < 2; ++g) {
    conv_t *q = &h.half[g];
    int64_t c0 = g * (p->c / 2);
    q->c = g == 0 ? p->c / 2 : p->c - p->c / 2;
    q->in += c0 * p->in1;
    q->w += c0 * p->w1;
    q->out = part[g];
    q->out3 = 1;
    q->out2 = p->ow;
    q->out1 = p->oh * p->ow;
    q->out0 = p->f * p->oh * p->ow;
    q->accumulate = 0;
  }
  run_items(2 * h.items, nth, wgrad_halves_call, &h);
  for (int64_t n = 0; n < p->batch; ++n)
    for (int64_t f = 0; f < p->f; ++f)
      for (int64_t y = 0; y < p->oh; ++y)
        for (int64_t x = 0; x < p->ow; ++x) {
          int64_t i = ((n * p->f + f) * p->oh + y) * p->ow + x;
          float *o =
              p->out + n * p->out0 + f * p->out1 + y * p->out2 + x * p->out3;
          float sum = part[0][i] + part[1][i];
          *o = p->accumulate ? *o + sum : sum;
        }
  return 1;
}

/* out[n, f, y, x] (+)= sum over (c, i, j) of
   w[f, c, i, j] * in[n, c, y*sh + i*dh - pt, x*sw + j*dw - pl], where in is
   ih x iw pixels and zero outside them (its padding: pt rows above, pl
   columns to the left, what the windows reach below and to the right);
   every operand with its own four strides (in0..in3 for in's dimensions n,
   c, y, x, and likewise). One GEMM: M = f, N = the (n, y, x) output pixels
   of the whole batch, K = (c, i, j); or a direct kernel. A padded input is
   read in place by the direct kernel of 9- to 15-pixel rows, else copied
   with its padding to the start of the scratch (the lowering sizes it). */
HIDDEN void adjoint_rt_sconv2d(
    int64_t batch, int64_t c, int64_t f, int64_t kh, int64_t kw, int64_t oh,
    int64_t ow, int64_t sh, int64_t sw, int64_t dh, int64_t dw, int64_t ih,
    int64_t iw, int64_t pt, int64_t pl, const float *in, int64_t in0,
    int64_t in1, int64_t in2, int64_t in3, const float *w, int64_t w0,
    int64_t w1, int64_t w2, int64_t w3, float *out, int64_t out0, int64_t out1,
    int64_t out2, int64_t out3, int32_t accumulate, float *scratch) {
  int64_t k = c * kh * kw, n = batch * oh * ow;
  conv_t p = {batch, c,   f,    kh,   kw,   oh,  ow,  sh,   sw,   dh,
              dw,    ih,  iw,   pt,   pl,   in,  in0, in1,  in2,  in3,
              w,     w0,  w1,   w2,   w3,   out, out0, out1, out2, out3,
              accumulate};
  if (padded(&p) && !pads_in_place(&p))
    scratch += pad_image_s(batch, c, oh, ow, kh, kw, sh, sw, dh, dw, &p.ih,
                           &p.iw, &p.pt, &p.pl, &p.in, &p.in0, &p.in1, &p.in2,
                           &p.in3, scratch);
  if (f * n * k > 0 && conv_direct(&p, threads_for(f * n * k)))
    return;
  if (sw > 1 && f * n * k > 0) {
    conv_phases_s(adjoint_rt_sconv2d, batch, c, f, kh, kw, oh, ow, sh, sw, dh,
                  dw, p.ih, p.iw, p.pt, p.pl, p.in, p.in0, p.in1, p.in2,
                  p.in3, w, w0, w1, w2, w3, out, out0, out1, out2, out3,
                  accumulate, scratch);
    return;
  }
  conv_gemm_s(batch, c, f, kh, kw, oh, ow, sh, sw, dh, dw, p.in, p.in0, p.in1,
              p.in2, p.in3, w, w0, w1, w2, w3, out, out0, out1, out2, out3,
              accumulate, scratch);
}

/* adjoint_rt_sconv2d in f64: the GEMM (the direct kernels are f32 only). */
HIDDEN void adjoint_rt_dconv2d(
    int64_t batch, int64_t c, int64_t f, int64_t kh, int64_t kw, int64_t oh,
    int64_t ow, int64_t sh, int64_t sw, int64_t dh, int64_t dw, int64_t ih,
    int64_t iw, int64_t pt, int64_t pl, const double *in, int64_t in0,
    int64_t in1, int64_t in2, int64_t in3, const double *w, int64_t w0,
    int64_t w1, int64_t w2, int64_t w3, double *out, int64_t out0,
    int64_t out1, int64_t out2, int64_t out3, int32_t accumulate,
    double *scratch) {
  if (sw > 1 && batch * c * f * oh * ow * kh * kw > 0) {
    conv_phases_d(adjoint_rt_dconv2d, batch, c, f, kh, kw, oh, ow, sh, sw, dh,
                  dw, ih, iw, pt, pl, in, in0, in1, in2, in3, w, w0, w1, w2,
                  w3, out, out0, out1, out2, out3, accumulate, scratch);
    return;
  }
  scratch += pad_image_d(batch, c, oh, ow, kh, kw, sh, sw, dh, dw, &ih, &iw,
                         &pt, &pl, &in, &in0, &in1, &in2, &in3, scratch);
  conv_gemm_d(batch, c, f, kh, kw, oh, ow, sh, sw, dh, dw, in, in0, in1, in2,
              in3, w, w0, w1, w2, w3, out, out0, out1, out2, out3, accumulate,
              scratch);
}

/* Depthwise convolutions: grouped convolutions whose groups have one input
   and one output channel (depthwise layers; average pooling and its
   gradient, whose kernel is ones). Run as one convolution per group, each
   was a few µs of setup and a GEMM or rows kernel with one channel, the
   groups one after the other and each below the threading threshold
   (oddconv's pooling gradient, 32 groups: 65 µs on one thread at any
   thread count). Here the threads take contiguous runs of the (image,
   channel) planes, and a plane's output rows are vectors of L lanes (16
   floats or 8 doubles with AVX-512) that add the taps in row-major order,
   reading the input in place, what lies outside it (the padding) as
   zeros; column stride 1 as masked loads, 2 as two masked loads whose
   even lanes are shuffled together. Blocks of rows whose taps all read
   rows inside the input (all but a few at the top and bottom) load whole
   vectors and mask the FMAs instead (the padded columns' lanes keep their
   sums): the per-tap mask work made the kernel slower than a per-group
   rows kernel on depthwise's 32 x 32 rows. Other strides and targets take a
   scalar loop in the same order that skips the padding. Each output
   element is summed by one thread, so the results do not depend on the
   thread count. */
typedef struct {
  int64_t kh, kw, oh, ow, sh, sw, dh, dw, ih, iw, pt, pl;
  int64_t x2, x3, w2, w3, y2, y3; /* row and column strides */
  const char *begin, *end;        /* the extent of the whole input */
  int accumulate;
} plane_t;

#ifdef __AVX512F__
/* Output rows a block: independent FMA chains. */
#define DEPTHWISE_NY 4
/* DEPTHWISE_ROWS(T, SFX, L, M, V, ...): depthwise_rows_<SFX>, a plane with
   unit column strides in x and y and column stride 1 or 2; M is the mask
   type, V the vector type, then V's masked load, load, register mask,
   masked store, FMA, masked FMA (lanes off keep the addend), splat, zero
   and two-source permutation, and the even lanes' indices. */
#define DEPTHWISE_ROWS(T, SFX, L, M, V, LOAD, LOADU, MOVZ, STORE, FMA, MFMA,   \
                       SPLAT, ZERO, PERM, EVEN)                                \
  /* The lanes m of the vector at q, zeros elsewhere: with SPAN (q's whole     \
     vector inside the input) a load and a register mask, else a masked        \
     load. GCC 12 cannot tell where a masked load reads, so it keeps every     \
     accumulator of a loop holding one on the stack (see ROWS_PART16). */      \
  ALWAYS_INLINE V depthwise_part_##SFX(M m, const T *q, const int SPAN) {      \
    return SPAN ? MOVZ(m, LOADU(q)) : LOAD(m, q);                              \
  }                                                                            \
  /* Tap row i over rows xr[0..NY) that all lie inside the input, each         \
     vector of which lies inside its extent: whole-vector loads and FMAs       \
     masked to the lanes on[j] whose input column is inside for tap column     \
     j (the others keep their sums), no per-tap mask work. */                  \
  ALWAYS_INLINE void depthwise_taps_##SFX(                                     \
      const plane_t *p, const T *const *xr, const T *w, int64_t i,             \
      const int64_t *c0, const M *on, V *acc, const int SW, const int NY) {    \
    const __m512i even = EVEN;                                                 \
    for (int64_t j = 0; j < p->kw; ++j) {                                      \
      V wv = SPLAT(w[i * p->w2 + j * p->w3]);                                  \
      for (int a = 0; a < NY; ++a) {                                           \
        V v = LOADU(xr[a] + c0[j]);                                            \
        if (SW == 2)                                                           \
          v = PERM(v, even, LOADU(xr[a] + c0[j] + L));                         \
        acc[a] = MFMA(wv, v, acc[a], on[j]);                                   \
      }                                                                        \
    }                                                                          \
  }                                                                            \
  /* Output rows [oy, oy + ny) (ny <= DEPTHWISE_NY) of columns [x0, x0 + n):   \
     tap column j reads from column c0[j], lanes lo[j] (hi[j]: the second      \
     vector at stride 2) of the input rows that lie inside it. */              \
  ALWAYS_INLINE void depthwise_edge_##SFX(                                     \
      const plane_t *p, const T *x, const T *w, T *y, int64_t x0, int64_t oy,  \
      int64_t ny, const int64_t *c0, const M *lo, const M *hi, const M *on,    \
      M out, const int SW, const int SPAN) {                                   \
    const __m512i even = EVEN;                                                 \
    V acc[DEPTHWISE_NY];                                                       \
    for (int a = 0; a < DEPTHWISE_NY; ++a)                                     \
      acc[a] = p->accumulate && a < ny ? LOAD(out, y + (oy + a) * p->y2 + x0)  \
                                       : ZERO();                               \
    for (int64_t i = 0; i < p->kh; ++i) {                                      \
      /* The rows outside the input (or the block) read nothing. */            \
      const T *xr[DEPTHWISE_NY];                                               \
      M in[DEPTHWISE_NY];                                                      \
      int all = 1;                                                             \
      for (int a = 0; a < DEPTHWISE_NY; ++a) {                                 \
        int64_t r = (oy + a) * p->sh + i * p->dh - p->pt;                      \
        int inside = a < ny && r >= 0 && r < p->ih;                            \
        all &= inside;                                                         \
        xr[a] = x + (inside ? r : 0) * p->x2;                                  \
        in[a] = inside ? (M)~0 : 0;                                            \
      }                                                                        \
      if (SPAN && all) {                                                       \
        depthwise_taps_##SFX(p, xr, w, i, c0, on, acc, SW, DEPTHWISE_NY);      \
        continue;                                                              \
      }                                                                        \
      for (int64_t j = 0; j < p->kw; ++j) {                                    \
        V wv = SPLAT(w[i * p->w2 + j * p->w3]);                                \
        for (int a = 0; a < DEPTHWISE_NY; ++a) {                               \
          V v = depthwise_part_##SFX(lo[j] & in[a], xr[a] + c0[j], SPAN);      \
          if (SW == 2)                                                         \
            v = PERM(v, even,                                                  \
                     depthwise_part_##SFX(hi[j] & in[a], xr[a] + c0[j] + L,    \
                                          SPAN));                              \
          acc[a] = FMA(wv, v, acc[a]);                                         \
        }                                                                      \
      }                                                                        \
    }                                                                          \
    for (int a = 0; a < ny; ++a)                                               \
      STORE(y + (oy + a) * p->y2 + x0, out, acc[a]);                           \
  }                                                                            \
  /* Output rows [oy, oy + NY) of columns [x0, x0 + n) whose taps all read     \
     rows inside the input: depthwise_taps' work, its rows addressed from      \
     the block's first (through depthwise_taps' row pointers the kernel        \
     took 231 µs instead of 204 on depthwise's 32 x 32 planes). */             \
  ALWAYS_INLINE void depthwise_inner_##SFX(                                    \
      const plane_t *p, const T *x, const T *w, T *y, int64_t x0, int64_t oy,  \
      const int64_t *c0, const M *on, M out, const int SW, const int NY) {     \
    V acc[NY];                                                                 \
    for (int a = 0; a < NY; ++a)                                               \
      acc[a] = p->accumulate ? LOAD(out, y + (oy + a) * p->y2 + x0) : ZERO();  \
    const __m512i even = EVEN;                                                 \
    const T *xb = x + (oy * p->sh - p->pt) * p->x2;                            \
    int64_t rs = p->sh * p->x2;                                                \
    for (int64_t i = 0; i < p->kh; ++i)                                        \
      for (int64_t j = 0; j < p->kw; ++j) {                                    \
        V wv = SPLAT(w[i * p->w2 + j * p->w3]);                                \
        const T *q = xb + i * p->dh * p->x2 + c0[j];                           \
        for (int a = 0; a < NY; ++a) {                                         \
          V v = LOADU(q + a * rs);                                             \
          if (SW == 2)                                                         \
            v = PERM(v, even, LOADU(q + a * rs + L));                          \
          acc[a] = MFMA(wv, v, acc[a], on[j]);                                 \
        }                                                                      \
      }                                                                        \
    for (int a = 0; a < NY; ++a)                                               \
      STORE(y + (oy + a) * p->y2 + x0, out, acc[a]);                           \
  }                                                                            \
  /* Output columns [x0, x0 + n) of every row: the masks and columns of each   \
     tap column j are the same in every row. The rows whose taps all lie       \
     inside the input (all but the padding's few at the top and bottom)        \
     take depthwise_inner when SPAN. */                                        \
  ALWAYS_INLINE void depthwise_columns_##SFX(const plane_t *p, const T *x,     \
                                             const T *w, T *y, int64_t x0,     \
                                             int64_t n, const int SW,          \
                                             const int SPAN) {                 \
    int64_t c0[p->kw];                                                         \
    M lo[p->kw], hi[p->kw], on[p->kw];                                         \
    for (int64_t j = 0; j < p->kw; ++j) {                                      \
      c0[j] = x0 * SW + j * p->dw - p->pl;                                     \
      /* Stride 2: columns c0, c0 + 2, ..., the even lanes of 2 L. */          \
      int64_t end = min64(SW * (n - 1) + 1, p->iw - c0[j]);                    \
      lo[j] = (M)lanes(-c0[j], end);                                           \
      hi[j] = (M)lanes(-c0[j] - L, end - L);                                   \
      /* Output lane k reads column c0 + SW k (lanes clamps the negative       \
         bound of a c0 > 0 to 0). */                                           \
      on[j] = (M)lanes(ceildiv(-c0[j], SW),                                    \
                       min64(n, ceildiv(p->iw - c0[j], SW)));                  \
    }                                                                          \
    M out = (M)lanes(0, n);                                                    \
    for (int64_t oy = 0; oy < p->oh; oy += DEPTHWISE_NY) {                     \
      int64_t ny = min64(DEPTHWISE_NY, p->oh - oy);                            \
      /* Whether the block's taps all read rows inside the input. */           \
      int64_t r0 = oy * p->sh - p->pt;                                         \
      if (SPAN && ny == DEPTHWISE_NY && r0 >= 0 &&                             \
          r0 + (ny - 1) * p->sh + (p->kh - 1) * p->dh < p->ih)                 \
        depthwise_inner_##SFX(p, x, w, y, x0, oy, c0, on, out, SW,             \
                              DEPTHWISE_NY);                                   \
      else                                                                     \
        depthwise_edge_##SFX(p, x, w, y, x0, oy, ny, c0, lo, hi, on, out, SW,  \
                             SPAN);                                            \
    }                                                                          \
  }                                                                            \
  static void depthwise_rows_##SFX(const plane_t *p, const T *x, const T *w,  \
                                   T *y) {                                     \
    for (int64_t x0 = 0; x0 < p->ow; x0 += L) {                                \
      int64_t n = min64(L, p->ow - x0), c = x0 * p->sw - p->pl;                \
      /* Whether every vector read lies inside the input's extent. */          \
      int span =                                                               \
          (const char *)(x + min64(c, 0)) >= p->begin &&                       \
          (const char *)(x + (p->ih - 1) * p->x2 + c + (p->kw - 1) * p->dw +   \
                         p->sw * L) <= p->end;                                 \
      if (p->sw == 1)                                                          \
        span ? depthwise_columns_##SFX(p, x, w, y, x0, n, 1, 1)                \
             : depthwise_columns_##SFX(p, x, w, y, x0, n, 1, 0);               \
      else                                                                     \
        span ? depthwise_columns_##SFX(p, x, w, y, x0, n, 2, 1)                \
             : depthwise_columns_##SFX(p, x, w, y, x0, n, 2, 0);               \
    }                                                                          \
  }
DEPTHWISE_ROWS(float, s, 16, __mmask16, __m512, _mm512_maskz_loadu_ps,
               _mm512_loadu_ps, _mm512_maskz_mov_ps, _mm512_mask_storeu_ps,
               _mm512_fmadd_ps, _mm512_mask3_fmadd_ps, _mm512_set1_ps,
               _mm512_setzero_ps, _mm512_permutex2var_ps,
               _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22,
                                 24, 26, 28, 30))
DEPTHWISE_ROWS(double, d, 8, __mmask8, __m512d, _mm512_maskz_loadu_pd,
               _mm512_loadu_pd, _mm512_maskz_mov_pd, _mm512_mask_storeu_pd,
               _mm512_fmadd_pd, _mm512_mask3_fmadd_pd, _mm512_set1_pd,
               _mm512_setzero_pd, _mm512_permutex2var_pd,
               _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14))
#endif

#ifdef __AVX512F__
#define DEPTHWISE_VECTOR(SFX)                                                  \
  if (p->x3 == 1 && p->y3 == 1 && (p->sw == 1 || p->sw == 2)) {               \
    depthwise_rows_##SFX(p, x, w, y);                                          \
    return;                                                                    \
  }
#else
#define DEPTHWISE_VECTOR(SFX)
#endif

/* depthwise_plane_<SFX>: one plane, y (+)= the convolution of x with w;
   depthwise_item_<SFX>: plane q of a grouped convolution. */
#define DEPTHWISE(T, SFX)                                                      \
  static void depthwise_plane_##SFX(const plane_t *p, const T *x, const T *w, \
                                    T *y) {                                    \
    DEPTHWISE_VECTOR(SFX)                                                      \
    for (int64_t oy = 0; oy < p->oh; ++oy)                                     \
      for (int64_t ox = 0; ox < p->ow; ++ox) {                                 \
        T *o = y + oy * p->y2 + ox * p->y3;                                    \
        T acc = p->accumulate ? *o : 0;                                        \
        for (int64_t i = 0; i < p->kh; ++i) {                                  \
          int64_t r = oy * p->sh + i * p->dh - p->pt;                          \
          if (r < 0 || r >= p->ih)                                             \
            continue;                                                          \
          for (int64_t j = 0; j < p->kw; ++j) {                                \
            int64_t c = ox * p->sw + j * p->dw - p->pl;                        \
            if (c >= 0 && c < p->iw)                                           \
              acc += w[i * p->w2 + j * p->w3] * x[r * p->x2 + c * p->x3];    \
          }                                                                    \
        }                                                                      \
        *o = acc;                                                              \
      }                                                                        \
  }                                                                            \
                                                                               \
  /* A grouped convolution's operands and plane geometry. */                  \
  typedef struct {                                                             \
    plane_t p;                                                                 \
    int64_t groups, in_g, in0, w_g, out_g, out0;                               \
    const T *in, *w;                                                           \
    T *out;                                                                    \
  } depthwise_t_##SFX;                                                         \
                                                                               \
  /* Plane q: image q / groups, group q % groups. */                           \
  static void depthwise_item_##SFX(const void *ctx, int64_t q) {              \
    const depthwise_t_##SFX *d = ctx;                                          \
    int64_t b = q / d->groups, g = q % d->groups;                              \
    depthwise_plane_##SFX(&d->p, d->in + b * d->in0 + g * d->in_g,             \
                          d->w + g * d->w_g,                                   \
                          d->out + b * d->out0 + g * d->out_g);                \
  }
DEPTHWISE(float, s)
DEPTHWISE(double, d)

/* A grouped convolution whose groups take a direct kernel, as one
   parallel loop over (image, group, item): group 0's convolution, each
   operand's group stride and the kernel (conv_plan). */
typedef struct {
  conv_t p;
  int64_t groups, in_g, w_g, out_g, per_image;
  conv_item_t item;
} grouped_t;

/* Item i: image n, group g, the group's r-th item of image n. Image-major
   like each group's items, so the threads take the same images as in an
   ungrouped convolution; each item runs the group's own convolution, so
   every output is summed as by that group's call alone. */
static void grouped_item(const void *ctx, int64_t i) {
  const grouped_t *d = ctx;
  int64_t per_n = d->groups * d->per_image;
  int64_t g = i % per_n / d->per_image;
  conv_t q = d->p;
  q.in += g * d->in_g;
  q.w += g * d->w_g;
  q.out += g * d->out_g;
  d->item(&q, i / per_n * d->per_image + i % d->per_image);
}

/* Runs adjoint_rt_sconv2d_grouped's groups in one parallel loop if every
   group takes a direct kernel that needs no padded copy (the copy is made
   per group in a scratch sized for one), and returns whether it did. Run
   one after the other, small groups left threads idle: a depthwise
   layer's weight gradient (1-2 items a group) ran on one thread, and
   each group's call forked its own parallel region. */
static int grouped_direct_s(int64_t groups, const conv_t *p, int64_t in_g,
                            int64_t w_g, int64_t out_g) {
  int64_t macs =
      groups * p->f * p->batch * p->oh * p->ow * p->c * p->kh * p->kw;
  if (macs == 0 || (padded(p) && !pads_in_place(p)))
    return 0;
  grouped_t d = {*p, groups, in_g, w_g, out_g, 0, 0};
  d.per_image = conv_plan(p, &d.item);
  if (d.per_image == 0)
    return 0;
  run_items(p->batch * groups * d.per_image, threads_for(macs), grouped_item,
            &d);
  return 1;
}

/* A grouped convolution (conv_2d_ngchw_gfchw): group g convolves in's
   channels [g*c, (g+1)*c) with w's filters [g*f, (g+1)*f) into out's
   channels [g*f, (g+1)*f). in_g, w_g and out_g are the group strides; the
   rest is CONV's (adjoint_rt_sconv2d or _dconv2d), for one group. Groups
   of one input and one output channel take the depthwise kernel (SFX),
   planes over threads, wide rows included (perf-grouped2: its rows inside
   the input skip the per-tap masks). In f32, groups that take a direct
   kernel run as one parallel loop (grouped_direct_s). Other groups run
   one after the other, each on all threads. The
   condition is mirrored by LowerToKernels.cpp's takesDepthwiseKernel (no
   scratch, padding read in place): change them together. */
#define CONV2D_GROUPED(CONV, T, SFX)                                           \
  HIDDEN void CONV##_grouped(                                                  \
      int64_t groups, int64_t batch, int64_t c, int64_t f, int64_t kh,         \
      int64_t kw, int64_t oh, int64_t ow, int64_t sh, int64_t sw, int64_t dh,  \
      int64_t dw, int64_t ih, int64_t iw, int64_t pt, int64_t pl, const T *in, \
      int64_t in_g, int64_t in0, int64_t in1, int64_t in2, int64_t in3,        \
      const T *w, int64_t w_g, int64_t w0, int64_t w1, int64_t w2, int64_t w3, \
      T *out, int64_t out_g, int64_t out0, int64_t out1, int64_t out2,         \
      int64_t out3, int32_t accumulate, T *scratch) {                          \
    if (c == 1 && f == 1) {                                                    \
      const T *last = in + (batch - 1) * in0 + (groups - 1) * in_g +           \
                      (ih - 1) * in2 + (iw - 1) * in3;                         \
      depthwise_t_##SFX d = {{kh, kw, oh, ow, sh, sw, dh, dw, ih, iw, pt, pl,  \
                              in2, in3, w2, w3, out2, out3,                    \
                              (const char *)in, (const char *)(last + 1),      \
                              accumulate},                                     \
                             groups, in_g, in0, w_g, out_g, out0, in, w, out}; \
      run_items(batch * groups, threads_for(batch * groups * oh * ow * kh * kw),\
                depthwise_item_##SFX, &d);                                     \
      return;                                                                  \
    }                                                                          \
    GROUPED_DIRECT_##SFX                                                       \
    for (int64_t g = 0; g < groups; ++g)                                       \
      CONV(batch, c, f, kh, kw, oh, ow, sh, sw, dh, dw, ih, iw, pt, pl,        \
           in + g * in_g, in0, in1, in2, in3, w + g * w_g, w0, w1, w2, w3,     \
           out + g * out_g, out0, out1, out2, out3, accumulate, scratch);      \
  }
#define GROUPED_DIRECT_s                                                       \
  conv_t p = {batch, c,   f,    kh,   kw,   oh,  ow,  sh,   sw,   dh,         \
              dw,    ih,  iw,   pt,   pl,   in,  in0, in1,  in2,  in3,        \
              w,     w0,  w1,   w2,   w3,   out, out0, out1, out2, out3,      \
              accumulate};                                                     \
  if (grouped_direct_s(groups, &p, in_g, w_g, out_g))                          \
    return;
#define GROUPED_DIRECT_d
CONV2D_GROUPED(adjoint_rt_sconv2d, float, s)
CONV2D_GROUPED(adjoint_rt_dconv2d, double, d)

/* The thread count of the parallel loops of compiled code
   (adj-parallelize-loops), the same as the kernels'. */
HIDDEN int32_t adjoint_rt_num_threads(void) {
#ifdef _OPENMP
  return num_threads > 0 ? num_threads : omp_get_max_threads();
#else
  return 1;
#endif
}

/* Max pooling over tiling windows (stride = kernel, no padding): the
   linalg.generic of an adj.max_pool2d or adj.max_pool2d_scatter that
   convert-adj-to-linalg marks for adj-lower-to-kernels. As generated code,
   a loop over the output read each window position at the window's stride
   and LLVM vectorized it with gathers, and the scatter found each input
   position's window by a division (two more gathers per vector). Here
   windows two columns wide (KH x 2 for any KH: 2 x 2, 3 x 2, 1 x 2) are
   read L at a time: two vectors of a row, split into their even and odd
   columns by shuffles; the scatter finds L argmaxes and writes them back
   interleaved. A row's last vector is shifted left to stay inside it
   (windows computed twice, with the same values). Other windows take a
   scalar loop.

   The forward's maximum is arith.maximumf's (from -inf in row-major window
   order: a NaN wins, +0 beats -0). The scatter's argmax is the reference
   evaluator's: the first maximum in row-major window order, or the first
   NaN; it gets `source` + 0 (a -0 becomes +0, as in generated code), the
   other positions, and those no window covers, 0. Threads take contiguous
   runs of (n, c) planes; each element is computed by one thread, so the
   results do not depend on the thread count. Every operand is strided:
   pointer, then the strides of n, c, h, w. */

/* Input elements per thread, at least, for the planes to be split. */
#define POOL_MIN_ELEMENTS (1 << 15)

static int pool_threads(int64_t elements) {
#ifdef _OPENMP
  if (elements < 2 * POOL_MIN_ELEMENTS)
    return 1;
  int nth = num_threads > 0 ? num_threads : omp_get_max_threads();
  return (int)min64(nth, elements / POOL_MIN_ELEMENTS);
#else
  (void)elements;
  return 1;
#endif
}

/* Runs the statements (the planes [first, last) of a pooling call) on
   `nth` threads, each a contiguous run of the planes. */
#ifdef _OPENMP
#define POOL_PLANES(planes, nth, ...)                                          \
  do {                                                                         \
    if ((nth) > 1) {                                                           \
      _Pragma("omp parallel num_threads(nth)") {                              \
        int64_t tid = omp_get_thread_num(), all = omp_get_num_threads();       \
        int64_t first = (planes) * tid / all;                                  \
        int64_t last = (planes) * (tid + 1) / all;                             \
        __VA_ARGS__                                                            \
      }                                                                        \
    } else {                                                                   \
      int64_t first = 0, last = (planes);                                      \
      __VA_ARGS__                                                              \
    }                                                                          \
  } while (0)
#else
#define POOL_PLANES(planes, nth, ...)                                          \
  do {                                                                         \
    (void)(nth);                                                               \
    int64_t first = 0, last = (planes);                                        \
    __VA_ARGS__                                                                \
  } while (0)
#endif

/* A two-source shuffle by constant lanes (see EVEN_ODD); I is the integer
   vector type of x's shape. */
#ifdef __clang__
#define POOL_SHUFFLE(I, x, y, ...) __builtin_shufflevector(x, y, __VA_ARGS__)
#else
#define POOL_SHUFFLE(I, x, y, ...) __builtin_shuffle(x, y, (I){__VA_ARGS__})
#endif
#define POOL_EVEN16 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define POOL_ODD16 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#define POOL_LOW16 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23
#define POOL_HIGH16 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31
#define POOL_EVEN8 0, 2, 4, 6, 8, 10, 12, 14
#define POOL_ODD8 1, 3, 5, 7, 9, 11, 13, 15
#define POOL_LOW8 0, 8, 1, 9, 2, 10, 3, 11
#define POOL_HIGH8 4, 12, 5, 13, 6, 14, 7, 15
#define POOL_EVEN4 0, 2, 4, 6
#define POOL_ODD4 1, 3, 5, 7
#define POOL_LOW4 0, 4, 1, 5
#define POOL_HIGH4 2, 6, 3, 7
#define POOL_EVEN2 0, 2
#define POOL_ODD2 1, 3
#define POOL_LOW2 0, 2
#define POOL_HIGH2 1, 3

/* The vector types of L lanes of T and of I. */
#define POOL_TYPES(T, I, SFX, L)                                               \
  typedef T pool_v_##SFX##L                                                    \
      __attribute__((vector_size(L * sizeof(T)), aligned(sizeof(T))));         \
  typedef I pool_i_##SFX##L __attribute__((vector_size(L * sizeof(T))));

/* pool_max_<SFX><L>, arith.maximumf: a NaN, else the larger; of equal ones
   the AND of their bits (+0 of -0 and +0). With AVX-512DQ one VRANGE (max,
   the sign of the compare: -0 < +0), which returns the number of a number
   and a NaN: the unordered lanes take a + b instead, a NaN. Else seven
   logic and compare operations on the bits. */
#if defined(__AVX512DQ__) && defined(__AVX512VL__)
#define POOL_MAX(T, I, SFX, L, V, CMP, RANGE, ADD)                             \
  ALWAYS_INLINE pool_v_##SFX##L pool_max_##SFX##L(pool_v_##SFX##L a,           \
                                                  pool_v_##SFX##L b) {         \
    V x = (V)a, y = (V)b;                                                      \
    return (pool_v_##SFX##L)ADD(RANGE(x, y, 5), CMP(x, y, _CMP_UNORD_Q), x,    \
                                y);                                            \
  }
#else
#define POOL_MAX(T, I, SFX, L, ...)                                            \
  ALWAYS_INLINE pool_v_##SFX##L pool_max_##SFX##L(pool_v_##SFX##L a,           \
                                                  pool_v_##SFX##L b) {         \
    pool_i_##SFX##L x = (pool_i_##SFX##L)a, y = (pool_i_##SFX##L)b;            \
    pool_i_##SFX##L keep = (a > b) | (a != a);                                 \
    return (pool_v_##SFX##L)((keep & x) | (~keep & y & (x | ~(a == b))));      \
  }
#endif

/* The rows of windows two columns wide, L windows per vector of T (lanes of
   the integer type I): pool_rows_<SFX><L> (the maxima of one row of
   windows, kh input rows at stride xh, into o) and pool_scatter_rows_<SFX>
   <L> (the scatter of the row of windows: `d`'s values into the kh rows of
   o at stride oh_). Both need ow >= L. */
#define POOL_ROWS(T, I, SFX, L)                                                \
  /* The even and odd columns of the L elements at r and the L at r + hx. */  \
  ALWAYS_INLINE void pool_split_##SFX##L(const T *r, int64_t hx,               \
                                         pool_v_##SFX##L *even,                \
                                         pool_v_##SFX##L *odd) {               \
    pool_v_##SFX##L lo = *(const pool_v_##SFX##L *)r,                          \
                    hi = *(const pool_v_##SFX##L *)(r + hx);                   \
    *even = POOL_SHUFFLE(pool_i_##SFX##L, lo, hi, POOL_EVEN##L);               \
    *odd = POOL_SHUFFLE(pool_i_##SFX##L, lo, hi, POOL_ODD##L);                 \
  }                                                                            \
                                                                               \
  /* The maxima of the L windows whose top-left corners are x, x + 2, ...,   \
     x + L - 2, then x + hx, x + hx + 2, ... (hx = L: one row of windows):    \
     the maxima down the kh rows of the 2 L columns, then of their even and  \
     odd columns (one split, not kh; the maximum's order does not change    \
     its value). */                                                            \
  ALWAYS_INLINE pool_v_##SFX##L pool_window_max_##SFX##L(                      \
      const T *x, int64_t hx, int64_t xh, int64_t kh) {                        \
    pool_v_##SFX##L lo = *(const pool_v_##SFX##L *)x,                          \
                    hi = *(const pool_v_##SFX##L *)(x + hx), even, odd;        \
    for (int64_t i = 1; i < kh; ++i) {                                         \
      lo = pool_max_##SFX##L(lo, *(const pool_v_##SFX##L *)(x + i * xh));      \
      hi = pool_max_##SFX##L(hi, *(const pool_v_##SFX##L *)(x + i * xh + hx)); \
    }                                                                          \
    even = POOL_SHUFFLE(pool_i_##SFX##L, lo, hi, POOL_EVEN##L);                \
    odd = POOL_SHUFFLE(pool_i_##SFX##L, lo, hi, POOL_ODD##L);                  \
    return pool_max_##SFX##L(even, odd);                                       \
  }                                                                            \
  ALWAYS_INLINE void pool_rows_##SFX##L(const T *x, int64_t xh, T *o,          \
                                        int64_t ow, int64_t kh) {              \
    for (int64_t c = 0; c < ow; c += L) {                                      \
      c = min64(c, ow - L);                                                    \
      *(pool_v_##SFX##L *)(o + c) =                                            \
          pool_window_max_##SFX##L(x + 2 * c, L, xh, kh);                      \
    }                                                                          \
  }                                                                            \
                                                                               \
  /* Each window's argmax is its first position equal to the maximum, or     \
     the first NaN (then the maximum is a NaN): the scatter of L windows      \
     (those of pool_window_max at x, hx) into the kh rows of o at stride      \
     oh_ and of o + ho, their values value. */                                \
  ALWAYS_INLINE void pool_scatter_##SFX##L(const T *x, int64_t hx, int64_t xh, \
                                           pool_i_##SFX##L value, T *o,        \
                                           int64_t ho, int64_t oh_,            \
                                           int64_t kh) {                       \
    pool_v_##SFX##L best = pool_window_max_##SFX##L(x, hx, xh, kh);            \
    pool_i_##SFX##L seen = {0};                                                \
    for (int64_t i = 0; i < kh; ++i) {                                         \
      pool_v_##SFX##L even, odd;                                               \
      pool_split_##SFX##L(x + i * xh, hx, &even, &odd);                        \
      pool_i_##SFX##L e = (even == best) | (even != even);                     \
      e &= ~seen;                                                              \
      seen |= e;                                                               \
      pool_i_##SFX##L f = (odd == best) | (odd != odd);                        \
      f &= ~seen;                                                              \
      seen |= f;                                                               \
      T *r = o + i * oh_;                                                      \
      *(pool_v_##SFX##L *)r = (pool_v_##SFX##L)POOL_SHUFFLE(                   \
          pool_i_##SFX##L, value & e, value & f, POOL_LOW##L);                 \
      *(pool_v_##SFX##L *)(r + ho) = (pool_v_##SFX##L)POOL_SHUFFLE(            \
          pool_i_##SFX##L, value & e, value & f, POOL_HIGH##L);                \
    }                                                                          \
  }                                                                            \
  ALWAYS_INLINE void pool_scatter_rows_##SFX##L(                               \
      const T *x, int64_t xh, const T *d, T *o, int64_t oh_, int64_t ow,       \
      int64_t kh) {                                                            \
    for (int64_t c = 0; c < ow; c += L) {                                      \
      c = min64(c, ow - L);                                                    \
      pool_i_##SFX##L value =                                                  \
          (pool_i_##SFX##L)(*(const pool_v_##SFX##L *)(d + c) + (T)0);         \
      pool_scatter_##SFX##L(x + 2 * c, L, xh, value, o + 2 * c, L, oh_, kh);   \
    }                                                                          \
  }                                                                            \
                                                                               \
  /* Two rows of L / 2 windows (ow = L / 2: narrow maps, whose rows of        \
     windows alone would fill half a vector): the row at x (values d) in     \
     the low lanes, the next (at x + kh xh, values d + dh) in the high ones. */\
  ALWAYS_INLINE void pool_scatter_pair_##SFX##L(const T *x, int64_t xh,        \
                                                const T *d, int64_t dh, T *o,  \
                                                int64_t oh_, int64_t kh) {     \
    T halves[L];                                                               \
    for (int l = 0; l < L / 2; ++l) {                                          \
      halves[l] = d[l] + (T)0;                                                 \
      halves[L / 2 + l] = d[dh + l] + (T)0;                                    \
    }                                                                          \
    pool_i_##SFX##L value;                                                     \
    __builtin_memcpy(&value, halves, sizeof value);                            \
    pool_scatter_##SFX##L(x, kh * xh, xh, value, o, kh * oh_, oh_, kh);        \
  }

#ifdef __AVX512F__
POOL_TYPES(float, int32_t, s, 16)
POOL_MAX(float, int32_t, s, 16, __m512, _mm512_cmp_ps_mask, _mm512_range_ps,
         _mm512_mask_add_ps)
POOL_ROWS(float, int32_t, s, 16)
POOL_TYPES(double, int64_t, d, 8)
POOL_MAX(double, int64_t, d, 8, __m512d, _mm512_cmp_pd_mask, _mm512_range_pd,
         _mm512_mask_add_pd)
POOL_ROWS(double, int64_t, d, 8)
#endif
POOL_TYPES(float, int32_t, s, 8)
POOL_MAX(float, int32_t, s, 8, __m256, _mm256_cmp_ps_mask, _mm256_range_ps,
         _mm256_mask_add_ps)
POOL_ROWS(float, int32_t, s, 8)
POOL_TYPES(float, int32_t, s, 4)
POOL_MAX(float, int32_t, s, 4, __m128, _mm_cmp_ps_mask, _mm_range_ps,
         _mm_mask_add_ps)
POOL_ROWS(float, int32_t, s, 4)
POOL_TYPES(double, int64_t, d, 4)
POOL_MAX(double, int64_t, d, 4, __m256d, _mm256_cmp_pd_mask, _mm256_range_pd,
         _mm256_mask_add_pd)
POOL_ROWS(double, int64_t, d, 4)
POOL_TYPES(double, int64_t, d, 2)
POOL_MAX(double, int64_t, d, 2, __m128d, _mm_cmp_pd_mask, _mm_range_pd,
         _mm_mask_add_pd)
POOL_ROWS(double, int64_t, d, 2)

/* pool_rows_<SFX> and pool_scatter_rows_<SFX>: a row of windows two
   columns wide in the widest vectors it fills, with AVX-512 also 64 bytes;
   0 if it has fewer windows than the narrowest vector (the scalar loop
   takes it). */
#ifdef __AVX512F__
#define POOL_WIDE(SFX, L, NAME, ...)                                           \
  if (ow >= L) {                                                               \
    NAME##SFX##L(__VA_ARGS__);                                                 \
    return 1;                                                                  \
  }
#define POOL_PAIR(SFX, L, ...)                                                 \
  if (2 * ow == L) {                                                           \
    pool_scatter_pair_##SFX##L(__VA_ARGS__);                                   \
    return 1;                                                                  \
  }
#else
#define POOL_WIDE(...)
#define POOL_PAIR(...)
#endif
#define POOL_DISPATCH(T, SFX, L, M, S)                                         \
  ALWAYS_INLINE int pool_rows_##SFX(const T *x, int64_t xh, T *o, int64_t ow,  \
                                    int64_t kh) {                              \
    POOL_WIDE(SFX, L, pool_rows_, x, xh, o, ow, kh)                            \
    if (ow >= M)                                                               \
      pool_rows_##SFX##M(x, xh, o, ow, kh);                                    \
    else if (ow >= S)                                                          \
      pool_rows_##SFX##S(x, xh, o, ow, kh);                                    \
    return ow >= S;                                                            \
  }                                                                            \
                                                                               \
  ALWAYS_INLINE int pool_scatter_rows_##SFX(const T *x, int64_t xh,            \
                                            const T *d, T *o, int64_t oh_,     \
                                            int64_t ow, int64_t kh) {          \
    POOL_WIDE(SFX, L, pool_scatter_rows_, x, xh, d, o, oh_, ow, kh)            \
    if (ow >= M)                                                               \
      pool_scatter_rows_##SFX##M(x, xh, d, o, oh_, ow, kh);                    \
    else if (ow >= S)                                                          \
      pool_scatter_rows_##SFX##S(x, xh, d, o, oh_, ow, kh);                    \
    return ow >= S;                                                            \
  }                                                                            \
                                                                               \
  /* Two rows of windows at once if ow fills half a vector; 0 if not. */      \
  ALWAYS_INLINE int pool_scatter_pair_##SFX(const T *x, int64_t xh,            \
                                            const T *d, int64_t dh, T *o,      \
                                            int64_t oh_, int64_t ow,           \
                                            int64_t kh) {                      \
    POOL_PAIR(SFX, L, x, xh, d, dh, o, oh_, kh)                                \
    if (2 * ow == M)                                                           \
      pool_scatter_pair_##SFX##M(x, xh, d, dh, o, oh_, kh);                    \
    else if (2 * ow == S)                                                      \
      pool_scatter_pair_##SFX##S(x, xh, d, dh, o, oh_, kh);                    \
    return 2 * ow == M || 2 * ow == S;                                         \
  }
POOL_DISPATCH(float, s, 16, 8, 4)
POOL_DISPATCH(double, d, 8, 4, 2)

/* The entry points for T. */
#define MAX_POOL_KERNELS(T, SFX)                                               \
  /* arith.maximumf, scalar. */                                                \
  ALWAYS_INLINE T pool_max1_##SFX(T a, T b) {                                  \
    int take = a == a && (b != b || b > a || (b == a && __builtin_signbit(a)));\
    return take ? b : a;                                                       \
  }                                                                            \
                                                                               \
  /* One plane: x's rows at stride xh, columns at xw; y's at yh, yw. */        \
  static void max_pool_plane_##SFX(const T *x, int64_t xh, int64_t xw, T *y,   \
                                   int64_t yh, int64_t yw, int64_t oh,         \
                                   int64_t ow, int64_t kh, int64_t kw) {       \
    for (int64_t r = 0; r < oh; ++r) {                                         \
      const T *xr = x + r * kh * xh;                                           \
      T *yr = y + r * yh;                                                      \
      if (kw == 2 && xw == 1 && yw == 1 && pool_rows_##SFX(xr, xh, yr, ow, kh))\
        continue;                                                              \
      for (int64_t c = 0; c < ow; ++c) {                                       \
        T best = -__builtin_inf();                                             \
        for (int64_t i = 0; i < kh; ++i)                                       \
          for (int64_t j = 0; j < kw; ++j)                                     \
            best = pool_max1_##SFX(best, xr[i * xh + (c * kw + j) * xw]);      \
        yr[c * yw] = best;                                                     \
      }                                                                        \
    }                                                                          \
  }                                                                            \
                                                                               \
  HIDDEN void adjoint_rt_##SFX##max_pool2d(                                    \
      int64_t n, int64_t ch, int64_t ih, int64_t iw, int64_t oh, int64_t ow,   \
      int64_t kh, int64_t kw, const T *x, int64_t x0, int64_t x1, int64_t x2,  \
      int64_t x3, T *y, int64_t y0, int64_t y1, int64_t y2, int64_t y3) {      \
    int nth = pool_threads(n * ch * ih * iw);                                  \
    POOL_PLANES(n * ch, nth, {                                                 \
      for (int64_t p = first; p < last; ++p)                                   \
        max_pool_plane_##SFX(x + p / ch * x0 + p % ch * x1, x2, x3,            \
                             y + p / ch * y0 + p % ch * y1, y2, y3, oh, ow,    \
                             kh, kw);                                          \
    });                                                                        \
  }                                                                            \
                                                                               \
  /* One plane of the scatter: o (input-shaped, ih x iw, rows at stride       \
     oh_, columns at ow_) from x and the pooled d (oh x ow windows). */        \
  static void max_pool_scatter_plane_##SFX(                                    \
      const T *x, int64_t xh, int64_t xw, const T *d, int64_t dh, int64_t dw,  \
      T *o, int64_t oh_, int64_t ow_, int64_t ih, int64_t iw, int64_t oh,      \
      int64_t ow, int64_t kh, int64_t kw) {                                    \
    int vector = kw == 2 && xw == 1 && dw == 1 && ow_ == 1;                    \
    for (int64_t r = 0; r < oh; ++r) {                                         \
      const T *xr = x + r * kh * xh, *dr = d + r * dh;                         \
      T *orow = o + r * kh * oh_;                                              \
      int64_t rows = 1;                                                        \
      if (vector && r + 1 < oh &&                                              \
          pool_scatter_pair_##SFX(xr, xh, dr, dh, orow, oh_, ow, kh))          \
        rows = 2;                                                              \
      else if (!vector ||                                                      \
               !pool_scatter_rows_##SFX(xr, xh, dr, orow, oh_, ow, kh)) {      \
        for (int64_t c = 0; c < ow; ++c) {                                     \
          const T *w = xr + c * kw * xw;                                       \
          T best = w[0];                                                       \
          int64_t at = 0;                                                      \
          for (int64_t i = 0; i < kh; ++i)                                     \
            for (int64_t j = 0; j < kw; ++j) {                                 \
              T v = w[i * xh + j * xw];                                        \
              int take = best == best && (v != v || v > best);                 \
              at = take ? i * kw + j : at;                                     \
              best = take ? v : best;                                          \
            }                                                                  \
          T value = dr[c * dw] + (T)0;                                         \
          for (int64_t i = 0; i < kh; ++i)                                     \
            for (int64_t j = 0; j < kw; ++j)                                   \
              orow[i * oh_ + (c * kw + j) * ow_] =                             \
                  i * kw + j == at ? value : (T)0;                             \
        }                                                                      \
      }                                                                        \
      for (int64_t i = 0; i < rows * kh; ++i)                                  \
        for (int64_t c = ow * kw; c < iw; ++c)                                 \
          orow[i * oh_ + c * ow_] = 0;                                         \
      r += rows - 1;                                                           \
    }                                                                          \
    for (int64_t r = oh * kh; r < ih; ++r)                                     \
      for (int64_t c = 0; c < iw; ++c)                                         \
        o[r * oh_ + c * ow_] = 0;                                              \
  }                                                                            \
                                                                               \
  HIDDEN void adjoint_rt_##SFX##max_pool2d_scatter(                            \
      int64_t n, int64_t ch, int64_t ih, int64_t iw, int64_t oh, int64_t ow,   \
      int64_t kh, int64_t kw, const T *x, int64_t x0, int64_t x1, int64_t x2,  \
      int64_t x3, const T *d, int64_t d0, int64_t d1, int64_t d2, int64_t d3,  \
      T *o, int64_t o0, int64_t o1, int64_t o2, int64_t o3) {                  \
    int nth = pool_threads(n * ch * ih * iw);                                  \
    POOL_PLANES(n * ch, nth, {                                                 \
      for (int64_t p = first; p < last; ++p) {                                 \
        int64_t b = p / ch, c = p % ch;                                        \
        max_pool_scatter_plane_##SFX(x + b * x0 + c * x1, x2, x3,              \
                                     d + b * d0 + c * d1, d2, d3,              \
                                     o + b * o0 + c * o1, o2, o3, ih, iw, oh,  \
                                     ow, kh, kw);                              \
      }                                                                        \
    });                                                                        \
  }

MAX_POOL_KERNELS(float, s)
MAX_POOL_KERNELS(double, d)
