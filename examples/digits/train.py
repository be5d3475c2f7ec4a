#!/usr/bin/env python3
"""Train the MLP of examples/mlp.mlir on the 8x8 digits from Python.

    python3 train.py DATA_DIR path/to/libdigits.so [--epochs N] [--lr X]

The same training loop as train.c, with NumPy for the data and ctypes for
the library adjoint-compile made (`--prefix digits`): the model, its loss
and its gradient all run in the library. Nothing here is specific to this
model but the parameter shapes: `Function` wraps any exported function
using the shapes and dtypes the library describes in JSON.
"""
import argparse
import ctypes
import json
import os
import time

import numpy as np

# The ABI's element types (docs/c-abi.md) as NumPy dtypes.
DTYPES = {"f32": np.float32, "f64": np.float64, "i32": np.int32,
          "i64": np.int64, "i1": np.bool_}


class Function:
    """One exported function: f(*inputs) -> list of output arrays.

    Outputs and the workspace are allocated once and reused by every call,
    so a returned array is overwritten by the next call of the same function.
    """

    def __init__(self, lib, desc):
        self.name = desc["symbol"]
        self.inputs = [(a["name"], np.dtype(DTYPES[a["dtype"]]), tuple(a["shape"]))
                       for a in desc["inputs"]]
        self.outputs = [np.zeros(a["shape"], DTYPES[a["dtype"]])
                        for a in desc["outputs"]]
        # A 64-byte-aligned workspace (the alignment the ABI recommends).
        size = desc["workspace_size"]
        raw = np.zeros(size + 64, np.uint8)
        start = -raw.ctypes.data % 64
        self.workspace = raw[start:start + size]
        self.fn = getattr(lib, self.name)
        self.fn.restype = ctypes.c_int32
        self.fn.argtypes = [ctypes.c_void_p] * (
            len(self.inputs) + len(self.outputs) + 1)
        self.out_ptrs = [o.ctypes.data_as(ctypes.c_void_p) for o in self.outputs]
        self.ws_ptr = self.workspace.ctypes.data_as(ctypes.c_void_p)

    def __call__(self, *args):
        # The library reads raw memory: a wrong dtype, shape or a strided
        # view would be read as garbage, so refuse them here.
        assert len(args) == len(self.inputs), f"{self.name}: wrong arity"
        ptrs = []
        for a, (name, dtype, shape) in zip(args, self.inputs):
            if a.dtype != dtype or a.shape != shape or not a.flags.c_contiguous:
                got = f"{a.dtype} {a.shape}" + (
                    "" if a.flags.c_contiguous else ", not C-contiguous")
                raise TypeError(f"{self.name}: {name} must be a C-contiguous "
                                f"{dtype} array of shape {shape}, got {got}")
            ptrs.append(a.ctypes.data_as(ctypes.c_void_p))
        status = self.fn(*ptrs, *self.out_ptrs, self.ws_ptr)
        if status != 0:
            raise RuntimeError(f"{self.name} returned status {status}")
        return self.outputs


def load_library(path, prefix):
    """Returns {function name without prefix: Function}."""
    lib = ctypes.CDLL(os.path.abspath(path))
    interface = getattr(lib, prefix + "_adjoint_interface")
    interface.restype = ctypes.c_char_p
    desc = json.loads(interface())
    return {f["symbol"][len(prefix) + 1:]: Function(lib, f)
            for f in desc["functions"]}


def accuracy(predict, params, x, y):
    """Fraction of rows whose argmax logit is the label. predict takes a
    fixed batch, so the last partial batch is padded with zero rows whose
    predictions are dropped."""
    batch = predict.inputs[-1][2][0]
    hits = 0
    for start in range(0, len(x), batch):
        xb = np.zeros((batch, x.shape[1]), np.float32)
        rows = min(batch, len(x) - start)
        xb[:rows] = x[start:start + rows]
        (logits,) = predict(*params, xb)
        hits += int((logits[:rows].argmax(1) == y[start:start + rows]).sum())
    return hits / len(x)


def main():
    ap = argparse.ArgumentParser(description="Train the digits MLP.")
    ap.add_argument("data_dir")
    ap.add_argument("library")
    ap.add_argument("--prefix", default="digits")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--lr", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    fns = load_library(args.library, args.prefix)
    predict, step = fns["predict"], fns["loss_and_gradients"]
    # The parameter shapes come from the library: W1, b1, W2, b2.
    shapes = {name: shape for name, _, shape in step.inputs}
    batch, features = shapes["x"]
    hidden, classes = shapes["W2"]

    def load(name):
        return np.load(os.path.join(args.data_dir, name + ".npy"))
    train_x, train_y = load("train_x"), load("train_y")
    test_x, test_y = load("test_x"), load("test_y")
    for x, y in [(train_x, train_y), (test_x, test_y)]:
        assert x.dtype == np.float32 and x.ndim == 2 and x.shape[1] == features
        assert y.dtype == np.int64 and y.shape == (len(x),)
        assert y.min() >= 0 and y.max() < classes
    print(f"{len(train_x)} training and {len(test_x)} test images; "
          f"batch {batch}, lr {args.lr:g} -> {args.lr / 10:g}, seed {args.seed}")

    # He-uniform W1 (it feeds a ReLU), Glorot-uniform W2, zero biases.
    rng = np.random.default_rng(args.seed)
    he, glorot = np.sqrt(6 / features), np.sqrt(6 / (hidden + classes))
    params = [rng.uniform(-he, he, (features, hidden)).astype(np.float32),
              np.zeros(hidden, np.float32),
              rng.uniform(-glorot, glorot, (hidden, classes)).astype(np.float32),
              np.zeros(classes, np.float32)]

    t0 = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(len(train_x))
        # The step size decays linearly from lr to lr/10: big steps early,
        # small ones at the end so the last epochs settle.
        lr = args.lr * (1 - 0.9 * (epoch - 1) / max(args.epochs - 1, 1))
        losses = []
        # Full batches only: the loss is a mean over exactly `batch` rows.
        for start in range(0, len(order) - batch + 1, batch):
            idx = order[start:start + batch]
            loss, *grads = step(*params, train_x[idx], train_y[idx])
            for p, g in zip(params, grads):
                p -= lr * g  # in place: the arrays stay C-contiguous
            losses.append(float(loss))
        print(f"epoch {epoch:2d}  loss {np.mean(losses):.4f}  "
              f"train acc {100 * accuracy(predict, params, train_x, train_y):6.2f}%  "
              f"test acc {100 * accuracy(predict, params, test_x, test_y):6.2f}%",
              flush=True)
    print(f"trained {args.epochs} epochs in {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
