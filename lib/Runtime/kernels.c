/*===- kernels.c - The GEMM and convolution runtime of compiled models ----===//
 *
 * Part of the Adjoint project.
 *
 * adjoint-compile compiles this file with the target's `cc -O3 -march=..`
 * and links it into every shared library it produces (lib/Target/
 * NativeCode.cpp); `adj-lower-to-kernels` replaces linalg.matmul,
 * batch_matmul and conv_2d_nchw_fchw by calls to it.
 *
 * One BLIS-style single-precision GEMM serves every caller:
 *
 *   for jc (NC columns of C)
 *     for pc (KC of the reduction, balanced)    B[pc, jc] packed in NR slivers
 *       for ic (up to MCB rows)                 A[ic, pc] packed in MR panels
 *         items (MC rows x one NR sliver) over the threads:
 *           the MR x NR micro-kernel, kc FMAs deep, into C
 *
 * Small products (up to SMALL_MACS multiply-adds) and narrow ones (N up to
 * NR) of plain strided matrices take a direct path instead: A read in
 * place, B in place or one zero-padded panel at a time, the whole
 * reduction of a C tile in registers (dot products for one column).
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
 * workspace (`scratch`, sized by adjoint_rt_sgemm_scratch's formula, which
 * the lowering pass repeats), so a call allocates nothing.
 *
 * GCC vector extensions give 8-float vectors: AVX2 + FMA with
 * -march=haswell or later, two NEON registers on AArch64; 16-float vectors
 * with AVX-512 (the lowering pass sizes the scratch for the wider NR).
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <string.h>
#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

/* The vector width: 16 floats with AVX-512, else 8 (AVX2, two NEON
   registers). A micro-tile is MR rows by two vectors. */
#ifdef __AVX512F__
#define VL 16
#else
#define VL 8
#endif
#define MR 6
#define NR (2 * VL)
#define KC 256
#define MC 96
#define MCB 1536
#define NC 2048
/* Below this many multiply-adds a GEMM runs on the calling thread. */
#define PARALLEL_MIN_MACS (1 << 18)

#define HIDDEN __attribute__((visibility("hidden")))

typedef float v8 __attribute__((vector_size(VL * 4)));
typedef float v8u __attribute__((vector_size(VL * 4), aligned(4)));

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

typedef struct {
  const float *a, *b;
  float *c;
  axis_t ar, ac, br, bc, cr, cc;
  int64_t m, n, k;
  int accumulate;
  float *scratch;
} gemm_t;

static int64_t min64(int64_t x, int64_t y) { return x < y ? x : y; }
static int64_t ceildiv(int64_t x, int64_t y) { return (x + y - 1) / y; }

static int num_threads = 0; /* 0: OpenMP's default (OMP_NUM_THREADS) */

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

/* Packs rows [i0, i0 + MR) x columns [p0, p0 + kc) of A, zero-padded,
   column by column. */
static void pack_a(const gemm_t *g, int64_t i0, int64_t p0, int64_t kc,
                   float *dst) {
  int64_t rows[MR], cols[KC];
  int64_t mr = min64(MR, g->m - i0);
  offsets(&g->ar, i0, mr, rows);
  offsets(&g->ac, p0, kc, cols);
  for (int64_t p = 0; p < kc; ++p) {
    const float *col = g->a + cols[p];
    int64_t i = 0;
    for (; i < mr; ++i)
      dst[p * MR + i] = col[rows[i]];
    for (; i < MR; ++i)
      dst[p * MR + i] = 0.0f;
  }
}

/* Packs rows [p0, p0 + kc) x columns [j0, j0 + NR) of B, zero-padded,
   row by row. */
static void pack_b(const gemm_t *g, int64_t p0, int64_t kc, int64_t j0,
                   float *dst) {
  int64_t nr = min64(NR, g->n - j0);
  int64_t rows[KC], cols[NR];
  offsets(&g->br, p0, kc, rows);
  offsets(&g->bc, j0, nr, cols);
  int contiguous = nr == NR;
  for (int64_t j = 1; j < nr; ++j)
    contiguous &= cols[j] == cols[0] + j;
  if (contiguous) {
    for (int64_t p = 0; p < kc; ++p) {
      const float *row = g->b + rows[p] + cols[0];
      *(v8u *)(dst + p * NR) = *(const v8u *)row;
      *(v8u *)(dst + p * NR + VL) = *(const v8u *)(row + VL);
    }
    return;
  }
  /* A transposed B (consecutive rows adjacent): read each column's rows in
     order, rather than NR far-apart columns per row (cache-set conflicts). */
  int rows_adjacent = 1;
  for (int64_t p = 1; p < kc; ++p)
    rows_adjacent &= rows[p] == rows[0] + p;
  if (rows_adjacent) {
    for (int64_t j = 0; j < NR; ++j) {
      const float *col = g->b + rows[0] + (j < nr ? cols[j] : 0);
      for (int64_t p = 0; p < kc; ++p)
        dst[p * NR + j] = j < nr ? col[p] : 0.0f;
    }
    return;
  }
  /* Runs of consecutive columns (im2col rows of an image) are copied as
     runs; the padding columns are zero. */
  int64_t starts[NR + 1], runs = 0;
  for (int64_t j = 0; j < nr; ++j)
    if (j == 0 || cols[j] != cols[j - 1] + 1)
      starts[runs++] = j;
  starts[runs] = nr;
  for (int64_t p = 0; p < kc; ++p) {
    const float *row = g->b + rows[p];
    float *out = dst + p * NR;
    for (int64_t r = 0; r < runs; ++r) {
      const float *src = row + cols[starts[r]];
      for (int64_t j = starts[r]; j < starts[r + 1]; ++j)
        out[j] = src[j - starts[r]];
    }
    for (int64_t j = nr; j < NR; ++j)
      out[j] = 0.0f;
  }
}

