# -*- Python -*-
# lit configuration of the Adjoint test suite.

import os
import platform
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "Adjoint"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".py", ".test"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "Inputs", "lib"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.adjoint_obj_root, "test")

config.environment["FILECHECK_OPTS"] = (
    "-enable-var-scope --allow-unused-prefixes=false")
# test/lib: the tests' helpers; tools/python: the `adjoint` package.
config.environment["PYTHONPATH"] = os.pathsep.join([
    os.path.join(config.adjoint_src_root, "test", "lib"),
    os.path.join(config.adjoint_src_root, "tools", "python")])

# `--param O0=1`: compiletest.py compiles every model with -O0.
if lit_config.params.get("O0") == "1":
    config.environment["ADJOINT_TEST_O0"] = "1"

llvm_config.use_default_substitutions()
config.substitutions.append(("%src_root", config.adjoint_src_root))
config.substitutions.append(("%obj_root", config.adjoint_obj_root))
# NumPy and PyTorch oracles run under Debian's interpreter, which has the
# python3-numpy / python3-torch packages; it replaces lit's default %python
# (the interpreter running lit).
config.substitutions = [s for s in config.substitutions if s[0] != "%python"]
config.substitutions.append(("%python", "/usr/bin/python3"))

tool_dirs = [config.adjoint_tools_dir, config.llvm_tools_dir]
tools = ["adjoint-compile", "adjoint-import", "adjoint-opt", "adjoint-run"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
llvm_config.with_environment("PATH", config.adjoint_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# Graphviz, for the tests that render DOT (REQUIRES: dot).
if shutil.which("dot"):
    config.available_features.add("dot")

# An x86-64 glibc host whose libmvec has the functions Adjoint maps (glibc
# 2.35+): the libraries it builds call libmvec (REQUIRES: libmvec).
try:
    import ctypes
    if platform.machine() == "x86_64" and hasattr(
            ctypes.CDLL("libmvec.so.1"), "_ZGVbN2v_tanh"):
        config.available_features.add("libmvec")
except OSError:
    pass
