# RUN: %python %s f32
# (kernels-f64.test runs this file with f64.)
# The kernel runtime (lib/Runtime/kernels.c and gemm.inc, reached through
# adj-lower-to-kernels) against NumPy, for the element type given (f32 or
# f64): matmuls whose M, N, K straddle the runtime's blocking (MR 6 or 8,
# NR 16 or 32 floats / 8 or 16 doubles, KC 256), from 1x1x1 up, on both of its
# paths (packed and blocked; direct for small products and for narrow
# ones, N up to NR, with one-column and few-row special cases); transposed
# operands (read through strides, the transpose erased); batched products
# with and without a broadcast operand; operands that are strided views
# (slices); an output that accumulates into a non-zero buffer. Every
# product is held to the rounding error bound of a K-term sum against a
# long double reference. Then the results are bitwise identical at 1, 2 and
# 3 threads, through the library's <prefix>_set_num_threads, and at 1 and 2
# through OMP_NUM_THREADS in fresh processes.
import os
import subprocess
import sys

import numpy as np
import compiletest as ct

ELEM = sys.argv[1]
DTYPE = ct.DTYPES[ELEM]
rng = np.random.default_rng(11)


def t(shape):
    return "tensor<" + "x".join(map(str, shape)) + "x" + ELEM + ">"


class Product:
    """A @ B (+ C) in long double (exact to about 2^-64), and the bound on
    the rounding error of ELEM's arithmetic in any summation order, with or
    without FMA: gamma(K + 1) (|A| |B| + |C|), gamma(n) = n u / (1 - n u)."""

    def __init__(self, a, b, c=None):
        ld = np.longdouble
        self.exact = a.astype(ld) @ b.astype(ld)
        scale = np.abs(a).astype(ld) @ np.abs(b).astype(ld)
        if c is not None:
            self.exact += c
            scale += np.abs(c)
        nu = (a.shape[-1] + 1) * np.finfo(DTYPE).eps / 2
        self.bound = nu / (1 - nu) * scale


def check(label, source, inputs, want):
    ct._count += 1
    try:
        lib = ct.compile_source(source)
        got = lib.call("f", *inputs)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            if not isinstance(w, Product):
                ct.compare(g, w, ELEM, label)
                continue
            excess = np.abs(g - w.exact) - w.bound
            assert excess.max() <= 0, (
                f"{label}: error above the bound at "
                f"{np.unravel_index(excess.argmax(), excess.shape)}")
    except (AssertionError, RuntimeError, OSError) as e:
        ct._failures.append(label)
        print(f"FAIL {label}: {str(e).strip()}\n  {source}", file=sys.stderr)


def data(*shape):
    return rng.standard_normal(shape).astype(DTYPE)


