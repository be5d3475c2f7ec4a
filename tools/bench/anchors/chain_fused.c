// Hand-written anchor for the `chain` workload: loss and gradient of
// sum(tanh(x) sigmoid(x) + exp(-x^2)) in one AVX2 pass over x, OpenMP over
// blocks. Per element one exp(-|x|) gives both tanh and sigmoid, a second
// exp gives exp(-x^2); the gradient reuses all three:
//   dx = (1 - t^2) s + t s (1 - s) - 2 x e.
// It marks what a fusing compiler can reach for this workload.
//
//   chain_fused IN_DIR OUT_DIR|- THREADS BUDGET_S MIN_RUNS
// IN_DIR/x.bin holds the 2^20 floats; OUT_DIR gets loss.bin and grad_x.bin.
#include <omp.h>

#include "../bench.h"
#include "vexp.h"

enum { kN = 1 << 20, kBlock = 4096 };

typedef struct {
  const float *x;
  float *dx;  // NULL: loss only
  double loss;
} chain_t;

static void chain(void *ctx) {
  chain_t *c = ctx;
  const float *x = c->x;
  float *dx = c->dx;
  double total = 0;
#pragma omp parallel for schedule(static) reduction(+ : total)
  for (int b = 0; b < kN; b += kBlock) {
    const __m256 one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
    __m256 acc = _mm256_setzero_ps();
    for (int i = b; i < b + kBlock; i += 8) {
      __m256 v = _mm256_loadu_ps(x + i);
      __m256 a = vexp(_mm256_or_ps(v, sign));  // exp(-|x|)
      __m256 a2 = _mm256_mul_ps(a, a);
      __m256 t = _mm256_div_ps(_mm256_sub_ps(one, a2), _mm256_add_ps(one, a2));
      t = _mm256_or_ps(t, _mm256_and_ps(v, sign));
      __m256 r = _mm256_div_ps(one, _mm256_add_ps(one, a));
      __m256 neg = _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LT_OQ);
      __m256 s = _mm256_blendv_ps(r, _mm256_mul_ps(a, r), neg);
      __m256 e = vexp(_mm256_xor_ps(_mm256_mul_ps(v, v), sign));
      acc = _mm256_add_ps(acc, _mm256_fmadd_ps(t, s, e));
      if (dx) {
        __m256 d = _mm256_mul_ps(_mm256_fnmadd_ps(t, t, one), s);
        d = _mm256_fmadd_ps(_mm256_mul_ps(t, s), _mm256_sub_ps(one, s), d);
        d = _mm256_fnmadd_ps(_mm256_add_ps(v, v), e, d);
        _mm256_storeu_ps(dx + i, d);
      }
    }
    float lanes[8];
    _mm256_storeu_ps(lanes, acc);
    for (int j = 0; j < 8; j++) total += lanes[j];
  }
  c->loss = total;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: chain_fused IN_DIR OUT_DIR|- THREADS BUDGET_S MIN_RUNS\n");
    return 2;
  }
  int threads = atoi(argv[3]), min_runs = atoi(argv[5]);
  double budget = atof(argv[4]);
  omp_set_num_threads(threads);
  char path[4096];
  snprintf(path, sizeof path, "%s/x.bin", argv[1]);
  chain_t c = {bench_read(path, 4 * (size_t)kN), aligned_alloc(64, 4 * (size_t)kN), 0};
  if (!c.x) return 2;
  chain(&c);
  if (strcmp(argv[2], "-")) {
    float loss = (float)c.loss;
    snprintf(path, sizeof path, "%s/loss.bin", argv[2]);
    if (bench_write(path, &loss, 4)) return 1;
    snprintf(path, sizeof path, "%s/grad_x.bin", argv[2]);
    if (bench_write(path, c.dx, 4 * (size_t)kN)) return 1;
  }
  if (budget > 0) {
    float *dx = c.dx;
    c.dx = NULL;
    bench_emit("chain", "c-fused-avx2", threads, "fwd", bench_measure(chain, &c, budget, min_runs));
    c.dx = dx;
    bench_emit("chain", "c-fused-avx2", threads, "fwdbwd", bench_measure(chain, &c, budget, min_runs));
  }
  return 0;
}
