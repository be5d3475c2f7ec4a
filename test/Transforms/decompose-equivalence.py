# RUN: %python %s
# adj-decompose computes what the composite ops compute: every case runs a
# function before and after `adjoint-opt -adj-decompose` on the reference
# evaluator with the same inputs and compares the results. Inputs come from
# `adjoint-run --seed 0`, or are given explicitly for large logits (+-1000,
# which overflow a naive exp), infinities and NaN.
#
# The decompositions follow the reference kernels operation for operation, so
# f64 results agree to 1e-12. In f32 so do the ops whose expansion only uses
# exactly representable constants; gelu and the norms use constants (1/sqrt(2),
# sqrt(2/pi), 0.044715, epsilon) that an f32 tensor holds rounded to f32
# while the reference kernel uses them in f64, so those get 1e-6.
import os
import subprocess

import numpy as np
import adjtest as T
from adjtest import ty

OPT = os.environ.get("ADJOINT_OPT", "adjoint-opt")
COMPOSITE = ["adj.softmax ", "adj.log_softmax", "adj.softmax_cross_entropy",
             "adj.logsumexp", "adj.mean", "adj.layer_norm", "adj.batch_norm",
             "adj.gelu"]
F32_ROUNDED_CONSTANTS = 1e-6

T.seed(11)


def zeros(shape, dtype):
    """A placeholder array: only its shape and type make the signature."""
    return np.zeros(shape, dtype=dtype)


def check(label, body, inputs, rtol=T.RTOL, seeded=True, int_range=None):
    """Runs `body` (see adjtest.func) before and after adj-decompose. With
    `seeded`, adjoint-run generates the inputs (--seed 0) and `inputs` only
    gives their types; otherwise `inputs` are the values."""
    source = T.func(body, inputs)
    p = subprocess.run([OPT, "-adj-decompose"], input=source,
                       capture_output=True, text=True)
    if p.returncode != 0:
        T.expect(label, False, f"adj-decompose failed:\n{p.stderr}\n{source}")
        return
    decomposed = p.stdout
    left = [op.strip() for op in COMPOSITE if op in decomposed]
    if left:
        T.expect(label, False, f"{', '.join(left)} left in\n{decomposed}")
        return
    options = []
    if seeded:
        options = ["--seed", "0"]
        if int_range:
            options += ["--int-range", int_range]
    values = None if seeded else inputs
    results = []
    for text in [source, decomposed]:
        rc, _, err, out, cmd = T.run(text, values, options)
        if rc != 0:
            T.expect(label, False, f"exit code {rc}: {err.strip()}\n  {cmd}\n"
                     + text)
            return
        results.append(out)
    T.check_results(label, results[1], results[0], rtol=rtol,
                    source=decomposed)


def dtype_tol(dtype, rounded):
    return F32_ROUNDED_CONSTANTS if rounded and dtype == np.float32 else T.RTOL


DTYPES = [np.float64, np.float32]

# softmax and log_softmax along every axis.
for op in ["softmax", "log_softmax"]:
    for dtype in DTYPES:
        for shape, axis in [((4, 10), 1), ((4, 10), 0), ((2, 3, 4), 0),
                            ((2, 3, 4), 1), ((2, 3, 4), 2), ((5,), 0),
                            ((3, 1), 1), ((3, 0), 1)]:
            x = zeros(shape, dtype)
            check(f"{op} {ty(x)} axis {axis}", f"""
                %r = adj.{op} %x axis {axis} : {ty(x)}
                return %r : {ty(x)}""", {"x": x})

# logsumexp over axes, with and without keepdims; an empty axis gives -inf.
for dtype in DTYPES:
    for shape, axes, keep in [((4, 10), [1], False), ((4, 10), [0], True),
                              ((2, 3, 4), [0, 2], False),
                              ((2, 3, 4), [1], True), ((2, 3, 4), None, False),
                              ((2, 3, 4), None, True), ((7,), [0], False),
                              ((0, 5), [0], False), ((0, 5), [1], True)]:
        x = zeros(shape, dtype)
        rank = len(shape)
        reduced = range(rank) if axes is None else axes
        out = tuple(1 if d in reduced else n for d, n in enumerate(shape)
                    if keep or d not in reduced)
        attrs = (f" axes {axes}" if axes is not None else "") + \
            (" keepdims" if keep else "")
        check(f"logsumexp {ty(x)}{attrs}", f"""
            %r = adj.logsumexp %x{attrs} : {ty(x)} -> {ty(out, T.elem(x))}
            return %r : {ty(out, T.elem(x))}""", {"x": x})

