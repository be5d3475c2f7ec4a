# RUN: %python %s
# Products over a reduced dimension of extent 1 (outer products), which
# adj-fuse-elementwise turns into elementwise multiplications, compiled,
# against independent oracles: a network fed one example (its weight
# gradients are outer products) against PyTorch autograd in f64 and f32;
# a large outer product, a sum of two and a batch of them against NumPy in
# f64, bitwise the same at 1 and 2 threads (the large loops are split).
import numpy as np
import torch

import compiletest as ct

rng = np.random.default_rng(5)


def check(label, fn):
    ct._count += 1
    try:
        fn()
    except (AssertionError, RuntimeError) as e:
        ct._failures.append(label)
        print(f"FAIL {label}: {e}")


# One example through 20 -> 48 (tanh) -> 1 (sigmoid), a squared error: the
# gradients of W1, W2 are outer products x^T dz, of b1 and of the hidden
# layer products by a 1x1 matrix.
def one_example(dt):
    X, W1, W2 = (f"tensor<{s}x{dt}>" for s in ("1x20", "20x48", "48x1"))
    H, Y, B1 = f"tensor<1x48x{dt}>", f"tensor<1x1x{dt}>", f"tensor<48x{dt}>"
    source = f"""
func.func @loss(%x: {X} {{adj.name = "x"}}, %w1: {W1} {{adj.name = "w1"}},
                %b1: {B1} {{adj.name = "b1"}}, %w2: {W2} {{adj.name = "w2"}})
    -> tensor<{dt}> {{
  %m = adj.matmul %x, %w1 : {X}, {W1} -> {H}
  %z = adj.add %m, %b1 : {H}, {B1}
  %h = adj.tanh %z : {H}
  %o = adj.matmul %h, %w2 : {H}, {W2} -> {Y}
  %y = adj.sigmoid %o : {Y}
  %c = adj.constant dense<0.3> : tensor<{dt}>
  %d = adj.sub %y, %c : {Y}, tensor<{dt}>
  %s = adj.square %d : {Y}
  %l = adj.mean %s : {Y} -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""
    inputs = {"x": rng.standard_normal((1, 20)),
              "w1": rng.standard_normal((20, 48)) / np.sqrt(20),
              "b1": 0.1 * rng.standard_normal(48),
              "w2": rng.standard_normal((48, 1)) / np.sqrt(48)}
    ref = {k: torch.tensor(v, requires_grad=True) for k, v in inputs.items()}
    y = torch.sigmoid(torch.tanh(ref["x"] @ ref["w1"] + ref["b1"]) @ ref["w2"])
    loss = ((y - 0.3) ** 2).mean()
    want = [loss.detach().numpy()] + [
        g.numpy() for g in torch.autograd.grad(loss, list(ref.values()))]
    lib = ct.compile_source(source, ["--value-and-grad", "loss"])
    got = lib.call("loss_value_and_grad", *inputs.values())
    for name, g, w in zip(["loss", "x", "w1", "b1", "w2"], got, want):
        ct.compare(g, w, dt, f"one example {dt}: {name}")


for dt in ("f64", "f32"):
    check(f"one example {dt}", lambda dt=dt: one_example(dt))

# A 700x600 outer product, the sum of two, and a batch of 3 (B x M x 1
# times B x 1 x N): the loops are split over threads.
M, N, B = 700, 600, 3
source = f"""
func.func @f(%a: tensor<{M}x1xf32>, %b: tensor<1x{N}xf32>,
             %c: tensor<{M}x1xf32>, %d: tensor<1x{N}xf32>,
             %p: tensor<{B}x{M}x1xf32>, %q: tensor<{B}x1x{N}xf32>)
    -> (tensor<{M}x{N}xf32>, tensor<{M}x{N}xf32>, tensor<{B}x{M}x{N}xf32>) {{
  %ab = adj.matmul %a, %b : tensor<{M}x1xf32>, tensor<1x{N}xf32> -> tensor<{M}x{N}xf32>
  %cd = adj.matmul %c, %d : tensor<{M}x1xf32>, tensor<1x{N}xf32> -> tensor<{M}x{N}xf32>
  %s = adj.add %ab, %cd : tensor<{M}x{N}xf32>
  %pq = adj.matmul %p, %q : tensor<{B}x{M}x1xf32>, tensor<{B}x1x{N}xf32> -> tensor<{B}x{M}x{N}xf32>
  return %ab, %s, %pq : tensor<{M}x{N}xf32>, tensor<{M}x{N}xf32>, tensor<{B}x{M}x{N}xf32>
}}"""
args = [rng.standard_normal(s).astype(np.float32) for s in
        [(M, 1), (1, N), (M, 1), (1, N), (B, M, 1), (B, 1, N)]]


def large():
    lib = ct.compile_source(source)
    runs = []
    for n in (1, 2, 1, 2):
        getattr(lib.dll, "t_set_num_threads")(n)
        runs.append(lib.call("f", *args))
    a, b, c, d, p, q = (x.astype(np.float64) for x in args)
    for g, w, name in zip(runs[0], [a @ b, a @ b + c @ d, p @ q],
                          ["product", "sum", "batch"]):
        ct.compare(g, w, "f32", f"outer products: {name}")
    assert len({b"".join(r.tobytes() for r in run) for run in runs}) == 1, \
        "results differ between 1 and 2 threads"


check("outer products", large)
ct.done()
