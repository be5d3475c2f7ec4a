// The machine's peak fp32 FMA rate at the widest vectors the compiler
// targets (512-bit with AVX-512, else 256-bit AVX2), for the benchmark's
// "% of peak" column: each thread runs 10 independent chains of vfmadd
// (enough to cover the FMA latency on 2 pipes); 1 FMA = 2 flops per lane.
//
//   fma_peak THREADS BUDGET_S   -> {"bench": "fma_peak", "threads": .., "gflops": ..}
#include <omp.h>

#include "../bench.h"

#ifdef __AVX512F__
enum { kLanes = 16 };
#else
enum { kLanes = 8 };
#endif
typedef float vf __attribute__((vector_size(4 * kLanes)));

enum { kIters = 1 << 20, kChains = 10 };

static void kernel(void *ctx) {
  float *sink = ctx;
#pragma omp parallel
  {
    const vf m = (vf){0} + 0.9999999f, a = (vf){0} + 1e-7f;
    // Distinct start values, so that the compiler cannot merge the chains.
    const float s0 = 1.0f + omp_get_thread_num();
    vf c[kChains];
    for (int j = 0; j < kChains; j++)
      c[j] = (vf){0} + (s0 + j);
    for (int i = 0; i < kIters; i++)
#pragma GCC unroll 10
      for (int j = 0; j < kChains; j++)
        c[j] = c[j] * m + a;  // one vfmadd (GNU C contracts by default)
    vf s = c[0];
    for (int j = 1; j < kChains; j++)
      s += c[j];
#pragma omp atomic
    *sink += s[0];
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
  double flops = 2.0 * kLanes * kChains * kIters * threads;
  // The best sample: the peak is what the core can do when not interrupted.
  printf("{\"bench\": \"fma_peak\", \"threads\": %d, \"gflops\": %.2f, "
         "\"gflops_median\": %.2f, \"runs\": %d, \"sink\": %g}\n",
         threads, flops / st.min_ms / 1e6, flops / st.median_ms / 1e6, st.runs, sink);
  return 0;
}
