#!/usr/bin/python3
"""Adjoint's benchmark: the five workloads of examples/bench, compiled by
adjoint-compile and timed through their C entry points, side by side with
PyTorch eager, NumPy, the OpenBLAS GEMM floor and hand-written AVX2 C
anchors, at 1 and 2 threads. See docs/performance.md.

  bench.py [--out DIR] [--rounds N] [--quick] [--smoke] [--workloads a,b]

Every implementation's loss and gradient is first checked against PyTorch
in float64; a mismatch stops the run (exit 1) before anything is timed.
Then `--rounds` rounds run every measurement once each, interleaved, each
thread count and implementation in its own process. The results go to OUT
(default docs/bench): <date>.jsonl (every measurement of every round),
<date>.md (the merged table and the targets of issue 8) and <date>.png
(speed-ups over PyTorch eager). `--smoke` only checks correctness.
"""

import argparse
import ctypes
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from workloads import (GEMM_SHAPES, WORKLOADS, cost, gemm_inputs, gemm_name,  # noqa: E402
                       gemm_source, make_inputs)

PY = "/usr/bin/python3"  # Debian's, which has python3-torch
TOL = 1e-4  # gradients: max |error| / max |reference|
# The loss: relative. Looser than TOL, because a float32 sum of 2^20 terms
# (chain) accumulated in order drifts by about 1e-4; the error is recorded.
LOSS_TOL = 1e-3
PHASE_FN = {"fwd": "loss", "fwdbwd": "loss_and_gradients"}
ANCHORS = {"chain": "chain_fused", "mlp-small": "mlp_small"}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, env=None, check=True):
    """Runs a command; returns its stdout (stderr passes through)."""
    r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env=env)
    if check and r.returncode != 0:
        raise RuntimeError(f"`{' '.join(cmd)}` failed with exit code {r.returncode}")
    return r.stdout


def thread_env(threads):
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    return env


def cpu_model():
    with open("/proc/cpuinfo") as f:
        return next((line.split(":", 1)[1].strip() for line in f
                     if line.startswith("model name")), platform.machine())


def has_avx2():
    with open("/proc/cpuinfo") as f:
        return any(line.startswith("flags") and " avx2" in line and " fma" in line
                   for line in f)


# ------------------------------------------------------------- building ---
def build_programs(work):
    """Compiles the C driver, the anchors and the FMA peak kernel."""
    cflags = ["-O3", "-march=native", "-Wall", "-Wextra"]
    progs = {"driver": (["driver.c"], ["-ldl"]),
             "handoff": (["anchors/handoff.c"], ["-fopenmp"])}
    if has_avx2():
        progs.update({
            "chain_fused": (["anchors/chain_fused.c"], ["-fopenmp", "-lm"]),
            "mlp_small": (["anchors/mlp_small.c"], ["-lm"]),
            "fma_peak": (["anchors/fma_peak.c"], ["-fopenmp"])})
    else:
        log("note: no AVX2+FMA on this CPU: no C anchors, no FMA peak")
    out = {}
    for name, (srcs, libs) in progs.items():
        exe = os.path.join(work, name)
        run(["cc", *cflags, "-o", exe, *[os.path.join(HERE, s) for s in srcs], *libs])
        out[name] = exe
    return out


