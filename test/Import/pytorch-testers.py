# Operators testers' models hit (session 15), exported from PyTorch and
# checked against PyTorch in f64 at 1 and 2 threads (torchexport.run):
# ScatterND from slice and index assignment (`x[:, 2:5] = y`, `x[idx] = v`,
# `index_put`), with the errors for out-of-range and repeated index tuples;
# MaxPool's Indices output (`nn.MaxPool2d(return_indices=True)`);
# GridSample (`F.grid_sample`) in each mode, padding mode and alignment,
# gradients w.r.t. the input and the grid; If and Loop whose control is
# known at import time (scripted models), and the errors for control that
# depends on run-time data.
# RUN: %python %s %t.dir

import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper

import adjoint
import torchexport
from torchexport import check, failures, run

torchexport.setup(sys.argv[1])
BOTH = (1, 2)


def expect_error(what, call, *fragments, kind=adjoint.CallError):
    try:
        call()
        failures.append(f"{what}: no error")
        print(f"FAIL {what}: no error")
    except kind as e:
        message = str(getattr(e, "message", e))
        ok = all(f in message for f in fragments)
        print(f"{'ok  ' if ok else 'FAIL'} {what}: {message}")
        if not ok:
            failures.append(what)


class SliceAssign(nn.Module):
    """`h[:, 2:5] = tanh(z)`: ScatterND of constant index tuples (folded
    from Expand/Where/Concat); the overwritten columns of h get no
    gradient."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 6)

    def forward(self, x, z):
        h = self.fc(x).clone()
        h[:, 2:5] = torch.tanh(z)
        return h * h


class IndexAssign(nn.Module):
    """`h[idx] = v` with run-time row indices (a negative one counts from
    the end)."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(3))

    def forward(self, x, v, idx):
        h = torch.sin(x * self.w).clone()
        h[idx] = v * 2
        return h


class PairAssign(nn.Module):
    """`index_put` of single entries at run-time (row, column) pairs, and
    `index_put(accumulate=True)` (ScatterND into zeros, then Add)."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(3))

    def forward(self, x, v, i, j):
        h = x.index_put((i, j), torch.exp(v * self.w))
        return h + x.index_put((j, i), v * v, accumulate=True)


class ConstantRows(nn.Module):
    """`index_put` of rows at constant indices."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(3))

    def forward(self, x, v):
        return torch.cos(x.index_put((torch.tensor([0, 2]),), v * self.w))


class PoolIndices(nn.Module):
    """`MaxPool2d(return_indices=True)` (exported as two MaxPools, the
    second of kernel 1 giving each plane's offset to subtract): the indices
    gather the pooled values back from the flattened input (GatherElements)
    and enter the output as floats; 1-D too, and ceil mode with padding
    and overlapping windows."""

    def __init__(self, one_d=False, **pool):
        super().__init__()
        self.conv = (nn.Conv1d if one_d else nn.Conv2d)(2, 3, 3, padding=1)
        self.pool = (nn.MaxPool1d if one_d else nn.MaxPool2d)(
            return_indices=True, **pool)

    def forward(self, x):
        y, i = self.pool(self.conv(x))
        h = self.conv(x).flatten(2)
        back = h.gather(2, i.flatten(2)).reshape(y.shape)
        return y * back + 0.01 * i.to(y.dtype)


class Sampler(nn.Module):
    """`F.grid_sample` of a convolution's output at a grid from an input
    (reaching past [-1, 1], so that padding matters)."""

    def __init__(self, **options):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3, padding=1)
        self.scale = nn.Parameter(torch.tensor([1.3, 1.1]))
        self.options = options

    def forward(self, x, g):
        grid = torch.tanh(g) * self.scale
        return F.grid_sample(self.conv(x), grid, **self.options)


class Unrolled(nn.Module):
    """Scripted: a loop over the batch (a Loop of trip count x.size(0),
    each iteration reading row j of the carried value, the iteration
    number cast to a float) and a test of the batch size (folded by the
    exporter)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        y = self.fc(x)
        for j in range(x.size(0)):
            y = torch.tanh(y) + y[j] * j
        if x.size(0) > 1:
            y = y * 3
        return y


class Branchy(nn.Module):
    """Scripted: an If on the data (its sum), known only at run time."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        if x.sum() > 0:
            return self.fc(x)
        return x * 2


