# A library rebuilt at the path of one this process has loaded (a notebook
# recompiling libmodel.so) is loaded anew, not the old one dlopen still has.
# RUN: %python %s

import os

import numpy as np

import adjoint
import compiletest as ct

MLP = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "mlp.mlir")
path = os.path.join(ct.tmpdir(), "libmlp.so")

first = adjoint.compile(MLP, output=path)
assert "loss_value_and_grad" not in first.functions, first.functions
again = adjoint.load(path)
assert again.functions.keys() == first.functions.keys()

second = adjoint.compile(MLP, output=path,
                         value_and_grad=["loss:wrt=W1,b1,W2,b2"])
assert "loss_value_and_grad" in second.functions, sorted(second.functions)

# Both stay usable, and the new one computes what the evaluator does.
rng = np.random.default_rng(0)
args = [rng.uniform(-0.5, 0.5, s).astype(np.float32)
        for s in [(64, 32), (32,), (32, 10), (10,), (32, 64)]]
labels = rng.integers(0, 10, 32)
loss = first.loss(*args, labels)
r = second.loss_value_and_grad(*args, labels)
np.testing.assert_array_equal(r.loss, loss)
inputs = dict(zip(["W1", "b1", "W2", "b2", "x", "labels"], args + [labels]))
ref = ct.evaluate(open(MLP).read(), "loss", inputs)
np.testing.assert_allclose(loss, ref[0], rtol=1e-5)
print("reload: ok")
