# Models a new user brings, exported from PyTorch, checked against PyTorch
# in f64 at 1 and 2 threads (torchexport.run: the forward output, the loss,
# the gradient of every parameter and of the input): the operators of
# masks (Not at opset 11 for `<=`, And, Or, Xor), average pooling in ceil
# mode, bilinear and linear interpolation (F.interpolate, both
# align_corners), bidirectional GRU and LSTM, nn.RNN (tanh and relu),
# ConvTranspose with output_padding not below the stride, and whole models:
# a UNet-like encoder/decoder, a transformer block with
# nn.MultiheadAttention and a sliced causal mask buffer, a bidirectional
# LSTM tagger, a 1-D convolutional audio net, a VAE-style loss and a
# mixture density network. Also the operators those bring: reflect and
# replicate padding, GroupNorm/InstanceNorm, PReLU, Reciprocal, Sign, Selu,
# flip (negative Slice steps), triu/tril (Trilu), repeat (Tile),
# pixel_shuffle (DepthToSpace), torch.einsum (Einsum); from session 9,
# floor/ceil/round, celu, cumsum, topk, argmax, einsum of 3-4 operands and
# traces, bicubic interpolation and 3-D convolution/pooling, and ArgMax,
# ArgMin, TopK and CumSum nodes with NaN, infinities and their attributes.
# RUN: %python %s %t.dir

import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import adjoint
import torchexport
from onnx import TensorProto, helper
from torchexport import check, failures, run

torchexport.setup(sys.argv[1])
BOTH = (1, 2)


class Masks(nn.Module):
    """`<=` (Not of Greater at opset 11), &, |, ^ and ~ of comparisons,
    used by where and masked_fill."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)

    def forward(self, x):
        h = self.fc(x)
        a, b = x <= 0.2, h > -0.1
        y = torch.where(a & b, h, x) + torch.where(a | ~b, x * x, h)
        return y.masked_fill((a ^ b) & (x > -1), 0.5) * torch.where(~a, h, x)


class CeilAvgPool(nn.Module):
    """Average pooling in ceil mode: counting the padding (PyTorch's
    default: Pad then AveragePool in ONNX) or not, 2-D and 1-D."""

    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 3, 3)

    def forward(self, x):
        h = torch.tanh(self.c(x))
        a = F.avg_pool2d(h, 3, 2, ceil_mode=True)
        b = F.avg_pool2d(h, 2, 2, padding=1, ceil_mode=True,
                         count_include_pad=False)
        c = F.avg_pool2d(h, (2, 3), (2, 2), padding=(1, 0), ceil_mode=True)
        d = F.avg_pool1d(x.flatten(2), 4, 3, ceil_mode=True)
        return torch.cat([a.flatten(1), b.flatten(1), c.flatten(1),
                          d.flatten(1)], 1)


class Interpolation(nn.Module):
    """Bilinear F.interpolate by a factor and to a size (also smaller),
    align_corners False and True, nn.Upsample, and 1-D linear."""

    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 2, 3, padding=1)
        self.up = nn.Upsample(scale_factor=2, mode="bilinear")

    def forward(self, x):
        h = torch.tanh(self.c(x))
        parts = [
            self.up(h),
            F.interpolate(h, size=(7, 3), mode="bilinear",
                          align_corners=False),
            F.interpolate(h, scale_factor=1.5, mode="bilinear",
                          align_corners=True),
            F.interpolate(h, size=(9, 1), mode="bilinear", align_corners=True),
            F.interpolate(x.flatten(2), size=13, mode="linear"),
        ]
        return torch.cat([p.flatten(1) for p in parts], 1)


class Recurrent(nn.Module):
    """A bidirectional two-layer GRU, a bidirectional LSTM with initial
    states, nn.RNN with tanh and a bidirectional one with relu."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 4, num_layers=2, bidirectional=True)
        self.lstm = nn.LSTM(3, 4, bidirectional=True)
        self.rnn = nn.RNN(3, 4)
        self.relu = nn.RNN(3, 4, nonlinearity="relu", bidirectional=True)
        self.h0 = nn.Parameter(0.5 * torch.randn(2, 2, 4))
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        g, gh = self.gru(x)
        y, (h, c) = self.lstm(x, (self.h0, torch.tanh(self.h0)))
        r, rh = self.rnn(x)
        q, qh = self.relu(x)
        s = g + y + q + torch.cat([r, r], 2)
        return self.fc(s.mean(0) + torch.cat([gh[-1], h[0], c[1], rh[0]
                                              + qh[1]], 1)[:, :8])


