# RUN: %python %s
# adj.matmul (batched, broadcasting batch dims), adj.dot and adj.transpose
# against NumPy.
import numpy as np
import adjtest as T
from adjtest import f64, ty

T.seed(3)

MATMUL = [  # lhs shape, rhs shape, dtype
    ((3, 5), (5, 4), np.float64), ((1, 7), (7, 1), np.float32),
    ((4, 1), (1, 3), np.float64), ((2, 3, 4), (2, 4, 5), np.float64),
    ((2, 4, 8, 16), (4, 16, 8), np.float32), ((3, 1, 2, 5), (4, 5, 3), np.float64),
    ((2, 3), (5, 3, 4), np.float64), ((1, 2, 3), (4, 3, 2), np.float64),
    ((2, 1, 3, 2), (1, 3, 2, 2), np.float64),
    ((2, 0), (0, 3), np.float64), ((0, 2, 3), (3, 4), np.float64),  # K = 0, batch 0
]
for sa, sb, dtype in MATMUL:
    a, b = T.randn(*sa, dtype=dtype), T.randn(*sb, dtype=dtype)
    want = np.matmul(f64(a), f64(b))
    T.check(f"matmul {ty(a)}, {ty(b)}", f"""
        %r = adj.matmul %a, %b : {ty(a)}, {ty(b)} -> {ty(want.shape, T.elem(a))}
        return %r : {ty(want.shape, T.elem(a))}""", {"a": a, "b": b}, want)

for n, dtype in [(16, np.float32), (5, np.float64), (1, np.float64), (0, np.float64)]:
    u, v = T.randn(n, dtype=dtype), T.randn(n, dtype=dtype)
    T.check(f"dot {ty(u)}", f"""
        %r = adj.dot %u, %v : {ty(u)} -> {ty((), T.elem(u))}
        return %r : {ty((), T.elem(u))}""", {"u": u, "v": v}, np.dot(f64(u), f64(v)))

TRANSPOSE = [
    (T.randn(3, 5), [1, 0]), (T.randn(2, 3, 4), [2, 0, 1]),
    (T.randn(2, 3, 4, dtype=np.float32), [1, 0, 2]), (T.randn(4, 3), [0, 1]),
    (T.randn(2, 3, 4, 5), [0, 2, 3, 1]), (T.randn(1, 4, 1), [2, 1, 0]),
    (T.randint(-50, 50, 3, 4), [1, 0]), (T.randint(-50, 50, 2, 3, 2, dtype=np.int32), [2, 1, 0]),
    (T.rng.random((2, 3)) < 0.5, [1, 0]),
]
for x, perm in TRANSPOSE:
    want = np.transpose(x, perm)
    out = ty(want.shape, T.elem(x))
    T.check(f"transpose {ty(x)} {perm}", f"""
        %r = adj.transpose %x {perm} : {ty(x)} -> {out}
        return %r : {out}""", {"x": x}, want if x.dtype.kind in "biu" else f64(want))

T.done()
