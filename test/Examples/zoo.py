# The model zoo (test/Examples/zoo/*.mlir): models unlike the examples,
# compiled with `--value-and-grad loss` through the `adjoint` Python package,
# against the same models in PyTorch, in float64 on the same (f32-rounded)
# inputs: the loss and every gradient (the last three written as a new user
# would, from the docs alone: triplet/InfoNCE, Huber, a graph network). Also
# the forward-mode and Hessian-vector-product functions some models define.
# (Each model's own RUN line checks its derivatives against finite
# differences.)
# RUN: %python %s %S/zoo

import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

import adjoint
import adjtest
import compiletest

ZOO = sys.argv[1]
adjtest.seed(11)
torch.set_default_dtype(torch.float64)
f32, f64, i32, i64 = np.float32, np.float64, np.int32, np.int64
# f32 results against a float64 oracle: the error is relative to the largest
# magnitude of each result, as rounding errors in sums are.
TOLERANCE = {f32: (2e-4, 2e-5), f64: (1e-10, 1e-12)}


def randn(dtype, *shape, scale=1.0):
    return adjtest.randn(*shape, dtype=dtype, scale=scale)


def compare(label, got, want, dtype):
    rtol, atol = TOLERANCE[dtype]
    want = np.asarray(want, np.float64)
    scale = max(float(np.abs(want).max()) if want.size else 0.0, 1e-2)
    adjtest.expect(label, got.dtype == dtype and got.shape == want.shape,
                   f"got {got.dtype} {got.shape}, expected {np.dtype(dtype)} "
                   f"{want.shape}")
    err = np.abs(got.astype(np.float64) - want)
    ok = bool(np.all(err <= atol * scale + rtol * np.abs(want)))
    worst = float((err / (atol * scale + rtol * np.abs(want))).max())
    adjtest.expect(label, ok, f"error {float(err.max()):.3g} is {worst:.3g}x "
                   f"the tolerance (largest |expected| {scale:.3g})")


def tensors(inputs, wrt=()):
    return {k: torch.tensor(v.astype(np.float64) if v.dtype == f32 else v,
                            requires_grad=k in wrt)
            for k, v in inputs.items()}


def compile_model(name):
    try:
        return adjoint.compile(os.path.join(ZOO, name + ".mlir"),
                               value_and_grad="loss",
                               options=compiletest.FLAGS)
    except adjoint.CompileError as e:
        adjtest.expect(name + " compiles", False, str(e))
        return None


def check(name, inputs, loss_fn, dtype=f32):
    """Compiles zoo/<name>.mlir; its loss_value_and_grad on `inputs` must
    match loss_fn (PyTorch) and its gradients w.r.t. every float input."""
    lib = compile_model(name)
    if lib is None:
        return None
    wrt = [k for k, v in inputs.items() if v.dtype == dtype]
    t = tensors(inputs, wrt)
    loss = loss_fn(**t)
    grads = torch.autograd.grad(loss, [t[k] for k in wrt])
    r = lib.loss_value_and_grad(**inputs)
    compare(f"{name}: loss", r.loss, loss.detach().numpy(), dtype)
    for k, g in zip(wrt, grads):
        compare(f"{name}: grad_{k}", getattr(r, "grad_" + k), g.numpy(), dtype)
    return lib


def check_jvp(name, lib, inputs, tangents, loss_fn, dtype=f32):
    """`lib.jvp(inputs, tangents)` gives the loss and its derivative along
    the tangents (named t<input>), against PyTorch's gradient dotted with
    them."""
    wrt = [k[1:] for k in tangents]
    t = tensors(inputs, wrt)
    loss = loss_fn(**t)
    grads = torch.autograd.grad(loss, [t[k] for k in wrt])
    dloss = sum((g * torch.tensor(tangents["t" + k].astype(np.float64))).sum()
                for k, g in zip(wrt, grads))
    r = lib.jvp(**inputs, **tangents)
    compare(f"{name}: jvp loss", r.loss, loss.detach().numpy(), dtype)
    compare(f"{name}: jvp dloss", r.dloss, dloss.numpy(), dtype)


