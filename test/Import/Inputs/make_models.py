"""Writes small ONNX models for the importer's tests into argv[1], built
with onnx.helper (no checker: some are wrong on purpose)."""

import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
F = TensorProto.FLOAT


def save(name, nodes, inputs, outputs, initializers=(), opset=14):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs],
        [numpy_helper.from_array(v, n) for n, v in initializers])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)])
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def const(name, values):
    return helper.make_node(
        "Constant", [], [name], name=name,
        value=numpy_helper.from_array(np.array(values, np.int64)))


w = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
b = np.array([1, 2, 3], np.float32)

# Gemm with its attributes, then Relu.
save("gemm",
     [helper.make_node("Gemm", ["x", "fc.weight", "fc.bias"], ["h"],
                       name="/fc/Gemm", alpha=2.0, beta=0.5, transB=1),
      helper.make_node("Relu", ["h"], ["y"], name="/relu")],
     [("x", F, [2, 3])], [("y", F, [2, 4])],
     [("fc.weight", w), ("fc.bias", np.ones(4, np.float32))])

# PyTorch's shape chain: Shape -> Gather -> Unsqueeze -> Concat -> Reshape.
save("shape-chain",
     [helper.make_node("Shape", ["x"], ["s"], name="shape"),
      const("zero", 0),
      helper.make_node("Gather", ["s", "zero"], ["n"], name="gather", axis=0),
      const("axes", [0]),
      helper.make_node("Unsqueeze", ["n", "axes"], ["n1"], name="unsqueeze"),
      const("minus1", [-1]),
      helper.make_node("Concat", ["n1", "minus1"], ["shape"], name="concat",
                       axis=0),
      helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
     [("x", F, [2, 3, 4])], [("y", F, [2, 12])])

# An operator the importer does not know.
save("unsupported-op",
     [helper.make_node("Hardmax", ["x"], ["y"], name="/head/Hardmax")],
     [("x", F, [2, 3])], [("y", F, [2, 3])])

# LayerNormalization exists from opset 17.
save("old-opset",
     [helper.make_node("LayerNormalization", ["x", "g"], ["y"], name="ln")],
     [("x", F, [2, 3])], [("y", F, [2, 3])], [("g", b)], opset=14)

# Inner dimensions 3 and 4 do not match.
save("inconsistent",
     [helper.make_node("MatMul", ["x", "w"], ["y"], name="/fc/MatMul")],
     [("x", F, [2, 3])], [("y", F, [2, 3])], [("w", w)])

# Attribute values the importer does not support.
save("pool-dilations",
     [helper.make_node("MaxPool", ["x"], ["y"], name="pool",
                       kernel_shape=[2, 2], dilations=[2, 2])],
     [("x", F, [1, 1, 6, 6])], [("y", F, [1, 1, 2, 2])], opset=12)
# Average pooling in ceil mode counting the padding: the last window hangs
# over the padded input, so its average is scaled by 3/2 per dimension.
save("avg-pool-ceil",
     [helper.make_node("AveragePool", ["x"], ["y"], name="pool",
                       kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
                       ceil_mode=1, count_include_pad=1)],
     [("x", F, [1, 1, 6, 6])], [("y", F, [1, 1, 4, 4])])
save("resize-cubic",
     [helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize",
                       mode="cubic")],
     [("x", F, [1, 1, 2, 2])], [("y", F, [1, 1, 4, 4])],
     [("scales", np.array([1, 1, 2, 2], np.float32))], opset=13)
save("resize-linear",
     [helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize",
                       mode="linear", coordinate_transformation_mode="align_corners")],
     [("x", F, [1, 1, 2, 2])], [("y", F, [1, 1, 3, 4])],
     [("scales", np.array([1, 1, 1.5, 2], np.float32))], opset=13)
# Scales as a float initializer: an argument, read at import time from its
# initial value.
save("resize-init",
     [helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize")],
     [("x", F, [1, 1, 2, 2])], [("y", F, [1, 1, 4, 6])],
     [("scales", np.array([1, 1, 2, 3], np.float32))], opset=13)
save("resize-tf-half-pixel",
     [helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize",
                       coordinate_transformation_mode="tf_half_pixel_for_nn",
                       nearest_mode="floor")],
     [("x", F, [1, 1, 2, 2])], [("y", F, [1, 1, 4, 4])],
     [("scales", np.array([1, 1, 2, 2], np.float32))], opset=13)
