// Times one function of a library built by adjoint-compile through its C
// entry point, as a C caller would call it (no Python in the timed loop).
//
//   driver LIB PREFIX FN WORKLOAD PHASE THREADS BUDGET_S MIN_RUNS OUT_DIR
//          NIN IN_FILE:BYTES... NOUT OUT_NAME:BYTES...
//
// Inputs are raw files in the function's argument order (bench.py writes
// them from the library's JSON interface, <prefix>_adjoint_interface()).
// One call first writes every output to OUT_DIR/<name>.bin (unless OUT_DIR
// is "-"), for bench.py to check against PyTorch; then, unless BUDGET_S is
// 0, calls are timed and one JSON line is printed. When the library exports
// <prefix>_set_num_threads(int32_t), it is called with THREADS first.
#include <dlfcn.h>
#include <stdint.h>

#include "bench.h"

enum { kMaxArgs = 40 };

typedef struct {
  void *fn;
  int nargs;
  void *args[kMaxArgs];
} call_t;

// An unprototyped function pointer passes exactly the arguments given, so
// each arity gets its own call (all arguments are pointers).
typedef int32_t (*anyfn)();

static int32_t call(const call_t *c) {
  void *const *a = c->args;
  anyfn f = (anyfn)c->fn;
  switch (c->nargs) {
  case 1: return f(a[0]);
  case 2: return f(a[0], a[1]);
  case 3: return f(a[0], a[1], a[2]);
  case 4: return f(a[0], a[1], a[2], a[3]);
  case 5: return f(a[0], a[1], a[2], a[3], a[4]);
  case 6: return f(a[0], a[1], a[2], a[3], a[4], a[5]);
  case 7: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
  case 8: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
  case 9: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
  case 10: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
  case 11: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
  case 12: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
  case 13: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]);
  case 14: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
  case 15: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14]);
  case 16: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
  case 17: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16]);
  case 18: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17]);
  case 19: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18]);
  case 20: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19]);
  case 21: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20]);
  case 22: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21]);
  case 23: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22]);
  case 24: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23]);
  case 25: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24]);
  case 26: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25]);
  case 27: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26]);
  case 28: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27]);
  case 29: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28]);
  case 30: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29]);
  case 31: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30]);
  case 32: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30], a[31]);
  case 33: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30], a[31], a[32]);
  case 34: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30], a[31], a[32], a[33]);
  case 35: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30], a[31], a[32], a[33], a[34]);
  case 36: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30], a[31], a[32], a[33], a[34], a[35]);
  case 37: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30], a[31], a[32], a[33], a[34], a[35], a[36]);
  case 38: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30], a[31], a[32], a[33], a[34], a[35], a[36], a[37]);
  case 39: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30], a[31], a[32], a[33], a[34], a[35], a[36], a[37], a[38]);
  case 40: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30], a[31], a[32], a[33], a[34], a[35], a[36], a[37], a[38], a[39]);
  }
  return -1;
}

static void call_void(void *ctx) { (void)call((const call_t *)ctx); }

static int split(const char *spec, char *name, size_t cap, size_t *bytes) {
  const char *colon = strrchr(spec, ':');
  if (!colon || (size_t)(colon - spec) >= cap) return 1;
  memcpy(name, spec, (size_t)(colon - spec));
  name[colon - spec] = 0;
  *bytes = strtoull(colon + 1, NULL, 10);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 12) {
    fprintf(stderr, "usage: driver LIB PREFIX FN WORKLOAD PHASE THREADS BUDGET_S "
                    "MIN_RUNS OUT_DIR NIN IN:BYTES... NOUT NAME:BYTES...\n");
    return 2;
  }
  const char *lib = argv[1], *prefix = argv[2], *fn = argv[3];
  const char *workload = argv[4], *phase = argv[5], *outdir = argv[9];
  int threads = atoi(argv[6]), min_runs = atoi(argv[8]);
  double budget = atof(argv[7]);
  void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    fprintf(stderr, "error: %s\n", dlerror());
    return 1;
  }
  char sym[512];
  snprintf(sym, sizeof sym, "%s_set_num_threads", prefix);
  void *setter = dlsym(h, sym);
  if (setter) ((void (*)(int32_t))setter)(threads);

  call_t c = {0};
  snprintf(sym, sizeof sym, "%s_%s", prefix, fn);
  c.fn = dlsym(h, sym);
  snprintf(sym, sizeof sym, "%s_%s_workspace_size", prefix, fn);
  void *wsfn = dlsym(h, sym);
  if (!c.fn || !wsfn) {
    fprintf(stderr, "error: %s does not export %s_%s and its workspace size\n",
            lib, prefix, fn);
    return 1;
  }
  int at = 10, nin = atoi(argv[at++]);
  char name[4096];
  size_t bytes;
  for (int i = 0; i < nin; i++, at++) {
    if (at >= argc || c.nargs >= kMaxArgs - 1 ||
        split(argv[at], name, sizeof name, &bytes) ||
        !(c.args[c.nargs++] = bench_read(name, bytes)))
      return 2;
  }
  int nout = at < argc ? atoi(argv[at++]) : -1;
  char outnames[kMaxArgs][256];
  size_t outbytes[kMaxArgs];
  int first_out = c.nargs;
  for (int i = 0; i < nout; i++, at++) {
    if (at >= argc || c.nargs >= kMaxArgs - 1 ||
        split(argv[at], outnames[i], sizeof outnames[i], &outbytes[i]))
      return 2;
    c.args[c.nargs++] = aligned_alloc(64, (outbytes[i] + 63) / 64 * 64);
  }
  if (nout < 0 || at != argc) {
    fprintf(stderr, "error: the argument counts do not match the lists\n");
    return 2;
  }
  int64_t ws = ((int64_t (*)(void))wsfn)();
  c.args[c.nargs++] = aligned_alloc(64, (size_t)(ws + 63) / 64 * 64 + 64);

  int32_t status = call(&c);
  if (status != 0) {
    fprintf(stderr, "error: %s_%s returned %d\n", prefix, fn, status);
    return 1;
  }
  if (strcmp(outdir, "-")) {
    for (int i = 0; i < nout; i++) {
      char path[4096 + 300];
      snprintf(path, sizeof path, "%s/%s.bin", outdir, outnames[i]);
      if (bench_write(path, c.args[first_out + i], outbytes[i])) return 1;
    }
  }
  if (budget > 0) {
    bench_stats st = bench_measure(call_void, &c, budget, min_runs);
    bench_emit(workload, "adjoint", threads, phase, st);
  }
  for (int i = 0; i < c.nargs; i++) free(c.args[i]);
  dlclose(h);
  return 0;
}
