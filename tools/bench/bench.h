// Shared by the benchmark's C programs (driver.c and anchors/*.c): timing
// with clock_gettime, a JSON line per measurement, and raw file I/O.
// Python (bench.py) writes inputs as raw little-endian files and reads
// results back, so the C side needs no .npy or JSON parser.
#ifndef ADJOINT_BENCH_H
#define ADJOINT_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline int bench_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

typedef struct {
  double median_ms, min_ms, max_ms;
  int runs;
  long batch;
} bench_stats;

// Times fn(ctx): a warm-up of at least 0.2 s and 2 calls, then samples for
// `budget_s` seconds and at least `min_runs` samples. Calls shorter than
// 20 us are timed in batches (one sample = the mean of `batch` back-to-back
// calls), so that the clock's own cost does not count.
static inline bench_stats bench_measure(void (*fn)(void *), void *ctx, double budget_s,
                                 int min_runs) {
  double t0 = bench_now(), t = t0;
  long calls = 0;
  while (calls < 2 || t - t0 < 0.2) {
    fn(ctx);
    calls++;
    t = bench_now();
  }
  double per_call = (t - t0) / (double)calls;
  long batch = per_call >= 20e-6 ? 1 : (long)(20e-6 / per_call) + 1;
  enum { kMaxSamples = 200000 };
  double *ms = malloc(sizeof(double) * kMaxSamples);
  int n = 0;
  double start = bench_now();
  while (n < kMaxSamples) {
    double s = bench_now();
    for (long i = 0; i < batch; i++) fn(ctx);
    double e = bench_now();
    ms[n++] = (e - s) * 1e3 / (double)batch;
    if (n >= min_runs && e - start > budget_s) break;
  }
  qsort(ms, (size_t)n, sizeof(double), bench_cmp);
  bench_stats st = {n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]),
                    ms[0], ms[n - 1], n, batch};
  free(ms);
  return st;
}

static inline void bench_emit(const char *workload, const char *impl, int threads,
                       const char *phase, bench_stats st) {
  printf("{\"workload\": \"%s\", \"impl\": \"%s\", \"threads\": %d, "
         "\"phase\": \"%s\", \"median_ms\": %.6g, \"min_ms\": %.6g, "
         "\"max_ms\": %.6g, \"runs\": %d, \"batch\": %ld}\n",
         workload, impl, threads, phase, st.median_ms, st.min_ms, st.max_ms,
         st.runs, st.batch);
  fflush(stdout);
}

// Reads exactly `nbytes` from `path` into a new 64-byte aligned buffer.
static inline void *bench_read(const char *path, size_t nbytes) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "error: cannot open %s\n", path);
    return NULL;
  }
  void *p = aligned_alloc(64, (nbytes + 63) / 64 * 64);
  size_t got = fread(p, 1, nbytes, f);
  int extra = fgetc(f) != EOF;
  fclose(f);
  if (got != nbytes || extra) {
    fprintf(stderr, "error: %s does not hold %zu bytes\n", path, nbytes);
    free(p);
    return NULL;
  }
  return p;
}

static inline int bench_write(const char *path, const void *p, size_t nbytes) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(p, 1, nbytes, f) != nbytes) {
    fprintf(stderr, "error: cannot write %s\n", path);
    if (f) fclose(f);
    return 1;
  }
  return fclose(f) != 0;
}

#endif
