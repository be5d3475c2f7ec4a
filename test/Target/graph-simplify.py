# RUN: %python %s
# The rewrites of a backward pass's graph (docs/performance-fusion.md,
# "Backward-pass graph") against NumPy and PyTorch: matmuls of transposed
# operands read in place (both operands transposed, batched, f64 without
# kernels), and the gradients of small networks whose backward passes use
# every rewrite (transposes folded into matmuls, reductions merged at the
# first one's place, layer norm statistics shared with the forward pass),
# with shapes where a swapped operand or a wrong axis gives a wrong shape or
# value. The oracles compute in float64.
import numpy as np
import torch
import compiletest as ct

rng = np.random.default_rng(3)


def t(shape, dtype="f32"):
    return "tensor<" + "x".join(map(str, shape)) + f"x{dtype}>"


def data(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def check(label, source, fn, inputs, want, options=()):
    ct._count += 1
    try:
        lib = ct.compile_source(source, options)
        got = lib.call(fn, *inputs)
        assert len(got) == len(want), f"{len(got)} outputs, {len(want)} expected"
        specs = lib.functions[fn]["outputs"]
        for g, w, spec in zip(got, want, specs):
            assert g.shape == w.shape, f"{spec['name']}: shape {g.shape}, expected {w.shape}"
            ct.compare(g, w, spec["dtype"], f"{label}: {spec['name']}")
    except (AssertionError, RuntimeError, OSError) as e:
        ct._failures.append(label)
        print(f"FAIL {label}: {str(e).strip()}\n  {source}")


# Transposed operands.
for dtype, np_dtype in [("f32", np.float32), ("f64", np.float64)]:
    m, n, k = 7, 5, 9
    a, b = data(k, m, dtype=np_dtype), data(n, k, dtype=np_dtype)
    at, bt = f"{t([m, k], dtype)}", f"{t([k, n], dtype)}"
    check(f"matmul aT bT {dtype}", f"""
      func.func @f(%a: {t([k, m], dtype)}, %b: {t([n, k], dtype)})
          -> ({t([m, n], dtype)}, {t([n, m], dtype)}) {{
        %at = adj.transpose %a [1, 0] : {t([k, m], dtype)} -> {at}
        %bt = adj.transpose %b [1, 0] : {t([n, k], dtype)} -> {bt}
        %c = adj.matmul %at, %bt : {at}, {bt} -> {t([m, n], dtype)}
        %d = adj.matmul %b, %a : {t([n, k], dtype)}, {t([k, m], dtype)} -> {t([n, m], dtype)}
        return %c, %d : {t([m, n], dtype)}, {t([n, m], dtype)}
      }}""", "f", [a, b], [a.T.astype(np.float64) @ b.T, b.astype(np.float64) @ a])

bt_, m, n, k = 3, 4, 6, 5
a, b = data(bt_, k, m), data(bt_, n, k)
check("batch_matmul aT bT", f"""
  func.func @f(%a: {t([bt_, k, m])}, %b: {t([bt_, n, k])}) -> {t([bt_, m, n])} {{
    %at = adj.transpose %a [0, 2, 1] : {t([bt_, k, m])} -> {t([bt_, m, k])}
    %bt = adj.transpose %b [0, 2, 1] : {t([bt_, n, k])} -> {t([bt_, k, n])}
    %c = adj.matmul %at, %bt : {t([bt_, m, k])}, {t([bt_, k, n])} -> {t([bt_, m, n])}
    return %c : {t([bt_, m, n])}
  }}""", "f", [a, b],
      [a.transpose(0, 2, 1).astype(np.float64) @ b.transpose(0, 2, 1)])

# A two-layer ReLU network, sum of squares: the gradient multiplies by W2^T,
# W1^T, h^T and x^T, and sums bias gradients over the batch.
B, I, H, O = 6, 5, 8, 3
mlp = f"""
  func.func @loss(%x: {t([B, I])}, %w1: {t([I, H])}, %b1: {t([H])},
                  %w2: {t([H, O])}, %b2: {t([O])}) -> tensor<f32> {{
    %m1 = adj.matmul %x, %w1 : {t([B, I])}, {t([I, H])} -> {t([B, H])}
    %z1 = adj.add %m1, %b1 : {t([B, H])}, {t([H])}
    %h = adj.relu %z1 : {t([B, H])}
    %m2 = adj.matmul %h, %w2 : {t([B, H])}, {t([H, O])} -> {t([B, O])}
    %y = adj.add %m2, %b2 : {t([B, O])}, {t([O])}
    %y2 = adj.square %y : {t([B, O])}
    %l = adj.sum %y2 : {t([B, O])} -> tensor<f32>
    return %l : tensor<f32>
  }}"""
x, w1, b1, w2, b2 = data(B, I), data(I, H), data(H), data(H, O), data(O)
X, W1, B1, W2, B2 = (v.astype(np.float64) for v in (x, w1, b1, w2, b2))
z1 = X @ W1 + B1
h = np.maximum(z1, 0)
y = h @ W2 + B2
dy = 2 * y
dz1 = (dy @ W2.T) * (z1 > 0)
check("mlp gradient", mlp, "loss_value_and_grad", [x, w1, b1, w2, b2],
      [np.array((y * y).sum()), dz1 @ W1.T, X.T @ dz1, dz1.sum(0), h.T @ dy, dy.sum(0)],
      ["--value-and-grad", "loss"])

# A transformer feed-forward block (examples/bench/ffn.mlir, smaller), its
# gradient w.r.t. everything by PyTorch's autograd.
T, D, F = 6, 8, 12
ffn = f"""
  func.func @loss(%x: {t([T, D])}, %g: {t([D])}, %be: {t([D])}, %w1: {t([D, F])},
                  %b1: {t([F])}, %w2: {t([F, D])}, %b2: {t([D])}) -> tensor<f32> {{
    %n = adj.layer_norm %x, %g, %be axis 1 : {t([T, D])}, {t([D])}, {t([D])}
    %m1 = adj.matmul %n, %w1 : {t([T, D])}, {t([D, F])} -> {t([T, F])}
    %u = adj.add %m1, %b1 : {t([T, F])}, {t([F])}
    %h = adj.gelu %u approximate tanh : {t([T, F])}
    %m2 = adj.matmul %h, %w2 : {t([T, F])}, {t([F, D])} -> {t([T, D])}
    %z = adj.add %m2, %b2 : {t([T, D])}, {t([D])}
    %y = adj.add %z, %x : {t([T, D])}
    %y2 = adj.square %y : {t([T, D])}
    %l = adj.sum %y2 : {t([T, D])} -> tensor<f32>
    return %l : tensor<f32>
  }}"""
args = [data(T, D), 1 + 0.1 * data(D), data(D), data(D, F), data(F), data(F, D), data(D)]
ts = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in args]
x_, g_, be_, w1_, b1_, w2_, b2_ = ts
n_ = torch.nn.functional.layer_norm(x_, (D,), g_, be_, eps=1e-5)
h_ = torch.nn.functional.gelu(n_ @ w1_ + b1_, approximate="tanh")
loss_ = (((h_ @ w2_ + b2_) + x_) ** 2).sum()
loss_.backward()
check("ffn gradient", ffn, "loss_value_and_grad", args,
      [loss_.detach().numpy()] + [v.grad.numpy() for v in ts],
      ["--value-and-grad", "loss"])