class Model:
    """An adj model compiled by adjoint-compile, its JSON interface, and its
    inputs written as raw files for the driver."""

    def __init__(self, name, src, data, compiler, work):
        self.name = name
        self.prefix = name.replace("-", "_")
        self.lib = os.path.join(work, f"lib{self.prefix}.so")
        t0 = time.time()
        run([compiler, src, "-o", self.lib, "--prefix", self.prefix])
        self.compile_s = time.time() - t0
        so = ctypes.CDLL(self.lib)
        get = getattr(so, self.prefix + "_adjoint_interface")
        get.restype = ctypes.c_char_p
        self.functions = {f["symbol"][len(self.prefix) + 1:]: f
                          for f in json.loads(get())["functions"]}
        self.inputs = os.path.join(work, "inputs", name)
        os.makedirs(self.inputs, exist_ok=True)
        first = next(iter(self.functions.values()))
        for arg in first["inputs"]:
            a = data[arg["name"]]
            if (str(a.dtype) != {"f32": "float32", "i64": "int64"}[arg["dtype"]]
                    or list(a.shape) != arg["shape"]):
                raise RuntimeError(f"{src}: argument {arg['name']} is {arg['dtype']}"
                                   f"{arg['shape']}, the workload has {a.dtype}{list(a.shape)}")
            a.tofile(os.path.join(self.inputs, arg["name"] + ".bin"))

    def driver_cmd(self, driver, fn, phase, threads, budget, min_runs, outdir):
        f = self.functions[fn]
        size = lambda a: math.prod(a["shape"]) * (  # noqa: E731
            8 if a["dtype"] in ("i64", "f64") else 4)
        ins = [os.path.join(self.inputs, a["name"] + ".bin") + f":{size(a)}"
               for a in f["inputs"]]
        outs = [f"{a['name']}:{size(a)}" for a in f["outputs"]]
        return [driver, self.lib, self.prefix, fn, self.name, phase,
                str(threads), str(budget), str(min_runs), outdir,
                str(len(ins)), *ins, str(len(outs)), *outs]


def workload_model(name, compiler, work):
    return Model(name, os.path.join(ROOT, "examples", "bench", name + ".mlir"),
                 make_inputs(name), compiler, work)


def gemm_model(shape, compiler, work):
    src = os.path.join(work, gemm_name(shape) + ".mlir")
    with open(src, "w") as f:
        f.write(gemm_source(shape))
    return Model(gemm_name(shape), src, gemm_inputs(shape), compiler, work)


# ---------------------------------------------------------- correctness ---
def compare(what, results, ref_loss, ref_grads, checks):
    """Checks a loss and gradients (name -> array) against the reference,
    appends the errors to `checks`; True if within tolerance."""
    import numpy as np
    bad = []
    loss_err = abs(float(results["loss"]) - ref_loss) / max(abs(ref_loss), 1e-30)
    if not loss_err <= LOSS_TOL:
        bad.append(f"loss {float(results['loss']):.8g} vs {ref_loss:.8g}")
    worst = 0.0
    for k, ref in ref_grads.items():
        got = results.get("grad_" + k)
        if got is None or got.size != ref.size:
            bad.append(f"grad_{k} missing or of the wrong size")
            continue
        err = float(np.abs(got.reshape(ref.shape) - ref).max()
                    / max(np.abs(ref).max(), 1e-30))
        worst = max(worst, err)
        if not err <= TOL:
            bad.append(f"grad_{k} max rel error {err:.2e}")
    note = "" if loss_err <= 1e-5 else " (loss error above 1e-5)"
    log(f"  {what}: {'ok' if not bad else 'MISMATCH'}: loss rel error {loss_err:.1e}{note}"
        + (f", worst gradient rel error {worst:.1e}" if ref_grads else "")
        + "".join("; " + b for b in bad))
    checks.append({"check": what, "loss_rel_err": loss_err,
                   "grad_rel_err": worst if ref_grads else None, "ok": not bad})
    return not bad


def read_outputs(outdir, dtype_of):
    import numpy as np
    return {n: np.fromfile(os.path.join(outdir, n + ".bin"), dtype=d)
            for n, d in dtype_of.items()}


def check_gemms(gemms, progs, work, checks):
    """Checks each product against NumPy's in float64."""
    import numpy as np
    ok = True
    for shape, m in gemms.items():
        out = os.path.join(work, "out", m.name)
        os.makedirs(out, exist_ok=True)
        run(m.driver_cmd(progs["driver"], "mm", "fwd", 1, 0, 1, out), env=thread_env(1))
        a, b = (v.astype(np.float64) for v in gemm_inputs(shape).values())
        ref = a @ b
        got = np.fromfile(os.path.join(out, "c.bin"), np.float32).reshape(ref.shape)
        err = float(np.abs(got - ref).max() / np.abs(ref).max())
        log(f"  {m.name} adjoint: {'ok' if err <= TOL else 'MISMATCH'}: rel error {err:.1e}")
        checks.append({"check": m.name + " adjoint", "grad_rel_err": err, "ok": err <= TOL})
        ok &= err <= TOL
    return ok


