# Indices out of range (adjoint-compile --check-indices, on by default): a
# call with a token id past an embedding's vocabulary, or a class label
# outside [0, C), raises CallError naming the op at its file:line:col and
# the range, as PyTorch raises; good calls match PyTorch (f64), and with
# check_indices=False the call succeeds (clamped indices, AdjOps.td).
# RUN: %python %s

import os

import numpy as np
import torch

import adjoint
import compiletest as ct

MODEL = """\
func.func @loss(%e: tensor<10x4xf32> {adj.name = "E"}, %w: tensor<4x3xf32> {adj.name = "W"}, %t: tensor<6xi64> {adj.name = "tokens"}, %y: tensor<6xi64> {adj.name = "labels"}) -> tensor<f32> {
  %h = adj.gather %e[%t] axis 0 : tensor<10x4xf32>, tensor<6xi64> -> tensor<6x4xf32>
  %z = adj.matmul %h, %w : tensor<6x4xf32>, tensor<4x3xf32> -> tensor<6x3xf32>
  %l = adj.softmax_cross_entropy %z, %y : tensor<6x3xf32>, tensor<6xi64> -> tensor<f32>
  return %l : tensor<f32>
}
"""
path = os.path.join(ct.tmpdir(), "indices.mlir")
with open(path, "w") as f:
    f.write(MODEL)

lib = adjoint.compile(path, value_and_grad=["loss:wrt=E,W"],
                      grad=["loss:wrt=E,W"], prefix="idx")
plain = adjoint.compile(path, value_and_grad=["loss:wrt=E,W"],
                        grad=["loss:wrt=E,W"], prefix="idx",
                        check_indices=False,
                        output=os.path.join(ct.tmpdir(), "libplain.so"))
rng = np.random.default_rng(0)
E = rng.standard_normal((10, 4)).astype(np.float32)
W = rng.standard_normal((4, 3)).astype(np.float32)
tokens = np.array([0, 9, 3, 3, 5, 1], np.int64)
labels = np.array([0, 2, 1, 1, 0, 2], np.int64)

# A good call: value and gradients against PyTorch in f64.
e = torch.tensor(E, dtype=torch.float64, requires_grad=True)
w = torch.tensor(W, dtype=torch.float64, requires_grad=True)
want = torch.nn.functional.cross_entropy(
    torch.nn.functional.embedding(torch.tensor(tokens), e) @ w,
    torch.tensor(labels))
want.backward()
r = lib.loss_value_and_grad(E, W, tokens, labels)
np.testing.assert_allclose(r.loss, want.item(), rtol=1e-5)
np.testing.assert_allclose(r.grad_E, e.grad.numpy(), rtol=1e-5, atol=1e-6)
np.testing.assert_allclose(r.grad_W, w.grad.numpy(), rtol=1e-5, atol=1e-6)
# The gradient alone (the loss is dead there, its labels reach only the
# derivative's adj.one_hot).
gE, gW = lib.loss_grad(E, W, tokens, labels)
np.testing.assert_allclose(gE, e.grad.numpy(), rtol=1e-5, atol=1e-6)
np.testing.assert_allclose(gW, w.grad.numpy(), rtol=1e-5, atol=1e-6)


def expect_error(args, fragment, fn="loss_value_and_grad"):
    try:
        getattr(lib, fn)(*args)
    except adjoint.CallError as e:
        assert fragment in str(e), f"{fragment!r} not in {str(e)!r}"
        assert lib.status_message(e.status) == e.message
        print(f"CallError: {e}")
        getattr(plain, fn)(*args)  # no check, no error
        return
    raise AssertionError(f"{args}: no CallError")


for bad in (10, -1):
    expect_error((E, W, np.where(tokens == 5, bad, tokens), labels),
                 f"adj.gather at {path}:2:8 (forward) read an index outside "
                 "[0, 10) in idx_loss_value_and_grad")
expect_error((E, W, tokens, np.where(labels == 2, 3, labels)),
             f"adj.softmax_cross_entropy at {path}:4:8 (forward) read a "
             "label outside [0, 3) in idx_loss_value_and_grad")
for bad in (3, -1):
    expect_error((E, W, tokens, np.where(labels == 2, bad, labels)),
                 f'adj.one_hot at "adjoint"({path}:4:8) (backward: in the '
                 f"derivative of the op at {path}:4:8) read a label outside "
                 "[0, 3) in idx_loss_grad", fn="loss_grad")
print("check-indices: 5 errors, 2 good calls")
