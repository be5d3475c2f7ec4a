"""Per-call cost of the Python package (tools/python/adjoint) on mlp-small.

  /usr/bin/python3 tools/bench/python_call.py [--packages DIR,DIR]
      [--build build] [--rounds R] [--repeat N] [--number K]

Compiles examples/bench/mlp-small.mlir with adjoint.compile (the build's
adjoint-compile) and times, with timeit, each of:

  loss      lib.loss(*inputs)                         8 inputs, 1 output
  lag       lib.loss_and_gradients(*inputs)           8 inputs, 7 outputs
  lag-out   lib.loss_and_gradients(*inputs, out=out)  the outputs reused
  lag-named lib.loss_and_gradients(**inputs)
  ctypes    the bare ctypes call of the same symbol, its 16 data pointers
            made once: the floor (the C call and ctypes' own conversion)

Each --packages directory (one holding an `adjoint` package; default
tools/python) is timed in a subprocess of its own, the directories taking
turns over --rounds rounds, so that a before/after pair sees the same load
of a shared machine. Prints min/median/max µs per call over all the
rounds' repeats (each repeat is the mean of --number calls), GC off as
timeit does. Not a test: it asserts no speed.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODEL = os.path.join(ROOT, "examples", "bench", "mlp-small.mlir")
CASES = ["loss", "lag", "lag-out", "lag-named", "ctypes"]


def child(package, build, repeat, number):
    """Times every case with the package in `package`; prints one JSON
    line {case: [µs per call of each repeat]}."""
    sys.path.insert(0, package)
    sys.path.insert(0, HERE)
    import ctypes

    import numpy as np

    import adjoint
    from workloads import make_inputs

    os.environ["ADJOINT_COMPILE"] = os.path.join(build, "bin",
                                                 "adjoint-compile")
    lib = adjoint.compile(MODEL)
    lag = lib.loss_and_gradients
    named = make_inputs("mlp-small")
    inputs = [named[a.name] for a in lag.inputs]
    out = [np.empty(a.shape, a.dtype) for a in lag.outputs]
    raw = getattr(lib.dll, lag.symbol)
    raw.restype = ctypes.c_int32
    raw.argtypes = [ctypes.c_void_p] * (len(inputs) + len(out) + 1)
    pointers = [a.ctypes.data for a in inputs + out]
    pointers.append(lag.workspace().ctypes.data)
    calls = {
        "loss": lambda: lib.loss(*inputs),
        "lag": lambda: lag(*inputs),
        "lag-out": lambda: lag(*inputs, out=out),
        "lag-named": lambda: lag(**named),
        "ctypes": lambda: raw(*pointers),
    }
    times = {}
    for case in CASES:
        fn = calls[case]
        fn()
        t = timeit.repeat(fn, number=number, repeat=repeat)
        times[case] = [s / number * 1e6 for s in t]
    print(json.dumps(times))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--packages", default=os.path.join(ROOT, "tools", "python"),
                   help="comma-separated directories holding an adjoint "
                   "package")
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--number", type=int, default=20000)
    p.add_argument("--child", help=argparse.SUPPRESS)
    a = p.parse_args()
    build = os.path.abspath(a.build)
    if a.child:
        child(a.child, build, a.repeat, a.number)
        return
    packages = [os.path.abspath(d) for d in a.packages.split(",")]
    samples = {d: {c: [] for c in CASES} for d in packages}
    for _ in range(a.rounds):
        for d in packages:
            line = subprocess.run(
                [sys.executable, __file__, "--child", d, "--build", build,
                 "--repeat", str(a.repeat), "--number", str(a.number)],
                check=True, stdout=subprocess.PIPE, text=True).stdout
            for case, t in json.loads(line).items():
                samples[d][case] += t
    print("µs per call, min / median / max over "
          f"{a.rounds} x {a.repeat} repeats of {a.number} calls")
    print("| case | " + " | ".join(packages) + " |")
    print("|---|" + "---|" * len(packages))
    for case in CASES:
        cells = []
        for d in packages:
            t = samples[d][case]
            cells.append(f"{min(t):.2f} / {statistics.median(t):.2f} / "
                         f"{max(t):.2f}")
        print(f"| {case} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