save("resize-empty",
     [helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], name="resize")],
     [("x", F, [1, 0, 2, 2])], [("y", F, [1, 0, 4, 4])],
     [("sizes", np.array([1, 0, 4, 4], np.int64))], opset=13)
save("pool-stride0",
     [helper.make_node("MaxPool", ["x"], ["y"], name="pool",
                       kernel_shape=[2, 2], strides=[0, 1], ceil_mode=1)],
     [("x", F, [1, 1, 5, 5])], [("y", F, [1, 1, 4, 4])])
save("lstm-empty",
     [helper.make_node("LSTM", ["x", "w", "r"], ["y", "yh"], name="lstm",
                       hidden_size=2)],
     [("x", F, [0, 1, 2])], [("yh", F, [1, 1, 2])],
     [("w", np.ones((1, 8, 2), np.float32)),
      ("r", np.ones((1, 8, 2), np.float32))])
save("conv-same",
     [helper.make_node("Conv", ["x", "k"], ["y"], name="conv",
                       auto_pad="SAME_UPPER")],
     [("x", F, [1, 1, 5, 5])], [("y", F, [1, 1, 5, 5])],
     [("k", np.ones((1, 1, 3, 3), np.float32))])
save("conv3d",
     [helper.make_node("Conv", ["x", "k"], ["y"], name="conv3d")],
     [("x", F, [1, 1, 4, 4, 4])], [("y", F, [1, 1, 2, 2, 2])],
     [("k", np.ones((1, 1, 3, 3, 3), np.float32))])
save("conv4d",
     [helper.make_node("Conv", ["x", "k"], ["y"], name="conv4d")],
     [("x", F, [1, 1, 4, 4, 4, 4])], [("y", F, [1, 1, 2, 2, 2, 2])],
     [("k", np.ones((1, 1, 3, 3, 3, 3), np.float32))])

# Einsum with a repeated index in one operand (a trace).
save("einsum-trace",
     [helper.make_node("Einsum", ["x"], ["y"], name="trace",
                       equation="ii->")],
     [("x", F, [3, 3])], [("y", F, [])], opset=12)

# A 1-D convolution and max pooling: 2-D ops over [N, C, 1, L].
save("conv1d",
     [helper.make_node("Conv", ["x", "k", "kb"], ["c"], name="conv1d",
                       pads=[2, 1], strides=[2], dilations=[3]),
      helper.make_node("MaxPool", ["c"], ["y"], name="pool1d",
                       kernel_shape=[2], strides=[2], pads=[1, 0])],
     [("x", F, [2, 3, 11])], [("y", F, [2, 4, 3])],
     [("k", np.ones((4, 3, 2), np.float32)), ("kb", np.ones(4, np.float32))])

# Clip with its bounds as attributes (opset 6) and as inputs (opset 11,
# only a maximum), LeakyRelu, Max of three, Where on a bool constant and
# on a comparison.
save("clip6",
     [helper.make_node("Clip", ["x"], ["y"], name="clip", min=-1.0, max=2.0)],
     [("x", F, [2, 3])], [("y", F, [2, 3])], opset=6)
save("clip11",
     [helper.make_node("Clip", ["x", "", "hi"], ["y"], name="clip")],
     [("x", F, [2, 3])], [("y", F, [2, 3])],
     [("hi", np.array(6, np.float32))], opset=11)
save("kinks",
     [helper.make_node("LeakyRelu", ["x"], ["l"], name="leaky", alpha=0.2),
      helper.make_node("Max", ["x", "l", "b"], ["m"], name="max"),
      helper.make_node("Less", ["m", "b"], ["c"], name="less"),
      helper.make_node("Where", ["c", "m", "l"], ["w"], name="where1"),
      helper.make_node("Where", ["mask", "w", "b"], ["y"], name="where2")],
     [("x", F, [2, 3])], [("y", F, [2, 3])],
     [("b", b), ("mask", np.array([True, False, True]))])

# A bidirectional GRU with other activations, an RNN with sigmoid, and an
# LSTM with peepholes.
save("gru-activations",
     [helper.make_node("GRU", ["x", "w", "r"], ["y"], name="gru",
                       hidden_size=2, direction="bidirectional",
                       activations=["Sigmoid", "Tanh", "HardSigmoid", "Tanh"])],
     [("x", F, [3, 1, 2])], [("y", F, [3, 2, 1, 2])],
     [("w", np.ones((2, 6, 2), np.float32)),
      ("r", np.ones((2, 6, 2), np.float32))])
