// AVX2 exp for the hand-written anchors: 2^n * p(r) with n = round(x/ln2),
// r = x - n ln2 (ln2 split in two for accuracy) and p the degree-6 Taylor
// polynomial, whose error for |r| <= ln2/2 is below 2e-7 relative.
#ifndef ADJOINT_BENCH_VEXP_H
#define ADJOINT_BENCH_VEXP_H
#include <immintrin.h>

static inline __m256 vexp(__m256 x) {
  x = _mm256_max_ps(_mm256_min_ps(x, _mm256_set1_ps(88.0f)), _mm256_set1_ps(-87.0f));
  __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504f)),
                             _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693145752f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(1.42860677e-6f), r);
  __m256 p = _mm256_set1_ps(1.0f / 720);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  __m256i bits = _mm256_slli_epi32(
      _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

// tanh(x) = sign(x) (1 - a^2) / (1 + a^2) with a = exp(-|x|): no overflow.
static inline __m256 vtanh(__m256 x) {
  const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
  __m256 a = vexp(_mm256_or_ps(x, sign));
  __m256 a2 = _mm256_mul_ps(a, a);
  __m256 t = _mm256_div_ps(_mm256_sub_ps(one, a2), _mm256_add_ps(one, a2));
  return _mm256_or_ps(t, _mm256_and_ps(x, sign));
}
#endif
