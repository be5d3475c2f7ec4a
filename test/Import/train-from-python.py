# docs/onnx.md's walkthrough: export a PyTorch MLP, compile it with a loss
# through the Python package, start from the library's initial values and
# take SGD steps from Python. PyTorch takes the same steps (torch.optim.SGD,
# f64) from the same weights: the losses along the way and the final
# weights must agree (1e-4 relative).
# RUN: %python %s %t.dir

import os
import shutil
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import adjoint

out = sys.argv[1]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
torch.manual_seed(1)
rng = np.random.default_rng(1)

model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
path = os.path.join(out, "mlp.onnx")
torch.onnx.export(model, torch.randn(128, 64), path, input_names=["x"],
                  output_names=["logits"], do_constant_folding=False)
m = adjoint.compile(path, loss="softmax_cross_entropy", value_and_grad="loss",
                    output=os.path.join(out, "libmlp.so"))
params = m.initial_values()
assert sorted(params) == ["arg_0_bias", "arg_0_weight", "arg_2_bias",
                          "arg_2_weight"], sorted(params)

batches = [(rng.standard_normal((128, 64)).astype(np.float32),
            rng.integers(0, 10, 128).astype(np.int64)) for _ in range(4)]
steps, lr = 3, 0.5
losses = []
for _ in range(steps):
    for x, labels in batches:
        r = m.loss_value_and_grad(x=x, labels=labels, **params)
        losses.append(float(r.loss))
        for name in params:
            params[name] -= lr * getattr(r, "grad_" + name)

reference = model.double()
sgd = torch.optim.SGD(reference.parameters(), lr=lr)
torch_losses = []
for _ in range(steps):
    for x, labels in batches:
        sgd.zero_grad()
        loss = F.cross_entropy(reference(torch.tensor(x, dtype=torch.float64)),
                               torch.tensor(labels))
        loss.backward()
        sgd.step()
        torch_losses.append(loss.item())

failures = 0


def check(what, got, want):
    global failures
    got, want = np.asarray(got), np.asarray(want, np.float64)
    err = np.max(np.abs(got - want))
    ok = err <= 1e-4 * np.max(np.abs(want))
    print(f"{'ok  ' if ok else 'FAIL'} {what}: max error {err:.3g}")
    failures += not ok


check("losses", losses, torch_losses)
for name, p in reference.named_parameters():
    check(f"trained {name}", params["arg_" + name.replace(".", "_")],
          p.detach().numpy())
print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")
sys.exit(1 if failures else 0)