# Determinism: products large enough to be split over threads (packed,
# narrow, one-column, and a direct one of a short reduction, alone and as a
# batch whose items are split over the threads: attention's heads, with a
# one-row last tile); a convolution with its gradient, each convolution
# large enough to be split (the forward and input gradient on the direct
# rows kernel, the weight gradient on the direct weight-gradient kernel;
# examples/cnn.mlir is covered by determinism.test); and large elementwise
# loops with reductions, which adj-parallelize-loops splits into chunks: a
# sum over 2^18 elements (one partial result per chunk) and column sums
# (split by columns). Narrow products with several KC steps, split along
# their long side with the narrow operand packed by every thread: A of 24
# rows, B of 50 (f32) or 30 columns (f64; 30 is direct in f32). Products
# of one row block (80 rows) whose threads each pack the slivers of B they
# compute, in their first tile (gemm.inc, micro_kernel): 80x300x300 at 2
# threads (10 slivers of 32 floats, a ragged last one packed apart),
# 80x260x300 at 3 (9 slivers). A batch of 64 times a transposed B
# (mlp's dz W^T), computed transposed with B^T read in place: at 2 and 3
# threads each thread packs A^T whole and takes its share of B^T's rows.
# A reduction shorter than a vector (K = 9, 900 x 260: above the direct
# path's threshold for threads) on the direct path, B's panels copied.
# Eight rows times a transposed B of 900 columns (dot tiles, gemm.inc
# dots_fit): the threads take whole groups of 8 columns, 112.5 of them.
# Four rows times a row-major B of 260 columns (row tiles, rows_fit): 5
# tiles of 64 columns, the last of 4. One row times a row-major B of 300
# columns (gemv_cols): the threads take whole vectors of C, 18.75 of them
# (f32 with AVX-512), B's 900 rows 8 at a time, the last 4 apart.
xt, kt, yt = t([8, 3, 20, 20]), t([16, 3, 5, 5]), t([8, 16, 16, 16])
source = f"""
  func.func private @conv(%x: {xt}, %k: {kt}) -> {yt} {{
    %y = adj.conv2d %x, %k : {xt}, {kt} -> {yt}
    return %y : {yt}
  }}
  func.func @f(%a: {t([200, 300])}, %b: {t([300, 260])}, %x: {xt}, %k: {kt}, %dy: {yt},
               %w: {t([300, 10])}, %e: {t([900, 300])}, %v: {t([300, 1])}, %q: {t([512, 512])},
               %h: {t([6, 129, 64])}, %g: {t([6, 64, 128])},
               %na: {t([24, 1000])}, %nb: {t([1000, 300])}, %tb: {t([900, 80])},
               %u: {t([64, 512])}, %gr: {t([1, 900])})
      -> ({t([200, 260])}, {yt}, {xt}, {kt}, {t([200, 10])}, {t([900, 1])},
          tensor<{ELEM}>, {t([512])}, {t([512, 512])}, {t([6, 129, 128])},
          {t([200, 64])}, {t([24, 300])}, {t([300, 50])}, {t([300, 30])},
          {t([80, 300])}, {t([80, 260])}, {t([64, 512])}, {t([900, 260])},
          {t([8, 900])}, {t([4, 260])}, {t([1, 300])}) {{
    %c = adj.matmul %a, %b : {t([200, 300])}, {t([300, 260])} -> {t([200, 260])}
    %y, %dx, %dk = adj.vjp @conv(%x, %k) cotangents(%dy)
        : ({xt}, {kt}, {yt}) -> ({yt}, {xt}, {kt})
    %n = adj.matmul %a, %w : {t([200, 300])}, {t([300, 10])} -> {t([200, 10])}
    %o = adj.matmul %e, %v : {t([900, 300])}, {t([300, 1])} -> {t([900, 1])}
    %th = adj.tanh %q : {t([512, 512])}
    %sq = adj.mul %q, %q : {t([512, 512])}, {t([512, 512])}
    %ex = adj.exp %sq : {t([512, 512])}
    %p = adj.div %th, %ex : {t([512, 512])}, {t([512, 512])}
    %l = adj.sum %p : {t([512, 512])} -> tensor<{ELEM}>
    %cols = adj.sum %p axes [0] : {t([512, 512])} -> {t([512])}
    %heads = adj.matmul %h, %g : {t([6, 129, 64])}, {t([6, 64, 128])} -> {t([6, 129, 128])}
    %sa = adj.slice %a start [0, 0] limit [200, 256] stride [1, 1] : {t([200, 300])} -> {t([200, 256])}
    %sb = adj.slice %b start [0, 0] limit [256, 64] stride [1, 1] : {t([300, 260])} -> {t([256, 64])}
    %short = adj.matmul %sa, %sb : {t([200, 256])}, {t([256, 64])} -> {t([200, 64])}
    %wide = adj.matmul %na, %nb : {t([24, 1000])}, {t([1000, 300])} -> {t([24, 300])}
    %ta = adj.transpose %e [1, 0] : {t([900, 300])} -> {t([300, 900])}
    %tb50 = adj.slice %tb start [0, 0] limit [900, 50] stride [1, 1] : {t([900, 80])} -> {t([900, 50])}
    %tb30 = adj.slice %tb start [0, 50] limit [900, 80] stride [1, 1] : {t([900, 80])} -> {t([900, 30])}
    %tall = adj.matmul %ta, %tb50 : {t([300, 900])}, {t([900, 50])} -> {t([300, 50])}
    %tall2 = adj.matmul %ta, %tb30 : {t([300, 900])}, {t([900, 30])} -> {t([300, 30])}
    %ea = adj.slice %e start [0, 0] limit [80, 300] stride [1, 1] : {t([900, 300])} -> {t([80, 300])}
    %bb = adj.slice %nb start [0, 0] limit [300, 300] stride [1, 1] : {t([1000, 300])} -> {t([300, 300])}
    %mid = adj.matmul %ea, %bb : {t([80, 300])}, {t([300, 300])} -> {t([80, 300])}
    %mid2 = adj.matmul %ea, %b : {t([80, 300])}, {t([300, 260])} -> {t([80, 260])}
    %qt = adj.transpose %q [1, 0] : {t([512, 512])} -> {t([512, 512])}
    %ub = adj.matmul %u, %qt : {t([64, 512])}, {t([512, 512])} -> {t([64, 512])}
    %ke = adj.slice %e start [0, 0] limit [900, 9] stride [1, 1] : {t([900, 300])} -> {t([900, 9])}
    %kb = adj.slice %b start [0, 0] limit [9, 260] stride [1, 1] : {t([300, 260])} -> {t([9, 260])}
    %k9 = adj.matmul %ke, %kb : {t([900, 9])}, {t([9, 260])} -> {t([900, 260])}
    %a8 = adj.slice %a start [0, 0] limit [8, 300] stride [1, 1] : {t([200, 300])} -> {t([8, 300])}
    %et = adj.transpose %e [1, 0] : {t([900, 300])} -> {t([300, 900])}
    %d8 = adj.matmul %a8, %et : {t([8, 300])}, {t([300, 900])} -> {t([8, 900])}
    %a4 = adj.slice %a start [0, 0] limit [4, 300] stride [1, 1] : {t([200, 300])} -> {t([4, 300])}
    %r4 = adj.matmul %a4, %b : {t([4, 300])}, {t([300, 260])} -> {t([4, 260])}
    %gv = adj.matmul %gr, %e : {t([1, 900])}, {t([900, 300])} -> {t([1, 300])}
    return %c, %y, %dx, %dk, %n, %o, %l, %cols, %p, %heads, %short, %wide, %tall, %tall2,
           %mid, %mid2, %ub, %k9, %d8, %r4, %gv
        : {t([200, 260])}, {yt}, {xt}, {kt}, {t([200, 10])}, {t([900, 1])},
          tensor<{ELEM}>, {t([512])}, {t([512, 512])}, {t([6, 129, 128])},
          {t([200, 64])}, {t([24, 300])}, {t([300, 50])}, {t([300, 30])},
          {t([80, 300])}, {t([80, 260])}, {t([64, 512])}, {t([900, 260])},
          {t([8, 900])}, {t([4, 260])}, {t([1, 300])}
  }}"""
