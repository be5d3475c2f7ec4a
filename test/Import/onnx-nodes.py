# ONNX nodes built with onnx.helper that the importer once got wrong,
# checked against PyTorch in f64 (or ONNX's rule where PyTorch has none).
# RUN: %python %s %t.dir

import sys

import numpy as np
import torch
import torch.nn.functional as F

import torchexport
from onnx import TensorProto, helper, numpy_helper
from torchexport import check, compile_nodes, failures

torchexport.setup(sys.argv[1])


def constant(name, value):
    return helper.make_node("Constant", [], [name],
                            value=numpy_helper.from_array(value))


# A bool constant expanded, then cast or used as a condition; an int32 one
# expanded and concatenated with another int32; a bool one sliced.
x = np.random.randn(2, 3).astype(np.float32)
mask = np.array([[True, False, True]])
shape = ("shape", np.array([2, 3], np.int64))
got = compile_nodes([constant("c", mask),
                     helper.make_node("Expand", ["c", "shape"], ["e"]),
                     helper.make_node("Cast", ["e"], ["f"],
                                      to=TensorProto.FLOAT),
                     helper.make_node("Mul", ["f", "x"], ["y"])],
                    {"x": x}, {"y": TensorProto.FLOAT}, "expand-bool-cast",
                    [shape]).forward(x=x)
check("Expand of a bool constant, cast", got, x * mask)
got = compile_nodes([constant("c", mask),
                     helper.make_node("Expand", ["c", "shape"], ["e"]),
                     helper.make_node("Neg", ["x"], ["n"]),
                     helper.make_node("Where", ["e", "x", "n"], ["y"])],
                    {"x": x}, {"y": TensorProto.FLOAT}, "expand-bool-where",
                    [shape]).forward(x=x)
check("Expand of a bool constant, Where", got, np.where(mask, x, -x))
ints = np.array([[1, -2, 3]], np.int32)
got = compile_nodes([constant("c", ints), constant("d", ints),
                     helper.make_node("Expand", ["c", "shape"], ["e"]),
                     helper.make_node("Concat", ["e", "d"], ["g"], axis=0),
                     helper.make_node("Cast", ["g"], ["f"],
                                      to=TensorProto.FLOAT),
                     helper.make_node("Mul", ["f", "z"], ["y"])],
                    {"z": np.ones((3, 3), np.float32)},
                    {"y": TensorProto.FLOAT}, "expand-int32",
                    [shape]).forward(z=np.ones((3, 3), np.float32))
check("Expand of an int32 constant, Concat", got, np.repeat(ints, 3, 0))
rows = np.array([[True, False, True], [False, True, True]])
got = compile_nodes([constant("c", rows),
                     constant("start", np.array([1], np.int64)),
                     constant("end", np.array([3], np.int64)),
                     constant("axes", np.array([1], np.int64)),
                     helper.make_node("Slice", ["c", "start", "end", "axes"],
                                      ["s"]),
                     helper.make_node("Neg", ["x"], ["n"]),
                     helper.make_node("Where", ["s", "x", "n"], ["y"])],
                    {"x": x[:, :2].copy()}, {"y": TensorProto.FLOAT},
                    "slice-bool").forward(x=x[:, :2].copy())
check("Slice of a bool constant, Where", got,
      np.where(rows[:, 1:], x[:, :2], -x[:, :2]))

# ignore_index a class whose log-probability is -inf where it is the label:
# its entry is left out, not 0 * -inf. Both losses, both reductions.
with np.errstate(divide="ignore"):
    log_probs = np.log(np.array([[0.5, 0.0, 0.5], [0.2, 0.3, 0.5],
                                 [0.1, 0.0, 0.9]], np.float32))
scores = np.array([[1.0, -np.inf, 2.0], [0.5, 0.25, -1.0],
                   [3.0, -np.inf, 1.0]], np.float32)
labels = np.array([1, 0, 1], np.int64)
for op, x in (("NegativeLogLikelihoodLoss", log_probs),
              ("SoftmaxCrossEntropyLoss", scores)):
    for reduction in ("mean", "sum"):
        lib = compile_nodes(
            [helper.make_node(op, ["x", "l"], ["y"], ignore_index=1,
                              reduction=reduction)],
            {"x": x, "l": labels}, {"y": TensorProto.FLOAT},
            f"{op}-ignore-{reduction}")
        t = torch.tensor(x, dtype=torch.float64)
        lp = t if op == "NegativeLogLikelihoodLoss" else t.log_softmax(1)
        want = F.nll_loss(lp, torch.tensor(labels), ignore_index=1,
                          reduction=reduction)
        check(f"{op} ignoring a -inf class, {reduction}",
              lib.forward(x=x, l=labels), want.numpy())