/* C[i0.., j0..] (+)= the MR x NR product of packed panels a and b. */
static void micro_kernel(const gemm_t *g, int64_t kc, const float *a,
                         const float *b, int64_t i0, int64_t j0, int beta) {
  v8 c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0};
  v8 c30 = {0}, c31 = {0}, c40 = {0}, c41 = {0}, c50 = {0}, c51 = {0};
  for (int64_t p = 0; p < kc; ++p) {
    v8 b0 = *(const v8u *)b, b1 = *(const v8u *)(b + VL);
    c00 += a[0] * b0;
    c01 += a[0] * b1;
    c10 += a[1] * b0;
    c11 += a[1] * b1;
    c20 += a[2] * b0;
    c21 += a[2] * b1;
    c30 += a[3] * b0;
    c31 += a[3] * b1;
    c40 += a[4] * b0;
    c41 += a[4] * b1;
    c50 += a[5] * b0;
    c51 += a[5] * b1;
    a += MR;
    b += NR;
  }
  v8 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                   {c30, c31}, {c40, c41}, {c50, c51}};
  int64_t mr = min64(MR, g->m - i0), nr = min64(NR, g->n - j0);
  int64_t rows[MR], cols[NR];
  offsets(&g->cr, i0, mr, rows);
  offsets(&g->cc, j0, nr, cols);
  int contiguous = nr == NR;
  for (int64_t j = 1; j < nr; ++j)
    contiguous &= cols[j] == cols[0] + j;
  if (contiguous) {
    for (int64_t i = 0; i < mr; ++i) {
      v8u *row = (v8u *)(g->c + rows[i] + cols[0]);
      if (beta) {
        row[0] += acc[i][0];
        row[1] += acc[i][1];
      } else {
        row[0] = acc[i][0];
        row[1] = acc[i][1];
      }
    }
    return;
  }
  float tile[MR][NR];
  memcpy(tile, acc, sizeof(tile));
  for (int64_t j = 0; j < nr; ++j) {
    for (int64_t i = 0; i < mr; ++i) {
      float *c = g->c + rows[i] + cols[j];
      *c = beta ? *c + tile[i][j] : tile[i][j];
    }
  }
}

/* The GEMM as thread `tid` of `nth` sees it; every thread runs the same
   loops and takes its share of each packing and compute step. */
static void gemm_thread(const gemm_t *g, int tid, int nth) {
  int64_t npc = ceildiv(g->k, KC), kcmax = ceildiv(g->k, npc);
  float *packb = g->scratch;
  float *packa = packb + kcmax * min64(ceildiv(g->n, NR) * NR, NC);
  for (int64_t jc = 0; jc < g->n; jc += NC) {
    int64_t nc = min64(NC, g->n - jc), slivers = ceildiv(nc, NR);
    for (int64_t pc = 0; pc < g->k; pc += kcmax) {
      int64_t kc = min64(kcmax, g->k - pc);
      int beta = g->accumulate || pc > 0;
      for (int64_t ic = 0; ic < g->m; ic += MCB) {
        int64_t mcb = min64(MCB, g->m - ic), panels = ceildiv(mcb, MR);
        /* One packing step for A's panels and, first time, B's slivers. */
        int64_t packs = panels + (ic == 0 ? slivers : 0);
        for (int64_t t = tid; t < packs; t += nth) {
          if (t < panels)
            pack_a(g, ic + t * MR, pc, kc, packa + t * MR * kc);
          else
            pack_b(g, pc, kc, jc + (t - panels) * NR,
                   packb + (t - panels) * NR * kc);
        }
#ifdef _OPENMP
        if (nth > 1) {
#pragma omp barrier
        }
#endif
        /* Items: MC-row blocks x slivers, sliver fastest, in contiguous
           ranges per thread so a thread's A block stays in L2. */
        int64_t blocks = ceildiv(mcb, MC), items = blocks * slivers;
        int64_t first = items * tid / nth, last = items * (tid + 1) / nth;
        for (int64_t item = first; item < last; ++item) {
          int64_t block = item / slivers, s = item % slivers;
          int64_t i1 = min64((block + 1) * MC, mcb);
          for (int64_t i = block * MC; i < i1; i += MR)
            micro_kernel(g, kc, packa + i * kc, packb + s * NR * kc, ic + i,
                         jc + s * NR, beta);
        }
#ifdef _OPENMP
        if (nth > 1) {
#pragma omp barrier
        }
#endif
      }
    }
  }
}

