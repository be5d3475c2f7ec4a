# The `adjoint` package's checks: a wrong dtype is a TypeError, a wrong shape
# or count a ValueError or TypeError, each naming the function, the argument,
# what was expected and what was given; bad out= buffers; a non-zero status;
# libraries that are not Adjoint's.
# RUN: %python %s

import os

import numpy as np

import adjoint
import compiletest as ct

MLP = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "mlp.mlir")
lib = adjoint.compile(MLP, output=os.path.join(ct.tmpdir(), "libmlp.so"))
rng = np.random.default_rng(0)
W1 = rng.standard_normal((64, 32)).astype(np.float32)
b1 = np.zeros(32, np.float32)
W2 = rng.standard_normal((32, 10)).astype(np.float32)
b2 = np.zeros(10, np.float32)
x = rng.standard_normal((32, 64)).astype(np.float32)
labels = rng.integers(0, 10, 32)
ARGS = [W1, b1, W2, b2, x, labels]
checked = 0


def expect(error, fragments, fn, *args, **kwargs):
    """fn(*args, **kwargs) raises `error` whose message has `fragments`."""
    global checked
    try:
        fn(*args, **kwargs)
    except error as e:
        message = str(e)
        for fragment in fragments:
            assert fragment in message, f"{fragment!r} not in {message!r}"
        checked += 1
        print(f"{error.__name__}: {message}")
        return
    raise AssertionError(f"no {error.__name__} for {fragments}")


def args(i, value):
    return ARGS[:i] + [value] + ARGS[i + 1:]


# Inputs: dtype, shape, count, names.
expect(TypeError, ["loss:", "input 'W1'", "expected a float32 array of shape "
                   "(64, 32)", "got float64 array of shape (64, 32)"],
       lib.loss, *args(0, W1.astype(np.float64)))
expect(TypeError, ["loss:", "input 'labels'", "an int64", "got int32"],
       lib.loss, *args(5, labels.astype(np.int32)))
expect(ValueError, ["loss:", "input 'b1'", "shape (32,)",
                    "got float32 array of shape (31,)"],
       lib.loss, *args(1, np.zeros(31, np.float32)))
expect(ValueError, ["predict:", "input 'x'", "shape (32, 64)",
                    "got float32 array of shape (64, 32) (not C-contiguous)"],
       lib.predict, W1, b1, W2, b2, x.T)
expect(TypeError, ["loss:", "input 'W1'", "got str"],
       lib.loss, *args(0, "weights"))
expect(TypeError, ["loss:", "takes 6 inputs, got 7"], lib.loss, *ARGS, x)
expect(TypeError, ["loss:", "missing 'labels'"], lib.loss, *ARGS[:5])
expect(TypeError, ["loss:", "no input named 'y'", "W1, b1, W2, b2, x, labels"],
       lib.loss, *ARGS[:5], y=labels)
expect(TypeError, ["loss:", "input 'W1' given twice"], lib.loss, *ARGS, W1=W1)
# Every input by name, one name wrong: the direct look-up of each name
# fails, and the message is the loop's.
BY_NAME = dict(zip(["W1", "b1", "W2", "b2", "x"], ARGS[:5]))
expect(TypeError, ["loss:", "no input named 'y'", "W1, b1, W2, b2, x, labels"],
       lib.loss, **BY_NAME, y=labels)
assert lib.loss(**BY_NAME, labels=labels) == lib.loss(*ARGS)
# Converted values that would lose what they say: floats for integers
# (truncated), integers past int64, a masked array (its mask ignored).
expect(TypeError, ["loss:", "input 'labels'", "an int64", "float64 values"],
       lib.loss, *args(5, [2.9] * 32))
expect(TypeError, ["loss:", "input 'labels'", "an int64", "too large"],
       lib.loss, *args(5, [2**70] * 32))
expect(TypeError, ["loss:", "input 'x'", "a masked array", "filled"],
       lib.loss, *args(4, np.ma.masked_less(x, 0)))
