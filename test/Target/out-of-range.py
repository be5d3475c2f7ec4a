# RUN: %python %s
# Indices and labels outside their range. By default (adj-check-indices) a
# call returns a non-zero status whose message names the op, its location,
# the range and the function, as PyTorch raises; its outputs are still
# written, from what the code computes without the check.
# With --check-indices=false, indices and labels outside their range get
# that defined result (AdjOps.td): adj.gather clamps an index into range and
# its derivative adds into the same clamped row; a label of
# adj.softmax_cross_entropy outside [0, C) matches no class, so its row's
# loss is logsumexp(logits[n]) and its gradient softmax(logits[n]) -- the
# loss and the gradient stay consistent. Against NumPy and PyTorch (f64).
import numpy as np
import torch
import compiletest as ct

rng = np.random.default_rng(3)


def expect_status(lib, name, args, message):
    """A call of `name` fails with `message` (its model file's name aside)."""
    status, outputs = lib.call_status(name, *args)
    got = lib.status_message(status)
    ct._count += 1
    if status == 0 or not got.endswith(message):
        ct._failures.append(f"{name}: status {status}, {got!r}, expected "
                            f"{message!r}")
    return outputs


# The default: each index-reading op checks, forward and backward.
gather_source = """
  func.func @f(%t: tensor<5x3xf32>, %i: tensor<4xi32>) -> tensor<4x3xf32> {
    %e = adj.gather %t[%i] axis 0 : tensor<5x3xf32>, tensor<4xi32> -> tensor<4x3xf32>
    return %e : tensor<4x3xf32>
  }
  func.func @s(%u: tensor<4x3xf64>, %i: tensor<4xi64>) -> tensor<5x3xf64> {
    %d = adj.scatter_add %u[%i] axis 0 : tensor<4x3xf64>, tensor<4xi64> -> tensor<5x3xf64>
    return %d : tensor<5x3xf64>
  }
  func.func @c(%x: tensor<2x6xf32>, %y: tensor<2xi64>) -> tensor<f32> {
    %l = adj.softmax_cross_entropy %x, %y : tensor<2x6xf32>, tensor<2xi64> -> tensor<f32>
    return %l : tensor<f32>
  }"""
lib = ct.compile_source(gather_source)
table = rng.standard_normal((5, 3)).astype(np.float32)
good = np.array([4, 0, 2, 4], np.int32)
ct._count += 1
ct.compare(lib.call("f", table, good)[0], table[good].astype(np.float64),
           "f32", "gather of indices in range")
for bad in ([0, 5, 1, 1], [0, 1, -1, 2], [2**31 - 1, 0, 0, 0]):
    expect_status(lib, "f", (table, np.array(bad, np.int32)),
                  ":3:10 (forward) read an index outside [0, 5) in t_f")
updates = rng.standard_normal((4, 3))
want = np.zeros((5, 3))
np.add.at(want, good, updates)
ct._count += 1
ct.compare(lib.call("s", updates, good.astype(np.int64))[0], want, "f64",
           "scatter_add of indices in range")
expect_status(lib, "s", (updates, np.array([0, 1, 2, -5], np.int64)),
              ":7:10 (forward) read an index outside [0, 5) in t_s")
logits2 = rng.standard_normal((2, 6)).astype(np.float32)
expect_status(lib, "c", (logits2, np.array([3, 6], np.int64)),
              ":11:10 (forward) read a label outside [0, 6) in t_c")
ct._count += 1
ct.compare(lib.call("c", logits2, np.array([3, 5], np.int64))[0],
           torch.nn.functional.cross_entropy(
               torch.tensor(logits2, dtype=torch.float64),
               torch.tensor([3, 5])).numpy(), "f32",
           "cross-entropy of labels in range")

table = rng.standard_normal((5, 3)).astype(np.float32)
index = np.array([0, -7, 100, 4, 2], dtype=np.int64)
weight = rng.standard_normal((5, 3)).astype(np.float32)
lib = ct.compile_source("""
  func.func private @g(%t: tensor<5x3xf32>, %i: tensor<5xi64>, %w: tensor<5x3xf32>) -> tensor<f32> {
    %e = adj.gather %t[%i] axis 0 : tensor<5x3xf32>, tensor<5xi64> -> tensor<5x3xf32>
    %p = adj.mul %e, %w : tensor<5x3xf32>, tensor<5x3xf32>
    %s = adj.sum %p : tensor<5x3xf32> -> tensor<f32>
    return %s : tensor<f32>
  }
  func.func @f(%t: tensor<5x3xf32>, %i: tensor<5xi64>, %w: tensor<5x3xf32>) -> (tensor<f32>, tensor<5x3xf32>) {
    %v, %d = adj.value_and_grad @g(%t, %i, %w) wrt [0] : (tensor<5x3xf32>, tensor<5xi64>, tensor<5x3xf32>) -> (tensor<f32>, tensor<5x3xf32>)
    return %v, %d : tensor<f32>, tensor<5x3xf32>
  }""", ["--check-indices=false"])
clamped = np.clip(index, 0, 4)
want_grad = np.zeros((5, 3))
np.add.at(want_grad, clamped, weight.astype(np.float64))
value, grad = lib.call("f", table, index, weight)
ct._count += 1
ct.compare(value, np.sum(table[clamped].astype(np.float64) * weight), "f32",
           "gather of clamped indices")
ct._count += 1
ct.compare(grad, want_grad, "f32", "gather's gradient into the clamped rows")

logits = rng.standard_normal((4, 6)).astype(np.float32)
labels = np.array([2, 6, -100, 5], dtype=np.int64)
for reduction, out in [("mean", "tensor<f32>"), ("sum", "tensor<f32>"),
                       ("none", "tensor<4xf32>")]:
    lib = ct.compile_source(f"""
      func.func private @l(%x: tensor<4x6xf32>, %y: tensor<4xi64>) -> {out} {{
        %l = adj.softmax_cross_entropy %x, %y reduction {reduction}
               : tensor<4x6xf32>, tensor<4xi64> -> {out}
        return %l : {out}
      }}
      func.func @f(%x: tensor<4x6xf32>, %y: tensor<4xi64>, %c: {out}) -> ({out}, tensor<4x6xf32>) {{
        %v, %d = adj.vjp @l(%x, %y) cotangents(%c) : (tensor<4x6xf32>, tensor<4xi64>, {out}) -> ({out}, tensor<4x6xf32>)
        return %v, %d : {out}, tensor<4x6xf32>
      }}""", ["--check-indices=false"])
    cotangent = np.ones((4,) if reduction == "none" else (), np.float32)
    x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    valid = torch.tensor((labels >= 0) & (labels < 6))
    picked = x.gather(1, torch.tensor(np.clip(labels, 0, 5))[:, None])[:, 0]
    losses = torch.logsumexp(x, 1) - torch.where(valid, picked, 0.0)
    loss = {"mean": losses.mean(), "sum": losses.sum(), "none": losses}[reduction]
    loss.backward(torch.tensor(cotangent, dtype=torch.float64))
    got_value, got_grad = lib.call("f", logits, labels, cotangent)
    ct._count += 1
    ct.compare(got_value, loss.detach().numpy(), "f32",
               f"softmax_cross_entropy ({reduction}) with labels out of range")
    ct._count += 1
    ct.compare(got_grad, x.grad.numpy(), "f32",
               f"its gradient ({reduction})")
ct.done()
