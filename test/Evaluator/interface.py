# RUN: %python %s
# adjoint-run's interface: function selection (--fn), calls between
# functions, matching npz arrays to arguments (adj.name, argN, arr_N),
# --seed / --int-range / --save-inputs, and small end-to-end models.
import os
import numpy as np
import adjtest as T
from adjtest import f64

T.seed(7)

# --fn picks a function; calls go through func.call, with several results.
MODULE = """
func.func private @affine(%x: tensor<3xf64>, %a: tensor<f64>) -> (tensor<3xf64>, tensor<3xf64>) {
  %y = adj.mul %x, %a : tensor<3xf64>, tensor<f64>
  %z = adj.sub %y, %x : tensor<3xf64>
  return %y, %z : tensor<3xf64>, tensor<3xf64>
}
func.func @twice(%x: tensor<3xf64> {adj.name = "x"}) -> tensor<3xf64> {
  %two = adj.fill 2.0 : tensor<f64>
  %y, %z = func.call @affine(%x, %two) : (tensor<3xf64>, tensor<f64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %y : tensor<3xf64>
}
func.func @main(%x: tensor<3xf64> {adj.name = "x"}, %a: tensor<f64> {adj.name = "a"}) -> (tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) {
  %y, %z = func.call @affine(%x, %a) : (tensor<3xf64>, tensor<f64>) -> (tensor<3xf64>, tensor<3xf64>)
  %w = func.call @twice(%z) : (tensor<3xf64>) -> tensor<3xf64>
  return %w, %y, %z : tensor<3xf64>, tensor<3xf64>, tensor<3xf64>
}
"""
x, a = T.randn(3), T.randn()
T.check_module("--fn twice", MODULE, {"x": x}, [2 * x], options=["--fn", "twice"])
T.check_module("--fn main with calls", MODULE, {"x": x, "a": a},
           [2 * (a * x - x), a * x, a * x - x], options=["--fn", "main"])
T.check_module("--fn main by default", MODULE, {"x": x, "a": a},
           [2 * (a * x - x), a * x, a * x - x])

# Array names: adj.name first, else argN, else arr_N (np.savez's positional
# names); the arrays' order in the file does not matter.
UNNAMED = """
func.func @main(%p: tensor<2xf64>, %q: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %r = adj.sub %p, %q : tensor<2xf64>, tensor<2x2xf64>
  return %r : tensor<2x2xf64>
}
"""
p, q = T.randn(2), T.randn(2, 2)
T.check_module("argN names", UNNAMED, {"arg1": q, "arg0": p}, [p - q])
T.check_module("arr_N names", UNNAMED, {"p": p, "q": q}, [p - q], positional=True)
NAMED = UNNAMED.replace("%p: tensor<2xf64>", '%p: tensor<2xf64> {adj.name = "p"}')
T.check_module("adj.name and argN mixed", NAMED, {"arg1": q, "p": p}, [p - q])
T.check_module("argN for a named argument", NAMED, {"arg1": q, "arg0": p}, [p - q])
T.check_module("arr_N for a named argument", NAMED, {"p": p, "q": q}, [p - q], positional=True)

# --output keys each result by its name, as the C header and the Python
# package name it: adj.name, else resultN; printed as "result N (name)".
RESULTS = """
func.func @main(%p: tensor<2xf64>, %q: tensor<2x2xf64>)
    -> (tensor<2x2xf64> {adj.name = "diff"}, tensor<2xf64>, tensor<2x2xi1> {adj.name = "positive"}) {
  %r = adj.sub %p, %q : tensor<2xf64>, tensor<2x2xf64>
  %zero = adj.constant dense<0.0> : tensor<f64>
  %m = adj.compare gt, %r, %zero : tensor<2x2xf64>, tensor<f64>
  return %r, %p, %m : tensor<2x2xf64>, tensor<2xf64>, tensor<2x2xi1>
}
"""
rc, out, err, results, _ = T.run(RESULTS, {"arg0": p, "arg1": q}, named=True)
T.expect("--output keys named results by adj.name, others resultN",
         rc == 0 and list(results) == ["diff", "result1", "positive"] and
         np.array_equal(results["diff"], p - q) and
         np.array_equal(results["result1"], p) and
         np.array_equal(results["positive"], p - q > 0),
         f"exit code {rc}, keys {results and list(results)}, stderr: {err}")
T.expect("printed results carry their names",
         "result 0 (diff): tensor<2x2xf64>" in out and
         "result 1: tensor<2xf64>" in out and
         "result 2 (positive): tensor<2x2xi1>" in out, out)
rc, out, err, results, _ = T.run(
    RESULTS.replace('"positive"', '"result1"'), {"arg0": p, "arg1": q})
