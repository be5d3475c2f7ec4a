# RUN: %python %s
# The compiled window ops and composite ops against the reference evaluator
# (see compiletest.py): conv2d over stride x padding x dilation x groups,
# the four pooling ops over kernel x stride x padding, each in f32 and f64;
# then the ops adj-decompose expands (softmax, log_softmax, logsumexp,
# softmax_cross_entropy, mean, layer_norm, batch_norm, gelu, sigmoid), which
# adjoint-compile decomposes and lowers, including logits of +-1000; last a
# small network and its gradient.
#
# Max-pooling inputs are small integers, so that windows hold ties and the
# derivative ops must pick the first maximum in row-major order as the
# evaluator does; a few f64 cases add -inf and NaN.
import itertools

import numpy as np
import adjtest as T
import compiletest as ct
from adjtest import ty

rng = np.random.default_rng(7)
DTYPES = [np.float64, np.float32]


def normal(shape, dtype, scale=1.0):
    return np.asarray(rng.normal(size=shape) * scale, dtype=dtype)


def ties(shape, dtype):
    """Small integers: most pooling windows hold a repeated maximum."""
    return rng.integers(-2, 3, size=shape).astype(dtype)


def check(label, body, inputs):
    ct.check_against_evaluator(label, T.func(body, inputs), "main", inputs)


def out_size(size, before, after, kernel, stride, dilation=1):
    return (size + before + after - dilation * (kernel - 1) - 1) // stride + 1


def attrs(**kw):
    return "".join(f" {k} {v}" for k, v in kw.items() if v is not None)


# --- conv2d ----------------------------------------------------------------

