"""Checks the compiled examples/plugin/softplus.mlir (value and gradient
w.r.t. W and b) and the reference evaluator against NumPy.

    check_softplus.py libsoftplus.so tmpdir adjoint-run plugin.so model.mlir
"""
import os
import subprocess
import sys

import numpy as np

import compiletest as ct

lib_path, tmp, run, plugin, model = sys.argv[1:]
rng = np.random.default_rng(0)
# Large |z| too: the decomposition must neither overflow nor lose the tail.
W = rng.normal(0, 8, (3, 4)).astype(np.float32)
b = rng.normal(0, 1, 4).astype(np.float32)
x = rng.normal(0, 1, (5, 3)).astype(np.float32)
y = rng.normal(0, 1, (5, 4)).astype(np.float32)

# The oracle, in f64: softplus(z) = log(1 + e^z), softplus'(z) = sigmoid(z).
z = x.astype(np.float64) @ W + b
d = np.logaddexp(0.0, z) - y
loss = np.mean(d * d)
dz = 2 * d / d.size / (1 + np.exp(-z))
dW, db = x.T @ dz, dz.sum(0)

lib = ct.Library(lib_path, "sp")
got = lib.call("loss_value_and_grad", W, b, x, y)
for name, g, w in zip(["loss", "dW", "db"], got, [loss, dW, db]):
    np.testing.assert_allclose(g, w, rtol=2e-5, atol=1e-6, err_msg=name)

inputs, outputs = os.path.join(tmp, "in.npz"), os.path.join(tmp, "out.npz")
np.savez(inputs, W=W, b=b, x=x, y=y)
subprocess.run([run, "--load-dialect-plugin=" + plugin, model, "--inputs",
                inputs, "--output", outputs], check=True,
               stdout=subprocess.DEVNULL)
with np.load(outputs) as r:
    # f32 inputs, evaluated in f64.
    np.testing.assert_allclose(r["result0"], loss, rtol=1e-12, err_msg="run")
print("ok")
