# adjoint.compile: derivative specs (strings and pairs), prefix, output,
# the compiler's diagnostics as a CompileError, and how adjoint-compile is
# found (ADJOINT_COMPILE, then PATH).
# RUN: %python %s

import os
import shutil
import tempfile

import numpy as np

import adjoint
import compiletest as ct

d = ct.tmpdir()
model = os.path.join(d, "quad.mlir")
with open(model, "w") as f:
    f.write("""
func.func @f(%w: tensor<3xf64> {adj.name = "w"}, %x: tensor<3xf64> {adj.name = "x"})
    -> (tensor<f64> {adj.name = "y"}) {
  %p = adj.mul %w, %x : tensor<3xf64>, tensor<3xf64>
  %q = adj.mul %p, %p : tensor<3xf64>, tensor<3xf64>
  %s = adj.sum %q : tensor<3xf64> -> tensor<f64>
  return %s : tensor<f64>
}
""")
w, x = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0])

# Default output: lib<model>.so in a fresh directory; prefix from its name.
m = adjoint.compile(model, grad=["f:wrt=w"], value_and_grad=[("f", ["x"])])
assert os.path.basename(m.path) == "libquad.so" and m.prefix == "quad"
assert sorted(m.functions) == ["f", "f_grad", "f_value_and_grad"]
assert [a.name for a in m.f_grad.outputs] == ["grad_w"]
assert [a.name for a in m.f_value_and_grad.outputs] == ["f", "grad_x"]
np.testing.assert_allclose(m.f(w, x), np.sum((w * x) ** 2), rtol=1e-15)
np.testing.assert_allclose(m.f_grad(w, x), 2 * w * x * x, rtol=1e-15)
v = m.f_value_and_grad(w, x)
np.testing.assert_allclose(v.grad_x, 2 * w * w * x, rtol=1e-15)
print("compile: grad and value_and_grad specs")

# A given output and prefix; a single spec as a string; load=False.
path = adjoint.compile(model, output=os.path.join(d, "libq2.so"), prefix="q",
                       grad="f", load=False)
assert path == os.path.join(d, "libq2.so") and os.path.exists(path)
q = adjoint.load(path)
assert q.prefix == "q" and [a.name for a in q.f_grad.outputs] == [
    "grad_w", "grad_x"]
print("compile: output, prefix, load=False")

# The compiler's errors.
bad = os.path.join(d, "bad.mlir")
with open(bad, "w") as f:
    f.write("func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {\n"
            "  %y = adj.nope %x : tensor<3xf32>\n  return %y : tensor<3xf32>\n}\n")
try:
    adjoint.compile(bad)
    raise AssertionError("no CompileError")
except adjoint.CompileError as e:
    assert "bad.mlir:2" in str(e) and "adj.nope" in str(e), str(e)
    print("CompileError:", str(e).splitlines()[1])
try:
    adjoint.compile(model, grad=["g"])
    raise AssertionError("no CompileError")
except adjoint.CompileError as e:
    print("CompileError:", str(e).splitlines()[1])
try:
    adjoint.compile(os.path.join(d, "missing.mlir"))
    raise AssertionError("no FileNotFoundError")
except FileNotFoundError as e:
    print("FileNotFoundError:", e)

# Finding adjoint-compile: $ADJOINT_COMPILE first, else PATH.
on_path = shutil.which("adjoint-compile")
assert adjoint.find_compiler() == on_path, (adjoint.find_compiler(), on_path)
os.environ["ADJOINT_COMPILE"] = os.path.join(d, "no-such-compiler")
try:
    adjoint.compile(model)
    raise AssertionError("ADJOINT_COMPILE ignored")
except FileNotFoundError as e:
    assert "no-such-compiler" in str(e)
os.environ["ADJOINT_COMPILE"] = on_path
assert adjoint.compile(model, output=os.path.join(d, "libq3.so")).f(w, x) == m.f(w, x)
print("find_compiler: ADJOINT_COMPILE, then PATH")

# One pair is one spec (not a list of two specs); a bad name in it is the
# compiler's error; anything else is a TypeError that says what is expected.
p = adjoint.compile(model, grad=("f", ["x"]))
assert [a.name for a in p.f_grad.outputs] == ["grad_x"]
try:
    adjoint.compile(model, grad=("f", ["nope"]))
    raise AssertionError("no CompileError")
except adjoint.CompileError as e:
    assert "no argument named or numbered 'nope'" in str(e), str(e)
try:
    adjoint.compile(model, grad=[3])
    raise AssertionError("no TypeError")
except TypeError as e:
    assert "grad: expected" in str(e), str(e)
# A pair whose argument list lost its brackets says the forms to write.
try:
    adjoint.compile(model, grad=("f", "x"))
    raise AssertionError("no TypeError")
except TypeError as e:
    assert "write ('f', ['x']) or \"f:wrt=x\"" in str(e), str(e)
print("compile: a single pair")

# options: a string is split as a shell would, not into characters.
o = adjoint.compile(model, options="-O0 --prefix=opt")
assert o.prefix == "opt" and o.f(w, x) == m.f(w, x)
print("compile: options as a string")

# None is not an array (np.asarray(None) would be a nan of shape ()).
try:
    m.f(None, x)
    raise AssertionError("no TypeError")
except TypeError as e:
    assert str(e) == ("f: input 'w': expected a float64 array of shape (3,), "
                      "got None"), str(e)
print("call: None input")

# The temporary directory of a default output goes with its Library, and
# at once on a failed compile.
import gc
t = adjoint.compile(model)
tdir = os.path.dirname(t.path)
assert os.path.isdir(tdir)
del t
gc.collect()
assert not os.path.exists(tdir), tdir
# A private temporary directory: tests running in parallel make their own
# adjoint-* directories in the shared one.
tempfile.tempdir = os.path.join(d, "tmp")
os.mkdir(tempfile.tempdir)
try:
    adjoint.compile(model, grad=["g"])
    raise AssertionError("no CompileError")
except adjoint.CompileError:
    pass
assert os.listdir(tempfile.tempdir) == [], os.listdir(tempfile.tempdir)
tempfile.tempdir = None
print("compile: temporary directories removed")
