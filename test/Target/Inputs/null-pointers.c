/* Passes NULL for each pointer parameter of mlp_loss_and_gradients (a
 * compiled examples/mlp.mlir) in turn: each call returns a non-zero status
 * whose message names the parameter, and writes nothing; then a call with
 * every pointer returns 0. scale_twice (no workspace bytes) accepts a NULL
 * workspace and doubles its input. Prints one line per call. */
#include "mlp.h"
#include "scale.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float W1[64 * 32], b1[32], W2[32 * 10], b2[10], x[32 * 64];
static int64_t labels[32];
static float loss, dW1[64 * 32], db1[32], dW2[32 * 10], db2[10];

int main(void) {
  for (int i = 0; i < 64 * 32; ++i)
    W1[i] = (float)((i * 37) % 11) / 11.0f - 0.5f;
  for (int i = 0; i < 32 * 64; ++i)
    x[i] = (float)((i * 13) % 7) / 7.0f;
  for (int i = 0; i < 32; ++i)
    labels[i] = i % 10;
  void *workspace = malloc((size_t)mlp_loss_and_gradients_workspace_size());
  enum { N = 12 };
  void *args[N] = {W1, b1, W2, b2, x, labels, &loss, dW1, db1, dW2, db2,
                   workspace};
  int failed = 0;
  for (int skip = -1; skip < N; ++skip) {
    void *a[N];
    memcpy(a, args, sizeof a);
    if (skip >= 0)
      a[skip] = NULL;
    loss = -1.0f;
    int32_t status = mlp_loss_and_gradients(
        a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10],
        a[11]);
    printf("NULL %d: status %s: %s\n", skip, status ? "non-zero" : "0",
           mlp_status_message(status));
    /* A refused call writes nothing; a complete one writes the loss. */
    failed |= (skip >= 0) != (status != 0) || (loss == -1.0f) != (skip >= 0);
  }
  float in[3] = {1.0f, -2.0f, 0.5f}, out[3];
  int32_t status = scale_twice(in, out, NULL);
  printf("scale: status %d, %g %g %g\n", status, out[0], out[1], out[2]);
  failed |= status != 0 || out[0] != 2.0f || out[1] != -4.0f || out[2] != 1.0f;
  status = scale_twice(in, NULL, NULL);
  printf("scale NULL output: %s\n", scale_status_message(status));
  failed |= status == 0;
  free(workspace);
  return failed;
}
