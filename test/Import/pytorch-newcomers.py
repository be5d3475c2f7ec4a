# Models a new user brings (session 9), exported from PyTorch 1.13 and
# checked against PyTorch in f64 at 1 and 2 threads (torchexport.run: the
# forward output, the loss, the gradient of every parameter and input): a
# ResNet-style stack of basic blocks with batch norm in training mode, a
# GRU encoder-decoder with attention and two greedy steps (an embedding
# at an ArgMax), a ViT-style patch embedding with a class token, attention
# and mean pooling, a graph network (Gather of the sources,
# scatter_add/scatter into the nodes: ScatterElements of an expanded
# constant index), torch.gather of log-probabilities at run-time labels
# (GatherElements), torch.where/clamp/abs on their kinks, a triplet and an
# InfoNCE loss (F.cross_entropy inside the model: SoftmaxCrossEntropyLoss),
# label smoothing and KL divergence, cross_entropy/nll_loss with weights,
# ignore_index and K dimensions, Huber and smooth-L1 losses. (PyTorch 1.13
# cannot export F.triplet_margin_loss, F.huber_loss, F.l1_loss, index_add
# with repeated indices or label_smoothing: the models write them out.)
# Also GatherElements/ScatterElements nodes with negative indices against
# NumPy.
# RUN: %python %s %t.dir

import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import torchexport
from onnx import TensorProto, helper, numpy_helper
from torchexport import check, failures, run

torchexport.setup(sys.argv[1])
BOTH = (1, 2)


def perturb(m):
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.1 * torch.randn(p.shape))
    return m

class Basic(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return F.relu(y + (self.down(x) if self.down is not None else x))

class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        self.layers = nn.Sequential(Basic(8, 8, 1), Basic(8, 8, 1), Basic(8, 16, 2), Basic(16, 16, 1))
        self.fc = nn.Linear(16, 5)
    def forward(self, x):
        h = self.layers(self.stem(x))
        return self.fc(F.adaptive_avg_pool2d(h, 1).flatten(1))

class Seq2Seq(nn.Module):
    def __init__(self, v=11, e=6, h=8):
        super().__init__()
        self.src = nn.Embedding(v, e); self.tgt = nn.Embedding(v, e)
        self.enc = nn.GRU(e, h, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * h, h)
        self.dec = nn.GRU(e, h, batch_first=True)
        self.attn = nn.Linear(h, 2 * h, bias=False)
        self.out = nn.Linear(h + 2 * h, v)
    def forward(self, src, tgt):
        es, hn = self.enc(self.src(src))                 # [B, S, 2h]
        h0 = torch.tanh(self.bridge(torch.cat([hn[0], hn[1]], -1))).unsqueeze(0)
        ds, _ = self.dec(self.tgt(tgt), h0)              # [B, T, h]
        scores = torch.bmm(self.attn(ds), es.transpose(1, 2))
        ctx = torch.bmm(torch.softmax(scores, -1), es)
        logits = self.out(torch.cat([ds, ctx], -1))
        # Two greedy steps: the next input is the argmax of the last logits.
        h, tok, greedy = ds[:, -1:].transpose(0, 1).contiguous(), logits[:, -1].argmax(-1), []
        for _ in range(2):
            o, h = self.dec(self.tgt(tok).unsqueeze(1), h)
            step = self.out(torch.cat([o, o.new_zeros(o.shape[0], 1, o.shape[2] * 2)], -1))
            greedy.append(step)
            tok = step[:, 0].argmax(-1)
        return torch.cat([logits] + greedy, 1).reshape(-1, logits.shape[-1])

class ViT(nn.Module):
    def __init__(self, d=16, p=4, heads=2):
        super().__init__()
        self.patch = nn.Conv2d(3, d, p, p)
        self.pos = nn.Parameter(0.1 * torch.randn(1, 16, d))
        self.cls = nn.Parameter(0.1 * torch.randn(1, 1, d))
        self.n1 = nn.LayerNorm(d); self.n2 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))
        self.head = nn.Linear(d, 7)
    def forward(self, img):
        t = self.patch(img).flatten(2).transpose(1, 2) + self.pos
        t = torch.cat([self.cls.expand(t.shape[0], -1, -1), t], 1)
        n = self.n1(t)
        t = t + self.attn(n, n, n, need_weights=False)[0]
        t = t + self.mlp(self.n2(t))
        return self.head(t.mean(1))

