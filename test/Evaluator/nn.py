# RUN: %python %s
# Neural-network ops against PyTorch's functional ops in float64: gelu,
# softmax, log_softmax, softmax_cross_entropy, conv2d, max/avg pooling and
# max pooling's derivatives (max_pool2d_scatter / _gather), layer_norm and
# batch_norm (training form).
import numpy as np
import torch
import torch.nn.functional as F
import adjtest as T
from adjtest import elem, f64, ty

T.seed(6)
torch.set_default_dtype(torch.float64)

def t(a):
    """A float64 (or int64 index) torch tensor of an input array."""
    return torch.from_numpy(f64(a) if a.dtype.kind == "f" else a.astype(np.int64))

def n(x):
    return x.detach().numpy()

# gelu, exact and tanh-approximated.
for approx in ["none", "tanh"]:
    for x in [T.randn(4, 5, scale=3.0), T.randn(7, dtype=np.float32, scale=3.0),
              np.array([-30.0, -5.0, -1e-8, 0.0, 1e-8, 5.0, 30.0])]:
        attr = "" if approx == "none" else " approximate tanh"
        T.check(f"gelu{attr} {ty(x)}", f"""
            %r = adj.gelu %x{attr} : {ty(x)}
            return %r : {ty(x)}""", {"x": x}, n(F.gelu(t(x), approximate=approx)))

# softmax / log_softmax along every axis, including large logits.
for op, oracle in [("softmax", torch.softmax), ("log_softmax", torch.log_softmax)]:
    for x, axis in [(T.randn(4, 10), 1), (T.randn(4, 10, dtype=np.float32), 0),
                    (T.randn(2, 3, 4), 1), (T.randn(2, 3, 4), 2), (T.randn(5), 0),
                    (T.randn(3, 4) * 100 + 1000, 1), (T.randn(3, 1), 1),
                    (np.array([[-np.inf, 0.0, 1.0], [2.0, -np.inf, -np.inf]]), 1)]:
        T.check(f"{op} {ty(x)} axis {axis}", f"""
            %r = adj.{op} %x axis {axis} : {ty(x)}
            return %r : {ty(x)}""", {"x": x}, n(oracle(t(x), axis)))

# softmax_cross_entropy: reduction mean (default) / sum / none, labels i32
# and i64, f32 and f64 logits; logits of +-1000s overflow a naive form.
for reduction in [None, "mean", "sum", "none"]:
    for nb, c, ldtype, dtype, scale in [(6, 5, np.int64, np.float64, 3.0),
                                        (4, 3, np.int32, np.float32, 3.0),
                                        (1, 1, np.int64, np.float64, 3.0),
                                        (8, 10, np.int32, np.float64, 3.0),
                                        (5, 4, np.int64, np.float64, 1000.0)]:
        x = T.randn(nb, c, dtype=dtype, scale=scale)
        y = T.randint(0, c, nb, dtype=ldtype)
        want = n(F.cross_entropy(t(x), t(y), reduction=reduction or "mean"))
        attr = f" reduction {reduction}" if reduction else ""
        out = ty(want.shape, elem(x))
        T.check(f"softmax_cross_entropy{attr} {ty(x)}, {ty(y)} scale {scale}", f"""
            %r = adj.softmax_cross_entropy %x, %y{attr} : {ty(x)}, {ty(y)} -> {out}
            return %r : {out}""", {"x": x, "y": y}, want)

def window_attrs(stride=None, padding=None, dilation=None, groups=None, kernel=None):
    parts = [("kernel", kernel), ("stride", stride), ("padding", padding),
             ("dilation", dilation)]
    s = "".join(f" {k} {v}" for k, v in parts if v is not None)
    return s + (f" groups {groups}" if groups is not None else "")

def torch_pad(x, padding, value=0.0):
    """Pads NCHW by adj's [top, left, bottom, right] (PyTorch's conv and pool
    only pad symmetrically)."""
    top, left, bottom, right = padding or [0, 0, 0, 0]
    return F.pad(x, (left, right, top, bottom), value=value)

# conv2d: input shape, weight shape, stride, padding, dilation, groups.
CONV = [((2, 3, 7, 7), (4, 3, 3, 3), None, None, None, None),
        ((1, 1, 5, 6), (2, 1, 2, 3), [1, 1], [1, 1, 1, 1], [1, 1], 1),
        ((2, 4, 11, 10), (6, 2, 3, 3), [2, 2], [1, 0, 2, 1], [2, 2], 2),
        ((1, 4, 9, 8), (4, 1, 3, 2), [1, 2], [0, 1, 0, 0], [2, 1], 4),
        ((2, 2, 8, 8), (3, 2, 1, 1), [3, 2], None, None, None),
        ((1, 3, 6, 5), (2, 3, 3, 3), None, [2, 2, 0, 1], None, None),
        # Padding wider than the kernel: the outer windows see only zeros.
        ((1, 2, 3, 3), (2, 2, 2, 2), [1, 1], [3, 0, 0, 3], None, None)]