det_rng = np.random.default_rng(5)
inputs = [det_rng.standard_normal(s).astype(DTYPE)
          for s in [(200, 300), (300, 260), (8, 3, 20, 20), (16, 3, 5, 5),
                    (8, 16, 16, 16), (300, 10), (900, 300), (300, 1),
                    (512, 512), (6, 129, 64), (6, 64, 128), (24, 1000),
                    (1000, 300), (900, 80), (64, 512), (1, 900)]]
if len(sys.argv) == 4:  # child: run the library, write its outputs
    lib = ct.Library(sys.argv[2], "t")
    with open(sys.argv[3], "wb") as out:
        for r in lib.call("f", *inputs):
            out.write(r.tobytes())
    sys.exit(0)


# Plain and transposed 2-D products over awkward sizes (M, N, K). The
# direct path: small ones (up to 2^16 multiply-adds), with N in whole
# vectors or not, over one to three panels (1x64x64 with B transposed is
# mlp-small's dz2 W2^T: dot products); narrow ones (N <= 32) of any size,
# with a ragged last row tile (37 rows: 8- and 6-row tiles); one column
# (N = 1: dot products, or the transposed product); K = 1 outer products;
# one row with an odd K (two accumulator chains and a tail); few rows
# with B transposed (dot products, VL columns folded together, with K
# and N tails: 3x70x20, 1x40x33). The packed path's A panels: row-major
# (vectors of each row transposed in registers) or transposed (runs of
# each column), with MR not dividing M, K past the last whole vector
# (83x70x45, 33x100x531: KC blocks of 177) or under one (200x64x7).
# B's slivers packed in groups of 8 read row by row: 19x600x70 has two
# whole groups and a ragged third (f32 with AVX-512's 32-column slivers;
# f64's 16-column slivers: four whole groups and a ragged fifth);
# 5x2100x300 and 9x2304x600 pack them again for a second K block and a
# second NC block of columns. (Whole slivers of a row-major B are packed by
# the first tile that reads them, the ragged last one apart.) A batch of
# 32 or 64 rows times a transposed B (bT) is computed as its transpose with
# B^T read in place and C's tiles stored transposed (with AVX-512 in f32):
# 64x512x512 (mlp's dz2 W2^T), 32x40x300 (one sliver of A^T, two K
# blocks); 64x40x100 (K too short) and 40x40x300 (a ragged sliver) not.
# A reduction shorter than a vector takes the direct path: 64x512x10
# (mlp's dz3 W3^T with B transposed: its panels copied column by column),
# 200x64x7. Up to MR rows times a transposed B above the direct path's
# size: dot tiles (dots_fit), for every row count's tile width (8, 4 or 2
# columns) with a ragged last column and a K past the last whole vector:
# 1x333x257, 3x101x300, 7x99x130, 8x70x520, and 2x200x300, 5x2100x300;
# also within the direct path's size, for 8 rows (its copied panels) and
# for fewer with K past whole vectors or of 8 and more (its dot products):
# 3x70x20, 6x16x256, 7x17x257, 1x40x33, 8x50x40 (8 rows: 2-column tiles,
# K's last 8) and 4x30x100 (4-column tiles, the last 2 columns one at a
# time); 1x64x64 keeps the dot products (in f32: 4 vectors of K).
# Up to 4 rows times a row-major B (or A transposed) above that size: row
# tiles (rows_fit), 8, 5 or 4 vectors wide for 2-4 rows, each with a ragged
# last tile: 2x300x130, 3x250x100, 4x200x90, and 2x200x300; one row as a
# GEMV (gemv_cols: B's rows 8 at a time into C's columns in 16 KiB chunks)
# with a ragged last vector, last block of rows and last chunk: 1x1000x70,
# 1x4100x21 (chunks of 4096 + 4 floats, 2048 + 2048 + 4 doubles; rows
# 8 + 8 + 5).
sizes = [(1, 333, 257), (3, 101, 300), (7, 99, 130), (8, 70, 520),
         (1, 1000, 70), (1, 4100, 21), (2, 300, 130), (3, 250, 100), (4, 200, 90),
         (1, 1, 1), (1, 7, 3), (5, 1, 9), (6, 16, 256), (7, 17, 257),
         (13, 33, 70), (64, 10, 512), (97, 130, 300), (250, 40, 520),
         (1, 64, 64), (1, 64, 1), (64, 1, 1), (64, 64, 1), (3, 70, 20),
         (9, 32, 64), (20, 16, 33), (37, 10, 700), (512, 10, 64),
         (300, 1, 40), (45, 31, 250), (2, 200, 300), (1, 40, 33),
         (83, 70, 45), (33, 100, 531), (200, 64, 7), (19, 600, 70),
         (5, 2100, 300), (9, 2304, 600), (64, 512, 512), (32, 40, 300),
         (64, 40, 100), (40, 40, 300), (64, 512, 10), (8, 50, 40),
         (4, 30, 100)]
