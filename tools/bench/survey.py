"""Models unlike the benchmark's five, against PyTorch eager: a check that
the speed of the five workloads carries over (docs/performance-kernels.md).

  /usr/bin/python3 tools/bench/survey.py [--builds build,other/build]
      [--models attn,resconv] [--threads N] [--rounds R] [--budget S]
      [--smoke]

Each model is compiled by each build's adjoint-compile (value and gradient
of @loss). Its value and gradient are checked against PyTorch autograd in
float64 on the same inputs first. Then the phases are timed in `--rounds` interleaved
rounds: every build's library, then PyTorch eager, in one process, so that
a slow phase of a shared machine hits them alike. The table gives the
median over rounds of each median, the smallest and the largest sample,
and eager / Adjoint. Shapes are fixed in the model definitions below.
`--smoke` only checks the values and gradients (the test suite runs it).
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def layer_attention(B=8, S=128, D=256, dt="f32"):
    """Pre-norm self-attention: layer norm, Q/K/V, softmax(QKᵀ/√D)V, output
    projection, residual; loss mean(y²)."""
    import torch
    import torch.nn.functional as F
    T, Wt, V = f"tensor<{B}x{S}x{D}x{dt}>", f"tensor<{D}x{D}x{dt}>", f"tensor<{D}x{dt}>"
    St, Kt = f"tensor<{B}x{S}x{S}x{dt}>", f"tensor<{B}x{D}x{S}x{dt}>"
    scale = 1.0 / np.sqrt(D)
    mlir = f"""