/* The direct path, for products too small to repay packing and blocking
   (up to SMALL_MACS multiply-adds: a latency-bound model's every product)
   and for narrow ones (N up to NR, the logits layer and its gradients,
   which would fill a fraction of the micro-tile while A's packing costs as
   much as the product). A is read in place, one broadcast per element; B
   in place when its rows hold whole vectors, else one panel of NR columns
   at a time is copied to the scratch, zero-padded; each C tile takes the
   whole reduction in registers. Threads split the row tiles only. */
#define SMALL_MACS (1 << 16)
/* The rows of a one-vector tile: enough independent FMA chains, few enough
   row addresses to stay in registers. */
#define DIRECT_MR1 8

/* The first n lanes of v (all if n >= VL) to c, or added to it. */
static inline void store_row(float *c, v8 v, int64_t n, int accumulate) {
  if (n >= VL) {
    *(v8u *)c = accumulate ? *(v8u *)c + v : v;
    return;
  }
#if defined(__AVX512F__)
  __mmask16 k = (__mmask16)((1u << n) - 1);
  if (accumulate)
    v += (v8)_mm512_maskz_loadu_ps(k, c);
  _mm512_mask_storeu_ps(c, k, (__m512)v);
#elif defined(__AVX2__)
  __m256i k = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n),
                                 _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  if (accumulate)
    v += (v8)_mm256_maskload_ps(c, k);
  _mm256_maskstore_ps(c, k, (__m256)v);
#else
  for (int64_t j = 0; j < n; ++j)
    c[j] = accumulate ? c[j] + v[j] : v[j];
#endif
}

/* Rows [i0, i0 + R) x columns [j0, j0 + NV * VL) of C (+)= A's rows times
   the panel b (row stride rsb). R and NV are constants at every call, so
   the accumulators are registers. */
static inline __attribute__((always_inline)) void
direct_tile(const gemm_t *g, int R, int NV, int64_t i0, int64_t j0,
            const float *b, int64_t rsb) {
  v8 acc[DIRECT_MR1][2];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < NV; ++v)
      acc[r][v] = (v8){0};
  const float *a = g->a + i0 * g->ar.s0;
  int64_t rsa = g->ar.s0, csa = g->ac.s0, p = 0;
  /* One row has too few chains to hide the FMA latency: the odd p get
     their own accumulators, added last. */
  v8 odd[2] = {{0}, {0}};
  if (R == 1)
    for (; p + 1 < g->k; p += 2, a += 2 * csa, b += 2 * rsb)
      for (int v = 0; v < NV; ++v) {
        acc[0][v] += a[0] * *(const v8u *)(b + v * VL);
        odd[v] += a[csa] * *(const v8u *)(b + rsb + v * VL);
      }
  for (; p < g->k; ++p, a += csa, b += rsb) {
    v8 bv[2];
    for (int v = 0; v < NV; ++v)
      bv[v] = *(const v8u *)(b + v * VL);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
      for (int v = 0; v < NV; ++v)
        acc[r][v] += a[r * rsa] * bv[v];
  }
  if (R == 1)
    for (int v = 0; v < NV; ++v)
      acc[0][v] += odd[v];
  int64_t nr = min64(NV * VL, g->n - j0), rsc = g->cr.s0, csc = g->cc.s0;
  float *c = g->c + i0 * rsc + j0 * csc;
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r, c += rsc) {
    if (csc == 1) {
      for (int v = 0; v < NV; ++v)
        store_row(c + v * VL, acc[r][v], nr - v * VL, g->accumulate);
      continue;
    }
    float row[2 * VL];
    memcpy(row, acc[r], sizeof(v8) * NV);
    for (int64_t j = 0; j < nr; ++j)
      c[j * csc] = g->accumulate ? c[j * csc] + row[j] : row[j];
  }
}

/* The row tile at i0 of height `rows` (up to MR, or DIRECT_MR1 for one
   vector), dispatched to a direct_tile of constant height. */
static inline __attribute__((always_inline)) void
direct_rows(const gemm_t *g, int NV, int64_t i0, int64_t rows, int64_t j0,
            const float *b, int64_t rsb) {
  switch (rows) {
#define ROWS(R)                                                                \
  case R:                                                                      \
    direct_tile(g, R, NV, i0, j0, b, rsb);                                     \
    break;
    ROWS(1) ROWS(2) ROWS(3) ROWS(4) ROWS(5) ROWS(6)
#undef ROWS
  default:
    if (NV == 1)
      switch (rows) {
#define ROWS(R)                                                                \
  case R:                                                                      \
    direct_tile(g, R, 1, i0, j0, b, rsb);                                      \
    break;
        ROWS(7) ROWS(8)
#undef ROWS
      }
  }
}