for m, n, k in sizes:
    a, b = data(m, k), data(k, n)
    want = [Product(a, b)]
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
      }}""", [a.T.copy(), b], want + [a])

# Batched: both operands batched, a transposed batched operand, and a
# broadcast one. Products of a reduction up to KC over row-major operands
# with N in whole vectors take the direct path whatever their size (the
# heads of attention): 129 rows (a one-row last tile: two accumulator
# chains), K = KC, and K = KC + 1 (packed again).
for bt, m, n, k in [(1, 3, 5, 7), (3, 17, 9, 33), (4, 64, 40, 24),
                    (3, 129, 64, 64), (2, 40, 96, 256), (2, 40, 96, 257)]:
    a, b = data(bt, m, k), data(bt, k, n)
    want = [Product(a, b)]
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
      }}""", [a, w], [Product(a, w)])

# Strided views: slices of both operands (with a step), and a product added
# to a non-zero value.
a, b = data(20, 40), data(50, 30)
check("matmul of slices", f"""
  func.func @f(%a: {t([20, 40])}, %b: {t([50, 30])}) -> {t([7, 11])} {{
    %s = adj.slice %a start [3, 1] limit [10, 37] stride [1, 2] : {t([20, 40])} -> {t([7, 18])}
    %r = adj.slice %b start [5, 2] limit [23, 24] stride [1, 2] : {t([50, 30])} -> {t([18, 11])}
    %c = adj.matmul %s, %r : {t([7, 18])}, {t([18, 11])} -> {t([7, 11])}
    return %c : {t([7, 11])}
  }}""", [a, b], [Product(a[3:10, 1:37:2], b[5:23, 2:24:2])])
