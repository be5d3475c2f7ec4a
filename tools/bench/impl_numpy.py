#!/usr/bin/python3
"""The NumPy baselines of the benchmark: float32, hand-written backward.

  impl_numpy.py --threads N [--workloads mlp,cnn] [--budget S] [--min-runs K]
  impl_numpy.py --gemm ...

prints one JSON line per measurement: `numpy` fwd and fwdbwd for every
workload, and `blas-gemm-floor` for mlp and ffn: only the matrix products
of the computation (np.matmul into preallocated outputs), the time any
implementation built on BLAS calls needs even if everything else were free.
With --gemm it times only np.matmul at every GEMM shape of
workloads.GEMM_SHAPES (impl `openblas`), for target T6.
`GRAD[name](inputs)` -> (loss, {name: gradient}) is importable (bench.py
checks it against PyTorch like every other implementation).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import timing  # noqa: E402

if __name__ == "__main__":
    ARGS = argparse.ArgumentParser()
    ARGS.add_argument("--threads", type=int, default=1)
    ARGS.add_argument("--workloads", default="mlp,mlp-small,ffn,cnn,chain")
    ARGS.add_argument("--budget", type=float, default=0.5)
    ARGS.add_argument("--min-runs", type=int, default=10)
    ARGS.add_argument("--gemm", action="store_true",
                      help="time np.matmul (OpenBLAS) at each GEMM shape instead")
    ARGS = ARGS.parse_args()
    timing.set_thread_env(ARGS.threads)

import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402

f32 = np.float32


def softmax_ce(z, labels, need_grad):
    """Mean cross-entropy of softmax(z) and, if asked, its gradient."""
    n = z.shape[0]
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = f32(np.mean(np.log(s[:, 0]) - z[rows, labels]))
    if not need_grad:
        return loss, None
    g = e / s
    g[rows, labels] -= 1
    g *= f32(1 / n)
    return loss, g


def mlp(p, need_grad):
    x = p["x"]
    z1 = x @ p["W1"] + p["b1"]
    h1 = np.maximum(z1, 0)
    z2 = h1 @ p["W2"] + p["b2"]
    h2 = np.maximum(z2, 0)
    loss, dz3 = softmax_ce(h2 @ p["W3"] + p["b3"], p["labels"], need_grad)
    if not need_grad:
        return loss, None
    dz2 = (dz3 @ p["W3"].T) * (z2 > 0)
    dz1 = (dz2 @ p["W2"].T) * (z1 > 0)
    return loss, {"W1": x.T @ dz1, "b1": dz1.sum(0), "W2": h1.T @ dz2,
                  "b2": dz2.sum(0), "W3": h2.T @ dz3, "b3": dz3.sum(0)}


def mlp_small(p, need_grad):
    x = p["x"]
    h1 = np.tanh(x @ p["W1"] + p["b1"])
    h2 = np.tanh(h1 @ p["W2"] + p["b2"])
    d = h2 @ p["W3"] + p["b3"] - p["target"]
    loss = f32(np.mean(d * d))
    if not need_grad:
        return loss, None
    dy = d * f32(2 / d.size)
    dz2 = (dy @ p["W3"].T) * (1 - h2 * h2)
    dz1 = (dz2 @ p["W2"].T) * (1 - h1 * h1)
    return loss, {"W1": x.T @ dz1, "b1": dz1.sum(0), "W2": h1.T @ dz2,
                  "b2": dz2.sum(0), "W3": h2.T @ dy, "b3": dy.sum(0)}


GELU_K = f32(np.sqrt(2 / np.pi))
GELU_C = f32(0.044715)


def ffn(p, need_grad):
    x, gamma = p["x"], p["gamma"]
    xc = x - x.mean(axis=1, keepdims=True)
    rstd = 1 / np.sqrt((xc * xc).mean(axis=1, keepdims=True) + f32(1e-5))
    xhat = xc * rstd
    n = xhat * gamma + p["beta"]
    u = n @ p["W1"] + p["b1"]
    th = np.tanh(GELU_K * (u + GELU_C * u * u * u))
    h = f32(0.5) * u * (1 + th)
    y = h @ p["W2"] + p["b2"] + x
    loss = f32(np.sum(y * y))
    if not need_grad:
        return loss, None
    dy = 2 * y
    dh = dy @ p["W2"].T
    dth = (1 - th * th) * GELU_K * (1 + 3 * GELU_C * u * u)
    du = dh * f32(0.5) * (1 + th + u * dth)
    dn = du @ p["W1"].T
    dxhat = dn * gamma
    dx = rstd * (dxhat - dxhat.mean(axis=1, keepdims=True)
                 - xhat * (dxhat * xhat).mean(axis=1, keepdims=True))
    return loss, {"x": dx + dy, "gamma": (dn * xhat).sum(0),
                  "beta": dn.sum(0), "W1": n.T @ du, "b1": du.sum(0),
                  "W2": h.T @ dy, "b2": dy.sum(0)}


def conv(x, K, c):
    """Valid cross-correlation, NCHW x OIHW, and the input windows."""
    win = sliding_window_view(x, K.shape[2:], axis=(2, 3))
    y = np.tensordot(win, K, axes=([1, 4, 5], [1, 2, 3]))
    return np.ascontiguousarray(y.transpose(0, 3, 1, 2)) + c[:, None, None], win


def conv_input_grad(dy, K, x_shape):
    kh, kw = K.shape[2:]
    ho, wo = dy.shape[2:]
    cols = np.tensordot(dy, K, axes=([1], [0]))  # N, Ho, Wo, C, kh, kw
    dx = np.zeros(x_shape, f32)
    for i in range(kh):
        for j in range(kw):
            dx[:, :, i:i + ho, j:j + wo] += cols[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return dx


def pool(a):
    n, c, h, w = a.shape
    r = a.reshape(n, c, h // 2, 2, w // 2, 2)
    return r.max(axis=(3, 5)), r


def pool_grad(dp, r, p):
    # Each window's cotangent goes to its first maximum, as PyTorch does.
    n, c, h, _, w, _ = r.shape
    flat = r.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h, w, 4)
    first = (flat == p[..., None]).argmax(axis=-1)
    d = np.zeros_like(flat)
    np.put_along_axis(d, first[..., None], dp[..., None], axis=-1)
    return d.reshape(n, c, h, w, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(
        n, c, 2 * h, 2 * w)


def cnn(p, need_grad):
    z1, win1 = conv(p["x"], p["K1"], p["c1"])
    p1, r1 = pool(np.maximum(z1, 0))
    z2, win2 = conv(p1, p["K2"], p["c2"])
    p2, r2 = pool(np.maximum(z2, 0))
    feat = p2.reshape(p2.shape[0], -1)
    loss, dz = softmax_ce(feat @ p["W"] + p["b"], p["labels"], need_grad)
    if not need_grad:
        return loss, None
    dz2 = pool_grad((dz @ p["W"].T).reshape(p2.shape), r2, p2) * (z2 > 0)
    dp1 = conv_input_grad(dz2, p["K2"], p1.shape)
    dz1 = pool_grad(dp1, r1, p1) * (z1 > 0)
    dK = lambda dy, win: np.tensordot(dy, win, axes=([0, 2, 3], [0, 2, 3]))  # noqa: E731
    return loss, {"K1": dK(dz1, win1), "c1": dz1.sum((0, 2, 3)),
                  "K2": dK(dz2, win2), "c2": dz2.sum((0, 2, 3)),
                  "W": feat.T @ dz, "b": dz.sum(0)}


def chain(p, need_grad):
    x = p["x"]
    t = np.tanh(x)
    s = 1 / (1 + np.exp(-x))
    e = np.exp(-(x * x))
    loss = f32(np.sum(t * s + e))
    if not need_grad:
        return loss, None
    return loss, {"x": (1 - t * t) * s + t * s * (1 - s) - 2 * x * e}


GRAD = {"mlp": mlp, "mlp-small": mlp_small, "ffn": ffn, "cnn": cnn,
        "chain": chain}


def gemm_floor(name, p):
    """(fwd, fwdbwd) closures doing only the workload's matrix products."""
    def buf(*shape):
        return np.ones(shape, f32)

    if name == "mlp":
        shapes_fwd = [((64, 784), (784, 512)), ((64, 512), (512, 512)),
                      ((64, 512), (512, 10))]
        # dW3 = h2^T dz3, dz2 = dz3 W3^T, dW2 = h1^T dz2, dz1 = dz2 W2^T, dW1 = x^T dz1
        shapes_bwd = [((512, 64), (64, 10)), ((64, 10), (10, 512)),
                      ((512, 64), (64, 512)), ((64, 512), (512, 512)),
                      ((784, 64), (64, 512))]
    elif name == "ffn":
        shapes_fwd = [((128, 256), (256, 1024)), ((128, 1024), (1024, 256))]
        shapes_bwd = [((1024, 128), (128, 256)), ((128, 256), (256, 1024)),
                      ((256, 128), (128, 1024)), ((128, 1024), (1024, 256))]
    else:
        return None
    # Transposed operands are views, as in the hand-written backward.
    def products(shapes):
        out = []
        for (m, k), (k2, n) in shapes:
            a = buf(k, m).T if m > k else buf(m, k)
            out.append((a, buf(k2, n), buf(m, n)))
        return out
    fwd_ops, bwd_ops = products(shapes_fwd), products(shapes_bwd)

    def fwd():
        for a, b, c in fwd_ops:
            np.matmul(a, b, out=c)

    def fwdbwd():
        for a, b, c in fwd_ops + bwd_ops:
            np.matmul(a, b, out=c)
    return fwd, fwdbwd


def main():
    from workloads import GEMM_SHAPES, gemm_inputs, gemm_name, make_inputs
    blas = timing.loaded_blas()
    if ARGS.gemm:
        for shape in GEMM_SHAPES:
            a, b = gemm_inputs(shape).values()
            c = np.empty((shape[0], shape[2]), f32)
            stats = timing.measure(lambda: np.matmul(a, b, out=c), ARGS.budget,
                                   ARGS.min_runs)
            timing.emit(gemm_name(shape), "openblas", ARGS.threads, "fwd", stats,
                        blas=blas)
        return
    for name in ARGS.workloads.split(","):
        p = make_inputs(name)
        fn = GRAD[name]
        steps = [("numpy", "fwd", lambda: fn(p, False)),
                 ("numpy", "fwdbwd", lambda: fn(p, True))]
        floor = gemm_floor(name, p)
        if floor:
            steps += [("blas-gemm-floor", "fwd", floor[0]),
                      ("blas-gemm-floor", "fwdbwd", floor[1])]
        for impl, phase, step in steps:
            stats = timing.measure(step, ARGS.budget, ARGS.min_runs)
            timing.emit(name, impl, ARGS.threads, phase, stats, blas=blas)


if __name__ == "__main__":
    main()