/* Columns [j0, j0 + NV * VL) of C, the row tiles over `nth` threads. */
static inline __attribute__((always_inline)) void
direct_panel(const gemm_t *g, int NV, int64_t j0, const float *b, int64_t rsb,
             int nth) {
  int64_t height = NV == 2 ? MR : DIRECT_MR1, tiles = ceildiv(g->m, height);
#ifdef _OPENMP
  if (nth > 1) {
#pragma omp parallel for num_threads(nth) schedule(static)
    for (int64_t t = 0; t < tiles; ++t)
      direct_rows(g, NV, t * height, min64(height, g->m - t * height), j0, b,
                  rsb);
    return;
  }
#endif
  (void)nth;
  for (int64_t t = 0; t < tiles; ++t)
    direct_rows(g, NV, t * height, min64(height, g->m - t * height), j0, b,
                rsb);
}

static int direct_fits(const gemm_t *g) {
  const axis_t *axes[] = {&g->ar, &g->ac, &g->br, &g->bc, &g->cr, &g->cc};
  for (int i = 0; i < 6; ++i)
    if (axes[i]->d1 != 1 || axes[i]->d2 != 1)
      return 0;
  return g->m * g->n * g->k <= SMALL_MACS || g->n <= NR;
}

/* The sum of v's lanes, pairwise in a fixed order, four lanes at a time. */
static inline float lanes_sum(v8 v) {
  typedef float v4 __attribute__((vector_size(16)));
  v4 q[VL / 4];
  memcpy(q, &v, sizeof(q));
  for (int w = VL / 8; w > 0; w /= 2)
    for (int l = 0; l < w; ++l)
      q[l] += q[l + w];
  return (q[0][0] + q[0][2]) + (q[0][1] + q[0][3]);
}

/* C[i, j] (+)= the dot product of A's row i and B's column j, VL lanes at a
   time when both are contiguous: one column of C, or few rows with a
   transposed B, where a panel of B would cost more to pack than to use. */
static void direct_dot(const gemm_t *g, int64_t i, int64_t j) {
  const float *a = g->a + i * g->ar.s0, *b = g->b + j * g->bc.s0;
  int64_t csa = g->ac.s0, rsb = g->br.s0, p = 0;
  float sum = 0.0f;
  if (csa == 1 && rsb == 1 && g->k >= VL) {
    v8 acc = {0};
    for (; p + VL <= g->k; p += VL)
      acc += *(const v8u *)(a + p) * *(const v8u *)(b + p);
    sum = lanes_sum(acc);
  }
  for (; p < g->k; ++p)
    sum += a[p * csa] * b[p * rsb];
  float *c = g->c + i * g->cr.s0 + j * g->cc.s0;
  *c = g->accumulate ? *c + sum : sum;
}

typedef int32_t vi __attribute__((vector_size(VL * 4)));

#if VL == 16
#define LANES {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
#else
#define LANES {0, 1, 2, 3, 4, 5, 6, 7}
#endif

/* Halves the lanes per column of two vectors of partial sums into *out,
   x's and y's groups of 2h lanes interleaved: each group's upper h lanes
   are added to its lower h, as lanes_sum does for one column. */
static inline __attribute__((always_inline)) void fold(v8 *out, const v8 *x,
                                                       const v8 *y, int h) {
  const vi lane = LANES;
  vi lo = lane + (((lane & h) != 0) & (VL - h));
  *out = __builtin_shuffle(*x, *y, lo) + __builtin_shuffle(*x, *y, lo + h);
}

/* c with its log2(VL) bits reversed: after the folds of VL vectors,
   lane o holds the sum of vector bit_reversed(o). */
static inline int bit_reversed(int c) {
  int r = 0;
  for (int bit = 1, to = VL / 2; bit < VL; bit *= 2, to /= 2)
    if (c & bit)
      r |= to;
  return r;
}

/* Columns [j, j + VL) of row i, each summed in direct_dot's order (the same
   bits), when A's row and B's columns are contiguous: VL independent FMA
   chains, and the VL horizontal sums done together in log2(VL) rounds of
   folds instead of one column at a time (a backward pass's dz W^T for one
   example: 64 dot products). */
static void direct_dot_block(const gemm_t *g, int64_t i, int64_t j) {
  const float *a = g->a + i * g->ar.s0, *b = g->b + j * g->bc.s0;
  int64_t csb = g->bc.s0, p = 0;
  v8 acc[VL];
#pragma GCC unroll 16
  for (int c = 0; c < VL; ++c)
    acc[c] = (v8){0};
  for (; p + VL <= g->k; p += VL) {
    v8 av = *(const v8u *)(a + p);
#pragma GCC unroll 16
    for (int c = 0; c < VL; ++c)
      acc[c] += av * *(const v8u *)(b + bit_reversed(c) * csb + p);
  }
#pragma GCC unroll 4
  for (int h = VL / 2, vecs = VL; h >= 1; h /= 2, vecs /= 2)
#pragma GCC unroll 8
    for (int v = 0; v < vecs / 2; ++v)
      fold(&acc[v], &acc[2 * v], &acc[2 * v + 1], h);
  float *c = g->c + i * g->cr.s0 + j * g->cc.s0;
  if (p == g->k && g->cc.s0 == 1) {
    store_row(c, acc[0], VL, g->accumulate);
    return;
  }
  for (int o = 0; o < VL; ++o) {
    float sum = acc[0][o];
    for (int64_t q = p; q < g->k; ++q)
      sum += a[q] * b[o * csb + q];
    float *out = c + o * g->cc.s0;
    *out = g->accumulate ? *out + sum : sum;
  }
}

