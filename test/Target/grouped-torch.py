# RUN: %python %s
# Compiled grouped convolutions (adj.conv2d ... groups G) and their input
# and weight gradients against PyTorch in f64, at 1, 2 and 3 threads with
# the same bits. In f32, groups that take a direct kernel run as one
# parallel loop over (image, group, item) (kernels.c, grouped_direct_s):
# the rows kernel on rows of 16 or more (stride 1 and 2), of 9 to 15
# (masked, a padded input read in place), of 8 (two rows a vector, or
# two 8-pixel input rows under padding); the
# weight-gradient kernels (a depthwise layer's weight gradient: one image
# of N channels a group, 1-2 items a group; more than 16 filters a group
# on 16-float vectors). Groups that take the GEMM (many channels, short
# rows, column strides above 2) still run one after the other. Odd sizes,
# strides, padding and dilation; every case is large enough for threads.

import numpy as np
import torch
import torch.nn.functional as F

import adjtest
import compiletest
from adjtest import ty

rng = np.random.default_rng(8)
torch.set_default_dtype(torch.float64)

CASES = [  # (N, C, H, W), O, (KH, KW), stride, padding, dilation, groups
    # grouped4's block: 4 groups of 8 channels, 32 x 32, padding 1
    ((4, 32, 32, 32), 32, (3, 3), (1, 1), (1, 1), (1, 1), 4),
    # depthwise's block: the weight gradient has 1-2 items a group
    ((6, 32, 32, 32), 32, (3, 3), (1, 1), (1, 1), (1, 1), 32),
    # depthwise with a channel multiplier of 3, odd sizes, dilation 2
    ((5, 7, 23, 29), 21, (3, 3), (1, 1), (2, 2), (2, 2), 7),
    # stride 2 (the forward's rows kernel reads every other column)
    ((4, 12, 27, 37), 18, (3, 3), (2, 2), (1, 1), (1, 1), 3),
    # 11-pixel rows: one masked vector, the padding read in place
    ((8, 12, 13, 11), 12, (3, 3), (1, 1), (1, 1), (1, 1), 6),
    # 8-pixel output rows, two a vector; a 5 x 3 window, stride (2, 1)
    ((7, 10, 19, 10), 10, (5, 3), (2, 1), (2, 0), (1, 1), 5),
    # 8-pixel input rows under padding (the input gradient's 8 x 8 rows
    # read along the input, two rows a vector)
    ((9, 6, 8, 8), 6, (3, 3), (1, 1), (2, 2), (1, 1), 3),
    # 1-D rows (height 1), 40 filters a group (weight gradient on 16-float
    # vectors)
    ((3, 8, 1, 61), 80, (1, 5), (1, 1), (0, 2), (1, 1), 2),
    # many channels a group with short rows: the GEMM, group by group
    ((4, 64, 6, 6), 64, (3, 3), (1, 1), (1, 1), (1, 1), 2),
    # a column stride of 3: column phases, group by group
    ((3, 6, 20, 31), 6, (3, 3), (1, 3), (1, 1), (1, 1), 2),
]


def check(label, source, inputs, expected, dtype):
    try:
        lib = compiletest.compile_source(source)
        results = []
        for threads in (1, 2, 3):
            getattr(lib.dll, "t_set_num_threads")(threads)
            results.append(lib.call("f", *inputs))
            # Each output to within tol of its largest element: the weight
            # gradients are sums of thousands of products.
            tol = 1e-5 if dtype == np.float32 else 1e-12
            adjtest.check_each_to_max(f"{label} {threads} threads",
                                      results[-1], expected, tol)
        adjtest.expect(f"{label}: the same bits at 1, 2 and 3 threads",
                       all(np.array_equal(a, b) for r in results[1:]
                           for a, b in zip(results[0], r)))
    except RuntimeError as e:
        adjtest.expect(label, False, str(e))


for dtype in (np.float32, np.float64):
    e = "f32" if dtype == np.float32 else "f64"
    for xs, o, (kh, kw), st, pad, dil, groups in CASES:
        if dtype == np.float64 and xs[0] * xs[1] * xs[2] * xs[3] > 100000:
            continue  # f64 takes the GEMM: the small cases suffice
        x = rng.normal(size=xs).astype(dtype)
        w = (rng.normal(size=(o, xs[1] // groups, kh, kw)) /
             np.sqrt(kh * kw * xs[1] // groups)).astype(dtype)
        tx = torch.tensor(x.astype(np.float64), requires_grad=True)
        tw = torch.tensor(w.astype(np.float64), requires_grad=True)
        y = F.conv2d(tx, tw, None, st, pad, dil, groups)
        dy = rng.normal(size=y.shape).astype(dtype)
        y.backward(torch.tensor(dy.astype(np.float64)))
        expected = [y.detach().numpy(), tx.grad.numpy(), tw.grad.numpy()]
        attrs = (f"stride [{st[0]}, {st[1]}] padding [{pad[0]}, {pad[1]}, "
                 f"{pad[0]}, {pad[1]}] dilation [{dil[0]}, {dil[1]}] "
                 f"groups {groups}")
        types = f"{ty(x)}, {ty(w)}"
        source = f"""
func.func private @conv(%x: {ty(x)}, %w: {ty(w)}) -> {ty(dy)} {{
  %y = adj.conv2d %x, %w {attrs} : {types} -> {ty(dy)}
  return %y : {ty(dy)}
}}
func.func @f(%x: {ty(x)} {{adj.name = "x"}}, %w: {ty(w)} {{adj.name = "w"}},
             %dy: {ty(dy)} {{adj.name = "dy"}})
    -> ({ty(dy)}, {ty(x)}, {ty(w)}) {{
  %y, %dx, %dw = adj.vjp @conv(%x, %w) cotangents(%dy)
      : ({types}, {ty(dy)}) -> ({ty(dy)}, {types})
  return %y, %dx, %dw : {ty(dy)}, {types}
}}
"""
        check(f"conv2d {xs} {o}x{kh}x{kw} {attrs} {e}", source, [x, w, dy],
              expected, dtype)
adjtest.done()
