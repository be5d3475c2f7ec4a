"""Writes into argv[1] the models of testers2-errors.test: unsupported.onnx
has several unsupported nodes (some read the graph input, one reads a value
computed from an unsupported node's output, one is of another domain;
supported nodes sit between them); int-sum.onnx sums a run-time integer
tensor (a bool mask cast, as PyTorch exports m.sum()); mixed-float.onnx
adds a float32 parameter to a float64 input."""

import os
import sys

from onnx import TensorProto, helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

nodes = [
    helper.make_node("Relu", ["x"], ["r"], name="relu"),
    helper.make_node("EyeLike", ["r"], ["e"], name="eyelike"),
    # Skipped: reads an unsupported node's output.
    helper.make_node("Add", ["e", "x"], ["s"], name="add"),
    # Reported although it reads a skipped node's output.
    helper.make_node("Hardmax", ["s"], ["h"], name="hardmax"),
    helper.make_node("Det", ["x"], ["d"], name="det"),
    helper.make_node("Foo", ["x"], ["f"], name="foo", domain="com.example"),
    helper.make_node("Add", ["h", "f"], ["y"], name="add2"),
]
graph = helper.make_graph(
    nodes, "unsupported",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 3]),
     helper.make_tensor_value_info("d", TensorProto.FLOAT, [])])
model = helper.make_model(graph, opset_imports=[
    helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)])
with open(os.path.join(out, "unsupported.onnx"), "wb") as f:
    f.write(model.SerializeToString())

nodes = [
    helper.make_node("Cast", ["m"], ["c"], name="cast", to=TensorProto.INT64),
    helper.make_node("ReduceSum", ["c"], ["y"], name="reducesum", keepdims=0),
]
graph = helper.make_graph(
    nodes, "int-sum",
    [helper.make_tensor_value_info("m", TensorProto.BOOL, [2, 5])],
    [helper.make_tensor_value_info("y", TensorProto.INT64, [])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
with open(os.path.join(out, "int-sum.onnx"), "wb") as f:
    f.write(model.SerializeToString())

graph = helper.make_graph(
    [helper.make_node("Add", ["x", "w"], ["y"], name="add")], "mixed-float",
    [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [2, 3])],
    [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [2, 3])],
    [helper.make_tensor("w", TensorProto.FLOAT, [3], [1.0, 2.0, 3.0])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
with open(os.path.join(out, "mixed-float.onnx"), "wb") as f:
    f.write(model.SerializeToString())