def check_all(models, progs, threads_list, work):
    """Checks every implementation against PyTorch float64: (all ok, records)."""
    import impl_numpy
    import impl_torch
    ok, checks = True, []
    for name, m in models.items():
        ref_loss, ref_grads = impl_torch.reference(name)
        log(f"{name}: reference loss {ref_loss:.8g}")
        for threads in threads_list:
            out = os.path.join(work, "out", name, str(threads))
            for phase in ("fwd", "fwdbwd"):
                os.makedirs(os.path.join(out, phase), exist_ok=True)
                run(m.driver_cmd(progs["driver"], PHASE_FN[phase], phase, threads, 0, 1,
                                 os.path.join(out, phase)), env=thread_env(threads))
            fn = m.functions[PHASE_FN["fwdbwd"]]
            got = read_outputs(os.path.join(out, "fwdbwd"),
                               {a["name"]: "float32" for a in fn["outputs"]})
            fwd = read_outputs(os.path.join(out, "fwd"), {"loss": "float32"})
            ok &= compare(f"{name} adjoint {threads}T", got, ref_loss, ref_grads, checks)
            ok &= compare(f"{name} adjoint {threads}T forward", fwd, ref_loss, {}, checks)
            if name in ANCHORS and ANCHORS[name] in progs:
                adir = os.path.join(out, "anchor")
                os.makedirs(adir, exist_ok=True)
                run([progs[ANCHORS[name]], m.inputs, adir, str(threads), "0", "1"],
                    env=thread_env(threads))
                got = read_outputs(adir, {"loss": "float32", **{
                    "grad_" + k: "float32" for k in ref_grads}})
                ok &= compare(f"{name} {ANCHORS[name]} {threads}T", got, ref_loss, ref_grads,
                              checks)
        loss, grads = impl_numpy.GRAD[name](make_inputs(name), True)
        ok &= compare(f"{name} numpy", {"loss": loss, **{
            "grad_" + k: v for k, v in grads.items()}}, ref_loss, ref_grads, checks)
    return ok, checks


# --------------------------------------------------------------- timing ---
def steal_ticks():
    with open("/proc/stat") as f:
        return int(f.readline().split()[8])


def time_round(rnd, models, gemms, progs, threads_list, budget, min_runs, emit):
    steal0 = steal_ticks()
    for threads in threads_list:
        env = thread_env(threads)
        if gemms and threads == 1:
            for m in gemms.values():
                line = run(m.driver_cmd(progs["driver"], "mm", "fwd", 1, budget, min_runs,
                                        "-"), env=env)
                emit({**json.loads(line), "round": rnd})
            for line in run([PY, os.path.join(HERE, "impl_numpy.py"), "--gemm",
                             "--threads", "1", "--budget", str(budget), "--min-runs",
                             str(min_runs)], env=env).splitlines():
                emit({**json.loads(line), "round": rnd})
        if "fma_peak" in progs:
            rec = json.loads(run([progs["fma_peak"], str(threads), str(budget)], env=env))
            emit({**rec, "round": rnd})
        if threads == 2:
            emit({**json.loads(run([progs["handoff"]], env=env)), "round": rnd})
        for name, m in models.items():
            for phase in ("fwd", "fwdbwd"):
                for line in run(m.driver_cmd(progs["driver"], PHASE_FN[phase], phase,
                                             threads, budget, min_runs, "-"),
                                env=env).splitlines():
                    emit({**json.loads(line), "round": rnd})
        names = ",".join(models)
        for script in ("impl_torch.py", "impl_numpy.py"):
            for line in run([PY, os.path.join(HERE, script), "--threads", str(threads),
                             "--workloads", names, "--budget", str(budget),
                             "--min-runs", str(min_runs)], env=env).splitlines():
                emit({**json.loads(line), "round": rnd})
        for name, prog in ANCHORS.items():
            if name in models and prog in progs:
                for line in run([progs[prog], models[name].inputs, "-", str(threads),
                                 str(budget), str(min_runs)], env=env).splitlines():
                    emit({**json.loads(line), "round": rnd})
    emit({"bench": "round", "round": rnd,
          "steal_s": (steal_ticks() - steal0) / os.sysconf("SC_CLK_TCK"),
          "loadavg_1min": os.getloadavg()[0]})


