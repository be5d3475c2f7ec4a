/* Calls the value and gradient of a compiled examples/cnn.mlir (prefix cnn,
 * every float argument differentiated) on fixed inputs, checks that repeated
 * calls give bitwise the same outputs, and writes those outputs to stdout as
 * raw bytes, so that the test can compare two processes with `cmp`.
 *
 * The workspace is filled with the byte given as argv[1] before the first
 * call and reused, dirty, by the later ones: the results must depend on
 * neither. */
#include "cnn.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CALLS 20

typedef struct {
  float K1[4 * 1 * 3 * 3], c1[4], gamma[4], beta[4], K2[8 * 4 * 3 * 3], c2[8],
      W[32 * 10], b[10], x[8 * 1 * 12 * 12];
  int64_t labels[8];
} Inputs;

typedef struct {
  float loss, dK1[4 * 1 * 3 * 3], dc1[4], dgamma[4], dbeta[4],
      dK2[8 * 4 * 3 * 3], dc2[8], dW[32 * 10], db[10], dx[8 * 1 * 12 * 12];
} Outputs;

static Inputs in;

static int call(Outputs *out, void *workspace) {
  return cnn_loss_value_and_grad(
      in.K1, in.c1, in.gamma, in.beta, in.K2, in.c2, in.W, in.b, in.x,
      in.labels, &out->loss, out->dK1, out->dc1, out->dgamma, out->dbeta,
      out->dK2, out->dc2, out->dW, out->db, out->dx, workspace);
}

int main(int argc, char **argv) {
  int fill = argc > 1 ? atoi(argv[1]) : 0;
  unsigned state = 2024;
  float *floats = (float *)&in;
  for (size_t i = 0; i < offsetof(Inputs, labels) / sizeof(float); ++i) {
    state = state * 1103515245u + 12345u;
    floats[i] = (float)((state >> 8) & 0xffff) / 65536.0f - 0.5f;
  }
  for (int i = 0; i < 8; ++i)
    in.labels[i] = (i * 7) % 10;

  size_t size = (size_t)cnn_loss_value_and_grad_workspace_size();
  void *workspace = malloc(size ? size : 1);
  memset(workspace, fill, size);
  static Outputs first, out;
  memset(&first, fill, sizeof first);
  if (call(&first, workspace) != 0) {
    fprintf(stderr, "the first call failed\n");
    return 1;
  }
  for (int i = 0; i < CALLS; ++i) {
    memset(&out, i & 1 ? 0xff : 0, sizeof out);
    if (call(&out, workspace) != 0 || memcmp(&out, &first, sizeof out) != 0) {
      fprintf(stderr, "call %d differs from the first\n", i + 2);
      return 1;
    }
  }
  free(workspace);
  fwrite(&first, sizeof first, 1, stdout);
  fprintf(stderr, "loss %.6f; %d calls identical\n", first.loss, CALLS + 1);
  return 0;
}
