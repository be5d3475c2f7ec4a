# Models exported from PyTorch with torch.onnx.export (an MLP, a LeNet-style
# CNN with batch norm, a transformer encoder block at opset 14, where layer
# norm is decomposed into ReduceMean/Sub/Pow/Sqrt/Div, and at opset 17, where
# it is LayerNormalization), a model of the remaining operators (an
# embedding, inference batch norm, reductions, slices, ...), a 1-D
# convolutional net, a model of the operators with kinks (Clip, LeakyRelu,
# Elu, Max, Min, Where) on inputs at the kinks, causal attention (masked_fill
# with -inf), recurrent networks (LSTM, GRU), activations and reductions
# (Softplus, HardSwish, ReduceL2, ...), PyTorch's TransformerEncoderLayer and
# a convolutional autoencoder (ConvTranspose), max pooling in ceil mode
# (also as the graph output),
# nearest-neighbour upsampling (Resize),
# compiled from .onnx with a loss, run, and
# compared with PyTorch in f64: the forward output, the loss, and the
# gradient of every parameter and of the input (f32 results, 1e-4 relative
# to the largest magnitude). The library's initial values must be the
# PyTorch parameters the model was exported with.
# RUN: %python %s %t.dir

import os
import shutil
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import torchexport
from torchexport import failures, run

torchexport.out = sys.argv[1]
shutil.rmtree(torchexport.out, ignore_errors=True)
os.makedirs(torchexport.out)
torch.manual_seed(0)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 10)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        h = self.drop(torch.relu(self.fc1(x)))
        return self.fc3(torch.tanh(self.fc2(h)))


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.c2 = nn.Conv2d(4, 8, 3)
        self.fc = nn.Linear(8 * 3 * 3, 10)

    def forward(self, x):
        x = F.max_pool2d(torch.relu(self.bn(self.c1(x))), 2)
        # Pad + AveragePool in ONNX (PyTorch counts the padding).
        x = F.avg_pool2d(torch.sigmoid(self.c2(x)), 2, padding=1)
        # Shape -> Gather -> Unsqueeze -> Concat -> Reshape in ONNX.
        return self.fc(x.view(x.size(0), -1))


