# Run-time indices out of range in ONNX nodes: the compiled call fails
# naming the op (adj-check-indices), as PyTorch raises, instead of reading
# another row. GatherElements and ScatterElements index the flattened data,
# where an index past its axis once landed in the next row unnoticed; the
# message gives the range the node accepts along its axis. Good
# indices match NumPy; negative ones count from the end (Gather's once
# were clamped to 0).
# RUN: %python %s %t.dir
import sys

import numpy as np
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper

import adjoint
import torchexport
from torchexport import check, failures

torchexport.setup(sys.argv[1])
x = np.arange(12, dtype=np.float32).reshape(3, 4)
i = np.array([[3, 0], [1, -4], [2, 2]], np.int64)
u = np.array([[10, 11], [12, 13], [14, 15]], np.float32)
nodes = {
    "gather": helper.make_node("Gather", ["x", "i"], ["y"], name="g", axis=1),
    "gather-elements": helper.make_node("GatherElements", ["x", "i"], ["y"],
                                        name="g", axis=1),
    "scatter-elements": helper.make_node(
        "ScatterElements", ["x", "i", "u"], ["y"], name="s", axis=1,
        reduction="add"),
}
inputs = {"x": x, "i": i, "u": u}
for name, node in nodes.items():
    used = {k: v for k, v in inputs.items() if k in node.input}
    lib = torchexport.compile_nodes([node], used, {"y": TensorProto.FLOAT},
                                    name)
    if name == "gather":
        good = np.array([[3, 0], [1, -2], [2, 2]], np.int64)
        want = np.take(x.astype(np.float64), good % 4, axis=1)
    elif name == "gather-elements":
        good = i
        want = np.take_along_axis(x.astype(np.float64), i % 4, 1)
    else:
        good = i
        want = x.astype(np.float64)
        for r in range(3):
            for c in range(2):
                want[r, i[r, c] % 4] += u[r, c]
    check(f"{name} of indices in range", lib.forward(**{**used, "i": good}),
          want)
    # 4 is past the axis; in the flattened data, row 0's 4 is row 1's 0.
    bad = good.copy()
    bad[0, 0] = 4
    try:
        lib.forward(**{**used, "i": bad})
        failures.append(f"{name}: no error for index 4")
        print(f"FAIL {name}: no error for index 4")
    except adjoint.CallError as e:
        # The range the node accepts, along its axis (not the flat data's
        # [0, 12), nor [0, 4) for Gather, which takes [-4, 4)).
        ok = "read an index outside [-4, 4) along axis 1 in" in e.message
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {e.message}")
        if not ok:
            failures.append(name)


def expect_error(what, call, *fragments):
    try:
        call()
        failures.append(f"{what}: no error")
        print(f"FAIL {what}: no error")
    except adjoint.CallError as e:
        ok = all(f in e.message for f in fragments)
        print(f"{'ok  ' if ok else 'FAIL'} {what}: {e.message}")
        if not ok:
            failures.append(what)


# The labels of SoftmaxCrossEntropyLoss and NegativeLogLikelihoodLoss (built
# on adj.one_hot) are checked, as PyTorch raises, except those equal to
# ignore_index; loss and gradient (also the gradient alone, where the loss
# is dead) match PyTorch in f64.
z = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
for op, torch_loss in (("SoftmaxCrossEntropyLoss", F.cross_entropy),
                       ("NegativeLogLikelihoodLoss", F.nll_loss)):
    for ignore in (None, -100, 1):
        attrs = {} if ignore is None else {"ignore_index": ignore}
        name = f"{op}-{ignore}"
        node = helper.make_node(op, ["x", "l"], ["y"], name="n", **attrs)
        labels = np.array([2, 0, 1, 2] if ignore is None else
                          [2, ignore, 0, ignore], np.int64)
        lib = torchexport.compile_nodes([node], {"x": z, "l": labels},
                                        {"y": TensorProto.FLOAT}, name,
                                        value_and_grad="forward:wrt=x")
        t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
        want = torch_loss(t, torch.tensor(labels),
                          ignore_index=-100 if ignore is None else ignore)
        want.backward()
        loss, grad = lib.forward_value_and_grad(x=z, l=labels)
        check(f"{name} loss", loss, want.detach().numpy())
        check(f"{name} gradient", grad, t.grad.numpy())
        for bad in (3, -1):
            wrong = labels.copy()
            wrong[0] = bad
            fragment = (f"{name}.onnx:1:1) (forward) read a label outside "
                        "[0, 3)")
            expect_error(f"{name} label {bad}",
                         lambda: lib.forward(x=z, l=wrong),
                         'adj.one_hot at "n"(', fragment)
            expect_error(f"{name} label {bad}, gradient",
                         lambda: lib.forward_value_and_grad(x=z, l=wrong),
                         fragment)

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