save("rnn-sigmoid",
     [helper.make_node("RNN", ["x", "w", "r"], ["y"], name="rnn",
                       hidden_size=2, activations=["Sigmoid"])],
     [("x", F, [3, 1, 2])], [("y", F, [3, 1, 1, 2])],
     [("w", np.ones((1, 2, 2), np.float32)),
      ("r", np.ones((1, 2, 2), np.float32))])
save("lstm-peepholes",
     [helper.make_node("LSTM", ["x", "w", "r", "", "", "", "", "p"], ["y"],
                       name="lstm", hidden_size=2)],
     [("x", F, [3, 1, 2])], [("y", F, [3, 1, 1, 2])],
     [("w", np.ones((1, 8, 2), np.float32)),
      ("r", np.ones((1, 8, 2), np.float32)),
      ("p", np.ones((1, 6), np.float32))])

# Dropout exported in training mode: an error with a non-zero ratio (no
# random numbers), the identity with ratio 0.
def dropout(name, ratio):
    save(name,
         [helper.make_node("Constant", [], ["ratio"], name="ratio",
                           value=numpy_helper.from_array(np.array(ratio, np.float32))),
          helper.make_node("Constant", [], ["train"], name="train",
                           value=numpy_helper.from_array(np.array(True))),
          helper.make_node("Dropout", ["x", "ratio", "train"], ["y"],
                           name="drop")],
         [("x", F, [2, 3])], [("y", F, [2, 3])])


dropout("dropout-training", 0.5)
dropout("dropout-zero", 0.0)

# Reductions of integer constants (shape arithmetic) fold: ReduceProd of a
# shape to an element count, then Cast to float; ReduceMean does not.
save("int-reduce",
     [helper.make_node("Shape", ["x"], ["s"], name="shape"),
      helper.make_node("ReduceProd", ["s"], ["n"], name="prod", keepdims=0),
      helper.make_node("Cast", ["n"], ["nf"], name="cast", to=F),
      helper.make_node("Div", ["x", "nf"], ["y"], name="div")],
     [("x", F, [2, 3])], [("y", F, [2, 3])])
save("int-reduce-mean",
     [helper.make_node("Shape", ["x"], ["s"], name="shape"),
      helper.make_node("ReduceMean", ["s"], ["n"], name="mean"),
      helper.make_node("Cast", ["n"], ["nf"], name="cast", to=F),
      helper.make_node("Div", ["x", "nf"], ["y"], name="div")],
     [("x", F, [2, 3])], [("y", F, [2, 3])])

# Two equal transposed convolutions share one private convolution, whose
# input-derivative they ask for; output_shape is not supported.
kt = np.ones((3, 2, 2, 2), np.float32)
save("conv-transpose",
     [helper.make_node("ConvTranspose", ["x", "k"], ["h"], name="t1",
                       strides=[2, 2]),
      helper.make_node("Relu", ["h"], ["r"], name="relu"),
      helper.make_node("ConvTranspose", ["x", "k"], ["y"], name="t2",
                       strides=[2, 2])],
     [("x", F, [1, 3, 2, 2])], [("y", F, [1, 2, 4, 4]), ("r", F, [1, 2, 4, 4])],
     [("k", kt)])
save("conv-transpose-shape",
     [helper.make_node("ConvTranspose", ["x", "k"], ["y"], name="t",
                       strides=[2, 2], output_shape=[4, 4])],
     [("x", F, [1, 3, 2, 2])], [("y", F, [1, 2, 4, 4])], [("k", kt)])

save("conv-transpose-group0",
     [helper.make_node("ConvTranspose", ["x", "k"], ["y"], name="t",
                       group=0)],
     [("x", F, [1, 3, 2, 2])], [("y", F, [1, 2, 3, 3])], [("k", kt)])
# output_padding 1 is below the dilation 2 but not below the stride 1 (as
# PyTorch allows); 2 is below neither.
save("conv-transpose-padding",
     [helper.make_node("ConvTranspose", ["x", "k"], ["y"], name="t",
                       dilations=[2, 2], output_padding=[1, 1])],
     [("x", F, [1, 3, 2, 2])], [("y", F, [1, 2, 5, 5])], [("k", kt)])
