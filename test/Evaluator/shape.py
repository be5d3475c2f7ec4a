# RUN: %python %s
# Shape ops: reshape, slice, concat, pad, gather, scatter_add, one_hot and
# reverse against NumPy.
import numpy as np
import adjtest as T
from adjtest import elem, f64, ty

T.seed(5)

def same(x):
    """Expected values of an op that moves elements: ints/bools as they are."""
    return x if x.dtype.kind in "biu" else f64(x)

def case(label, op, inputs, want, out_elem=None):
    """One op whose result (of want's shape, and the first input's element
    type unless given) is returned; `op` is the text after `%r = ` without
    the result type."""
    out = ty(np.shape(want), out_elem or elem(next(iter(inputs.values()))))
    T.check(label, f"""
        %r = {op} -> {out}
        return %r : {out}""", inputs, want)

for x, shape in [(T.randn(2, 3, 4), (6, 4)), (T.randn(2, 3, 4, dtype=np.float32), (24,)),
                 (T.randn(3), (1, 3, 1)), (np.array(2.5), (1,)), (T.randn(1, 1), ()),
                 (T.randint(-9, 9, 4, 3), (2, 2, 3)), (T.rng.random((2, 3)) < 0.5, (3, 2))]:
    case(f"reshape {ty(x)} -> {shape}", f"adj.reshape %x : {ty(x)}",
         {"x": x}, same(x).reshape(shape))

# Slices: x[start:limit:stride] per dimension; stride absent means 1; the
# limit need not be reached exactly; start == limit gives an empty dimension.
for shape, start, limit, stride, dtype in [
        ((4, 8), [0, 2], [4, 8], [1, 2], np.float64),
        ((5, 6, 7), [1, 0, 2], [5, 6, 7], [2, 1, 3], np.float64),
        ((4, 8), [1, 3], [3, 5], None, np.float32),
        ((9,), [1], [7], [3], np.float64), ((9,), [0], [9], [10], np.float64),
        ((3, 4), [1, 2], [1, 4], [1, 1], np.float64),
        ((6, 4), [0, 1], [6, 4], [4, 2], np.int64)]:
    x = T.randn(*shape, dtype=dtype) if dtype != np.int64 else T.randint(-99, 99, *shape)
    idx = tuple(slice(s, l, st) for s, l, st in zip(start, limit, stride or [1] * len(shape)))
    attrs = f"start {start} limit {limit}" + (f" stride {stride}" if stride else "")
    case(f"slice {ty(x)} {attrs}", f"adj.slice %x {attrs} : {ty(x)}", {"x": x}, same(x)[idx])

# Concatenation of 1, 2 and 3 inputs along various axes.
for shapes, axis, dtype in [([(2, 3), (4, 3), (1, 3)], 0, np.float64),
                            ([(2, 1), (2, 4), (2, 2)], 1, np.float32),
                            ([(3,), (5,)], 0, np.float64),
                            ([(2, 2, 1), (2, 2, 3), (2, 2, 2)], 2, np.float64),
                            ([(2, 3)], 0, np.float64),
                            ([(1, 2), (3, 2), (2, 2)], 0, np.int64),
                            ([(0, 3), (2, 3)], 0, np.float64)]:
    xs = {f"x{i}": (T.randn(*s, dtype=dtype) if dtype != np.int64 else T.randint(-9, 9, *s))
          for i, s in enumerate(shapes)}
    names = ", ".join(f"%{k}" for k in xs)
    types = ", ".join(ty(v) for v in xs.values())
    case(f"concat {types} axis {axis}", f"adj.concat {names} axis {axis} : {types}",
         xs, np.concatenate([same(v) for v in xs.values()], axis=axis))

# Pads: `interior` elements between neighbours (none when absent), all equal
# to `value` (0 when absent).
def pad(x, low, high, interior, value):
    interior = interior or [0] * x.ndim
    shape = [l + s + max(s - 1, 0) * i + h for l, s, i, h in zip(low, x.shape, interior, high)]
    y = np.full(shape, value or 0.0)
    y[tuple(slice(l, l + (s - 1) * (i + 1) + 1 if s else l, i + 1)
            for l, s, i in zip(low, x.shape, interior))] = x
    return y