# Both losses at opset 12, where they first appear.
x = np.random.randn(4, 3).astype(np.float32)
labels = np.array([0, 2, 1, 1], np.int64)
for op in ("NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss"):
    lib = compile_nodes([helper.make_node(op, ["x", "l"], ["y"])],
                        {"x": x, "l": labels}, {"y": TensorProto.FLOAT},
                        f"{op}-opset12", opset=12)
    t = torch.tensor(x, dtype=torch.float64)
    lp = t if op == "NegativeLogLikelihoodLoss" else t.log_softmax(1)
    check(f"{op} at opset 12", lib.forward(x=x, l=labels),
          F.nll_loss(lp, torch.tensor(labels)).numpy())


def top_k(x, k, axis, largest, name):
    """TopK of `x`, and the value and gradient of sum(w * values)."""
    w = np.random.randn(*np.moveaxis(x, axis, -1)[..., :k].shape)
    w = np.moveaxis(w, -1, axis).astype(np.float32)
    nodes = [helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=axis,
                              largest=largest),
             helper.make_node("Mul", ["v", "w"], ["p"]),
             helper.make_node("ReduceSum", ["p"], ["s"], keepdims=0)]
    initializers = [("k", np.array([k], np.int64)), ("w", w)]
    lib = compile_nodes(nodes, {"x": x}, {"v": TensorProto.FLOAT,
                                          "i": TensorProto.INT64},
                        name, initializers)
    got = lib.forward(x=x, **lib.initial_values())
    lib = compile_nodes(nodes, {"x": x}, {"s": TensorProto.FLOAT},
                        name + "-grad", initializers,
                        value_and_grad="forward:wrt=x")
    _, grad = lib.forward_value_and_grad(x=x, **lib.initial_values())
    return got.v, got.i, w, grad


def check_top_k(what, x, k, axis, largest):
    v, i, w, grad = top_k(x, k, axis, largest, what.replace(" ", "-"))
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    want = torch.topk(t, k, axis, bool(largest))
    nan = np.isnan(want.values.detach().numpy())
    check(f"{what} NaNs", np.isnan(v), nan, 0.0)
    check(f"{what} values", v[~nan], want.values.detach().numpy()[~nan], 0.0)
    check(f"{what} indices", i, want.indices.numpy(), 0.0)
    (want.values * torch.tensor(w, dtype=torch.float64)).sum().backward()
    check(f"{what} gradient", grad, t.grad.numpy())


# The whole axis, as torch.sort exports it, with NaNs and infinities (no
# ties, nor two NaNs in a row: PyTorch's order among equals is
# unspecified), along either axis.
x = np.random.permutation(np.linspace(-3, 3, 6 * 40)).reshape(6, 40)
x[0, 3], x[1, 7], x[1, 30], x[2, 0] = np.nan, np.inf, -np.inf, np.nan
x[3, 39] = np.nan
x = x.astype(np.float32)
for largest in (0, 1):
    check_top_k(f"TopK whole axis largest {largest}", x, 40, 1, largest)
    check_top_k(f"TopK axis 0 largest {largest}", x, 4, 0, largest)

# Ties go to the lower index (ONNX's rule): a stable sort's order.
x = np.random.randint(-3, 4, size=(5, 30)).astype(np.float32)
for largest in (0, 1):
    v, i, _, _ = top_k(x, 30, 1, largest, f"topk-ties-{largest}")
    want = np.argsort(-x if largest else x, axis=1, kind="stable")
    check(f"TopK ties largest {largest} indices", i, want, 0.0)
    check(f"TopK ties largest {largest} values", v,
          np.take_along_axis(x, want, 1), 0.0)

# An axis too long to compare every pair: one pass per output.
x = np.random.randn(1, 5000).astype(np.float32)
x[0, 17] = np.nan
for largest in (0, 1):
    check_top_k(f"TopK long axis largest {largest}", x, 3, 1, largest)

