/* Train the MLP of examples/mlp.mlir on the 8x8 digits with mini-batch SGD,
 * calling the library adjoint-compile made of it:
 *
 *   adjoint-compile examples/mlp.mlir -o libdigits.so --prefix digits
 *   adjoint-compile examples/mlp.mlir -o digits.h --prefix digits --emit=header
 *   cc -std=c99 -O2 -Wall -Wextra train.c -I. -L. -ldigits \
 *      -Wl,-rpath,'$ORIGIN' -lm -o train
 *   ./train DATA_DIR [--epochs N] [--lr X] [--seed S]
 *
 * DATA_DIR holds {train,test}_{x,y}.npy from export_digits.py. All the math
 * of the model (forward pass, loss, gradient) is in the library; this file
 * only loads data, initializes parameters, updates them and counts hits.
 */
#define _POSIX_C_SOURCE 200112L /* posix_memalign, clock_gettime */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "digits.h"

/* The model's static shapes, from the generated header. */
enum {
  BATCH = DIGITS_PREDICT_X_DIM0,     /* 32 */
  FEATURES = DIGITS_PREDICT_X_DIM1,  /* 64 */
  HIDDEN = DIGITS_PREDICT_B1_DIM0,   /* 32 */
  CLASSES = DIGITS_PREDICT_B2_DIM0   /* 10 */
};

/* ---- Small helpers -------------------------------------------------- */

/* Prints "train: <message>" and exits with status 1. */
static void die(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  fputs("train: ", stderr);
  vfprintf(stderr, fmt, args);
  fputc('\n', stderr);
  va_end(args);
  exit(1);
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die("out of memory");
  return p;
}

/* A library call returns 0 on success; anything else is fatal here. */
#define CHECK(call)                                                        \
  do {                                                                     \
    int32_t status_ = (call);                                              \
    if (status_ != 0) {                                                    \
      fprintf(stderr, "train: %s failed with status %d\n", #call,          \
              (int)status_);                                               \
      exit(1);                                                             \
    }                                                                      \
  } while (0)

/* A workspace of the size the library asks for, 64-byte aligned as the ABI
 * recommends. Allocated once per function and reused by every call. */
static void *alloc_workspace(int64_t size, const char *fn) {
  void *p = NULL;
  if (size < 0) die("%s: negative workspace size", fn);
  if (posix_memalign(&p, 64, size > 0 ? (size_t)size : 64) != 0)
    die("%s: cannot allocate its workspace", fn);
  return p;
}

