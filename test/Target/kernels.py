# RUN: %python %s
# The kernel runtime (lib/Runtime/kernels.c, reached through
# adj-lower-to-kernels) against NumPy: f32 matmuls whose M, N, K straddle
# the runtime's blocking (MR 6, NR 16, KC 256), from 1x1x1 up; transposed
# operands (read through strides, the transpose erased); batched products
# with and without a broadcast operand; operands that are strided views
# (slices); an output that accumulates into a non-zero buffer. Then the
# results are bitwise identical at 1 and 2 threads, through the library's
# <prefix>_set_num_threads and through OMP_NUM_THREADS in fresh processes.
import os
import subprocess
import sys

import numpy as np
import compiletest as ct

rng = np.random.default_rng(11)


def t(shape):
    return "tensor<" + "x".join(map(str, shape)) + "xf32>"


def check(label, source, inputs, want):
    ct._count += 1
    try:
        lib = ct.compile_source(source)
        got = lib.call("f", *inputs)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            ct.compare(g, w, "f32", label)
    except (AssertionError, RuntimeError, OSError) as e:
        ct._failures.append(label)
        print(f"FAIL {label}: {str(e).strip()}\n  {source}", file=sys.stderr)


def data(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def f64(x):
    return x.astype(np.float64)


# Determinism: a product large enough to be split over threads, a
# convolution with its gradient (examples/cnn.mlir is covered by
# determinism.test), and large elementwise loops with reductions, which
# adj-parallelize-loops splits into chunks: a sum over 2^18 elements (one
# partial result per chunk) and column sums (split by columns).
source = f"""
  func.func @f(%a: {t([200, 300])}, %b: {t([300, 260])}, %x: {t([8, 3, 20, 20])}, %k: {t([16, 3, 5, 5])},
               %e: {t([512, 512])})
      -> ({t([200, 260])}, {t([8, 16, 16, 16])}, tensor<f32>, {t([512])}, {t([512, 512])}) {{
    %c = adj.matmul %a, %b : {t([200, 300])}, {t([300, 260])} -> {t([200, 260])}
    %y = adj.conv2d %x, %k : {t([8, 3, 20, 20])}, {t([16, 3, 5, 5])} -> {t([8, 16, 16, 16])}
    %th = adj.tanh %e : {t([512, 512])}
    %sq = adj.mul %e, %e : {t([512, 512])}, {t([512, 512])}
    %ex = adj.exp %sq : {t([512, 512])}
    %p = adj.div %th, %ex : {t([512, 512])}, {t([512, 512])}
    %l = adj.sum %p : {t([512, 512])} -> tensor<f32>
    %cols = adj.sum %p axes [0] : {t([512, 512])} -> {t([512])}
    return %c, %y, %l, %cols, %p : {t([200, 260])}, {t([8, 16, 16, 16])}, tensor<f32>, {t([512])}, {t([512, 512])}
  }}"""
det_rng = np.random.default_rng(5)
inputs = [det_rng.standard_normal(s).astype(np.float32)
          for s in [(200, 300), (300, 260), (8, 3, 20, 20), (16, 3, 5, 5),
                    (512, 512)]]
if len(sys.argv) == 3:  # child: run the library, write its outputs
    lib = ct.Library(sys.argv[1], "t")
    with open(sys.argv[2], "wb") as out:
        for r in lib.call("f", *inputs):
            out.write(r.tobytes())
    sys.exit(0)


# Plain and transposed 2-D products over awkward sizes.
sizes = [(1, 1, 1), (1, 7, 3), (5, 1, 9), (6, 16, 256), (7, 17, 257),
         (13, 33, 70), (64, 10, 512), (97, 130, 300), (250, 40, 520)]
for m, n, k in sizes:
    a, b = data(m, k), data(k, n)
    want = [f64(a) @ f64(b)]
    check(f"matmul {m}x{n}x{k}", f"""
      func.func @f(%a: {t([m, k])}, %b: {t([k, n])}) -> {t([m, n])} {{
        %c = adj.matmul %a, %b : {t([m, k])}, {t([k, n])} -> {t([m, n])}
        return %c : {t([m, n])}
      }}""", [a, b], want)
    check(f"matmul aT {m}x{n}x{k}", f"""
      func.func @f(%a: {t([k, m])}, %b: {t([k, n])}) -> {t([m, n])} {{
        %at = adj.transpose %a [1, 0] : {t([k, m])} -> {t([m, k])}
        %c = adj.matmul %at, %b : {t([m, k])}, {t([k, n])} -> {t([m, n])}
        return %c : {t([m, n])}
      }}""", [a.T.copy(), b], want)
    check(f"matmul bT {m}x{n}x{k}", f"""
      func.func @f(%a: {t([m, k])}, %b: {t([n, k])}) -> {t([m, n])} {{
        %bt = adj.transpose %b [1, 0] : {t([n, k])} -> {t([k, n])}
        %c = adj.matmul %a, %bt : {t([m, k])}, {t([k, n])} -> {t([m, n])}
        return %c : {t([m, n])}
      }}""", [a, b.T.copy()], want)
    # The transposed operand is also returned: the transpose must stay.
    check(f"matmul aT kept {m}x{n}x{k}", f"""
      func.func @f(%a: {t([k, m])}, %b: {t([k, n])}) -> ({t([m, n])}, {t([m, k])}) {{
        %at = adj.transpose %a [1, 0] : {t([k, m])} -> {t([m, k])}
        %c = adj.matmul %at, %b : {t([m, k])}, {t([k, n])} -> {t([m, n])}
        return %c, %at : {t([m, n])}, {t([m, k])}
      }}""", [a.T.copy(), b], want + [f64(a)])

# Batched: both operands batched, a transposed batched operand, and a
# broadcast one.
for bt, m, n, k in [(1, 3, 5, 7), (3, 17, 9, 33), (4, 64, 40, 24)]:
    a, b = data(bt, m, k), data(bt, k, n)
    want = [f64(a) @ f64(b)]
    check(f"batch_matmul {bt}x{m}x{n}x{k}", f"""
      func.func @f(%a: {t([bt, m, k])}, %b: {t([bt, k, n])}) -> {t([bt, m, n])} {{
        %c = adj.matmul %a, %b : {t([bt, m, k])}, {t([bt, k, n])} -> {t([bt, m, n])}
        return %c : {t([bt, m, n])}
      }}""", [a, b], want)
    check(f"batch_matmul bT {bt}x{m}x{n}x{k}", f"""
      func.func @f(%a: {t([bt, m, k])}, %b: {t([bt, n, k])}) -> {t([bt, m, n])} {{
        %bt = adj.transpose %b [0, 2, 1] : {t([bt, n, k])} -> {t([bt, k, n])}
        %c = adj.matmul %a, %bt : {t([bt, m, k])}, {t([bt, k, n])} -> {t([bt, m, n])}
        return %c : {t([bt, m, n])}
      }}""", [a, b.transpose(0, 2, 1).copy()], want)
    w = data(1, k, n)
    check(f"batch_matmul broadcast {bt}x{m}x{n}x{k}", f"""
      func.func @f(%a: {t([bt, m, k])}, %w: {t([1, k, n])}) -> {t([bt, m, n])} {{
        %c = adj.matmul %a, %w : {t([bt, m, k])}, {t([1, k, n])} -> {t([bt, m, n])}
        return %c : {t([bt, m, n])}
      }}""", [a, w], [f64(a) @ f64(w)])

# Strided views: slices of both operands (with a step), and a product added
# to a non-zero value.
a, b = data(20, 40), data(50, 30)
check("matmul of slices", f"""
  func.func @f(%a: {t([20, 40])}, %b: {t([50, 30])}) -> {t([7, 11])} {{
    %s = adj.slice %a start [3, 1] limit [10, 37] stride [1, 2] : {t([20, 40])} -> {t([7, 18])}
    %r = adj.slice %b start [5, 2] limit [23, 24] stride [1, 2] : {t([50, 30])} -> {t([18, 11])}
    %c = adj.matmul %s, %r : {t([7, 18])}, {t([18, 11])} -> {t([7, 11])}
    return %c : {t([7, 11])}
  }}""", [a, b], [f64(a[3:10, 1:37:2]) @ f64(b[5:23, 2:24:2])])
a, b, c = data(30, 20), data(20, 25), data(30, 25)
check("matmul plus", f"""
  func.func @f(%a: {t([30, 20])}, %b: {t([20, 25])}, %c: {t([30, 25])}) -> {t([30, 25])} {{
    %p = adj.matmul %a, %b : {t([30, 20])}, {t([20, 25])} -> {t([30, 25])}
    %s = adj.add %p, %c : {t([30, 25])}, {t([30, 25])}
    return %s : {t([30, 25])}
  }}""", [a, b, c], [f64(a) @ f64(b) + f64(c)])

ct._count += 1
lib = ct.compile_source(source)
runs = []
for n in (1, 2, 1, 2):
    getattr(lib.dll, "t_set_num_threads")(n)
    runs.append(b"".join(r.tobytes() for r in lib.call("f", *inputs)))
if len(set(runs)) != 1:
    ct._failures.append("set_num_threads determinism")
    print("FAIL: outputs differ between 1 and 2 threads", file=sys.stderr)
ct._count += 1
files = []
for n in ("1", "2"):
    path = os.path.join(ct.tmpdir(), "out.bin")
    subprocess.run([sys.executable, __file__, lib.path, path], check=True,
                   env={**os.environ, "OMP_NUM_THREADS": n})
    files.append(open(path, "rb").read())
if files[0] != files[1] or files[0] != runs[0]:
    ct._failures.append("OMP_NUM_THREADS determinism")
    print("FAIL: outputs differ with OMP_NUM_THREADS", file=sys.stderr)

ct.done()