# Integer arithmetic at run time, on i64 and i32 tensors (NumPy's rules:
# Div truncates toward zero as C, Mod takes the divisor's sign, fmod 1 the
# dividend's), with a constant and between two inputs; and labels - 1 into
# a loss, at 1 and 2 threads.
a = np.random.randint(-50, 50, (3, 5))
d = np.random.choice([-7, -3, -1, 2, 5], (3, 5))
for dtype, onnx_type in ((np.int64, TensorProto.INT64),
                         (np.int32, TensorProto.INT32)):
    for op, attrs, want in (
            ("Add", {}, a + d), ("Sub", {}, a - d), ("Mul", {}, a * d),
            ("Div", {}, np.trunc(a / d)), ("Mod", {}, np.mod(a, d)),
            ("Mod", {"fmod": 1}, np.fmod(a, d))):
        name = f"int-{op}-{len(attrs)}-{np.dtype(dtype).name}"
        nodes = [helper.make_node("Cast", ["a"], ["ac"], to=onnx_type),
                 helper.make_node("Cast", ["d"], ["dc"], to=onnx_type),
                 helper.make_node(op, ["ac", "dc"], ["y"], **attrs),
                 helper.make_node(op, ["ac", "two"], ["z"], **attrs)]
        lib = compile_nodes(nodes, {"a": a, "d": d},
                            {"y": onnx_type, "z": onnx_type}, name,
                            [("two", np.array(2, dtype))])
        two = {"Add": a + 2, "Sub": a - 2, "Mul": a * 2,
               "Div": np.trunc(a / 2),
               "Mod": np.fmod(a, 2) if attrs else np.mod(a, 2)}[op]
        for threads in (1, 2):
            lib.set_num_threads(threads)
            got = lib.forward(a=a, d=d)
            check(f"{name} ({threads} threads)", got.y, want, 0.0)
            check(f"{name} by a constant ({threads} threads)", got.z, two,
                  0.0)
x = np.random.randn(4, 3).astype(np.float32)
labels = np.array([1, 3, 2, 1], np.int64)
nodes = [helper.make_node("Sub", ["l", "one"], ["l0"]),
         helper.make_node("SoftmaxCrossEntropyLoss", ["x", "l0"], ["y"])]
lib = compile_nodes(nodes, {"x": x, "l": labels}, {"y": TensorProto.FLOAT},
                    "labels-minus-one", [("one", np.array(1, np.int64))],
                    value_and_grad="forward:wrt=x")
t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
want = F.cross_entropy(t, torch.tensor(labels - 1))
want.backward()
for threads in (1, 2):
    lib.set_num_threads(threads)
    loss, grad = lib.forward_value_and_grad(x=x, l=labels)
    check(f"labels - 1 into a loss ({threads} threads)", loss,
          want.detach().numpy())
    check(f"labels - 1 into a loss, gradient ({threads} threads)", grad,
          t.grad.numpy())

# An integer constant cast to BOOL: any nonzero entry is true (2 was once
# false, its low bit). ConstantFill (opset 8) as INT32 truncates toward
# zero, and as BOOL any nonzero value is true (1e30 was once out of range).
x = np.random.randn(3).astype(np.float32)
got = compile_nodes([constant("c", np.array([2, 0, -1], np.int64)),
                     helper.make_node("Cast", ["c"], ["b"],
                                      to=TensorProto.BOOL),
                     helper.make_node("Cast", ["b"], ["f"],
                                      to=TensorProto.FLOAT),
                     helper.make_node("Mul", ["f", "x"], ["y"])],
                    {"x": x}, {"y": TensorProto.FLOAT},
                    "cast-int-bool").forward(x=x)
check("Cast of an integer constant to BOOL", got, x * [1, 0, 1])
got = compile_nodes([helper.make_node("ConstantFill", [], ["i"], shape=[3],
                                      dtype=TensorProto.INT32, value=-7.9),
                     helper.make_node("ConstantFill", [], ["b"], shape=[3],
                                      dtype=TensorProto.BOOL, value=1e30),
                     helper.make_node("Cast", ["i"], ["fi"],
                                      to=TensorProto.FLOAT),
                     helper.make_node("Cast", ["b"], ["fb"],
                                      to=TensorProto.FLOAT),
                     helper.make_node("Mul", ["fi", "x"], ["p"]),
                     helper.make_node("Mul", ["p", "fb"], ["y"])],
                    {"x": x}, {"y": TensorProto.FLOAT}, "constantfill-int32",
                    opset=8).forward(x=x)