T.expect("two results under one key is an error",
         rc == 1 and results is None and
         "results #1 and #2 of 'main' are both named 'result1'" in err,
         f"exit code {rc}, stderr: {err}")

# np.savez_compressed archives (deflated members) read as np.savez ones.
d = T.tmpdir()
np.savez_compressed(os.path.join(d, "in.npz"), arg0=p, arg1=q)
rc, out, err, _, _ = T.run(UNNAMED, None, ["--inputs", os.path.join(d, "in.npz")])
T.expect("np.savez_compressed inputs", rc == 0, err)

# Results are also printed, floats with --precision significant digits
# (default 8); every error exits with code 1 and one message.
PI = """
func.func @main() -> tensor<2xf64> {
  %c = adj.constant dense<[3.14159265358979, -2.0e-7]> : tensor<2xf64>
  return %c : tensor<2xf64>
}
"""
for options, shown, hidden in [((), ["3.1415927", "-2e-07"], ["3.14159265"]),
                               (("--precision", "3"), ["3.14", "-2e-07"], ["3.142"]),
                               (("--precision", "17"), ["3.14159265358979,", "-1.9999999999999999e-07"], [])]:
    rc, out, err, results, _ = T.run(PI, None, options)
    T.expect(f"printed results {options}", rc == 0 and all(s in out for s in shown) and
             not any(s in out for s in hidden), out + err)
for label, source, options in [
        ("unknown --fn", PI, ["--fn", "nope"]), ("bad --precision", PI, ["--precision", "0"]),
        ("bad --int-range", UNNAMED, ["--seed", "1", "--int-range", "3:3"]),
        ("missing inputs", UNNAMED, []), ("--inputs and --seed", UNNAMED,
                                          ["--seed", "1", "--inputs", os.path.join(d, "in.npz")]),
        ("malformed", "func.func @main( {", ["--seed", "1"]),
        ("unsupported op", UNNAMED.replace(
            "%r = adj.sub %p, %q : tensor<2xf64>, tensor<2x2xf64>",
            "%c = arith.constant dense<2> : tensor<2x2xi32>\n"
            "  %r = math.fpowi %q, %c : tensor<2x2xf64>, tensor<2x2xi32>"), ["--seed", "1"])]:
    rc, out, err, results, _ = T.run(source, None, options)
    T.expect(f"error exit code: {label}", rc == 1 and err.count("error:") == 1 and
             results is None, f"exit code {rc}, stderr: {err}")

# --seed generates the inputs (integers in the half-open --int-range),
# --save-inputs saves them under the names --inputs reads; rerunning on them
# agrees.
SEEDED = """
func.func @main(%x: tensor<6x4xf32> {adj.name = "logits"}, %l: tensor<6xi64> {adj.name = "labels"},
                %k: tensor<5xi32>) -> (tensor<6xf32>, tensor<5xi32>) {
  %loss = adj.softmax_cross_entropy %x, %l reduction none : tensor<6x4xf32>, tensor<6xi64> -> tensor<6xf32>
  return %loss, %k : tensor<6xf32>, tensor<5xi32>
}
"""
INTS = """
func.func @main(%k: tensor<50xi32>) -> tensor<50xi32> {
  return %k : tensor<50xi32>
}
"""
def seeded(seed, lo_hi, source=SEEDED):
    saved = os.path.join(T.tmpdir(), "in.npz")
    rc, out, err, results, cmd = T.run(source, None, ["--seed", str(seed), "--int-range",
                                                     lo_hi, "--save-inputs", saved])
    T.expect(f"--seed {seed} exit code", rc == 0, err)
    if rc != 0 or not os.path.exists(saved):
        return None, None
    with np.load(saved) as z:
        return dict(z), results

inputs, results = seeded(11, "0:4")
if inputs is not None:
    T.expect("--save-inputs names", sorted(inputs) == ["arg2", "labels", "logits"], sorted(inputs))
    x, l, k = inputs.get("logits"), inputs.get("labels"), inputs.get("arg2")
    T.expect("--save-inputs shapes",
             x.shape == (6, 4) and l.shape == (6,) and k.shape == (5,), str(inputs))
    T.expect("--save-inputs integer dtypes", l.dtype.kind == "i" and k.dtype.kind == "i",
             f"{l.dtype} {k.dtype}")
    T.expect("--int-range 0:4 bounds", l.min() >= 0 and l.max() < 4 and k.min() >= 0 and
             k.max() < 4, f"{l} {k}")
    x = f64(x)
    m = x.max(1)
    loss = m + np.log(np.exp(x - m[:, None]).sum(1)) - x[np.arange(6), l]
    T.check_results("--seed results", results, [loss, k.astype(np.int64)])
    T.check_module("rerun on --save-inputs", SEEDED, inputs, [loss, k.astype(np.int64)])
    again, _ = seeded(11, "0:4")
    T.expect("--seed is deterministic", again is not None and
             all(np.array_equal(again[n], inputs[n]) for n in inputs))
    other, _ = seeded(12, "0:4")
    T.expect("--seed 12 differs from 11", other is not None and
             not np.array_equal(other["logits"], inputs["logits"]))
    wide, out = seeded(3, "-1000:-990", INTS)
    T.expect("--int-range -1000:-990 bounds", wide is not None and
             -1000 <= wide["arg0"].min() and wide["arg0"].max() < -990 and
             len(set(wide["arg0"].tolist())) > 5 and np.array_equal(out[0], wide["arg0"]))