for m, k, n in [(30, 20, 25), (100, 400, 10), (64, 300, 48)]:
    # packed, direct (narrow), and a product B^T A^T stored transposed
    a, b, c = data(m, k), data(k, n), data(m, n)
    check(f"matmul plus {m}x{n}x{k}", f"""
      func.func @f(%a: {t([m, k])}, %b: {t([k, n])}, %c: {t([m, n])}) -> {t([m, n])} {{
        %p = adj.matmul %a, %b : {t([m, k])}, {t([k, n])} -> {t([m, n])}
        %s = adj.add %p, %c : {t([m, n])}, {t([m, n])}
        return %s : {t([m, n])}
      }}""", [a, b, c], [Product(a, b, c)])
    check(f"matmul bT plus {m}x{n}x{k}", f"""
      func.func @f(%a: {t([m, k])}, %b: {t([n, k])}, %c: {t([m, n])}) -> {t([m, n])} {{
        %bt = adj.transpose %b [1, 0] : {t([n, k])} -> {t([k, n])}
        %p = adj.matmul %a, %bt : {t([m, k])}, {t([k, n])} -> {t([m, n])}
        %s = adj.add %p, %c : {t([m, n])}, {t([m, n])}
        return %s : {t([m, n])}
      }}""", [a, b.T.copy(), c], [Product(a, b, c)])

# Convolutions and their gradients (a vjp: the output, then the input's
# and the weight's cotangents) against PyTorch in f64. The shapes reach each
# of the runtime's paths: the direct "rows" kernel (at most 16 output
# channels, output rows of 8 or more: full, partial and shifted last
# vectors, odd row counts, a row stride, a column stride of 2), the direct
# weight-gradient kernel
# (the gradient convolution whose kernel is the output cotangent, rows of 8
# or more, with a scalar tail below a multiple of 8, channel and pixel
# blocks of every size), with AVX-512 the rows kernel on 16-float vectors
# (rows of 16 or more, any channel count: 40 channels in near-equal blocks,
# a 7x7 window, dilations), and the packed GEMM (more channels, short rows,
# a column stride; a weight gradient's as its transpose).
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

