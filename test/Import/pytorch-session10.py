# Models a new user brings (session 10), exported from PyTorch and checked
# against PyTorch in f64 at 1 and 2 threads (torchexport.run): a
# physics-style MLP on trigonometric and hyperbolic features, a mixture of
# experts with softmax gating and top-2 routing, an LSTM language model
# whose output layer shares the embedding's weights, and a token model
# that does integer arithmetic on its tokens at run time.
# RUN: %python %s %t.dir

import sys

import numpy as np
import torch
import torch.nn as nn

import torchexport
from torchexport import failures, run

torchexport.setup(sys.argv[1])
BOTH = (1, 2)


class Physics(nn.Module):
    """Features sin, atan, cos, tan, acos of the inputs (a PINN-
    style MLP), then tanh layers and an asin term (PyTorch 1.13 exports
    no sinh, cosh, asinh, acosh or atanh: onnx-nodes.py checks those
    nodes)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(18, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        u = torch.tanh(x) * 0.9
        f = torch.cat([torch.sin(x), torch.atan(x), torch.sin(2 * x),
                       torch.cos(0.5 * x), torch.tan(u), torch.acos(u)], 1)
        h = torch.tanh(self.fc1(f))
        return self.fc2(h) * torch.cos(h[:, :3]) + torch.asin(u[:, :3])


class Experts(nn.Module):
    """A mixture of 4 experts: softmax gating, the top 2 gates kept
    (topk) and renormalized, the experts' outputs gathered at their
    indices (torch.gather: GatherElements of run-time indices)."""

    def __init__(self):
        super().__init__()
        self.gate = nn.Linear(6, 4)
        self.experts = nn.Linear(6, 4 * 5)

    def forward(self, x):
        g = torch.softmax(self.gate(x), -1)
        top, index = g.topk(2, -1)
        top = top / top.sum(-1, keepdim=True)
        e = torch.relu(self.experts(x)).reshape(-1, 4, 5)
        picked = torch.gather(e, 1, index.unsqueeze(-1).expand(-1, 2, 5))
        return (top.unsqueeze(-1) * picked).sum(1)


class TiedLM(nn.Module):
    """An LSTM language model whose output layer is the embedding's
    weights (tied), scoring the last step."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 8)
        self.lstm = nn.LSTM(8, 8, batch_first=True)
        self.out = nn.Linear(8, 20)
        self.out.weight = self.embed.weight

    def forward(self, tokens):
        h, _ = self.lstm(self.embed(tokens))
        return self.out(h[:, -1])


class TokenArithmetic(nn.Module):
    """Tokens shifted and folded by integer arithmetic at run time
    ((tokens - 1) % 10, tokens // 2) before their embeddings."""

    def __init__(self):
        super().__init__()
        self.a = nn.Embedding(10, 4)
        self.b = nn.Embedding(15, 4)
        self.fc = nn.Linear(8, 3)

    def forward(self, tokens):
        shifted = (tokens - 1) % 10
        half = torch.div(tokens, 2, rounding_mode="trunc")
        h = torch.cat([self.a(shifted), self.b(half)], -1).mean(1)
        return self.fc(h)


run("physics", Physics(), {"x": np.random.randn(5, 3).astype(np.float32)},
    "mse", 17, threads=BOTH)
run("experts", Experts(), {"x": np.random.randn(7, 6).astype(np.float32)},
    "mse", 17, threads=BOTH)
# Older opsets: TopK's k an attribute (9) or an input without largest
# (10), Slice's bounds attributes (9, from the LSTM's export).
run("experts-opset9", Experts(),
    {"x": np.random.randn(7, 6).astype(np.float32)}, "mse", 9, threads=BOTH)
run("experts-opset10", Experts(),
    {"x": np.random.randn(7, 6).astype(np.float32)}, "mse", 10, threads=BOTH)
run("tied-lm-opset9", TiedLM(),
    {"tokens": np.random.randint(0, 20, size=(3, 6)).astype(np.int64)},
    "softmax_cross_entropy", 9, threads=BOTH)
run("tied-lm", TiedLM(),
    {"tokens": np.random.randint(0, 20, size=(3, 6)).astype(np.int64)},
    "softmax_cross_entropy", 17, threads=BOTH)
run("token-arithmetic", TokenArithmetic(),
    {"tokens": np.random.randint(0, 30, size=(4, 5)).astype(np.int64)},
    "mse", 17, threads=BOTH)

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
