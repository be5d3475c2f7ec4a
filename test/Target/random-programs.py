# RUN: %python %s
# Random programs, compiled, against PyTorch's autograd in f64: a fuzzer of
# derivatives. Three generators:
#   graphs   elementwise ops, broadcasting, reductions, softmax, matmul,
#            transpose, layer norm and select, chained at random (operands
#            drawn mostly from the last few values, so the chains are deep);
#            the value and gradient of a scalar loss w.r.t. every argument;
#   conv     adj.conv2d with random channels, groups, kernel, stride,
#            asymmetric padding and dilation: y, dx, dw for a random ct;
#   pool     max and average pooling (with and without exclude_padding) and
#            batch norm, random windows and padding: y and the vjp.
# Each program is compiled in f64 or f32 and compared with PyTorch in f64.
# The lit run is a fixed small sample; for a longer search:
#   ADJOINT_COMPILE=build/bin/adjoint-compile /usr/bin/python3 \
#       test/Target/random-programs.py --count 500 --seed 7
# A failing program is printed whole, to be reduced into a regression test.
import argparse
import sys

import numpy as np
import torch
import torch.nn.functional as F

import compiletest as ct

ap = argparse.ArgumentParser()
ap.add_argument("--count", type=int, default=12,
                help="attempts per kind and type (impossible shapes are skipped)")
ap.add_argument("--seed", type=int, default=1)
args = ap.parse_args()
rng = np.random.default_rng(args.seed)


def inputs(shape, elem):
    """Random normal values exact in `elem`: PyTorch then sees the inputs
    the compiled code sees, and a comparison (a max, a ReLU) does not flip
    because of input rounding alone."""
    return rng.standard_normal(shape).astype(elem_dtype[elem]).astype(
        np.float64)


elem_dtype = {"f32": np.float32, "f64": np.float64}


def ty(shape, elem):
    return "tensor<" + "".join(f"{d}x" for d in shape) + elem + ">"


def check(label, elem, source, inputs, want, torch_f32=None,
          value_only=False):
    """Compiles `source`, calls @f on `inputs`; each output must match
    PyTorch's f64 result to 1e-9 (f64) or 2e-4 (f32) of its largest
    magnitude (at least 1). A random f32 chain can be ill-conditioned (a
    layer norm of a nearly constant row, a sum that cancels): given
    PyTorch's own f32 results (with APPROXIMATED's rounding), an f32 output
    may also be up to 8 times as far from the f64 result as PyTorch's. `value_only`: outputs after the
    first need only be finite."""
    ct._count += 1
    tol = 1e-9 if elem == "f64" else 2e-4
    try:
        got = ct.compile_source(source).call("f", *inputs)
        for i, (g, w) in enumerate(zip(got, want)):
            if value_only and i > 0:
                assert np.isfinite(g).all(), f"output {i} is not finite"
                continue
            scale = max(float(np.abs(w).max()) if w.size else 0.0, 1.0)
            err = float(np.abs(g - w).max()) if w.size else 0.0
            bound = tol * scale
            if torch_f32 is not None and w.size:
                bound = max(bound, 8 * float(np.abs(torch_f32[i] - w).max()))
            assert err <= bound, (
                f"output {i}: error {err:.3g} at scale {scale:.3g}")
    except (AssertionError, RuntimeError, OSError) as e:
        ct._failures.append(label)
        print(f"FAIL {label}: {str(e).strip()}", file=sys.stderr)
        print("  " + source.strip().replace("\n", "\n  "), file=sys.stderr)


