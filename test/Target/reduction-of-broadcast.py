# RUN: %python %s
# Sums and means over broadcasts (adj.sum / adj.mean canonicalization: the
# reduced broadcast dimensions are never materialised) against NumPy in
# float64, for f32 and f64, every combination of added, expanded and plain
# dimensions reduced or kept, with and without keepdims; and the gradient
# of a model whose bias gradient is such a sum, against PyTorch f64.
import numpy as np
import torch
import compiletest as ct

rng = np.random.default_rng(11)


def t(shape, dtype):
    return "tensor<" + "".join(f"{d}x" for d in shape) + f"{dtype}>"


def reduced_shape(shape, axes, keepdims):
    return [1 if i in axes else d for i, d in enumerate(shape)
            if keepdims or i not in axes]


CASES = [  # operand shape, broadcast shape, axes (None: all), keepdims
    ([3], [40, 3], None, False),
    ([3], [40, 3], [0], False),
    ([3], [40, 3], [0], True),
    ([5, 1, 1], [3, 5, 7, 8], [0, 1, 3], True),
    ([5, 1, 1], [3, 5, 7, 8], [1, 2], False),
    ([4, 1], [2, 4, 9], [0, 2], False),
    ([1, 6], [5, 6], [0, 1], True),
    ([], [7, 2], [1], False),
]

for dtype, np_dtype in [("f32", np.float32), ("f64", np.float64)]:
    for op in ["sum", "mean"]:
        for shape, to, axes, keepdims in CASES:
            axes_all = list(range(len(to))) if axes is None else axes
            out = reduced_shape(to, axes_all, keepdims)
            attrs = ("" if axes is None else f" axes {axes}") + \
                (" keepdims" if keepdims else "")
            source = f"""
              func.func @f(%x: {t(shape, dtype)}) -> {t(out, dtype)} {{
                %b = adj.broadcast_to %x : {t(shape, dtype)} -> {t(to, dtype)}
                %r = adj.{op} %b{attrs} : {t(to, dtype)} -> {t(out, dtype)}
                return %r : {t(out, dtype)}
              }}"""
            x = rng.standard_normal(shape).astype(np_dtype)
            b = np.broadcast_to(x.astype(np.float64), to)
            want = getattr(np, op)(b, axis=tuple(axes_all), keepdims=keepdims)
            label = f"{op} {shape}->{to} axes {axes} keepdims={keepdims} {dtype}"
            ct._count += 1
            try:
                lib = ct.compile_source(source)
                (got,) = lib.call("f", x)
                assert got.dtype == np_dtype, f"dtype {got.dtype}"
                assert got.shape == want.shape, f"shape {got.shape}, expected {want.shape}"
                ct.compare(got, want, dtype, label)
            except (AssertionError, RuntimeError, OSError) as e:
                ct._failures.append(label)
                print(f"FAIL {label}: {str(e).strip()}\n  {source}")

# The user's case, larger: 2^40 x 3 copies (13 TB in f32) that were
# materialised in the workspace before; now a few bytes.
N = 1 << 40
for dtype, np_dtype in [("f32", np.float32), ("f64", np.float64)]:
    source = f"""
      func.func @f(%x: {t([3], dtype)}) -> ({t([], dtype)}, {t([3], dtype)}) {{
        %b = adj.broadcast_to %x : {t([3], dtype)} -> {t([N, 3], dtype)}
        %s = adj.sum %b : {t([N, 3], dtype)} -> {t([], dtype)}
        %m = adj.mean %b axes [0] : {t([N, 3], dtype)} -> {t([3], dtype)}
        return %s, %m : {t([], dtype)}, {t([3], dtype)}
      }}"""
    x = rng.standard_normal(3).astype(np_dtype)
    label = f"sum and mean of 2^40 x 3 copies {dtype}"
    ct._count += 1
    try:
        lib = ct.compile_source(source)
        size = lib.functions["f"]["workspace_size"]
        assert size < 1024, f"workspace of {size} bytes"
        s, m = lib.call("f", x)
        ct.compare(s, x.astype(np.float64).sum() * N, dtype, label)
        ct.compare(m, x.astype(np.float64), dtype, label)
    except (AssertionError, RuntimeError, OSError) as e:
        ct._failures.append(label)
        print(f"FAIL {label}: {str(e).strip()}\n  {source}")

# The gradient of a bias broadcast over the batch is a sum over a broadcast
# of the loss's seed (the gradient of adj.sum): the bias gradient is B.
B, I, O = 16, 5, 3
for dtype, np_dtype in [("f32", np.float32), ("f64", np.float64)]:
    source = f"""
      func.func @loss(%x: {t([B, I], dtype)}, %w: {t([I, O], dtype)},
                      %b: {t([O], dtype)}) -> {t([], dtype)} {{
        %m = adj.matmul %x, %w : {t([B, I], dtype)}, {t([I, O], dtype)} -> {t([B, O], dtype)}
        %bb = adj.broadcast_to %b : {t([O], dtype)} -> {t([B, O], dtype)}
        %y = adj.add %m, %bb : {t([B, O], dtype)}
        %t = adj.tanh %y : {t([B, O], dtype)}
        %l = adj.mean %t : {t([B, O], dtype)} -> {t([], dtype)}
        %s = adj.sum %bb : {t([B, O], dtype)} -> {t([], dtype)}
        %r = adj.add %l, %s : {t([], dtype)}
        return %r : {t([], dtype)}
      }}"""
    x, w, b = (rng.standard_normal(s).astype(np_dtype) for s in ([B, I], [I, O], [O]))
    tx, tw, tb = (torch.tensor(v, dtype=torch.float64, requires_grad=True)
                  for v in (x, w, b))
    bb = tb.expand(B, O)
    loss = torch.tanh(tx @ tw + bb).mean() + bb.sum()
    loss.backward()
    label = f"bias gradient {dtype}"
    ct._count += 1
    try:
        lib = ct.compile_source(source, ["--value-and-grad", "loss"])
        got = lib.call("loss_value_and_grad", x, w, b)
        for g, want, name in zip(got, [loss.detach(), tx.grad, tw.grad, tb.grad],
                                 ["loss", "x", "w", "b"]):
            ct.compare(g, want.numpy(), dtype, f"{label}: {name}")
    except (AssertionError, RuntimeError, OSError) as e:
        ct._failures.append(label)
        print(f"FAIL {label}: {str(e).strip()}\n  {source}")

ct.done()
