#!/usr/bin/env python3
"""Train the MLP of examples/mlp.mlir on the 8x8 digits from Python.

    python3 train.py DATA_DIR path/to/libdigits.so [--epochs N] [--lr X]

The same training loop as train.c, with NumPy for the data and the `adjoint`
package (tools/python; docs/python.md) to call the library adjoint-compile
made: the model, its loss and its gradient all run in the library. Nothing
here is specific to this model but the parameter names.
"""
import argparse
import os
import sys
import time

import numpy as np

try:
    import adjoint
except ImportError:  # run from a source tree without PYTHONPATH set
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "tools", "python"))
    import adjoint


def accuracy(predict, params, x, y, logits):
    """Fraction of rows whose argmax logit is the label. predict takes a
    fixed batch, so the last partial batch is padded with zero rows whose
    predictions are dropped. `logits` is reused as the output buffer."""
    batch = predict.inputs[-1].shape[0]
    hits = 0
    for start in range(0, len(x), batch):
        xb = np.zeros((batch, x.shape[1]), np.float32)
        rows = min(batch, len(x) - start)
        xb[:rows] = x[start:start + rows]
        predict(*params, xb, out=logits)
        hits += int((logits[:rows].argmax(1) == y[start:start + rows]).sum())
    return hits / len(x)


def main():
    ap = argparse.ArgumentParser(description="Train the digits MLP.")
    ap.add_argument("data_dir")
    ap.add_argument("library")
    ap.add_argument("--prefix", help="symbol prefix (default: from the library)")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--lr", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    lib = adjoint.load(args.library, prefix=args.prefix)
    predict, step = lib.predict, lib.loss_and_gradients
    # The parameter shapes come from the library: W1, b1, W2, b2.
    shapes = {a.name: a.shape for a in step.inputs}
    batch, features = shapes["x"]
    hidden, classes = shapes["W2"]

    def load(name):
        return np.load(os.path.join(args.data_dir, name + ".npy"))
    train_x, train_y = load("train_x"), load("train_y")
    test_x, test_y = load("test_x"), load("test_y")
    print(f"{len(train_x)} training and {len(test_x)} test images; "
          f"batch {batch}, lr {args.lr:g} -> {args.lr / 10:g}, seed {args.seed}")

    # He-uniform W1 (it feeds a ReLU), Glorot-uniform W2, zero biases.
    rng = np.random.default_rng(args.seed)
    he, glorot = np.sqrt(6 / features), np.sqrt(6 / (hidden + classes))
    params = [rng.uniform(-he, he, (features, hidden)).astype(np.float32),
              np.zeros(hidden, np.float32),
              rng.uniform(-glorot, glorot, (hidden, classes)).astype(np.float32),
              np.zeros(classes, np.float32)]
    # Output buffers allocated once and reused by every call.
    out = [np.empty(a.shape, a.dtype) for a in step.outputs]
    logits = np.empty(predict.outputs[0].shape, np.float32)

    t0 = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(len(train_x))
        # The step size decays linearly from lr to lr/10.
        lr = args.lr * (1 - 0.9 * (epoch - 1) / max(args.epochs - 1, 1))
        losses = []
        # Full batches only: the loss is a mean over exactly `batch` rows.
        for start in range(0, len(order) - batch + 1, batch):
            idx = order[start:start + batch]
            r = step(*params, train_x[idx], train_y[idx], out=out)
            for p, g in zip(params, (r.grad_W1, r.grad_b1, r.grad_W2, r.grad_b2)):
                p -= lr * g
            losses.append(float(r.loss))
        print(f"epoch {epoch:2d}  loss {np.mean(losses):.4f}  "
              f"train acc {100 * accuracy(predict, params, train_x, train_y, logits):6.2f}%  "
              f"test acc {100 * accuracy(predict, params, test_x, test_y, logits):6.2f}%",
              flush=True)
    print(f"trained {args.epochs} epochs in "
          f"{1e3 * (time.perf_counter() - t0):.1f} ms")


if __name__ == "__main__":
    main()
