# BatchNormalization in training mode at opsets 9 and 13 (five outputs):
# saved_mean and saved_var (outputs 3 and 4) are the batch mean and biased
# variance, as the spec names them and onnx.reference computes them; they
# were once not made, and a graph reading them did not import. Forward
# values against NumPy f64 (onnx.reference's formulas), and the gradient of
# a loss that reads Y, saved_mean and saved_var against PyTorch f64.
# RUN: %python %s %t.dir

import sys

import numpy as np
import torch
import torch.nn.functional as F

import torchexport
from onnx import TensorProto, helper, numpy_helper
from torchexport import check, compile_nodes, failures

torchexport.setup(sys.argv[1])

eps, momentum = 1e-3, 0.8
x = np.random.randn(4, 3, 2, 5).astype(np.float32) * 2 + 1
stats = {k: np.random.rand(3).astype(np.float32) + 0.5
         for k in ("s", "b", "m", "v")}
inputs = {"x": x, **stats}
weights = {k: np.random.randn(*shape).astype(np.float32)
           for k, shape in (("wy", x.shape), ("wm", (3,)), ("wv", (3,)))}


def batch_norm(*outputs):
    return helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"],
                            list(outputs), epsilon=eps, momentum=momentum)


def constant(name):
    return helper.make_node("Constant", [], [name],
                            value=numpy_helper.from_array(weights[name]))


# onnx.reference's _batchnorm_training_mode, in f64.
x64 = x.astype(np.float64)
s64, b64, m64, v64 = (stats[k].astype(np.float64) for k in "sbmv")
axes = (0, 2, 3)
mean, var = x64.mean(axes), x64.var(axes)
channel = (1, 3, 1, 1)
want = {"y": s64.reshape(channel) * (x64 - mean.reshape(channel)) /
        np.sqrt(var.reshape(channel) + eps) + b64.reshape(channel),
        "rm": m64 * momentum + mean * (1 - momentum),
        "rv": v64 * momentum + var * (1 - momentum),
        "sm": mean, "sv": var}

# PyTorch f64: the gradient of sum(Y wy) + sum(saved_mean wm) +
# sum(saved_var wv) w.r.t. x, scale and bias (the running statistics do
# not reach it).
xt, st, bt = (torch.tensor(a, dtype=torch.float64, requires_grad=True)
              for a in (x, stats["s"], stats["b"]))
w = {k: torch.tensor(v, dtype=torch.float64) for k, v in weights.items()}
yt = F.batch_norm(xt, None, None, st, bt, training=True, eps=eps)
loss = ((yt * w["wy"]).sum() + (xt.mean(axes) * w["wm"]).sum() +
        (xt.var(axes, unbiased=False) * w["wv"]).sum())
loss.backward()

for opset in (9, 13):
    names = ["y", "rm", "rv", "sm", "sv"]
    lib = compile_nodes([batch_norm(*names)], inputs,
                        {k: TensorProto.FLOAT for k in names},
                        f"batchnorm{opset}-outputs", opset=opset)
    got = lib.forward(**inputs)
    for k, value in zip(names, got):
        check(f"opset {opset}: output {k}", value, want[k])

    # Before opset 13 ReduceSum takes its axes as an attribute; without
    # them it sums everything at every opset.
    nodes = [batch_norm("y", "rm", "rv", "sm", "sv")]
    nodes += [constant(k) for k in weights]
    for out, k in (("y", "wy"), ("sm", "wm"), ("sv", "wv")):
        nodes += [helper.make_node("Mul", [out, k], [out + "w"]),
                  helper.make_node("ReduceSum", [out + "w"], [out + "s"],
                                   keepdims=0)]
    nodes += [helper.make_node("Add", ["ys", "sms"], ["part"]),
              helper.make_node("Add", ["part", "svs"], ["loss"])]
    lib = compile_nodes(nodes, inputs, {"loss": TensorProto.FLOAT},
                        f"batchnorm{opset}-loss", opset=opset,
                        value_and_grad="forward")
    r = lib.forward_value_and_grad(**inputs)
    check(f"opset {opset}: loss", r[0], loss.detach().numpy())
    for k, t in (("x", xt), ("s", st), ("b", bt)):
        check(f"opset {opset}: gradient of {k}", r[1 + "xsbmv".index(k)],
              t.grad.numpy())
    for k in ("m", "v"):
        check(f"opset {opset}: gradient of {k}", r[1 + "xsbmv".index(k)],
              np.zeros(3))

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