# groups: 1, 2, and depthwise (groups = C = O).
for dtype, stride, padding, dilation, groups in itertools.product(
        DTYPES, [None, [2, 2], [1, 2]], [None, [1, 1, 1, 1], [2, 0, 1, 3]],
        [None, [2, 1]], [None, 2, 4]):
    n, c, h, w = 2, 4, 9, 8
    o = 4 if groups == 4 else 6
    kh, kw = 3, 2
    s, p, d = stride or [1, 1], padding or [0, 0, 0, 0], dilation or [1, 1]
    oh = out_size(h, p[0], p[2], kh, s[0], d[0])
    ow = out_size(w, p[1], p[3], kw, s[1], d[1])
    x = normal((n, c, h, w), dtype)
    k = normal((o, c // (groups or 1), kh, kw), dtype)
    a = attrs(stride=stride, padding=padding, dilation=dilation, groups=groups)
    out = ty((n, o, oh, ow), T.elem(x))
    check(f"conv2d {ty(x)}{a}", f"""
        %y = adj.conv2d %x, %k{a} : {ty(x)}, {ty(k)} -> {out}
        return %y : {out}""", {"x": x, "k": k})

# A 1x1 kernel and padding wider than the kernel (windows of zeros only).
for dtype in DTYPES:
    x, k = normal((1, 2, 3, 3), dtype), normal((3, 2, 1, 1), dtype)
    check(f"conv2d 1x1 padding 2 {T.elem(x)}", f"""
        %y = adj.conv2d %x, %k padding [2, 2, 2, 2] : {ty(x)}, {ty(k)} -> {ty((1, 3, 7, 7), T.elem(x))}
        return %y : {ty((1, 3, 7, 7), T.elem(x))}""", {"x": x, "k": k})

# --- pooling and its derivatives ---------------------------------------------

POOLS = ["max_pool2d", "avg_pool2d", "avg_pool2d exclude_padding",
         "max_pool2d_gather", "max_pool2d_scatter"]
for dtype, kernel, stride, padding in itertools.product(
        DTYPES, [[2, 2], [3, 2]], [None, [1, 1], [2, 1]],
        [None, [1, 1, 1, 1], [1, 0, 0, 1]]):
    n, c, h, w = 2, 3, 7, 6
    s, p = stride or kernel, padding or [0, 0, 0, 0]
    pooled = (n, c, out_size(h, p[0], p[2], kernel[0], s[0]),
              out_size(w, p[1], p[3], kernel[1], s[1]))
    a = attrs(kernel=kernel, stride=stride, padding=padding)
    e = T.elem(np.zeros((), dtype))
    xt, yt = ty((n, c, h, w), e), ty(pooled, e)
    for pool in POOLS:
        op, _, flag = pool.partition(" ")
        label = f"{pool} {xt}{a}"
        if op == "max_pool2d":
            check(label, f"""
                %y = adj.max_pool2d %x{a} : {xt} -> {yt}
                return %y : {yt}""", {"x": ties((n, c, h, w), dtype)})
        elif op == "avg_pool2d":
            flag = f" {flag}" if flag else ""
            check(label, f"""
                %y = adj.avg_pool2d %x{a}{flag} : {xt} -> {yt}
                return %y : {yt}""", {"x": normal((n, c, h, w), dtype)})
        elif op == "max_pool2d_gather":
            check(label, f"""
                %y = adj.max_pool2d_gather %x, %t{a} : {xt}, {xt} -> {yt}
                return %y : {yt}""", {"x": ties((n, c, h, w), dtype),
                                      "t": normal((n, c, h, w), dtype)})
        else:
            check(label, f"""
                %y = adj.max_pool2d_scatter %x, %t{a} : {xt}, {yt} -> {xt}
                return %y : {xt}""", {"x": ties((n, c, h, w), dtype),
                                      "t": normal(pooled, dtype)})

# Windows of -inf (the first in-bounds position wins in the derivatives) and
# NaN (a NaN beats every number, the first NaN wins).
x = ties((1, 2, 4, 5), np.float64)
x[0, 0, :2, :2] = -np.inf
x[0, 1, 1, 1] = x[0, 1, 2, 3] = x[0, 1, 3, 3] = np.nan
t = normal(x.shape, np.float64)
a = " kernel [2, 2] stride [1, 2] padding [1, 1, 0, 1]"
xt, yt = ty(x), ty((1, 2, 4, 3), "f64")
check("max_pool2d -inf NaN", f"""
    %y = adj.max_pool2d %x{a} : {xt} -> {yt}
    return %y : {yt}""", {"x": x})
check("max_pool2d_gather -inf NaN", f"""
    %y = adj.max_pool2d_gather %x, %t{a} : {xt}, {xt} -> {yt}
    return %y : {yt}""", {"x": x, "t": t})
check("max_pool2d_scatter -inf NaN", f"""
    %y = adj.max_pool2d_scatter %x, %t{a} : {xt}, {yt} -> {xt}
    return %y : {xt}""", {"x": x, "t": normal((1, 2, 4, 3), np.float64)})

# The same in tiling windows without padding (their argmax is unrolled):
# -inf windows, NaNs first, later and twice in a window, -0 before +0 and
# +0 before -0, ties.
x = ties((1, 2, 4, 6), np.float64)
x[0, 0, :2, :2] = -np.inf
x[0, 0, 2:, :2] = [[-0.0, 0.0], [-1.0, -2.0]]
x[0, 0, 2:, 2:4] = [[0.0, -1.0], [-0.0, -3.0]]
x[0, 1, 0, 1] = x[0, 1, 1, 0] = np.nan
x[0, 1, 3, 3] = np.nan
for a, pooled in [(" kernel [2, 2]", (1, 2, 2, 3)),
                  (" kernel [2, 3] stride [2, 3]", (1, 2, 2, 2))]:
    xt, yt = ty(x), ty(pooled, "f64")
    check(f"max_pool2d tiled -inf NaN{a}", f"""
        %y = adj.max_pool2d %x{a} : {xt} -> {yt}
        return %y : {yt}""", {"x": x})
    check(f"max_pool2d_gather tiled -inf NaN{a}", f"""
        %y = adj.max_pool2d_gather %x, %t{a} : {xt}, {xt} -> {yt}
        return %y : {yt}""", {"x": x, "t": normal(x.shape, np.float64)})
    check(f"max_pool2d_scatter tiled -inf NaN{a}", f"""
        %y = adj.max_pool2d_scatter %x, %t{a} : {xt}, {yt} -> {xt}
        return %y : {xt}""", {"x": x, "t": normal(pooled, np.float64)})

# --- composite ops, decomposed then lowered ----------------------------------

for dtype in DTYPES:
    e = T.elem(np.zeros((), dtype))
    for scale in [1.0, 1000.0]:
        x = normal((4, 10), dtype, scale)
        for op in ["softmax", "log_softmax"]:
            for axis in [0, 1]:
                check(f"{op} {ty(x)} axis {axis} scale {scale}", f"""
                    %y = adj.{op} %x axis {axis} : {ty(x)}
                    return %y : {ty(x)}""", {"x": x})
        check(f"logsumexp {ty(x)} scale {scale}", f"""
            %y = adj.logsumexp %x axes [1] : {ty(x)} -> {ty((4,), e)}
            %z = adj.logsumexp %x keepdims : {ty(x)} -> {ty((1, 1), e)}
            return %y, %z : {ty((4,), e)}, {ty((1, 1), e)}""", {"x": x})
        for reduction, ldtype in [("mean", np.int64), ("sum", np.int32),
                                  ("none", np.int64)]:
            labels = rng.integers(0, 10, size=4).astype(ldtype)
            out = ty((4,), e) if reduction == "none" else ty((), e)
            check(f"softmax_cross_entropy {reduction} {ty(x)}, {ty(labels)} "
                  f"scale {scale}", f"""
                %y = adj.softmax_cross_entropy %x, %l reduction {reduction} : {ty(x)}, {ty(labels)} -> {out}
                return %y : {out}""", {"x": x, "l": labels})
    x = normal((2, 3, 4), dtype)
    check(f"mean {ty(x)}", f"""
        %y = adj.mean %x axes [0, 2] : {ty(x)} -> {ty((3,), e)}
        %z = adj.mean %x axes [1] keepdims : {ty(x)} -> {ty((2, 1, 4), e)}
        return %y, %z : {ty((3,), e)}, {ty((2, 1, 4), e)}""", {"x": x})
    g, b = normal((3, 4), dtype), normal((3, 4), dtype)
    check(f"layer_norm {ty(x)}", f"""
        %y = adj.layer_norm %x, %g, %b axis 1 : {ty(x)}, {ty(g)}, {ty(b)}
        return %y : {ty(x)}""", {"x": x, "g": g, "b": b})
    x = normal((4, 3, 5, 2), dtype, 3.0)
    g, b = normal((3,), dtype), normal((3,), dtype)
    c = ty((3,), e)
    check(f"batch_norm {ty(x)}", f"""
        %y, %m, %v = adj.batch_norm %x, %g, %b epsilon 1.0e-3 : {ty(x)}, {c}, {c}
        return %y, %m, %v : {ty(x)}, {c}, {c}""", {"x": x, "g": g, "b": b})
    x = normal((3, 7), dtype, 3.0)
    for approx in ["", " approximate tanh"]:
        check(f"gelu{approx} {ty(x)}", f"""
            %y = adj.gelu %x{approx} : {ty(x)}
            return %y : {ty(x)}""", {"x": x})
    check(f"sigmoid {ty(x)}", f"""
        %y = adj.sigmoid %x : {ty(x)}
        return %y : {ty(x)}""", {"x": x})

# Masked (-inf), infinite and NaN logits in f64: logsumexp's finite-maximum
# select and the one-hot select of the cross-entropy.
inf, nan = np.inf, np.nan
x = np.array([[-inf, 0.5, 2.0, -inf], [1000.0, -inf, 999.0, -1000.0],
              [-inf, -inf, -inf, -inf], [inf, 1.0, 0.0, -inf],
              [nan, 0.0, 1.0, 2.0]])
for op in ["softmax", "log_softmax"]:
    check(f"{op} non-finite", f"""
        %y = adj.{op} %x axis 1 : {ty(x)}
        return %y : {ty(x)}""", {"x": x})
check("logsumexp non-finite", f"""
    %y = adj.logsumexp %x axes [1] : {ty(x)} -> tensor<5xf64>
    return %y : tensor<5xf64>""", {"x": x})
labels = np.array([2, 0])
check("softmax_cross_entropy masked logits", f"""
    %y = adj.softmax_cross_entropy %x, %l reduction none : {ty(x[:2])}, {ty(labels)} -> tensor<2xf64>
    return %y : tensor<2xf64>""", {"x": x[:2], "l": labels})

# A small network, and its value and gradient (adj-differentiate first, so
# the derivatives of the window ops and of the composite ops, such as
# max_pool2d_scatter and adj.mean, are compiled too).
for dtype in DTYPES:
    e = T.elem(np.zeros((), dtype))
    x, k = normal((4, 1, 8, 8), dtype), normal((3, 1, 3, 3), dtype)
    g, b = normal((3,), dtype), normal((3,), dtype)
    w, labels = normal((48, 5), dtype), rng.integers(0, 5, size=4)
    inputs = {"x": x, "k": k, "g": g, "b": b, "w": w, "y": labels}
    act, pooled = ty((4, 3, 8, 8), e), ty((4, 3, 4, 4), e)
    body = f"""
        %c = adj.conv2d %x, %k padding [1, 1, 1, 1] : {ty(x)}, {ty(k)} -> {act}
        %n, %m, %v = adj.batch_norm %c, %g, %b : {act}, {ty(g)}, {ty(b)}
        %r = adj.gelu %n : {act}
        %p = adj.max_pool2d %r kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1] : {act} -> {pooled}
        %f = adj.reshape %p : {pooled} -> {ty((4, 48), e)}
        %h = adj.matmul %f, %w : {ty((4, 48), e)}, {ty(w)} -> {ty((4, 5), e)}
        %l = adj.softmax_cross_entropy %h, %y : {ty((4, 5), e)}, {ty(labels)} -> {ty((), e)}
        return %l : {ty((), e)}"""
    check(f"network {e}", body, inputs)
    net = T.func(body, inputs, name="net").replace("func.func @net",
                                                   "func.func private @net")
    args = ", ".join(ty(a) for a in inputs.values())
    grads = ", ".join([ty((), e)] + [ty(a) for a in [x, k, g, b, w]])
    source = net + T.func(f"""
        %l, %dx, %dk, %dg, %db, %dw = adj.value_and_grad @net(%x, %k, %g, %b, %w, %y) : ({args}) -> ({grads})
        return %l, %dx, %dk, %dg, %db, %dw : {grads}""", inputs)
    ct.check_against_evaluator(f"network value_and_grad {e}", source, "main",
                               inputs)

ct.done()