conv_shapes = [
    # (N, C, H, W), (O, KH, KW), stride, padding, dilation
    ((3, 2, 14, 13), (5, 3, 3), (1, 1), (0, 0), (1, 1)),
    ((2, 3, 12, 12), (16, 5, 5), (1, 1), (2, 2), (1, 1)),
    ((2, 4, 17, 20), (6, 3, 3), (2, 1), (1, 0), (1, 1)),
    ((2, 2, 19, 27), (3, 3, 2), (1, 1), (0, 0), (2, 3)),
    ((1, 5, 30, 30), (7, 7, 7), (1, 1), (0, 0), (1, 1)),
    ((2, 3, 9, 9), (20, 3, 3), (1, 1), (1, 1), (1, 1)),
    ((2, 3, 11, 16), (4, 3, 3), (1, 2), (0, 1), (1, 1)),
    ((2, 3, 6, 6), (4, 3, 3), (1, 1), (0, 0), (1, 1)),
    # weight gradient: 9 channels (3 + 3 + 3) x 9 pixels (4 + 5), tail of 2
    ((2, 3, 9, 10), (9, 3, 3), (1, 1), (1, 1), (1, 1)),
    # weight gradient computed transposed (a sliver of channels or more,
    # output rows of a vector or more: its image rows are packed as A's
    # runs), blocks inside a row and across two, a reduction past KC with a
    # tail; then a 1x1 convolution, whose runs are whole planes
    ((2, 5, 18, 21), (40, 3, 3), (1, 1), (1, 1), (1, 1)),
    ((2, 33, 16, 16), (40, 1, 1), (1, 1), (0, 0), (1, 1)),
    # ResNet's downsampling: 3x3 stride 2 padding 1 (the input gradient as
    # four convolutions of 1x1, 1x2, 2x1 and 2x2 taps) and a 1x1 stride-2
    # shortcut (odd rows and columns get no gradient)
    ((2, 8, 16, 15), (16, 3, 3), (2, 2), (1, 1), (1, 1)),
    ((2, 8, 9, 9), (16, 1, 1), (2, 2), (0, 0), (1, 1)),
    # a patch embedding (stride = kernel): the input gradient is a matmul
    ((2, 3, 16, 12), (10, 4, 4), (4, 4), (0, 0), (1, 1)),
    # the rows kernel with a column stride of 2 (two loads and a shuffle a
    # vector), on input rows that end at the last pixel read (37 = 2*17 + 3,
    # 23 = 2*10 + 3: no load may pass it): 16-float vectors with a shifted
    # last one, 8-float ones (11-pixel rows), a dilation, and a
    # downsampling block's 16 -> 32 channels on a padded 32x32 map
    ((2, 3, 21, 37), (5, 3, 3), (2, 2), (0, 0), (1, 1)),
    ((2, 3, 9, 23), (6, 3, 3), (1, 2), (0, 0), (1, 1)),
    ((1, 2, 20, 41), (4, 3, 3), (2, 2), (0, 0), (1, 2)),
    ((2, 16, 32, 32), (32, 3, 3), (2, 2), (1, 1), (1, 1)),
    # a stride-2 weight gradient computed transposed: its image rows are
    # packed as A's runs of every other pixel, up to the row's last pixel
    # (41 = 2*19 + 3), 20-pixel runs (a vector and a tail)
    ((1, 3, 11, 41), (32, 3, 3), (2, 2), (0, 0), (1, 1)),
    # with AVX-512, rows of 9 to 15 pixels on one masked 16-float vector in
    # blocks of at most 4 channels (9 = 3 + 3 + 3; 15- and 9-pixel rows),
    # and LeNet's input gradient (12-pixel rows, 6 = 3 + 3 channels)
    ((2, 7, 10, 17), (9, 3, 3), (1, 1), (0, 0), (1, 1)),
    ((2, 16, 12, 12), (6, 5, 5), (1, 1), (2, 2), (1, 1)),
    # padded inputs read in place there (adj-lower-to-kernels passes the
    # padding; in f64, and without AVX-512, the runtime copies them with
    # their padding first): a row stride and dilation with 16 channels
    # (6 + 5 + 5 with whole-vector loads, 4 x 4 where a vector would leave
    # the input), and padding deeper than the window, so that whole output
    # rows read only zeros
    ((2, 5, 11, 13), (16, 3, 3), (2, 1), (2, 1), (2, 1)),
    ((1, 3, 4, 10), (5, 3, 3), (1, 1), (3, 2), (1, 1)),
    # with AVX-512, weight gradients of 8-pixel cotangent rows read two
    # rows a 16-float vector: LeNet's (8 rows) and an odd row count (7);
    # here and in the 24- and 40-pixel ones below, consecutive pixels'
    # vectors are permutes of 16-float loads, except in the channels where
    # those would pass the input's end (the last image's last rows)
    ((4, 6, 12, 12), (16, 5, 5), (1, 1), (0, 0), (1, 1)),
    ((2, 3, 11, 12), (5, 5, 5), (1, 1), (0, 0), (1, 1)),
    # with AVX-512, the input gradients of those two and of these read
    # their 8-pixel cotangent rows in place under the padding, two rows a
    # vector (rows_pad8): 7-, 12- and 16-channel cotangents, 10 = 5 + 5
    # output channels, 13 output rows (a last pair of one), a dilation
    # (12-pixel rows from 8)
    ((2, 10, 10, 10), (7, 3, 3), (1, 1), (0, 0), (1, 1)),
    ((1, 3, 13, 12), (12, 5, 5), (1, 1), (0, 0), (1, 1)),
    ((2, 5, 12, 12), (16, 3, 3), (1, 1), (0, 0), (2, 2)),
    # with AVX-512, weight gradients of 24- and 40-pixel cotangent rows,
    # a pair of rows as 16 + (8 + 8) + 16 or 2 x 16 + (8 + 8) + 2 x 16
    # columns: LeNet's first, 9 rows (a last row alone), pixel blocks
    # across output rows (4 + 5 pixels of a 3 x 3 plane)
    ((2, 1, 28, 28), (6, 5, 5), (1, 1), (0, 0), (1, 1)),
    ((1, 2, 11, 27), (3, 3, 4), (1, 1), (0, 0), (1, 1)),
    ((1, 2, 10, 44), (4, 5, 5), (1, 1), (0, 0), (1, 1)),
    ((1, 2, 8, 42), (5, 3, 3), (1, 1), (0, 0), (1, 1)),
    # a weight gradient of 16 images or more and a long reduction (images x
    # cotangent plane of 8192 or more) sums each half of the images apart,
    # then adds the two sums: LeNet's first at batch 32 (16 + 16), and 17
    # images (8 + 9) of 26-pixel cotangent rows
    ((32, 1, 28, 28), (6, 5, 5), (1, 1), (0, 0), (1, 1)),
    ((17, 2, 30, 30), (4, 5, 5), (1, 1), (0, 0), (1, 1)),
    # with AVX-512, output rows of 8 pixels two a 16-float vector (LeNet's
    # second forward above): 7 rows (a last pair of one) and 11 (two items)
    ((2, 3, 9, 10), (5, 3, 3), (1, 1), (0, 0), (1, 1)),
    ((1, 2, 13, 10), (4, 3, 3), (1, 1), (0, 0), (1, 1)),
    # with AVX-512, weight gradients of more than 16 channels whose GEMM
    # would be narrow (batch x output plane <= 160) take the weight-gradient
    # kernel on 16-float vectors, a row's last vector masked: 1-D
    # convolutions (cotangent rows of 40 = 16 + 16 + 8, 24 channels in
    # blocks of 4 x 5 pixels; rows of 37 with a dilation, 3 pixels and
    # blocks of up to 8 channels, 20 = 7 + 7 + 6) and a dilated 3x3 (13-pixel
    # rows in one masked vector, the cotangent read every other pixel)
    ((3, 5, 1, 40), (24, 1, 5), (1, 1), (0, 2), (1, 1)),
    ((2, 4, 1, 37), (20, 1, 3), (1, 1), (0, 2), (1, 2)),
    ((2, 5, 13, 13), (20, 3, 3), (1, 1), (2, 2), (2, 2)),
    # and 4 to 16 channels whose kernel rows are whole 16-float vectors
    # (32-pixel cotangent rows; 8 channels in two blocks of 4, 9 pixels in
    # blocks of 4 + 5; 5 channels: 3 + 2)
    ((3, 4, 34, 34), (8, 3, 3), (1, 1), (0, 0), (1, 1)),
    ((2, 3, 18, 48), (5, 3, 3), (1, 1), (1, 1), (1, 1)),
    # images of height 1 (1-D convolutions): the rows kernel puts up to
    # ROWS_NY whole vectors of the row in a tile, then the shifted last
    # vector alone (the 40- and 37-pixel rows above; 83 = 4 x 16 + 16 + 3;
    # 34 pixels read every other one)
    ((2, 3, 1, 85), (7, 1, 3), (1, 1), (0, 0), (1, 1)),
    ((1, 4, 1, 70), (5, 1, 4), (1, 2), (0, 0), (1, 1)),
    # column strides above 2, and strides of 2 that no direct kernel takes:
    # one stride-1 convolution per column phase of a copy of the image
    # (conv_phases): oddconv's 5x5 stride-3 forward (taps 0, 3 | 1, 4 | 2:
    # the rows kernel on each phase), a dilation coprime to the stride
    # (3 phases of 1 tap, 24 channels: the GEMM), a dilation that is a
    # multiple of it (every tap in phase 0, dilation 1 there), and fewer
    # taps than phases (phases 2 and 3 unused)
    ((2, 3, 33, 33), (16, 5, 5), (3, 3), (2, 2), (1, 1)),
    ((2, 4, 20, 31), (24, 4, 3), (2, 3), (1, 2), (1, 2)),
    ((1, 3, 15, 30), (20, 3, 5), (1, 2), (0, 1), (1, 2)),
    ((2, 2, 10, 26), (18, 2, 2), (2, 4), (1, 1), (1, 1)),
    # oddconv's dilated forward: 32 channels of 11-pixel rows on the GEMM,
    # its B packed as runs of pixels (masked loads with AVX-512)
    ((2, 16, 11, 11), (32, 3, 3), (1, 1), (2, 2), (2, 2)),
]


