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
  return x > y ? x : y;
}

static void zero_or_keep(const gemm_t *g) {
  if (g->accumulate)
    return;
  for (int64_t i = 0; i < g->m; ++i)
    for (int64_t j = 0; j < g->n; ++j)
      g->c[offset(&g->cr, i) + offset(&g->cc, j)] = 0.0f;
}

static void run(gemm_t *g, int nth) {
  /* A narrow C (N under one sliver) fills few of the micro-tile's columns:
     compute its transpose, C^T = B^T A^T, by swapping the operands' roles. */
  if (g->n < NR && g->m > g->n) {
    axis_t ar = g->ar, ac = g->ac, cr = g->cr;
    const float *a = g->a;
    g->a = g->b, g->ar = g->bc, g->ac = g->br;
    g->b = a, g->br = ac, g->bc = ar;
    g->cr = g->cc, g->cc = cr;
    int64_t m = g->m;
    g->m = g->n, g->n = m;
  }
  g->ar = simplify(g->ar);
  g->ac = simplify(g->ac);
  g->br = simplify(g->br);
  g->bc = simplify(g->bc);
  g->cr = simplify(g->cr);
  g->cc = simplify(g->cc);
  if (g->m == 0 || g->n == 0)
    return;
  if (g->k == 0) {
    zero_or_keep(g);
    return;
  }
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
  gemm_t g = {w, in, out,
              plain(w0), (axis_t){kh, kw, w1, w2, w3},
              (axis_t){kh, kw, in1, in2 * dh, in3 * dw},
              (axis_t){oh, ow, in0, in2 * sh, in3 * sw},
              plain(out1), (axis_t){oh, ow, out0, out2, out3},
              f, n, k, accumulate, scratch};
  run(&g, threads_for(f * n * k));
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