check("ConstantFill INT32 -7.9 and BOOL 1e30", got, x * -7.0)

# An index repeated in Einsum's output (a diagonal put back, as
# torch.diag_embed), also after a contraction and twice, with the gradient
# of sum(w * y), at 1 and 2 threads.
for equation, shapes in (("bi->bii", [(3, 4)]), ("ij->iij", [(2, 3)]),
                         ("bij,jk->bkik", [(2, 3, 4), (4, 3)]),
                         ("i->iii", [(3,)])):
    xs = [np.random.randn(*s).astype(np.float32) for s in shapes]
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True)
          for x in xs]
    # ONNX's definition entry by entry (PyTorch rejects such equations):
    # the einsum to the indices once, read where the repeats agree.
    out = equation.split("->")[1]
    unique = "".join(dict.fromkeys(out))
    v = torch.einsum(equation.split("->")[0] + "->" + unique, *ts)
    size = {c: v.shape[unique.index(c)] for c in unique}
    zero = torch.zeros((), dtype=torch.float64)
    entries = []
    for index in np.ndindex(*[size[c] for c in out]):
        at = dict(zip(out, index))
        agree = all(at[c] == i for c, i in zip(out, index))
        entries.append(v[tuple(at[c] for c in unique)] if agree else zero)
    want = torch.stack(entries).reshape([size[c] for c in out])
    w = np.random.randn(*want.shape).astype(np.float32)
    (want * torch.tensor(w, dtype=torch.float64)).sum().backward()
    names = [f"x{i}" for i in range(len(xs))]
    inputs = dict(zip(names, xs))
    nodes = [helper.make_node("Einsum", names, ["y"], equation=equation),
             helper.make_node("Mul", ["y", "w"], ["p"]),
             helper.make_node("ReduceSum", ["p"], ["s"], keepdims=0)]
    name = "einsum-" + equation.replace(",", "-").replace("->", "-to-")
    value = compile_nodes(nodes[:1], inputs, {"y": TensorProto.FLOAT}, name)
    grad = compile_nodes(nodes, {**inputs, "w": w}, {"s": TensorProto.FLOAT},
                         name + "-grad", value_and_grad="forward:wrt=x0")
    for threads in (1, 2):
        value.set_num_threads(threads)
        grad.set_num_threads(threads)
        check(f"Einsum {equation} ({threads} threads)",
              value.forward(**inputs), want.detach().numpy())
        _, g = grad.forward_value_and_grad(**inputs, w=w)
        check(f"Einsum {equation} gradient ({threads} threads)", g,
              ts[0].grad.numpy())

# Cubic Resize with exclude_outside 1 (TensorFlow's bicubic): ONNX's rule
# written out as one matrix per resized dimension (Keys' kernel, A -0.5,
# the taps outside the input weigh 0, the rest renormalized), value and
# gradient of sum(w * y), at 1 and 2 threads.
def cubic_matrix(d, size, a=-0.5):
    def keys(s):
        s = abs(s)
        return (((a + 2) * s - (a + 3)) * s * s + 1 if s <= 1 else
                ((a * s - 5 * a) * s + 8 * a) * s - 4 * a if s < 2 else 0.0)
    m = np.zeros((size, d))
    for o in range(size):
        c = (o + 0.5) * d / size - 0.5
        i0 = int(np.floor(c))
        taps = [j for j in range(i0 - 1, i0 + 3) if 0 <= j < d]
        w = np.array([keys(c - j) for j in taps])
        m[o, taps] = w / w.sum()
    return m


x = np.random.randn(1, 2, 5, 4).astype(np.float32)
mh, mw = cubic_matrix(5, 9), cubic_matrix(4, 7)
want = np.einsum("oh,nchw,pw->ncop", mh, x.astype(np.float64), mw)
w = np.random.randn(*want.shape).astype(np.float32)
nodes = [helper.make_node("Resize", ["x", "", "", "sizes"], ["y"],
                          mode="cubic", exclude_outside=1,
                          cubic_coeff_a=-0.5),
         helper.make_node("Mul", ["y", "w"], ["p"]),
         helper.make_node("ReduceSum", ["p"], ["s"], keepdims=0)]