# -------------------------------------------------------------- summary ---
def merge(records):
    """(workload, impl, threads, phase) -> merged stats and per-round medians."""
    groups = {}
    for r in records:
        if "workload" in r:
            groups.setdefault((r["workload"], r["impl"], r["threads"], r["phase"]),
                              []).append(r)
    out = {}
    for key, rs in groups.items():
        out[key] = {"median_ms": statistics.median(r["median_ms"] for r in rs),
                    "min_ms": min(r["min_ms"] for r in rs),
                    "max_ms": max(r["max_ms"] for r in rs),
                    "rounds": {r["round"]: r["median_ms"] for r in rs}}
    return out


def peaks(records):
    """Measured FMA peak (GFLOP/s) per thread count: median over rounds."""
    by_t = {}
    for r in records:
        if r.get("bench") == "fma_peak":
            by_t.setdefault(r["threads"], []).append(r["gflops_median"])
    return {t: statistics.median(v) for t, v in by_t.items()}


def handoff_summary(records):
    """The 2-thread handoff costs (anchors/handoff.c), medians over rounds."""
    hs = [r for r in records if r.get("bench") == "handoff"]
    if not hs:
        return ""
    med = {k: statistics.median(r[k] for r in hs)
           for k in ("round_trip_ns", "remote_gbs", "local_gbs")}
    return (f". Between the 2 threads (limits T9): a cache line's round trip "
            f"{med['round_trip_ns']:.0f} ns; data the other thread wrote read at "
            f"{med['remote_gbs']:.0f} GB/s, its own at {med['local_gbs']:.0f} GB/s")


def peak_of(peak, threads):
    """The % of peak denominator: threads x the 1-thread peak. The machine's
    cores are separate physical cores, and a 2-thread measurement on a
    shared host is depressed by other tenants far more than a 1-thread one."""
    return threads * peak[1] if 1 in peak else None


def fmt_ms(x):
    return f"{x:.3g}" if x >= 0.01 else f"{x:.2e}"


IMPL_ORDER = ["adjoint", "torch-eager", "torch-jit-freeze", "numpy",
              "blas-gemm-floor", "c-hand-avx2", "c-fused-avx2"]


def table(merged, peak):
    lines = ["| workload | phase | T | impl | median ms | min ms | max ms | vs eager "
             "| % peak | grad/fwd |", "|" + "---|" * 10]
    keys = sorted((k for k in merged if k[0] in WORKLOADS),
                  key=lambda k: (WORKLOADS.index(k[0]), k[3], k[2], IMPL_ORDER.index(k[1])))
    for w, impl, t, phase in keys:
        s = merged[(w, impl, t, phase)]
        eager = merged.get((w, "torch-eager", t, phase))
        fwd = merged.get((w, impl, t, "fwd"))
        c = cost(w)
        flops = c[("gemm_" if impl == "blas-gemm-floor" else "") + phase + "_flops"]
        pct = (f"{100 * flops / (s['median_ms'] * 1e6) / peak_of(peak, t):.1f}"
               if peak_of(peak, t) else "–")
        vs_eager = f"{eager['median_ms'] / s['median_ms']:.3g}" if eager else "–"
        grad_fwd = (f"{s['median_ms'] / fwd['median_ms']:.2f}"
                    if phase == "fwdbwd" and fwd else "–")
        lines.append(f"| {w} | {phase} | {t} | {impl} | {fmt_ms(s['median_ms'])} | "
                     f"{fmt_ms(s['min_ms'])} | {fmt_ms(s['max_ms'])} | {vs_eager} | "
                     f"{pct} | {grad_fwd} |")
    return lines