class Graph:
    """A straight-line adj function built beside its PyTorch mirror (in
    torch dtype `dtype`): each value is (SSA name, shape, torch tensor)."""

    def __init__(self, elem, dtype):
        self.elem, self.dtype = elem, dtype
        self.lines, self.values, self.args = [], [], []
        self.kinked = False  # uses an op with a kink: see KINKS

    def t(self, shape):
        return ty(shape, self.elem)

    def arg(self, shape):
        x = inputs(shape, self.elem)
        value = (f"%a{len(self.args)}", tuple(shape),
                 torch.tensor(x, dtype=self.dtype, requires_grad=True))
        self.args.append((value, x))
        self.values.append(value)
        return value

    def op(self, shape, mirror, text, drawn=True):
        """A new value; `drawn`: later ops may take it as an operand."""
        name = text.split()[0][len("adj."):]
        if self.dtype == torch.float32 and name in APPROXIMATED:
            mirror = mirror * (1 + ULPS * 2.0**-24 * torch.from_numpy(
                np.asarray(noise.uniform(-1, 1, tuple(shape)))).float())
        value = (f"%v{len(self.lines)}", tuple(shape), mirror)
        self.lines.append(f"{value[0]} = {text}")
        self.kinked |= name in KINKS
        if drawn:
            self.values.append(value)
        return value

    def unary(self, name, a, mirror):
        return self.op(a[1], mirror(a[2]), f"adj.{name} {a[0]} : {self.t(a[1])}")

    def binary(self, name, a, b, mirror):
        shape = np.broadcast_shapes(a[1], b[1])
        return self.op(shape, mirror(a[2], b[2]),
                       f"adj.{name} {a[0]}, {b[0]} : {self.t(a[1])}, "
                       f"{self.t(b[1])}")

    def positive(self, a):
        """a² + 1: a safe operand for log, sqrt, rsqrt and div."""
        sq = self.unary("square", a, torch.square)
        # Not drawn: a layer norm of a constant normalizes rounding noise.
        one = self.op(a[1], torch.ones(a[1], dtype=self.dtype),
                      f"adj.fill 1.0 : {self.t(a[1])}", drawn=False)
        return self.binary("add", sq, one, torch.add)


UNARY = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
         "square": torch.square, "sin": torch.sin, "cos": torch.cos,
         "neg": torch.neg, "gelu": F.gelu, "erf": torch.erf, "abs": torch.abs}
OF_POSITIVE = {"log": torch.log, "sqrt": torch.sqrt, "rsqrt": torch.rsqrt,
               "log1p": torch.log1p}
BINARY = {"add": torch.add, "sub": torch.sub, "mul": torch.mul,
          "maximum": torch.maximum, "minimum": torch.minimum}
REDUCE = {"sum": lambda x, a, k: x.sum(a, keepdim=k),
          "mean": lambda x, a, k: x.mean(a, keepdim=k),
          "max": lambda x, a, k: x.amax(a, keepdim=k),
          "min": lambda x, a, k: x.amin(a, keepdim=k),
          "logsumexp": lambda x, a, k: torch.logsumexp(x, a, keepdim=k)}


# Ops computed with adj-fast-math's f32 polynomials (exp, log, tanh, erf)
# are up to ULPS ulp from the exact result (measured: tanh 3.8, erf 3.2,
# log1p 1.9, exp and log under 1; PyTorch's: 0.5). Where a program cancels
# (1 + tanh(x) near x = -4 magnifies tanh's error 500 times), PyTorch's f32
# run is then no measure of what an f32 program may get: its mirror
# perturbs these ops' results by up to ULPS ulp, drawn from `noise` (not
# `rng`: the f32 program repeats the f64 one's draws).
APPROXIMATED = {"tanh", "sigmoid", "gelu", "erf", "exp", "log", "log1p",
                "softmax", "log_softmax", "logsumexp"}
ULPS = 4
noise = np.random.default_rng(args.seed)


# Ops with a kink. Where f32 rounding moves a value across one, the f32
# gradient jumps away from the f64 one, and that is no error: an f32
# program using them is held to its value (continuous) and to finite
# gradients (the max rule's tie mask once gave 0/0).
KINKS = {"relu", "abs", "maximum", "minimum", "select", "max", "min"}


def pick(items):
    return items[int(rng.integers(len(items)))]


