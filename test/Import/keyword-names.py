# ONNX names that are C or C++ keywords (`int`, `class`, `new`) get the
# sanitizer's prefix like names starting with a digit, so that the
# generated header compiles as C and as C++ (docs/c-abi.md).
# RUN: %python %s %t.dir

import os
import shutil
import subprocess
import sys

import onnx
from onnx import TensorProto, helper

out = sys.argv[1]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
graph = helper.make_graph(
    [helper.make_node("Add", ["int", "class"], ["new"])], "kw",
    [helper.make_tensor_value_info(n, TensorProto.FLOAT, [4])
     for n in ("int", "class")],
    [helper.make_tensor_value_info("new", TensorProto.FLOAT, [4])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
path = os.path.join(out, "kw.onnx")
onnx.save(model, path)

header = os.path.join(out, "kw.h")
subprocess.run(["adjoint-compile", path, "-o", header, "--emit=header"],
               check=True)
text = open(header).read()
for name in ("arg_int", "arg_class", "output_new"):
    assert name in text, (name, text)
for lang, cc in (("c", "cc"), ("c++", "c++")):
    source = os.path.join(out, "use." + ("c" if lang == "c" else "cpp"))
    with open(source, "w") as f:
        f.write('#include "kw.h"\nint main(void) { return 0; }\n')
    subprocess.run([cc, "-Wall", "-Werror", "-c", source, "-o", os.devnull],
                   check=True, cwd=out)
print("keyword names: prefixed; the header compiles as C and C++")