sizes = [("sizes", np.array([1, 2, 9, 7], np.int64))]
value = compile_nodes(nodes[:1], {"x": x}, {"y": TensorProto.FLOAT},
                      "resize-exclude-outside", sizes)
grad = compile_nodes(nodes, {"x": x, "w": w}, {"s": TensorProto.FLOAT},
                     "resize-exclude-outside-grad", sizes,
                     value_and_grad="forward:wrt=x")
for threads in (1, 2):
    value.set_num_threads(threads)
    grad.set_num_threads(threads)
    check(f"Resize cubic exclude_outside 1 ({threads} threads)",
          value.forward(x=x), want)
    _, g = grad.forward_value_and_grad(x=x, w=w)
    check(f"Resize cubic exclude_outside 1 gradient ({threads} threads)", g,
          np.einsum("oh,ncop,pw->nchw", mh, w.astype(np.float64), mw))

# OneHot of run-time indices along a middle axis with float values, and
# with PyTorch's integer [0, 1] (its gather before opset 11), cast.
labels = np.random.randint(0, 5, (3, 4))
eye = np.moveaxis(np.eye(5)[labels], -1, 1)
for values, want in ((np.array([-1.0, 2.0], np.float32), 3 * eye - 1),
                     (np.array([0, 1], np.int64), eye)):
    name = f"onehot-{values.dtype.name}"
    lib = compile_nodes(
        [helper.make_node("OneHot", ["l", "depth", "values"], ["h"], axis=1),
         helper.make_node("Cast", ["h"], ["y"], to=TensorProto.FLOAT)],
        {"l": labels}, {"y": TensorProto.FLOAT}, name,
        [("depth", np.array(5, np.int64)), ("values", values)], opset=9)
    check(f"OneHot {values.dtype.name} values",
          lib.forward(l=labels, **lib.initial_values()),
          want, 0.0)

# ArgMax and ArgMin from opset 1 (no select_last_index before 12).
x = np.random.randn(4, 7).astype(np.float32)
for op, want in (("ArgMax", np.argmax(x, 1)), ("ArgMin", np.argmin(x, 1))):
    for opset in (9, 11):
        got = compile_nodes([helper.make_node(op, ["x"], ["i"], axis=1,
                                              keepdims=0)],
                            {"x": x}, {"i": TensorProto.INT64},
                            f"{op}-opset{opset}", opset=opset).forward(x=x)
        check(f"{op} at opset {opset}", got, want, 0.0)

# The trigonometric and hyperbolic functions and their inverses, each on
# its domain, and the gradient of sum(w * f(x)), at 1 and 2 threads.
unit = np.random.uniform(-0.9, 0.9, (3, 37))
for op, x, f in (("Tan", unit * 1.5, torch.tan), ("Asin", unit, torch.asin),
                 ("Acos", unit, torch.acos),
                 ("Atan", np.random.randn(3, 37) * 3, torch.atan),
                 ("Sinh", np.random.randn(3, 37) * 2, torch.sinh),
                 ("Cosh", np.random.randn(3, 37) * 2, torch.cosh),
                 ("Asinh", np.random.randn(3, 37) * 3, torch.asinh),
                 ("Acosh", np.random.uniform(1.1, 4, (3, 37)), torch.acosh),
                 ("Atanh", unit, torch.atanh)):
    x = x.astype(np.float32)
    w = np.random.randn(3, 37).astype(np.float32)
    nodes = [helper.make_node(op, ["x"], ["f"]),
             helper.make_node("Mul", ["f", "w"], ["p"]),
             helper.make_node("ReduceSum", ["p"], ["s"], keepdims=0)]
    value = compile_nodes(nodes[:1], {"x": x}, {"f": TensorProto.FLOAT}, op)
    grad = compile_nodes(nodes, {"x": x, "w": w}, {"s": TensorProto.FLOAT},
                         op + "-grad", value_and_grad="forward:wrt=x")
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    want = f(t)
    (want * torch.tensor(w, dtype=torch.float64)).sum().backward()
    for threads in (1, 2):
        value.set_num_threads(threads)
        grad.set_num_threads(threads)
        check(f"{op} ({threads} threads)", value.forward(x=x),
              want.detach().numpy())
        _, g = grad.forward_value_and_grad(x=x, w=w)
        check(f"{op} gradient ({threads} threads)", g, t.grad.numpy())

