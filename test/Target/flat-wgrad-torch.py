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

import adjtest

CONVS = [  # (N, C, H, W), filters, kernel, padding [t, l, b, r], dilation
    ((4, 16, 11, 11), 32, (3, 3), (2, 2, 2, 2), (2, 2)),
    ((2, 3, 13, 13), 6, (3, 3), (1, 1, 1, 1), (1, 1)),
    ((3, 5, 9, 12), 7, (5, 3), (2, 1, 2, 1), (1, 1)),
    ((2, 4, 10, 10), 5, (5, 5), (2, 2, 2, 2), (1, 1)),
    ((3, 2, 6, 17), 3, (3, 3), (1, 1, 1, 1), (1, 1)),
    ((1, 3, 11, 11), 4, (3, 3), (2, 2, 2, 2), (2, 2)),
]

adjtest.check_same_padded_convs(CONVS, np.random.default_rng(7))
adjtest.done()
