# The older opsets' operator forms, as PyTorch 1.13 exports them with
# torch.onnx.export(opset_version=N), each checked against PyTorch in f64
# (torchexport.run: the forward output, the loss and the gradients):
# Equal of run-time integers and of bool masks (its only forms before
# opset 11); Upsample (opsets 8 and 9: the scales an attribute, then an
# input) and Resize at opset 10, nearest and linear, by scale factors and
# by sizes, nearest also by scales that are not whole factors (and as
# Upsample-7, built with onnx.helper) (ONNX's coordinates are asymmetric
# before opset 11, which PyTorch's bilinear is not: the linear ones are
# checked against that formula in PyTorch); Pad with pads, mode and value as attributes and
# Clip with min and max as attributes (before opset 11); Squeeze,
# Unsqueeze and the Reduce* operators with an axes attribute and Split
# with a split attribute (before opset 13); and an MLP, a CNN with
# padding and pooling and an LSTM at opsets 8 to 13; batch norm in
# training mode (1-D and 2-D) at opsets 8 to 14, its form changing at 14.
# RUN: %python %s %t.dir

import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import torchexport
from onnx import TensorProto, helper
from torchexport import check, compile_nodes, failures, run

torchexport.setup(sys.argv[1])


def f(*shape):
    return np.random.randn(*shape).astype(np.float32)


class EqualInt(nn.Module):
    """`ids == 1` on run-time integers, and a comparison of two masks."""
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
    def forward(self, x, ids):
        h = self.fc(x)
        return (h * (ids == 1).to(x.dtype).unsqueeze(1)
                + h * ((h > 0) == (x[:, :3] > 0)).to(x.dtype))


ids = np.array([1, 0, 2, 1, 1], np.int64)
for opset in (9, 10, 11):
    run(f"equal{opset}", EqualInt(), {"x": f(5, 4), "ids": ids}, "mse",
        opset)


class Up(nn.Module):
    def __init__(self, mode, **kwargs):
        super().__init__()
        self.c = nn.Conv2d(2, 3, 3, padding=1)
        self.mode, self.kwargs = mode, kwargs
    def forward(self, x):
        return F.interpolate(self.c(x), mode=self.mode, **self.kwargs)


def asymmetric_linear(x, sizes):
    """ONNX's linear resizing before opset 11, along the last two axes: an
    output entry o reads the input at c = min(o / scale, d - 1), between
    floor(c) and the entry after; the scales are f32, as exported."""
    for axis, size in zip((2, 3), sizes):
        d = x.shape[axis]
        scale = float(np.float32(size / d))
        c = torch.clamp(torch.arange(size, dtype=torch.float64) / scale,
                        max=d - 1)
        i0 = torch.floor(c).long()
        i1 = torch.clamp(i0 + 1, max=d - 1)
        t = (c - i0).reshape([-1] + [1] * (x.dim() - 1 - axis))
        a, b = x.index_select(axis, i0), x.index_select(axis, i1)
        x = a + (b - a) * t
    return x


# PyTorch 1.13 exports scale factors from opset 9 (at 8 it fails).
x = f(2, 2, 3, 4)
for opset in (8, 9, 10):
    if opset > 8:
        run(f"nearest-scale{opset}", Up("nearest", scale_factor=2),
            {"x": x}, "mse", opset)
        run(f"linear-scale{opset}",
            Up("bilinear", scale_factor=2, align_corners=False), {"x": x},
            "mse", opset,
            reference=lambda m, x: asymmetric_linear(m.c(x), (6, 8)))
    run(f"nearest-size{opset}", Up("nearest", size=(6, 12)), {"x": x},
        "mse", opset)
    run(f"linear-size{opset}",
        Up("bilinear", size=(5, 7), align_corners=False), {"x": x}, "mse",
        opset, reference=lambda m, x: asymmetric_linear(m.c(x), (5, 7)))


# Nearest by a scale that is not a whole factor: 3.1 makes 12 entries of 4,
# which read entry floor(o / 3.1), not o / 3 (once repeated by 3), exported
# as Upsample (9), Resize (10) and Resize asymmetric, floor (11).
for opset in (9, 10, 11):
    run(f"nearest-scale3.1-{opset}", Up("nearest", scale_factor=3.1),
        {"x": f(2, 2, 3, 4)}, "mse", opset)

# Upsample-7 (opset 8, which PyTorch cannot export with scale factors) by
# its scales attribute, 2.5 (7 entries of 3) and 3.1 (15 of 5): the value
# and the gradient of sum(w * y) against PyTorch's nearest in f64.
x = f(1, 2, 3, 5)
w = f(1, 2, 7, 15)
nodes = [helper.make_node("Upsample", ["x"], ["y"], mode="nearest",
                          scales=[1.0, 1.0, 2.5, 3.1]),
         helper.make_node("Mul", ["y", "w"], ["p"]),
         helper.make_node("ReduceSum", ["p"], ["s"], keepdims=0)]
value = compile_nodes(nodes[:1], {"x": x}, {"y": TensorProto.FLOAT},
                      "upsample7-nearest", opset=8)
