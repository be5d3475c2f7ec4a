# RUN: %python %s
# Derivatives at the points where they are not defined, against PyTorch
# autograd in f64 (docs/differentiation.md, "Choices at points where the
# derivative is not defined"): relu and abs at 0, maximum and minimum at
# ties, pow at a = 0 and b = 0 (with b < 0 too, where PyTorch's d/db is
# -inf), each through a compiled value-and-gradient.
import numpy as np
import torch

import compiletest as ct

a = np.array([0.0, 0.0, 0.0, -2.0, 2.0, 0.0, 1.5, -0.0, 3.0])
b = np.array([2.0, 0.0, 0.5, 3.0, 0.0, -1.0, 1.5, 0.0, -2.0])
w = np.linspace(0.5, 1.3, a.size)
T = f"tensor<{a.size}xf64>"

CASES = {
    "relu": ("%y = adj.relu %a : T", lambda a, b: torch.relu(a)),
    "abs": ("%y = adj.abs %a : T", lambda a, b: torch.abs(a)),
    "maximum": ("%y = adj.maximum %a, %b : T", torch.maximum),
    "minimum": ("%y = adj.minimum %a, %b : T", torch.minimum),
    "pow": ("%y = adj.pow %a, %b : T", torch.pow),
}

failures = []
for name, (line, oracle) in CASES.items():
    source = f"""
func.func @loss(%a: {T}, %b: {T}, %w: {T}) -> tensor<f64> {{
  {line.replace("T", T)}
  %yw = adj.mul %y, %w : {T}
  %s = adj.sum %yw : {T} -> tensor<f64>
  return %s : tensor<f64>
}}"""
    ta = torch.tensor(a, requires_grad=True)
    tb = torch.tensor(b, requires_grad=True)
    loss = (oracle(ta, tb) * torch.tensor(w)).sum()
    loss.backward()
    lib = ct.compile_source(source, ["--value-and-grad", "loss:wrt=0,1"])
    value, da, db = lib.call("loss_value_and_grad", a, b, w)
    try:
        np.testing.assert_allclose(value, loss.item(), rtol=1e-15)
        np.testing.assert_allclose(da, ta.grad.numpy(), rtol=1e-14, atol=0)
        # b does not reach the unary ops' loss: PyTorch gives no gradient.
        want_db = np.zeros_like(b) if tb.grad is None else tb.grad.numpy()
        np.testing.assert_allclose(db, want_db, rtol=1e-14, atol=0)
    except AssertionError as err:
        failures.append(name)
        print(f"FAIL {name}: {err}")

print(f"{len(CASES) - len(failures)} of {len(CASES)} passed")
assert not failures, failures
