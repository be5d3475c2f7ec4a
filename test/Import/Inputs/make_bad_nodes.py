"""Writes ONNX models into argv[1] whose node attributes or constant inputs
are out of range: each once read past the data, crashed the importer, gave
NaN, or built IR without bound in the importer."""

import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def save(name, nodes, x_shape, initializers=(), opset=17):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(v, n) for n, v in initializers])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)])
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def node(op, inputs, **attrs):
    outputs = ["y", "i"] if op == "TopK" else ["y"]
    return helper.make_node(op, inputs, outputs, name=op.lower(), **attrs)


# Indices of 3 rows for data of 2: only the axis may be longer.
indices = np.array([[0, 1], [1, 0], [1, 1]], np.int64)
save("gather-elements-rows", [node("GatherElements", ["x", "a"], axis=1)],
     [2, 3], [("a", indices)])
save("scatter-elements-rows",
     [node("ScatterElements", ["x", "a", "u"], axis=1)], [2, 3],
     [("a", indices), ("u", np.ones((3, 2), np.float32))])

# 3-D windows with no depth.
for op, kernel in (("MaxPool", [0, 2, 2]), ("AveragePool", [-1, 2, 2])):
    save(f"{op.lower()}3d-kernel", [node(op, ["x"], kernel_shape=kernel)],
         [1, 1, 3, 4, 4])
save("conv3d-depth", [node("Conv", ["x", "w"])], [1, 1, 3, 4, 4],
     [("w", np.zeros((1, 1, 0, 2, 2), np.float32))])
# Depth padding as deep as the kernel: windows of padding only.
for op in ("MaxPool", "AveragePool"):
    save(f"{op.lower()}3d-pads",
         [node(op, ["x"], kernel_shape=[2, 2, 2], pads=[3, 0, 0, 3, 0, 0])],
         [1, 1, 3, 4, 4])

# Digits are not indices (the importer's names for an ellipsis' dimensions).
save("einsum-digit", [node("Einsum", ["x"], equation="i1->i")], [2, 3])

# TopK of 17 over 5000 entries: too many pairs to compare, too many passes.
save("topk-large", [node("TopK", ["x", "k"])], [1, 5000],
     [("k", np.array([17], np.int64))])

# An integer constant expanded to 300000 entries is broadcast at run time,
# not folded into a constant of that size.
save("expand-large",
     [helper.make_node("Constant", [], ["c"], name="constant",
                       value=numpy_helper.from_array(
                           np.array([1, 2, 3], np.int64))),
      helper.make_node("Expand", ["c", "s"], ["e"], name="expand"),
      helper.make_node("Cast", ["e"], ["f"], name="cast",
                       to=TensorProto.FLOAT),
      helper.make_node("Mul", ["f", "x"], ["y"], name="mul")],
     [100000, 3], [("s", np.array([100000, 3], np.int64))])

# Bools added (Greater's mask): arithmetic takes numbers, not masks.
save("bool-add",
     [helper.make_node("Greater", ["x", "z"], ["b"], name="greater"),
      helper.make_node("Add", ["b", "b"], ["s"], name="add"),
      helper.make_node("Cast", ["s"], ["y"], name="cast",
                       to=TensorProto.FLOAT)],
     [2, 3], [("z", np.array(0, np.float32))])

# Slice's starts and ends as floats (attributes before opset 10) were read
# as no bounds at all.
save("slice-float-starts",
     [node("Slice", ["x"], starts=[1.0], ends=[2.0])], [3, 4], opset=9)

# TopK before opset 10 without its attribute k.
save("topk-no-k", [node("TopK", ["x"])], [3, 4], opset=9)

# Slice naming an axis twice (as 1 and as -1) sliced it once, by the last.
save("slice-duplicate-axes",
     [node("Slice", ["x", "s", "e", "a"])], [3, 4],
     [("s", np.array([0, 1], np.int64)), ("e", np.array([2, 3], np.int64)),
      ("a", np.array([1, -1], np.int64))])

# OneHot of a depth too large for any tensor failed without the node.
save("onehot-depth-large",
     [helper.make_node("Cast", ["x"], ["c"], name="cast",
                       to=TensorProto.INT64),
      node("OneHot", ["c", "d", "v"])], [3],
     [("d", np.array([2**62], np.int64)),
      ("v", np.array([0, 1], np.float32))])

# The older opsets' forms: Resize at opset 10 has no cubic mode, Upsample
# before opset 9 needs its scales attribute, Pad before 11 its pads
# attribute; Equal of an integer and a bool mask cannot compare.
save("resize10-cubic", [node("Resize", ["x", "s"], mode="cubic")],
     [1, 1, 2, 2], [("s", np.array([1, 1, 2, 2], np.float32))], opset=10)
save("upsample8-no-scales", [node("Upsample", ["x"])], [1, 1, 2, 2],
     opset=8)
save("pad10-no-pads", [node("Pad", ["x"], mode="reflect")], [3, 4],
     opset=10)
save("equal-int-bool",
     [helper.make_node("Cast", ["x"], ["i"], name="int", to=TensorProto.INT64),
      helper.make_node("Cast", ["x"], ["b"], name="bool", to=TensorProto.BOOL),
      node("Equal", ["i", "b"])], [3], opset=9)

# BatchNormalization's statistics per activation (`spatial` 0, opsets 7
# and 8).
stats = [(k, np.ones(3, np.float32)) for k in ("s", "b", "m", "v")]
save("batchnorm7-spatial0",
     [node("BatchNormalization", ["x", "s", "b", "m", "v"], spatial=0)],
     [2, 3], stats, opset=7)

# A node, or the graph, reading an output the importer does not make
# (Dropout's mask) once got an error that did not say which.
save("dropout-mask-read",
     [helper.make_node("Dropout", ["x"], ["d", "mask"], name="dropout"),
      helper.make_node("Cast", ["mask"], ["y"], name="cast",
                       to=TensorProto.FLOAT)], [2, 3])
save("dropout-mask-output",
     [helper.make_node("Dropout", ["x"], ["d", "y"], name="dropout")],
     [2, 3])

# ConstantFill's value out of its integer dtype's range was once wrapped
# (an INT32 3e9 became -1294967296).
save("constantfill-int32",
     [helper.make_node("ConstantFill", [], ["c"], name="constantfill",
                       shape=[2], dtype=TensorProto.INT32, value=3e9),
      helper.make_node("Cast", ["c"], ["f"], name="cast",
                       to=TensorProto.FLOAT),
      node("Mul", ["f", "x"])], [2], opset=8)

# A Range of a run-time value: shapes are static, so it must fold.
save("range-runtime",
     [node("Range", ["x", "l", "d"])], [],
     [("l", np.array(5, np.int64)), ("d", np.array(1, np.int64))])

# Two nodes writing one name (not SSA; onnx.checker rejects it): the last
# writer once silently won; a node writing over a graph input too.
save("non-ssa",
     [helper.make_node("Relu", ["x"], ["y"], name="relu"),
      helper.make_node("Neg", ["x"], ["y"], name="neg")], [2, 3])
save("non-ssa-input",
     [helper.make_node("Relu", ["x"], ["x"], name="relu"),
      helper.make_node("Neg", ["x"], ["y"], name="neg")], [2, 3])
