// Hand-written anchor for the `mlp-small` workload: loss and gradient of
// (tanh(tanh(x W1 + b1) W2 + b2) W3 + b3 - target)^2 for one example of 32
// features, hidden width 64, as straight AVX2 code with no allocation. The
// 64-wide rows are 8 vectors; W2's gradient is an outer product, and the
// backward through W2 a row-by-row dot product. Single-threaded.
//
//   mlp_small IN_DIR OUT_DIR|- THREADS BUDGET_S MIN_RUNS
// IN_DIR holds x, target, W1, b1, W2, b2, W3, b3 (.bin); OUT_DIR gets
// loss.bin and grad_<name>.bin.
#include "../bench.h"
#include "vexp.h"

typedef struct {
  float W1[32 * 64], b1[64], W2[64 * 64], b2[64], W3[64], b3[1];
} params_t;

typedef struct {
  const float *x;
  float target;
  const params_t *p;
  params_t *g;  // NULL: loss only
  float loss;
} mlp_t;

static inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_hadd_ps(s, s);
  return _mm_cvtss_f32(_mm_hadd_ps(s, s));
}

// out[0..64) = tanh(b + in[0..k) W[k x 64])
static inline void layer(const float *in, int k, const float *W, const float *b, __m256 out[8]) {
  for (int j = 0; j < 8; j++) out[j] = _mm256_loadu_ps(b + 8 * j);
  for (int i = 0; i < k; i++) {
    __m256 xi = _mm256_broadcast_ss(in + i);
    for (int j = 0; j < 8; j++) out[j] = _mm256_fmadd_ps(xi, _mm256_loadu_ps(W + 64 * i + 8 * j), out[j]);
  }
  for (int j = 0; j < 8; j++) out[j] = vtanh(out[j]);
}

static void mlp(void *ctx) {
  mlp_t *m = ctx;
  const params_t *p = m->p;
  params_t *g = m->g;
  __m256 h1[8], h2[8], acc = _mm256_setzero_ps();
  float h1s[64];
  layer(m->x, 32, p->W1, p->b1, h1);
  for (int j = 0; j < 8; j++) _mm256_storeu_ps(h1s + 8 * j, h1[j]);
  layer(h1s, 64, p->W2, p->b2, h2);
  for (int j = 0; j < 8; j++) acc = _mm256_fmadd_ps(h2[j], _mm256_loadu_ps(p->W3 + 8 * j), acc);
  float d = hsum(acc) + p->b3[0] - m->target;
  m->loss = d * d;
  if (!g) return;
  const __m256 one = _mm256_set1_ps(1.0f), dy = _mm256_set1_ps(2.0f * d);
  __m256 dz2[8];
  g->b3[0] = 2.0f * d;
  for (int j = 0; j < 8; j++) {
    _mm256_storeu_ps(g->W3 + 8 * j, _mm256_mul_ps(h2[j], dy));
    dz2[j] = _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(p->W3 + 8 * j), dy),
                           _mm256_fnmadd_ps(h2[j], h2[j], one));
    _mm256_storeu_ps(g->b2 + 8 * j, dz2[j]);
  }
  float dz1[64];
  for (int i = 0; i < 64; i++) {
    __m256 hi = _mm256_broadcast_ss(h1s + i), s = _mm256_setzero_ps();
    for (int j = 0; j < 8; j++) {
      _mm256_storeu_ps(g->W2 + 64 * i + 8 * j, _mm256_mul_ps(hi, dz2[j]));
      s = _mm256_fmadd_ps(_mm256_loadu_ps(p->W2 + 64 * i + 8 * j), dz2[j], s);
    }
    dz1[i] = hsum(s) * (1.0f - h1s[i] * h1s[i]);
  }
  __m256 vdz1[8];
  for (int j = 0; j < 8; j++) {
    vdz1[j] = _mm256_loadu_ps(dz1 + 8 * j);
    _mm256_storeu_ps(g->b1 + 8 * j, vdz1[j]);
  }
  for (int i = 0; i < 32; i++) {
    __m256 xi = _mm256_broadcast_ss(m->x + i);
    for (int j = 0; j < 8; j++) _mm256_storeu_ps(g->W1 + 64 * i + 8 * j, _mm256_mul_ps(xi, vdz1[j]));
  }
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: mlp_small IN_DIR OUT_DIR|- THREADS BUDGET_S MIN_RUNS\n");
    return 2;
  }
  int threads = atoi(argv[3]), min_runs = atoi(argv[5]);
  double budget = atof(argv[4]);
  const char *names[] = {"x", "target", "W1", "b1", "W2", "b2", "W3", "b3"};
  const size_t counts[] = {32, 1, 32 * 64, 64, 64 * 64, 64, 64, 1};
  params_t *p = aligned_alloc(64, sizeof(params_t)), *g = aligned_alloc(64, sizeof(params_t));
  float *fields[] = {NULL, NULL, p->W1, p->b1, p->W2, p->b2, p->W3, p->b3};
  float *gfields[] = {NULL, NULL, g->W1, g->b1, g->W2, g->b2, g->W3, g->b3};
  float *in[8];
  char path[4096];
  for (int i = 0; i < 8; i++) {
    snprintf(path, sizeof path, "%s/%s.bin", argv[1], names[i]);
    if (!(in[i] = bench_read(path, 4 * counts[i]))) return 2;
    if (fields[i]) memcpy(fields[i], in[i], 4 * counts[i]);
  }
  mlp_t m = {in[0], in[1][0], p, g, 0};
  mlp(&m);
  if (strcmp(argv[2], "-")) {
    snprintf(path, sizeof path, "%s/loss.bin", argv[2]);
    if (bench_write(path, &m.loss, 4)) return 1;
    for (int i = 2; i < 8; i++) {
      snprintf(path, sizeof path, "%s/grad_%s.bin", argv[2], names[i]);
      if (bench_write(path, gfields[i], 4 * counts[i])) return 1;
    }
  }
  if (budget > 0) {
    m.g = NULL;
    bench_emit("mlp-small", "c-hand-avx2", threads, "fwd", bench_measure(mlp, &m, budget, min_runs));
    m.g = g;
    bench_emit("mlp-small", "c-hand-avx2", threads, "fwdbwd", bench_measure(mlp, &m, budget, min_runs));
  }
  return 0;
}
