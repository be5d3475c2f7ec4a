"""Single matmuls at one thread, side by side: Adjoint (one or more builds)
against NumPy's OpenBLAS sgemm and PyTorch eager, interleaved in one process.

    OPENBLAS_CORETYPE=SkylakeX chrt -f 1 /usr/bin/python3 tools/bench/gemm_grid.py \
        --builds /work/main/build,build [--shapes 8x2048x2048:nt,...]

A shape is MxKxN:V, C (M x N) = op(A) op(B) over K, V one of nn (A B), nt
(A B^T, B stored N x K: nn.Linear's forward and dy W^T) and tn (A^T B, A
stored K x M: a weight gradient x^T dy). Each model is one adj.matmul
compiled by each build's adjoint-compile and called through the C ABI with
ctypes; every sample is the mean of enough calls to take ~2 ms; the samples
of all implementations alternate. Prints GFLOP/s at the fastest, median
and slowest sample (the minimum, median and maximum time) and the ratio to
OpenBLAS (of the fastest and of the median); checks each result against
NumPy in float64.

The operands are NumPy's own arrays (16-byte aligned) unless --offset
places copies of them that many bytes past a 64-byte boundary (the same
arrays for every implementation): a transposed B read in place is slower
when its 64-byte loads straddle cache lines.
"""

import argparse
import ctypes
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402

GRID_M = [1, 8, 32, 256]
GRID_KN = [(1000, 1000), (1024, 1024), (2048, 2048), (1000, 4096), (4096, 1000)]


def default_shapes():
    shapes = []
    for m in GRID_M:
        for k, n in GRID_KN:
            shapes += [(m, k, n, "nn"), (m, k, n, "nt")]
    # The weight gradients of a batch of 256 and 32 (x^T dy: K is the batch).
    for m in (256, 32):
        for k, n in GRID_KN[:3]:
            shapes.append((k, m, n, "tn"))
    return shapes


def parse_shape(s):
    dims, _, v = s.partition(":")
    m, k, n = (int(x) for x in dims.split("x"))
    return m, k, n, v or "nn"


def source(m, k, n, v):
    t = lambda r, c: f"tensor<{r}x{c}xf32>"  # noqa: E731
    sa = t(k, m) if v == "tn" else t(m, k)
    sb = t(n, k) if v == "nt" else t(k, n)
    body = []
    a, b = "%a", "%b"
    if v == "tn":
        body.append(f"  %at = adj.transpose %a [1, 0] : {sa} -> {t(m, k)}")
        a = "%at"
    if v == "nt":
        body.append(f"  %bt = adj.transpose %b [1, 0] : {sb} -> {t(k, n)}")
        b = "%bt"
    body.append(f"  %c = adj.matmul {a}, {b} : {t(m, k)}, {t(k, n)} -> {t(m, n)}")
    return (f'func.func @mm(%a: {sa} {{adj.name = "a"}}, %b: {sb} {{adj.name = "b"}})\n'
            f'    -> ({t(m, n)} {{adj.name = "c"}}) {{\n' + "\n".join(body) +
            f"\n  return %c : {t(m, n)}\n}}\n")


def name(m, k, n, v):
    return f"{m}x{k}x{n}{v}"


def compile_model(build, shape, work, tag):
    src = os.path.join(work, name(*shape) + ".mlir")
    with open(src, "w") as f:
        f.write(source(*shape))
    lib = os.path.join(work, f"lib{name(*shape)}-{tag}.so")
    subprocess.run([os.path.join(build, "bin", "adjoint-compile"), src, "-o", lib,
                    "--prefix", "mm"], check=True)
    h = ctypes.CDLL(lib)
    ws = h.mm_mm_workspace_size
    ws.restype = ctypes.c_int64
    fn = h.mm_mm
    fn.restype = ctypes.c_int32
    fn.argtypes = [ctypes.c_void_p] * 4
    return fn, ws()