def check_hvp(name, lib, inputs, vectors, loss_fn, dtype=f32):
    """`lib.hvp(inputs, vectors)` is the Hessian of the loss w.r.t. the
    inputs `vectors` names ({input: (argument name, vector)}) times the
    vectors, against PyTorch's double backward."""
    wrt = list(vectors)
    t = tensors(inputs, wrt)
    grads = torch.autograd.grad(loss_fn(**t), [t[k] for k in wrt],
                                create_graph=True)
    dot = sum((g * torch.tensor(vectors[k][1].astype(np.float64))).sum()
              for k, g in zip(wrt, grads))
    hv = torch.autograd.grad(dot, [t[k] for k in wrt])
    r = lib.hvp(**inputs, **dict(vectors.values()))
    for got, want, k in zip(r, hv, wrt):
        compare(f"{name}: hvp {k}", got, want.numpy(), dtype)


# -- attention: two pre-norm self-attention layers, 3 x 7 tokens x 13 ------
def attention_layer(x, g, b, Wq, Wk, Wv, Wo):
    n = F.layer_norm(x, (13,), g, b, eps=1e-5)
    q, k, v = n @ Wq, n @ Wk, n @ Wv
    p = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(13), dim=2)
    return p @ v @ Wo + x


def attention_loss(g1, b1, Wq1, Wk1, Wv1, Wo1, g2, b2, Wq2, Wk2, Wv2, Wo2,
                   x, t):
    h = attention_layer(x, g1, b1, Wq1, Wk1, Wv1, Wo1)
    h = attention_layer(h, g2, b2, Wq2, Wk2, Wv2, Wo2)
    return ((h - t) ** 2).mean()


attention = {}
for layer in "12":
    attention["g" + layer] = 1 + randn(f32, 13, scale=0.1)
    attention["b" + layer] = randn(f32, 13, scale=0.1)
    for w in "qkvo":
        attention[f"W{w}{layer}"] = randn(f32, 13, 13, scale=0.3)
attention["x"] = randn(f32, 3, 7, 13)
attention["t"] = randn(f32, 3, 7, 13)
lib = check("attention", attention, attention_loss)
if lib is not None:
    check_hvp("attention", lib, attention,
              {"Wq1": ("vq", randn(f32, 13, 13)),
               "Wv2": ("vv", randn(f32, 13, 13))},
              attention_loss)


# -- GRU unrolled 3 steps, f64 ---------------------------------------------
def gru_loss(W, U, b, h0, V, xs, y):
    h, hs = h0, []
    for step in range(3):
        xw, hu = xs[step] @ W + b, h @ U
        z = torch.sigmoid(xw[:, :11] + hu[:, :11])
        r = torch.sigmoid(xw[:, 11:22] + hu[:, 11:22])
        n = torch.tanh(xw[:, 22:] + r * hu[:, 22:])
        h = (1 - z) * n + z * h
        hs.append(h)
    return ((h @ V - y) ** 2).sum() + (torch.cat(hs) ** 2).mean()


gru = dict(W=randn(f64, 4, 33, scale=0.5), U=randn(f64, 11, 33, scale=0.3),
           b=randn(f64, 33, scale=0.1), h0=randn(f64, 5, 11, scale=0.5),
           V=randn(f64, 11, 2, scale=0.5), xs=randn(f64, 3, 5, 4),
           y=randn(f64, 5, 2))
lib = check("gru", gru, gru_loss, f64)
if lib is not None:
    check_hvp("gru", lib, gru, {"W": ("vW", randn(f64, 4, 33)),
                                "U": ("vU", randn(f64, 11, 33)),
                                "b": ("vb", randn(f64, 33))}, gru_loss, f64)


# -- LSTM unrolled 3 steps, batch 7, summed cross-entropy ------------------
def lstm_loss(W, b, V, x0, x1, x2, labels):
    h = c = torch.zeros(7, 5)
    for x in (x0, x1, x2):
        g = torch.cat([x, h], 1) @ W + b
        i, f = torch.sigmoid(g[:, :5]), torch.sigmoid(g[:, 5:10])
        c = f * c + i * torch.tanh(g[:, 10:15])
        h = torch.sigmoid(g[:, 15:]) * torch.tanh(c)
    return F.cross_entropy(h @ V, labels.long(), reduction="sum")


lstm = dict(W=randn(f32, 8, 20, scale=0.5), b=randn(f32, 20, scale=0.1),
            V=randn(f32, 5, 3), x0=randn(f32, 7, 3), x1=randn(f32, 7, 3),
            x2=randn(f32, 7, 3), labels=adjtest.randint(0, 3, 7, dtype=i32))
lib = check("lstm", lstm, lstm_loss)
if lib is not None:
    check_jvp("lstm", lib, lstm, dict(tW=randn(f32, 8, 20),
                                      tx0=randn(f32, 7, 3)), lstm_loss)