N_NODES, N_EDGES = 7, 12
src_idx = torch.tensor(np.random.randint(0, N_NODES, N_EDGES))
dst_idx = torch.tensor(np.random.randint(0, N_NODES, N_EDGES))
class GCN(nn.Module):
    """Message passing: gather the source node features per edge, transform, scatter-add into the destination nodes."""
    def __init__(self, d=5, h=6):
        super().__init__()
        self.msg = nn.Linear(d, h); self.self_ = nn.Linear(d, h); self.out = nn.Linear(h, 3)
        self.register_buffer("src", src_idx); self.register_buffer("dst", dst_idx)
    def forward(self, x):
        m = torch.relu(self.msg(x[self.src]))           # Gather
        agg = x.new_zeros(x.shape[0], m.shape[1]).scatter_add(0, self.dst.unsqueeze(1).expand(-1, m.shape[1]), m)
        deg = x.new_zeros(x.shape[0], 1).scatter_add(0, self.dst.unsqueeze(1), x.new_ones(N_EDGES, 1)).clamp(min=1)
        h = torch.tanh(agg / deg + self.self_(x))
        top = h.scatter(1, torch.tensor([[0], [2], [1], [0], [3], [5], [4]]), h[:, :1] * 2)
        return self.out(top)

class PickLogProb(nn.Module):
    """log-probability of the label by torch.gather with run-time indices."""
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 5)
    def forward(self, x, labels):
        lp = F.log_softmax(self.fc(x), -1)
        return -lp.gather(1, labels.unsqueeze(1)).mean().reshape(1, 1) + lp.gather(-1, labels.unsqueeze(1).expand(-1, 3)).sum()

class Kinks(nn.Module):
    """torch.where, clamp, abs on their kinks: the last row of x is 0, so h there is the bias, set to each kink."""
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)
        with torch.no_grad():
            self.fc.bias.copy_(torch.tensor([0.125, -0.5, 0.375, 0.25, 0.75, -0.75]))
    def forward(self, x):
        h = self.fc(x)
        a = torch.where(h > 0.125, h * h, -h)
        b = torch.clamp(h, min=-0.5, max=0.375) + torch.abs(h - 0.25)
        c = torch.where(x.abs() > h.abs(), x, h).clamp(max=0.25)
        return a + b * c + F.relu(h).sqrt().clamp(0.1)

class Triplet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(8, 10), nn.Tanh(), nn.Linear(10, 6))
    def forward(self, a, p, n):
        ea, ep, en = self.enc(a), self.enc(p), self.enc(n)
        dp = (ea - ep + 1e-6).pow(2).sum(1).sqrt()
        dn = (ea - en + 1e-6).norm(dim=1)
        trip = F.relu(dp - dn + 1.0).mean()
        za, zp = F.normalize(ea, dim=1), F.normalize(ep, dim=1)
        logits = za @ zp.t() / 0.1
        info = F.cross_entropy(logits, torch.arange(a.shape[0]))
        cos = F.cosine_similarity(ea, en).mean()
        return torch.stack([trip, info, cos]).unsqueeze(0)

class SmoothCE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, 5))
    def forward(self, x, onehot):
        logits = self.fc(x)
        eps = 0.1
        target = onehot * (1 - eps) + eps / 5
        ls = -(target * F.log_softmax(logits, -1)).sum(-1).mean()
        return torch.stack([ls, F.kl_div(F.log_softmax(logits, -1), target, reduction="batchmean")]).unsqueeze(0)

class Losses(nn.Module):
    """F.cross_entropy and F.nll_loss inside the model: weights, ignore_index, reductions, K-dimensional."""
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 5)
        self.register_buffer("w", torch.tensor([0.5, 1.0, 2.0, 1.5, 0.25]))
    def forward(self, x, labels, labels2d):
        s = self.fc(x)
        s2 = s.reshape(2, 3, 5).transpose(1, 2)  # [2, 5, 3]
        parts = [F.cross_entropy(s, labels), F.cross_entropy(s, labels, weight=self.w),
                 F.cross_entropy(s, labels, ignore_index=2), F.cross_entropy(s, labels, weight=self.w, ignore_index=1, reduction="sum"),
                 F.nll_loss(F.log_softmax(s, 1), labels, reduction="none").sum(),
                 F.cross_entropy(s2, labels2d), F.cross_entropy(s2, labels2d, weight=self.w, ignore_index=0)]
        return torch.stack(parts).unsqueeze(0)

