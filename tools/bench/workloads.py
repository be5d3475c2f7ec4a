"""The five benchmark workloads: seeded inputs, gradient targets, costs.

Each workload is defined once here and used by every implementation
(Adjoint, PyTorch, NumPy, the hand-written C anchors), so all of them see
the same float32 arrays. The definitions follow the reference benchmark of
issue 8 (docs/performance.md): the same shapes, the same random streams
(numpy.random.default_rng([20240601, index])) and the same FLOP conventions:
a multiply-add is 2 flops, every other elementwise op, compare, reduction
step, exp, tanh or log is 1. Bytes are the compulsory traffic of a fully
fused implementation: every input read once, every gradient written once.
"""

import numpy as np

WORKLOADS = ["mlp", "mlp-small", "ffn", "cnn", "chain"]
SEED = 20240601

# The tensors each workload's gradient is taken with respect to.
WRT = {
    "mlp": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "mlp-small": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "ffn": ["x", "gamma", "beta", "W1", "b1", "W2", "b2"],
    "cnn": ["K1", "c1", "K2", "c2", "W", "b"],
    "chain": ["x"],
}


def _layer(rng, fan_in, *shape):
    bound = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, size=shape).astype(np.float32)


def make_inputs(name):
    """The workload's inputs by name, in argument order (float32, int64)."""
    rng = np.random.default_rng([SEED, WORKLOADS.index(name)])
    normal = lambda *s: rng.standard_normal(s).astype(np.float32)  # noqa: E731
    labels = lambda n: rng.integers(0, 10, size=(n,)).astype(np.int64)  # noqa: E731
    if name == "mlp":
        return {"x": normal(64, 784), "labels": labels(64),
                "W1": _layer(rng, 784, 784, 512), "b1": _layer(rng, 784, 512),
                "W2": _layer(rng, 512, 512, 512), "b2": _layer(rng, 512, 512),
                "W3": _layer(rng, 512, 512, 10), "b3": _layer(rng, 512, 10)}
    if name == "mlp-small":
        return {"x": normal(1, 32), "target": np.array(0.25, np.float32),
                "W1": _layer(rng, 32, 32, 64), "b1": _layer(rng, 32, 64),
                "W2": _layer(rng, 64, 64, 64), "b2": _layer(rng, 64, 64),
                "W3": _layer(rng, 64, 64, 1), "b3": _layer(rng, 64, 1)}
    if name == "ffn":
        return {"x": normal(128, 256),
                "gamma": (1.0 + 0.1 * rng.standard_normal(256)).astype(np.float32),
                "beta": (0.1 * rng.standard_normal(256)).astype(np.float32),
                "W1": _layer(rng, 256, 256, 1024), "b1": _layer(rng, 256, 1024),
                "W2": _layer(rng, 1024, 1024, 256), "b2": _layer(rng, 1024, 256)}
    if name == "cnn":
        return {"x": normal(32, 1, 28, 28), "labels": labels(32),
                "K1": _layer(rng, 25, 6, 1, 5, 5), "c1": _layer(rng, 25, 6),
                "K2": _layer(rng, 150, 16, 6, 5, 5), "c2": _layer(rng, 150, 16),
                "W": _layer(rng, 256, 256, 10), "b": _layer(rng, 256, 10)}
    if name == "chain":
        return {"x": normal(1 << 20)}
    raise KeyError(name)


def _flops(name):
    """(GEMM/conv flops fwd, other flops fwd, GEMM/conv flops bwd, other bwd)."""
    if name == "mlp":
        B, D, H, C = 64, 784, 512, 10
        return (2 * B * (D * H + H * H + H * C),
                4 * B * H + B * C + 4 * B * C + 3 * B,
                4 * B * H * C + 4 * B * H * H + 2 * B * D * H,
                4 * B * C + 4 * B * H)
    if name == "mlp-small":
        return (2 * (32 * 64 + 64 * 64 + 64), 4 * 64 + 3,
                2 * (128 + 2 * 64 * 64 + 32 * 64), 4 * 64 + 2)
    if name == "ffn":
        B, D, F = 128, 256, 1024
        return (4 * B * D * F, 12 * B * D + 10 * B * F,
                8 * B * D * F, 17 * B * D + 16 * B * F)
    if name == "cnn":
        N, o1, o2, p1, p2 = 32, 6 * 24 * 24, 16 * 8 * 8, 6 * 12 * 12, 16 * 4 * 4
        return (N * (50 * o1 + 300 * o2 + 5120),
                N * (2 * o1 + 3 * p1 + 2 * o2 + 3 * p2 + 50),
                N * (50 * o1 + 600 * o2 + 10240),
                N * (40 + 3 * o2 + 3 * o1))
    if name == "chain":
        return (0, 11 << 20, 0, 10 << 20)
    raise KeyError(name)


def cost(name):
    """FLOP and compulsory byte counts of the forward and of fwd+bwd."""
    gf, ef, gb, eb = _flops(name)
    inputs = make_inputs(name)
    nbytes = sum(4 * v.size for v in inputs.values()) + 4
    grad_bytes = sum(4 * inputs[k].size for k in WRT[name])
    return {"fwd_flops": gf + ef, "fwdbwd_flops": gf + ef + gb + eb,
            "gemm_fwd_flops": gf, "gemm_fwdbwd_flops": gf + gb,
            "fwd_bytes": nbytes, "fwdbwd_bytes": nbytes + grad_bytes}


# Every matrix-product shape (M, K, N) of mlp and ffn, forward and backward
# (dW = X^T dZ, dX = dZ W^T), timed alone for target T6.
GEMM_SHAPES = [
    (64, 784, 512), (64, 512, 512), (64, 512, 10),  # mlp forward
    (512, 64, 10), (64, 10, 512), (512, 64, 512), (784, 64, 512),  # mlp backward
    (128, 256, 1024), (128, 1024, 256),  # ffn forward
    (1024, 128, 256), (256, 128, 1024),  # ffn backward
]


def gemm_name(shape):
    return "gemm-%dx%dx%d" % shape


def gemm_inputs(shape):
    m, k, n = shape
    rng = np.random.default_rng([SEED, 100 + GEMM_SHAPES.index(shape)])
    return {"a": rng.standard_normal((m, k)).astype(np.float32),
            "b": rng.standard_normal((k, n)).astype(np.float32)}


def gemm_source(shape):
    """An adj model whose one function @mm is the product at `shape`."""
    m, k, n = shape
    a, b, c = (f"tensor<{m}x{k}xf32>", f"tensor<{k}x{n}xf32>",
               f"tensor<{m}x{n}xf32>")
    return (f'func.func @mm(%a: {a} {{adj.name = "a"}}, %b: {b} {{adj.name = "b"}})\n'
            f'    -> ({c} {{adj.name = "c"}}) {{\n'
            f"  %c = adj.matmul %a, %b : {a}, {b} -> {c}\n"
            f"  return %c : {c}\n}}\n")