static void direct_dot_row(const gemm_t *g, int64_t i) {
  int64_t j = 0;
  if (g->ac.s0 == 1 && g->br.s0 == 1 && g->k >= VL)
    for (; j + VL <= g->n; j += VL)
      direct_dot_block(g, i, j);
  for (; j < g->n; ++j)
    direct_dot(g, i, j);
}

static void direct_dots(const gemm_t *g, int nth) {
#ifdef _OPENMP
  if (nth > 1) {
#pragma omp parallel for num_threads(nth) schedule(static)
    for (int64_t i = 0; i < g->m; ++i)
      direct_dot_row(g, i);
    return;
  }
#endif
  (void)nth;
  for (int64_t i = 0; i < g->m; ++i)
    direct_dot_row(g, i);
}

static void direct_gemm(const gemm_t *g, int nth) {
  int64_t rsb = g->br.s0, csb = g->bc.s0;
  if (g->n == 1 || (rsb == 1 && csb != 1 && g->ac.s0 == 1 && g->m < MR)) {
    direct_dots(g, nth);
    return;
  }
  for (int64_t j0 = 0; j0 < g->n; j0 += NR) {
    int64_t nr = min64(NR, g->n - j0), width = nr > VL ? NR : VL;
    const float *b = g->b + j0 * csb;
    int64_t stride = rsb;
    if (csb != 1 || nr % VL != 0) {
      /* Column by column when B is transposed (see pack_b). */
      float *dst = g->scratch;
      for (int64_t p = 0; p < g->k; ++p)
        for (int64_t j = nr; j < width; ++j)
          dst[p * width + j] = 0.0f;
      if (rsb == 1)
        for (int64_t j = 0; j < nr; ++j)
          for (int64_t p = 0; p < g->k; ++p)
            dst[p * width + j] = b[p + j * csb];
      else
        for (int64_t p = 0; p < g->k; ++p)
          for (int64_t j = 0; j < nr; ++j)
            dst[p * width + j] = b[p * rsb + j * csb];
      b = dst, stride = width;
    }
    if (width == NR)
      direct_panel(g, 2, j0, b, stride, nth);
    else
      direct_panel(g, 1, j0, b, stride, nth);
  }
}

static int64_t packed_floats(int64_t m, int64_t n, int64_t kc) {
  return kc * (min64(ceildiv(n, NR) * NR, NC) +
               min64(ceildiv(m, MR) * MR, ceildiv(MCB, MR) * MR));
}

/* The floats of scratch a GEMM of this shape needs, either way round (run
   may compute the transpose). */
HIDDEN int64_t adjoint_rt_sgemm_scratch(int64_t m, int64_t n, int64_t k) {
  if (k == 0)
    return 0;
  int64_t kc = ceildiv(k, ceildiv(k, KC));
  int64_t x = packed_floats(m, n, kc), y = packed_floats(n, m, kc);
  x = x > y ? x : y;
  return x > k * NR ? x : k * NR; /* the direct path's B panel */
}

static void zero_or_keep(const gemm_t *g) {
  if (g->accumulate)
    return;
  for (int64_t i = 0; i < g->m; ++i)
    for (int64_t j = 0; j < g->n; ++j)
      g->c[offset(&g->cr, i) + offset(&g->cc, j)] = 0.0f;
}

/* Makes g compute C^T = B^T A^T, the same numbers. */
static void transpose_product(gemm_t *g) {
  axis_t ar = g->ar, ac = g->ac, cr = g->cr;
  const float *a = g->a;
  g->a = g->b, g->ar = g->bc, g->ac = g->br;
  g->b = a, g->br = ac, g->bc = ar;
  g->cr = g->cc, g->cc = cr;
  int64_t m = g->m;
  g->m = g->n, g->n = m;
}

static void run(gemm_t *g, int nth) {
  if (g->m == 0 || g->n == 0)
    return;
  if (g->k == 0) {
    zero_or_keep(g);
    return;
  }
  if (direct_fits(g)) {
    /* One column of C, with A's column contiguous like C's: as one row,
       C^T's columns are whole vectors. */
    if (g->n == 1 && g->ar.s0 == 1 && g->cr.s0 == 1)
      transpose_product(g);
    direct_gemm(g, nth);
    return;
  }
  /* A narrow C (N under one sliver) that the direct path does not take
     (a convolution's) fills few of the micro-tile's columns: compute its
     transpose, C^T = B^T A^T, by swapping the operands' roles. */
  if (g->n < NR && g->m > g->n)
    transpose_product(g);
#ifdef _OPENMP
  if (nth > 1) {
#pragma omp parallel num_threads(nth)
    gemm_thread(g, omp_get_thread_num(), omp_get_num_threads());
    return;
  }
#endif
  gemm_thread(g, 0, 1);
}

/* C[b] (+)= A[b] B[b] for b < batch; element (i, j) of C[b] at
   c + b*sbc + i*rsc + j*csc, and likewise for A (i, p) and B (p, j). */