# End to end: a two-layer perceptron's loss, and a small convolutional
# network's logits.
MLP = """
func.func @main(%x: tensor<8x4xf64> {adj.name = "x"}, %y: tensor<8xi64> {adj.name = "y"},
                %w1: tensor<4x5xf64> {adj.name = "w1"}, %b1: tensor<5xf64> {adj.name = "b1"},
                %w2: tensor<5x3xf64> {adj.name = "w2"}, %b2: tensor<3xf64> {adj.name = "b2"})
    -> (tensor<f64>, tensor<8x3xf64>) {
  %0 = adj.matmul %x, %w1 : tensor<8x4xf64>, tensor<4x5xf64> -> tensor<8x5xf64>
  %1 = adj.add %0, %b1 : tensor<8x5xf64>, tensor<5xf64>
  %2 = adj.relu %1 : tensor<8x5xf64>
  %3 = adj.matmul %2, %w2 : tensor<8x5xf64>, tensor<5x3xf64> -> tensor<8x3xf64>
  %4 = adj.add %3, %b2 : tensor<8x3xf64>, tensor<3xf64>
  %loss = adj.softmax_cross_entropy %4, %y : tensor<8x3xf64>, tensor<8xi64> -> tensor<f64>
  %p = adj.softmax %4 axis 1 : tensor<8x3xf64>
  return %loss, %p : tensor<f64>, tensor<8x3xf64>
}
"""
v = {"x": T.randn(8, 4), "y": T.randint(0, 3, 8), "w1": T.randn(4, 5), "b1": T.randn(5),
     "w2": T.randn(5, 3), "b2": T.randn(3)}
h = np.maximum(v["x"] @ v["w1"] + v["b1"], 0) @ v["w2"] + v["b2"]
e = np.exp(h - h.max(1, keepdims=True))
prob = e / e.sum(1, keepdims=True)
T.check_module("MLP loss", MLP, v, [-np.log(prob[np.arange(8), v["y"]]).mean(), prob])

CNN = """
func.func @main(%x: tensor<2x1x6x6xf32> {adj.name = "x"}, %k: tensor<3x1x3x3xf32> {adj.name = "k"},
                %kb: tensor<3x1x1xf32> {adj.name = "kb"}, %w: tensor<12x2xf32> {adj.name = "w"})
    -> tensor<2x2xf32> {
  %0 = adj.conv2d %x, %k padding [1, 1, 1, 1] : tensor<2x1x6x6xf32>, tensor<3x1x3x3xf32> -> tensor<2x3x6x6xf32>
  %1 = adj.add %0, %kb : tensor<2x3x6x6xf32>, tensor<3x1x1xf32>
  %2 = adj.tanh %1 : tensor<2x3x6x6xf32>
  %3 = adj.max_pool2d %2 kernel [3, 3] : tensor<2x3x6x6xf32> -> tensor<2x3x2x2xf32>
  %4 = adj.reshape %3 : tensor<2x3x2x2xf32> -> tensor<2x12xf32>
  %5 = adj.matmul %4, %w : tensor<2x12xf32>, tensor<12x2xf32> -> tensor<2x2xf32>
  return %5 : tensor<2x2xf32>
}
"""
v = {"x": T.randn(2, 1, 6, 6, dtype=np.float32), "k": T.randn(3, 1, 3, 3, dtype=np.float32),
     "kb": T.randn(3, 1, 1, dtype=np.float32), "w": T.randn(12, 2, dtype=np.float32)}
xp = np.pad(f64(v["x"]), [(0, 0), (0, 0), (1, 1), (1, 1)])
win = np.lib.stride_tricks.sliding_window_view(xp, (3, 3), axis=(2, 3))  # 2,1,6,6,3,3
conv = np.einsum("nchwij,ocij->nohw", win, f64(v["k"])) + f64(v["kb"])
act = np.tanh(conv).reshape(2, 3, 2, 3, 2, 3).max(axis=(3, 5))
T.check_module("CNN logits", CNN, v, [act.reshape(2, 12) @ f64(v["w"])])

T.done()