# mean: a sum divided by the count.
for dtype in DTYPES:
    for shape, axes, keep, out in [((4, 10), [1], False, (4,)),
                                   ((4, 10), [0], True, (1, 10)),
                                   ((2, 3, 4), [0, 2], False, (3,)),
                                   ((2, 3, 4), None, False, ()),
                                   ((2, 3, 4), None, True, (1, 1, 1)),
                                   ((0, 3), [0], False, (3,))]:
        x = zeros(shape, dtype)
        attrs = (f" axes {axes}" if axes is not None else "") + \
            (" keepdims" if keep else "")
        check(f"mean {ty(x)}{attrs}", f"""
            %r = adj.mean %x{attrs} : {ty(x)} -> {ty(out, T.elem(x))}
            return %r : {ty(out, T.elem(x))}""", {"x": x})

# softmax_cross_entropy: every reduction, i32 and i64 labels.
for reduction in [None, "mean", "sum", "none"]:
    for dtype in DTYPES:
        for n, c, ldtype in [(6, 5, np.int64), (4, 3, np.int32),
                             (1, 1, np.int64), (8, 10, np.int32)]:
            x, y = zeros((n, c), dtype), zeros((n,), ldtype)
            out = (n,) if reduction == "none" else ()
            attr = f" reduction {reduction}" if reduction else ""
            check(f"softmax_cross_entropy{attr} {ty(x)}, {ty(y)}", f"""
                %r = adj.softmax_cross_entropy %x, %y{attr} : {ty(x)}, {ty(y)} -> {ty(out, T.elem(x))}
                return %r : {ty(out, T.elem(x))}""", {"x": x, "y": y},
                  int_range=f"0:{c}")

# layer_norm over the trailing axes, default and explicit epsilon.
for dtype in DTYPES:
    for shape, axis, eps in [((4, 10), 1, None), ((2, 3, 4), 1, None),
                             ((2, 3, 4), 2, 1e-3), ((3, 4), 0, 0.5),
                             ((5, 1), 1, None)]:
        x, g = zeros(shape, dtype), zeros(shape[axis:], dtype)
        attr = f" epsilon {eps}" if eps is not None else ""
        check(f"layer_norm {ty(x)} axis {axis}{attr}", f"""
            %r = adj.layer_norm %x, %g, %b axis {axis}{attr} : {ty(x)}, {ty(g)}, {ty(g)}
            return %r : {ty(x)}""", {"x": x, "g": g, "b": g},
              rtol=dtype_tol(dtype, rounded=True))

# batch_norm: the normalized tensor and the batch statistics.
for dtype in DTYPES:
    for shape, eps in [((2, 3, 4, 5), None), ((8, 3), None),
                       ((2, 3, 5), 1e-2), ((1, 2, 1, 1), None)]:
        x, g = zeros(shape, dtype), zeros((shape[1],), dtype)
        attr = f" epsilon {eps}" if eps is not None else ""
        check(f"batch_norm {ty(x)}{attr}", f"""
            %r, %m, %v = adj.batch_norm %x, %g, %b{attr} : {ty(x)}, {ty(g)}, {ty(g)}
            return %r, %m, %v : {ty(x)}, {ty(g)}, {ty(g)}""",
              {"x": x, "g": g, "b": g}, rtol=dtype_tol(dtype, rounded=True))

# gelu (exact and tanh).
for dtype in DTYPES:
    x = zeros((3, 7), dtype)
    for attr in ["", " approximate tanh"]:
        check(f"gelu{attr} {ty(x)}", f"""
            %r = adj.gelu %x{attr} : {ty(x)}
            return %r : {ty(x)}""", {"x": x},
              rtol=dtype_tol(dtype, rounded=True))

# --- Explicit inputs: large logits, infinities, NaN. ------------------------

