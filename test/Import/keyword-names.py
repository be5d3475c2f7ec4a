# ONNX names that are C or C++ keywords (`int`, `class`, `new`), macros of
# the standard C headers (`NULL`), reserved in C (`_Tmp`) or the C ABI's own
# `workspace` get the sanitizer's prefix like names starting with a digit,
# so that the generated header compiles as C and as C++ (docs/c-abi.md).
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
    [helper.make_node("Add", ["int", "class"], ["s"]),
     helper.make_node("Add", ["s", "NULL"], ["t"]),
     helper.make_node("Add", ["t", "_Tmp"], ["u"]),
     helper.make_node("Add", ["u", "workspace"], ["new"])], "kw",
    [helper.make_tensor_value_info(n, TensorProto.FLOAT, [4])
     for n in ("int", "class", "NULL", "_Tmp", "workspace")],
    [helper.make_tensor_value_info("new", TensorProto.FLOAT, [4])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
path = os.path.join(out, "kw.onnx")
onnx.save(model, path)

header = os.path.join(out, "kw.h")
subprocess.run(["adjoint-compile", path, "-o", header, "--emit=header"],
               check=True)
text = open(header).read()
for name in ("arg_int", "arg_class", "arg_NULL", "arg__Tmp", "arg_workspace",
             "output_new"):
    assert name in text, (name, text)
for lang, cc in (("c", "cc"), ("c++", "c++")):
    source = os.path.join(out, "use." + ("c" if lang == "c" else "cpp"))
    with open(source, "w") as f:
        f.write('#include <stdio.h>\n#include "kw.h"\n'
                'int main(void) { return 0; }\n')
    subprocess.run([cc, "-Wall", "-Werror", "-c", source, "-o", os.devnull],
                   check=True, cwd=out)
print("keyword and reserved names: prefixed; the header compiles as C and "
      "C++")
