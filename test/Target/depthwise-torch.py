# RUN: %python %s
# Compiled depthwise convolutions (adj.conv2d with one channel a group) and
# average pooling (a depthwise convolution with a kernel of ones), values
# and input gradients, against PyTorch in f64, at 1 and 2 threads with the
# same bits. In f32 and f64 they run the runtime's depthwise kernel
# (kernels.c): rows narrower than its vectors (11, 6, 9 outputs), one row
# wider (20, two vectors at stride 2), column strides 1 and 2 as vectors
# (masked at the padding), stride 3 as the scalar loop; planes enough for
# threads in the first cases. Wide rows (the 18 x 18 pooling, the 32 x 37,
# 20 x 40 and 24 x 24 convolutions) take its blocks of rows whose taps all
# read rows inside the input (whole-vector loads, FMAs masked at the padded
# columns) between the edge rows, at strides 1 and 2 and dilation 2.

import numpy as np
import torch
import torch.nn.functional as F

import adjtest
import compiletest
from adjtest import ty

rng = np.random.default_rng(5)
torch.set_default_dtype(torch.float64)

POOLS = [  # (N, C, H, W), kernel, stride, padding, exclude_padding
    ((16, 32, 11, 11), [3, 3], [2, 2], [1, 1], False),
    ((16, 32, 11, 11), [3, 3], [2, 2], [1, 1], True),
    ((2, 3, 8, 8), [2, 2], [2, 2], [0, 0], False),
    ((2, 3, 9, 10), [3, 2], [1, 1], [1, 1], False),
    ((2, 2, 9, 41), [3, 3], [2, 2], [1, 0], True),
    ((2, 3, 10, 11), [3, 3], [3, 3], [1, 1], False),
    ((2, 3, 18, 18), [3, 3], [1, 1], [1, 1], False),
]
CONVS = [  # (N, C, H, W), kernel, stride, padding, dilation
    ((16, 32, 13, 13), [3, 3], [1, 1], [0, 0], [1, 1]),
    ((4, 8, 12, 12), [3, 3], [2, 2], [1, 1], [1, 1]),
    ((3, 5, 11, 14), [3, 3], [1, 1], [2, 2], [2, 2]),
    ((2, 4, 9, 9), [5, 3], [2, 1], [2, 1], [1, 1]),
    ((4, 8, 32, 37), [3, 3], [1, 1], [1, 1], [1, 1]),
    ((2, 3, 20, 40), [5, 3], [1, 2], [2, 1], [1, 1]),
    ((2, 4, 24, 24), [3, 3], [1, 1], [2, 2], [2, 2]),
]


def check(label, source, x, t, expected):
    try:
        lib = compiletest.compile_source(source)
        results = []
        for threads in (1, 2):
            getattr(lib.dll, "t_set_num_threads")(threads)
            results.append(lib.call("main", x, t))
            got = [r.astype(np.float64) for r in results[-1]]
            tol = 1e-5 if x.dtype == np.float32 else 1e-12
            adjtest.check_results(f"{label} {threads} threads", got, expected,
                                  rtol=tol, atol=tol)
        adjtest.expect(f"{label}: the same bits at 1 and 2 threads",
                       all(np.array_equal(a, b)
                           for a, b in zip(results[0], results[1])))
    except RuntimeError as e:
        adjtest.expect(label, False, str(e))


def run(label, x, t, body, torch_fn):
    """main(x, t) = (y(x), d/dx sum(y(x) * t)) against PyTorch; `body`
    computes %y from %x."""
    xt = torch.tensor(x.astype(np.float64), requires_grad=True)
    y = torch_fn(xt)
    (g,) = torch.autograd.grad((y * torch.tensor(t.astype(np.float64))).sum(),
                               [xt])
    e = "f32" if x.dtype == np.float32 else "f64"
    source = f"""
func.func private @f(%x: {ty(x)}, %t: {ty(t)}) -> tensor<{e}> {{
  {body}
  %p = adj.mul %y, %t : {ty(t)}
  %s = adj.sum %p : {ty(t)} -> tensor<{e}>
  return %s : tensor<{e}>
}}
func.func @main(%x: {ty(x)} {{adj.name = "x"}}, %t: {ty(t)} {{adj.name = "t"}})
    -> ({ty(t)}, {ty(x)}) {{
  {body}
  %g = adj.grad @f(%x, %t) wrt [0] : ({ty(x)}, {ty(t)}) -> {ty(x)}
  return %y, %g : {ty(t)}, {ty(x)}
}}
"""
    check(f"{label} {e}", source, x, t, [y.detach().numpy(), g.numpy()])


for dtype in (np.float32, np.float64):
    for shape, k, s, p, exclude in POOLS:
        x = rng.normal(size=shape).astype(dtype)
        y = F.avg_pool2d(torch.zeros(shape), k, s, p)
        t = rng.normal(size=y.shape).astype(dtype)
        attrs = (f"kernel {k} stride {s} padding [{p[0]}, {p[1]}, {p[0]}, "
                 f"{p[1]}]" + (" exclude_padding" if exclude else ""))
        run(f"avg_pool2d {shape} {attrs}", x, t,
            f"%y = adj.avg_pool2d %x {attrs} : {ty(x)} -> {ty(t)}",
            lambda v: F.avg_pool2d(v, k, s, p, count_include_pad=not exclude))
    for shape, k, s, p, d in CONVS:
        x = rng.normal(size=shape).astype(dtype)
        w = rng.normal(size=(shape[1], 1, *k))
        y = F.conv2d(torch.zeros(shape), torch.tensor(w), None, s, p, d,
                     shape[1])
        t = rng.normal(size=y.shape).astype(dtype)
        e = "f32" if dtype == np.float32 else "f64"
        const = ", ".join("[" + ", ".join(
            "[" + ", ".join("[" + ", ".join(f"{v:.17g}" for v in row) + "]"
                            for row in plane) + "]" for plane in f) + "]"
            for f in w.astype(dtype).astype(np.float64))
        wtype = ty(w.shape, e)
        attrs = (f"stride {s} padding [{p[0]}, {p[1]}, {p[0]}, {p[1]}] "
                 f"dilation {d} groups {shape[1]}")
        wt = torch.tensor(w.astype(dtype).astype(np.float64))
        run(f"depthwise conv2d {shape} kernel {k} {attrs}", x, t,
            f"%w = adj.constant dense<[{const}]> : {wtype}\n  "
            f"%y = adj.conv2d %x, %w {attrs} : {ty(x)}, {wtype} -> {ty(t)}",
            lambda v: F.conv2d(v, wt, None, s, p, d, shape[1]))
adjtest.done()
