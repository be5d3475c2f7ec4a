"""Shared helpers of the adjoint-run tests (test/Evaluator/*.py).

A test writes the body of a function, gives its inputs as NumPy arrays and the
expected results as computed by an independent oracle (NumPy, or PyTorch in
float64); `check` builds the function, runs adjoint-run on it and compares:

    x = adjtest.randn(3, 4, dtype=np.float32)
    adjtest.check("exp f32", '''
        %r = adj.exp %x : tensor<3x4xf32>
        return %r : tensor<3x4xf32>''', {"x": x}, np.exp(adjtest.f64(x)))

The function's arguments are the inputs, in order, each typed from its array
(float32 -> f32, float64 -> f64, int32 -> i32, int64 -> i64, bool -> i1) and
named with `adj.name`; its result types are read from the `return` line.
Float results are compared in float64 with a relative tolerance of 1e-12;
integer and i1 results must be int64 / bool and equal. `check_module` does the
same for a whole module, `run` just runs one, and `expect` records any other
check. Every case runs even if an earlier one fails, printing the command and
the module when it does; `done()` prints a summary and exits 1 on any failure.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import numpy as np

TOOL = os.environ.get("ADJOINT_RUN", "adjoint-run")
RTOL = 1e-12
ATOL = 1e-12

rng = np.random.default_rng(20240917)

_MLIR_TYPES = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64",
               np.dtype(np.int32): "i32", np.dtype(np.int64): "i64",
               np.dtype(np.bool_): "i1"}
_tmp = tempfile.mkdtemp(prefix="adjtest-")
_count = 0
_failures = []


# ----------------------------------------------------------------- inputs --

def seed(n):
    """Restarts the shared generator, so each test file is reproducible."""
    global rng
    rng = np.random.default_rng(n)


def randn(*shape, dtype=np.float64, positive=False, scale=1.0):
    """Normal random values (or uniform in [0.25, 2.25) when `positive`),
    rounded to `dtype` so that the oracle sees exactly the stored values."""
    x = rng.uniform(0.25, 2.25, shape) if positive else rng.normal(size=shape)
    return np.asarray(x * scale, dtype=dtype)


def randint(lo, hi, *shape, dtype=np.int64):
    """Integers in [lo, hi)."""
    return rng.integers(lo, hi, size=shape).astype(dtype)


def f64(a):
    """The float64 values of an input array (what the oracle computes on)."""
    return np.asarray(a, dtype=np.float64)


def elem(a):
    """The MLIR element type of an array: "f32", "f64", "i32", "i64", "i1"."""
    return _MLIR_TYPES[np.asarray(a).dtype]


def ty(a_or_shape, elem=None):
    """The MLIR tensor type of an array, or of a shape and element type:
    ty(x) or ty((2, 3), "f32") -> "tensor<2x3xf32>"."""
    if isinstance(a_or_shape, (np.ndarray, np.generic)):
        shape, elem = a_or_shape.shape, _MLIR_TYPES[a_or_shape.dtype]
    else:
        shape = a_or_shape
    return "tensor<" + "".join(f"{d}x" for d in shape) + elem + ">"


# ---------------------------------------------------------------- running --

def func(body, inputs, name="main"):
    """A func.func whose arguments are `inputs` (name -> array) and whose
    body is `body` (ending with a `return ... : types` line)."""
    lines = [l.strip() for l in body.strip().splitlines()]
    ret = re.fullmatch(r"return\b.*?(?::\s*(.*))?", lines[-1])
    assert ret, "the body must end with a return: " + lines[-1]
    results = ret.group(1) or ""
    args = ", ".join(f'%{k}: {ty(v)} {{adj.name = "{k}"}}'
                     for k, v in inputs.items())
    return (f"func.func @{name}({args}) -> ({results}) {{\n  " +
            "\n  ".join(lines) + "\n}\n")


def run(source, inputs=None, options=(), positional=False, named=False):
    """Writes `source` and `inputs` (saved with np.savez, positionally as
    arr_N when `positional`; no --inputs when there are none) to a fresh
    directory and runs adjoint-run on them with --output and `options`.
    Returns (returncode, stdout, stderr, results, command), with results the
    list of the result arrays in order, or with `named` a dict of them by
    their keys in the file (adj.name, else resultN), in order; None if no
    file was written."""
    d = tmpdir()
    src, out = os.path.join(d, "model.mlir"), os.path.join(d, "out.npz")
    with open(src, "w") as f:
        f.write(source)
    cmd = [TOOL, src]
    if inputs:
        npz = os.path.join(d, "in.npz")
        if positional:
            np.savez(npz, *inputs.values())
        else:
            np.savez(npz, **inputs)
        cmd += ["--inputs", npz]
    cmd += ["--output", out, *options]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except OSError as e:  # e.g. the tool is missing
        return 127, "", str(e), None, shlex.join(cmd)
    results = None
    if os.path.exists(out):
        # adjoint-run writes the results in order.
        with np.load(out) as z:
            results = {k: z[k] for k in z.files}
        if not named:
            results = list(results.values())
    return p.returncode, p.stdout, p.stderr, results, shlex.join(cmd)


def compare(results, expected, rtol=RTOL, atol=ATOL):
    """Raises AssertionError unless `results` match `expected` (a list)."""
    assert isinstance(results, list), f"unexpected output arrays {results}"
    assert len(results) == len(expected), (
        f"{len(results)} results, expected {len(expected)}")
    for i, (got, want) in enumerate(zip(results, expected)):
        want = np.asarray(want)
        where = f"result{i}"
        assert got.shape == want.shape, (
            f"{where}: shape {got.shape}, expected {want.shape}")
        if want.dtype == np.bool_ or np.issubdtype(want.dtype, np.integer):
            kind = np.bool_ if want.dtype == np.bool_ else np.int64
            assert got.dtype == kind, f"{where}: dtype {got.dtype}, expected {np.dtype(kind)}"
            np.testing.assert_array_equal(got, want, err_msg=where)
        else:
            assert got.dtype == np.float64, f"{where}: dtype {got.dtype}, expected float64"
            np.testing.assert_allclose(got, want, rtol=rtol, atol=atol,
                                       equal_nan=True, err_msg=where)


def _fail(label, message, source=None, command=None):
    _failures.append(label)
    print(f"FAIL {label}: {message}", file=sys.stderr)
    if command:
        print(f"  command: {command}", file=sys.stderr)
    if source:
        print("  " + source.strip().replace("\n", "\n  "), file=sys.stderr)


def check_results(label, results, expected, rtol=RTOL, atol=ATOL, source=None,
                  command=None):
    """Records a case: `results` (from `run`) must match `expected`."""
    global _count
    _count += 1
    try:
        compare(results, expected, rtol, atol)
    except AssertionError as e:
        _fail(label, str(e).strip(), source, command)


def check_each_to_max(label, results, expected, tol):
    """Records a case per result: each within `tol` relative to itself and
    absolute to `tol` times its largest expected element (weight gradients
    are sums of many products that cancel)."""
    for k, (r, want) in enumerate(zip(results, expected)):
        check_results(f"{label}, result {k}", [r.astype(np.float64)], [want],
                      rtol=tol, atol=tol * np.abs(want).max())


def check_module(label, source, inputs, expected, rtol=RTOL, atol=ATOL,
                 options=(), positional=False):
    """Runs a whole module on `inputs` (see `run`); its results must match
    `expected` (an array or a list of arrays, one per result)."""
    global _count
    if not isinstance(expected, (list, tuple)):
        expected = [expected]
    rc, out, err, results, cmd = run(source, inputs, options, positional)
    if rc != 0:
        _count += 1
        return _fail(label, f"exit code {rc}\n  stderr: {err.strip()}",
                     source, cmd)
    check_results(label, results, expected, rtol, atol, source, cmd)


def check(label, body, inputs, expected, rtol=RTOL, atol=ATOL, **kw):
    """Runs one case: the function `func(body, inputs)` must give
    `expected`."""
    check_module(label, func(body, inputs), inputs, expected, rtol, atol, **kw)


def tmpdir():
    """A fresh directory in this test's scratch space."""
    return tempfile.mkdtemp(dir=_tmp)