def grow(g):
    """Appends one random op (a few adj ops for the guarded ones)."""
    recent = g.values[-3:] if rng.random() < 0.75 else g.values
    a = pick(recent)
    kind = int(rng.integers(10))
    if kind <= 2:
        name = pick(list(UNARY) + list(OF_POSITIVE) + ["gelu_tanh", "exp"])
        if name == "gelu_tanh":
            g.op(a[1], F.gelu(a[2], approximate="tanh"),
                 f"adj.gelu {a[0]} approximate tanh : {g.t(a[1])}")
        elif name == "exp":  # of a bounded value
            g.unary("exp", g.unary("tanh", a, torch.tanh), torch.exp)
        elif name in OF_POSITIVE:
            g.unary(name, g.positive(a), OF_POSITIVE[name])
        else:
            g.unary(name, a, UNARY[name])
    elif kind <= 4:
        b = pick([v for v in g.values if broadcasts(v[1], a[1])])
        name = pick(list(BINARY) + ["div", "select"])
        if name == "div":
            g.binary("div", a, g.positive(b), torch.div)
        elif name == "select":
            shape = np.broadcast_shapes(a[1], b[1])
            mask = g.op(shape, None, f"adj.compare gt, {a[0]}, {b[0]} : "
                        f"{g.t(a[1])}, {g.t(b[1])}", drawn=False)
            g.op(shape, torch.where(a[2] > b[2], a[2], b[2]),
                 f"adj.select {mask[0]}, {a[0]}, {b[0]} : {ty(shape, 'i1')}, "
                 f"{g.t(a[1])}, {g.t(b[1])}")
        else:
            g.binary(name, a, b, BINARY[name])
    elif len(a[1]) != 2:
        return
    elif kind == 5:
        name = pick(list(REDUCE))
        axis, keep = int(rng.integers(2)), rng.random() < 0.5
        shape = [1 if i == axis else d for i, d in enumerate(a[1])] if keep \
            else [d for i, d in enumerate(a[1]) if i != axis]
        g.op(shape, REDUCE[name](a[2], axis, keep),
             f"adj.{name} {a[0]} axes [{axis}]{' keepdims' if keep else ''} : "
             f"{g.t(a[1])} -> {g.t(shape)}")
    elif kind == 6:
        axis = int(rng.integers(2))
        name, mirror = pick([("softmax", torch.softmax),
                             ("log_softmax", torch.log_softmax)])
        g.op(a[1], mirror(a[2], axis), f"adj.{name} {a[0]} axis {axis} : "
             f"{g.t(a[1])}")
    elif kind == 7:
        rhs = [v for v in g.values if len(v[1]) == 2 and v[1][0] == a[1][1]]
        if rhs and rng.random() < 0.7:
            b = pick(rhs)
            shape = (a[1][0], b[1][1])
            g.op(shape, a[2] @ b[2], f"adj.matmul {a[0]}, {b[0]} : "
                 f"{g.t(a[1])}, {g.t(b[1])} -> {g.t(shape)}")
        else:
            shape = (a[1][1], a[1][0])
            g.op(shape, a[2].T, f"adj.transpose {a[0]} [1, 0] : "
                 f"{g.t(a[1])} -> {g.t(shape)}")
    elif kind == 8 and a[1][1] > 1:
        d = a[1][1:]
        gamma, beta = g.arg(d), g.arg(d)
        g.op(a[1], F.layer_norm(a[2], d, gamma[2], beta[2]),
             f"adj.layer_norm {a[0]}, {gamma[0]}, {beta[0]} axis 1 : "
             f"{g.t(a[1])}, {g.t(d)}, {g.t(d)}")


def broadcasts(s, t):
    try:
        np.broadcast_shapes(s, t)
        return True
    except ValueError:
        return False


