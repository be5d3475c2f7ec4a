# The example models compiled to shared libraries — their loss and the loss's
# gradient, in f32 as written and retyped to f64 — against the reference
# evaluator on the same inputs (f64: 1e-10 relative; f32: 1e-5 of the
# largest magnitude, as reductions accumulate in a different order).
# RUN: %python %s %src_root/examples

import sys

import numpy as np

import compiletest as ct

examples = sys.argv[1]
rng = np.random.default_rng(11)

SHAPES = {
    "mlp": [(64, 32), (32,), (32, 10), (10,), (32, 64), (32,)],
    "cnn": [(4, 1, 3, 3), (4, 1, 1), (4,), (4,), (8, 4, 3, 3), (8, 1, 1),
            (32, 10), (10,), (8, 1, 12, 12), (8,)],
    "ffn": [(32,), (32,), (32, 64), (64,), (64, 32), (32,), (16, 32)],
}

for name, shapes in SHAPES.items():
    with open(f"{examples}/{name}.mlir") as f:
        source = f.read()
    for dtype, text in [(np.float32, source),
                        (np.float64, source.replace("f32>", "f64>"))]:
        inputs = {}
        for i, shape in enumerate(shapes):
            if name != "ffn" and i == len(shapes) - 1:  # the labels
                inputs[f"arg{i}"] = rng.integers(0, 10, shape)
            else:
                inputs[f"arg{i}"] = (rng.normal(size=shape) * 0.5).astype(dtype)
        for fn in ["loss", "loss_and_gradients"]:
            ct.check_against_evaluator(f"{name} {fn} {np.dtype(dtype)}", text,
                                       fn, inputs)
ct.done()