# -- conv net: stride 2 + padding, batch norm, padded avg pool, grouped and
# dilated conv, padded max pool, batch 5 ------------------------------------
def convnet_loss(K1, c1, gamma, beta, K2, W, b, x, labels):
    h = F.conv2d(x, K1, stride=2, padding=1) + c1
    h = F.relu(F.batch_norm(h, None, None, gamma, beta, training=True,
                            eps=1e-3))
    h = F.avg_pool2d(h, 2, stride=1, padding=1, count_include_pad=True)
    h = torch.tanh(F.conv2d(h, K2, dilation=2, groups=2))
    h = F.max_pool2d(F.pad(h, (1, 0, 1, 0), value=-math.inf), 3, stride=2)
    return F.cross_entropy(h.reshape(5, 24) @ W + b, labels)


convnet = dict(K1=randn(f32, 6, 2, 3, 3, scale=0.5),
               c1=randn(f32, 6, 1, 1, scale=0.1),
               gamma=1 + randn(f32, 6, scale=0.1), beta=randn(f32, 6, scale=0.1),
               K2=randn(f32, 6, 3, 2, 2, scale=0.5), W=randn(f32, 24, 4),
               b=randn(f32, 4, scale=0.1), x=randn(f32, 5, 2, 11, 11),
               labels=adjtest.randint(0, 4, 5))
lib = check("convnet", convnet, convnet_loss)
if lib is not None:
    check_jvp("convnet", lib, convnet,
              dict(tK1=randn(f32, 6, 2, 3, 3), tgamma=randn(f32, 6),
                   tbeta=randn(f32, 6), tK2=randn(f32, 6, 3, 2, 2),
                   tW=randn(f32, 24, 4)), convnet_loss)


# -- embedding bag classifier ----------------------------------------------
def embedding_loss(E, W1, b1, W2, tokens, labels):
    pooled = E[tokens].mean(1)
    logits = F.relu(pooled @ W1 + b1) @ W2
    return F.cross_entropy(logits, labels) + 0.01 * (E * E).sum()


embedding = dict(E=randn(f32, 17, 6), W1=randn(f32, 6, 9, scale=0.5),
                 b1=randn(f32, 9, scale=0.1), W2=randn(f32, 9, 3, scale=0.5),
                 tokens=adjtest.randint(0, 17, 5, 7),
                 labels=adjtest.randint(0, 3, 5))
embedding["tokens"][0, :3] = 4  # repeated tokens accumulate
check("embedding", embedding, embedding_loss)


# -- logistic regression with log_softmax and one_hot, f64 ------------------
def logreg_loss(W, b, x, labels):
    lp = F.log_softmax(x @ W + b, dim=1)
    y = F.one_hot(labels.long(), 4).double()
    return -(y * lp).sum(1).mean() + 0.5 * (W ** 2).sum()


check("logreg", dict(W=randn(f64, 7, 4, scale=0.5), b=randn(f64, 4),
                     x=randn(f64, 31, 7),
                     labels=adjtest.randint(0, 4, 31, dtype=i32)),
      logreg_loss, f64)


# -- GELU MLP on odd shapes, mean squared error -----------------------------
def gelu_mlp_loss(W1, b1, W2, b2, W3, x, y):
    h = F.gelu(x @ W1 + b1)
    h = F.gelu(h @ W2 + b2, approximate="tanh")
    return ((h @ W3 - y) ** 2).mean()


check("gelu_mlp", dict(W1=randn(f32, 65, 47, scale=0.15),
                       b1=randn(f32, 47, scale=0.1),
                       W2=randn(f32, 47, 13, scale=0.15),
                       b2=randn(f32, 13, scale=0.1), W3=randn(f32, 13, 3),
                       x=randn(f32, 33, 65), y=randn(f32, 33, 3)),
      gelu_mlp_loss)


# -- shape ops: reverse, concat, strided slices, reshape, broadcast_to,
# transpose, pad ------------------------------------------------------------
def residual_loss(P, s, c, x, w):
    proj = torch.cat([x, x.flip(1)], 1) @ P
    gated = proj[:, 0::2] * torch.sigmoid(proj[:, 1::2])
    red = (gated.reshape(7, 13, 1).expand(7, 13, 3) * s).sum(2)
    padded = F.pad(red.t() + c.t(), (0, 3, 1, 2), value=0.5)
    return ((padded[1:14, 0:7].t() + x) * w).sum()