class MoreOps(nn.Module):
    """Reflect and replicate padding (Pad, whose pads PyTorch computes with
    ConstantOfShape, a negative-step Slice and a Transpose), GroupNorm and
    InstanceNorm2d (InstanceNormalization), PReLU, 1 / x (Reciprocal),
    sign, selu, flip (a negative-step Slice at run time), triu and tril
    (Trilu), repeat (Tile) and pixel_shuffle (DepthToSpace)."""

    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 4, 3)
        self.gn = nn.GroupNorm(2, 4)
        self.inorm = nn.InstanceNorm2d(4, affine=True)
        self.prelu = nn.PReLU(4)

    def forward(self, x):
        h = self.c(F.pad(x, (1, 2, 2, 1), mode="reflect"))
        h = self.gn(h) + self.inorm(F.pad(h, (1, 1, 0, 0), mode="replicate")
                                    [..., 1:-1])
        h = self.prelu(h) + 1.0 / (h * h + 1) + torch.sign(h) * F.selu(h)
        h = h + torch.flip(h, [1, 3]) + torch.triu(h, 1) + torch.tril(h, -2)
        return torch.cat([h.flatten(1), x.repeat(1, 2, 1, 3).flatten(1),
                          F.pixel_shuffle(h[:, :, :6, :6], 2).flatten(1)], 1)


