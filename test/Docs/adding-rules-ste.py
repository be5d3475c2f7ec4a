# docs/adding-rules.md's straight-through estimator, as written: its MLIR
# block compiled with its command line gives d loss / d w = x (NumPy).
# RUN: %python %s %t.dir

import os
import re
import shutil
import subprocess
import sys

import numpy as np

import adjoint

out = sys.argv[1]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
docs = os.path.join(os.path.dirname(__file__), "..", "..", "docs",
                    "adding-rules.md")
text = open(docs).read()
section = text[text.index("Worked example: a straight-through estimator"):]
block = re.search(r"```mlir\n(.*?)```", section, re.S).group(1)
command = re.search(r"`(adjoint-compile model\.mlir [^`]*)`", section).group(1)
with open(os.path.join(out, "model.mlir"), "w") as f:
    f.write(block)
subprocess.run(command.split(), cwd=out, check=True)
m = adjoint.load(os.path.join(out, "libste.so"))
rng = np.random.default_rng(0)
w = rng.standard_normal(6).astype(np.float32)
x = rng.standard_normal(6).astype(np.float32)
np.testing.assert_allclose(m.loss(w, x), np.sum(np.where(w > 0, 1, -1) * x),
                           rtol=1e-6)
np.testing.assert_array_equal(m.loss_grad(w, x), x)
print("adding-rules.md: the straight-through estimator as written")
