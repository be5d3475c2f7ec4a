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

class CosineSimilarity64(nn.Module):
    """In a float64 model PyTorch 1.13 writes F.cosine_similarity's eps as
    a float32 constant (into a Max); the importer converts it."""

    def forward(self, a, b):
        return F.cosine_similarity(a, b, dim=1)


class KlDiv64(nn.Module):
    """F.kl_div in float64 exports its zeros as float32 (ConstantOfShape,
    into a Where), converted; for batchmean it then casts the sum to
    float32 itself, so the output is float32 (what the file says)."""

    def forward(self, a, b):
        return F.kl_div(F.log_softmax(a, 1), F.softmax(b, 1),
                        reduction="batchmean").reshape(1)


def run_float64(name, model, inputs, tol):
    """`model` exported in float64 and compiled with the mse loss: its
    output, loss and input gradients against PyTorch's, within `tol`."""
    path = f"{torchexport.out}/{name}.onnx"
    torch.onnx.export(model.double(),
                      tuple(torch.tensor(v) for v in inputs.values()), path,
                      opset_version=17, input_names=list(inputs),
                      output_names=["y"])
    m = torchexport.adjoint.compile(
        path, loss="mse", value_and_grad="loss",
        output=f"{torchexport.out}/lib{name}.so")
    tensors = {k: torch.tensor(v, requires_grad=True)
               for k, v in inputs.items()}
    y = model(*tensors.values())
    got = m.forward(**inputs)
    labels = np.random.randn(*y.shape).astype(got.dtype)
    loss = F.mse_loss(y, torch.tensor(labels, dtype=torch.float64))
    loss.backward()
    check(f"{name}: forward", got, y.detach().numpy(), tol)
    r = m.loss_value_and_grad(**inputs, labels=labels)
    check(f"{name}: loss", r.loss, loss.detach().numpy(), tol)
    for k, t in tensors.items():
        check(f"{name}: gradient of {k}", getattr(r, "grad_" + k),
              t.grad.numpy(), tol)


run_float64("cosine-similarity-f64", CosineSimilarity64(),
            {"a": np.random.randn(3, 4), "b": np.random.randn(3, 4)}, 1e-12)
run_float64("kl-div-f64", KlDiv64(),
            {"a": np.random.randn(3, 4), "b": np.random.randn(3, 4)}, 1e-6)

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

# CumSum of an integer constant folds (position ids as the cumsum of a
# constant mask), in the arithmetic of its type (int32 wraps around), with
# every exclusive/reverse: each result cast to float and added to x.
c = np.random.randint(-9, 10, (3, 4, 5)).astype(np.int64)
wraps = np.array([2**31 - 1, 1, 5], np.int32)
x = np.random.randn(3, 4, 5).astype(np.float32)
nodes = [constant("c", c), constant("wraps", wraps)]
outputs, want = {}, {}
for axis in (1, -1):
    for exclusive in (0, 1):
        for reverse in (0, 1):
            name = f"a{axis % 3}e{exclusive}r{reverse}"
            nodes += [constant(f"axis_{name}", np.array(axis, np.int64)),
                      helper.make_node("CumSum", ["c", f"axis_{name}"],
                                       [f"s_{name}"], exclusive=exclusive,
                                       reverse=reverse),
                      helper.make_node("Cast", [f"s_{name}"], [f"f_{name}"],
                                       to=TensorProto.FLOAT),
                      helper.make_node("Add", ["x", f"f_{name}"], [name])]
            s = np.flip(c, axis) if reverse else c
            s = np.cumsum(s, axis) - (s if exclusive else 0)
            want[name] = x + (np.flip(s, axis) if reverse else s).astype(
                np.float32)
            outputs[name] = TensorProto.FLOAT
nodes += [constant("zero", np.array(0, np.int64)),
          helper.make_node("CumSum", ["wraps", "zero"], ["w"]),
          helper.make_node("Cast", ["w"], ["wrapped"], to=TensorProto.FLOAT)]
outputs["wrapped"] = TensorProto.FLOAT
want["wrapped"] = np.cumsum(wraps, dtype=np.int32).astype(np.float32)
got = compile_nodes(nodes, {"x": x}, outputs,
                    "cumsum-int-constants").forward(x=x)
for name in outputs:
    check(f"CumSum of an integer constant: {name}", getattr(got, name),
          want[name], 0, 0)

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
