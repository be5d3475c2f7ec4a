/* Calls a compiled model's value-and-gradient function many times, from one
 * thread and then from two threads at once, and checks that every call gives
 * bitwise the same outputs as the first: no state is kept between calls and
 * concurrent calls do not interfere. Run under valgrind by the test, it also
 * shows that calls neither read uninitialized or out-of-bounds memory nor
 * leak.
 *
 * The model is examples/mlp.mlir compiled with --prefix s. */
#include "s.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CALLS 100

typedef struct {
  float W1[64 * 32], b1[32], W2[32 * 10], b2[10], x[32 * 64];
  int64_t labels[32];
} Inputs;

typedef struct {
  float loss, dW1[64 * 32], db1[32], dW2[32 * 10], db2[10];
} Outputs;

static Inputs in;
static Outputs reference;

static int call(Outputs *out, void *workspace) {
  return s_loss_value_and_grad(in.W1, in.b1, in.W2, in.b2, in.x, in.labels,
                               &out->loss, out->dW1, out->db1, out->dW2,
                               out->db2, workspace);
}

static void *worker(void *failed) {
  void *workspace = malloc((size_t)s_loss_value_and_grad_workspace_size());
  for (int i = 0; i < CALLS; ++i) {
    Outputs out;
    if (call(&out, workspace) != 0 ||
        memcmp(&out, &reference, sizeof out) != 0)
      *(int *)failed = 1;
  }
  free(workspace);
  return NULL;
}

int main(void) {
  unsigned state = 12345;
  float *floats = (float *)&in;
  for (size_t i = 0; i < offsetof(Inputs, labels) / sizeof(float); ++i) {
    state = state * 1103515245u + 12345u;
    floats[i] = (float)((state >> 8) & 0xffff) / 65536.0f - 0.5f;
  }
  for (int i = 0; i < 32; ++i)
    in.labels[i] = i % 10;

  void *workspace = malloc((size_t)s_loss_value_and_grad_workspace_size());
  if (call(&reference, workspace) != 0) {
    fprintf(stderr, "the first call failed\n");
    return 1;
  }
  free(workspace);

  int failed[2] = {0, 0};
  worker(&failed[0]);
  if (failed[0]) {
    fprintf(stderr, "repeated calls differ\n");
    return 1;
  }
  pthread_t threads[2];
  for (int t = 0; t < 2; ++t)
    pthread_create(&threads[t], NULL, worker, &failed[t]);
  for (int t = 0; t < 2; ++t)
    pthread_join(threads[t], NULL);
  if (failed[0] || failed[1]) {
    fprintf(stderr, "concurrent calls differ\n");
    return 1;
  }
  printf("loss %.6f; %d calls from one thread and 2 x %d from two threads "
         "all identical\n", reference.loss, CALLS, CALLS);
  return 0;
}
