# RUN: %python %s
# Weight gradients of "same"-padded stride-1 convolutions (the output as
# large as the input), values and both gradients against PyTorch in f64, at
# 1 and 2 threads with the same bits. In f32 with AVX-512 the weight
# gradient takes the runtime's flat weight-gradient kernel (kernels.c,
# wgrad_flat): the cotangent, as the kernel, has rows as long as the
# input's, so a window's taps are one run of kh x kw elements of both,
# read in 16-float vectors across row ends, masked at the padding (read in
# place). Cases: oddconv's dilated 3x3 (11 x 11 planes, 32 channels in
# blocks of 4, 9 pixels in 4 + 5), 13 x 13 with 6 channels (4 + 2), 9 x 12
# rows under a 5x3 window (15 pixels), 25 pixels (a 5x5 window), rows of
# 17 (over a vector) and a batch of 1; f64 (the GEMM) as a control.

import numpy as np
import torch
import torch.nn.functional as F

import adjtest
import compiletest
from adjtest import ty

rng = np.random.default_rng(7)
torch.set_default_dtype(torch.float64)

CONVS = [  # (N, C, H, W), filters, kernel, padding, dilation
    ((4, 16, 11, 11), 32, (3, 3), (2, 2), (2, 2)),
    ((2, 3, 13, 13), 6, (3, 3), (1, 1), (1, 1)),
    ((3, 5, 9, 12), 7, (5, 3), (2, 1), (1, 1)),
    ((2, 4, 10, 10), 5, (5, 5), (2, 2), (1, 1)),
    ((3, 2, 6, 17), 3, (3, 3), (1, 1), (1, 1)),
    ((1, 3, 11, 11), 4, (3, 3), (2, 2), (2, 2)),
]


def check(label, source, inputs, expected, dtype):
    try:
        lib = compiletest.compile_source(source)
        results = []
        for threads in (1, 2):
            getattr(lib.dll, "t_set_num_threads")(threads)
            results.append(lib.call("main", *inputs))
            # Each output to within tol of its largest element: the weight
            # gradient sums hundreds of products that cancel (at -O0 in
            # another order than the kernel's).
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
        y = F.conv2d(tx, tw, None, 1, p, d)
        assert y.shape[2:] == x.shape[2:]
        t = rng.normal(size=y.shape).astype(dtype)
        gx, gw = torch.autograd.grad((y * torch.tensor(
            t.astype(np.float64))).sum(), [tx, tw])
        attrs = (f"padding [{p[0]}, {p[1]}, {p[0]}, {p[1]}] "
                 f"dilation [{d[0]}, {d[1]}]")
        X, W, T = ty(x), ty(w), ty(t)
        source = adjtest.conv2d_grads_program(X, W, T, attrs, e)
        check(f"conv2d {shape} {f}x{k} {attrs} {e}", source, [x, w, t],
              [y.detach().numpy(), gx.numpy(), gw.numpy()], dtype)
adjtest.done()