# A product with a transposed operand, transposed ((a^T b)^T, (a b^T)^T):
# computed as the product of the swapped operands; and a sum of products
# accumulated by one product into the other (batched rows, and a chain of
# three).
for dtype, np_dtype in [("f32", np.float32), ("f64", np.float64)]:
    m, n, k, r = 7, 5, 9, 3
    a, b, c = (data(k, m, dtype=np_dtype), data(k, n, dtype=np_dtype),
               data(n, k, dtype=np_dtype))
    x, w, y, v = (data(2, r, k, dtype=np_dtype), data(k, n, dtype=np_dtype),
                  data(2, r, m, dtype=np_dtype), data(m, n, dtype=np_dtype))
    T = lambda shape: t(shape, dtype)
    check(f"transposed products, sums of products {dtype}", f"""
      func.func @f(%a: {T([k, m])}, %b: {T([k, n])}, %c: {T([n, k])},
                   %x: {T([2, r, k])}, %w: {T([k, n])}, %y: {T([2, r, m])},
                   %v: {T([m, n])})
          -> ({T([n, m])}, {T([n, m])}, {T([2, r, n])}) {{
        %at = adj.transpose %a [1, 0] : {T([k, m])} -> {T([m, k])}
        %p = adj.matmul %at, %b : {T([m, k])}, {T([k, n])} -> {T([m, n])}
        %pt = adj.transpose %p [1, 0] : {T([m, n])} -> {T([n, m])}
        %ct = adj.transpose %c [1, 0] : {T([n, k])} -> {T([k, n])}
        %q = adj.matmul %at, %ct : {T([m, k])}, {T([k, n])} -> {T([m, n])}
        %qt = adj.transpose %q [1, 0] : {T([m, n])} -> {T([n, m])}
        %s1 = adj.matmul %x, %w : {T([2, r, k])}, {T([k, n])} -> {T([2, r, n])}
        %s2 = adj.matmul %y, %v : {T([2, r, m])}, {T([m, n])} -> {T([2, r, n])}
        %s3 = adj.matmul %x, %w : {T([2, r, k])}, {T([k, n])} -> {T([2, r, n])}
        %s12 = adj.add %s1, %s2 : {T([2, r, n])}
        %s = adj.add %s3, %s12 : {T([2, r, n])}
        return %pt, %qt, %s : {T([n, m])}, {T([n, m])}, {T([2, r, n])}
      }}""", "f", [a, b, c, x, w, y, v],
          [(a.T.astype(np.float64) @ b).T, (a.T.astype(np.float64) @ c.T).T,
           2 * (x.astype(np.float64) @ w) + y.astype(np.float64) @ v])

