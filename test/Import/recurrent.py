# ONNX GRU (linear_before_reset 0 and 1) and LSTM nodes built with
# onnx.helper, with biases and initial states, against NumPy in f64
# following the equations of the ONNX operator specification (PyTorch emits
# only linear_before_reset 1; pytorch-models.py checks gradients). All three
# outputs (Y, Y_h and LSTM's Y_c), 1e-5 relative to their largest magnitude.
# RUN: %python %s %t.dir

import os
import shutil
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

import adjoint

out = sys.argv[1]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
rng = np.random.default_rng(0)
T, B, I, H = 4, 3, 5, 6
failures = []


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def gru(x, W, R, Bias, h, lbr):
    W, R, Wb, Rb = W[0], R[0], Bias[0, :3 * H], Bias[0, 3 * H:]
    h, ys = h[0], []
    for xt in x:
        z = sigmoid(xt @ W[:H].T + h @ R[:H].T + Wb[:H] + Rb[:H])
        r = sigmoid(xt @ W[H:2 * H].T + h @ R[H:2 * H].T + Wb[H:2 * H]
                    + Rb[H:2 * H])
        if lbr:
            c = np.tanh(xt @ W[2 * H:].T + r * (h @ R[2 * H:].T + Rb[2 * H:])
                        + Wb[2 * H:])
        else:
            c = np.tanh(xt @ W[2 * H:].T + (r * h) @ R[2 * H:].T + Rb[2 * H:]
                        + Wb[2 * H:])
        h = (1 - z) * c + z * h
        ys.append(h)
    return np.stack(ys)[:, None], h[None]


def lstm(x, W, R, Bias, h, c):
    b = Bias[0, :4 * H] + Bias[0, 4 * H:]
    h, c, ys = h[0], c[0], []
    for xt in x:
        g = xt @ W[0].T + h @ R[0].T + b
        i, o, f = sigmoid(g[:, :H]), sigmoid(g[:, H:2 * H]), sigmoid(g[:, 2 * H:3 * H])
        c = f * c + i * np.tanh(g[:, 3 * H:])
        h = o * np.tanh(c)
        ys.append(h)
    return np.stack(ys)[:, None], h[None], c[None]


def model(name, op, gates, outputs, states, **attrs):
    """An ONNX model of one `op` node with every input an argument, compiled;
    returns the library and the inputs."""
    inputs = {"x": rng.standard_normal((T, B, I)),
              "W": rng.standard_normal((1, gates * H, I)) / np.sqrt(I),
              "R": rng.standard_normal((1, gates * H, H)) / np.sqrt(H),
              "B": 0.5 * rng.standard_normal((1, 2 * gates * H))}
    for s in states:
        inputs[s] = rng.standard_normal((1, B, H))
    names = ["x", "W", "R", "B", ""] + states
    shapes = {"Y": [T, 1, B, H], "Y_h": [1, B, H], "Y_c": [1, B, H]}
    node = helper.make_node(op, names, outputs, name=name, hidden_size=H,
                            **attrs)
    F = TensorProto.FLOAT
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info(k, F, v.shape) for k, v in inputs.items()],
        [helper.make_tensor_value_info(o, F, shapes[o]) for o in outputs])
    path = os.path.join(out, name + ".onnx")
    with open(path, "wb") as f:
        f.write(helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 14)]).SerializeToString())
    lib = adjoint.compile(path, output=os.path.join(out, f"lib{name}.so"))
    return lib, inputs


def check(what, got, want):
    err = np.max(np.abs(got - want)) / np.max(np.abs(want))
    ok = got.shape == want.shape and err <= 1e-5
    print(f"{'ok  ' if ok else 'FAIL'} {what}: relative error {err:.3g}")
    if not ok:
        failures.append(what)


for lbr in (0, 1):
    lib, inputs = model(f"gru{lbr}", "GRU", 3, ["Y", "Y_h"], ["h0"],
                        linear_before_reset=lbr)
    got = lib.forward(**{k: v.astype(np.float32) for k, v in inputs.items()})
    want = gru(*inputs.values(), lbr)
    for name, g, w in zip(["Y", "Y_h"], got, want):
        check(f"GRU linear_before_reset {lbr}: {name}", g, w)

lib, inputs = model("lstm", "LSTM", 4, ["Y", "Y_h", "Y_c"], ["h0", "c0"])
got = lib.forward(**{k: v.astype(np.float32) for k, v in inputs.items()})
for name, g, w in zip(["Y", "Y_h", "Y_c"], got, lstm(*inputs.values())):
    check(f"LSTM: {name}", g, w)

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
