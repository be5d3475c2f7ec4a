# F.logsigmoid (exported as Log of Sigmoid) and log(1 - sigmoid(x)) at
# inputs far past f32's sigmoid range: the compiled f32 model must be finite
# and match PyTorch f64 in value and gradient for x in [-200, 200] (without
# the rewrite of log(sigmoid(x)) into -softplus(-x) the loss is -inf and the
# gradient NaN below x = -88).
# RUN: %python %s %t.dir

import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import adjoint

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


class LogSigmoid(nn.Module):
    def forward(self, x):
        return F.logsigmoid(x).sum()


class LogOneMinusSigmoid(nn.Module):
    def forward(self, x):
        return torch.log(1 - torch.sigmoid(x)).sum()


x = np.concatenate([np.linspace(-200, 200, 81),
                    [-1e4, -89, -88, -87, -20, -1e-3, 0, 1e-3, 20, 87, 88, 89,
                     1e4]]).astype(np.float32)[None, :]
failures = 0
for module in (LogSigmoid(), LogOneMinusSigmoid()):
    name = type(module).__name__
    path = os.path.join(out, name + ".onnx")
    torch.onnx.export(module, (torch.from_numpy(x),), path,
                      input_names=["x"], output_names=["loss"],
                      opset_version=13)
    compiled = adjoint.compile(path, value_and_grad="forward")
    loss, grad = compiled.forward_value_and_grad(x)
    loss, grad = float(np.asarray(loss)), np.asarray(grad, np.float64)

    xt = torch.from_numpy(x.astype(np.float64)).requires_grad_()
    # The f64 reference computes the stable forms directly: torch's log of
    # its sigmoid is -inf below about -745 even in f64.
    ref = (F.logsigmoid(xt) if name == "LogSigmoid" else
           F.logsigmoid(-xt)).sum()
    ref.backward()
    want_loss, want_grad = ref.item(), xt.grad.numpy()

    ok = (np.isfinite(loss) and np.all(np.isfinite(grad)) and
          abs(loss - want_loss) <= 1e-5 * abs(want_loss) and
          np.allclose(grad, want_grad, rtol=1e-5, atol=1e-7))
    print(name, "ok" if ok else "FAILED", loss, want_loss,
          np.max(np.abs(grad - want_grad)))
    failures += not ok
sys.exit(1 if failures else 0)