class EncoderBlock(nn.Module):
    """Self-attention, feed-forward with GELU, residuals and layer norms."""

    def __init__(self, d=16, heads=2, ff=32):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln1 = nn.LayerNorm(d)
        self.ln2 = nn.LayerNorm(d)
        self.ff1 = nn.Linear(d, ff)
        self.ff2 = nn.Linear(ff, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=-1)

        def heads(z):
            return z.reshape(b, t, self.heads, d // self.heads).transpose(1, 2)

        q, k, v = heads(q), heads(k), heads(v)
        att = torch.softmax(q @ k.transpose(-2, -1) / (d // self.heads) ** 0.5,
                            dim=-1)
        a = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = self.ln1(x + self.proj(a))
        return self.ln2(x + self.ff2(F.gelu(self.ff1(x))))


class Mixed(nn.Module):
    """The operators the other models do not emit: an embedding (Gather at
    run time), batch norm in inference, strided convolution, global average
    pooling, reductions, slices, concatenation, a matrix-vector product and
    elementwise Exp/Log/Sqrt/Abs/Neg/Sub/Div, Unsqueeze/Squeeze at run time,
    LogSoftmax."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(11, 6)
        self.bn = nn.BatchNorm1d(6)
        self.conv = nn.Conv2d(2, 3, 3, stride=2, padding=1)
        self.v = nn.Parameter(torch.randn(12))
        self.fc = nn.Linear(13, 5)

    def forward(self, img, tokens):
        e = self.emb(tokens).sum(1) / tokens.shape[1]
        e = self.bn(torch.relu(e))
        c = torch.exp(-self.conv(img).abs())
        c = torch.flatten(F.adaptive_avg_pool2d(c, 1), 1)
        m = img.amax(dim=(2, 3))
        s = ((m[:, :1] * m[:, :1] + 1).sqrt() - 1).log1p()
        h = torch.cat([e, c, s, img.mean(dim=(1, 2))[:, 1:3]], dim=1)
        hv = (h @ self.v).unsqueeze(1).unsqueeze(2).squeeze(2)
        return F.log_softmax(self.fc(torch.cat([h, hv], dim=1)), dim=1)


class Conv1dNet(nn.Module):
    """A 1-D convolutional net over sequences: Conv1d (padding, stride,
    dilation), MaxPool1d and AvgPool1d."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(3, 6, 5, padding=2)
        self.c2 = nn.Conv1d(6, 4, 3, stride=2, padding=2, dilation=2)
        self.fc = nn.Linear(4 * 2, 5)

    def forward(self, x):
        h = F.max_pool1d(torch.relu(self.c1(x)), 2)
        h = F.avg_pool1d(torch.tanh(self.c2(h)), 2, padding=1)
        return self.fc(h.flatten(1))


class Kinks(nn.Module):
    """Operators with kinks, on an input that sits on them (0, -1, 1):
    clamp, hardtanh and relu6 (Clip), leaky_relu, elu, maximum/minimum (Max,
    Min) and where on a comparison (Greater, Where). At a bound, clamp's
    derivative is 1 and hardtanh's and relu6's is 0; all three are Clip in
    ONNX, which follows clamp, so hardtanh and relu6 see no bound here."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        c = (torch.clamp(x, -1, 1) + F.hardtanh(2 * x + 0.1)
             + F.relu6(4 * x + 0.3))
        k = F.leaky_relu(x, 0.2) + F.elu(x) + torch.clamp(x, max=0.5)
        h = self.fc(c * k)
        m = torch.maximum(h, x) + torch.minimum(h, -x)
        return torch.where(m > 0.5, m, -m) * torch.where(x <= 0, x, h)


class CausalAttention(nn.Module):
    """Single-head attention with a causal mask: masked_fill with -inf
    (Where on a bool constant)."""

    def __init__(self, d=8, s=5):
        super().__init__()
        self.qkv = nn.Linear(d, 3 * d)
        self.register_buffer("mask",
                             torch.triu(torch.ones(s, s, dtype=torch.bool), 1))

    def forward(self, x):
        q, k, v = self.qkv(x).chunk(3, -1)
        s = (q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5)
        return torch.softmax(s.masked_fill(self.mask, float("-inf")), -1) @ v


class Recurrent(nn.Module):
    """A two-layer LSTM (GRU and LSTM unrolled at import), its states summed
    with a GRU's, whose initial state is a parameter."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 6, num_layers=2)
        self.gru = nn.GRU(3, 6)
        self.h0 = nn.Parameter(torch.randn(1, 2, 6))
        self.fc = nn.Linear(6, 4)

    def forward(self, x):
        y, (h, c) = self.lstm(x)
        g, gh = self.gru(x, self.h0)
        return self.fc(y[-1] + h[0] + c[1] + g.mean(0) + gh[0])


class Activations(nn.Module):
    """softplus and elu (on 0 and on 100, where exp overflows in f32), mish,
    SiLU, hardswish, hardsigmoid, tanh-GELU, F.normalize (ReduceL2, Clip,
    Expand) of rows of which one is zero (where the norm's gradient is 0),
    and the reductions logsumexp, min, prod, L1 norm, std (whose element
    count is a ReduceProd of a shape) and var."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)

    def forward(self, x):
        a = (F.softplus(x) + F.mish(x) + F.silu(x) + F.hardswish(x)
             + F.hardsigmoid(x) + F.gelu(x, approximate="tanh")
             + F.elu(x, 0.5))
        h = self.fc(torch.tanh(a))
        z = torch.cat([h[:1] * 0, h[1:]], 0)
        r = torch.cat([h.logsumexp(1, keepdim=True), h.amin(1, keepdim=True),
                       h.prod(1, keepdim=True), h.norm(p=1, dim=1, keepdim=True),
                       h.std(1, keepdim=True), h.var(1, keepdim=True)], 1)
        return torch.cat([F.normalize(z, dim=1), r], 1)


class TransformerClassifier(nn.Module):
    """Token and position embeddings (torch.arange), PyTorch's own
    nn.TransformerEncoderLayer (batch first), mean pooling, a linear head."""

    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(20, 8)
        self.pos = nn.Embedding(5, 8)
        self.enc = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0,
                                              batch_first=True)
        self.fc = nn.Linear(8, 3)

    def forward(self, tokens):
        p = torch.arange(tokens.shape[1])
        return self.fc(self.enc(self.tok(tokens) + self.pos(p)).mean(1))


class ConvAutoencoder(nn.Module):
    """Transposed convolutions (ConvTranspose, an adj.vjp of a convolution
    at import): stride with output_padding and groups, dilation with
    unequal strides and kernel sides, and a 1-D one."""

    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 4, 3, stride=2, padding=1)
        self.t1 = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1,
                                     output_padding=1, groups=2)
        self.t2 = nn.ConvTranspose2d(6, 2, (3, 2), stride=(1, 3),
                                     padding=(2, 0), dilation=(2, 1))
        self.t3 = nn.ConvTranspose1d(2, 3, 4, stride=2, padding=1)

    def forward(self, x):
        h = self.t2(torch.tanh(self.t1(F.relu(self.c(x)))))
        return self.t3(h.flatten(2))


class CeilPool(nn.Module):
    """Max pooling in ceil mode, 2-D and 1-D (with padding), where the last
    window hangs over the input."""

    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 3, 3)
        self.fc = nn.Linear(3 * 3 * 3 + 2 * 19, 5)

    def forward(self, x):
        a = F.max_pool2d(torch.tanh(self.c(x)), 3, 2, ceil_mode=True)
        b = F.max_pool1d(x.flatten(2), 5, 4, padding=1, ceil_mode=True)
        return self.fc(torch.cat([a.flatten(1), b.flatten(1)], 1))


class CeilPoolOutput(nn.Module):
    """A ceil-mode max pool as the graph output, whose last window would
    start in the padding: PyTorch drops it, ONNX's shape inference (the
    declared output shape) keeps it."""

    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 3, 3, padding=1)

    def forward(self, x):
        return F.max_pool2d(self.c(x), 2, 2, padding=1, ceil_mode=True)


class Upsampling(nn.Module):
    """Nearest-neighbour upsampling (Resize): nn.Upsample by (2, 3) and a
    1-D F.interpolate to a size."""

    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 3, 3, padding=1)
        self.up = nn.Upsample(scale_factor=(2, 3))
        self.fc = nn.Linear(3 * 8 * 12 + 2 * 64, 4)

    def forward(self, x):
        a = self.up(torch.tanh(self.c(x)))
        b = F.interpolate(x.flatten(2), size=64, mode="nearest")
        return self.fc(torch.cat([a.flatten(1), b.flatten(1)], 1))


np.random.seed(0)
run("mlp", MLP(), {"x": np.random.randn(8, 20).astype(np.float32)},
    "softmax_cross_entropy", 14)
lenet = LeNet()
with torch.no_grad():  # batch norm's scale and shift away from 1 and 0
    lenet.bn.weight.uniform_(0.5, 1.5)
    lenet.bn.bias.uniform_(-0.5, 0.5)
run("lenet", lenet, {"x": np.random.randn(4, 1, 12, 12).astype(np.float32)},
    "softmax_cross_entropy", 14, training=True)
for opset in (14, 17):
    block = EncoderBlock()
    with torch.no_grad():  # distinct layer norm parameters
        for ln in (block.ln1, block.ln2):
            ln.weight.uniform_(0.5, 1.5)
            ln.bias.uniform_(-0.5, 0.5)
    run(f"block{opset}", block,
        {"x": np.random.randn(2, 5, 16).astype(np.float32)}, "mse", opset)
mixed = Mixed()
with torch.no_grad():  # running statistics away from 0 and 1
    mixed.bn.running_mean.uniform_(-0.5, 0.5)
    mixed.bn.running_var.uniform_(0.5, 1.5)
run("mixed", mixed,
    {"img": np.random.randn(3, 2, 6, 6).astype(np.float32),
     "tokens": np.random.randint(0, 11, size=(3, 4)).astype(np.int64)},
    "mse", 14)

run("conv1d", Conv1dNet(),
    {"x": np.random.randn(3, 3, 12).astype(np.float32)},
    "softmax_cross_entropy", 14)
kinks = np.random.randn(4, 8).astype(np.float32)
kinks[0, :6] = [0, -1, 1, 0.5, -0.5, 0.25]
run("kinks", Kinks(), {"x": kinks}, "mse", 14)
run("causal", CausalAttention(),
    {"x": np.random.randn(2, 5, 8).astype(np.float32)}, "mse", 14)

run("recurrent", Recurrent(),
    {"x": np.random.randn(4, 2, 3).astype(np.float32)},
    "softmax_cross_entropy", 14)

activations = np.random.randn(3, 6).astype(np.float32)
activations[0, :2] = [0, 100]
run("activations", Activations(), {"x": activations}, "mse", 14)
transformer = TransformerClassifier()
with torch.no_grad():  # no two parameters equal (the export would merge them)
    for p in transformer.parameters():
        p.add_(0.1 * torch.randn(p.shape))
run("transformer", transformer,
    {"tokens": np.random.randint(0, 20, size=(2, 5)).astype(np.int64)},
    "softmax_cross_entropy", 14)

run("autoencoder", ConvAutoencoder(),
    {"x": np.random.randn(2, 2, 8, 8).astype(np.float32)}, "mse", 14)

run("ceilpool", CeilPool(),
    {"x": np.random.randn(2, 2, 9, 8).astype(np.float32)},
    "softmax_cross_entropy", 14)

run("ceilpool-output", CeilPoolOutput(),
    {"x": np.random.randn(2, 2, 5, 7).astype(np.float32)}, "mse", 14)

run("upsampling", Upsampling(),
    {"x": np.random.randn(2, 2, 4, 4).astype(np.float32)},
    "softmax_cross_entropy", 14)

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