def gemm_table(merged):
    lines = ["| M x K x N | adjoint ms | openblas ms | adjoint GFLOP/s | openblas GFLOP/s "
             "| openblas / adjoint |", "|" + "---|" * 6]
    for shape in GEMM_SHAPES:
        a = merged.get((gemm_name(shape), "adjoint", 1, "fwd"))
        b = merged.get((gemm_name(shape), "openblas", 1, "fwd"))
        if not a or not b:
            continue
        flops = 2 * shape[0] * shape[1] * shape[2]
        lines.append(f"| {'x'.join(map(str, shape))} | {fmt_ms(a['median_ms'])} | "
                     f"{fmt_ms(b['median_ms'])} | {flops / a['median_ms'] / 1e6:.1f} | "
                     f"{flops / b['median_ms'] / 1e6:.1f} | "
                     f"{b['median_ms'] / a['median_ms']:.3g} |")
    return lines if len(lines) > 2 else []


def targets(merged):
    """The targets of issue 8: (id, what, merged value, bound, met?)."""
    def ratio(a, b):
        """a's median / b's median, merged and per round (None if missing)."""
        if a not in merged or b not in merged:
            return None
        ra, rb = merged[a]["rounds"], merged[b]["rounds"]
        return (merged[a]["median_ms"] / merged[b]["median_ms"],
                [ra[r] / rb[r] for r in ra if r in rb])

    rows = []

    def check(tid, what, a, b, bound, at_least):
        r = ratio(a, b)
        if r is None:
            rows.append((tid, what, None, bound, "not measured"))
            return
        holds = lambda v: v >= bound if at_least else v <= bound  # noqa: E731
        k = sum(map(holds, r[1]))
        need = max(1, -(-2 * len(r[1]) // 3))
        met = holds(r[0]) and k >= need
        rows.append((tid, what, r[0], ("≥ " if at_least else "≤ ") + f"{bound:g}",
                     f"{'met' if met else 'NOT met'} ({k}/{len(r[1])} rounds)"))

    A = lambda w, t, p="fwdbwd", i="adjoint": (w, i, t, p)  # noqa: E731
    check("T1", "mlp-small fwdbwd 1T: eager / adjoint", A("mlp-small", 1, i="torch-eager"),
          A("mlp-small", 1), 100, True)
    check("T1", "mlp-small fwdbwd 1T: adjoint / c-hand-avx2", A("mlp-small", 1),
          A("mlp-small", 1, i="c-hand-avx2"), 2, False)
    for t in (1, 2):
        check("T2", f"chain fwdbwd {t}T: eager / adjoint", A("chain", t, i="torch-eager"),
              A("chain", t), 10, True)
        check("T2", f"chain fwdbwd {t}T: adjoint / c-fused-avx2", A("chain", t),
              A("chain", t, i="c-fused-avx2"), 1.25, False)
        check("T2", f"chain {t}T: adjoint fwdbwd / fwd", A("chain", t), A("chain", t, "fwd"),
              1.3, False)
        check("T3", f"mlp fwdbwd {t}T: eager / adjoint", A("mlp", t, i="torch-eager"),
              A("mlp", t), 1.2, True)
        check("T3", f"mlp fwdbwd {t}T: blas-gemm-floor / adjoint",
              A("mlp", t, i="blas-gemm-floor"), A("mlp", t), 1.0, True)
        check("T4", f"ffn fwdbwd {t}T: eager / adjoint", A("ffn", t, i="torch-eager"),
              A("ffn", t), 1.2 if t == 1 else 1.4, True)
    check("T5", "cnn fwdbwd 1T: eager / adjoint", A("cnn", 1, i="torch-eager"),
          A("cnn", 1), 3, True)
    check("T5", "cnn fwd 1T: torch-jit-freeze / adjoint", A("cnn", 1, "fwd", "torch-jit-freeze"),
          A("cnn", 1, "fwd"), 1.5, True)
    for shape in GEMM_SHAPES:
        g = gemm_name(shape)
        check("T6", f"{g} 1T: openblas / adjoint", (g, "openblas", 1, "fwd"),
              (g, "adjoint", 1, "fwd"), 0.85, True)
    for w, bound in (("mlp", 2.75), ("ffn", 3.45), ("cnn", 3.0), ("mlp-small", 3.1),
                     ("chain", 1.3)):
        check("T7", f"{w} 1T: adjoint fwdbwd / fwd", A(w, 1), A(w, 1, "fwd"), bound, False)
    for w in WORKLOADS:
        for t in (1, 2):
            for p in ("fwd", "fwdbwd"):
                for base in ("torch-eager", "numpy"):
                    check("T8", f"{w} {p} {t}T: {base} / adjoint", A(w, t, p, base),
                          A(w, t, p), 1.0, True)
    for w in ("mlp", "ffn", "cnn", "chain"):
        check("T9", f"{w} fwdbwd: adjoint 2T / 1T", A(w, 2), A(w, 1), 0.65, False)
    check("T9", "mlp-small fwdbwd: adjoint 2T / 1T", A("mlp-small", 2), A("mlp-small", 1),
          1.0, False)
    return sorted((r for r in rows if r[4] != "not measured"), key=lambda r: r[0])


def chart(merged, path, threads_list):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    impls = [i for i in IMPL_ORDER if i != "torch-eager"
             and any(k[1] == i for k in merged)]
    fig, axes = plt.subplots(len(threads_list), 1, figsize=(13, 4 * len(threads_list)),
                             squeeze=False)
    groups = [(w, p) for w in WORKLOADS for p in ("fwd", "fwdbwd")
              if any(k[0] == w for k in merged)]
    width = 0.8 / len(impls)
    for ax, t in zip(axes[:, 0], threads_list):
        for j, impl in enumerate(impls):
            xs, ys = [], []
            for g, (w, p) in enumerate(groups):
                a, e = merged.get((w, impl, t, p)), merged.get((w, "torch-eager", t, p))
                if a and e:
                    xs.append(g + (j - (len(impls) - 1) / 2) * width)
                    ys.append(e["median_ms"] / a["median_ms"])
            ax.bar(xs, ys, width, label=impl)
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_yscale("log")
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels([f"{w}\n{p}" for w, p in groups])
        ax.set_ylabel("speed-up over torch eager")
        ax.set_title(f"{t} thread{'s' if t > 1 else ''} (median of rounds; > 1 is faster)")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def summarize(records, out, stamp):
    """Writes OUT/<stamp>.md and .png from a run's records; prints the table."""
    merged = merge(records)
    peak = peaks(records)
    meta = next(r for r in records if r.get("bench") == "meta")
    rounds = [r for r in records if r.get("bench") == "round"]
    threads_list = sorted({k[2] for k in merged if k[0] in WORKLOADS})
    load = [r["loadavg_1min"] for r in rounds if "loadavg_1min" in r]
    lines = [f"# Benchmark run {stamp}", "",
             f"`{meta['command']}` at commit {meta.get('git', '?')}: {len(rounds)} "
             "interleaved round(s); every figure is the median over rounds of each round's "
             "median (min of mins, max of maxes). Measured FMA peak: "
             + ", ".join(f"{peak[t]:.1f} GFLOP/s at {t}T" for t in sorted(peak))
             + " (% peak uses threads x the 1-thread figure). Hypervisor steal time per "
             "round: " + ", ".join(f"{r['steal_s']:.1f} s" for r in rounds)
             + ("; 1-minute load average after each round: "
                + ", ".join(f"{x:.1f}" for x in load) if load else "")
             + handoff_summary(records)
             + f". NumPy's BLAS: {meta['blas']} (OPENBLAS_CORETYPE "
             f"{meta.get('openblas_coretype', '?')}). Columns: docs/performance.md.", ""]
    lines += table(merged, peak)
    gt = gemm_table(merged)
    if gt:
        lines += ["", "## Single GEMMs, 1 thread (target T6)", ""] + gt
    fails = [c for c in records if c.get("bench") == "check" and c.get("loss_rel_err")
             and c["loss_rel_err"] > 1e-5]
    if fails:
        lines += ["", "Loss errors above 1e-5 relative to PyTorch float64 (gradients within "
                  f"{TOL:g}): " + ", ".join(f"{c['check']} {c['loss_rel_err']:.1e}"
                                            for c in fails) + "."]
    lines += ["", "## Targets (issue 8)", "", "| # | ratio | value | bound | status |",
              "|---|---|---|---|---|"]
    for tid, what, value, bound, status in targets(merged):
        lines.append(f"| {tid} | {what} | {'–' if value is None else f'{value:.3g}'} | "
                     f"{bound} | {status} |")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, stamp + ".md"), "w") as f:
        f.write(text)
    print(text)
    chart(merged, os.path.join(out, stamp + ".png"), threads_list)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "bench"),
                    help="where the .jsonl, .md and .png go (default docs/bench)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--budget", type=float, default=0.4,
                    help="seconds of timed calls per measurement")
    ap.add_argument("--min-runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="1 round, 0.15 s budgets")
    ap.add_argument("--smoke", action="store_true",
                    help="check every implementation's gradient, time nothing")
    ap.add_argument("--workloads", default=",".join(WORKLOADS))
    ap.add_argument("--no-gemm", dest="gemm", action="store_false",
                    help="skip the single-GEMM measurements of target T6")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"),
                    help="Adjoint's build directory (for bin/adjoint-compile)")
    ap.add_argument("--work", default=None,
                    help="scratch directory (default BUILD/bench)")
    ap.add_argument("--summarize", metavar="JSONL",
                    help="only redo the table and chart of a finished run, next to it")
    args = ap.parse_args()
    if args.summarize:
        with open(args.summarize) as f:
            records = [json.loads(line) for line in f]
        summarize(records, os.path.dirname(os.path.abspath(args.summarize)),
                  os.path.basename(args.summarize).rsplit(".", 1)[0])
        return 0
    if args.quick:
        args.rounds, args.budget = 1, 0.15
    names = args.workloads.split(",")
    for n in names:
        if n not in WORKLOADS:
            ap.error(f"unknown workload {n!r}; the workloads are {', '.join(WORKLOADS)}")
    threads_list = [int(t) for t in args.threads.split(",")]
    compiler = os.path.join(args.build, "bin", "adjoint-compile")
    if not os.access(compiler, os.X_OK):
        ap.error(f"{compiler} not found: build Adjoint first (tools/bench/run.sh does)")
    work = args.work or os.path.join(args.build, "bench")
    os.makedirs(work, exist_ok=True)

    progs = build_programs(work)
    models = {n: workload_model(n, compiler, work) for n in names}
    log("compiled: " + ", ".join(f"{n} {m.compile_s:.1f} s" for n, m in models.items()))
    gemms = ({s: gemm_model(s, compiler, work) for s in GEMM_SHAPES}
             if args.gemm and 1 in threads_list else {})
    ok, checks = check_all(models, progs, threads_list, work)
    ok &= check_gemms(gemms, progs, work, checks)
    if not ok:
        log("error: an implementation disagrees with PyTorch; nothing was timed")
        return 1
    log("all gradients agree with PyTorch (float64)")
    if args.smoke:
        return 0

    os.makedirs(args.out, exist_ok=True)
    stamp = datetime.date.today().isoformat()
    records = []
    jsonl = open(os.path.join(args.out, stamp + ".jsonl"), "w")

    def emit(rec):
        records.append(rec)
        jsonl.write(json.dumps(rec) + "\n")
        jsonl.flush()

    blas = run([PY, "-c", "import sys; sys.path.insert(0, %r); import numpy, timing; "
                "print(timing.loaded_blas())" % HERE]).strip()
    if "openblas" not in blas:
        log(f"warning: NumPy and PyTorch use {blas}, not OpenBLAS: their matmuls are "
            "not a fair baseline (install libopenblas0-openmp, see docs/performance.md)")
    emit({"bench": "meta", "date": stamp, "command": " ".join(
        ["tools/bench/bench.py"] + sys.argv[1:]), "host": platform.node(),
        "cpu": cpu_model(), "nproc": os.cpu_count(),
        "blas": blas, "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "auto"),
        "rounds": args.rounds, "budget_s": args.budget,
        "git": run(["git", "-C", ROOT, "describe", "--always", "--dirty"], check=False).strip()})
    for c in checks:
        emit({"bench": "check", **c})
    t0 = time.time()
    for rnd in range(1, args.rounds + 1):
        log(f"round {rnd}/{args.rounds}")
        time_round(rnd, models, gemms, progs, threads_list, args.budget, args.min_runs,
                   emit)
    jsonl.close()
    log(f"timed in {time.time() - t0:.0f} s")
    summarize(records, args.out, stamp)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as e:
        log(f"error: {e}")
        sys.exit(1)
