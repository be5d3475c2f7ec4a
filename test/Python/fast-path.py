# The `adjoint` package's fast path (Function._fast): arguments exactly as
# declared skip the conversions and read each array's data pointer from the
# array object; everything else takes the checked path, with the same
# results. Its overlap check of out= buffers against np.may_share_memory on
# random views; converted inputs stay alive until the call returns.
# RUN: %python %s

import ctypes
import os
import weakref

import numpy as np

import adjoint
import compiletest as ct

MODEL = os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                     "bench", "mlp-small.mlir")
with open(MODEL) as f:
    SOURCE = f.read()
lib = adjoint.compile(MODEL, output=os.path.join(ct.tmpdir(), "libsmall.so"))
assert adjoint._FAST, "the data pointer should be readable on CPython"
step = lib.loss_and_gradients
rng = np.random.default_rng(5)
args = [rng.uniform(-0.5, 0.5, a.shape).astype(a.dtype) for a in step.inputs]
named = {a.name: v for a, v in zip(step.inputs, args)}


def fresh():
    return [np.empty(a.shape, a.dtype) for a in step.outputs]


# Exact arrays take the fast path, with out= or without; its results are
# the checked path's, bit for bit, and the evaluator's.
assert step._fast(args, None) is not None
assert step._fast(args, fresh()) is not None
assert step._fast(args, [None] * 7) is not None
assert lib.loss._fast(args, np.empty((), np.float32)) is not None
fast = step(*args)
adjoint._FAST = False
checked = step(*args)
adjoint._FAST = True
want = ct.evaluate(SOURCE, "loss_and_gradients", named)
for name, a, b, w in zip(step.Outputs._fields, fast, checked, want):
    assert a.tobytes() == b.tobytes(), name
    ct.compare(a, w, "f32", name)
out = fresh()
r = step(*args, out=out)
assert all(a is b for a, b in zip(r, out))
assert all(a.tobytes() == b.tobytes() for a, b in zip(r, fast))
assert step(**named).loss == fast.loss
print("fast path: same results as the checked path and the evaluator")

# The same array as two inputs (b1 and b2) is no overlap with an out=.
twice = list(args)
twice[5] = twice[3]
assert step._fast(twice, fresh()) is not None


# Anything else takes the checked path: same results, or the same errors.
class Sub(np.ndarray):
    pass


x = args[0]
strided = np.zeros((2, 32), np.float32)[::2]  # C-contiguous, other strides
strided[:] = x
assert strided.flags.c_contiguous and strided.strides != x.strides
others = {"list": (0, x.tolist()), "Fortran": (2, np.asfortranarray(args[2])),
          "subclass": (0, x.view(Sub)), "strided": (0, strided)}
for what, (i, value) in others.items():
    changed = args[:i] + [value] + args[i + 1:]
    assert step._fast(changed, None) is None, what
    r = step(*changed)
    assert all(a.tobytes() == b.tobytes() for a, b in zip(r, fast)), what


class Weird:
    """Not an array, and its dtype raises: the checked path's TypeError."""
    @property
    def dtype(self):
        raise RuntimeError("no dtype")


try:
    step(Weird(), *args[1:])
    raise AssertionError("no error for an input that is not an array")
except TypeError as e:
    assert "input 'x'" in str(e) and "got Weird" in str(e), e
read_only = fresh()
read_only[1].flags.writeable = False
not_contiguous = fresh()
not_contiguous[1] = np.empty((64, 32), np.float32).T
for out in (read_only, not_contiguous, fresh()[:6], fresh()[0]):
    assert step._fast(args, out) is None


def expect_overlap(out, buffer, other):
    """The fast path declines `out`, and the checked one says which out=
    buffer overlaps which argument."""
    assert step._fast(args, out) is None
    try:
        step(*args, out=out)
        raise AssertionError(f"no error for out '{buffer}' over '{other}'")
    except ValueError as e:
        assert f"out '{buffer}'" in str(e), e
        assert f"overlaps '{other}'" in str(e), e


