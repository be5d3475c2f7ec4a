# Models a user tester brought (session 15), exported from PyTorch and
# checked against PyTorch in f64 at 1 and 2 threads (torchexport.run), and
# ONNX nodes built with onnx.helper for the folds they need.
# RUN: %python %s %t.dir

import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import torchexport
from onnx import TensorProto, helper, numpy_helper
from torchexport import check, compile_nodes, failures, run

torchexport.setup(sys.argv[1])
BOTH = (1, 2)


def constant(name, value):
    return helper.make_node("Constant", [], [name],
                            value=numpy_helper.from_array(value))


class CausalFill(nn.Module):
    """A causal mask built in forward() from the input's length:
    torch.triu of a bool tensor exports Trilu of a constant, once refused
    as a run-time integer tensor."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        t = x.shape[1]
        causal = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
        return self.fc(x).masked_fill(causal, 0.0)


class CausalAttention(nn.Module):
    """nn.MultiheadAttention with a causal bool mask (Trilu of a constant)
    and a key padding mask (a run-time bool input)."""

    def __init__(self):
        super().__init__()
        self.attention = nn.MultiheadAttention(4, 2, batch_first=True)

    def forward(self, x, padding):
        t = x.shape[1]
        causal = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
        return self.attention(x, x, x, attn_mask=causal,
                              key_padding_mask=padding)[0]


class UnevenChunks(nn.Module):
    """torch.chunk on sizes it does not divide (5 in 4: chunks 2, 2, 1; 7
    in 5: 2, 2, 2, 1) exports SplitToSequence and SequenceAt, with split
    sizes [2, 2, 2, -1] and [2, 2, 2, 2, -1]."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)

    def forward(self, x):
        h = self.fc(x)
        a = torch.chunk(h, 4, dim=1)
        b = torch.chunk(h[:, :, :5], 3, dim=2)
        c = torch.chunk(torch.cat([h, h[:, :2]], 1), 5, dim=1)
        return a[2] * 3 + a[0][:, :1] + b[2].sum(2, keepdim=True) + c[3]


class Crop(nn.Module):
    """F.pad with negative pads crops: alone, and with positive pads on
    the other side or another dimension, in constant and reflect modes."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3, padding=1)

    def forward(self, x):
        h = self.conv(x)
        a = F.pad(h, (-1, 2, 1, -2), value=0.5)
        b = F.pad(h, (0, 0, -1, -1))
        c = F.pad(h[:, :, :, :5], (-1, 0, 2, 1), mode="reflect")
        return a.sum((2, 3)) + b.mean((2, 3)) + c.amax((2, 3))


class MaskedMean(nn.Module):
    """A masked mean over a bool mask input, as the error for m.sum() of
    a mask (an integer ReduceSum at run time) tells to write it."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)

    def forward(self, x, m):
        w = m.float()
        return (self.fc(x) * w[:, :, None]).sum(1) / w.sum(1, keepdim=True)


run("causal-fill", CausalFill(),
    {"x": np.random.randn(2, 4, 4).astype(np.float32)}, "mse", 17,
    threads=BOTH)
padding = np.zeros((2, 5), bool)
padding[1, 3:] = True
run("causal-attention", CausalAttention(),
    {"x": np.random.randn(2, 5, 4).astype(np.float32), "padding": padding},
    "mse", 17, threads=BOTH)

mask = np.random.rand(2, 5) > 0.4
mask[:, 0] = True
run("masked-mean", MaskedMean(),
    {"x": np.random.randn(2, 5, 6).astype(np.float32), "m": mask}, "mse", 17,
    threads=BOTH)
run("crop", Crop(), {"x": np.random.randn(2, 2, 6, 7).astype(np.float32)},
    "mse", 17, threads=BOTH)
run("uneven-chunks", UnevenChunks(),
    {"x": np.random.randn(2, 5, 6).astype(np.float32)}, "mse", 17,
    threads=BOTH)

# SplitToSequence without split (pieces of 1, keepdims 0) and with a scalar
# split (pieces of 3, the last of 1), read by SequenceAt.
x = np.random.randn(3, 4).astype(np.float32)
got = compile_nodes([constant("last", np.array(-1, np.int64)),
                     helper.make_node("SplitToSequence", ["x"], ["s"],
                                      axis=1, keepdims=0),
                     helper.make_node("SequenceAt", ["s", "last"], ["y"])],
                    {"x": x}, {"y": TensorProto.FLOAT},
                    "split-to-sequence-ones").forward(x=x)
check("SplitToSequence in pieces of 1, SequenceAt -1", got, x[:, 3])
got = compile_nodes([constant("three", np.array(3, np.int64)),
                     constant("one", np.array(1, np.int64)),
                     helper.make_node("SplitToSequence", ["x", "three"],
                                      ["s"], axis=1),
                     helper.make_node("SequenceAt", ["s", "one"], ["y"])],
                    {"x": x}, {"y": TensorProto.FLOAT},
                    "split-to-sequence-scalar").forward(x=x)
check("SplitToSequence by a scalar, SequenceAt 1", got, x[:, 3:])

# Min and Max of integer constants fold (PyTorch's diagonal computes its
# length so): here a Reshape's shape, which must be known at import time.
x = np.random.randn(6).astype(np.float32)
got = compile_nodes([constant("a", np.array([3, 4], np.int64)),
                     constant("b", np.array([2, 3], np.int64)),
                     constant("c", np.array([1, 1], np.int64)),
                     helper.make_node("Min", ["a", "b"], ["m"]),
                     helper.make_node("Max", ["m", "c"], ["shape"]),
                     helper.make_node("Reshape", ["x", "shape"], ["y"])],
                    {"x": x}, {"y": TensorProto.FLOAT},
                    "min-max-int-constants").forward(x=x)
check("Min and Max of integer constants", got, x.reshape(2, 3))

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