HIDDEN void adjoint_rt_sgemm(int64_t batch, int64_t m, int64_t n, int64_t k,
                             const float *a, int64_t sba, int64_t rsa,
                             int64_t csa, const float *b, int64_t sbb,
                             int64_t rsb, int64_t csb, float *c, int64_t sbc,
                             int64_t rsc, int64_t csc, int32_t accumulate,
                             float *scratch) {
  int nth = threads_for(m * n * k);
  for (int64_t i = 0; i < batch; ++i) {
    gemm_t g = {a + i * sba, b + i * sbb, c + i * sbc,
                plain(rsa), plain(csa), plain(rsb), plain(csb),
                plain(rsc), plain(csc), m, n, k, accumulate, scratch};
    run(&g, nth);
  }
}

/* Direct convolutions, for the shapes where the GEMM's packing would cost
   more than the multiply-adds it feeds: few output channels (each packed
   im2col element feeds only F of them), or a weight gradient's shape (the
   "kernel" is a whole activation map, the output is a few pixels, so the
   reduction is long and the GEMM's N tiny). Both read the operands in place
   with 8-float vectors (rows of 8 pixels fit LeNet-sized maps on any
   target); each output element is summed by one thread in one fixed order,
   so the results do not depend on the thread count. */
typedef float f8 __attribute__((vector_size(32)));
typedef float f8u __attribute__((vector_size(32), aligned(4)));
/* The output rows of one rows tile: 4 x 6 accumulators fit AVX-512's 32
   registers, 2 x 6 the 16 of AVX2 and NEON. */
#ifdef __AVX512F__
#define ROWS_NY 4
#else
#define ROWS_NY 2
#endif

typedef struct {
  int64_t batch, c, f, kh, kw, oh, ow, sh, sw, dh, dw;
  const float *in;
  int64_t in0, in1, in2, in3;
  const float *w;
  int64_t w0, w1, w2, w3;
  float *out;
  int64_t out0, out1, out2, out3;
  int accumulate;
} conv_t;

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* Rows: NY output rows x NF channels x 8 pixels [x0, x0 + 8) of image n,
   vectors along the output row (stride 1 in `in` and `out`); lanes below
   lane0 belong to the previous tile (the last tile of a row is shifted
   left to stay inside it) and are not stored. */
ALWAYS_INLINE void rows_tile(const conv_t *p, int64_t n, int64_t y, int64_t f0,
                             int64_t x0, int64_t lane0, const int NY,
                             const int NF) {
  f8 acc[ROWS_NY][6];
  for (int yy = 0; yy < NY; ++yy)
    for (int f = 0; f < NF; ++f)
      acc[yy][f] = (f8){0};
  const float *img = p->in + n * p->in0 + y * p->sh * p->in2 + x0;
  const float *wf = p->w + f0 * p->w0;
  for (int64_t c = 0; c < p->c; ++c) {
    for (int64_t i = 0; i < p->kh; ++i) {
      const float *r0 = img + c * p->in1 + i * p->dh * p->in2;
      const float *wr = wf + c * p->w1 + i * p->w2;
      for (int64_t j = 0; j < p->kw; ++j) {
        f8 v[ROWS_NY];
        for (int yy = 0; yy < NY; ++yy)
          v[yy] = *(const f8u *)(r0 + yy * p->sh * p->in2 + j * p->dw);
        for (int f = 0; f < NF; ++f) {
          float s = wr[f * p->w0 + j * p->w3];
          for (int yy = 0; yy < NY; ++yy)
            acc[yy][f] += s * v[yy];
        }
      }
    }
  }
  for (int yy = 0; yy < NY; ++yy) {
    for (int f = 0; f < NF; ++f) {
      float *o =
          p->out + n * p->out0 + (f0 + f) * p->out1 + (y + yy) * p->out2 + x0;
      if (lane0 == 0) {
        if (p->accumulate)
          *(f8u *)o += acc[yy][f];
        else
          *(f8u *)o = acc[yy][f];
        continue;
      }
      float lanes[8];
      memcpy(lanes, &acc[yy][f], sizeof(lanes));
      for (int64_t l = lane0; l < 8; ++l)
        o[l] = p->accumulate ? o[l] + lanes[l] : lanes[l];
    }
  }
}

#define ROWS_CASE(ny, nf)                                                      \
  case 8 * (ny) + (nf):                                                        \
    rows_tile(p, n, y, f0, x0, lane0, ny, nf);                                 \
    break