def aligned(nbytes, offset=0):
    raw = np.empty(nbytes + 64 + offset, np.uint8)
    off = (-raw.ctypes.data) % 64 + offset
    return raw[off:off + nbytes]


def placed(x, offset):
    """A copy of x starting `offset` bytes past a 64-byte boundary."""
    y = aligned(x.nbytes, offset).view(x.dtype).reshape(x.shape)
    y[...] = x
    return y


def sample(fn, inner):
    t0 = time.perf_counter_ns()
    for _ in range(inner):
        fn()
    return (time.perf_counter_ns() - t0) / inner


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--builds", default="build")
    ap.add_argument("--shapes", default="")
    ap.add_argument("--samples", type=int, default=15)
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--offset", type=int, default=None,
                    help="operands this many bytes past a 64-byte boundary")
    args = ap.parse_args()
    builds = args.builds.split(",")
    shapes = ([parse_shape(s) for s in args.shapes.split(",")] if args.shapes
              else default_shapes())
    torch = None
    if not args.no_torch:
        import torch
        torch.set_num_threads(1)
    work = tempfile.mkdtemp(prefix="gemm-grid-")
    rng = np.random.default_rng(0)
    cols = [f"adj[{i}]" for i in range(len(builds))] + ["openblas"] + (["torch"] if torch else [])
    print(f"{'shape':>18} " + " ".join(f"{c + ' best/med/worst GF':>28}" for c in cols)
          + "  adj/openblas (min, med)", flush=True)
    for shape in shapes:
        m, k, n, v = shape
        a = rng.standard_normal((k, m) if v == "tn" else (m, k)).astype(np.float32)
        b = rng.standard_normal((n, k) if v == "nt" else (k, n)).astype(np.float32)
        if args.offset is not None:
            a, b = placed(a, args.offset), placed(b, args.offset)
        opa = a.T if v == "tn" else a
        opb = b.T if v == "nt" else b
        ref = opa.astype(np.float64) @ opb.astype(np.float64)
        impls = []
        for i, build in enumerate(builds):
            fn, wsize = compile_model(build, shape, work, str(i))
            ws = aligned(max(wsize, 64))
            c = aligned(m * n * 4).view(np.float32).reshape(m, n)
            pa, pb, pc, pw = a.ctypes.data, b.ctypes.data, c.ctypes.data, ws.ctypes.data
            fn(pa, pb, pc, pw)
            err = np.abs(c - ref).max() / np.abs(ref).max()
            if not err < 1e-5:
                print(f"MISMATCH {name(*shape)} build {build}: {err:.1e}", flush=True)
            impls.append(lambda fn=fn, pa=pa, pb=pb, pc=pc, pw=pw, keep=(ws, c):
                         fn(pa, pb, pc, pw))
        cn = np.empty((m, n), np.float32)
        impls.append(lambda: np.matmul(opa, opb, out=cn))
        if torch:
            ta, tb = torch.from_numpy(a), torch.from_numpy(b)
            ta, tb = (ta.t() if v == "tn" else ta), (tb.t() if v == "nt" else tb)
            tc = torch.empty((m, n))
            impls.append(lambda: torch.matmul(ta, tb, out=tc))
        inner = []
        for f in impls:
            for _ in range(3):
                f()
            t = sample(f, 3)
            inner.append(max(1, int(2e6 / max(t, 1))))
        times = [[] for _ in impls]
        for _ in range(args.samples):
            for i, f in enumerate(impls):
                times[i].append(sample(f, inner[i]))
        flops = 2.0 * m * n * k
        stats = [(flops / min(t), flops / float(np.median(t)), flops / max(t))
                 for t in times]
        ob = len(builds)
        ratios = " ".join(f"{s[0] / stats[ob][0]:.2f},{s[1] / stats[ob][1]:.2f}"
                          for s in stats[:ob])
        print(f"{name(*shape):>18} " + " ".join(f"{s[0]:8.1f} {s[1]:8.1f} {s[2]:8.1f}" for s in stats)
              + " " + ratios, flush=True)


if __name__ == "__main__":
    main()
