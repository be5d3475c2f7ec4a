# The `adjoint` package: adjoint.compile, adjoint.load (prefix from the ELF
# symbol table, or given), the functions' signatures, and calls of every
# function of the MLP against the reference evaluator (adjoint-run, f64).
# RUN: %python %s

import os

import numpy as np

import adjoint
import compiletest as ct
from adjoint._elf import dynamic_symbols

MLP = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "mlp.mlir")
with open(MLP) as f:
    SOURCE = f.read()

out_dir = ct.tmpdir()
lib = adjoint.compile(MLP, output=os.path.join(out_dir, "libmlp.so"),
                      value_and_grad=["loss:wrt=W1,b1,W2,b2"],
                      grad=[("loss", ["W2"])])
assert isinstance(lib, adjoint.Library)
assert lib.prefix == "mlp", lib.prefix
assert sorted(lib.functions) == ["loss", "loss_and_gradients", "loss_grad",
                                 "loss_value_and_grad", "predict"], lib.functions

# The prefix comes from the dynamic symbol table; or is given.
symbols = dynamic_symbols(lib.path)
assert "mlp_adjoint_interface" in symbols and "mlp_loss" in symbols
assert "mlp_loss_workspace_size" in symbols
assert adjoint.load(lib.path).prefix == "mlp"
assert adjoint.load(lib.path, prefix="mlp").prefix == "mlp"
print("load: prefix", lib.prefix, "functions", ", ".join(sorted(lib.functions)))

# Signatures, from the library's interface JSON.
step = lib.loss_and_gradients
assert step is lib.functions["loss_and_gradients"] is lib["loss_and_gradients"]
assert [a.name for a in step.inputs] == ["W1", "b1", "W2", "b2", "x", "labels"]
assert step.inputs[0] == ("W1", np.dtype(np.float32), (64, 32))
assert step.inputs[5].dtype == np.int64
assert [a.name for a in step.outputs] == ["loss", "grad_W1", "grad_b1",
                                          "grad_W2", "grad_b2"]
assert step.Outputs._fields == ("loss", "grad_W1", "grad_b1", "grad_W2",
                                "grad_b2")
assert step.workspace_size > 0
assert "loss_and_gradients(W1: float32[64, 32]" in repr(step), repr(step)
assert "predict" in dir(lib) and "prefix mlp" in repr(lib)

# Every function against the evaluator.
rng = np.random.default_rng(3)
inputs = {"W1": rng.uniform(-0.5, 0.5, (64, 32)).astype(np.float32),
          "b1": rng.uniform(-0.5, 0.5, 32).astype(np.float32),
          "W2": rng.uniform(-0.5, 0.5, (32, 10)).astype(np.float32),
          "b2": rng.uniform(-0.5, 0.5, 10).astype(np.float32),
          "x": rng.uniform(-1, 1, (32, 64)).astype(np.float32),
          "labels": rng.integers(0, 10, 32)}
params = {k: inputs[k] for k in ("W1", "b1", "W2", "b2", "x")}

logits = lib.predict(*params.values())
assert isinstance(logits, np.ndarray) and logits.shape == (32, 10)
ct.compare(logits, ct.evaluate(SOURCE, "predict", params)[0], "f32", "predict")

loss = lib.loss(*inputs.values())
assert loss.shape == () and loss.dtype == np.float32
ct.compare(loss, ct.evaluate(SOURCE, "loss", inputs)[0], "f32", "loss")

r = step(*inputs.values())
assert isinstance(r, tuple) and len(r) == 5
want = ct.evaluate(SOURCE, "loss_and_gradients", inputs)
for name, got, w in zip(step.Outputs._fields, r, want):
    ct.compare(got, w, "f32", f"loss_and_gradients: {name}")
assert r.grad_W1 is r[1]
ct.compare(r.loss, loss, "f32", "loss_and_gradients: loss vs loss")

# The exported derivatives agree with the one asked for in the IR.
v = lib.loss_value_and_grad(*inputs.values())
for name in step.Outputs._fields:
    ct.compare(getattr(v, name), getattr(r, name), "f32", name)
g = lib.loss_grad(*inputs.values())  # one output: the array itself
assert isinstance(g, np.ndarray) and g.shape == (32, 10)
ct.compare(g, r.grad_W2, "f32", "loss_grad")

# Inputs by name, in any order, or mixed with positional ones.
by_name = lib.loss(labels=inputs["labels"], x=inputs["x"], W1=inputs["W1"],
                   b1=inputs["b1"], W2=inputs["W2"], b2=inputs["b2"])
mixed = lib.loss(inputs["W1"], inputs["b1"], W2=inputs["W2"], b2=inputs["b2"],
                 x=inputs["x"], labels=inputs["labels"])
assert by_name == loss and mixed == loss
# Non-contiguous inputs are copied; lists are converted.
W1f = np.asfortranarray(inputs["W1"])
assert lib.loss(W1f, *list(inputs.values())[1:]) == loss
assert lib.loss(inputs["W1"], inputs["b1"].tolist(),
                *list(inputs.values())[2:]) == loss
print("calls: predict, loss, loss_and_gradients, loss_value_and_grad, "
      "loss_grad match the evaluator")

# f64 and bool, and a 0-d input given as a Python scalar.
d = ct.tmpdir()
with open(os.path.join(d, "m.mlir"), "w") as f:
    f.write("""
func.func @scale(%x: tensor<3xf64> {adj.name = "x"}, %a: tensor<f64> {adj.name = "a"})
    -> (tensor<3xf64> {adj.name = "y"}, tensor<3xi1> {adj.name = "positive"}) {
  %y = adj.mul %x, %a : tensor<3xf64>, tensor<f64>
  %z = adj.fill 0.0 : tensor<3xf64>
  %p = adj.compare gt, %y, %z : tensor<3xf64>, tensor<3xf64>
  return %y, %p : tensor<3xf64>, tensor<3xi1>
}
""")
m = adjoint.compile(os.path.join(d, "m.mlir"), prefix="small")
assert m.prefix == "small" and os.path.basename(m.path) == "libm.so", m.path
y, p = m.scale(np.array([1.0, -2.0, 3.0]), 2.0)
assert y.dtype == np.float64 and p.dtype == np.bool_
np.testing.assert_array_equal(y, [2.0, -4.0, 6.0])
np.testing.assert_array_equal(p, [True, False, True])
print("dtypes: f64, bool and a scalar input")