def expect(label, condition, message=""):
    """Records a case checked by the test itself (e.g. of the tool's
    interface)."""
    global _count
    _count += 1
    if not condition:
        _fail(label, message or "condition is false")


def done():
    """Prints a summary; exits 1 if any case failed (keeping the files)."""
    if _failures:
        print(f"{len(_failures)} of {_count} cases FAILED "
              f"(files kept in {_tmp}): " + ", ".join(_failures),
              file=sys.stderr)
        sys.exit(1)
    shutil.rmtree(_tmp, ignore_errors=True)
    print(f"all {_count} cases passed")



def check_same_padded_convs(convs, rng):
    """Stride-1 adj.conv2d cases whose output is as large as the input:
    values and both gradients against PyTorch in f64, each output to
    within tol of its largest element (the weight gradient sums hundreds
    of products that cancel, at -O0 in another order than the kernels'), at
    1 and 2 threads with the same bits; in f32 and in f64. `convs` lists
    ((N, C, H, W), filters, kernel, padding [t, l, b, r], dilation)."""
    import compiletest
    import torch
    import torch.nn.functional as F
    for dtype in (np.float32, np.float64):
        e = "f32" if dtype == np.float32 else "f64"
        tol = 1e-5 if dtype == np.float32 else 1e-12
        for shape, f, k, p, d in convs:
            x = rng.normal(size=shape).astype(dtype)
            w = rng.normal(size=(f, shape[1], *k)).astype(dtype)
            tx = torch.tensor(x.astype(np.float64), requires_grad=True)
            tw = torch.tensor(w.astype(np.float64), requires_grad=True)
            y = F.conv2d(F.pad(tx, (p[1], p[3], p[0], p[2])), tw, None, 1, 0,
                         d)
            assert y.shape[2:] == x.shape[2:]
            t = rng.normal(size=y.shape).astype(dtype)
            gx, gw = torch.autograd.grad((y * torch.tensor(
                t.astype(np.float64))).sum(), [tx, tw])
            attrs = (f"padding [{p[0]}, {p[1]}, {p[2]}, {p[3]}] "
                     f"dilation [{d[0]}, {d[1]}]")
            label = f"conv2d {shape} {f}x{k} {attrs} {e}"
            expected = [y.detach().numpy(), gx.numpy(), gw.numpy()]
            try:
                lib = compiletest.compile_source(
                    conv2d_grads_program(ty(x), ty(w), ty(t), attrs, e))
                results = []
                for threads in (1, 2):
                    getattr(lib.dll, "t_set_num_threads")(threads)
                    results.append(lib.call("main", x, w, t))
                    check_each_to_max(f"{label} {threads} threads",
                                      results[-1], expected, tol)
                expect(f"{label}: the same bits at 1 and 2 threads",
                       all(np.array_equal(a, b)
                           for a, b in zip(results[0], results[1])))
            except RuntimeError as err:
                expect(label, False, str(err))


def conv2d_grads_program(X, W, T, attrs, e):
    """An adj program whose @main returns adj.conv2d's value (types X, W ->
    T, attributes `attrs`, element type e) and its gradients with respect
    to the input and the weights for the cotangent %t."""
    return f"""
func.func private @f(%x: {X}, %w: {W}, %t: {T}) -> tensor<{e}> {{
  %y = adj.conv2d %x, %w {attrs} : {X}, {W} -> {T}
  %p = adj.mul %y, %t : {T}
  %s = adj.sum %p : {T} -> tensor<{e}>
  return %s : tensor<{e}>
}}
func.func @main(%x: {X} {{adj.name = "x"}}, %w: {W} {{adj.name = "w"}},
                %t: {T} {{adj.name = "t"}}) -> ({T}, {X}, {W}) {{
  %y = adj.conv2d %x, %w {attrs} : {X}, {W} -> {T}
  %gx, %gw = adj.grad @f(%x, %w, %t) wrt [0, 1]
      : ({X}, {W}, {T}) -> ({X}, {W})
  return %y, %gx, %gw : {T}, {X}, {W}
}}
"""
