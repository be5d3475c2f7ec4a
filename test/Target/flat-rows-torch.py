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

import adjtest

CONVS = [  # (N, C, H, W), filters, kernel, padding [t, l, b, r], dilation
    ((16, 16, 11, 11), 32, (3, 3), (2, 2, 2, 2), (2, 2)),
    ((3, 5, 9, 9), 7, (3, 3), (1, 1, 1, 1), (1, 1)),
    ((2, 4, 15, 15), 13, (5, 5), (2, 2, 2, 2), (1, 1)),
    ((2, 3, 10, 14), 6, (3, 5), (1, 2, 1, 2), (1, 1)),
    ((2, 2, 12, 12), 20, (7, 7), (3, 3, 3, 3), (1, 1)),
    ((3, 4, 11, 11), 5, (3, 3), (0, 0, 2, 2), (1, 1)),
    ((1, 6, 13, 13), 9, (3, 3), (2, 2, 2, 2), (2, 2)),
]

adjtest.check_same_padded_convs(CONVS, np.random.default_rng(11))
adjtest.done()