overlapping = fresh()
overlapping[2] = overlapping[1].reshape(-1)[:64]
expect_overlap(overlapping, "grad_b1", "grad_W1")
into_input = fresh()
into_input[6] = args[7]  # grad_b3 is b3
expect_overlap(into_input, "grad_b3", "b3")
print("checked path: conversions, errors")

# _overlap against np.may_share_memory of every pair with an out= buffer:
# contiguous views of one buffer (some empty, some equal) and separate
# arrays, in random roles.
base = np.empty(64, np.uint8)
for case in range(3000):
    arrays, is_out = [], []
    for _ in range(rng.integers(1, 7)):
        if rng.random() < 0.2:
            a = np.empty(int(rng.integers(0, 8)), np.uint8)
        else:
            start = int(rng.integers(0, 64))
            a = base[start:start + int(rng.integers(0, 12))]
        arrays.append(a)
        is_out.append(bool(rng.random() < 0.5))
    want = any(np.may_share_memory(a, b)
               for i, a in enumerate(arrays) for j, b in enumerate(arrays)
               if i != j and (is_out[i] or is_out[j]))
    got = adjoint._overlap([a.ctypes.data for a in arrays],
                           [a.nbytes for a in arrays], is_out)
    assert got == want, (case, [(a.ctypes.data - base.ctypes.data, a.nbytes)
                                for a in arrays], is_out)
print("overlap: 3000 random cases agree with np.may_share_memory")

# A converted input lives until the call returns: a stand-in for the C
# function allocates arrays of its size (NumPy reuses a freed buffer of the
# same size) and reads the input through its pointer.
seen = []
real = step._fn


def stand_in(*pointers):
    junk = [np.full(64, 7.0, np.float32) for _ in range(16)]
    b1 = (ctypes.c_float * 64).from_address(pointers[3])
    seen.append(np.array(b1))
    del junk
    return real(*pointers)


step._fn = stand_in
try:
    r = step(*args[:3], args[3].tolist(), *args[4:])
    r = step(*args[:3], args[3][::-1].copy()[::-1], *args[4:])
finally:
    step._fn = real
assert len(seen) == 2
for s in seen:
    assert s.tobytes() == args[3].tobytes(), s
assert r.loss == fast.loss
print("converted inputs live through the call")

# Without out=, a set of outputs is reused once nothing but the thread's
# pool references it (Function._fast); one still held (directly, through
# a view, or by a weak reference) is never written. A library loaded anew
# has Functions with empty pools.
f = adjoint.load(lib.path).loss_and_gradients
assert f._pool_sets == 2
other = [np.array(a * 0.5, a.dtype) for a in args]  # exact: fast path
want = [a.copy() for a in step(*other)]
assert any(a.tobytes() != b.tobytes() for a, b in zip(want, fast))


def same(r, expected):
    return all(a.tobytes() == b.tobytes() for a, b in zip(r, expected))


r1 = f(*args)  # set A
ids = list(map(id, r1))
r2 = f(*other)  # A is held: set B
assert not set(map(id, r2)) & set(ids)
assert same(r1, fast) and same(r2, want)
del r1
r3 = f(*other)  # A again: the reuse that the checks below are about
assert list(map(id, r3)) == ids and same(r3, want)
view = r3.grad_W1[:2]
del r3
r4 = f(*args)  # A (a view) and B (r2) held: new arrays
assert not set(map(id, r4)) & (set(ids) | set(map(id, r2)))
assert same(r4, fast) and view.tobytes() == want[1][:2].tobytes()
weak = weakref.ref(r2.grad_b1)
del view, r2
r5 = f(*args)  # A; B's grad_b1 is weakly held
assert list(map(id, r5)) == ids and same(r5, fast)
r6 = f(*args)  # A held, B weakly: new arrays
assert weak() is not None and weak().tobytes() == want[2].tobytes()
assert same(r6, fast)
print("outputs reused only when nothing else references them")

# Without the fast path (another Python's object layout), calls still work.
adjoint._FAST = False
try:
    r = step(*args, out=fresh())
    assert all(a.tobytes() == b.tobytes() for a, b in zip(r, fast))
finally:
    adjoint._FAST = True
print("without the fast path: same results")