def build_graph(elem, dtype):
    """A random program and its mirror, differentiated; None if the loss
    does not depend on any argument."""
    g = Graph(elem, dtype)
    b, d, e = (int(rng.integers(1, n)) for n in (10, 40, 20))
    for shape in ((b, d), (d,), (d, e), (b, 1)):
        g.arg(shape)
    for _ in range(int(rng.integers(6, 20))):
        grow(g)
    # loss = s·tanh(m) + s, s the sum of the last value and m the mean of
    # another: the loss is nonlinear in both.
    s = g.op((), g.values[-1][2].sum(),
             f"adj.sum {g.values[-1][0]} : {g.t(g.values[-1][1])} -> {g.t(())}")
    other = pick(g.values[:-1])
    m = g.op((), other[2].mean(),
             f"adj.mean {other[0]} : {g.t(other[1])} -> {g.t(())}")
    g.loss = g.binary("add", g.binary("mul", s, g.unary("tanh", m, torch.tanh),
                                      torch.mul), s, torch.add)
    if not g.loss[2].requires_grad:
        return None
    g.loss[2].backward()
    g.results = [g.loss[2].detach().numpy().astype(np.float64)] + [
        v[2].grad.numpy().astype(np.float64) if v[2].grad is not None
        else np.zeros(v[1]) for v, _ in g.args]
    return g


def random_graph(label, elem):
    state = rng.bit_generator.state
    g = build_graph(elem, torch.float64)
    if g is None:
        return
    torch_f32 = None
    if elem == "f32":  # the same program again (same draws), in f32
        after = rng.bit_generator.state
        rng.bit_generator.state = state
        torch_f32 = build_graph(elem, torch.float32).results
        assert rng.bit_generator.state == after
    params = ", ".join(f"{v[0]}: {g.t(v[1])}" for v, _ in g.args)
    types = ", ".join(g.t(v[1]) for v, _ in g.args)
    n = len(g.args) + 1
    body = "\n    ".join(g.lines)
    source = f"""
  func.func private @loss({params}) -> {g.t(())} {{
    {body}
    return {g.loss[0]} : {g.t(())}
  }}
  func.func @f({params}) -> ({g.t(())}, {types}) {{
    %r:{n} = adj.value_and_grad @loss({", ".join(v[0] for v, _ in g.args)})
        : ({types}) -> ({g.t(())}, {types})
    return {", ".join(f"%r#{i}" for i in range(n))} : {g.t(())}, {types}
  }}"""
    check(label, elem, source, [x for _, x in g.args], g.results, torch_f32,
          value_only=elem == "f32" and g.kinked)


def vjp_source(elem, op_text, inputs, out_shape, extra_results=""):
    """@f(inputs..., ct) -> (y, d inputs...) through adj.vjp of one op."""
    t = lambda s: ty(s, elem)
    names = [f"%x{i}" for i in range(len(inputs))]
    params = ", ".join(f"{n}: {t(s)}" for n, s in zip(names, inputs))
    types = ", ".join(t(s) for s in inputs)
    results = ", ".join(f"%r#{i}" for i in range(len(inputs) + 1))
    return f"""
  func.func private @op({params}) -> {t(out_shape)} {{
    %y{extra_results} = {op_text}
    return %y : {t(out_shape)}
  }}
  func.func @f({params}, %ct: {t(out_shape)}) -> ({t(out_shape)}, {types}) {{
    %r:{len(inputs) + 1} = adj.vjp @op({", ".join(names)}) cotangents(%ct)
        : ({types}, {t(out_shape)}) -> ({t(out_shape)}, {types})
    return {results} : {t(out_shape)}, {types}
  }}"""


def vjp_check(label, elem, source, args, tensors, y):
    ct_ = inputs(tuple(y.shape), elem)
    y.backward(torch.tensor(ct_))
    want = [y.detach().numpy()] + [t.grad.numpy() for t in tensors]
    check(label, elem, source, args + [ct_], want)


def random_window(kh, kw):
    """Stride (often the kernel) and [top, left, bottom, right] padding."""
    stride = [int(rng.integers(1, 5)), int(rng.integers(1, 5))]
    if rng.random() < 0.3:
        stride = [kh, kw]
    pad = [int(rng.integers(3)) for _ in range(4)]
    if rng.random() < 0.4:
        pad = [0, 0, 0, 0]
    return stride, pad


def torch_pad(x, pad, value=0.0):
    return F.pad(x, (pad[1], pad[3], pad[0], pad[2]), value=value)