x = np.random.randn(3, 4).astype(np.float32)
z = np.random.randn(3, 3).astype(np.float32)
for opset in (11, 13, 17):
    run(f"slice-assign-{opset}", SliceAssign(), {"x": x, "z": z}, "mse",
        opset, threads=BOTH)
rows = {"x": np.random.randn(5, 3).astype(np.float32),
        "v": np.random.randn(2, 3).astype(np.float32),
        "idx": np.array([1, -1], np.int64)}
run("index-assign", IndexAssign(), rows, "mse", 17, threads=BOTH)
pairs = {"x": np.random.randn(4, 4).astype(np.float32),
         "v": np.random.randn(3).astype(np.float32),
         "i": np.array([0, 3, 1], np.int64),
         "j": np.array([2, 2, 0], np.int64)}
run("pair-assign", PairAssign(), pairs, "mse", 16, threads=BOTH)
run("constant-rows", ConstantRows(),
    {"x": np.random.randn(4, 3).astype(np.float32),
     "v": np.random.randn(2, 3).astype(np.float32)}, "mse", 13, threads=BOTH)

image = {"x": np.random.randn(2, 2, 6, 7).astype(np.float32)}
for opset in (9, 13, 17):
    run(f"pool-indices-{opset}", PoolIndices(kernel_size=2), image, "mse",
        opset, threads=BOTH)
run("pool-indices-ceil", PoolIndices(kernel_size=3, stride=2, padding=1,
                                     ceil_mode=True), image, "mse", 17,
    threads=BOTH)
run("pool-indices-1d", PoolIndices(True, kernel_size=2),
    {"x": np.random.randn(2, 2, 9).astype(np.float32)}, "mse", 17,
    threads=BOTH)

sample = {"x": np.random.randn(2, 2, 5, 6).astype(np.float32),
          "g": np.random.randn(2, 4, 3, 2).astype(np.float32)}
for mode in ("bilinear", "nearest"):
    for padding in ("zeros", "border", "reflection"):
        for align in (False, True):
            run(f"grid-sample-{mode}-{padding}-{int(align)}",
                Sampler(mode=mode, padding_mode=padding, align_corners=align),
                sample, "mse", 16, threads=BOTH)
run("grid-sample-17", Sampler(align_corners=False), sample, "mse", 17,
    threads=BOTH)

run("unrolled", torch.jit.script(Unrolled()),
    {"x": np.random.randn(3, 4).astype(np.float32)}, "mse", 13, threads=BOTH)
expect_error("data-dependent If", lambda: run(
    "branchy", torch.jit.script(Branchy()),
    {"x": np.random.randn(3, 4).astype(np.float32)}, "mse", 13),
    "If node '/If' (opset 13): the condition is known only at run time",
    kind=Exception)

# Hand-built If and Loop against NumPy: an If on a constant reading the
# enclosing graph's values; a Loop with a loop-carried value and a scan
# output; the errors for a condition known only at run time and a trip
# count above the bound.
const = lambda name, value, t=TensorProto.BOOL: helper.make_node(
    "Constant", [], [name], value=helper.make_tensor(name, t, [], [value]))
a = np.random.randn(2, 3).astype(np.float32)
for taken in (True, False):
    then = helper.make_graph([helper.make_node("Exp", ["x"], ["t"])], "then",
                             [], [helper.make_tensor_value_info(
                                 "t", TensorProto.FLOAT, None)])
    other = helper.make_graph([helper.make_node("Neg", ["x"], ["e"])],
                              "else", [], [helper.make_tensor_value_info(
                                  "e", TensorProto.FLOAT, None)])
    lib = torchexport.compile_nodes(
        [const("c", taken), helper.make_node("If", ["c"], ["y"], name="if",
                                             then_branch=then,
                                             else_branch=other)],
        {"x": a}, {"y": TensorProto.FLOAT}, f"if-{taken}")
    check(f"if {taken}", lib.forward(x=a),
          np.exp(a.astype(np.float64)) if taken else -a.astype(np.float64))
vi = lambda name, t=TensorProto.FLOAT: helper.make_tensor_value_info(
    name, t, None)
