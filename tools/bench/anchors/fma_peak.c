// The machine's peak fp32 FMA rate with 256-bit vectors (AVX2), for the
// benchmark's "% of peak" column: each thread runs 10 independent chains of
// vfmadd (enough to cover the FMA latency on 2 pipes); 1 FMA = 16 flops.
//
//   fma_peak THREADS BUDGET_S   -> {"bench": "fma_peak", "threads": .., "gflops": ..}
#include <omp.h>

#include "../bench.h"
#include <immintrin.h>

enum { kIters = 1 << 20, kChains = 10 };

static void kernel(void *ctx) {
  float *sink = ctx;
#pragma omp parallel
  {
    const __m256 m = _mm256_set1_ps(0.9999999f), a = _mm256_set1_ps(1e-7f);
    // Distinct start values, so that the compiler cannot merge the chains.
    const float s0 = 1.0f + omp_get_thread_num();
    __m256 c0 = _mm256_set1_ps(s0), c1 = _mm256_set1_ps(s0 + 1), c2 = _mm256_set1_ps(s0 + 2),
           c3 = _mm256_set1_ps(s0 + 3), c4 = _mm256_set1_ps(s0 + 4), c5 = _mm256_set1_ps(s0 + 5),
           c6 = _mm256_set1_ps(s0 + 6), c7 = _mm256_set1_ps(s0 + 7), c8 = _mm256_set1_ps(s0 + 8),
           c9 = _mm256_set1_ps(s0 + 9);
    for (int i = 0; i < kIters; i++) {
      c0 = _mm256_fmadd_ps(c0, m, a); c1 = _mm256_fmadd_ps(c1, m, a);
      c2 = _mm256_fmadd_ps(c2, m, a); c3 = _mm256_fmadd_ps(c3, m, a);
      c4 = _mm256_fmadd_ps(c4, m, a); c5 = _mm256_fmadd_ps(c5, m, a);
      c6 = _mm256_fmadd_ps(c6, m, a); c7 = _mm256_fmadd_ps(c7, m, a);
      c8 = _mm256_fmadd_ps(c8, m, a); c9 = _mm256_fmadd_ps(c9, m, a);
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
                             _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
    s = _mm256_add_ps(s, _mm256_add_ps(c8, c9));
    float lanes[8];
    _mm256_storeu_ps(lanes, s);
#pragma omp atomic
    *sink += lanes[0];
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: fma_peak THREADS BUDGET_S\n");
    return 2;
  }
  int threads = atoi(argv[1]);
  omp_set_num_threads(threads);
  float sink = 0;
  bench_stats st = bench_measure(kernel, &sink, atof(argv[2]), 10);
  double flops = 16.0 * kChains * kIters * threads;
  // The best sample: the peak is what the core can do when not interrupted.
  printf("{\"bench\": \"fma_peak\", \"threads\": %d, \"gflops\": %.2f, "
         "\"gflops_median\": %.2f, \"runs\": %d, \"sink\": %g}\n",
         threads, flops / st.min_ms / 1e6, flops / st.median_ms / 1e6, st.runs, sink);
  return 0;
}
