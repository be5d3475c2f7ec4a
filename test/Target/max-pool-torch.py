# RUN: %python %s
# Compiled max pooling and its reverse derivative (adj.max_pool2d_scatter)
# against PyTorch in f64: tiling windows (stride = kernel, no padding), whose
# scatter is a loop over the windows, with input sizes that the windows
# cover exactly or leave a remainder of, in batches, with many ties (PyTorch
# and the reference both pick a window's first maximum in row-major order);
# and overlapping windows for comparison. The last two cases are large
# enough for adj-parallelize-loops to split the windows, their argmax and
# their scatter into chunks: they must give the same numbers at 1, 2 and 3
# threads. The f32 cases run the runtime's pooling kernels.

import numpy as np
import torch
import torch.nn.functional as F

import adjtest
import compiletest
from adjtest import ty

rng = np.random.default_rng(11)
torch.set_default_dtype(torch.float64)

CASES = [  # (N, C, H, W), kernel, stride
    ((3, 2, 8, 6), [2, 2], None),
    ((2, 3, 7, 9), [2, 2], None),
    ((1, 5, 9, 7), [3, 2], None),
    ((4, 1, 6, 10), [2, 3], None),
    ((2, 2, 5, 5), [1, 1], None),
    ((2, 3, 7, 8), [3, 3], [2, 2]),
    ((8, 6, 24, 24), [2, 2], None),
    ((2, 3, 6, 22), [2, 2], None),
    ((5, 7, 25, 27), [3, 3], [2, 2]),
    ((2, 2, 8, 8), [2, 2], None),
    ((3, 2, 5, 2), [2, 2], None),
]
# In f32, the runtime's pooling kernels (tiling windows): windows two
# columns wide read 16 (with AVX-512), 8 or 4 at a time (rows of 16 or more
# windows, of 8 to 15, of 4 to 7, a last vector overlapping the one
# before), 1 x 2 windows over rows of height 1, and the scalar loop (fewer
# than 4 windows, 3 columns wide); large enough for threads in the last
# case. (f64 reads 8, 4 or 2 doubles: 24 x 24, 6 x 22, 7 x 9, 8 x 6 above.)
# Rows of 8, 4 or 2 windows (f64: 4, 2, 1) scatter two rows of windows a
# vector (8 x 8, 9 x 17, 7 x 4, 9 x 8 below; 7 x 9, 8 x 8, 5 x 2 above),
# an odd last row alone.
CASES_F32 = [
    ((2, 3, 6, 40), [2, 2], None),
    ((1, 3, 9, 34), [3, 2], None),
    ((2, 3, 8, 26), [2, 2], None),
    ((3, 2, 9, 13), [2, 2], None),
    ((2, 4, 1, 37), [1, 2], None),
    ((2, 3, 6, 6), [2, 2], None),
    ((2, 2, 7, 10), [3, 3], None),
    ((16, 6, 24, 24), [2, 2], None),
    ((2, 3, 8, 8), [2, 2], None),
    ((2, 3, 9, 17), [2, 2], None),
    ((3, 2, 7, 4), [2, 2], None),
    ((2, 2, 9, 8), [3, 2], None),
]

CASES = [c + (np.float64,) for c in CASES] + [c + (np.float32,) for c in CASES_F32]

for shape, kernel, stride, dtype in CASES:
    s = stride or kernel
    pooled = (shape[0], shape[1], (shape[2] - kernel[0]) // s[0] + 1,
              (shape[3] - kernel[1]) // s[1] + 1)
    # Small integers: most windows hold a repeated maximum.
    x = rng.integers(-2, 3, size=shape).astype(dtype)
    t = rng.normal(size=pooled).astype(dtype)
    a = f" kernel {kernel}" + (f" stride {stride}" if stride else "")
    source = adjtest.func(f"""
        %y = adj.max_pool2d %x{a} : {ty(x)} -> {ty(t)}
        %g = adj.max_pool2d_scatter %x, %t{a} : {ty(x)}, {ty(t)} -> {ty(x)}
        return %y, %g : {ty(t)}, {ty(x)}""", {"x": x, "t": t})

    xt = torch.tensor(x.astype(np.float64), requires_grad=True)
    y = F.max_pool2d(xt, kernel, s)
    (g,) = torch.autograd.grad((y * torch.tensor(t.astype(np.float64))).sum(),
                               [xt])
    expected = [y.detach().numpy(), g.numpy()]
    label = f"max_pool2d {shape}{a} {np.dtype(dtype).name}"
    try:
        lib = compiletest.compile_source(source)
        for threads in (1, 2, 3):
            getattr(lib.dll, "t_set_num_threads")(threads)
            # f32 results hold the oracle's values exactly: the pooling
            # only selects and adds 0.
            got = [r.astype(np.float64) for r in lib.call("main", x, t)]
            adjtest.check_results(f"{label} {threads} threads", got, expected,
                                  rtol=0, atol=0)
    except RuntimeError as e:
        adjtest.expect(label, False, str(e))
adjtest.done()
