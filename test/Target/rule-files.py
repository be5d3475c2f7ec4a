# A model using upstream math ops that only a rule file differentiates
# (examples/rules/math.mlir), compiled to a shared library with its gradient,
# against PyTorch autograd in f64 on the same inputs.
# RUN: %python %s %src_root/examples/rules/math.mlir

import sys

import numpy as np
import torch

import compiletest as ct

RULES = sys.argv[1]
SOURCE = """
func.func @loss(%x: tensor<4x3xf32>, %p: tensor<3xf32>) -> tensor<f32> {
  %a = math.erf %x : tensor<4x3xf32>
  %b = math.atan %a : tensor<4x3xf32>
  %pos = adj.exp %x : tensor<4x3xf32>
  %c = math.cbrt %pos : tensor<4x3xf32>
  %d = math.tan %p : tensor<3xf32>
  %e = math.asinh %x : tensor<4x3xf32>
  %g = math.atan2 %e, %c : tensor<4x3xf32>
  %s1 = adj.mul %b, %g : tensor<4x3xf32>
  %s2 = adj.mul %s1, %d : tensor<4x3xf32>, tensor<3xf32>
  %s = adj.sum %s2 : tensor<4x3xf32> -> tensor<f32>
  return %s : tensor<f32>
}
"""


def reference(x, p):
    x = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    p = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    c = torch.exp(x).pow(1.0 / 3.0)
    g = torch.atan2(torch.asinh(x), c)
    loss = (torch.atan(torch.erf(x)) * g * torch.tan(p)).sum()
    loss.backward()
    return loss.detach().numpy(), x.grad.numpy(), p.grad.numpy()


rng = np.random.default_rng(7)
x = rng.uniform(-1.5, 1.5, (4, 3)).astype(np.float32)
p = rng.uniform(-1.0, 1.0, (3,)).astype(np.float32)
want = reference(x, p)
x0, p0 = x.copy(), p.copy()

ct._count += 1
try:
    lib = ct.compile_source(SOURCE, ["--rules", RULES, "--grad", "loss"])
    (loss,) = lib.call("loss", x, p)
    dx, dp = lib.call("loss_grad", x, p)
    for got, w, name in [(loss, want[0], "loss"), (dx, want[1], "d/dx"),
                         (dp, want[2], "d/dp")]:
        ct.compare(got, w, "f32", name)
    # Inputs are const in the C ABI; an elementwise op lowered upstream
    # reuses its operand as output unless bufferization is told so.
    np.testing.assert_array_equal(x, x0, err_msg="x was overwritten")
    np.testing.assert_array_equal(p, p0, err_msg="p was overwritten")
except (AssertionError, RuntimeError, OSError) as e:
    ct._failures.append("rule files compiled")
    print(f"FAIL rule files compiled: {str(e).strip()}", file=sys.stderr)

# Without the rule file, the gradient is refused with the op's location.
try:
    ct.compile_source(SOURCE, ["--grad", "loss"])
    ok = False
except RuntimeError as e:
    ok = "cannot differentiate 'math.erf'" in str(e)
ct._count += 1
if not ok:
    ct._failures.append("no rule file")
    print("FAIL no rule file: math.erf was not reported", file=sys.stderr)

ct.done()
