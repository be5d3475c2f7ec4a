# --check-numerics (adjoint.compile(check_numerics=True)): a call that
# produces a NaN or Inf raises CallError naming the op that produced the
# first one, at its file:line:col in the model, and whether it is a forward
# op, a reverse-mode ("adjoint") or a forward-mode ("tangent") derivative op.
# The expected locations are found in the model's text; values are checked
# against NumPy; on good inputs the checked library returns bitwise what the
# unchecked one does, and the unchecked one never raises.
# RUN: %python %s

import os

import numpy as np

import adjoint
import compiletest as ct

MODEL = """\
func.func @logloss(%x: tensor<4xf32> {adj.name = "x"}, %w: tensor<4xf32> {adj.name = "w"}) -> tensor<f32> {
  %a = adj.mul %x, %w : tensor<4xf32>
  %l = adj.log %a : tensor<4xf32>
  %s = adj.sum %l axes [0] : tensor<4xf32> -> tensor<f32>
  return %s : tensor<f32>
}
func.func @rootloss(%x: tensor<4xf32> {adj.name = "x"}, %w: tensor<4xf32> {adj.name = "w"}) -> tensor<f32> {
  %a = adj.mul %x, %w : tensor<4xf32>
  %r = adj.sqrt %a : tensor<4xf32>
  %s = adj.sum %r axes [0] : tensor<4xf32> -> tensor<f32>
  return %s : tensor<f32>
}
func.func @rootjvp(%x: tensor<4xf32> {adj.name = "x"}, %w: tensor<4xf32> {adj.name = "w"}) -> tensor<f32> {
  %v, %t = adj.jvp @rootloss(%x, %w) tangents(%w, %w) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<f32>, tensor<f32>)
  return %t : tensor<f32>
}
func.func @masked(%s: tensor<2x2xf32> {adj.name = "s"}, %m: tensor<2x2xf32> {adj.name = "mask", adj.initial_value = dense<[[0.0, 0xFF800000], [0.0, 0.0]]> : tensor<2x2xf32>}) -> tensor<2x2xf32> {
  %x = adj.add %s, %m : tensor<2x2xf32>
  %p = adj.softmax %x axis 1 : tensor<2x2xf32>
  return %p : tensor<2x2xf32>
}
func.func @sliced(%s: tensor<2x2xf32> {adj.name = "s"}, %m: tensor<3x3xf32> {adj.name = "big_mask", adj.initial_value = dense<[[0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0]]> : tensor<3x3xf32>}) -> tensor<2x2xf32> {
  %c = adj.slice %m start [0, 0] limit [2, 2] : tensor<3x3xf32> -> tensor<2x2xf32>
  %r = adj.reshape %c : tensor<2x2xf32> -> tensor<4xf32>
  %b = adj.reshape %r : tensor<4xf32> -> tensor<2x2xf32>
  %one = adj.constant dense<1.0> : tensor<f32>
  %scaled = adj.mul %b, %one : tensor<2x2xf32>, tensor<f32>
  %x = adj.add %s, %scaled : tensor<2x2xf32>
  %p = adj.softmax %x axis 1 : tensor<2x2xf32>
  return %p : tensor<2x2xf32>
}
"""
path = os.path.join(ct.tmpdir(), "numerics.mlir")
with open(path, "w") as f:
    f.write(MODEL)


def location(op, function):
    """file:line:col of the first `op` in the body of @function, from the
    model's text."""
    lines = MODEL.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith(f"func.func @{function}("))
    for i in range(start + 1, len(lines)):
        column = lines[i].find(f"= {op} ")
        if column >= 0:
            # An op is located at its name.
            return f"{path}:{i + 1}:{column + 3}"
    raise AssertionError(f"no {op} in @{function}")


specs = dict(value_and_grad=["logloss", "rootloss"], prefix="num")
checked = adjoint.compile(path, check_numerics=True,
                          output=os.path.join(ct.tmpdir(), "libchecked.so"),
                          **specs)
plain = adjoint.compile(path, output=os.path.join(ct.tmpdir(), "libplain.so"),
                        **specs)
count = 0


def expect_error(fn, args, fragments):
    global count
    try:
        fn(*args)
    except adjoint.CallError as e:
        text = str(e)
        for fragment in fragments:
            assert fragment in text, f"{fragment!r} not in {text!r}"
        assert e.status > 0 and e.message in text
        assert checked.status_message(e.status) == e.message
        print(f"CallError: {text}")
        count += 1
        return
    raise AssertionError(f"{fn.name}{args}: no CallError")