check("residual", dict(P=randn(f32, 26, 26, scale=0.3), s=randn(f32, 1, 1, 3),
                       c=randn(f32, 1, 13), x=randn(f32, 7, 13),
                       w=randn(f32, 7, 13)), residual_loss)


# -- every elementwise op ----------------------------------------------------
def elementwise_loss(x, y, w):
    a = (x + y) * w
    pos = torch.exp(a)
    sq1 = a * a + 1
    t = (pos ** y + a / (pos + 1) + torch.sqrt(sq1) - torch.rsqrt(pos + 1)
         + torch.log1p(pos)) * torch.abs(a)
    t = t + torch.maximum(a, torch.sin(a)) + torch.minimum(a, torch.cos(y))
    t = (t + torch.where(a > 0.5, 2 * a, a * a)) * torch.erf(a)
    return (t + torch.log(sq1) - torch.sigmoid(a / (pos + 1))).mean()


check("elementwise", dict(x=randn(f32, 9, 1), y=randn(f32, 1, 11),
                          w=np.array(0.8, f32)), elementwise_loss)


# -- reductions over axes, keepdims, f64 ------------------------------------
def reductions_loss(x, v):
    xv = x * v
    c = x - x.mean((0, 2), keepdim=True)
    return ((xv.sum(2) * (1 + 0.1 * x).prod(2)).sum()
            + (c.amax(1) ** 2).mean() + xv.amin(0, keepdim=True).sum()
            + torch.logsumexp(xv, (1, 2)).sum())


check("reductions", dict(x=randn(f64, 4, 7, 5), v=randn(f64, 5)),
      reductions_loss, f64)


# -- 1x1 shapes, 0-d bias ----------------------------------------------------
def tiny_loss(w, b, k, u, x):
    f = F.conv2d((x @ w + b).reshape(1, 1, 1, 1), k).reshape(1, 1)
    return ((u @ torch.tanh(f) * torch.softmax(f, 1)) ** 2).sum()


check("tiny", dict(w=randn(f32, 1, 1), b=np.array(0.3, f32),
                   k=randn(f32, 1, 1, 1, 1), u=randn(f32, 3, 1),
                   x=randn(f32, 1, 1)), tiny_loss)


# -- triplet margin and InfoNCE losses over a shared encoder -----------------
def triplet_loss(W, b, a, p, n):
    ea, ep, en = (torch.tanh(v @ W + b) for v in (a, p, n))
    dp = (((ea - ep) ** 2).sum(1) + 1e-6).sqrt()
    dn = (((ea - en) ** 2).sum(1) + 1e-6).sqrt()
    triplet = F.relu(dp - dn + 1.0).mean()
    logits = F.normalize(ea, dim=1) @ F.normalize(ep, dim=1).t() * 10.0
    return triplet + F.cross_entropy(logits, torch.arange(6))


check("triplet", dict(W=randn(f32, 5, 4), b=randn(f32, 4), a=randn(f32, 6, 5),
                      p=randn(f32, 6, 5), n=randn(f32, 6, 5)), triplet_loss)


# -- Huber, smooth-L1 and L1 regression losses, f64 --------------------------
def huber_loss(W1, b1, W2, x, y):
    pred = F.silu(x @ W1 + b1) @ W2
    return (F.huber_loss(pred, y, delta=0.5) + F.smooth_l1_loss(pred, y, beta=0.3)
            + F.l1_loss(pred, y))


check("huber", dict(W1=randn(f64, 4, 8), b1=randn(f64, 8), W2=randn(f64, 8, 3),
                    x=randn(f64, 9, 4), y=randn(f64, 9, 3)), huber_loss, f64)


# -- graph network: gather the sources, scatter_add into the destinations ---
def gcn_loss(Wm, bm, Ws, Wo, x, y, src, dst):
    m = F.relu(x[src] @ Wm + bm)
    agg = torch.zeros(7, 6).index_add(0, dst, m)
    deg = torch.zeros(7, 1).index_add(0, dst, torch.ones(12, 1)).clamp(min=1)
    out = torch.tanh(agg / deg + x @ Ws) @ Wo
    return ((out - y) ** 2).mean()


check("gcn", dict(Wm=randn(f32, 5, 6), bm=randn(f32, 6), Ws=randn(f32, 5, 6),
                  Wo=randn(f32, 6, 2), x=randn(f32, 7, 5), y=randn(f32, 7, 2),
                  src=adjtest.rng.integers(0, 7, 12).astype(i64),
                  dst=adjtest.rng.integers(0, 7, 12).astype(i64)), gcn_loss)

adjtest.done()