def check_conv(xs, o, kh, kw, st, pad, dil, groups=1):
    x, w = data(*xs), data(o, xs[1] // groups, kh, kw)
    tx = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    tw = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    ty = F.conv2d(tx, tw, stride=st, padding=pad, dilation=dil, groups=groups)
    dy = data(*ty.shape)
    ty.backward(torch.tensor(dy, dtype=torch.float64))
    want = [ty.detach().numpy(), tx.grad.numpy(), tw.grad.numpy()]
    ys, ws = list(ty.shape), list(w.shape)
    attrs = (f"stride [{st[0]}, {st[1]}] padding [{pad[0]}, {pad[1]}, "
             f"{pad[0]}, {pad[1]}] dilation [{dil[0]}, {dil[1]}] "
             f"groups {groups}")
    types = f"{t(xs)}, {t(ws)}"
    check(f"conv2d vjp {xs} {o}x{kh}x{kw} {attrs}", f"""
      func.func private @conv(%x: {t(xs)}, %w: {t(ws)}) -> {t(ys)} {{
        %y = adj.conv2d %x, %w {attrs} : {types} -> {t(ys)}
        return %y : {t(ys)}
      }}
      func.func @f(%x: {t(xs)}, %w: {t(ws)}, %dy: {t(ys)})
          -> ({t(ys)}, {t(xs)}, {t(ws)}) {{
        %y, %dx, %dw = adj.vjp @conv(%x, %w) cotangents(%dy)
            : ({types}, {t(ys)}) -> ({t(ys)}, {types})
        return %y, %dx, %dw : {t(ys)}, {types}
      }}""", [x, w, dy], want)


for xs, (o, kh, kw), st, pad, dil in conv_shapes:
    check_conv(xs, o, kh, kw, st, pad, dil)

# Grouped convolutions (adjoint_rt_sconv2d_grouped: one convolution per
# group on strided views): 2 groups, depthwise with a channel multiplier of
# 2, stride, padding and dilation.
check_conv((2, 4, 13, 12), 6, 3, 3, (1, 1), (1, 1), (1, 1), groups=2)
check_conv((3, 5, 11, 16), 10, 3, 2, (2, 1), (1, 0), (1, 2), groups=5)
check_conv((2, 8, 20, 20), 8, 3, 3, (1, 1), (1, 1), (1, 1), groups=8)

ct._count += 1
lib = ct.compile_source(source)
runs = []
# 3 threads: splits that are not halves (the GEMM's packing and tiles, the
# loops' chunks, the convolutions' items).
for n in (1, 2, 3, 1, 2):
    getattr(lib.dll, "t_set_num_threads")(n)
    runs.append(b"".join(r.tobytes() for r in lib.call("f", *inputs)))
if len(set(runs)) != 1:
    ct._failures.append("set_num_threads determinism")
    print("FAIL: outputs differ between 1, 2 and 3 threads", file=sys.stderr)
ct._count += 1
files = []
for n in ("1", "2"):
    path = os.path.join(ct.tmpdir(), "out.bin")
    subprocess.run([sys.executable, __file__, ELEM, lib.path, path], check=True,
                   env={**os.environ, "OMP_NUM_THREADS": n})
    files.append(open(path, "rb").read())
if files[0] != files[1] or files[0] != runs[0]:
    ct._failures.append("OMP_NUM_THREADS determinism")
    print("FAIL: outputs differ with OMP_NUM_THREADS", file=sys.stderr)

ct.done()
