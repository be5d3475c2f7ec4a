# RUN: %python %s
# Reductions that adj-fuse-elementwise merges into one loop (siblings over
# the same dimensions) and whose inner dimensions it collapses, compiled,
# against independent oracles: a batch norm + ReLU + average pooling
# network's value and gradient (the backward pass's two per-channel sums
# over N, H, W in one loop reducing H·W) against PyTorch autograd in f64;
# two full sums of one vector (one loop, split over threads with partial
# results for both) against NumPy in f64, bitwise the same at 1 and 2
# threads.
import numpy as np
import torch
import torch.nn.functional as F

import compiletest as ct

rng = np.random.default_rng(3)

# Batch norm over 8x16x16x16 (split over the 16 channels), ReLU, 2x2
# average pooling, and the mean square of the result.
X, P, C = "tensor<8x16x16x16xf64>", "tensor<8x16x8x8xf64>", "tensor<16xf64>"
source = f"""
func.func @loss(%x: {X} {{adj.name = "x"}}, %g: {C} {{adj.name = "g"}},
                %b: {C} {{adj.name = "b"}}) -> tensor<f64> {{
  %n, %m, %v = adj.batch_norm %x, %g, %b : {X}, {C}, {C}
  %r = adj.relu %n : {X}
  %p = adj.avg_pool2d %r kernel [2, 2] : {X} -> {P}
  %s = adj.mul %p, %p : {P}
  %l = adj.mean %s axes [0, 1, 2, 3] : {P} -> tensor<f64>
  return %l : tensor<f64>
}}"""
inputs = {"x": rng.standard_normal((8, 16, 16, 16)),
          "g": 1 + 0.2 * rng.standard_normal(16),
          "b": 0.2 * rng.standard_normal(16)}
ref = {k: torch.tensor(v, requires_grad=True) for k, v in inputs.items()}
loss = (F.avg_pool2d(F.relu(F.batch_norm(
    ref["x"], None, None, ref["g"], ref["b"], training=True, eps=1e-5)),
    2) ** 2).mean()
want = [loss.detach().numpy()] + [
    g.numpy() for g in torch.autograd.grad(loss, list(ref.values()))]
ct._count += 1
try:
    lib = ct.compile_source(source, ["--value-and-grad", "loss"])
    got = lib.call("loss_value_and_grad", *inputs.values())
    for name, g, w in zip(["loss", "x", "g", "b"], got, want):
        ct.compare(g, w, "f64", f"batch norm: {name}")
except (AssertionError, RuntimeError) as e:
    ct._failures.append("batch norm")
    print(f"FAIL batch norm: {e}")

# Σ x and Σ x·y over 2^18 elements, as one loop split over threads.
N = 1 << 18
source = f"""
func.func @f(%x: tensor<{N}xf32>, %y: tensor<{N}xf32>)
    -> (tensor<f32>, tensor<f32>) {{
  %s = adj.sum %x axes [0] : tensor<{N}xf32> -> tensor<f32>
  %p = adj.mul %x, %y : tensor<{N}xf32>
  %t = adj.sum %p axes [0] : tensor<{N}xf32> -> tensor<f32>
  return %s, %t : tensor<f32>, tensor<f32>
}}"""
x, y = rng.standard_normal(N), rng.standard_normal(N)
ct._count += 1
try:
    lib = ct.compile_source(source)
    runs = []
    for n in (1, 2, 1, 2):
        getattr(lib.dll, "t_set_num_threads")(n)
        runs.append(lib.call("f", x, y))
    x32, y32 = (a.astype(np.float32).astype(np.float64) for a in (x, y))
    for g, terms, name in zip(runs[0], [x32, x32 * y32], ["sum", "dot"]):
        # An f32 sum of N terms in blocks (vector lanes, threads): errors
        # grow like sqrt(N) u, far below the sums themselves (hundreds), so
        # swapped accumulators or a lost block fail. The worst case, N u,
        # would be above the sums and could not fail.
        bound = 4 * np.sqrt(N) * np.finfo(np.float32).eps * np.abs(terms).sum()
        assert abs(float(g) - terms.sum()) <= bound, (
            f"{name}: {g}, want {terms.sum()} +- {bound}")
    assert len({b"".join(r.tobytes() for r in run) for run in runs}) == 1, \
        "results differ between 1 and 2 threads"
except (AssertionError, RuntimeError) as e:
    ct._failures.append("two sums")
    print(f"FAIL two sums: {e}")

ct.done()
