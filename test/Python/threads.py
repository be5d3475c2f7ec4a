# The `adjoint` package: out= reuses output buffers, the workspace is cached
# (one per thread, 64-byte aligned), and two threads calling the same
# function at once get the results of a single thread, bit for bit.
# RUN: %python %s

import os
import threading

import numpy as np

import adjoint
import compiletest as ct

MLP = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "mlp.mlir")
lib = adjoint.compile(MLP, output=os.path.join(ct.tmpdir(), "libmlp.so"))
step = lib.loss_and_gradients


def batch(seed):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-0.5, 0.5, a.shape).astype(a.dtype)
            if a.dtype.kind == "f" else rng.integers(0, 10, a.shape)
            for a in step.inputs]


# out=: the results are written into the given arrays, which are returned.
args = batch(0)
fresh = step(*args)
out = [np.full(a.shape, np.nan, a.dtype) for a in step.outputs]
r = step(*args, out=out)
assert all(got is o for got, o in zip(r, out))
for a, b in zip(r, fresh):
    np.testing.assert_array_equal(a, b)
# ...again with other inputs: same buffers, new values.
args1 = batch(1)
r1 = step(*args1, out=out)
assert r1.grad_W1 is out[1] and not np.array_equal(r1.grad_W1, fresh.grad_W1)
np.testing.assert_array_equal(r1.grad_W1, step(*args1).grad_W1)
# A tuple of outputs from an earlier call is a valid out=; None allocates.
r2 = step(*args, out=r1)
assert r2.loss is r1.loss
np.testing.assert_array_equal(r2.grad_b2, fresh.grad_b2)
r3 = step(*args, out=[None, out[1], None, None, None])
assert r3.grad_W1 is out[1] and r3.loss is not out[0]
# A single output takes an array or a one-element sequence.
logits = np.empty((32, 10), np.float32)
assert lib.predict(*args[:5], out=logits) is logits
assert lib.predict(*args[:5], out=[logits]) is logits
print("out=: buffers reused")

# The workspace: allocated once per thread, aligned, reused by every call.
ws = step.workspace()
assert ws.ctypes.data % 64 == 0 and ws.nbytes == step.workspace_size
step(*args)
assert step.workspace() is ws
other = []
t = threading.Thread(target=lambda: other.append(step.workspace()))
t.start()
t.join()
assert other[0] is not ws and other[0].ctypes.data % 64 == 0
print("workspace: cached, one per thread, 64-byte aligned")

# Two threads, each on its own inputs, many calls at once: every result is
# what a single thread computes.
inputs = [batch(10 + i) for i in range(2)]
expected = [step(*a) for a in inputs]
failures = []
start = threading.Barrier(2)


def work(i):
    start.wait()
    out = [np.empty(a.shape, a.dtype) for a in step.outputs]
    for n in range(200):
        r = step(*inputs[i], out=out if n % 2 else None)
        for name, got, want in zip(step.Outputs._fields, r, expected[i]):
            if not np.array_equal(got, want):
                failures.append(f"thread {i}, call {n}: {name} differs")
                return


threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert not failures, failures[:3]
print("threads: 2 x 200 calls identical to a single thread's")
