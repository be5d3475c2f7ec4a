# RUN: %python %s
# Compiled code has no error path on data, so indices and labels outside
# their range get a defined result (AdjOps.td): adj.gather clamps an index
# into range and its derivative adds into the same clamped row; a label of
# adj.softmax_cross_entropy outside [0, C) matches no class, so its row's
# loss is logsumexp(logits[n]) and its gradient softmax(logits[n]) -- the
# loss and the gradient stay consistent. Against NumPy and PyTorch (f64).
import numpy as np
import torch
import compiletest as ct

rng = np.random.default_rng(3)

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
  }""")
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
      }}""")
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