def random_conv(label, elem):
    groups = pick([1, 1, 1, 2, 4])
    wide = rng.random() < 0.3
    c = groups * int(rng.integers(5, 20) if wide else rng.integers(1, 5))
    o = groups * int(rng.integers(5, 24) if wide else rng.integers(1, 6))
    kh, kw = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    stride, pad = random_window(kh, kw)
    dil = [int(rng.integers(1, 3)), int(rng.integers(1, 3))]
    xs = (int(rng.integers(1, 4)), c, int(rng.integers(1, 24)),
          int(rng.integers(1, 40)))
    if xs[2] + pad[0] + pad[2] < dil[0] * (kh - 1) + 1 or \
       xs[3] + pad[1] + pad[3] < dil[1] * (kw - 1) + 1:
        return
    ws = (o, c // groups, kh, kw)
    x, w = inputs(xs, elem), inputs(ws, elem)
    tx, tw = (torch.tensor(a, requires_grad=True) for a in (x, w))
    y = F.conv2d(torch_pad(tx, pad), tw, stride=stride, dilation=dil,
                 groups=groups)
    ys = tuple(y.shape)
    attrs = (f"stride {stride} padding {pad} dilation {dil} groups {groups}")
    op = (f"adj.conv2d %x0, %x1 {attrs} : {ty(xs, elem)}, {ty(ws, elem)} -> "
          f"{ty(ys, elem)}")
    vjp_check(f"{label} {xs} {ws} {attrs}", elem,
              vjp_source(elem, op, [xs, ws], ys), [x, w], [tx, tw], y)


def random_pool(label, elem):
    xs = tuple(int(rng.integers(1, n)) for n in (4, 6, 20, 34))
    x = inputs(xs, elem)
    tx = torch.tensor(x, requires_grad=True)
    kind = pick(["max", "avg", "avg_exclude", "batch_norm"])
    if kind == "batch_norm":
        if xs[0] * xs[2] * xs[3] < 2:
            return
        c = (xs[1],)
        gb = [inputs(c, elem) for _ in range(2)]
        tg, tb = (torch.tensor(a, requires_grad=True) for a in gb)
        y = F.batch_norm(tx, None, None, tg, tb, training=True)
        op = (f"adj.batch_norm %x0, %x1, %x2 : {ty(xs, elem)}, {ty(c, elem)}, "
              f"{ty(c, elem)}")
        vjp_check(f"{label} batch_norm {xs}", elem,
                  vjp_source(elem, op, [xs, c, c], xs, ", %mean, %var"),
                  [x] + gb, [tx, tg, tb], y)
        return
    kh, kw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    stride, pad = random_window(kh, kw)
    pad = [min(p, k - 1) for p, k in zip(pad, (kh, kw, kh, kw))]
    if xs[2] + pad[0] + pad[2] < kh or xs[3] + pad[1] + pad[3] < kw:
        return
    if kind == "max":
        y = F.max_pool2d(torch_pad(tx, pad, -np.inf), (kh, kw), stride)
    else:
        y = F.avg_pool2d(torch_pad(tx, pad), (kh, kw), stride)
        if kind == "avg_exclude":
            ones = torch.ones_like(tx)
            y = y / F.avg_pool2d(torch_pad(ones, pad), (kh, kw), stride)
    ys = tuple(y.shape)
    attrs = f"kernel [{kh}, {kw}] stride {stride} padding {pad}"
    if kind == "avg_exclude":
        attrs += " exclude_padding"
    name = "max_pool2d" if kind == "max" else "avg_pool2d"
    op = f"adj.{name} %x0 {attrs} : {ty(xs, elem)} -> {ty(ys, elem)}"
    vjp_check(f"{label} {name} {xs} {attrs}", elem,
              vjp_source(elem, op, [xs], ys), [x], [tx], y)


for kind in (random_graph, random_conv, random_pool):
    for elem in ("f64", "f32"):
        for i in range(args.count):
            kind(f"{kind.__name__} {elem} #{i} (seed {args.seed})", elem)
ct.done()