# Self-attention (tools/bench/survey.py's, smaller, with projections to
# other widths): its backward pass transposes a product (dK) and sums three
# products (dX).
Bt, S, D, E, F = 2, 5, 6, 4, 3
att = f"""
  func.func @loss(%x: {t([Bt, S, D])}, %wq: {t([D, E])}, %wk: {t([D, E])},
                  %wv: {t([D, F])}) -> tensor<f32> {{
    %q = adj.matmul %x, %wq : {t([Bt, S, D])}, {t([D, E])} -> {t([Bt, S, E])}
    %k = adj.matmul %x, %wk : {t([Bt, S, D])}, {t([D, E])} -> {t([Bt, S, E])}
    %v = adj.matmul %x, %wv : {t([Bt, S, D])}, {t([D, F])} -> {t([Bt, S, F])}
    %kt = adj.transpose %k [0, 2, 1] : {t([Bt, S, E])} -> {t([Bt, E, S])}
    %s = adj.matmul %q, %kt : {t([Bt, S, E])}, {t([Bt, E, S])} -> {t([Bt, S, S])}
    %p = adj.softmax %s axis 2 : {t([Bt, S, S])}
    %a = adj.matmul %p, %v : {t([Bt, S, S])}, {t([Bt, S, F])} -> {t([Bt, S, F])}
    %a2 = adj.square %a : {t([Bt, S, F])}
    %l = adj.sum %a2 : {t([Bt, S, F])} -> tensor<f32>
    return %l : tensor<f32>
  }}"""
args = [data(Bt, S, D), data(D, E), data(D, E), data(D, F)]
ts = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in args]
x_, wq_, wk_, wv_ = ts
p_ = torch.softmax((x_ @ wq_) @ (x_ @ wk_).transpose(1, 2), 2)
loss_ = ((p_ @ (x_ @ wv_)) ** 2).sum()
loss_.backward()
check("attention gradient", att, "loss_value_and_grad", args,
      [loss_.detach().numpy()] + [v.grad.numpy() for v in ts],
      ["--value-and-grad", "loss"])

ct.done()