# i32 Add, Sub and Mul at run time wrap on overflow as NumPy and PyTorch
# (they once saturated), over the whole range, at 1 and 2 threads.
edges = [-2**31, -2**31 + 1, -65537, -65536, -1, 0, 1, 65535, 65536,
         2**31 - 1]
a = np.concatenate([np.random.randint(-2**31, 2**31, 200), np.repeat(edges, 10)])
d = np.concatenate([np.random.randint(-2**31, 2**31, 200), np.tile(edges, 10)])
with np.errstate(over="ignore"):
    for op, want in (("Add", a.astype(np.int32) + d.astype(np.int32)),
                     ("Sub", a.astype(np.int32) - d.astype(np.int32)),
                     ("Mul", a.astype(np.int32) * d.astype(np.int32))):
        lib = compile_nodes(
            [helper.make_node("Cast", ["a"], ["ac"], to=TensorProto.INT32),
             helper.make_node("Cast", ["d"], ["dc"], to=TensorProto.INT32),
             helper.make_node(op, ["ac", "dc"], ["y"])],
            {"a": a, "d": d}, {"y": TensorProto.INT32}, f"int32-wrap-{op}")
        for threads in (1, 2):
            lib.set_num_threads(threads)
            check(f"i32 {op} wraps ({threads} threads)",
                  lib.forward(a=a, d=d), want, 0.0)

# Pow of two integer constants folds (shape arithmetic), as Mul does.
x = np.random.randn(2, 4).astype(np.float32)
lib = compile_nodes([constant("a", np.array([2], np.int64)),
                     constant("b", np.array([3], np.int64)),
                     helper.make_node("Pow", ["a", "b"], ["s"]),
                     helper.make_node("Reshape", ["x", "s"], ["y"])],
                    {"x": x}, {"y": TensorProto.FLOAT}, "pow-int-fold")
check("Pow of integer constants", lib.forward(x=x), x.reshape(8), 0.0)

# OneHot from opset 11 counts a negative index from the end (in [-depth,
# -1]; below, off values); before, a negative index gives off values.
labels = np.array([[0, 4, -1, -5], [5, 7, -6, 2]], np.int64)
for opset in (9, 11):
    index = np.where(labels < 0, labels + 5, labels) if opset >= 11 else labels
    eye = np.where(((index >= 0) & (index < 5))[..., None],
                   np.eye(5)[np.clip(index, 0, 4)], 0)
    lib = compile_nodes(
        [helper.make_node("OneHot", ["l", "depth", "values"], ["y"], axis=0)],
        {"l": labels}, {"y": TensorProto.FLOAT}, f"onehot-negative-{opset}",
        [("depth", np.array([5], np.int64)),
         ("values", np.array([0.5, 3.0], np.float32))], opset=opset)
    check(f"OneHot of negative indices at opset {opset}",
          lib.forward(l=labels, **lib.initial_values()),
          np.moveaxis(eye, -1, 0) * 2.5 + 0.5, 0.0)

# OneHot's float values as an initializer are a trainable argument: its
# run-time value is used (it was frozen to the initial value) and its
# gradient is the count of off and on entries (it was 0).
labels = np.array([0, 2, 1, 2], np.int64)
lib = compile_nodes(
    [helper.make_node("OneHot", ["l", "depth", "values"], ["y"]),
     helper.make_node("Mul", ["y", "w"], ["p"]),
     helper.make_node("ReduceSum", ["p"], ["s"], keepdims=0)],
    {"l": labels}, {"s": TensorProto.FLOAT}, "onehot-values-argument",
    [("depth", np.array(3, np.int64)),
     ("values", np.array([0.5, 3.0], np.float32)),
     ("w", np.arange(12, dtype=np.float32).reshape(4, 3))],
    opset=11, value_and_grad="forward:wrt=values")
values = np.array([-2.0, 7.0], np.float32)
w = np.arange(12.0).reshape(4, 3)
hot = np.eye(3)[labels]
for threads in (1, 2):
    lib.set_num_threads(threads)
    s, g = lib.forward_value_and_grad(l=labels, values=values,
                                      w=w.astype(np.float32))
    check(f"OneHot of run-time values ({threads} threads)", s,
          (w * (values[0] + (values[1] - values[0]) * hot)).sum())
    check(f"OneHot of run-time values, gradient ({threads} threads)", g,
          [(w * (1 - hot)).sum(), (w * hot).sum()])

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