class Huber(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(4, 8), nn.SiLU(), nn.Linear(8, 3))
    def forward(self, x, y):
        p = self.fc(x)
        d = p - y
        huber = torch.where(d.abs() < 0.5, 0.5 * d * d, 0.5 * (d.abs() - 0.25)).mean()
        sl1 = torch.where(d.abs() < 0.3, 0.5 * d * d / 0.3, d.abs() - 0.15).mean()
        return torch.stack([huber, sl1, (p - y).abs().mean()]).unsqueeze(0)

def f(*shape):
    return np.random.randn(*shape).astype(np.float32)


run("resnet", perturb(ResNet()), {"x": f(2, 3, 12, 12)},
    "softmax_cross_entropy", 14, training=True, threads=BOTH)
run("seq2seq", Seq2Seq(), {"src": np.random.randint(0, 11, (3, 6)),
                           "tgt": np.random.randint(0, 11, (3, 5))},
    "softmax_cross_entropy", 14, threads=BOTH)
run("vit", perturb(ViT()), {"img": f(2, 3, 16, 16)}, "softmax_cross_entropy",
    14, threads=BOTH)
# ScatterElements' reduction attribute is from opset 16.
run("gcn", GCN(), {"x": f(N_NODES, 5)}, "mse", 16, threads=BOTH)
run("pick", PickLogProb(), {"x": f(6, 6),
                            "classes": np.random.randint(0, 5, 6)},
    "mse", 14, threads=BOTH)
run("kinks", Kinks(), {"x": np.concatenate([f(4, 6), np.zeros((1, 6),
                                                              np.float32)])},
    "mse", 14, threads=BOTH)
run("triplet", Triplet(), {"a": f(4, 8), "p": f(4, 8), "n": f(4, 8)}, "mse",
    14, threads=BOTH)
run("smoothce", SmoothCE(), {"x": f(6, 6), "onehot": np.eye(5, dtype=np.float32)[
    np.random.randint(0, 5, 6)]}, "mse", 14, threads=BOTH)
run("losses", Losses(), {"x": f(6, 6), "classes": np.array([0, 2, 1, 4, 2, 3]),
                         "labels2d": np.array([[0, 1, 4], [2, 0, 3]])},
    "mse", 14, threads=BOTH)
run("huber", Huber(), {"x": f(6, 4), "target": f(6, 3)}, "mse", 14,
    threads=BOTH)


def onnx_node(node, x, indices, name, opset=16):
    """`node` on the float input x, the constant `indices` (as input "i")
    and the constant u = [[10, 11, 12, 13]], compiled and run."""
    u = helper.make_node("Constant", [], ["u"], name="u",
                         value=numpy_helper.from_array(np.arange(
                             10, 14, dtype=np.float32).reshape(1, 4)))
    return torchexport.compile_nodes(
        [u, node], {"x": x}, {"y": TensorProto.FLOAT}, name,
        [("i", indices)], opset).forward(x=x)


# Negative indices count from the end (ONNX; PyTorch rejects them).
x = f(3, 4)
i = np.array([[-1, 0], [2, -4], [1, 1]], np.int64)
got = onnx_node(helper.make_node("GatherElements", ["x", "i"], ["y"],
                                 name="g", axis=1), x, i, "gather-elements")
check("GatherElements negative indices", got,
      np.take_along_axis(x.astype(np.float64), i % 4, 1))
i = np.array([[2, -3, 0, 1]], np.int64)
for reduction in ("none", "add"):
    got = onnx_node(helper.make_node("ScatterElements", ["x", "i", "u"], ["y"],
                                     name="s", axis=0, reduction=reduction),
                    x, i, f"scatter-elements-{reduction}")
    want = x.astype(np.float64)
    u = np.arange(4.0).reshape(1, 4) + 10
    for col in range(4):
        row = i[0, col] % 3
        want[row, col] = ((want[row, col] if reduction == "add" else 0)
                          + u[0, col])
    check(f"ScatterElements reduction {reduction}", got, want)

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