for xs, ws, stride, padding, dilation, groups in CONV:
    for dtype in [np.float64, np.float32]:
        x, w = T.randn(*xs, dtype=dtype), T.randn(*ws, dtype=dtype)
        want = n(F.conv2d(torch_pad(t(x), padding), t(w), stride=stride or 1,
                          dilation=dilation or 1, groups=groups or 1))
        attrs = window_attrs(stride, padding, dilation, groups)
        out = ty(want.shape, elem(x))
        T.check(f"conv2d {ty(x)}, {ty(w)}{attrs}", f"""
            %r = adj.conv2d %x, %w{attrs} : {ty(x)}, {ty(w)} -> {out}
            return %r : {out}""", {"x": x, "w": w}, want)

# Pooling: kernel, stride (default: the kernel), padding. Padded positions
# never win a max; they count in the average unless exclude_padding.
def max_pool(x, kernel, stride, padding):
    return F.max_pool2d(torch_pad(x, padding, -np.inf), kernel, stride or kernel)

def avg_pool(x, kernel, stride, padding, exclude):
    total = F.avg_pool2d(torch_pad(x, padding), kernel, stride or kernel,
                         divisor_override=1)
    if not exclude:
        return total / (kernel[0] * kernel[1])
    count = F.avg_pool2d(torch_pad(torch.ones_like(x), padding), kernel,
                         stride or kernel, divisor_override=1)
    return total / count

POOL = [((2, 3, 8, 8), [2, 2], None, None), ((1, 2, 7, 9), [3, 3], [2, 2], [1, 1, 1, 1]),
        ((2, 1, 6, 7), [2, 3], [1, 2], [1, 0, 0, 2]), ((1, 2, 5, 5), [3, 2], [1, 1], None),
        ((1, 1, 4, 6), [2, 2], [3, 1], [1, 1, 0, 1])]
for xs, kernel, stride, padding in POOL:
    x = T.randn(*xs) - 2.0  # mostly negative, so a padded 0 would win a max
    attrs = window_attrs(stride, padding, kernel=kernel)
    cases = [("max_pool2d", max_pool(t(x), kernel, stride, padding)),
             ("avg_pool2d", avg_pool(t(x), kernel, stride, padding, False)),
             ("avg_pool2d", avg_pool(t(x), kernel, stride, padding, True))]
    for (op, want), extra in zip(cases, ["", "", " exclude_padding"]):
        out = ty(tuple(want.shape), elem(x))
        T.check(f"{op} {ty(x)}{attrs}{extra}", f"""
            %r = adj.{op} %x{attrs}{extra} : {ty(x)} -> {out}
            return %r : {out}""", {"x": x}, n(want))
    # Cross-check the oracle's padding convention on PyTorch's own
    # symmetric padding (count_include_pad=True / False).
    if padding and padding[:2] == padding[2:]:
        for include in [True, False]:
            ref = F.avg_pool2d(t(x), kernel, stride or kernel, padding[:2],
                               count_include_pad=include)
            T.expect(f"oracle self-check avg_pool2d {padding} include={include}",
                     torch.allclose(ref, avg_pool(t(x), kernel, stride, padding, not include)))
        ref = F.max_pool2d(t(x), kernel, stride or kernel, padding[:2])
        T.expect(f"oracle self-check max_pool2d {padding}",
                 torch.equal(ref, max_pool(t(x), kernel, stride, padding)))

