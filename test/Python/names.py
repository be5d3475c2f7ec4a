# Inputs, outputs and functions whose names are also Python's or the
# package's own: an input `self` by name (once "got multiple values for
# argument 'self'"), an input `out` (out= is the output buffers, so it goes
# by position, with a hint when missing), an output `_fields` (renamed
# `_0` by namedtuple) and a function `path` (an item: `lib.path` is the
# library's path). Values against NumPy.
# RUN: %python %s

import os

import numpy as np

import adjoint
import compiletest as ct

d = ct.tmpdir()
model = os.path.join(d, "names.mlir")
with open(model, "w") as f:
    f.write("""
func.func @path(%b: tensor<3xf64> {adj.name = "out"},
                %a: tensor<3xf64> {adj.name = "self"})
    -> (tensor<3xf64> {adj.name = "_fields"}, tensor<3xf64> {adj.name = "count"}) {
  %s = adj.sub %a, %b : tensor<3xf64>
  %p = adj.mul %a, %b : tensor<3xf64>
  return %s, %p : tensor<3xf64>, tensor<3xf64>
}
""")
lib = adjoint.compile(model, output=os.path.join(d, "libnames.so"))
a, b = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 4.0])

assert lib.path == os.path.join(d, "libnames.so"), lib.path
f = lib["path"]
assert f.Outputs._fields == ("_0", "count"), f.Outputs._fields
for r in [f(b, a), f(b, self=a)]:
    np.testing.assert_array_equal(r[0], a - b)
    np.testing.assert_array_equal(r.count, a * b)
buffers = [np.empty(3), np.empty(3)]
r = f(b, self=a, out=buffers)
assert r[0] is buffers[0] and r.count is buffers[1]
np.testing.assert_array_equal(buffers[0], a - b)
print("names: self by name, out by position, _fields, lib['path']")

for call in [lambda: f(self=a), lambda: f(self=a, out=buffers)]:
    try:
        call()
        raise AssertionError("no TypeError")
    except TypeError as e:
        assert str(e) == ("path: takes 2 inputs, missing 'out' (out= gives "
                          "output buffers: pass input 'out' by position)"), e
print("names: a missing input 'out' says how to give it")