inf, nan = np.inf, np.nan
LOGITS = {
    "logits +-1000": T.randn(4, 6, scale=1000.0),
    "logits near 1000": T.randn(4, 6) + 1000.0,
    "logits near -1000": T.randn(4, 6) - 1000.0,
    "masked logits": np.array([[-inf, 0.5, 2.0, -inf, 1.0, -3.0],
                               [1000.0, -inf, 999.0, 998.5, -inf, -1000.0],
                               [3.0, 3.0, 3.0, 3.0, 3.0, 3.0],
                               [-inf, -inf, -inf, -inf, -inf, 7.0]]),
}
for name, x in LOGITS.items():
    for op in ["softmax", "log_softmax"]:
        for axis in [0, 1]:
            check(f"{op} {name} axis {axis}", f"""
                %r = adj.{op} %x axis {axis} : {ty(x)}
                return %r : {ty(x)}""", {"x": x}, seeded=False)
    check(f"logsumexp {name}", f"""
        %r = adj.logsumexp %x axes [1] : {ty(x)} -> tensor<4xf64>
        return %r : tensor<4xf64>""", {"x": x}, seeded=False)
    for reduction in ["mean", "none"]:
        # Label 5 is the largest logit of the last masked row: loss 0.
        labels = np.array([2, 0, 4, 5], dtype=np.int64)
        out = "tensor<4xf64>" if reduction == "none" else "tensor<f64>"
        check(f"softmax_cross_entropy {reduction} {name}", f"""
            %r = adj.softmax_cross_entropy %x, %y reduction {reduction} : {ty(x)}, {ty(labels)} -> {out}
            return %r : {out}""", {"x": x, "y": labels}, seeded=False)

# The non-finite cases of logsumexp: a row of -inf gives -inf, a +inf gives
# +inf, a NaN gives NaN, as the reference kernel special-cases them.
x = np.array([[-inf, -inf, -inf], [inf, 1.0, -inf], [nan, 0.0, 1.0],
              [inf, inf, 0.0], [1e308, 1e308, 1e308]])
for keep, out in [("", "tensor<5xf64>"), (" keepdims", "tensor<5x1xf64>")]:
    check(f"logsumexp non-finite{keep}", f"""
        %r = adj.logsumexp %x axes [1]{keep} : {ty(x)} -> {out}
        return %r : {out}""", {"x": x}, seeded=False)
for op in ["softmax", "log_softmax"]:
    check(f"{op} non-finite", f"""
        %r = adj.{op} %x axis 1 : {ty(x)}
        return %r : {ty(x)}""", {"x": x}, seeded=False)

# A small loss next to large logits: computed as log(sum) - (x[label] - max),
# it keeps its digits (max + log(sum) - x[label] would lose them).
x = np.array([[1000.0, 960.0, 950.0], [-1000.0, -1040.0, -1030.0]])
check("softmax_cross_entropy tiny losses", f"""
    %r = adj.softmax_cross_entropy %x, %y reduction none : {ty(x)}, tensor<2xi64> -> tensor<2xf64>
    return %r : tensor<2xf64>""", {"x": x, "y": np.array([0, 0])},
      seeded=False)

# gelu far out (exp overflows, erf saturates).
x = np.array([-800.0, -40.0, -5.0, -1e-8, 0.0, 1e-8, 5.0, 40.0, 800.0])
for attr in ["", " approximate tanh"]:
    check(f"gelu{attr} far out", f"""
        %r = adj.gelu %x{attr} : {ty(x)}
        return %r : {ty(x)}""", {"x": x}, seeded=False)

# Norms of values with a large common offset: the two-pass variance.
x = T.randn(4, 8) + 1e4
g, b = T.randn(8), T.randn(8)
check("layer_norm offset 1e4", f"""
    %r = adj.layer_norm %x, %g, %b axis 1 : {ty(x)}, {ty(g)}, {ty(b)}
    return %r : {ty(x)}""", {"x": x, "g": g, "b": b}, seeded=False)
x = T.randn(6, 3, 2) * 1e-3 + 1e4
g, b = T.randn(3), T.randn(3)
check("batch_norm offset 1e4", f"""
    %r, %m, %v = adj.batch_norm %x, %g, %b : {ty(x)}, {ty(g)}, {ty(b)}
    return %r, %m, %v : {ty(x)}, {ty(g)}, {ty(b)}""",
      {"x": x, "g": g, "b": b}, seeded=False)

T.done()