# Good inputs: both libraries agree bitwise, and with NumPy.
rng = np.random.default_rng(0)
x = rng.uniform(0.5, 2.0, 4).astype(np.float32)
w = rng.uniform(0.5, 2.0, 4).astype(np.float32)
for name in ["logloss", "rootloss", "rootjvp", "logloss_value_and_grad",
             "rootloss_value_and_grad"]:
    a = checked.functions[name](x, w)
    b = plain.functions[name](x, w)
    for u, v in zip(a if isinstance(a, tuple) else [a],
                    b if isinstance(b, tuple) else [b]):
        assert u.tobytes() == v.tobytes(), name
    count += 1
xw = x.astype(np.float64) * w
r = checked.logloss_value_and_grad(x, w)
np.testing.assert_allclose(r.logloss, np.log(xw).sum(), rtol=1e-5)
np.testing.assert_allclose(r.grad_x, 1 / x.astype(np.float64), rtol=1e-5)
r = checked.rootloss_value_and_grad(x, w)
np.testing.assert_allclose(r.rootloss, np.sqrt(xw).sum(), rtol=1e-5)
np.testing.assert_allclose(r.grad_x, w / (2 * np.sqrt(xw)), rtol=1e-5)
# Tangents (w, w): d/dt sum sqrt((x + t w) (w + t w)) at t = 0.
np.testing.assert_allclose(checked.rootjvp(x, w),
                           ((w * w + x * w) / (2 * np.sqrt(xw))).sum(),
                           rtol=1e-5)
assert checked.status_message(0) == "ok"
assert checked.status_message(-1) == checked.status_message(10**6) \
    == "unknown status"

# A NaN in the forward pass: the log of a negative number. The sum after it
# is NaN too; the log is named.
bad = x.copy()
bad[2] = -1
log_at = location("adj.log", "logloss")
for fn in [checked.logloss, checked.logloss_value_and_grad]:
    expect_error(fn, (bad, w), [f"adj.log at {log_at} (forward) produced the "
                                f"first NaN or Inf in num_{fn.name}"])
# -inf: log(0).
zero = x.copy()
zero[0] = 0
expect_error(checked.logloss, (zero, w), [f"adj.log at {log_at} (forward)"])

# An Inf only in the backward pass: sqrt is finite at 0, its derivative is
# not. The op is one of the sqrt rule's, located "adjoint"(<the sqrt>).
sqrt_at = location("adj.sqrt", "rootloss")
assert np.isfinite(checked.rootloss(zero, w))
expect_error(checked.rootloss_value_and_grad, (zero, w),
             [f' at "adjoint"({sqrt_at}) (backward: in the derivative of the '
              f'op at {sqrt_at}) produced the first NaN or Inf in '
              'num_rootloss_value_and_grad'])
# The same in forward mode: the tangent of sqrt at 0.
expect_error(checked.rootjvp, (zero, w),
             [f' at "tangent"({sqrt_at}) (tangent, forward mode: in the '
              f'derivative of the op at {sqrt_at}) produced the first NaN or '
              'Inf in num_rootjvp'])
# The forward NaN of sqrt(-1) comes before any derivative op.
expect_error(checked.rootloss_value_and_grad, (bad, w),
             [f"adj.sqrt at {sqrt_at} (forward)"])

# A -inf the model holds on purpose, in a buffer (an argument whose
# initial value holds it, as an ONNX model's float initializer): the op that
# reads it is not flagged.
s = rng.standard_normal((2, 2)).astype(np.float32)
mask = checked.initial_values()["mask"]
e = np.exp(s.astype(np.float64) + mask)
np.testing.assert_allclose(checked.masked(s, mask),
                           e / e.sum(1, keepdims=True), rtol=1e-6)
count += 1
# The same mask as a slice of a larger buffer (PyTorch's self.mask[:t, :t]),
# reshaped and scaled by 1 on the way (as nn.MultiheadAttention does): the
# op that reads it is not flagged either.
big = checked.initial_values()["big_mask"]
np.testing.assert_allclose(checked.sliced(s, big),
                           e / e.sum(1, keepdims=True), rtol=1e-6)
count += 1

# Without the flag nothing is checked: the same calls return NaN and Inf.
assert np.isnan(plain.logloss(bad, w))
assert np.isinf(plain.rootloss_value_and_grad(zero, w).grad_x[0])
assert np.isinf(plain.rootjvp(zero, w))
print(f"{count} checks passed")
