// What it costs one thread to use data another thread just wrote: the
// limit of every 2-thread figure (T9), which a parallel loop pays whenever
// it reads what the previous loop's other thread produced. Virtual machines
// differ here from day to day (a build of the same kernels ran cnn's value
// and gradient at 2 threads at 0.60x of its 1-thread time one day and at
// 0.96x the next, when this round trip was ~410 ns), so the benchmark
// records it with its figures.
//
//   handoff  -> {"bench": "handoff", "round_trip_ns": .., "remote_gbs": ..,
//                "local_gbs": ..}
//
// round_trip_ns: one cache line passed to the other thread and back (the
// median over 200 batches of each batch's mean of 1000 round trips).
// remote_gbs / local_gbs: the rate at which thread 1 reads the cache lines
// of a 448 KiB buffer (cnn's largest activation) that thread 0 has just
// written / that thread 1 itself has just read (medians of 200 repetitions).
#include <omp.h>
#include <stdatomic.h>

#include "../bench.h"

enum { kTrips = 1000, kReps = 200, kBytes = 448 * 1024, kLine = 64 };

static _Atomic long flag __attribute__((aligned(kLine)));

static double median(double *x, int n) {
  qsort(x, (size_t)n, sizeof(double), bench_cmp);
  return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

// Reads one float of each cache line (the transfer is a whole line).
static float touch(const float *a) {
  float s = 0;
  for (int i = 0; i < kBytes / 4; i += kLine / 4)
    s += a[i];
  return s;
}

int main(void) {
  float *a = aligned_alloc(kLine, kBytes);
  static double trip[kReps], remote[kReps], local[kReps];
  int pair = 0;
  volatile float sink = 0;
  memset(a, 0, kBytes);
#pragma omp parallel num_threads(2)
  {
    int t = omp_get_thread_num();
    if (omp_get_num_threads() == 2) {
      pair = 1;
      // Ping-pong: thread 0 writes odd values, thread 1 answers with even.
      long i = 0;
      for (int b = 0; b < kReps; b++) {
        double t0 = bench_now();
        for (long end = i + kTrips; i < end; i++) {
          long want = t == 0 ? 2 * i + 2 : 2 * i + 1;
          if (t == 0)
            atomic_store_explicit(&flag, 2 * i + 1, memory_order_release);
          while (atomic_load_explicit(&flag, memory_order_acquire) != want)
            ;
          if (t == 1)
            atomic_store_explicit(&flag, 2 * i + 2, memory_order_release);
        }
        if (t == 0)
          trip[b] = (bench_now() - t0) / kTrips;
      }
      for (int r = 0; r < kReps; r++) {
        if (t == 0)
          for (int i = 0; i < kBytes / 4; i++)
            a[i] += 1.0f;
#pragma omp barrier
        if (t == 1) {
          double s = bench_now();
          sink += touch(a);
          remote[r] = bench_now() - s;
          s = bench_now();
          sink += touch(a);
          local[r] = bench_now() - s;
        }
#pragma omp barrier
      }
    }
  }
  if (!pair) {
    fprintf(stderr, "handoff: OpenMP gave fewer than 2 threads\n");
    return 1;
  }
  printf("{\"bench\": \"handoff\", \"round_trip_ns\": %.1f, \"remote_gbs\": %.1f, "
         "\"local_gbs\": %.1f, \"sink\": %g}\n",
         median(trip, kReps) * 1e9, kBytes / median(remote, kReps) / 1e9,
         kBytes / median(local, kReps) / 1e9, sink);
  free(a);
  return 0;
}