func.func @loss(%x: {T} {{adj.name = "x"}}, %g: {V} {{adj.name = "g"}},
                %b: {V} {{adj.name = "b"}}, %Wq: {Wt} {{adj.name = "Wq"}},
                %Wk: {Wt} {{adj.name = "Wk"}}, %Wv: {Wt} {{adj.name = "Wv"}},
                %Wo: {Wt} {{adj.name = "Wo"}}) -> tensor<{dt}> {{
  %n = adj.layer_norm %x, %g, %b axis 2 : {T}, {V}, {V}
  %q = adj.matmul %n, %Wq : {T}, {Wt} -> {T}
  %k = adj.matmul %n, %Wk : {T}, {Wt} -> {T}
  %v = adj.matmul %n, %Wv : {T}, {Wt} -> {T}
  %kt = adj.transpose %k [0, 2, 1] : {T} -> {Kt}
  %s0 = adj.matmul %q, %kt : {T}, {Kt} -> {St}
  %c = adj.constant dense<{scale}> : tensor<{dt}>
  %s = adj.mul %s0, %c : {St}, tensor<{dt}>
  %p = adj.softmax %s axis 2 : {St}
  %a = adj.matmul %p, %v : {St}, {T} -> {T}
  %o = adj.matmul %a, %Wo : {T}, {Wt} -> {T}
  %y = adj.add %o, %x : {T}
  %sq = adj.square %y : {T}
  %l = adj.mean %sq : {T} -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, g, b, Wq, Wk, Wv, Wo):
        n = F.layer_norm(x, (D,), g, b, 1e-5)
        p = torch.softmax((n @ Wq) @ (n @ Wk).transpose(1, 2) * scale, 2)
        y = (p @ (n @ Wv)) @ Wo + x
        return (y * y).mean()

    rng = np.random.default_rng(0)
    w = [rng.standard_normal((D, D)) / np.sqrt(D) for _ in range(4)]
    inputs = dict(x=rng.standard_normal((B, S, D)),
                  g=1 + 0.1 * rng.standard_normal(D),
                  b=0.1 * rng.standard_normal(D),
                  Wq=w[0], Wk=w[1], Wv=w[2], Wo=w[3])
    return mlir, loss, inputs, list(inputs)


def conv_block(N=16, C=32, H=32, groups=1, dt="f32"):
    """x + relu(conv3x3(x) + c) (in `groups` groups), relu(conv1x1 to 2C),
    2x2 max pooling, spatial mean, linear, cross-entropy."""
    import torch.nn.functional as F
    C2, Hp = 2 * C, H // 2
    X, K1, Y2 = (f"tensor<{N}x{C}x{H}x{H}x{dt}>",
                 f"tensor<{C}x{C // groups}x3x3x{dt}>",
                 f"tensor<{N}x{C2}x{H}x{H}x{dt}>")
    P, M = f"tensor<{N}x{C2}x{Hp}x{Hp}x{dt}>", f"tensor<{N}x{C2}x{dt}>"
    mlir = f"""
func.func @loss(%x: {X} {{adj.name = "x"}}, %K1: {K1} {{adj.name = "K1"}},
                %c1: tensor<{C}x1x1x{dt}> {{adj.name = "c1"}},
                %K2: tensor<{C2}x{C}x1x1x{dt}> {{adj.name = "K2"}},
                %W: tensor<{C2}x10x{dt}> {{adj.name = "W"}},
                %labels: tensor<{N}xi64> {{adj.name = "labels"}}) -> tensor<{dt}> {{
  %y1 = adj.conv2d %x, %K1 padding [1, 1, 1, 1] groups {groups} : {X}, {K1} -> {X}
  %z1 = adj.add %y1, %c1 : {X}, tensor<{C}x1x1x{dt}>
  %a1 = adj.relu %z1 : {X}
  %r = adj.add %a1, %x : {X}
  %y2 = adj.conv2d %r, %K2 : {X}, tensor<{C2}x{C}x1x1x{dt}> -> {Y2}
  %a2 = adj.relu %y2 : {Y2}
  %p = adj.max_pool2d %a2 kernel [2, 2] stride [2, 2] : {Y2} -> {P}
  %m = adj.mean %p axes [2, 3] : {P} -> {M}
  %lg = adj.matmul %m, %W : {M}, tensor<{C2}x10x{dt}> -> tensor<{N}x10x{dt}>
  %l = adj.softmax_cross_entropy %lg, %labels
      : tensor<{N}x10x{dt}>, tensor<{N}xi64> -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, K1, c1, K2, W, labels):
        a1 = F.relu(F.conv2d(x, K1, padding=1, groups=groups) + c1)
        a2 = F.relu(F.conv2d(a1 + x, K2))
        return F.cross_entropy(F.max_pool2d(a2, 2).mean((2, 3)) @ W, labels)

    rng = np.random.default_rng(1)
    inputs = dict(x=rng.standard_normal((N, C, H, H)),
                  K1=rng.standard_normal((C, C // groups, 3, 3))
                  / np.sqrt(9 * C // groups),
                  c1=0.1 * rng.standard_normal((C, 1, 1)),
                  K2=rng.standard_normal((C2, C, 1, 1)) / np.sqrt(C),
                  W=rng.standard_normal((C2, 10)) / np.sqrt(C2),
                  labels=rng.integers(0, 10, N))
    return mlir, loss, inputs, ["x", "K1", "c1", "K2", "W"]


def tanh_mlp(B=256, I=512, H=512, dt="f64"):
    """tanh(x W1 + b1) W2, cross-entropy."""
    import torch
    import torch.nn.functional as F
    mlir = f"""
func.func @loss(%x: tensor<{B}x{I}x{dt}> {{adj.name = "x"}},
                %W1: tensor<{I}x{H}x{dt}> {{adj.name = "W1"}},
                %b1: tensor<{H}x{dt}> {{adj.name = "b1"}},
                %W2: tensor<{H}x10x{dt}> {{adj.name = "W2"}},
                %labels: tensor<{B}xi64> {{adj.name = "labels"}}) -> tensor<{dt}> {{
  %m = adj.matmul %x, %W1 : tensor<{B}x{I}x{dt}>, tensor<{I}x{H}x{dt}> -> tensor<{B}x{H}x{dt}>
  %z = adj.add %m, %b1 : tensor<{B}x{H}x{dt}>, tensor<{H}x{dt}>
  %h = adj.tanh %z : tensor<{B}x{H}x{dt}>
  %lg = adj.matmul %h, %W2 : tensor<{B}x{H}x{dt}>, tensor<{H}x10x{dt}> -> tensor<{B}x10x{dt}>
  %l = adj.softmax_cross_entropy %lg, %labels
      : tensor<{B}x10x{dt}>, tensor<{B}xi64> -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, W1, b1, W2, labels):
        return F.cross_entropy(torch.tanh(x @ W1 + b1) @ W2, labels)

    rng = np.random.default_rng(2)
    inputs = dict(x=rng.standard_normal((B, I)),
                  W1=rng.standard_normal((I, H)) / np.sqrt(I),
                  b1=np.zeros(H), W2=rng.standard_normal((H, 10)) / np.sqrt(H),
                  labels=rng.integers(0, 10, B))
    return mlir, loss, inputs, ["W1", "b1", "W2"]


def recurrent_source(steps, T, B, I, H, G, dt):
    """The loss of a recurrent network whose `steps` (adj text) leave the
    last state in %h{T-1} ([B, H]): x [T, B, I], Wx [I, G], Wh [H, G],
    b [G] (G = H, or 4H for an LSTM's gates), then a linear layer to 10
    classes and cross-entropy."""
    BH = f"tensor<{B}x{H}x{dt}>"
    return f"""
func.func @loss(%x: tensor<{T}x{B}x{I}x{dt}> {{adj.name = "x"}},
                %Wx: tensor<{I}x{G}x{dt}> {{adj.name = "Wx"}},
                %Wh: tensor<{H}x{G}x{dt}> {{adj.name = "Wh"}},
                %b: tensor<{G}x{dt}> {{adj.name = "b"}},
                %Wo: tensor<{H}x10x{dt}> {{adj.name = "Wo"}},
                %labels: tensor<{B}xi64> {{adj.name = "labels"}}) -> tensor<{dt}> {{
{"".join(steps)}  %lg = adj.matmul %h{T - 1}, %Wo : {BH}, tensor<{H}x10x{dt}> -> tensor<{B}x10x{dt}>
  %l = adj.softmax_cross_entropy %lg, %labels
      : tensor<{B}x10x{dt}>, tensor<{B}xi64> -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""


def rnn(T=16, B=32, I=64, H=256, dt="f32"):
    """A tanh RNN unrolled over T steps, h = tanh(x_t Wx + h Wh + b), then
    a linear layer and cross-entropy on the last state."""
    import torch
    import torch.nn.functional as F
    X, BI, BH = (f"tensor<{T}x{B}x{I}x{dt}>", f"tensor<{B}x{I}x{dt}>",
                 f"tensor<{B}x{H}x{dt}>")
    steps = []
    for t in range(T):
        recur = (f"  %r{t} = adj.matmul %h{t - 1}, %Wh : {BH}, tensor<{H}x{H}x{dt}> -> {BH}\n"
                 f"  %s{t} = adj.add %m{t}, %r{t} : {BH}\n" if t else
                 f"  %s{t} = adj.add %m{t}, %m{t} : {BH}\n")
        steps.append(
            f"  %x{t}s = adj.slice %x start [{t}, 0, 0] limit [{t + 1}, {B}, {I}]"
            f" : {X} -> tensor<1x{B}x{I}x{dt}>\n"
            f"  %x{t} = adj.reshape %x{t}s : tensor<1x{B}x{I}x{dt}> -> {BI}\n"
            f"  %m{t} = adj.matmul %x{t}, %Wx : {BI}, tensor<{I}x{H}x{dt}> -> {BH}\n"
            + recur +
            f"  %z{t} = adj.add %s{t}, %b : {BH}, tensor<{H}x{dt}>\n"
            f"  %h{t} = adj.tanh %z{t} : {BH}\n")
    mlir = recurrent_source(steps, T, B, I, H, H, dt)

    def loss(x, Wx, Wh, b, Wo, labels):
        m = x[0] @ Wx
        h = torch.tanh(m + m + b)
        for t in range(1, T):
            h = torch.tanh(x[t] @ Wx + h @ Wh + b)
        return F.cross_entropy(h @ Wo, labels)

    rng = np.random.default_rng(3)
    inputs = dict(x=rng.standard_normal((T, B, I)),
                  Wx=rng.standard_normal((I, H)) / np.sqrt(I),
                  Wh=rng.standard_normal((H, H)) / np.sqrt(H),
                  b=0.1 * rng.standard_normal(H),
                  Wo=rng.standard_normal((H, 10)) / np.sqrt(H),
                  labels=rng.integers(0, 10, B))
    return mlir, loss, inputs, ["Wx", "Wh", "b", "Wo"]


def embedding_bag(V=20000, E=128, B=64, L=32, H=256, dt="f32"):
    """A text classifier: embedding lookup, mean over the sequence, a ReLU
    layer, cross-entropy; the table's gradient is a scatter-add."""
    import torch
    import torch.nn.functional as F
    mlir = f"""
func.func @loss(%table: tensor<{V}x{E}x{dt}> {{adj.name = "table"}},
                %tokens: tensor<{B}x{L}xi64> {{adj.name = "tokens"}},
                %W1: tensor<{E}x{H}x{dt}> {{adj.name = "W1"}},
                %b1: tensor<{H}x{dt}> {{adj.name = "b1"}},
                %W2: tensor<{H}x10x{dt}> {{adj.name = "W2"}},
                %labels: tensor<{B}xi64> {{adj.name = "labels"}}) -> tensor<{dt}> {{
  %e = adj.gather %table[%tokens] axis 0
      : tensor<{V}x{E}x{dt}>, tensor<{B}x{L}xi64> -> tensor<{B}x{L}x{E}x{dt}>
  %m = adj.mean %e axes [1] : tensor<{B}x{L}x{E}x{dt}> -> tensor<{B}x{E}x{dt}>
  %z = adj.matmul %m, %W1 : tensor<{B}x{E}x{dt}>, tensor<{E}x{H}x{dt}> -> tensor<{B}x{H}x{dt}>
  %zb = adj.add %z, %b1 : tensor<{B}x{H}x{dt}>, tensor<{H}x{dt}>
  %h = adj.relu %zb : tensor<{B}x{H}x{dt}>
  %lg = adj.matmul %h, %W2 : tensor<{B}x{H}x{dt}>, tensor<{H}x10x{dt}> -> tensor<{B}x10x{dt}>
  %l = adj.softmax_cross_entropy %lg, %labels
      : tensor<{B}x10x{dt}>, tensor<{B}xi64> -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(table, tokens, W1, b1, W2, labels):
        m = F.embedding(tokens, table).mean(1)
        return F.cross_entropy(F.relu(m @ W1 + b1) @ W2, labels)

    rng = np.random.default_rng(4)
    inputs = dict(table=rng.standard_normal((V, E)),
                  tokens=rng.integers(0, V, (B, L)),
                  W1=rng.standard_normal((E, H)) / np.sqrt(E),
                  b1=np.zeros(H), W2=rng.standard_normal((H, 10)) / np.sqrt(H),
                  labels=rng.integers(0, 10, B))
    return mlir, loss, inputs, ["table", "W1", "b1", "W2"]


def bn_conv(N=32, C=16, H=32, C2=32, dt="f32"):
    """conv3x3 stride 2, batch norm, ReLU, conv3x3, batch norm, ReLU, 2x2
    average pooling, linear, cross-entropy (training-mode batch norm)."""
    import torch.nn.functional as F
    Ho, Hp = H // 2, H // 4
    X, Y = f"tensor<{N}x{C}x{H}x{H}x{dt}>", f"tensor<{N}x{C2}x{Ho}x{Ho}x{dt}>"
    K1, K2 = f"tensor<{C2}x{C}x3x3x{dt}>", f"tensor<{C2}x{C2}x3x3x{dt}>"
    P, F_ = f"tensor<{N}x{C2}x{Hp}x{Hp}x{dt}>", f"tensor<{N}x{C2 * Hp * Hp}x{dt}>"
    V = f"tensor<{C2}x{dt}>"
    mlir = f"""
func.func @loss(%x: {X} {{adj.name = "x"}}, %K1: {K1} {{adj.name = "K1"}},
                %g1: {V} {{adj.name = "g1"}}, %b1: {V} {{adj.name = "b1"}},
                %K2: {K2} {{adj.name = "K2"}},
                %g2: {V} {{adj.name = "g2"}}, %b2: {V} {{adj.name = "b2"}},
                %W: tensor<{C2 * Hp * Hp}x10x{dt}> {{adj.name = "W"}},
                %labels: tensor<{N}xi64> {{adj.name = "labels"}}) -> tensor<{dt}> {{
  %y1 = adj.conv2d %x, %K1 stride [2, 2] padding [1, 1, 1, 1] : {X}, {K1} -> {Y}
  %n1, %m1, %v1 = adj.batch_norm %y1, %g1, %b1 : {Y}, {V}, {V}
  %a1 = adj.relu %n1 : {Y}
  %y2 = adj.conv2d %a1, %K2 padding [1, 1, 1, 1] : {Y}, {K2} -> {Y}
  %n2, %m2, %v2 = adj.batch_norm %y2, %g2, %b2 : {Y}, {V}, {V}
  %a2 = adj.relu %n2 : {Y}
  %p = adj.avg_pool2d %a2 kernel [2, 2] : {Y} -> {P}
  %f = adj.reshape %p : {P} -> {F_}
  %lg = adj.matmul %f, %W : {F_}, tensor<{C2 * Hp * Hp}x10x{dt}> -> tensor<{N}x10x{dt}>
  %l = adj.softmax_cross_entropy %lg, %labels
      : tensor<{N}x10x{dt}>, tensor<{N}xi64> -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, K1, g1, b1, K2, g2, b2, W, labels):
        def bn(y, g, b):
            return F.batch_norm(y, None, None, g, b, training=True, eps=1e-5)
        a1 = F.relu(bn(F.conv2d(x, K1, stride=2, padding=1), g1, b1))
        a2 = F.relu(bn(F.conv2d(a1, K2, padding=1), g2, b2))
        return F.cross_entropy(F.avg_pool2d(a2, 2).flatten(1) @ W, labels)

    rng = np.random.default_rng(5)
    inputs = dict(x=rng.standard_normal((N, C, H, H)),
                  K1=rng.standard_normal((C2, C, 3, 3)) / np.sqrt(9 * C),
                  g1=1 + 0.1 * rng.standard_normal(C2),
                  b1=0.1 * rng.standard_normal(C2),
                  K2=rng.standard_normal((C2, C2, 3, 3)) / np.sqrt(9 * C2),
                  g2=1 + 0.1 * rng.standard_normal(C2),
                  b2=0.1 * rng.standard_normal(C2),
                  W=rng.standard_normal((C2 * Hp * Hp, 10)) / np.sqrt(C2 * Hp * Hp),
                  labels=rng.integers(0, 10, N))
    return mlir, loss, inputs, ["K1", "g1", "b1", "K2", "g2", "b2", "W"]


def lstm(T=12, B=32, I=64, H=256, dt="f32"):
    """An LSTM unrolled over T steps (PyTorch's gate order i, f, g, o, sliced
    from one x_t Wx + h Wh + b), then a linear layer and cross-entropy on the
    last state."""
    import torch
    import torch.nn.functional as F
    X, BI, BH, BG = (f"tensor<{T}x{B}x{I}x{dt}>", f"tensor<{B}x{I}x{dt}>",
                     f"tensor<{B}x{H}x{dt}>", f"tensor<{B}x{4 * H}x{dt}>")
    steps = []
    for t in range(T):
        s = (f"  %x{t}s = adj.slice %x start [{t}, 0, 0] limit [{t + 1}, {B}, {I}]"
             f" : {X} -> tensor<1x{B}x{I}x{dt}>\n"
             f"  %x{t} = adj.reshape %x{t}s : tensor<1x{B}x{I}x{dt}> -> {BI}\n"
             f"  %m{t} = adj.matmul %x{t}, %Wx : {BI}, tensor<{I}x{4 * H}x{dt}> -> {BG}\n")
        if t:
            s += (f"  %r{t} = adj.matmul %h{t - 1}, %Wh : {BH}, tensor<{H}x{4 * H}x{dt}> -> {BG}\n"
                  f"  %s{t} = adj.add %m{t}, %r{t} : {BG}\n"
                  f"  %z{t} = adj.add %s{t}, %b : {BG}, tensor<{4 * H}x{dt}>\n")
        else:
            s += f"  %z{t} = adj.add %m{t}, %b : {BG}, tensor<{4 * H}x{dt}>\n"
        for j, (gate, act) in enumerate(zip("ifgo", ["sigmoid", "sigmoid",
                                                     "tanh", "sigmoid"])):
            s += (f"  %{gate}{t}z = adj.slice %z{t} start [0, {j * H}] limit "
                  f"[{B}, {(j + 1) * H}] : {BG} -> {BH}\n"
                  f"  %{gate}{t} = adj.{act} %{gate}{t}z : {BH}\n")
        if t:
            s += (f"  %ig{t} = adj.mul %i{t}, %g{t} : {BH}\n"
                  f"  %fc{t} = adj.mul %f{t}, %c{t - 1} : {BH}\n"
                  f"  %c{t} = adj.add %fc{t}, %ig{t} : {BH}\n")
        else:  # h and c start at 0: no recurrence, and f is unused
            s += f"  %c{t} = adj.mul %i{t}, %g{t} : {BH}\n"
        s += (f"  %tc{t} = adj.tanh %c{t} : {BH}\n"
              f"  %h{t} = adj.mul %o{t}, %tc{t} : {BH}\n")
        steps.append(s)
    mlir = recurrent_source(steps, T, B, I, H, 4 * H, dt)

    def loss(x, Wx, Wh, b, Wo, labels):
        h = c = None
        for t in range(T):
            z = x[t] @ Wx + b if h is None else x[t] @ Wx + h @ Wh + b
            i, f, g, o = z.chunk(4, 1)
            i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
            c = i * g if c is None else f * c + i * g
            h = o * torch.tanh(c)
        return F.cross_entropy(h @ Wo, labels)

    rng = np.random.default_rng(6)
    inputs = dict(x=rng.standard_normal((T, B, I)),
                  Wx=rng.standard_normal((I, 4 * H)) / np.sqrt(I),
                  Wh=rng.standard_normal((H, 4 * H)) / np.sqrt(H),
                  b=0.1 * rng.standard_normal(4 * H),
                  Wo=rng.standard_normal((H, 10)) / np.sqrt(H),
                  labels=rng.integers(0, 10, B))
    return mlir, loss, inputs, ["Wx", "Wh", "b", "Wo"]


def vgg(N=32, H=32, C1=32, C2=64, dt="f32"):
    """VGG-style: (conv3x3 + bias, ReLU, 2x2 max pooling) twice, 3 -> C1 ->
    C2 channels, flatten, linear, cross-entropy."""
    import torch.nn.functional as F
    H2, H4 = H // 2, H // 4
    X, K1, Y1 = (f"tensor<{N}x3x{H}x{H}x{dt}>", f"tensor<{C1}x3x3x3x{dt}>",
                 f"tensor<{N}x{C1}x{H}x{H}x{dt}>")
    P1, K2, Y2 = (f"tensor<{N}x{C1}x{H2}x{H2}x{dt}>",
                  f"tensor<{C2}x{C1}x3x3x{dt}>", f"tensor<{N}x{C2}x{H2}x{H2}x{dt}>")
    P2, F_ = f"tensor<{N}x{C2}x{H4}x{H4}x{dt}>", f"tensor<{N}x{C2 * H4 * H4}x{dt}>"
    Wt = f"tensor<{C2 * H4 * H4}x10x{dt}>"
    c1, c2 = f"tensor<{C1}x1x1x{dt}>", f"tensor<{C2}x1x1x{dt}>"
    mlir = f"""
func.func @loss(%x: {X} {{adj.name = "x"}}, %K1: {K1} {{adj.name = "K1"}},
                %c1: {c1} {{adj.name = "c1"}}, %K2: {K2} {{adj.name = "K2"}},
                %c2: {c2} {{adj.name = "c2"}}, %W: {Wt} {{adj.name = "W"}},
                %labels: tensor<{N}xi64> {{adj.name = "labels"}}) -> tensor<{dt}> {{
  %y1 = adj.conv2d %x, %K1 padding [1, 1, 1, 1] : {X}, {K1} -> {Y1}
  %z1 = adj.add %y1, %c1 : {Y1}, {c1}
  %a1 = adj.relu %z1 : {Y1}
  %p1 = adj.max_pool2d %a1 kernel [2, 2] : {Y1} -> {P1}
  %y2 = adj.conv2d %p1, %K2 padding [1, 1, 1, 1] : {P1}, {K2} -> {Y2}
  %z2 = adj.add %y2, %c2 : {Y2}, {c2}
  %a2 = adj.relu %z2 : {Y2}
  %p2 = adj.max_pool2d %a2 kernel [2, 2] : {Y2} -> {P2}
  %f = adj.reshape %p2 : {P2} -> {F_}
  %lg = adj.matmul %f, %W : {F_}, {Wt} -> tensor<{N}x10x{dt}>
  %l = adj.softmax_cross_entropy %lg, %labels
      : tensor<{N}x10x{dt}>, tensor<{N}xi64> -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, K1, c1, K2, c2, W, labels):
        p1 = F.max_pool2d(F.relu(F.conv2d(x, K1, padding=1) + c1), 2)
        p2 = F.max_pool2d(F.relu(F.conv2d(p1, K2, padding=1) + c2), 2)
        return F.cross_entropy(p2.flatten(1) @ W, labels)

    rng = np.random.default_rng(7)
    inputs = dict(x=rng.standard_normal((N, 3, H, H)),
                  K1=rng.standard_normal((C1, 3, 3, 3)) / np.sqrt(27),
                  c1=0.1 * rng.standard_normal((C1, 1, 1)),
                  K2=rng.standard_normal((C2, C1, 3, 3)) / np.sqrt(9 * C1),
                  c2=0.1 * rng.standard_normal((C2, 1, 1)),
                  W=rng.standard_normal((C2 * H4 * H4, 10)) / np.sqrt(C2 * H4 * H4),
                  labels=rng.integers(0, 10, N))
    return mlir, loss, inputs, ["K1", "c1", "K2", "c2", "W"]


def encoder(B=8, S=128, D=384, heads=6, Fd=1536, dt="f32"):
    """A pre-norm transformer encoder block: layer norm, multi-head
    self-attention (heads split by reshape + transpose), residual, layer
    norm, GELU feed-forward (D -> Fd -> D, with biases), residual; loss
    mean(y²)."""
    import torch
    import torch.nn.functional as F
    Dh = D // heads
    T, Wt, V = f"tensor<{B}x{S}x{D}x{dt}>", f"tensor<{D}x{D}x{dt}>", f"tensor<{D}x{dt}>"
    T4, Hd = f"tensor<{B}x{S}x{heads}x{Dh}x{dt}>", f"tensor<{B}x{heads}x{S}x{Dh}x{dt}>"
    Kt, St = f"tensor<{B}x{heads}x{Dh}x{S}x{dt}>", f"tensor<{B}x{heads}x{S}x{S}x{dt}>"
    TF, W1, W2 = (f"tensor<{B}x{S}x{Fd}x{dt}>", f"tensor<{D}x{Fd}x{dt}>",
                  f"tensor<{Fd}x{D}x{dt}>")
    scale = 1.0 / np.sqrt(Dh)
    mlir = f"""
func.func @loss(%x: {T} {{adj.name = "x"}}, %g1: {V} {{adj.name = "g1"}},
                %be1: {V} {{adj.name = "be1"}}, %Wq: {Wt} {{adj.name = "Wq"}},
                %Wk: {Wt} {{adj.name = "Wk"}}, %Wv: {Wt} {{adj.name = "Wv"}},
                %Wo: {Wt} {{adj.name = "Wo"}}, %g2: {V} {{adj.name = "g2"}},
                %be2: {V} {{adj.name = "be2"}}, %W1: {W1} {{adj.name = "W1"}},
                %b1: tensor<{Fd}x{dt}> {{adj.name = "b1"}},
                %W2: {W2} {{adj.name = "W2"}}, %b2: {V} {{adj.name = "b2"}})
    -> tensor<{dt}> {{
  %n = adj.layer_norm %x, %g1, %be1 axis 2 : {T}, {V}, {V}
  %q0 = adj.matmul %n, %Wq : {T}, {Wt} -> {T}
  %k0 = adj.matmul %n, %Wk : {T}, {Wt} -> {T}
  %v0 = adj.matmul %n, %Wv : {T}, {Wt} -> {T}
  %q1 = adj.reshape %q0 : {T} -> {T4}
  %k1 = adj.reshape %k0 : {T} -> {T4}
  %v1 = adj.reshape %v0 : {T} -> {T4}
  %q = adj.transpose %q1 [0, 2, 1, 3] : {T4} -> {Hd}
  %kt = adj.transpose %k1 [0, 2, 3, 1] : {T4} -> {Kt}
  %v = adj.transpose %v1 [0, 2, 1, 3] : {T4} -> {Hd}
  %s0 = adj.matmul %q, %kt : {Hd}, {Kt} -> {St}
  %c = adj.constant dense<{scale}> : tensor<{dt}>
  %s = adj.mul %s0, %c : {St}, tensor<{dt}>
  %p = adj.softmax %s axis 3 : {St}
  %a0 = adj.matmul %p, %v : {St}, {Hd} -> {Hd}
  %a1 = adj.transpose %a0 [0, 2, 1, 3] : {Hd} -> {T4}
  %a = adj.reshape %a1 : {T4} -> {T}
  %o = adj.matmul %a, %Wo : {T}, {Wt} -> {T}
  %y1 = adj.add %o, %x : {T}
  %n2 = adj.layer_norm %y1, %g2, %be2 axis 2 : {T}, {V}, {V}
  %f0 = adj.matmul %n2, %W1 : {T}, {W1} -> {TF}
  %f1 = adj.add %f0, %b1 : {TF}, tensor<{Fd}x{dt}>
  %f2 = adj.gelu %f1 : {TF}
  %f3 = adj.matmul %f2, %W2 : {TF}, {W2} -> {T}
  %f4 = adj.add %f3, %b2 : {T}, {V}
  %y = adj.add %y1, %f4 : {T}
  %sq = adj.square %y : {T}
  %l = adj.mean %sq : {T} -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, g1, be1, Wq, Wk, Wv, Wo, g2, be2, W1, b1, W2, b2):
        def split(t):
            return t.reshape(B, S, heads, Dh).transpose(1, 2)
        n = F.layer_norm(x, (D,), g1, be1, 1e-5)
        q, k, v = split(n @ Wq), split(n @ Wk), split(n @ Wv)
        p = torch.softmax(q @ k.transpose(2, 3) * scale, 3)
        y1 = (p @ v).transpose(1, 2).reshape(B, S, D) @ Wo + x
        n2 = F.layer_norm(y1, (D,), g2, be2, 1e-5)
        y = y1 + F.gelu(n2 @ W1 + b1) @ W2 + b2
        return (y * y).mean()

    rng = np.random.default_rng(8)
    w = [rng.standard_normal((D, D)) / np.sqrt(D) for _ in range(4)]
    inputs = dict(x=rng.standard_normal((B, S, D)),
                  g1=1 + 0.1 * rng.standard_normal(D),
                  be1=0.1 * rng.standard_normal(D),
                  Wq=w[0], Wk=w[1], Wv=w[2], Wo=w[3],
                  g2=1 + 0.1 * rng.standard_normal(D),
                  be2=0.1 * rng.standard_normal(D),
                  W1=rng.standard_normal((D, Fd)) / np.sqrt(D),
                  b1=0.1 * rng.standard_normal(Fd),
                  W2=rng.standard_normal((Fd, D)) / np.sqrt(Fd),
                  b2=0.1 * rng.standard_normal(D))
    return mlir, loss, inputs, list(inputs)


def wide_mlp(B=256, I=1024, H=2048, dt="f32"):
    """relu(relu(x W1 + b1) W2 + b2) W3, cross-entropy: two wide layers."""
    import torch.nn.functional as F
    X, Hm = f"tensor<{B}x{I}x{dt}>", f"tensor<{B}x{H}x{dt}>"
    W1, W2, Bv = f"tensor<{I}x{H}x{dt}>", f"tensor<{H}x{H}x{dt}>", f"tensor<{H}x{dt}>"
    mlir = f"""
func.func @loss(%x: {X} {{adj.name = "x"}}, %W1: {W1} {{adj.name = "W1"}},
                %b1: {Bv} {{adj.name = "b1"}}, %W2: {W2} {{adj.name = "W2"}},
                %b2: {Bv} {{adj.name = "b2"}},
                %W3: tensor<{H}x10x{dt}> {{adj.name = "W3"}},
                %labels: tensor<{B}xi64> {{adj.name = "labels"}}) -> tensor<{dt}> {{
  %m1 = adj.matmul %x, %W1 : {X}, {W1} -> {Hm}
  %z1 = adj.add %m1, %b1 : {Hm}, {Bv}
  %h1 = adj.relu %z1 : {Hm}
  %m2 = adj.matmul %h1, %W2 : {Hm}, {W2} -> {Hm}
  %z2 = adj.add %m2, %b2 : {Hm}, {Bv}
  %h2 = adj.relu %z2 : {Hm}
  %lg = adj.matmul %h2, %W3 : {Hm}, tensor<{H}x10x{dt}> -> tensor<{B}x10x{dt}>
  %l = adj.softmax_cross_entropy %lg, %labels
      : tensor<{B}x10x{dt}>, tensor<{B}xi64> -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, W1, b1, W2, b2, W3, labels):
        h1 = F.relu(x @ W1 + b1)
        return F.cross_entropy(F.relu(h1 @ W2 + b2) @ W3, labels)

    rng = np.random.default_rng(9)
    inputs = dict(x=rng.standard_normal((B, I)),
                  W1=rng.standard_normal((I, H)) / np.sqrt(I),
                  b1=0.1 * rng.standard_normal(H),
                  W2=rng.standard_normal((H, H)) / np.sqrt(H),
                  b2=0.1 * rng.standard_normal(H),
                  W3=rng.standard_normal((H, 10)) / np.sqrt(H),
                  labels=rng.integers(0, 10, B))
    return mlir, loss, inputs, ["W1", "b1", "W2", "b2", "W3"]


def gru(T=12, B=32, I=64, H=128, dt="f32"):
    """A GRU unrolled over T steps (PyTorch's equations and gate order r, z,
    n; from a given initial state h0), then a linear layer and cross-entropy
    on the last state."""
    import torch
    import torch.nn.functional as F
    X, BI, BH, B3 = (f"tensor<{T}x{B}x{I}x{dt}>", f"tensor<{B}x{I}x{dt}>",
                     f"tensor<{B}x{H}x{dt}>", f"tensor<{B}x{3 * H}x{dt}>")
    G = f"tensor<{3 * H}x{dt}>"
    s = ""
    for t in range(T):
        h = "%h0in" if t == 0 else f"%h{t - 1}"
        s += f"""  %x{t}s = adj.slice %x start [{t}, 0, 0] limit [{t + 1}, {B}, {I}] : {X} -> tensor<1x{B}x{I}x{dt}>
  %x{t} = adj.reshape %x{t}s : tensor<1x{B}x{I}x{dt}> -> {BI}
  %gi{t}m = adj.matmul %x{t}, %Wx : {BI}, tensor<{I}x{3 * H}x{dt}> -> {B3}
  %gi{t} = adj.add %gi{t}m, %bx : {B3}, {G}
  %gh{t}m = adj.matmul {h}, %Wh : {BH}, tensor<{H}x{3 * H}x{dt}> -> {B3}
  %gh{t} = adj.add %gh{t}m, %bh : {B3}, {G}
  %ir{t} = adj.slice %gi{t} start [0, 0] limit [{B}, {H}] : {B3} -> {BH}
  %iz{t} = adj.slice %gi{t} start [0, {H}] limit [{B}, {2 * H}] : {B3} -> {BH}
  %in{t} = adj.slice %gi{t} start [0, {2 * H}] limit [{B}, {3 * H}] : {B3} -> {BH}
  %hr{t} = adj.slice %gh{t} start [0, 0] limit [{B}, {H}] : {B3} -> {BH}
  %hz{t} = adj.slice %gh{t} start [0, {H}] limit [{B}, {2 * H}] : {B3} -> {BH}
  %hn{t} = adj.slice %gh{t} start [0, {2 * H}] limit [{B}, {3 * H}] : {B3} -> {BH}
  %rs{t} = adj.add %ir{t}, %hr{t} : {BH}
  %r{t} = adj.sigmoid %rs{t} : {BH}
  %zs{t} = adj.add %iz{t}, %hz{t} : {BH}
  %z{t} = adj.sigmoid %zs{t} : {BH}
  %rn{t} = adj.mul %r{t}, %hn{t} : {BH}
  %ns{t} = adj.add %in{t}, %rn{t} : {BH}
  %n{t} = adj.tanh %ns{t} : {BH}
  %d{t} = adj.sub {h}, %n{t} : {BH}
  %zd{t} = adj.mul %z{t}, %d{t} : {BH}
  %h{t} = adj.add %n{t}, %zd{t} : {BH}
"""
    mlir = f"""
func.func @loss(%x: {X} {{adj.name = "x"}}, %h0in: {BH} {{adj.name = "h0"}},
                %Wx: tensor<{I}x{3 * H}x{dt}> {{adj.name = "Wx"}},
                %Wh: tensor<{H}x{3 * H}x{dt}> {{adj.name = "Wh"}},
                %bx: {G} {{adj.name = "bx"}}, %bh: {G} {{adj.name = "bh"}},
                %Wo: tensor<{H}x10x{dt}> {{adj.name = "Wo"}},
                %labels: tensor<{B}xi64> {{adj.name = "labels"}}) -> tensor<{dt}> {{
{s}  %lg = adj.matmul %h{T - 1}, %Wo : {BH}, tensor<{H}x10x{dt}> -> tensor<{B}x10x{dt}>
  %l = adj.softmax_cross_entropy %lg, %labels : tensor<{B}x10x{dt}>, tensor<{B}xi64> -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, h0, Wx, Wh, bx, bh, Wo, labels):
        h = h0
        for t in range(T):
            ir, iz, in_ = (x[t] @ Wx + bx).chunk(3, 1)
            hr, hz, hn = (h @ Wh + bh).chunk(3, 1)
            r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
            n = torch.tanh(in_ + r * hn)
            h = (1 - z) * n + z * h
        return F.cross_entropy(h @ Wo, labels)

    rng = np.random.default_rng(10)
    inputs = dict(x=rng.standard_normal((T, B, I)),
                  h0=0.1 * rng.standard_normal((B, H)),
                  Wx=rng.standard_normal((I, 3 * H)) / np.sqrt(I),
                  Wh=rng.standard_normal((H, 3 * H)) / np.sqrt(H),
                  bx=0.1 * rng.standard_normal(3 * H),
                  bh=0.1 * rng.standard_normal(3 * H),
                  Wo=rng.standard_normal((H, 10)) / np.sqrt(H),
                  labels=rng.integers(0, 10, B))
    return mlir, loss, inputs, ["x", "h0", "Wx", "Wh", "bx", "bh", "Wo"]


def conv1d(N=32, C=16, L=128, C2=32, dt="f32"):
    """A 1-D conv net over sequences, written with conv2d over [N, C, 1, L]:
    conv k=5 pad 2, relu, max pool 2, conv k=3 dilation 2 pad 2, relu, mean
    over time, linear, CE."""
    import torch.nn.functional as F
    L2 = L // 2
    X, X4 = f"tensor<{N}x{C}x{L}x{dt}>", f"tensor<{N}x{C}x1x{L}x{dt}>"
    K1, Y1 = f"tensor<{C2}x{C}x1x5x{dt}>", f"tensor<{N}x{C2}x1x{L}x{dt}>"
    P1 = f"tensor<{N}x{C2}x1x{L2}x{dt}>"
    K2 = f"tensor<{C2}x{C2}x1x3x{dt}>"
    b = f"tensor<{C2}x1x1x{dt}>"
    mlir = f"""
func.func @loss(%x: {X} {{adj.name = "x"}}, %K1: {K1} {{adj.name = "K1"}},
                %b1: {b} {{adj.name = "b1"}}, %K2: {K2} {{adj.name = "K2"}},
                %b2: {b} {{adj.name = "b2"}},
                %W: tensor<{C2}x10x{dt}> {{adj.name = "W"}},
                %labels: tensor<{N}xi64> {{adj.name = "labels"}}) -> tensor<{dt}> {{
  %x4 = adj.reshape %x : {X} -> {X4}
  %y1 = adj.conv2d %x4, %K1 padding [0, 2, 0, 2] : {X4}, {K1} -> {Y1}
  %z1 = adj.add %y1, %b1 : {Y1}, {b}
  %a1 = adj.relu %z1 : {Y1}
  %p1 = adj.max_pool2d %a1 kernel [1, 2] : {Y1} -> {P1}
  %y2 = adj.conv2d %p1, %K2 padding [0, 2, 0, 2] dilation [1, 2] : {P1}, {K2} -> {P1}
  %z2 = adj.add %y2, %b2 : {P1}, {b}
  %a2 = adj.relu %z2 : {P1}
  %m = adj.mean %a2 axes [2, 3] : {P1} -> tensor<{N}x{C2}x{dt}>
  %lg = adj.matmul %m, %W : tensor<{N}x{C2}x{dt}>, tensor<{C2}x10x{dt}> -> tensor<{N}x10x{dt}>
  %l = adj.softmax_cross_entropy %lg, %labels : tensor<{N}x10x{dt}>, tensor<{N}xi64> -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, K1, b1, K2, b2, W, labels):
        a1 = F.relu(F.conv1d(x, K1[:, :, 0], b1[:, 0, 0], padding=2))
        p1 = F.max_pool1d(a1, 2)
        a2 = F.relu(F.conv1d(p1, K2[:, :, 0], b2[:, 0, 0], padding=2, dilation=2))
        return F.cross_entropy(a2.mean(2) @ W, labels)

    rng = np.random.default_rng(11)
    inputs = dict(x=rng.standard_normal((N, C, L)),
                  K1=rng.standard_normal((C2, C, 1, 5)) / np.sqrt(5 * C),
                  b1=0.1 * rng.standard_normal((C2, 1, 1)),
                  K2=rng.standard_normal((C2, C2, 1, 3)) / np.sqrt(3 * C2),
                  b2=0.1 * rng.standard_normal((C2, 1, 1)),
                  W=rng.standard_normal((C2, 10)) / np.sqrt(C2),
                  labels=rng.integers(0, 10, N))
    return mlir, loss, inputs, ["x", "K1", "b1", "K2", "b2", "W"]


def oddconv(N=16, H=33, C1=16, C2=32, dt="f32"):
    """conv 5x5 stride 3 pad 2, relu, conv 3x3 dilation 2 pad 2, tanh, avg
    pool 3x3 stride 2 pad 1, flatten, linear, CE."""
    import torch
    import torch.nn.functional as F
    H1 = (H + 4 - 5) // 3 + 1          # 11
    H2 = H1                           # dilation 2, pad 2
    H3 = (H2 + 2 - 3) // 2 + 1         # 6
    X, K1, Y1 = (f"tensor<{N}x3x{H}x{H}x{dt}>", f"tensor<{C1}x3x5x5x{dt}>",
                 f"tensor<{N}x{C1}x{H1}x{H1}x{dt}>")
    K2, Y2 = f"tensor<{C2}x{C1}x3x3x{dt}>", f"tensor<{N}x{C2}x{H2}x{H2}x{dt}>"
    P, Fl = f"tensor<{N}x{C2}x{H3}x{H3}x{dt}>", f"tensor<{N}x{C2 * H3 * H3}x{dt}>"
    Wt = f"tensor<{C2 * H3 * H3}x10x{dt}>"
    mlir = f"""
func.func @loss(%x: {X} {{adj.name = "x"}}, %K1: {K1} {{adj.name = "K1"}},
                %K2: {K2} {{adj.name = "K2"}}, %W: {Wt} {{adj.name = "W"}},
                %labels: tensor<{N}xi64> {{adj.name = "labels"}}) -> tensor<{dt}> {{
  %y1 = adj.conv2d %x, %K1 stride [3, 3] padding [2, 2, 2, 2] : {X}, {K1} -> {Y1}
  %a1 = adj.relu %y1 : {Y1}
  %y2 = adj.conv2d %a1, %K2 padding [2, 2, 2, 2] dilation [2, 2] : {Y1}, {K2} -> {Y2}
  %a2 = adj.tanh %y2 : {Y2}
  %p = adj.avg_pool2d %a2 kernel [3, 3] stride [2, 2] padding [1, 1, 1, 1] : {Y2} -> {P}
  %f = adj.reshape %p : {P} -> {Fl}
  %lg = adj.matmul %f, %W : {Fl}, {Wt} -> tensor<{N}x10x{dt}>
  %l = adj.softmax_cross_entropy %lg, %labels : tensor<{N}x10x{dt}>, tensor<{N}xi64> -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, K1, K2, W, labels):
        a1 = F.relu(F.conv2d(x, K1, stride=3, padding=2))
        a2 = torch.tanh(F.conv2d(a1, K2, padding=2, dilation=2))
        p = F.avg_pool2d(a2, 3, 2, 1)
        return F.cross_entropy(p.flatten(1) @ W, labels)

    rng = np.random.default_rng(12)
    inputs = dict(x=rng.standard_normal((N, 3, H, H)),
                  K1=rng.standard_normal((C1, 3, 5, 5)) / np.sqrt(75),
                  K2=rng.standard_normal((C2, C1, 3, 3)) / np.sqrt(9 * C1),
                  W=rng.standard_normal((C2 * H3 * H3, 10)) / np.sqrt(C2 * H3 * H3),
                  labels=rng.integers(0, 10, N))
    return mlir, loss, inputs, ["x", "K1", "K2", "W"]


def causal_attn(B=8, S=64, D=128, dt="f32"):
    """Single-head causal self-attention with an iota/compare/select mask,
    then a next-token-style loss: mean squared error to a target."""
    import torch
    T, Wt = f"tensor<{B}x{S}x{D}x{dt}>", f"tensor<{D}x{D}x{dt}>"
    St, Kt, M = (f"tensor<{B}x{S}x{S}x{dt}>", f"tensor<{B}x{D}x{S}x{dt}>",
                 f"tensor<{S}x{S}x{dt}>")
    scale = 1.0 / np.sqrt(D)
    mlir = f"""
func.func @loss(%x: {T} {{adj.name = "x"}}, %Wq: {Wt} {{adj.name = "Wq"}},
                %Wk: {Wt} {{adj.name = "Wk"}}, %Wv: {Wt} {{adj.name = "Wv"}},
                %y: {T} {{adj.name = "y"}}) -> tensor<{dt}> {{
  %q = adj.matmul %x, %Wq : {T}, {Wt} -> {T}
  %k = adj.matmul %x, %Wk : {T}, {Wt} -> {T}
  %v = adj.matmul %x, %Wv : {T}, {Wt} -> {T}
  %kt = adj.transpose %k [0, 2, 1] : {T} -> {Kt}
  %s0 = adj.matmul %q, %kt : {T}, {Kt} -> {St}
  %c = adj.constant dense<{scale}> : tensor<{dt}>
  %s = adj.mul %s0, %c : {St}, tensor<{dt}>
  %row = adj.iota dim 0 : {M}
  %col = adj.iota dim 1 : {M}
  %future = adj.compare gt, %col, %row : {M}
  %ninf = adj.constant dense<-1.0e9> : tensor<{dt}>
  %sm = adj.select %future, %ninf, %s : tensor<{S}x{S}xi1>, tensor<{dt}>, {St}
  %p = adj.softmax %sm axis 2 : {St}
  %a = adj.matmul %p, %v : {St}, {T} -> {T}
  %d = adj.sub %a, %y : {T}
  %sq = adj.square %d : {T}
  %l = adj.mean %sq : {T} -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, Wq, Wk, Wv, y):
        s = (x @ Wq) @ (x @ Wk).transpose(1, 2) * scale
        mask = torch.triu(torch.ones(S, S, dtype=torch.bool), 1)
        p = torch.softmax(s.masked_fill(mask, -1e9), 2)
        return ((p @ (x @ Wv) - y) ** 2).mean()

    rng = np.random.default_rng(13)
    w = [rng.standard_normal((D, D)) / np.sqrt(D) for _ in range(3)]
    inputs = dict(x=rng.standard_normal((B, S, D)), Wq=w[0], Wk=w[1], Wv=w[2],
                  y=rng.standard_normal((B, S, D)))
    return mlir, loss, inputs, ["x", "Wq", "Wk", "Wv"]


def resmlp_l2(B=128, I=256, H=256, dt="f32", lam=1e-3):
    """x W0 -> two residual blocks h + relu(h W + b) -> W3 -> CE, plus
    lam * (sum of squared weights)."""
    import torch
    import torch.nn.functional as F
    Bh, W, V = f"tensor<{B}x{H}x{dt}>", f"tensor<{H}x{H}x{dt}>", f"tensor<{H}x{dt}>"
    mlir = f"""
func.func @loss(%x: tensor<{B}x{I}x{dt}> {{adj.name = "x"}},
                %W0: tensor<{I}x{H}x{dt}> {{adj.name = "W0"}},
                %W1: {W} {{adj.name = "W1"}}, %b1: {V} {{adj.name = "b1"}},
                %W2: {W} {{adj.name = "W2"}}, %b2: {V} {{adj.name = "b2"}},
                %W3: tensor<{H}x10x{dt}> {{adj.name = "W3"}},
                %labels: tensor<{B}xi64> {{adj.name = "labels"}}) -> tensor<{dt}> {{
  %h0 = adj.matmul %x, %W0 : tensor<{B}x{I}x{dt}>, tensor<{I}x{H}x{dt}> -> {Bh}
  %m1 = adj.matmul %h0, %W1 : {Bh}, {W} -> {Bh}
  %z1 = adj.add %m1, %b1 : {Bh}, {V}
  %r1 = adj.relu %z1 : {Bh}
  %h1 = adj.add %h0, %r1 : {Bh}
  %m2 = adj.matmul %h1, %W2 : {Bh}, {W} -> {Bh}
  %z2 = adj.add %m2, %b2 : {Bh}, {V}
  %r2 = adj.relu %z2 : {Bh}
  %h2 = adj.add %h1, %r2 : {Bh}
  %lg = adj.matmul %h2, %W3 : {Bh}, tensor<{H}x10x{dt}> -> tensor<{B}x10x{dt}>
  %ce = adj.softmax_cross_entropy %lg, %labels : tensor<{B}x10x{dt}>, tensor<{B}xi64> -> tensor<{dt}>
  %q0 = adj.square %W0 : tensor<{I}x{H}x{dt}>
  %s0 = adj.sum %q0 : tensor<{I}x{H}x{dt}> -> tensor<{dt}>
  %q1 = adj.square %W1 : {W}
  %s1 = adj.sum %q1 : {W} -> tensor<{dt}>
  %q2 = adj.square %W2 : {W}
  %s2 = adj.sum %q2 : {W} -> tensor<{dt}>
  %q3 = adj.square %W3 : tensor<{H}x10x{dt}>
  %s3 = adj.sum %q3 : tensor<{H}x10x{dt}> -> tensor<{dt}>
  %t01 = adj.add %s0, %s1 : tensor<{dt}>
  %t23 = adj.add %s2, %s3 : tensor<{dt}>
  %t = adj.add %t01, %t23 : tensor<{dt}>
  %lam = adj.constant dense<{lam}> : tensor<{dt}>
  %reg = adj.mul %t, %lam : tensor<{dt}>
  %l = adj.add %ce, %reg : tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, W0, W1, b1, W2, b2, W3, labels):
        h0 = x @ W0
        h1 = h0 + F.relu(h0 @ W1 + b1)
        h2 = h1 + F.relu(h1 @ W2 + b2)
        reg = sum((w ** 2).sum() for w in (W0, W1, W2, W3))
        return F.cross_entropy(h2 @ W3, labels) + lam * reg

    rng = np.random.default_rng(14)
    inputs = dict(x=rng.standard_normal((B, I)),
                  W0=rng.standard_normal((I, H)) / np.sqrt(I),
                  W1=rng.standard_normal((H, H)) / np.sqrt(H),
                  b1=0.1 * rng.standard_normal(H),
                  W2=rng.standard_normal((H, H)) / np.sqrt(H),
                  b2=0.1 * rng.standard_normal(H),
                  W3=rng.standard_normal((H, 10)) / np.sqrt(H),
                  labels=rng.integers(0, 10, B))
    return mlir, loss, inputs, ["W0", "W1", "b1", "W2", "b2", "W3"]


def logreg(B=1024, I=64, dt="f64"):
    """Logistic regression: p = sigmoid(x w + b); mean binary cross-entropy
    written as a user would, -(y log p + (1 - y) log(1 - p))."""
    import torch
    mlir = f"""
func.func @loss(%x: tensor<{B}x{I}x{dt}> {{adj.name = "x"}},
                %w: tensor<{I}x{dt}> {{adj.name = "w"}},
                %b: tensor<{dt}> {{adj.name = "b"}},
                %y: tensor<{B}x{dt}> {{adj.name = "y"}}) -> tensor<{dt}> {{
  %wc = adj.reshape %w : tensor<{I}x{dt}> -> tensor<{I}x1x{dt}>
  %xwc = adj.matmul %x, %wc : tensor<{B}x{I}x{dt}>, tensor<{I}x1x{dt}> -> tensor<{B}x1x{dt}>
  %xw = adj.reshape %xwc : tensor<{B}x1x{dt}> -> tensor<{B}x{dt}>
  %z = adj.add %xw, %b : tensor<{B}x{dt}>, tensor<{dt}>
  %p = adj.sigmoid %z : tensor<{B}x{dt}>
  %lp = adj.log %p : tensor<{B}x{dt}>
  %one = adj.constant dense<1.0> : tensor<{dt}>
  %q = adj.sub %one, %p : tensor<{dt}>, tensor<{B}x{dt}>
  %lq = adj.log %q : tensor<{B}x{dt}>
  %ny = adj.sub %one, %y : tensor<{dt}>, tensor<{B}x{dt}>
  %t1 = adj.mul %y, %lp : tensor<{B}x{dt}>
  %t2 = adj.mul %ny, %lq : tensor<{B}x{dt}>
  %t = adj.add %t1, %t2 : tensor<{B}x{dt}>
  %m = adj.mean %t : tensor<{B}x{dt}> -> tensor<{dt}>
  %l = adj.neg %m : tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, w, b, y):
        p = torch.sigmoid(x @ w + b)
        return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()

    rng = np.random.default_rng(15)
    inputs = dict(x=rng.standard_normal((B, I)),
                  w=rng.standard_normal(I) / np.sqrt(I),
                  b=np.array(0.1),
                  y=(rng.random(B) < 0.5).astype(np.float64))
    return mlir, loss, inputs, ["x", "w", "b"]


def kinks(B=256, I=128, H=128, dt="f32"):
    """Ops with kinks: clamp (minimum/maximum), leaky relu (maximum), abs,
    a max reduction, an L1 (abs) loss against targets."""
    import torch
    Bh = f"tensor<{B}x{H}x{dt}>"
    mlir = f"""
func.func @loss(%x: tensor<{B}x{I}x{dt}> {{adj.name = "x"}},
                %W1: tensor<{I}x{H}x{dt}> {{adj.name = "W1"}},
                %W2: tensor<{H}x{H}x{dt}> {{adj.name = "W2"}},
                %t: tensor<{B}x{dt}> {{adj.name = "t"}}) -> tensor<{dt}> {{
  %z = adj.matmul %x, %W1 : tensor<{B}x{I}x{dt}>, tensor<{I}x{H}x{dt}> -> {Bh}
  %lo = adj.constant dense<-1.0> : tensor<{dt}>
  %hi = adj.constant dense<1.0> : tensor<{dt}>
  %c0 = adj.minimum %z, %hi : {Bh}, tensor<{dt}>
  %c = adj.maximum %c0, %lo : {Bh}, tensor<{dt}>
  %m = adj.matmul %c, %W2 : {Bh}, tensor<{H}x{H}x{dt}> -> {Bh}
  %slope = adj.constant dense<0.1> : tensor<{dt}>
  %ms = adj.mul %m, %slope : {Bh}, tensor<{dt}>
  %lr = adj.maximum %m, %ms : {Bh}
  %a = adj.abs %lr : {Bh}
  %mx = adj.max %a axes [1] : {Bh} -> tensor<{B}x{dt}>
  %d = adj.sub %mx, %t : tensor<{B}x{dt}>
  %ad = adj.abs %d : tensor<{B}x{dt}>
  %l = adj.mean %ad : tensor<{B}x{dt}> -> tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, W1, W2, t):
        c = torch.clamp(x @ W1, -1, 1)
        m = c @ W2
        a = torch.abs(torch.maximum(m, 0.1 * m))
        return (a.amax(1) - t).abs().mean()

    rng = np.random.default_rng(16)
    inputs = dict(x=rng.standard_normal((B, I)),
                  W1=2 * rng.standard_normal((I, H)) / np.sqrt(I),
                  W2=rng.standard_normal((H, H)) / np.sqrt(H),
                  t=rng.standard_normal(B) + 1)
    return mlir, loss, inputs, ["x", "W1", "W2"]


def gradpen(B=64, I=32, H=64, dt="f64", lam=0.5):
    """Second order: a critic f(x) = sum(tanh(x W1 + b1) w2) and the loss
    mean f + lam * sum((df/dx)^2) (a gradient penalty), differentiated
    w.r.t. W1, b1, w2 (reverse over reverse)."""
    import torch
    X, Bh = f"tensor<{B}x{I}x{dt}>", f"tensor<{B}x{H}x{dt}>"
    W1, V, w2 = f"tensor<{I}x{H}x{dt}>", f"tensor<{H}x{dt}>", f"tensor<{H}x{dt}>"
    mlir = f"""
func.func @critic(%x: {X}, %W1: {W1}, %b1: {V}, %w2: {w2}) -> tensor<{dt}> {{
  %m = adj.matmul %x, %W1 : {X}, {W1} -> {Bh}
  %z = adj.add %m, %b1 : {Bh}, {V}
  %h = adj.tanh %z : {Bh}
  %w2c = adj.reshape %w2 : {w2} -> tensor<{H}x1x{dt}>
  %o = adj.matmul %h, %w2c : {Bh}, tensor<{H}x1x{dt}> -> tensor<{B}x1x{dt}>
  %s = adj.sum %o : tensor<{B}x1x{dt}> -> tensor<{dt}>
  return %s : tensor<{dt}>
}}
func.func @loss(%x: {X} {{adj.name = "x"}}, %W1: {W1} {{adj.name = "W1"}},
                %b1: {V} {{adj.name = "b1"}}, %w2: {w2} {{adj.name = "w2"}}) -> tensor<{dt}> {{
  %f, %gx = adj.value_and_grad @critic(%x, %W1, %b1, %w2) wrt [0]
      : ({X}, {W1}, {V}, {w2}) -> (tensor<{dt}>, {X})
  %g2 = adj.square %gx : {X}
  %pen = adj.sum %g2 : {X} -> tensor<{dt}>
  %lam = adj.constant dense<{lam}> : tensor<{dt}>
  %lp = adj.mul %pen, %lam : tensor<{dt}>
  %n = adj.constant dense<{1.0 / B}> : tensor<{dt}>
  %fm = adj.mul %f, %n : tensor<{dt}>
  %l = adj.add %fm, %lp : tensor<{dt}>
  return %l : tensor<{dt}>
}}"""

    def loss(x, W1, b1, w2):
        # The forward phase runs under no_grad: the penalty needs autograd.
        with torch.enable_grad():
            x = x.detach().requires_grad_(True)
            f = (torch.tanh(x @ W1 + b1) @ w2).sum()
            gx, = torch.autograd.grad(f, x, create_graph=True)
            return f / B + lam * (gx ** 2).sum()

    rng = np.random.default_rng(17)
    inputs = dict(x=rng.standard_normal((B, I)),
                  W1=rng.standard_normal((I, H)) / np.sqrt(I),
                  b1=0.1 * rng.standard_normal(H),
                  w2=rng.standard_normal(H) / np.sqrt(H))
    return mlir, loss, inputs, ["W1", "b1", "w2"]


MODELS = {
    "attn": layer_attention,
    "resconv": conv_block,
    "grouped4": lambda: conv_block(groups=4),
    "depthwise": lambda: conv_block(groups=32),
    "mlp-f32": lambda: tanh_mlp(dt="f32"),
    "mlp-f64": tanh_mlp,
    "resconv-f64": lambda: conv_block(N=8, dt="f64"),
    "rnn": rnn,
    "embedding": embedding_bag,
    "bnconv": bn_conv,
    "lstm": lstm,
    "vgg": vgg,
    "encoder": encoder,
    "wide-mlp": wide_mlp,
    "gru": gru,
    "conv1d": conv1d,
    "oddconv": oddconv,
    "causal-attn": causal_attn,
    "resmlp-l2": resmlp_l2,
    "logreg-f64": logreg,
    "kinks": kinks,
    "gradpen-f64": gradpen,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--builds", default="build")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--budget", type=float, default=0.4)
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    unknown = set(args.models.split(",")) - set(MODELS)
    if unknown:
        ap.error(f"unknown model(s) {', '.join(sorted(unknown))}; the models "
                 f"are {', '.join(MODELS)}")
    sys.path[:0] = [HERE, os.path.join(ROOT, "tools", "python")]
    import timing
    timing.set_thread_env(args.threads)
    timing.use_openmp_blas()
    import torch
    import adjoint
    torch.set_num_threads(args.threads)
    work = tempfile.mkdtemp(prefix="adjoint-survey-")
    builds = args.builds.split(",")
    if not args.smoke:
        print("| model | phase | impl | median ms | min ms | max ms | eager / impl |\n"
              "|---|---|---|---|---|---|---|")
    for name in args.models.split(","):
        mlir, loss_fn, raw, wrt = MODELS[name]()
        f64 = "xf64>" in mlir
        inputs = {k: v.astype(np.int64 if v.dtype.kind == "i" else
                              np.float64 if f64 else np.float32)
                  for k, v in raw.items()}
        path = os.path.join(work, name + ".mlir")
        with open(path, "w") as f:
            f.write(mlir)
        impls = {}
        for build in builds:
            lib = os.path.join(work, f"{name}-{len(impls)}.so")
            subprocess.run([os.path.join(build, "bin", "adjoint-compile"), path,
                            "-o", lib, "--prefix", "m", "--value-and-grad",
                            "loss:wrt=" + ",".join(wrt)], check=True)
            impls[build] = adjoint.load(lib)
            impls[build].set_num_threads(args.threads)
        # The gradient against PyTorch in float64, then PyTorch at the
        # models' precision for the timings.
        ref = {k: torch.tensor(v.astype(np.float64) if v.dtype.kind == "f"
                               else v, requires_grad=k in wrt)
               for k, v in inputs.items()}
        value = loss_fn(**ref)
        want = torch.autograd.grad(value, [ref[k] for k in wrt])
        for build, lib in impls.items():
            got = lib.loss_value_and_grad(**inputs)
            err = max([abs(float(got.loss) - value.item())
                       / max(abs(value.item()), 1e-30)]
                      + [np.abs(getattr(got, "grad_" + k) - g.numpy()).max()
                         / max(np.abs(g.numpy()).max(), 1e-30)
                         for k, g in zip(wrt, want)])
            if err > (1e-10 if f64 else 1e-4):
                sys.exit(f"{name} {build}: the value or a gradient is off by "
                         f"{err:.2g} (relative to its largest element)")
            if args.smoke:
                print(f"{name} {build}: ok: rel error {err:.2g}", flush=True)
        if args.smoke:
            continue
        t = {k: torch.tensor(v, requires_grad=k in wrt) for k, v in inputs.items()}

        def eager_fwd():
            with torch.no_grad():
                loss_fn(**t)

        def eager_fwdbwd():
            torch.autograd.grad(loss_fn(**t), [t[k] for k in wrt])

        phases = {"fwd": {"eager": eager_fwd}, "fwd+bwd": {"eager": eager_fwdbwd}}
        for build, lib in impls.items():
            phases["fwd"][build] = lambda lib=lib: lib.loss(**inputs)
            phases["fwd+bwd"][build] = (
                lambda lib=lib: lib.loss_value_and_grad(**inputs))
        for phase, fns in phases.items():
            runs = {impl: [] for impl in fns}
            for _ in range(args.rounds):
                for impl, fn in fns.items():
                    runs[impl].append(timing.measure(fn, args.budget, 5))
            med = {i: float(np.median([r["median_ms"] for r in rs]))
                   for i, rs in runs.items()}
            for impl, rs in runs.items():
                print(f"| {name} | {phase} | {impl} | {med[impl]:.3f} | "
                      f"{min(r['min_ms'] for r in rs):.3f} | "
                      f"{max(r['max_ms'] for r in rs):.3f} | "
                      f"{med['eager'] / med[impl]:.2f} |", flush=True)


if __name__ == "__main__":
    main()