for x, low, high, interior, value in [
        (T.randn(2, 3), [1, 0], [2, 3], None, -1.5),
        (T.randn(2, 3, dtype=np.float32), [0, 2], [1, 0], None, None),
        (T.randn(2, 1, 2), [1, 1, 0], [0, 2, 1], None, 2.5),
        (T.randn(3), [0], [0], None, 7.0), (T.randn(3), [2], [1], None, 0.0),
        (T.randn(3), [1], [2], [2], -1.0), (T.randn(2, 3), [0, 1], [0, 0], [1, 0], None),
        (T.randn(1, 4, dtype=np.float32), [0, 0], [1, 0], [3, 1], 0.5),
        (T.randn(0, 2), [1, 0], [1, 0], [2, 0], 3.5),
        # The value padding an f32 tensor is the f32 nearest it.
        (T.randn(2, dtype=np.float32), [1], [1], None, 0.1)]:
    attrs = (f"low {low} high {high}" + (f" interior {interior}" if interior else "") +
             (f" value {value}" if value is not None else ""))
    value32 = value if x.dtype == np.float64 else np.float32(value or 0.0)
    case(f"pad {ty(x)} {attrs}", f"adj.pad %x {attrs} : {ty(x)}", {"x": x},
         pad(f64(x), low, high, interior, value32))

# Gather (numpy.take) along axis 0 and 1, with i32 and i64 indices of rank
# 0, 1 and 2 (and empty ones), repeated indices included.
for shape, axis, ishape, idtype, dtype in [
        ((5, 3), 0, (2, 4), np.int64, np.float64),
        ((4, 6), 1, (2, 3), np.int32, np.float64),
        ((3, 4, 2), 1, (5,), np.int64, np.float32),
        ((7,), 0, (3, 3), np.int32, np.float64),
        ((4, 6), 1, (), np.int64, np.float64),
        ((10, 4), 0, (2, 3), np.int32, np.float32),
        ((5, 3), 0, (0,), np.int64, np.float64)]:
    x = T.randn(*shape, dtype=dtype)
    i = T.randint(0, shape[axis], *ishape, dtype=idtype)
    case(f"gather {ty(x)}[{ty(i)}] axis {axis}",
         f"adj.gather %x[%i] axis {axis} : {ty(x)}, {ty(i)}", {"x": x, "i": i},
         np.take(f64(x), i, axis=axis))

# scatter_add, the transpose of gather: repeated indices accumulate.
for shape, axis, ishape, idtype, dtype in [
        ((5, 3), 0, (2, 4), np.int64, np.float64),
        ((4, 6), 1, (2, 3), np.int32, np.float64),
        ((3, 4, 2), 2, (5,), np.int64, np.float32),
        ((7,), 0, (), np.int32, np.float64),
        ((2, 3), 1, (0,), np.int64, np.float64)]:
    i = T.randint(0, shape[axis], *ishape, dtype=idtype)
    u = T.randn(*shape[:axis], *ishape, *shape[axis + 1:], dtype=dtype)
    want = np.zeros(shape)
    np.add.at(want, (slice(None),) * axis + (i,), f64(u))
    case(f"scatter_add {ty(u)}[{ty(i)}] axis {axis} -> {shape}",
         f"adj.scatter_add %u[%i] axis {axis} : {ty(u)}, {ty(i)}", {"u": u, "i": i}, want)

# One-hot: a label outside [0, C) (negative or too large) gives zeros.
for labels, classes, out_elem in [(np.array([0, 3, -1, 10, 9, 3]), 10, "f32"),
                                  (np.array([[1, 0, 2], [3, 4, -2]], np.int32), 4, "f64"),
                                  (np.array(2), 3, "f64"), (np.array([0, 1]), 1, "f32")]:
    want = (labels[..., None] == np.arange(classes)).astype(np.float64)
    case(f"one_hot {ty(labels)} -> {classes} classes {out_elem}",
         f"adj.one_hot %l : {ty(labels)}", {"l": labels}, want, out_elem)

# reverse along any set of dimensions (none included), any element type.
for x, dims in [(T.randn(3, 4), [0]), (T.randn(3, 4), [1]), (T.randn(3, 4, dtype=np.float32), [0, 1]),
                (T.randn(2, 3, 4), [2, 0]), (T.randn(2, 3), []), (np.array(1.5), []),
                (T.randint(-9, 9, 2, 5), [1]), (T.rng.random((3, 2)) < 0.5, [0])]:
    T.check(f"reverse {ty(x)} dims {dims}", f"""
        %r = adj.reverse %x dims {dims} : {ty(x)}
        return %r : {ty(x)}""", {"x": x}, same(np.flip(x, dims) if dims else x))

T.done()
