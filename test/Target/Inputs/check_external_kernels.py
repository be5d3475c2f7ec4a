"""Checks the value and gradient of external-kernels.mlir's @loss, compiled
with its C kernels, against NumPy. check_external_kernels.py lib.so"""
import sys

import numpy as np

import compiletest as ct

rng = np.random.default_rng(0)
x = rng.normal(size=(2, 3)).astype(np.float32)
s = rng.normal(size=2).astype(np.float32)
w = rng.normal(size=(2, 3)).astype(np.float32)
lib = ct.Library(sys.argv[1], "ext")
for k in (0, 1):
    got = lib.call("loss_value_and_grad", x, s, np.array(k), w)
    t = np.tanh(x.astype(np.float64))
    p = t * s[k] * w
    dy = 2 * p * w
    ds = np.zeros(2)
    ds[k] = np.sum(dy * t)
    want = [np.sum(p * p), dy * s[k] * (1 - t * t), ds, 2 * p * t * s[k]]
    for name, g, e in zip(["loss", "dx", "ds", "dw"], got, want):
        ct.compare(g, e, "f32", f"k={k}: {name}")
print("ok")
