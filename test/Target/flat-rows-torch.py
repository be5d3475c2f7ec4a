# RUN: %python %s
# Stride-1 convolutions whose output rows are 9 to 15 pixels long and as
# long as the input's ("same"-padded), values and both gradients against
# PyTorch in f64, at 1 and 2 threads with the same bits. In f32 with
# AVX-512 the forward and the input gradient take the runtime's flat rows
# kernel (kernels.c, rows_flat): 16-float vectors along the flattened
# output plane, each tap a constant shift of the input plane, masked where
# the tap's row or column is outside the input (the padding, read in
# place, and columns that wrap to the next row). Cases: oddconv's dilated
# 3x3 (11 x 11, 16 -> 32 channels, its batch of 16: 8 vectors a plane,
# 121 pixels, in blocks of 4; 32 channels in blocks of 5 and 6), 9 x 9
# (6 vectors, 3 + 3), 15 x 15 under 5x5 (15 vectors, 3 + 4 + 4 + 4), 10 x
# 14 under 3x5, a 7x7 window on 12 x 12 with 20 channels, asymmetric
# padding (the image's last column and row padded), a batch of 1; f64 (the
# GEMM) as a control.

import numpy as np
import torch
import torch.nn.functional as F

import adjtest
import compiletest
from adjtest import ty

rng = np.random.default_rng(11)
torch.set_default_dtype(torch.float64)

CONVS = [  # (N, C, H, W), filters, kernel, padding [t, l, b, r], dilation
    ((16, 16, 11, 11), 32, (3, 3), (2, 2, 2, 2), (2, 2)),
    ((3, 5, 9, 9), 7, (3, 3), (1, 1, 1, 1), (1, 1)),
    ((2, 4, 15, 15), 13, (5, 5), (2, 2, 2, 2), (1, 1)),
    ((2, 3, 10, 14), 6, (3, 5), (1, 2, 1, 2), (1, 1)),
    ((2, 2, 12, 12), 20, (7, 7), (3, 3, 3, 3), (1, 1)),
    ((3, 4, 11, 11), 5, (3, 3), (0, 0, 2, 2), (1, 1)),
    ((1, 6, 13, 13), 9, (3, 3), (2, 2, 2, 2), (2, 2)),
]


def check(label, source, inputs, expected, dtype):
    try:
        lib = compiletest.compile_source(source)
        results = []
        for threads in (1, 2):
            getattr(lib.dll, "t_set_num_threads")(threads)
            results.append(lib.call("main", *inputs))
            tol = 1e-5 if dtype == np.float32 else 1e-12
            adjtest.check_each_to_max(f"{label} {threads} threads",
                                      results[-1], expected, tol)
        adjtest.expect(f"{label}: the same bits at 1 and 2 threads",
                       all(np.array_equal(a, b)
                           for a, b in zip(results[0], results[1])))
    except RuntimeError as e:
        adjtest.expect(label, False, str(e))


for dtype in (np.float32, np.float64):
    e = "f32" if dtype == np.float32 else "f64"
    for shape, f, k, p, d in CONVS:
        x = rng.normal(size=shape).astype(dtype)
        w = rng.normal(size=(f, shape[1], *k)).astype(dtype)
        tx = torch.tensor(x.astype(np.float64), requires_grad=True)
        tw = torch.tensor(w.astype(np.float64), requires_grad=True)
        y = F.conv2d(F.pad(tx, (p[1], p[3], p[0], p[2])), tw, None, 1, 0, d)
        assert y.shape[2:] == x.shape[2:]
        t = rng.normal(size=y.shape).astype(dtype)
        gx, gw = torch.autograd.grad((y * torch.tensor(
            t.astype(np.float64))).sum(), [tx, tw])
        attrs = (f"padding [{p[0]}, {p[1]}, {p[2]}, {p[3]}] "
                 f"dilation [{d[0]}, {d[1]}]")
        X, W, T = ty(x), ty(w), ty(t)
        source = adjtest.conv2d_grads_program(X, W, T, attrs, e)
        check(f"conv2d {shape} {f}x{k} {attrs} {e}", source, [x, w, t],
              [y.detach().numpy(), gx.numpy(), gw.numpy()], dtype)
adjtest.done()
