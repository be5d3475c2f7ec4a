# Results that are not computed by the function — an argument, a constant, a
# value folded away (a full slice), a value returned twice — are copied into
# the caller's output buffers; compared with the reference evaluator.
# RUN: %python %s

import numpy as np

import compiletest as ct

SOURCE = """
func.func @main(%x: tensor<2x3xf32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %c = adj.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %s = adj.slice %x start [0, 0] limit [2, 3] : tensor<2x3xf32> -> tensor<2x3xf32>
  %e = adj.exp %x : tensor<2x3xf32>
  return %x, %s, %c, %e, %e
      : tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}
"""
ct.check_against_evaluator("returned values", SOURCE, "main",
                           {"arg0": np.arange(6, dtype=np.float32).reshape(2, 3)})
ct.done()