class Einsums(nn.Module):
    """torch.einsum (Einsum): attention scores and values by batch and head,
    a linear map, an ellipsis, a dot product, an outer product, a
    transpose and a sum of one operand."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(4, 6) / 2)
        self.v = nn.Parameter(torch.randn(5))

    def forward(self, x):
        q = x.reshape(2, 2, 5, 2)  # batch, head, position, feature
        s = torch.softmax(torch.einsum("bhid,bhjd->bhij", q, q), -1)
        a = torch.einsum("bhij,bhjd->bhid", s, q).reshape(2, 5, 4)
        h = torch.einsum("bsi,ij->bsj", a, self.w)
        g = torch.einsum("...ij,...kj->...ik", h, h)
        d = torch.einsum("bsj,bsj->bs", h, h)
        o = torch.einsum("i,bj->bij", self.v, d)
        return (g.sum(-1) + torch.einsum("bij->bi", o) + torch.einsum(
            "bs->sb", d).t())


class WideTranspose(nn.Module):
    """ConvTranspose whose output_padding is not below the stride (PyTorch
    allows it below the dilation), with and without end padding."""

    def __init__(self):
        super().__init__()
        self.t1 = nn.ConvTranspose2d(2, 3, 3, stride=1, padding=1,
                                     output_padding=1, dilation=2)
        self.t2 = nn.ConvTranspose2d(3, 2, 2, stride=(2, 1),
                                     output_padding=(1, 2), dilation=(1, 3))
        self.t3 = nn.ConvTranspose1d(2, 2, 3, stride=2, padding=1,
                                     output_padding=2, dilation=3)

    def forward(self, x):
        h = self.t2(torch.tanh(self.t1(x)))
        return self.t3(h.flatten(2))


run("masks", Masks(), {"x": np.random.randn(4, 6).astype(np.float32)},
    "mse", 11, threads=BOTH)
run("ceil-avg-pool", CeilAvgPool(),
    {"x": np.random.randn(2, 2, 10, 9).astype(np.float32)}, "mse", 14,
    threads=BOTH)
run("interpolation", Interpolation(),
    {"x": np.random.randn(2, 2, 4, 5).astype(np.float32)}, "mse", 14,
    threads=BOTH)
run("recurrent", Recurrent(),
    {"x": np.random.randn(5, 2, 3).astype(np.float32)},
    "softmax_cross_entropy", 14, threads=BOTH)
more = MoreOps()
with torch.no_grad():  # distinct norm parameters, slopes of both signs
    for p in [more.gn.weight, more.gn.bias, more.inorm.weight,
              more.inorm.bias, more.prelu.weight]:
        p.uniform_(-1, 1.5)
run("more-ops", more, {"x": np.random.randn(2, 2, 6, 7).astype(np.float32)},
    "mse", 14, threads=BOTH)
run("einsums", Einsums(), {"x": np.random.randn(2, 5, 4).astype(np.float32)},
    "mse", 14, threads=BOTH)
run("wide-transpose", WideTranspose(),
    {"x": np.random.randn(2, 2, 4, 5).astype(np.float32)}, "mse", 14,
    threads=BOTH)


# Whole models.
class UNet(nn.Module):
    """Encoder/decoder with skips: batch norm (training), max pooling,
    bilinear (align_corners) and nearest upsampling, a transposed
    convolution, concatenations."""

    def __init__(self):
        super().__init__()
        self.e1 = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU())
        self.e2 = nn.Sequential(nn.Conv2d(4, 8, 3, padding=1), nn.ReLU())
        self.mid = nn.Conv2d(8, 8, 3, padding=1)
        self.up1 = nn.ConvTranspose2d(8, 4, 2, stride=2)
        self.d1 = nn.Conv2d(8, 4, 3, padding=1)
        self.d2 = nn.Conv2d(12, 4, 3, padding=1)
        self.out = nn.Conv2d(4, 1, 1)
    def forward(self, x):
        a = self.e1(x)
        b = self.e2(F.max_pool2d(a, 2))
        m = F.leaky_relu(self.mid(F.max_pool2d(b, 2)), 0.1)
        u = F.interpolate(m, size=b.shape[-2:], mode="bilinear",
                          align_corners=True)
        c = F.silu(self.d2(torch.cat([u, b[:, :4]], 1)))
        d = self.d1(torch.cat([self.up1(b), a], 1))
        return torch.sigmoid(self.out(d + F.interpolate(c, scale_factor=2, mode="nearest")))

class MHABlock(nn.Module):
    """Pre-norm transformer block: nn.MultiheadAttention with a causal mask
    buffer sliced to the sequence (self.mask[:t, :t]), GELU feed-forward."""

    def __init__(self, d=16, h=4, t=8):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, h, batch_first=True)
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 32), nn.GELU(), nn.Linear(32, d))
        self.register_buffer("mask", torch.triu(torch.full((t, t), float("-inf")), 1))
    def forward(self, x):
        t = x.shape[1]
        h = self.ln1(x)
        a, _ = self.attn(h, h, h, attn_mask=self.mask[:t, :t], need_weights=False)
        x = x + a
        return x + self.ff(self.ln2(x))

class Tagger(nn.Module):
    """Embedding, a two-layer bidirectional batch-first LSTM, per-token
    log-softmax."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(30, 8)
        self.lstm = nn.LSTM(8, 6, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(12, 5)
    def forward(self, tokens):
        y, _ = self.lstm(self.emb(tokens))
        return F.log_softmax(self.fc(y), -1).reshape(-1, 5)

class Audio(nn.Module):
    """1-D convolutions over a waveform (stride, dilation, groups), batch
    norm, max and ceil-mode average pooling, mean and max over time."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(1, 8, 9, stride=2, padding=4)
        self.bn = nn.BatchNorm1d(8)
        self.c2 = nn.Conv1d(8, 8, 5, padding=4, dilation=2, groups=2)
        self.c3 = nn.Conv1d(8, 16, 3, stride=2)
        self.fc = nn.Linear(16, 4)
    def forward(self, wav):
        h = F.relu(self.bn(self.c1(wav)))
        h = F.gelu(self.c2(h)) + h
        h = F.avg_pool1d(F.elu(self.c3(F.max_pool1d(h, 3, 2, padding=1))), 2, ceil_mode=True)
        return self.fc(torch.cat([h.mean(-1), h.amax(-1)], 1)[:, :16])

class VAE(nn.Module):
    """A VAE's two loss terms: reparameterization with given noise, a
    clamped log-variance, BCE-with-logits reconstruction and the KL."""

    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(12, 16)
        self.mu = nn.Linear(16, 4)
        self.logvar = nn.Linear(16, 4)
        self.dec = nn.Sequential(nn.Linear(4, 16), nn.Softplus(), nn.Linear(16, 12))
    def forward(self, x, eps):
        h = F.relu(self.enc(x))
        mu, logvar = self.mu(h), self.logvar(h).clamp(-6, 6)
        z = mu + torch.exp(0.5 * logvar) * eps
        recon = self.dec(z)
        rec = F.binary_cross_entropy_with_logits(recon, torch.sigmoid(x), reduction="none").sum(1)
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), 1)
        return torch.stack([rec, kl], 1)

class MDN(nn.Module):
    """Mixture density network: log-softmax mixture weights, diagonal
    Gaussians, the negative log-likelihood by logsumexp."""

    def __init__(self, k=3):
        super().__init__()
        self.k = k
        self.body = nn.Sequential(nn.Linear(5, 16), nn.Tanh())
        self.pi = nn.Linear(16, k)
        self.mu = nn.Linear(16, k * 2)
        self.sigma = nn.Linear(16, k * 2)
    def forward(self, x, y):
        h = self.body(x)
        logpi = F.log_softmax(self.pi(h), -1)
        mu = self.mu(h).view(-1, self.k, 2)
        logsig = self.sigma(h).view(-1, self.k, 2)
        z = (y.unsqueeze(1) - mu) * torch.exp(-logsig)
        logp = (-0.5 * z * z - logsig - 0.5 * math.log(2 * math.pi)).sum(-1)
        return -torch.logsumexp(logpi + logp, -1, keepdim=True)


class Rounding(nn.Module):
    """floor, ceil, round (derivative 0), celu, cumsum (forward and
    flipped), topk values (largest and smallest, along either axis), an
    embedding looked up at an argmax (Gather of ArgMax), fmod and remainder
    (Mod), sin and cos, nan_to_num of a log (IsNaN, IsInf) and isinf of a
    division by zero."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 8)
        self.emb = nn.Embedding(8, 4)

    def forward(self, x):
        h = self.fc(x)
        a = (torch.floor(h * 3) + torch.ceil(h * 2) + torch.round(h * 4)) * h
        c = torch.cumsum(h, 1) + torch.cumsum(h.flip(1), 1).flip(1)
        v, _ = torch.topk(h, 3, dim=1)
        w, _ = torch.topk(h, 2, dim=0, largest=False)
        e = self.emb(h.argmax(-1))
        m = torch.fmod(h * 3, 0.7) + torch.remainder(h * 3, 0.7)
        t = torch.sin(h) * torch.cos(h) + torch.nan_to_num(h.log())
        k = torch.where(torch.isinf(1 / h.clamp(-0.6, 0.6).round()), h, -h)
        return torch.cat([a, F.celu(h, alpha=0.7), c, v, e, m, t, k,
                          w.flatten().expand(5, 16)], 1)


class ManyOperandEinsums(nn.Module):
    """torch.einsum of four and of three operands, traces and diagonals."""

    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(torch.randn(4, 5))
        self.b = nn.Parameter(torch.randn(5, 6))
        self.c = nn.Parameter(torch.randn(6, 3))
        self.sq = nn.Parameter(torch.randn(3, 4, 4))

    def forward(self, x):
        p = torch.einsum("bi,ij,jk,kl->bl", x, self.a, self.b, self.c)
        t = torch.einsum("bii->b", self.sq)
        d = torch.einsum("bii->bi", self.sq)
        q = torch.einsum("bi,bi,bi->b", x, x, x[:, [1, 0, 3, 2]])
        e = torch.einsum("ii,ij->j", self.sq[0], x.t() @ x)
        return torch.cat([p.flatten(), t, d.flatten(), q, e]).unsqueeze(0)


class Video(nn.Module):
    """3-D convolutions (stride, padding and dilation per axis, groups) and
    pooling (max with padding; average counting the padding or not, and
    exported as Pad then AveragePool), batch norm over NCDHW in training
    mode, and max pooling over ties along the depth (a tensor concatenated
    with itself: the derivative goes to the first of each tie, as
    PyTorch's)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv3d(2, 4, 3, stride=(2, 1, 1), padding=(1, 0, 1),
                            dilation=(2, 1, 1))
        self.c2 = nn.Conv3d(4, 4, (2, 3, 3), padding=1, groups=2, bias=False)
        self.bn = nn.BatchNorm3d(4)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        h = torch.relu(self.c1(x))
        a = F.max_pool3d(h, 2, stride=(1, 2, 2), padding=(1, 0, 1))
        b = F.avg_pool3d(h, 2, stride=1, padding=1, count_include_pad=False)
        c = F.avg_pool3d(h, 2, padding=(1, 0, 0))
        t = torch.tanh(self.c1(x))
        d = F.max_pool3d(torch.cat([t, t], 2), 2)
        h2 = torch.tanh(self.bn(self.c2(h)))
        return torch.cat([a.flatten(1), b.flatten(1), c.flatten(1),
                          d.flatten(1), 30 * self.fc(h2.mean((2, 3, 4)))], 1)


class Bicubic(nn.Module):
    """Bicubic F.interpolate by a factor and to sizes, both align_corners
    (Resize in cubic mode)."""

    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 2, 3, padding=1)

    def forward(self, x):
        h = torch.tanh(self.c(x))
        parts = [
            F.interpolate(h, scale_factor=2, mode="bicubic",
                          align_corners=False),
            F.interpolate(h, size=(7, 3), mode="bicubic", align_corners=True),
            F.interpolate(h, size=(9, 4), mode="bicubic"),
        ]
        return torch.cat([p.flatten(1) for p in parts], 1)


run("video", Video(), {"x": np.random.randn(2, 2, 7, 6, 5).astype(np.float32)},
    "mse", 14, training=True, threads=BOTH)
run("bicubic", Bicubic(), {"x": np.random.randn(2, 2, 5, 6).astype(np.float32)},
    "mse", 14, threads=BOTH)
run("rounding", Rounding(), {"x": np.random.randn(5, 6).astype(np.float32)},
    "mse", 14, threads=BOTH)
run("einsums-3", ManyOperandEinsums(),
    {"x": np.random.randn(2, 4).astype(np.float32)}, "mse", 14, threads=BOTH)
run("unet", UNet(), {"x": np.random.randn(2, 2, 8, 8).astype(np.float32)},
    "mse", 14, training=True, threads=BOTH)
block = MHABlock()
with torch.no_grad():  # no two parameters equal (the export would merge them)
    for p in block.parameters():
        p.add_(0.1 * torch.randn(p.shape))
run("mha", block, {"x": np.random.randn(2, 8, 16).astype(np.float32)}, "mse",
    14, threads=BOTH)
# --check-numerics accepts the mask's -inf, sliced and scaled by 1 on the
# way to the scores (a call that flagged it would raise CallError).
checked = adjoint.compile(os.path.join(torchexport.out, "mha.onnx"),
                          check_numerics=True, loss="mse",
                          value_and_grad="loss",
                          output=os.path.join(torchexport.out,
                                              "libmha-checked.so"))
x = np.random.randn(2, 8, 16).astype(np.float32)
checked.loss_value_and_grad(x=x, labels=np.zeros_like(x),
                            **checked.initial_values())
run("tagger", Tagger(),
    {"tokens": np.random.randint(0, 30, size=(3, 7)).astype(np.int64)},
    "softmax_cross_entropy", 14, threads=BOTH)
run("audio", Audio(), {"wav": np.random.randn(3, 1, 64).astype(np.float32)},
    "softmax_cross_entropy", 14, training=True, threads=BOTH)
run("vae", VAE(), {"x": np.random.randn(4, 12).astype(np.float32),
                   "eps": np.random.randn(4, 4).astype(np.float32)},
    "mse", 14, threads=BOTH)
run("mdn", MDN(), {"x": np.random.randn(6, 5).astype(np.float32),
                   "target": np.random.randn(6, 2).astype(np.float32)},
    "mse", 14, threads=BOTH)


def onnx_node(node, inputs, name):
    """One node built with onnx.helper (its inputs x, ... as graph inputs),
    compiled and run on `inputs`."""
    return torchexport.compile_nodes([node], inputs, {"y": TensorProto.FLOAT},
                                     name, opset=14).forward(**inputs)


def onnx_avg_pool(x, name, **attrs):
    """An AveragePool node on `x`: PyTorch exports count_include_pad as a
    Pad node, so this is the attribute's only check against PyTorch."""
    return onnx_node(helper.make_node("AveragePool", ["x"], ["y"], name=name,
                                      **attrs), {"x": x}, name)


x = np.random.randn(2, 3, 7, 6).astype(np.float32)
for k, s, p in [(3, 2, 1), (2, 2, 1), (3, 3, 1), (4, 3, 2)]:
    for include in (0, 1):
        got = onnx_avg_pool(x, f"avg-pool-{k}{s}{p}{include}",
                            kernel_shape=[k, k], strides=[s, s],
                            pads=[p] * 4, ceil_mode=1,
                            count_include_pad=include)
        want = F.avg_pool2d(torch.tensor(x, dtype=torch.float64), k, s, p,
                            ceil_mode=True, count_include_pad=bool(include))
        check(f"AveragePool k {k} s {s} pads {p} ceil count_include_pad "
              f"{include}", got, want.numpy())


# DepthToSpace in both modes against the ONNX specification's entry rule:
# y[n, c, h b + i, w b + j] = x[n, (i b + j) C' + c, h, w] (DCR) or
# x[n, c b² + i b + j, h, w] (CRD), C' = C / b².
x = np.random.randn(2, 12, 2, 3).astype(np.float32)
b, cs = 2, 3
for mode in ("DCR", "CRD"):
    want = np.zeros((2, cs, 2 * b, 3 * b))
    for c in range(cs):
        for i in range(b):
            for j in range(b):
                k = ((i * b + j) * cs + c if mode == "DCR"
                     else c * b * b + i * b + j)
                want[:, c, i::b, j::b] = x[:, k]
    got = onnx_node(helper.make_node("DepthToSpace", ["x"], ["y"], name="d2s",
                                     blocksize=b, mode=mode),
                    {"x": x}, f"depth-to-space-{mode}")
    check(f"DepthToSpace {mode}", got, want)

# Einsum without an output term (PyTorch always writes one): the output is
# the indices used once, sorted, after the ellipsis; NumPy's rule.
a = np.random.randn(2, 3, 4).astype(np.float32)
b = np.random.randn(4, 5).astype(np.float32)
for i, (equation, operands) in enumerate([("...ij,jk", [a, b]),
                                         ("ij,kj", [a[0], a[1]]),
                                         ("ba", [a[0]])]):
    names = ["x", "w"][:len(operands)]
    got = onnx_node(helper.make_node("Einsum", names, ["y"], name="einsum",
                                     equation=equation),
                    dict(zip(names, operands)), f"einsum-implicit-{i}")
    check(f"Einsum '{equation}'", got,
          np.einsum(equation, *[o.astype(np.float64) for o in operands]))

# Sign of NaN is NaN (the ONNX reference's np.sign; it once gave 0, as
# this torch.sign does), of -0 and 0 zero, of an infinity its sign.
x = np.array([np.nan, -np.inf, -2.5, -0.0, 0.0, 3.0, np.inf], np.float32)
got = onnx_node(helper.make_node("Sign", ["x"], ["y"], name="sign"),
                {"x": x}, "sign-nan")
want = np.sign(x.astype(np.float64))
nan = np.isnan(want)
check("Sign's NaNs", np.isnan(got), nan)
check("Sign", got[~nan], want[~nan])


def onnx_outputs(nodes, inputs, outputs, name, initializers=()):
    """Nodes built with onnx.helper, their outputs named in `outputs`
    ({name: ONNX element type}), compiled and run on `inputs`."""
    return torchexport.compile_nodes(nodes, inputs, outputs, name,
                                     initializers, opset=14).forward(**inputs)


# ArgMax and ArgMin against PyTorch, NaN included (the maximum and the
# minimum), keepdims and select_last_index (against NumPy on reversed rows:
# PyTorch has no such flag).
x = np.array([[1, 3, 3, -np.inf, 2], [np.nan, 1, np.nan, 0, 0],
              [0, 7, -1, 7, -1]], np.float32)
for op, fn in (("ArgMax", torch.argmax), ("ArgMin", torch.argmin)):
    for last in (0, 1):
        for keep in (0, 1):
            got = onnx_outputs([helper.make_node(
                op, ["x"], ["y"], name="arg", axis=1, keepdims=keep,
                select_last_index=last)], {"x": x}, {"y": TensorProto.INT64},
                f"{op}-{last}{keep}")
            rows = x[:, ::-1] if last else x
            want = fn(torch.tensor(rows.copy()), 1, keepdim=bool(keep))
            if last:
                want = x.shape[1] - 1 - want
            check(f"{op} select_last_index {last} keepdims {keep}",
                  got, want.numpy(), 0.0)

# TopK values and indices against PyTorch: NaN the largest (first among
# the largest, last among the smallest), infinities; along both axes. (No
# ties: PyTorch's order among them is unspecified; ours is by position.)
x = np.array([[1, 3, 4, -np.inf, 2], [np.nan, 1.5, 6, 0, -0.5],
              [0.25, 7, -1, 8, -2], [np.inf, 2.5, 5, -5, 1.25]], np.float32)
for largest in (0, 1):
    for axis in (0, 1):
        got = onnx_outputs([helper.make_node(
            "TopK", ["x", "k"], ["v", "i"], name="topk", axis=axis,
            largest=largest)], {"x": x},
            {"v": TensorProto.FLOAT, "i": TensorProto.INT64},
            f"topk-{largest}{axis}", [("k", np.array([3], np.int64))])
        want = torch.topk(torch.tensor(x), 3, axis, bool(largest))
        nan = np.isnan(want.values.numpy())
        check(f"TopK largest {largest} axis {axis} NaNs", np.isnan(got.v),
              nan, 0.0)
        check(f"TopK largest {largest} axis {axis} values", got.v[~nan],
              want.values.numpy()[~nan], 0.0)
        check(f"TopK largest {largest} axis {axis} indices", got.i,
              want.indices.numpy(), 0.0)

# CumSum exclusive and reverse (PyTorch exports neither) against NumPy.
x = np.random.randn(3, 11).astype(np.float32)
for exclusive in (0, 1):
    for reverse in (0, 1):
        got = onnx_outputs([helper.make_node(
            "CumSum", ["x", "axis"], ["y"], name="cumsum",
            exclusive=exclusive, reverse=reverse)], {"x": x},
            {"y": TensorProto.FLOAT}, f"cumsum-{exclusive}{reverse}",
            [("axis", np.array(-1, np.int64))])
        r = x[:, ::-1] if reverse else x
        want = np.cumsum(r.astype(np.float64), 1)
        if exclusive:
            want = np.concatenate([np.zeros((3, 1)), want[:, :-1]], 1)
        check(f"CumSum exclusive {exclusive} reverse {reverse}", got,
              want[:, ::-1] if reverse else want)

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