/* Item `item` of conv_rows: image n, output rows [y, y + ROWS_NY). */
static void rows_item(const conv_t *p, int64_t item) {
  int64_t groups = ceildiv(p->oh, ROWS_NY);
  int64_t n = item / groups, y = item % groups * ROWS_NY;
  int64_t ny = min64(ROWS_NY, p->oh - y);
  for (int64_t f0 = 0; f0 < p->f; f0 += 6) {
    int64_t nf = min64(6, p->f - f0);
    for (int64_t x = 0; x < p->ow; x += 8) {
      int64_t x0 = min64(x, p->ow - 8), lane0 = x - x0;
      switch (8 * ny + nf) {
        ROWS_CASE(1, 1);
        ROWS_CASE(1, 2);
        ROWS_CASE(1, 3);
        ROWS_CASE(1, 4);
        ROWS_CASE(1, 5);
        ROWS_CASE(1, 6);
        ROWS_CASE(2, 1);
        ROWS_CASE(2, 2);
        ROWS_CASE(2, 3);
        ROWS_CASE(2, 4);
        ROWS_CASE(2, 5);
        ROWS_CASE(2, 6);
#if ROWS_NY > 2
        ROWS_CASE(3, 1);
        ROWS_CASE(3, 2);
        ROWS_CASE(3, 3);
        ROWS_CASE(3, 4);
        ROWS_CASE(3, 5);
        ROWS_CASE(3, 6);
        ROWS_CASE(4, 1);
        ROWS_CASE(4, 2);
        ROWS_CASE(4, 3);
        ROWS_CASE(4, 4);
        ROWS_CASE(4, 5);
        ROWS_CASE(4, 6);
#endif
      }
    }
  }
}

/* Weight-gradient shape: NF channels x NP output pixels (offsets pix into
   one input plane) of image n, vectors along the kernel's rows (stride 1 in
   `in` and `w`), summed across the lanes at the end. */
