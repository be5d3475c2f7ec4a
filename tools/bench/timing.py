"""In-process timing of the Python baselines, and the JSON line they print.

The same protocol as bench.h's bench_measure: a warm-up of at least 0.2 s
and 5 calls, then at least `min_runs` calls and `budget` seconds, each call
timed alone (every Python baseline call takes well over 10 us), GC off.
"""

import gc
import json
import os
import sys
import time


def measure(fn, budget, min_runs):
    end = time.perf_counter() + 0.2
    calls = 0
    while calls < 5 or time.perf_counter() < end:
        fn()
        calls += 1
    gc.collect()
    gc.disable()
    try:
        ns = []
        start = time.perf_counter()
        while len(ns) < 200000:
            t0 = time.perf_counter_ns()
            fn()
            ns.append(time.perf_counter_ns() - t0)
            if len(ns) >= min_runs and time.perf_counter() - start > budget:
                break
    finally:
        gc.enable()
    ns.sort()
    k = len(ns)
    med = ns[k // 2] if k % 2 else 0.5 * (ns[k // 2 - 1] + ns[k // 2])
    return {"median_ms": med / 1e6, "min_ms": ns[0] / 1e6,
            "max_ms": ns[-1] / 1e6, "runs": k, "batch": 1}


def emit(workload, impl, threads, phase, stats, **extra):
    print(json.dumps({"workload": workload, "impl": impl, "threads": threads,
                      "phase": phase, **stats, **extra}), flush=True)


OPENMP_BLAS = "/usr/lib/x86_64-linux-gnu/openblas-openmp"


def use_openmp_blas():
    """Re-executes this script on OpenBLAS's OpenMP build, when installed:
    with the pthread build, OpenBLAS's threads and torch's OpenMP pool spin
    against each other (docs/performance.md, Pitfalls)."""
    if (os.path.isdir(OPENMP_BLAS)
            and OPENMP_BLAS not in os.environ.get("LD_LIBRARY_PATH", "")):
        os.environ["LD_LIBRARY_PATH"] = ":".join(
            p for p in (OPENMP_BLAS, os.environ.get("LD_LIBRARY_PATH")) if p)
        os.execv(sys.executable, [sys.executable] + sys.argv)


def set_thread_env(threads):
    """Fixes every library's thread count; call before importing numpy."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)


def loaded_blas():
    """The BLAS library mapped into this process, for the record."""
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "blas" in line}
    for key in ("openblas", "libblas"):
        hits = sorted(p for p in paths if key in p)
        if hits:
            return hits[0]
    return "none"


def note(msg):
    print(msg, file=sys.stderr, flush=True)
