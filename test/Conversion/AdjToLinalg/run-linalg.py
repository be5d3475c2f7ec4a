# RUN: %python %s
# The lowerings of matmul (2-D, the linear-layer form, batched, broadcast
# batches), dot, transpose and the reductions (every axis set, keepdims, NaN
# in max/min), compiled with adjoint-compile and run against the reference
# evaluator in f32 and f64.
import numpy as np
import adjtest as T
import compiletest as ct
from adjtest import ty

T.seed(8)
FLOATS = (np.float32, np.float64)


def check(label, body, inputs):
    """Compiles `body` as function @main of `inputs` and compares it with
    the evaluator."""
    ct.check_against_evaluator(label, T.func(body, inputs), "main", inputs)


# lhs shape, rhs shape: 2-D; the batches of lhs as rows of one 2-D matmul
# (rhs without batch, or with a unit one); equal batches; and batches that
# broadcast on either side, which take linalg.batch_matmul.
MATMULS = [((4, 8), (8, 3)), ((2, 4, 5, 8), (8, 3)), ((3, 5, 8), (1, 8, 2)),
           ((3, 5, 8), (3, 8, 2)), ((5, 8), (3, 8, 2)),
           ((2, 1, 5, 8), (3, 8, 6)), ((1, 5, 8), (3, 8, 2)),
           ((2, 3, 4, 5), (2, 1, 5, 4))]
for dtype in FLOATS:
    for a_shape, b_shape in MATMULS:
        a, b = T.randn(*a_shape, dtype=dtype), T.randn(*b_shape, dtype=dtype)
        out = np.matmul(a, b).shape
        check(f"matmul {a_shape} {b_shape} {T.elem(a)}", f"""
            %r = adj.matmul %a, %b : {ty(a)}, {ty(b)} -> {ty(out, T.elem(a))}
            return %r : {ty(out, T.elem(a))}""", {"a": a, "b": b})

    u, v = T.randn(17, dtype=dtype), T.randn(17, dtype=dtype)
    check(f"dot {T.elem(u)}", f"""
        %r = adj.dot %u, %v : {ty(u)} -> {ty((), T.elem(u))}
        return %r : {ty((), T.elem(u))}""", {"u": u, "v": v})

    x = T.randn(2, 3, 4, dtype=dtype)
    for perm in ([1, 0, 2], [2, 0, 1], [0, 2, 1]):
        out = np.transpose(x, perm).shape
        check(f"transpose {perm} {T.elem(x)}", f"""
            %r = adj.transpose %x {perm} : {ty(x)} -> {ty(out, T.elem(x))}
            return %r : {ty(out, T.elem(x))}""", {"x": x})

m = T.rng.random((3, 2)) < 0.5
check("transpose i1", f"""
    %r = adj.transpose %m [1, 0] : {ty(m)} -> {ty((2, 3), "i1")}
    return %r : {ty((2, 3), "i1")}""", {"m": m})

# Reductions: (axes or None for all, keepdims).
AXES = [([0], False), ([1], True), ([0, 2], False), ([0, 2], True),
        ([2], False), (None, False), (None, True), ([1, 2], True)]
for dtype in FLOATS:
    x = T.randn(3, 4, 5, dtype=dtype)
    # Near 1, so that a product of 60 elements stays in range.
    p = np.asarray(1 + 0.1 * T.randn(3, 4, 5), dtype=dtype)
    for op in ("sum", "prod", "max", "min"):
        operand = p if op == "prod" else x
        for axes, keepdims in AXES:
            want = getattr(np, {"max": "amax", "min": "amin"}.get(op, op))(
                operand, axis=None if axes is None else tuple(axes),
                keepdims=keepdims)
            attrs = (f" axes {axes}" if axes is not None else "") + (
                " keepdims" if keepdims else "")
            check(f"{op}{attrs} {T.elem(x)}", f"""
                %r = adj.{op} %x{attrs} : {ty(operand)} -> {ty(want.shape, T.elem(x))}
                return %r : {ty(want.shape, T.elem(x))}""", {"x": operand})

# A NaN anywhere in a reduced lane makes max and min NaN; infinities win.
x = np.array([[1.0, np.nan, 3.0], [-np.inf, 2.0, 5.0], [4.0, 0.0, np.inf]])
for op in ("max", "min", "sum"):
    for axes in ([0], [1]):
        check(f"{op} axes {axes} NaN", f"""
            %r = adj.{op} %x axes {axes} : {ty(x)} -> {ty((3,), "f64")}
            return %r : {ty((3,), "f64")}""", {"x": x})

ct.done()