ALWAYS_INLINE void wgrad_tile(const conv_t *p, int64_t n, int64_t f0,
                              const int64_t *pix, float *const *dst,
                              const int NF, const int NP) {
  f8 acc[4][3];
  float tail[4][3];
  for (int f = 0; f < NF; ++f)
    for (int q = 0; q < NP; ++q)
      acc[f][q] = (f8){0}, tail[f][q] = 0.0f;
  int64_t kv = p->kw / 8 * 8;
  for (int64_t c = 0; c < p->c; ++c) {
    for (int64_t i = 0; i < p->kh; ++i) {
      const float *row = p->in + n * p->in0 + c * p->in1 + i * p->dh * p->in2;
      const float *wr = p->w + f0 * p->w0 + c * p->w1 + i * p->w2;
      for (int64_t j = 0; j < kv; j += 8) {
        f8 v[3];
        for (int q = 0; q < NP; ++q)
          v[q] = *(const f8u *)(row + pix[q] + j);
        for (int f = 0; f < NF; ++f) {
          f8 s = *(const f8u *)(wr + f * p->w0 + j);
          for (int q = 0; q < NP; ++q)
            acc[f][q] += s * v[q];
        }
      }
      for (int64_t j = kv; j < p->kw; ++j)
        for (int f = 0; f < NF; ++f)
          for (int q = 0; q < NP; ++q)
            tail[f][q] += wr[f * p->w0 + j] * row[pix[q] + j];
    }
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

#define WGRAD_CASE(nf, np)                                                     \
  case 4 * (nf) + (np):                                                        \
    wgrad_tile(p, n, f0, pix, dst, nf, np);                                    \
    break

/* Item `item` of conv_wgrad: image n, channels [f0, f0 + 4), pixels
   [q0, q0 + 3) of the output plane (row-major). */
static void wgrad_item(const conv_t *p, int64_t item) {
  int64_t fblocks = ceildiv(p->f, 4), pblocks = ceildiv(p->oh * p->ow, 3);
  int64_t n = item / (fblocks * pblocks), rest = item % (fblocks * pblocks);
  int64_t f0 = rest / pblocks * 4, q0 = rest % pblocks * 3;
  int64_t nf = min64(4, p->f - f0), np = min64(3, p->oh * p->ow - q0);
  int64_t pix[3];
  float *dst[3];
  for (int64_t q = 0; q < np; ++q) {
    int64_t y = (q0 + q) / p->ow, x = (q0 + q) % p->ow;
    pix[q] = y * p->sh * p->in2 + x * p->sw * p->in3;
    dst[q] = p->out + n * p->out0 + y * p->out2 + x * p->out3;
  }
  switch (4 * nf + np) {
    WGRAD_CASE(1, 1);
    WGRAD_CASE(1, 2);
    WGRAD_CASE(1, 3);
    WGRAD_CASE(2, 1);
    WGRAD_CASE(2, 2);
    WGRAD_CASE(2, 3);
    WGRAD_CASE(3, 1);
    WGRAD_CASE(3, 2);
    WGRAD_CASE(3, 3);
    WGRAD_CASE(4, 1);
    WGRAD_CASE(4, 2);
    WGRAD_CASE(4, 3);
  }
}

/* Runs items [0, items) of a direct convolution over `nth` threads, each a
   contiguous range. */
static void conv_items(const conv_t *p, void (*item)(const conv_t *, int64_t),
                       int64_t items, int nth) {
#ifdef _OPENMP
  if (nth > 1) {
#pragma omp parallel num_threads(nth)
    {
      int64_t tid = omp_get_thread_num(), all = omp_get_num_threads();
      for (int64_t i = items * tid / all; i < items * (tid + 1) / all; ++i)
        item(p, i);
    }
    return;
  }
#endif
  (void)nth;
  for (int64_t i = 0; i < items; ++i)
    item(p, i);
}

/* The direct kernel for this convolution, if one fits, both for at most 16
   output channels (with more, the GEMM's packing pays off: its micro-kernel
   loads less per multiply-add): rows on rows of at least 8 contiguous
   pixels; the weight gradient's kernel when the "kernel" is at least as
   large as the output plane and its rows hold a vector. */
static int conv_direct(const conv_t *p, int nth) {
  if (p->f > 16)
    return 0;
  if (p->kh * p->kw >= p->oh * p->ow && p->kw >= 8 && p->w3 == 1 &&
      p->in3 * p->dw == 1) {
    int64_t items = p->batch * ceildiv(p->f, 4) * ceildiv(p->oh * p->ow, 3);
    conv_items(p, wgrad_item, items, nth);
    return 1;
  }
  if (p->ow >= 8 && p->sw == 1 && p->in3 == 1 && p->out3 == 1) {
    conv_items(p, rows_item, p->batch * ceildiv(p->oh, ROWS_NY), nth);
    return 1;
  }
  return 0;
}

/* The floats of scratch adjoint_rt_sconv2d needs. */
HIDDEN int64_t adjoint_rt_sconv2d_scratch(int64_t batch, int64_t c, int64_t f,
                                          int64_t kh, int64_t kw, int64_t oh,
                                          int64_t ow) {
  return adjoint_rt_sgemm_scratch(f, batch * oh * ow, c * kh * kw);
}

/* out[n, f, y, x] (+)= sum over (c, i, j) of
   w[f, c, i, j] * in[n, c, y*sh + i*dh, x*sw + j*dw], with the input
   already padded; every operand with its own four strides (in0..in3 for
   in's dimensions n, c, y, x, and likewise). One GEMM: M = f, N = the
   (n, y, x) output pixels of the whole batch, K = (c, i, j). */
HIDDEN void adjoint_rt_sconv2d(
    int64_t batch, int64_t c, int64_t f, int64_t kh, int64_t kw, int64_t oh,
    int64_t ow, int64_t sh, int64_t sw, int64_t dh, int64_t dw,
    const float *in, int64_t in0, int64_t in1, int64_t in2, int64_t in3,
    const float *w, int64_t w0, int64_t w1, int64_t w2, int64_t w3, float *out,
    int64_t out0, int64_t out1, int64_t out2, int64_t out3, int32_t accumulate,
    float *scratch) {
  int64_t k = c * kh * kw, n = batch * oh * ow;
  conv_t direct = {batch, c,  f,  kh,  kw,   oh,   ow,   sh,   sw,
                   dh,    dw, in, in0, in1,  in2,  in3,  w,    w0,
                   w1,    w2, w3, out, out0, out1, out2, out3, accumulate};
  if (f * n * k > 0 && conv_direct(&direct, threads_for(f * n * k)))
    return;
  gemm_t g = {w, in, out,
              plain(w0), (axis_t){kh, kw, w1, w2, w3},
              (axis_t){kh, kw, in1, in2 * dh, in3 * dw},
              (axis_t){oh, ow, in0, in2 * sh, in3 * sw},
              plain(out1), (axis_t){oh, ow, out0, out2, out3},
              f, n, k, accumulate, scratch};
  axis_t *axes[] = {&g.ar, &g.ac, &g.br, &g.bc, &g.cr, &g.cc};
  for (int i = 0; i < 6; ++i)
    *axes[i] = simplify(*axes[i]);
  run(&g, threads_for(f * n * k));
}

/* A grouped convolution (conv_2d_ngchw_gfchw): group g convolves in's
   channels [g*c, (g+1)*c) with w's filters [g*f, (g+1)*f) into out's
   channels [g*f, (g+1)*f). in_g, w_g and out_g are the group strides; the
   rest is adjoint_rt_sconv2d's, for one group. The groups run one after
   the other, each on all threads. */
HIDDEN void adjoint_rt_sconv2d_grouped(
    int64_t groups, int64_t batch, int64_t c, int64_t f, int64_t kh,
    int64_t kw, int64_t oh, int64_t ow, int64_t sh, int64_t sw, int64_t dh,
    int64_t dw, const float *in, int64_t in_g, int64_t in0, int64_t in1,
    int64_t in2, int64_t in3, const float *w, int64_t w_g, int64_t w0,
    int64_t w1, int64_t w2, int64_t w3, float *out, int64_t out_g,
    int64_t out0, int64_t out1, int64_t out2, int64_t out3,
    int32_t accumulate, float *scratch) {
  for (int64_t g = 0; g < groups; ++g)
    adjoint_rt_sconv2d(batch, c, f, kh, kw, oh, ow, sh, sw, dh, dw,
                       in + g * in_g, in0, in1, in2, in3, w + g * w_g, w0, w1,
                       w2, w3, out + g * out_g, out0, out1, out2, out3,
                       accumulate, scratch);
}

/* The thread count of the parallel loops of compiled code
   (adj-parallelize-loops), the same as the kernels'. */
HIDDEN int32_t adjoint_rt_num_threads(void) {
#ifdef _OPENMP
  return num_threads > 0 ? num_threads : omp_get_max_threads();
#else
  return 1;
#endif
}
