"""Per-call cost of the Python package (tools/python/adjoint) on mlp-small.

  /usr/bin/python3 tools/bench/python_call.py [--packages DIR,DIR]
      [--build build] [--repeat N] [--number K]

Compiles examples/bench/mlp-small.mlir with adjoint.compile (the build's
adjoint-compile) and times, with timeit, each of:

  loss      lib.loss(*inputs)                         8 inputs, 1 output
  lag       lib.loss_and_gradients(*inputs)           8 inputs, 7 outputs
  lag-out   lib.loss_and_gradients(*inputs, out=out)  the outputs reused
  lag-named lib.loss_and_gradients(**inputs)
  ctypes    the bare ctypes call of the same symbol, its 16 data pointers
            made once: the floor (the C call and ctypes' own conversion)

Each --packages directory (one holding an `adjoint` package; default
tools/python) is imported under a name of its own and loads the same
library; the repeats take turns (every case of every package, --repeat
times over), so that a before/after pair sees the same load of a shared
machine. Prints min/median/max µs per call over the repeats (each the mean
of --number calls; timeit turns GC off). On a busy machine the minimum is
the figure to compare. Not a test: it asserts no speed.
"""

import argparse
import ctypes
import importlib.util
import os
import statistics
import sys
import tempfile
import timeit

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from workloads import make_inputs  # noqa: E402

MODEL = os.path.join(ROOT, "examples", "bench", "mlp-small.mlir")
CASES = ["loss", "lag", "lag-out", "lag-named", "ctypes"]


def import_package(directory, name):
    """The `adjoint` package in `directory`, imported as `name`."""
    path = os.path.join(directory, "adjoint", "__init__.py")
    spec = importlib.util.spec_from_file_location(
        name, path, submodule_search_locations=[os.path.dirname(path)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def calls(package, library, named):
    """Each case's call of the library loaded by `package`."""
    lib = package.load(library)
    lag = lib.loss_and_gradients
    inputs = [named[a.name] for a in lag.inputs]
    out = [np.empty(a.shape, a.dtype) for a in lag.outputs]
    raw = lib.dll[lag.symbol]  # a function object of its own
    raw.restype = ctypes.c_int32
    raw.argtypes = [ctypes.c_void_p] * (len(inputs) + len(out) + 1)
    pointers = [a.ctypes.data for a in inputs + out]
    pointers.append(lag.workspace().ctypes.data)
    return {
        "loss": lambda: lib.loss(*inputs),
        "lag": lambda: lag(*inputs),
        "lag-out": lambda: lag(*inputs, out=out),
        "lag-named": lambda: lag(**named),
        "ctypes": lambda: raw(*pointers),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--packages", default=os.path.join(ROOT, "tools", "python"),
                   help="comma-separated directories holding an adjoint "
                   "package")
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--repeat", type=int, default=300)
    p.add_argument("--number", type=int, default=2000)
    a = p.parse_args()
    directories = [os.path.abspath(d) for d in a.packages.split(",")]
    packages = [import_package(d, f"adjoint_{i}")
                for i, d in enumerate(directories)]
    os.environ["ADJOINT_COMPILE"] = os.path.join(os.path.abspath(a.build),
                                                 "bin", "adjoint-compile")
    with tempfile.TemporaryDirectory() as tmp:
        library = packages[0].compile(MODEL, os.path.join(tmp, "libsmall.so"),
                                      load=False)
        named = make_inputs("mlp-small")
        fns = [calls(package, library, named) for package in packages]
        samples = [{c: [] for c in CASES} for _ in packages]
        for f in fns:
            for fn in f.values():
                fn()
        for _ in range(a.repeat):
            for case in CASES:
                for f, s in zip(fns, samples):
                    t = timeit.timeit(f[case], number=a.number)
                    s[case].append(t / a.number * 1e6)
    print(f"µs per call, min / median / max over {a.repeat} repeats of "
          f"{a.number} calls")
    print("| case | " + " | ".join(directories) + " |")
    print("|---|" + "---|" * len(directories))
    for case in CASES:
        cells = [f"{min(s[case]):.2f} / {statistics.median(s[case]):.2f} / "
                 f"{max(s[case]):.2f}" for s in samples]
        print(f"| {case} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
