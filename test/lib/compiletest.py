"""Run compiled models from Python tests and compare them with the reference
evaluator.

    import compiletest as ct
    lib = ct.compile_source(source, emit_args=["--grad", "loss"])
    outputs = lib.call("loss_grad", x, w)       # NumPy arrays in and out
    ct.check_against_evaluator("add f32", source, "f", {"arg0": x, "arg1": w})

Inputs are keyed as adjoint-run matches them: by `adj.name`, or `argN`.
`compile_source` runs adjoint-compile (prefix "t") into a fresh directory and
loads the library with ctypes; `Library.call` allocates the outputs and the
workspace from the library's own interface JSON. `check_against_evaluator`
compiles `source`, runs function `fn` both compiled and on the reference
evaluator (adjoint-run, f64) with the same inputs, and compares: 1e-10
relative for f64 results, 1e-5 (relative to the largest magnitude) for f32.
Each check is counted; `done()` prints a summary and exits 1 on a failure.
With ADJOINT_TEST_O0=1 in the environment (lit's `--param O0=1`, the `O0`
ctest suite) every model is compiled with -O0, without optimizations.
"""

import ctypes
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

COMPILE = os.environ.get("ADJOINT_COMPILE", "adjoint-compile")
RUN = os.environ.get("ADJOINT_RUN", "adjoint-run")
FLAGS = ["-O0"] if os.environ.get("ADJOINT_TEST_O0") == "1" else []
DTYPES = {"f32": np.float32, "f64": np.float64, "i32": np.int32,
          "i64": np.int64, "bool": np.bool_}

_tmp = tempfile.mkdtemp(prefix="compiletest-")
_count = 0
_failures = []


class Library:
    """A compiled model loaded with ctypes, described by its interface."""

    def __init__(self, path, prefix):
        self.path = path
        self.dll = ctypes.CDLL(path)
        describe = getattr(self.dll, prefix + "_adjoint_interface")
        describe.restype = ctypes.c_char_p
        self.interface = json.loads(describe().decode())
        self.functions = {f["symbol"][len(prefix) + 1:]: f
                          for f in self.interface["functions"]}
        self.prefix = prefix

    def call(self, name, *inputs):
        """Calls function `name` on `inputs` (converted to the declared
        dtypes, C-contiguous); returns its outputs as a list of arrays."""
        status, outputs = self.call_status(name, *inputs)
        assert status == 0, f"{name} returned status {status}"
        return outputs

    def call_status(self, name, *inputs):
        """As `call`, for a call that may fail: returns its status and its
        outputs."""
        f = self.functions[name]
        # np.require keeps 0-d arrays 0-d (ascontiguousarray makes them 1-d).
        args = [np.require(x, DTYPES[spec["dtype"]], "C")
                for x, spec in zip(inputs, f["inputs"])]
        assert len(args) == len(f["inputs"]), f"{name}: wrong argument count"
        for a, spec in zip(args, f["inputs"]):
            assert list(a.shape) == spec["shape"], (
                f"{name}: {spec['name']} has shape {a.shape}, expected "
                f"{spec['shape']}")
        outputs = [np.empty(spec["shape"], DTYPES[spec["dtype"]])
                   for spec in f["outputs"]]
        workspace = np.empty(f["workspace_size"] + 64, np.uint8)
        offset = (-workspace.ctypes.data) % 64  # 64-byte aligned
        pointers = [a.ctypes.data_as(ctypes.c_void_p) for a in args + outputs]
        pointers.append(ctypes.c_void_p(workspace.ctypes.data + offset))
        fn = getattr(self.dll, f["symbol"])
        fn.restype = ctypes.c_int32
        return fn(*pointers), outputs

    def status_message(self, status):
        message = getattr(self.dll, self.prefix + "_status_message")
        message.restype = ctypes.c_char_p
        message.argtypes = [ctypes.c_int32]
        return message(status).decode()


def tmpdir():
    return tempfile.mkdtemp(dir=_tmp)


def compile_source(source, options=(), prefix="t"):
    """Compiles MLIR `source` to a shared library and loads it; raises
    RuntimeError with the compiler's message on failure."""
    d = tmpdir()
    src, lib = os.path.join(d, "model.mlir"), os.path.join(d, "libmodel.so")
    with open(src, "w") as f:
        f.write(source)
    p = subprocess.run([COMPILE, src, "-o", lib, "--prefix", prefix,
                        *FLAGS, *options], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"adjoint-compile failed:\n{p.stderr}")
    return Library(lib, prefix)


def evaluate(source, fn, inputs):
    """Runs `fn` of `source` on the reference evaluator; returns its results
    (float64 / int64 / bool arrays)."""
    d = tmpdir()
    src = os.path.join(d, "model.mlir")
    npz, out = os.path.join(d, "in.npz"), os.path.join(d, "out.npz")
    with open(src, "w") as f:
        f.write(source)
    np.savez(npz, **inputs)
    p = subprocess.run([RUN, src, "--fn", fn, "--inputs", npz, "--output",
                        out], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"adjoint-run failed:\n{p.stderr}")
    # In order, each under its name (adj.name, else resultN).
    with np.load(out) as z:
        return [z[k] for k in z.files]


def compare(got, want, dtype, where):
    if dtype == "f64":
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12,
                                   equal_nan=True, err_msg=where)
    elif dtype == "f32":
        finite = np.abs(want[np.isfinite(want)])
        scale = max(float(finite.max()) if finite.size else 0.0, 1.0)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * scale,
                                   equal_nan=True, err_msg=where)
    else:
        np.testing.assert_array_equal(got, want, err_msg=where)


def check_against_evaluator(label, source, fn, inputs, options=()):
    """Compiles `source`, runs `fn` compiled and on the evaluator with
    `inputs` (a dict of arrays in argument order) and compares."""
    global _count
    _count += 1
    try:
        lib = compile_source(source, options)
        got = lib.call(fn, *inputs.values())
        want = evaluate(source, fn, inputs)
        specs = lib.functions[fn]["outputs"]
        assert len(got) == len(want), f"{len(got)} outputs, {len(want)} expected"
        for g, w, spec in zip(got, want, specs):
            compare(g, w, spec["dtype"], f"{label}: {spec['name']}")
    except (AssertionError, RuntimeError, OSError) as e:
        _failures.append(label)
        print(f"FAIL {label}: {str(e).strip()}", file=sys.stderr)
        print("  " + source.strip().replace("\n", "\n  "), file=sys.stderr)


def done():
    """Prints a summary; exits 1 if any check failed."""
    if _failures:
        print(f"{len(_failures)} of {_count} checks FAILED (files in {_tmp}): "
              + ", ".join(_failures), file=sys.stderr)
        sys.exit(1)
    print(f"{_count} passed, 0 failed")