save("conv-transpose-wide",
     [helper.make_node("ConvTranspose", ["x", "k"], ["y"], name="t",
                       dilations=[2, 2], output_padding=[2, 0])],
     [("x", F, [1, 3, 2, 2])], [("y", F, [1, 2, 6, 4])], [("k", kt)])

# An output declared with another shape than it has.
save("wrong-output-shape",
     [helper.make_node("Relu", ["x"], ["y"], name="relu")],
     [("x", F, [2, 3])], [("y", F, [3, 2])])
# x.expand(3, 4, -1) as PyTorch exports it: the -1s of the shape found by
# Equal against ConstantOfShape * -1 and replaced by 1s by Where, all on
# integer constants (the Equal once failed to import).
save("expand-minus-one",
     [const("shape", [3, 4, -1]), const("rank", [3]),
      helper.make_node("ConstantOfShape", ["rank"], ["ones"], name="ones",
                       value=numpy_helper.from_array(np.array([1], np.int64))),
      const("minus1", -1),
      helper.make_node("Mul", ["ones", "minus1"], ["minus"], name="mul"),
      helper.make_node("Equal", ["shape", "minus"], ["is_minus"],
                       name="equal"),
      helper.make_node("Where", ["is_minus", "ones", "shape"], ["sizes"],
                       name="where"),
      helper.make_node("Expand", ["x", "sizes"], ["y"], name="expand")],
     [("x", F, [4, 5])], [("y", F, [3, 4, 5])])
# The same next to a ceil-mode pool whose dropped window makes its own
# output's declared (ONNX's) shape [1, 1, 4, 4] differ, rightly, from the
# computed [1, 1, 3, 3]: only the pool's output is excused.
save("wrong-output-shape-pool",
     [helper.make_node("MaxPool", ["x"], ["p"], name="pool",
                       kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 1, 1],
                       ceil_mode=1),
      helper.make_node("Relu", ["x"], ["y"], name="relu")],
     [("x", F, [1, 1, 5, 5])], [("p", F, [1, 1, 4, 4]), ("y", F, [1, 1, 9, 9])])

# A rank-3 output: [B, T, classes] logits; a 1-D one, which has no class
# dimension.
save("rank3",
     [helper.make_node("Relu", ["x"], ["y"], name="relu")],
     [("x", F, [2, 3, 4])], [("y", F, [2, 3, 4])])
save("rank1",
     [helper.make_node("Relu", ["x"], ["y"], name="relu")],
     [("x", F, [4])], [("y", F, [4])])

# Gemm without its second operand; a node reading an unknown value.
save("missing-input",
     [helper.make_node("Gemm", ["x"], ["y"], name="gemm")],
     [("x", F, [2, 3])], [("y", F, [2, 3])])
save("unknown-value",
     [helper.make_node("Relu", ["nowhere"], ["y"], name="relu")],
     [("x", F, [2, 3])], [("y", F, [2, 3])])

# A symbolic batch dimension.
save("dynamic",
     [helper.make_node("Relu", ["x"], ["y"], name="relu")],
     [("x", F, ["batch", 3])], [("y", F, ["batch", 3])])

# A reshape that reads a run-time tensor as its shape.
save("runtime-shape",
     [helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape")],
     [("x", F, [2, 3]), ("s", TensorProto.INT64, [2])], [("y", F, [3, 2])])

# An MLP-like model with one output, for the losses.
save("linear",
     [helper.make_node("MatMul", ["x", "w"], ["h"], name="matmul"),
      helper.make_node("Add", ["h", "b"], ["y"], name="add")],
     [("x", F, [2, 4])], [("y", F, [2, 3])], [("w", w), ("b", b)])

# A graph input named labels: its name unless a loss adds labels.
save("input-labels",
     [helper.make_node("Add", ["x", "labels"], ["y"], name="add")],
     [("x", F, [2, 3]), ("labels", F, [2, 3])], [("y", F, [2, 3])])

# A passthrough (output x is input x, as onnx.helper or a hand edit
# writes it) and a constant output.
save("passthrough",
     [helper.make_node("Constant", [], ["c"], name="c",
                       value=numpy_helper.from_array(np.ones(2, np.float32)))],
     [("x", F, [3])], [("x", F, [3]), ("c", F, [2])])

# Not protobuf at all.
with open(os.path.join(out, "garbage.onnx"), "wb") as f:
    f.write(b"\xff\xff\xff\xff not an onnx model")