# A list of ints for int64 labels, and of floats for floats, still converts.
assert lib.loss(*args(5, labels.tolist())) == lib.loss(*ARGS)
assert lib.loss(*args(1, b1.tolist())) == lib.loss(*ARGS)
# The C ABI's int32 arguments are not wrapped around.
expect(ValueError, ["status", "out of the int32 range"],
       lib.status_message, 2**32)
expect(ValueError, ["set_num_threads", "out of the int32 range"],
       lib.set_num_threads, 2**32 + 1)
expect(TypeError, ["set_num_threads", "expected an int", "got float"],
       lib.set_num_threads, 1.5)

# out=: dtype, shape, contiguity, writeability, count, overlap.
expect(TypeError, ["predict:", "out 'logits'", "float32", "got float64"],
       lib.predict, *ARGS[:5], out=np.empty((32, 10)))
expect(ValueError, ["predict:", "out 'logits'", "shape (32, 10)",
                    "got float32 array of shape (10, 32)"],
       lib.predict, *ARGS[:5], out=np.empty((10, 32), np.float32))
expect(ValueError, ["predict:", "out 'logits'", "C-contiguous",
                    "(not C-contiguous)"],
       lib.predict, *ARGS[:5], out=np.empty((10, 32), np.float32).T)
read_only = np.empty((32, 10), np.float32)
read_only.flags.writeable = False
expect(ValueError, ["predict:", "out 'logits'", "writeable", "read-only"],
       lib.predict, *ARGS[:5], out=read_only)
expect(ValueError, ["predict:", "out: expected 1 array, got 32"],
       lib.predict, *ARGS[:5], out=[[0.0] * 10] * 32)
expect(TypeError, ["predict:", "out", "an array or a sequence of 1 array",
                   "got int"], lib.predict, *ARGS[:5], out=3)
expect(ValueError, ["loss_and_gradients:", "out: expected 5 arrays, got 2"],
       lib.loss_and_gradients, *ARGS, out=(None, None))
expect(TypeError, ["loss_and_gradients:", "a sequence of 5 arrays",
                   "got float64 array of shape ()"],
       lib.loss_and_gradients, *ARGS, out=np.empty(()))
overlapping = np.empty(32 * 10 + 32, np.float32)
b1_view, logits_view = overlapping[:32], overlapping[22:22 + 320].reshape(32, 10)
b1_view[:] = 0
expect(ValueError, ["predict:", "out 'logits'", "overlaps 'b1'"],
       lib.predict, W1, b1_view, W2, b2, x, out=logits_view)
grads = [np.empty(a.shape, a.dtype) for a in lib.loss_and_gradients.outputs]
grads[2] = grads[1].reshape(-1)[:32]  # grad_b1 inside grad_W1
expect(ValueError, ["out 'grad_b1'", "overlaps 'grad_W1'"],
       lib.loss_and_gradients, *ARGS, out=grads)

# Functions and libraries.
expect(AttributeError, ["has no function 'train'", "predict, loss"],
       getattr, lib, "train")
expect(ValueError, ["no function nope_adjoint_interface"],
       adjoint.load, lib.path, prefix="nope")
not_elf = os.path.join(ct.tmpdir(), "libnot.so")
with open(not_elf, "w") as f:
    f.write("not a library\n")
expect(ValueError, ["not an ELF file", "made by adjoint-compile?"],
       adjoint.load, not_elf)
libm = "/lib/x86_64-linux-gnu/libm.so.6"
if os.path.exists(libm):
    expect(ValueError, ["expected one *_adjoint_interface symbol, found none"],
           adjoint.load, libm)
expect(FileNotFoundError, ["no such file"], adjoint.load, "/nonexistent/lib.so")

# A non-zero status is an error, with the library's message for it (without
# --check-numerics the library returns one only for a NULL pointer: a
# stand-in for the C function returns 100000, which no status is).
loss = lib.functions["loss"]
real = loss._fn
loss._fn = lambda *pointers: 100000
expect(adjoint.CallError, ["loss: returned status 100000: unknown status"],
       loss, *ARGS)
loss._fn = real
assert np.isfinite(loss(*ARGS))
print(f"{checked} errors checked")
