# adjoint-run --inputs reads Fortran-ordered .npz members (np.asfortranarray,
# or a transpose NumPy saves as is) in their row-major meaning: the results
# match NumPy on the same arrays, for f32, f64, i64 and bool, rank 2 and 3.
# RUN: %python %s %t.dir

import os
import shutil
import subprocess
import sys

import numpy as np

out = sys.argv[1]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
model = os.path.join(out, "model.mlir")
with open(model, "w") as f:
    f.write("""
func.func @main(%a: tensor<2x3xf64> {adj.name = "a"},
                %b: tensor<3x4xf32> {adj.name = "b"},
                %c: tensor<2x3x4xf64> {adj.name = "c"},
                %i: tensor<2x3xi64> {adj.name = "i"},
                %m: tensor<2x3xi1> {adj.name = "m"})
    -> (tensor<2x4xf64>, tensor<2x3x4xf64>, tensor<2x3xi64>, tensor<2x3xf64>) {
  %bd = adj.convert %b : tensor<3x4xf32> -> tensor<3x4xf64>
  %p = adj.matmul %a, %bd : tensor<2x3xf64>, tensor<3x4xf64> -> tensor<2x4xf64>
  %zero = adj.constant dense<0.0> : tensor<f64>
  %s = adj.select %m, %a, %zero : tensor<2x3xi1>, tensor<2x3xf64>, tensor<f64>
  return %p, %c, %i, %s : tensor<2x4xf64>, tensor<2x3x4xf64>, tensor<2x3xi64>, tensor<2x3xf64>
}
""")
r = np.random.default_rng(0)
a = r.standard_normal((2, 3))
b = r.standard_normal((3, 4)).astype(np.float32)
c = r.standard_normal((2, 3, 4))
i = r.integers(-5, 5, (2, 3))
m = r.integers(0, 2, (2, 3)).astype(bool)
inputs = os.path.join(out, "in.npz")
np.savez(inputs, a=np.asfortranarray(a), b=np.asfortranarray(b),
         c=np.asfortranarray(c), i=np.asfortranarray(i), m=m.T.copy().T)
assert all(not v.flags.c_contiguous for v in np.load(inputs).values())
results = os.path.join(out, "out.npz")
subprocess.run(["adjoint-run", model, "--inputs", inputs, "--output",
                results], check=True, stdout=subprocess.DEVNULL)
got = np.load(results)
want = [a @ b.astype(np.float64), c, i, np.where(m, a, 0.0)]
failures = 0
for k, w in enumerate(want):
    g = got[f"result{k}"]
    ok = g.shape == w.shape and np.allclose(g, w, rtol=1e-12, atol=0)
    print(f"{'ok  ' if ok else 'FAIL'} result{k}")
    failures += not ok
sys.exit(1 if failures else 0)
