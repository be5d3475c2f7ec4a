# RUN: %python %s
# -O0 sums long reductions in chunks with partial sums (adj-parallelize-loops
# threads=false), like the optimized code: a plain f32 loop over chain's 2^20
# elements was 2e-4 off the float64 value, relative. Against NumPy float64,
# -O0 and optimized, the loss of examples/bench/chain.mlir (positive terms,
# where a plain loop's rounding errors add up) and a plain sum.
import os
import numpy as np
import compiletest as ct

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
chain = open(os.path.join(ROOT, "examples", "bench", "chain.mlir")).read()
plain = """
  func.func @loss(%x: tensor<1048576xf32>) -> tensor<f32> {
    %s = adj.sum %x : tensor<1048576xf32> -> tensor<f32>
    return %s : tensor<f32>
  }"""

rng = np.random.default_rng(7)
x = rng.standard_normal(1 << 20).astype(np.float32)
xd = x.astype(np.float64)
cases = [("chain", chain, (np.tanh(xd) / (1 + np.exp(-xd)) + np.exp(-xd * xd)).sum()),
         ("plain sum of |x|", plain, None)]
for flags in (["-O0"], []):
    for name, source, want in cases:
        arg = np.abs(x) if want is None else x
        want = arg.astype(np.float64).sum() if want is None else want
        label = f"{name} {' '.join(flags) or '-O'}"
        ct._count += 1
        try:
            lib = ct.compile_source(source, flags)
            (got,) = lib.call("loss", arg)
            error = abs(float(got) - want) / abs(want)
            print(f"{label}: relative error {error:.2e}")
            assert error < 1e-5, f"relative error {error:.2e}"
        except (AssertionError, RuntimeError, OSError) as e:
            ct._failures.append(label)
            print(f"FAIL {label}: {str(e).strip()}")
ct.done()