grad = compile_nodes(nodes, {"x": x, "w": w}, {"s": TensorProto.FLOAT},
                     "upsample7-nearest-grad", opset=8,
                     value_and_grad="forward:wrt=x")
t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
want = F.interpolate(t, scale_factor=(2.5, 3.1), mode="nearest")
(want * torch.tensor(w, dtype=torch.float64)).sum().backward()
check("Upsample-7 nearest by 2.5 and 3.1", value.forward(x=x),
      want.detach().numpy())
_, g = grad.forward_value_and_grad(x=x, w=w)
check("Upsample-7 nearest by 2.5 and 3.1, gradient", g, t.grad.numpy())

class Pads(nn.Module):
    """Constant (with a value), reflect and edge padding, summed by a
    ReduceSum with its axes."""
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 3, 3)
    def forward(self, x):
        h = self.c(x)
        return (F.pad(h, (1, 2, 0, 1), value=0.5).sum(1)
                + F.pad(h, (1, 2, 1, 0), mode="reflect").sum(1)
                + F.pad(h, (2, 1, 0, 1), mode="replicate").sum(1))


class Clips(nn.Module):
    """Both bounds, one of them and relu6 (Clip)."""
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 5)
    def forward(self, x):
        h = self.fc(x)
        return (h.clamp(-0.3, 0.4) + F.relu6(3 * h) + h.clamp(min=0.1)
                + h.clamp(max=0.2))


for opset in (9, 10):
    run(f"pad{opset}", Pads(), {"x": f(2, 2, 5, 6)}, "mse", opset)
    run(f"clip{opset}", Clips(), {"x": f(5, 4)}, "mse", opset)


class Axes(nn.Module):
    """Squeeze and Unsqueeze with and without axes, every Reduce* that
    PyTorch exports with axes (and ReduceSum of everything), Split by
    sizes and into equal parts."""
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 6)
    def forward(self, x):
        h = self.fc(x).unsqueeze(1).unsqueeze(-1)           # [N, 1, 6, 1]
        h = torch.tanh(h).squeeze(-1).squeeze(1) + h.squeeze()
        a, b = torch.split(h, [2, 4], dim=1)
        c, d = h.chunk(2, dim=1)
        g = h.reshape(-1, 2, 3)
        return (torch.cat([a * 2, b.sin()], 1).reshape(-1, 2, 3).sum(1)
                + c * d + g.mean(1) + g.amax(1) + g.amin(1) + g.prod(1)
                + torch.logsumexp(g, 1) + g.sum())


# (At opset 8 the reshape's shape is an f64 constant cast to i64.)
for opset in (8, 11, 12, 13):
    run(f"axes{opset}", Axes(), {"x": f(3, 4)}, "mse", opset)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 8),
                                 nn.Tanh(), nn.Linear(8, 3))
    def forward(self, x):
        return self.net(x)


class CNN(nn.Module):
    """Padded convolutions, max pooling and padded average pooling (a Pad
    node before opset 11)."""
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 4, 3, padding=1)
        self.c2 = nn.Conv2d(4, 6, 3, padding=1)
        self.fc = nn.Linear(6 * 2 * 2, 3)
    def forward(self, x):
        h = F.max_pool2d(F.relu(self.c1(x)), 2)
        h = F.avg_pool2d(F.relu(self.c2(h)), 3, 2, padding=1)
        return self.fc(h.flatten(1))


class LSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 5, batch_first=True)
        self.fc = nn.Linear(5, 2)
    def forward(self, x):
        o, _ = self.lstm(x)
        return self.fc(o[:, -1])


# At opset 8 the LSTM's initial state is a ConstantFill.
for opset in (8, 9, 10, 11, 12, 13):
    run(f"mlp{opset}", MLP(), {"x": f(4, 6)}, "softmax_cross_entropy", opset)
    run(f"cnn{opset}", CNN(), {"x": f(2, 1, 8, 8)}, "softmax_cross_entropy",
        opset)
    run(f"lstm{opset}", LSTM(), {"x": f(2, 4, 3)}, "mse", opset)


class BatchNorm(nn.Module):
    """Batch norm in training mode between two layers: before opset 14 the
    export says so only by the node's five outputs (the running statistics
    would give another loss and other gradients)."""
    def __init__(self, bn, conv):
        super().__init__()
        self.a = conv(2, 3, 3)
        self.bn = bn(3)
        self.b = conv(3, 2, 3)
        with torch.no_grad():  # scale and shift away from 1 and 0
            self.bn.weight.uniform_(0.5, 1.5)
            self.bn.bias.uniform_(-0.5, 0.5)
    def forward(self, x):
        return self.b(torch.tanh(self.bn(self.a(x))))


# Training-mode batch norm, as PyTorch exports it at opsets 8 to 14.
for opset in (8, 9, 12, 13, 14):
    run(f"bn1d-train{opset}", BatchNorm(nn.BatchNorm1d, nn.Conv1d),
        {"x": f(4, 2, 9) * 2 + 1}, "mse", opset, training=True)
    run(f"bn2d-train{opset}", BatchNorm(nn.BatchNorm2d, nn.Conv2d),
        {"x": f(3, 2, 6, 6) * 2 + 1}, "mse", opset, training=True)

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