# max_pool2d's derivatives route through each window's first maximum (in
# row-major window order): the scatter as PyTorch's backward of max_pool2d,
# the gather through the indices of its first maxima. Integer-valued inputs
# make ties common, and stride < kernel makes windows overlap.
def first_max_indices(x, kernel, stride, padding):
    """NumPy's own first-argmax of every window, as flat indices into the
    padded plane (cross-checks PyTorch's tie rule)."""
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, q) for p, q in zip(padding[:2], padding[2:])],
                constant_values=-np.inf)
    oh = (xp.shape[2] - kernel[0]) // stride[0] + 1
    ow = (xp.shape[3] - kernel[1]) // stride[1] + 1
    idx = np.zeros(x.shape[:2] + (oh, ow), np.int64)
    for i in range(oh):
        for j in range(ow):
            r, c = i * stride[0], j * stride[1]
            win = xp[:, :, r:r + kernel[0], c:c + kernel[1]].reshape(*x.shape[:2], -1)
            k = np.argmax(win, axis=2)
            idx[:, :, i, j] = (r + k // kernel[1]) * xp.shape[3] + c + k % kernel[1]
    return idx

for xs, kernel, stride, padding in POOL + [((1, 2, 5, 6), [3, 3], [1, 2], [1, 2, 0, 1]),
                                           ((2, 1, 4, 4), [2, 2], [1, 1], None)]:
    x = T.randint(0, 3, *xs).astype(np.float64)
    stride2 = stride or kernel
    pooled = max_pool(t(x), kernel, stride, padding)
    _, idx = F.max_pool2d(torch_pad(t(x), padding, -np.inf), kernel, stride2, return_indices=True)
    T.expect(f"oracle self-check first maxima {xs} {kernel}",
             np.array_equal(n(idx), first_max_indices(x, kernel, stride2, padding or [0] * 4)))
    attrs = window_attrs(stride, padding, kernel=kernel)
    # Scatter: the cotangent of max_pool2d's input.
    dy = T.randn(*pooled.shape)
    xv = t(x).requires_grad_()
    max_pool(xv, kernel, stride, padding).backward(t(dy))
    T.check(f"max_pool2d_scatter {ty(x)}{attrs}", f"""
        %r = adj.max_pool2d_scatter %x, %dy{attrs} : {ty(x)}, {ty(dy)} -> {ty(x)}
        return %r : {ty(x)}""", {"x": x, "dy": dy}, n(xv.grad))
    # Gather: the source read at each window's first maximum.
    src = T.randn(*xs)
    src_p = torch_pad(t(src), padding)
    want = src_p.flatten(2).gather(2, idx.flatten(2)).reshape(idx.shape)
    T.check(f"max_pool2d_gather {ty(x)}{attrs}", f"""
        %r = adj.max_pool2d_gather %x, %src{attrs} : {ty(x)}, {ty(src)} -> {ty(dy)}
        return %r : {ty(dy)}""", {"x": x, "src": src}, n(want))

# layer_norm over dims [axis, rank); constant rows (zero variance)
# normalize to the bias.
for x, axis, eps in [(T.randn(4, 6, scale=2.0) + 1.0, 1, None),
                     (T.randn(2, 3, 4, scale=2.0) + 1.0, 1, None),
                     (T.randn(2, 3, 4, dtype=np.float32, scale=2.0) + 1.0, 2, 1e-3),
                     (T.randn(3, 5, scale=2.0) + 1.0, 0, 0.1), (T.randn(2, 1), 1, None),
                     (np.repeat(T.randn(3, 1), 4, axis=1), 1, None)]:
    g, b = T.randn(*x.shape[axis:], dtype=x.dtype), T.randn(*x.shape[axis:], dtype=x.dtype)
    want = F.layer_norm(t(x), x.shape[axis:], t(g), t(b), eps=eps or 1e-5)
    attr = f" epsilon {eps}" if eps is not None else ""
    T.check(f"layer_norm {ty(x)} axis {axis}{attr}", f"""
        %r = adj.layer_norm %x, %g, %b axis {axis}{attr} : {ty(x)}, {ty(g)}, {ty(b)}
        return %r : {ty(x)}""", {"x": x, "g": g, "b": b}, n(want))

# batch_norm: normalized output, batch mean and biased variance per channel.
for xs, eps, dtype in [((8, 3), None, np.float64), ((4, 2, 5, 5), None, np.float64),
                       ((3, 4, 6), 1e-3, np.float32), ((2, 3, 2, 3), 0.5, np.float64)]:
    x = T.randn(*xs, dtype=dtype, scale=2.0) + 0.5
    c = xs[1]
    g, b = T.randn(c, dtype=dtype), T.randn(c, dtype=dtype)
    want = F.batch_norm(t(x), None, None, t(g), t(b), training=True, eps=eps or 1e-5)
    dims = [0] + list(range(2, len(xs)))
    mean, var = t(x).mean(dims), t(x).var(dims, unbiased=False)
    attr = f" epsilon {eps}" if eps is not None else ""
    stats = ty((c,), elem(x))
    T.check(f"batch_norm {ty(x)}{attr}", f"""
        %r, %m, %v = adj.batch_norm %x, %g, %b{attr} : {ty(x)}, {ty(g)}, {ty(b)}
        return %r, %m, %v : {ty(x)}, {stats}, {stats}""", {"x": x, "g": g, "b": b},
            [n(want), n(mean), n(var)])

T.done()
