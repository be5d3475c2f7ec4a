# The example models' loss and parameter gradients, derived by Adjoint, both
# evaluated by the reference evaluator and compiled to a shared library,
# against PyTorch autograd on the same inputs, in f64: the f32 examples are
# retyped to f64, so that constants the derivative rules introduce (GELU's
# sqrt(2/pi), ...) are not rounded to f32.
# RUN: %python %s %src_root/examples

import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

import adjtest
import compiletest

examples = sys.argv[1]
adjtest.seed(7)
torch.set_default_dtype(torch.float64)


def params(**shapes):
    return {k: adjtest.randn(*s, scale=0.5) for k, s in shapes.items()}


def check(name, inputs, wrt, loss_fn):
    """Runs @loss_and_gradients of examples/<name>.mlir and compares with
    loss_fn(**tensors) and its gradients w.r.t. `wrt`."""
    tensors = {k: torch.tensor(v, requires_grad=k in wrt)
               for k, v in inputs.items()}
    loss = loss_fn(**tensors)
    grads = torch.autograd.grad(loss, [tensors[k] for k in wrt])
    expected = [loss.detach().numpy()] + [g.numpy() for g in grads]
    with open(os.path.join(examples, name + ".mlir")) as f:
        source = f.read().replace("f32>", "f64>")
    adjtest.check_module(name, source, inputs, expected, rtol=1e-10,
                         atol=1e-13, options=["--fn", "loss_and_gradients"])
    try:
        compiled = compiletest.compile_source(source).call(
            "loss_and_gradients", *inputs.values())
        adjtest.check_results(name + " compiled", compiled, expected,
                              rtol=1e-10, atol=1e-13)
    except RuntimeError as e:
        adjtest.expect(name + " compiled", False, str(e))


# MLP: relu(x W1 + b1) W2 + b2, mean cross-entropy.
mlp = params(W1=(64, 32), b1=(32,), W2=(32, 10), b2=(10,), x=(32, 64))
mlp["labels"] = adjtest.randint(0, 10, 32)
check("mlp", mlp, ["W1", "b1", "W2", "b2"],
      lambda W1, b1, W2, b2, x, labels: F.cross_entropy(
          F.relu(x @ W1 + b1) @ W2 + b2, labels))

# CNN: conv + bias + batch norm (batch statistics) + relu + max pool, conv +
# bias + relu + average pool, linear, mean cross-entropy.
cnn = params(K1=(4, 1, 3, 3), c1=(4, 1, 1), gamma=(4,), beta=(4,),
             K2=(8, 4, 3, 3), c2=(8, 1, 1), W=(32, 10), b=(10,),
             x=(8, 1, 12, 12))
cnn["labels"] = adjtest.randint(0, 10, 8)


def cnn_loss(K1, c1, gamma, beta, K2, c2, W, b, x, labels):
    h = F.conv2d(x, K1, padding=1) + c1
    h = F.batch_norm(h, None, None, gamma, beta, training=True, eps=1e-5)
    h = F.max_pool2d(F.relu(h), 2)
    h = F.avg_pool2d(F.relu(F.conv2d(h, K2) + c2), 2)
    return F.cross_entropy(h.reshape(8, 32) @ W + b, labels)


check("cnn", cnn, ["K1", "c1", "gamma", "beta", "K2", "c2", "W", "b"],
      cnn_loss)

# Transformer feed-forward block: layer norm, linear, GELU (tanh), linear,
# residual; the mean square of the output.
ffn = params(gamma=(32,), beta=(32,), W1=(32, 64), b1=(64,), W2=(64, 32),
             b2=(32,), x=(16, 32))


def ffn_loss(gamma, beta, W1, b1, W2, b2, x):
    h = F.layer_norm(x, (32,), gamma, beta, eps=1e-5)
    h = F.gelu(h @ W1 + b1, approximate="tanh")
    return ((h @ W2 + b2 + x) ** 2).mean()


check("ffn", ffn, ["gamma", "beta", "W1", "b1", "W2", "b2"], ffn_loss)
adjtest.done()