body = helper.make_graph(
    [helper.make_node("Cast", ["i"], ["f"], to=TensorProto.FLOAT),
     helper.make_node("Add", ["h", "f"], ["h1"]),
     helper.make_node("Mul", ["h1", "x"], ["h2"]),
     helper.make_node("Sin", ["h2"], ["s"]),
     helper.make_node("Identity", ["c"], ["c1"])], "body",
    [vi("i", TensorProto.INT64), vi("c", TensorProto.BOOL), vi("h")],
    [vi("c1", TensorProto.BOOL), vi("h2"), vi("s")])
for trips, name in ((4, "loop"), (1025, "loop-too-long")):
    nodes = [const("n", trips, TensorProto.INT64), const("go", True),
             helper.make_node("Loop", ["n", "go", "x"], ["y", "scan"],
                              name="loop", body=body)]
    outputs = {"y": TensorProto.FLOAT, "scan": TensorProto.FLOAT}
    if trips > 1024:
        expect_error(name, lambda: torchexport.compile_nodes(
            nodes, {"x": a}, outputs, name),
            "the trip count 1025 is above 1024", kind=Exception)
        continue
    lib = torchexport.compile_nodes(nodes, {"x": a}, outputs, name)
    h, want = a.astype(np.float64), []
    for i in range(trips):
        h = (h + i) * a
        want.append(np.sin(h))
    y, scan = lib.forward(x=a)
    check("loop: carried", y, h)
    check("loop: scan", scan, np.stack(want))
stop = helper.make_graph(
    [helper.make_node("ReduceSum", ["h"], ["r"], keepdims=0),
     helper.make_node("Greater", ["r", "zero"], ["c1"]),
     helper.make_node("Neg", ["h"], ["h1"])], "body",
    [vi("i", TensorProto.INT64), vi("c", TensorProto.BOOL), vi("h")],
    [vi("c1", TensorProto.BOOL), vi("h1")])
expect_error("data-dependent Loop", lambda: torchexport.compile_nodes(
    [const("n", 3, TensorProto.INT64), const("zero", 0.0, TensorProto.FLOAT),
     helper.make_node("Loop", ["n", "", "x"], ["y"], name="l", body=stop)],
    {"x": a}, {"y": TensorProto.FLOAT}, "loop-data"),
    "Loop node 'l' (opset 17): the body's condition is known only at run "
    "time (iteration 0)", kind=Exception)

# ScatterND's reductions add and mul (opset 16) against NumPy, and a
# repeated index tuple: an error at import time for constant indices, the
# call's status for run-time ones (ONNX leaves the result undefined).
data = np.random.randn(4, 3).astype(np.float32)
upd = np.random.randn(2, 3).astype(np.float32)
for reduction in ("none", "add", "mul"):
    node = helper.make_node("ScatterND", ["x", "i", "u"], ["y"], name="s",
                            reduction=reduction)
    lib = torchexport.compile_nodes(
        [node], {"x": data, "i": np.zeros((2, 1), np.int64), "u": upd},
        {"y": TensorProto.FLOAT}, f"scatternd-{reduction}", opset=16)
    idx = np.array([[3], [-4]], np.int64)
    want = data.astype(np.float64)
    for t, r in enumerate(idx[:, 0] % 4):
        want[r] = {"none": upd[t], "add": want[r] + upd[t],
                   "mul": want[r] * upd[t]}[reduction]
    check(f"scatternd {reduction}", lib.forward(x=data, i=idx, u=upd), want)
    expect_error(f"scatternd {reduction}, index 4",
                 lambda: lib.forward(x=data, i=np.array([[4], [0]]), u=upd),
                 "outside [-4, 4)")
    repeated = np.array([[1], [-3]], np.int64)
    if reduction == "add":
        want = data.astype(np.float64)
        want[1] += upd[0] + upd[1]
        check("scatternd add, repeated", lib.forward(x=data, i=repeated,
                                                     u=upd), want)
    else:
        expect_error(f"scatternd {reduction}, repeated",
                     lambda: lib.forward(x=data, i=repeated, u=upd),
                     "each index tuple once")
constant = helper.make_node("Constant", [], ["i"], name="c",
                            value=helper.make_tensor("i", TensorProto.INT64,
                                                     [2, 1], [1, -3]))
expect_error("scatternd, constant repeated", lambda: torchexport.compile_nodes(
    [constant, helper.make_node("ScatterND", ["x", "i", "u"], ["y"],
                                name="s")],
    {"x": data, "u": upd}, {"y": TensorProto.FLOAT}, "scatternd-repeated"),
    "index tuple 1 repeats an earlier one", kind=Exception)

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
