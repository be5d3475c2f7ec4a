# F.unfold (im2col) exports its patch indices as Range -> Unsqueeze -> Add
# of static shapes, then Pad, two Gathers, Transpose and Reshape: Range,
# once unsupported, folds to a constant at import time. A convolution
# written as unfold + matmul, checked against PyTorch in f64 at 1 and 2
# threads (torchexport.run) at several opsets; and Range nodes themselves
# against ONNX's definition.
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


class UnfoldConv(nn.Module):
    """A convolution as im2col: F.unfold, then a weight matrix."""

    def __init__(self, channels, kernel, **unfold):
        super().__init__()
        self.kernel, self.unfold = kernel, unfold
        self.weight = nn.Parameter(
            torch.randn(4, channels * kernel[0] * kernel[1]) * 0.3)

    def forward(self, x):
        patches = F.unfold(x, self.kernel, **self.unfold)
        return torch.tanh(self.weight @ patches)


x = np.random.randn(2, 3, 6, 7).astype(np.float32)
for opset in (11, 13, 17):
    run(f"unfold-opset{opset}", UnfoldConv(3, (2, 3), padding=1,
                                           stride=(2, 1), dilation=(1, 2)),
        {"x": x}, "mse", opset, threads=BOTH)
run("unfold-plain", UnfoldConv(3, (3, 3)), {"x": x}, "mse", 17,
    threads=BOTH)


def constant(name, value):
    return helper.make_node("Constant", [], [name],
                            value=numpy_helper.from_array(value))


def onnx_range(start, limit, delta):
    """ONNX's Range: max(ceil((limit - start) / delta), 0) entries, each
    the previous one plus delta in the element type (its function body's
    Loop)."""
    dtype = np.asarray(start).dtype
    # The quotient in the element type if it is a float (exact otherwise).
    quotient = (np.asarray(limit - start, dtype) / np.asarray(delta, dtype)
                if np.issubdtype(dtype, np.floating) else
                (int(limit) - int(start)) / int(delta))
    count = max(int(np.ceil(quotient)), 0)
    out, entry = [], np.asarray(start, dtype)
    for _ in range(count):
        out.append(entry)
        entry = np.asarray(entry + np.asarray(delta, dtype), dtype)
    return np.array(out, dtype)


# Integer ranges (up, down, empty, a remainder) and float ones whose sums
# round, each followed by a 7 (a library's outputs are not empty), cast to
# float and doubled by a run-time input (exactly).
cases = [(np.int64(2), np.int64(11), np.int64(3)),
         (np.int64(5), np.int64(-4), np.int64(-2)),
         (np.int64(3), np.int64(3), np.int64(1)),
         (np.int32(-7), np.int32(8), np.int32(4)),
         (np.float32(0.1), np.float32(2.05), np.float32(0.1)),
         (np.float32(1.0), np.float32(-1.0), np.float32(-0.3))]
for i, (start, limit, delta) in enumerate(cases):
    want = np.append(onnx_range(start, limit, delta), 7).astype(np.float64)
    scale = np.array([2.0], np.float32)
    lib = compile_nodes(
        [constant("s", np.asarray(start)), constant("l", np.asarray(limit)),
         constant("d", np.asarray(delta)),
         constant("seven", np.array([7], np.asarray(start).dtype)),
         helper.make_node("Range", ["s", "l", "d"], ["r"]),
         helper.make_node("Concat", ["r", "seven"], ["c"], axis=0),
         helper.make_node("Cast", ["c"], ["f"], to=TensorProto.FLOAT),
         helper.make_node("Mul", ["f", "scale"], ["y"])],
        {"scale": scale}, {"y": TensorProto.FLOAT}, f"range{i}")
    check(f"Range({start}, {limit}, {delta})", lib.forward(scale=scale),
          want * 2, tol=0.0, floor=0.0)

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