/* splitmix64: a tiny seeded PRNG, so every run is reproducible. */
static uint64_t rng_state;
static uint64_t rng_next(void) {
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static double rng_uniform(void) { /* [0, 1) with 53 random bits */
  return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}
static size_t rng_below(size_t n) { /* [0, n); the bias is negligible */
  return (size_t)(rng_uniform() * (double)n);
}

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ---- A minimal .npy reader ------------------------------------------ */
/* Format: "\x93NUMPY", major and minor version bytes, the header length
 * (uint16 LE in version 1.0, uint32 LE in 2.0), then an ASCII Python dict
 * literal such as {'descr': '<f4', 'fortran_order': False, 'shape': (1440,
 * 64), } padded with spaces and '\n', then the raw data. We accept just
 * what this example needs: one given dtype, C order, rank 1 or 2. */

typedef struct {
  int ndim;
  int64_t dim[2];
  void *data;
} Array;

/* Finds the value after 'key': in the header dict (NULL if absent). */
static const char *npy_field(const char *header, const char *key) {
  char quoted[32];
  const char *p;
  sprintf(quoted, "'%s'", key);
  p = strstr(header, quoted);
  if (!p) return NULL;
  p += strlen(quoted);
  while (*p == ' ') p++;
  if (*p != ':') return NULL;
  p++;
  while (*p == ' ') p++;
  return p;
}

/* Loads path, which must hold a C-order array of dtype descr ("<f4" or
 * "<i8") and rank ndim. Exits with a message on any mismatch. */
static Array load_npy(const char *path, const char *descr, int ndim) {
  static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  unsigned char pre[12];
  size_t header_len = 0, elem_size = 4, count = 1, nbytes;
  char *header;
  const char *p;
  Array a;
  int i;
  FILE *f = fopen(path, "rb");
  if (!f) die("%s: %s", path, strerror(errno));

  if (fread(pre, 1, 8, f) != 8 || memcmp(pre, magic, 6) != 0)
    die("%s: not a .npy file (bad magic)", path);
  if (pre[6] == 1) { /* version 1.0: 2-byte header length */
    if (fread(pre + 8, 1, 2, f) != 2) die("%s: truncated header", path);
    header_len = (size_t)pre[8] | (size_t)pre[9] << 8;
  } else if (pre[6] == 2) { /* version 2.0: 4-byte header length */
    if (fread(pre + 8, 1, 4, f) != 4) die("%s: truncated header", path);
    header_len = (size_t)pre[8] | (size_t)pre[9] << 8 |
                 (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    if (header_len > (1u << 20)) die("%s: implausible header length", path);
  } else {
    die("%s: unsupported .npy version (only 1.0 and 2.0 are read)", path);
  }
  header = xmalloc(header_len + 1);
  if (fread(header, 1, header_len, f) != header_len)
    die("%s: truncated header", path);
  header[header_len] = '\0';

  /* 'descr': must be exactly the expected dtype string, e.g. '<f4'. */
  p = npy_field(header, "descr");
  if (!p || *p != '\'') die("%s: no dtype ('descr') in header", path);
  if (strncmp(p + 1, descr, 3) != 0 || p[4] != '\'') {
    int len = (int)strcspn(p + 1, "'");
    die("%s: dtype is '%.*s', expected '%s'", path, len, p + 1, descr);
  }
  if (descr[2] == '8') elem_size = 8;

  p = npy_field(header, "fortran_order");
  if (!p || strncmp(p, "False", 5) != 0)
    die("%s: expected a C-order array (fortran_order: False)", path);

  /* 'shape': a tuple like (1440, 64) or (1440,). */
  p = npy_field(header, "shape");
  if (!p || *p != '(') die("%s: no shape in header", path);
  p++;
  a.ndim = 0;
  for (;;) {
    char *end;
    long long d;
    while (*p == ' ') p++;
    if (*p == ')') break;
    errno = 0;
    d = strtoll(p, &end, 10);
    if (end == p || errno || d < 0 || a.ndim == 2)
      die("%s: bad or unsupported shape in header (rank > 2?)", path);
    a.dim[a.ndim++] = d;
    p = end;
    while (*p == ' ') p++;
    if (*p == ',') p++;
    else if (*p != ')') die("%s: bad shape in header", path);
  }
  if (a.ndim != ndim)
    die("%s: array has rank %d, expected %d", path, a.ndim, ndim);
  free(header);

  /* The data: exactly count elements, nothing after them. */
  for (i = 0; i < a.ndim; i++) {
    if (a.dim[i] > 0 && count > SIZE_MAX / 8 / (size_t)a.dim[i])
      die("%s: array too large", path);
    count *= (size_t)a.dim[i];
  }
  nbytes = count * elem_size;
  a.data = xmalloc(nbytes);
  if (fread(a.data, 1, nbytes, f) != nbytes)
    die("%s: file is shorter than its shape says", path);
  if (fgetc(f) != EOF) die("%s: trailing bytes after the data", path);
  fclose(f);
  return a;
}

/* dir/file into buf (of 4096 bytes). */
static const char *join(char *buf, const char *dir, const char *file) {
  if (snprintf(buf, 4096, "%s/%s", dir, file) >= 4096)
    die("%s: path too long", dir);
  return buf;
}

/* ---- The model ------------------------------------------------------ */

typedef struct {
  float W1[FEATURES * HIDDEN], b1[HIDDEN];
  float W2[HIDDEN * CLASSES], b2[CLASSES];
} Params;

/* Uniform in [-limit, limit): He for W1 (it feeds a ReLU), Glorot for the
 * output layer; biases start at zero. */
static void init_params(Params *p) {
  double he = sqrt(6.0 / FEATURES), glorot = sqrt(6.0 / (HIDDEN + CLASSES));
  int i;
  for (i = 0; i < FEATURES * HIDDEN; i++)
    p->W1[i] = (float)(he * (2.0 * rng_uniform() - 1.0));
  for (i = 0; i < HIDDEN * CLASSES; i++)
    p->W2[i] = (float)(glorot * (2.0 * rng_uniform() - 1.0));
  memset(p->b1, 0, sizeof p->b1);
  memset(p->b2, 0, sizeof p->b2);
}

static void sgd(float *w, const float *g, int n, float lr) {
  int i;
  for (i = 0; i < n; i++) w[i] -= lr * g[i];
}

/* The fraction of rows of x whose argmax logit is their label. @predict
 * takes exactly BATCH rows, so the last partial batch is padded with zero
 * rows whose predictions are ignored. */
static double accuracy(const Params *p, const Array *x, const Array *y,
                       void *ws) {
  static float xb[BATCH * FEATURES], logits[BATCH * CLASSES];
  const float *xs = x->data;
  const int64_t *ys = y->data;
  int64_t n = x->dim[0], start, hits = 0;
  for (start = 0; start < n; start += BATCH) {
    int rows = n - start < BATCH ? (int)(n - start) : BATCH, r, c;
    memset(xb, 0, sizeof xb);
    memcpy(xb, xs + start * FEATURES, (size_t)rows * FEATURES * sizeof *xb);
    CHECK(digits_predict(p->W1, p->b1, p->W2, p->b2, xb, logits, ws));
    for (r = 0; r < rows; r++) { /* padded rows r >= rows are skipped */
      int best = 0;
      for (c = 1; c < CLASSES; c++)
        if (logits[r * CLASSES + c] > logits[r * CLASSES + best]) best = c;
      hits += best == ys[start + r];
    }
  }
  return (double)hits / (double)n; /* n > 0: check_data */
}

/* x must be [N, FEATURES] with N > 0, y N labels in [0, CLASSES). */
static void check_data(const char *dir, const char *name, const Array *x,
                       const Array *y) {
  const int64_t *labels = y->data;
  int64_t i;
  if (x->dim[1] != FEATURES)
    die("%s/%s_x.npy: rows have %lld features, the model takes %d", dir,
        name, (long long)x->dim[1], FEATURES);
  if (x->dim[0] == 0) die("%s/%s_x.npy: no rows", dir, name);
  if (y->dim[0] != x->dim[0])
    die("%s/%s_y.npy: %lld labels for %lld rows of %s_x.npy", dir, name,
        (long long)y->dim[0], (long long)x->dim[0], name);
  for (i = 0; i < y->dim[0]; i++)
    if (labels[i] < 0 || labels[i] >= CLASSES)
      die("%s/%s_y.npy: label %lld is outside [0, %d)", dir, name,
          (long long)labels[i], CLASSES);
}

int main(int argc, char **argv) {
  const char *dir = NULL;
  int epochs = 20, epoch, i;
  float lr = 0.5f;
  unsigned long long seed = 0;
  char path[4096];
  int bad_args = 0;
  Array train_x, train_y, test_x, test_y;
  Params params;
  size_t *order;
  void *ws_step, *ws_predict;
  double t0;

  for (i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--epochs") && i + 1 < argc) epochs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--lr") && i + 1 < argc) lr = (float)atof(argv[++i]);
    else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
    else if (argv[i][0] != '-' && !dir) dir = argv[i];
    else bad_args = 1;
  }
  if (bad_args || !dir || epochs < 1 || !(lr > 0)) {
    fprintf(stderr, "usage: %s DATA_DIR [--epochs N] [--lr X] [--seed S]\n",
            argv[0]);
    return 2;
  }

  /* Data. The reader copies bytes as they are, so the host must be
   * little-endian like the files. */
  {
    const uint16_t one = 1;
    if (*(const unsigned char *)&one != 1)
      die("this example assumes a little-endian host");
  }
  train_x = load_npy(join(path, dir, "train_x.npy"), "<f4", 2);
  train_y = load_npy(join(path, dir, "train_y.npy"), "<i8", 1);
  test_x = load_npy(join(path, dir, "test_x.npy"), "<f4", 2);
  test_y = load_npy(join(path, dir, "test_y.npy"), "<i8", 1);
  check_data(dir, "train", &train_x, &train_y);
  check_data(dir, "test", &test_x, &test_y);
  if (train_x.dim[0] < BATCH) die("need at least %d training rows", BATCH);
  printf("%lld training and %lld test images; batch %d, lr %g -> %g, "
         "seed %llu\n", (long long)train_x.dim[0], (long long)test_x.dim[0],
         BATCH, (double)lr, (double)lr / 10, seed);

  /* One workspace per function, allocated once. */
  ws_step = alloc_workspace(digits_loss_and_gradients_workspace_size(),
                            "digits_loss_and_gradients");
  ws_predict = alloc_workspace(digits_predict_workspace_size(),
                               "digits_predict");

  rng_state = seed;
  init_params(&params);
  order = xmalloc((size_t)train_x.dim[0] * sizeof *order);
  for (i = 0; i < train_x.dim[0]; i++) order[i] = (size_t)i;

  t0 = now_seconds();
  for (epoch = 1; epoch <= epochs; epoch++) {
    static float xb[BATCH * FEATURES];
    static int64_t yb[BATCH];
    Params grad;
    float loss;
    double loss_sum = 0;
    size_t n = (size_t)train_x.dim[0], start, k;
    int steps = 0;
    /* The step size decays linearly from lr to lr/10: big steps early,
     * small ones at the end so the last epochs settle instead of bouncing
     * around the minimum (plain SGD's test accuracy jitters by ~2%). */
    float lr_t = lr * (1.0f - 0.9f * (float)(epoch - 1) /
                                  (float)(epochs > 1 ? epochs - 1 : 1));

    for (k = n - 1; k > 0; k--) { /* Fisher-Yates shuffle */
      size_t j = rng_below(k + 1), t = order[k];
      order[k] = order[j];
      order[j] = t;
    }
    /* Full batches only: the loss is a mean over exactly BATCH rows. The
     * n % BATCH rows left over (none for 1440) differ every epoch. */
    for (start = 0; start + BATCH <= n; start += BATCH) {
      int r;
      for (r = 0; r < BATCH; r++) {
        size_t row = order[start + (size_t)r];
        memcpy(xb + r * FEATURES, (const float *)train_x.data + row * FEATURES,
               FEATURES * sizeof *xb);
        yb[r] = ((const int64_t *)train_y.data)[row];
      }
      /* Outputs in the model's result order: the loss, then the gradient
       * of each parameter. */
      CHECK(digits_loss_and_gradients(params.W1, params.b1, params.W2,
                                      params.b2, xb, yb, &loss, grad.W1,
                                      grad.b1, grad.W2, grad.b2, ws_step));
      sgd(params.W1, grad.W1, FEATURES * HIDDEN, lr_t);
      sgd(params.b1, grad.b1, HIDDEN, lr_t);
      sgd(params.W2, grad.W2, HIDDEN * CLASSES, lr_t);
      sgd(params.b2, grad.b2, CLASSES, lr_t);
      loss_sum += loss;
      steps++;
    }
    printf("epoch %2d  loss %.4f  train acc %6.2f%%  test acc %6.2f%%\n",
           epoch, loss_sum / steps,
           100 * accuracy(&params, &train_x, &train_y, ws_predict),
           100 * accuracy(&params, &test_x, &test_y, ws_predict));
    fflush(stdout);
  }
  printf("trained %d epochs in %.1f ms\n", epochs, 1e3 * (now_seconds() - t0));

  free(order);
  free(ws_step);
  free(ws_predict);
  free(train_x.data);
  free(train_y.data);
  free(test_x.data);
  free(test_y.data);
  return 0;
}
