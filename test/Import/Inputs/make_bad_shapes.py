"""Writes ONNX models into argv[1] whose shape computations overflow,
repeat an axis or do not add up: each once read out of bounds, divided
INT64_MIN by -1 or overflowed int64_t in the importer."""

import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
F = TensorProto.FLOAT
I64_MAX, I64_MIN = 2**63 - 1, -2**63


def save(name, nodes, x_shape, initializers=()):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", F, x_shape)],
        [helper.make_tensor_value_info("y", F, None)],
        [numpy_helper.from_array(
            v if isinstance(v, np.ndarray) else np.array(v, np.int64), n)
         for n, v in initializers])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 14)])
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def node(op, inputs, output, **attrs):
    return helper.make_node(op, inputs, [output], name=op.lower(), **attrs)


def reshape_by(op):
    """x reshaped to the shape `op` folds from the constants a and b."""
    return [node(op, ["a", "b"], "shape"), node("Reshape", ["x", "shape"], "y")]


save("div-overflow", reshape_by("Div"), [1],
     [("a", [I64_MIN]), ("b", [-1])])
save("mul-overflow", reshape_by("Mul"), [1],
     [("a", [2**62]), ("b", [4])])
# Broadcasting [2, 1] and [1, 2] gives 4 values: not shape arithmetic.
save("add-broadcast", reshape_by("Add"), [4],
     [("a", [[1], [2]]), ("b", [[1, 2]])])
# An empty shape plus a scalar is empty: x becomes a 0-d tensor.
save("add-empty", reshape_by("Add"), [1],
     [("a", np.zeros(0, np.int64)), ("b", 5)])
save("unsqueeze-repeated", [node("Unsqueeze", ["x", "a"], "y")], [3],
     [("a", [0, 0])])
save("reshape-too-large", [node("Reshape", ["x", "a"], "y")], [1],
     [("a", [2**40, 2**40])])
save("reshape-infer-too-large", [node("Reshape", ["x", "a"], "y")], [1],
     [("a", [-1, 2**40, 2**40])])
# Every third dimension of x's shape, from 0 to 3 by a huge step: [2].
save("slice-huge-step",
     [node("Shape", ["x"], "s"), node("Slice", ["s", "a", "b", "c", "d"], "n"),
      node("Concat", ["n", "e"], "shape", axis=0),
      node("Reshape", ["x", "shape"], "y")], [2, 3, 4],
     [("a", [0]), ("b", [3]), ("c", [0]), ("d", [I64_MAX]), ("e", [-1])])
save("slice-huge-step-float",
     [node("Slice", ["x", "a", "b", "c", "d"], "y")], [5],
     [("a", [1]), ("b", [5]), ("c", [0]), ("d", [I64_MAX])])
save("split-negative",
     [helper.make_node("Split", ["x", "a"], ["y", "z"], name="split")], [4],
     [("a", [-1, 5])])
save("split-overflow",
     [helper.make_node("Split", ["x", "a"], ["y", "z", "w"], name="split")],
     [4], [("a", [I64_MAX, I64_MAX, 6])])
save("input-too-large", [node("Relu", ["x"], "y")], [2**40, 2**40])
# Sizes that once overflowed int64_t (a division by zero, a wrong type,
# an int64_t made of 1e30) or asked for terabytes of constants.
save("depth-to-space-huge",
     [node("DepthToSpace", ["x"], "y", blocksize=2**32)], [1, 4, 2, 2])
save("tile-overflow", [node("Tile", ["x", "a"], "y")], [2], [("a", [2**62])])
save("constant-of-shape-huge", [node("ConstantOfShape", ["a"], "y")], [1],
     [("a", [2**40, 2**40])])
save("resize-linear-huge", [node("Resize", ["x", "", "", "a"], "y",
                                 mode="linear")], [1, 2, 5, 5],
     [("a", [1, 2, 5, 10**12])])
save("resize-scale-huge", [node("Resize", ["x", "roi", "a"], "y")],
     [1, 1, 3, 5], [("roi", np.zeros(0, np.float32)),
                    ("a", np.array([1, 1, 1e30, 1], np.float32))])
# A slope that does not broadcast to x (it once made x 5-d).
save("prelu-slope", [node("PRelu", ["x", "a"], "y")], [1, 2, 5, 5],
     [("a", np.ones((4, 1, 1, 1, 1), np.float32))])
# Backward over an empty axis: still empty (once clamped to [0, -1]).
save("slice-empty-backward", [node("Slice", ["x", "a", "b", "c", "d"], "y")],
     [2, 0], [("a", [-1]), ("b", [-10]), ("c", [1]), ("d", [-1])])
# Operators whose inputs do not fit: a K beyond the axis, two CumSum axes,
# an unsupported scatter reduction, indices of another rank or out of
# range, labels of another shape, an empty axis to arg-reduce, a zero alpha.
save("topk-k", [helper.make_node("TopK", ["x", "a"], ["y", "i"], name="topk")],
     [2, 5], [("a", [9])])
save("cumsum-axes", [node("CumSum", ["x", "a"], "y")], [2, 5], [("a", [0, 1])])
save("scatter-mul", [node("ScatterElements", ["x", "a", "x"], "y",
                          reduction="mul")], [2, 5],
     [("a", np.zeros((2, 5), np.int64))])
save("gather-elements-rank", [node("GatherElements", ["x", "a"], "y")],
     [2, 5], [("a", [0, 1])])
save("gather-elements-range", [node("GatherElements", ["x", "a"], "y",
                                    axis=1)],
     [2, 5], [("a", [[0, 7], [1, -6]])])
save("nll-labels", [node("NegativeLogLikelihoodLoss", ["x", "a"], "y")],
     [2, 5], [("a", [0, 1, 2])])
save("argmax-empty", [node("ArgMax", ["x"], "y", axis=1)], [2, 0])
save("celu-alpha", [node("Celu", ["x"], "y", alpha=0.0)], [2, 5])
