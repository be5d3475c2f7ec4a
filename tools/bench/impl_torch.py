#!/usr/bin/python3
"""The PyTorch baselines of the benchmark (Debian's python3-torch).

  impl_torch.py --threads N [--workloads mlp,cnn] [--budget S] [--min-runs K]

prints one JSON line per measurement: `torch-eager` fwd (under no_grad) and
fwdbwd (torch.autograd.grad of the loss w.r.t. the workload's WRT tensors),
and `torch-jit-freeze` fwd for cnn (freeze + optimize_for_inference: the
fastest PyTorch forward, but with no parameter gradient). bench.py imports
`reference` for the float64 gradients that every implementation is checked
against.

Debian's torch calls libblas.so.3. With OpenBLAS's pthread build, its
threads and torch's OpenMP pool fight over the cores, so when OpenBLAS's
OpenMP build is installed this script re-executes itself with it.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import timing  # noqa: E402


def losses():
    import torch
    import torch.nn.functional as F

    def linear(x, W, b):
        return torch.addmm(b, x, W)

    def mlp(x, labels, W1, b1, W2, b2, W3, b3):
        h = torch.relu(linear(x, W1, b1))
        h = torch.relu(linear(h, W2, b2))
        return F.cross_entropy(linear(h, W3, b3), labels)

    def mlp_small(x, target, W1, b1, W2, b2, W3, b3):
        h = torch.tanh(linear(x, W1, b1))
        h = torch.tanh(linear(h, W2, b2))
        return ((linear(h, W3, b3) - target) ** 2).mean()

    def ffn(x, gamma, beta, W1, b1, W2, b2):
        n = F.layer_norm(x, [x.shape[-1]], gamma, beta, 1e-5)
        h = F.gelu(linear(n, W1, b1), approximate="tanh")
        y = linear(h, W2, b2) + x
        return (y * y).sum()

    def cnn(x, labels, K1, c1, K2, c2, W, b):
        h = F.max_pool2d(torch.relu(F.conv2d(x, K1, c1)), 2)
        h = F.max_pool2d(torch.relu(F.conv2d(h, K2, c2)), 2)
        return F.cross_entropy(linear(h.flatten(1), W, b), labels)

    def chain(x):
        return (torch.tanh(x) * torch.sigmoid(x) + torch.exp(-x * x)).sum()

    return {"mlp": mlp, "mlp-small": mlp_small, "ffn": ffn, "cnn": cnn,
            "chain": chain}


def tensors(name, dtype):
    """The inputs as tensors (floats in `dtype`); WRT ones require grad."""
    import torch
    from workloads import WRT, make_inputs
    out = {}
    for k, v in make_inputs(name).items():
        t = torch.from_numpy(v.copy())
        if t.is_floating_point():
            t = t.to(dtype).requires_grad_(k in WRT[name])
        out[k] = t
    return out


def reference(name):
    """float64 loss and gradients: the oracle for every implementation."""
    import torch
    from workloads import WRT
    t = tensors(name, torch.float64)
    loss = losses()[name](**t)
    grads = torch.autograd.grad(loss, [t[k] for k in WRT[name]])
    return float(loss), {k: g.numpy() for k, g in zip(WRT[name], grads)}


def frozen_cnn_forward(t):
    """torch.jit.freeze of the cnn loss with the parameters as constants."""
    import torch
    cnn = losses()["cnn"]
    params = {k: v.detach() for k, v in t.items() if k not in ("x", "labels")}

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            for k, v in params.items():
                self.register_buffer(k, v)

        def forward(self, x, labels):
            return cnn(x, labels, self.K1, self.c1, self.K2, self.c2, self.W,
                       self.b)

    m = torch.jit.freeze(torch.jit.script(Model().eval()))
    m = torch.jit.optimize_for_inference(m)
    return lambda: m(t["x"], t["labels"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--workloads", default="mlp,mlp-small,ffn,cnn,chain")
    ap.add_argument("--budget", type=float, default=0.5)
    ap.add_argument("--min-runs", type=int, default=10)
    args = ap.parse_args()
    timing.set_thread_env(args.threads)
    timing.use_openmp_blas()

    import torch
    from workloads import WRT
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    blas = timing.loaded_blas()
    for name in args.workloads.split(","):
        t = tensors(name, torch.float32)
        fn = losses()[name]
        wrt = [t[k] for k in WRT[name]]

        def fwd():
            with torch.no_grad():
                return fn(**t)

        def fwdbwd():
            return torch.autograd.grad(fn(**t), wrt)

        steps = [("torch-eager", "fwd", fwd), ("torch-eager", "fwdbwd", fwdbwd)]
        if name == "cnn":
            with torch.no_grad():
                frozen = frozen_cnn_forward(t)
            steps.append(("torch-jit-freeze", "fwd", frozen))
        for impl, phase, step in steps:
            stats = timing.measure(step, args.budget, args.min_runs)
            timing.emit(name, impl, args.threads, phase, stats, blas=blas)


if __name__ == "__main__":
    main()
