# RUN: %python %s
# The shape lowerings, compiled with adjoint-compile and run against the
# reference evaluator: reshapes that merge, split and regroup dimensions,
# broadcast_to, strided slices, concat along each axis, pad with and without
# interior padding, gather and scatter_add along each axis with repeated
# indices, one_hot with out-of-range labels, and reverse, in f32 and f64.
import numpy as np
import adjtest as T
import compiletest as ct
from adjtest import ty

T.seed(9)
FLOATS = (np.float32, np.float64)


def check(label, body, inputs):
    """Compiles `body` as function @main of `inputs` and compares it with
    the evaluator."""
    ct.check_against_evaluator(label, T.func(body, inputs), "main", inputs)


def unary(label, x, line, out):
    """Checks `%r = <line>` on the argument %x, with result type `out`."""
    check(label, f"""
        %r = {line}
        return %r : {out}""", {"x": x})


for dtype in FLOATS:
    e = "f32" if dtype == np.float32 else "f64"
    x = T.randn(2, 3, 4, dtype=dtype)
    # Merging, splitting, regrouping ([2,3,4] -> [6,2,2] goes through
    # [6,4]), adding and removing unit dimensions.
    for shape in [(6, 4), (24,), (4, 3, 2), (6, 2, 2), (2, 12), (1, 24, 1),
                  (2, 3, 4, 1), (3, 8)]:
        unary(f"reshape {shape} {e}", x,
              f"adj.reshape %x : {ty(x)} -> {ty(shape, e)}", ty(shape, e))
    y = T.randn(1, 1, dtype=dtype)
    unary(f"reshape to 0-d {e}", y,
          f"adj.reshape %x : {ty(y)} -> {ty((), e)}", ty((), e))

    for src, dst in [((3,), (4, 3)), ((4, 1), (4, 3)), ((1, 3), (2, 4, 3)),
                     ((2, 1, 3), (2, 5, 3)), ((1,), (2, 2))]:
        b = T.randn(*src, dtype=dtype)
        unary(f"broadcast_to {src} {dst} {e}", b,
              f"adj.broadcast_to %x : {ty(b)} -> {ty(dst, e)}", ty(dst, e))

    x = T.randn(5, 8, dtype=dtype)
    for start, limit, stride in [([1, 2], [4, 8], [1, 1]),
                                 ([0, 1], [5, 8], [2, 3]),
                                 ([4, 7], [5, 8], [3, 5]),
                                 ([1, 0], [5, 7], [3, 2])]:
        out = x[tuple(slice(s, l, t) for s, l, t in zip(start, limit, stride))]
        unary(f"slice {start} {limit} {stride} {e}", x,
              f"adj.slice %x start {start} limit {limit} stride {stride} "
              f": {ty(x)} -> {ty(out.shape, e)}", ty(out.shape, e))

    a, b, c = (T.randn(2, 3, dtype=dtype), T.randn(2, 3, dtype=dtype),
               T.randn(2, 3, dtype=dtype))
    for axis in (0, 1):
        out = np.concatenate([a, b, c], axis).shape
        check(f"concat axis {axis} {e}", f"""
            %r = adj.concat %a, %b, %c axis {axis} : {ty(a)}, {ty(b)}, {ty(c)} -> {ty(out, e)}
            return %r : {ty(out, e)}""", {"a": a, "b": b, "c": c})
    d = T.randn(2, 5, dtype=dtype)
    check(f"concat uneven {e}", f"""
        %r = adj.concat %a, %d axis 1 : {ty(a)}, {ty(d)} -> {ty((2, 8), e)}
        return %r : {ty((2, 8), e)}""", {"a": a, "d": d})

    x = T.randn(3, 4, dtype=dtype)
    for low, high, interior, value in [([0, 1], [2, 0], [0, 0], 0.0),
                                       ([1, 1], [1, 1], [0, 0], -1.5),
                                       ([0, 0], [0, 0], [1, 0], 0.0),
                                       ([1, 0], [2, 1], [2, 1], 2.5),
                                       ([0, 0], [0, 0], [0, 3], 0.0)]:
        shape = [l + n + max(n - 1, 0) * i + h
                 for l, n, i, h in zip(low, x.shape, interior, high)]
        unary(f"pad {low} {high} {interior} {value} {e}", x,
              f"adj.pad %x low {low} high {high} interior {interior} "
              f"value {value} : {ty(x)} -> {ty(shape, e)}", ty(shape, e))

    # gather along each axis, with repeated indices and 2-D indices, i32
    # and i64.
    table = T.randn(5, 4, 3, dtype=dtype)
    for axis, indices in [(0, np.array([4, 0, 4, 2], np.int64)),
                          (1, np.array([[3, 1], [0, 3]], np.int32)),
                          (2, np.array([2, 2, 0, 1, 0], np.int64)),
                          (0, np.array([[1, 1, 0]], np.int32))]:
        out = np.take(table, indices, axis).shape
        check(f"gather axis {axis} {indices.shape} {T.elem(indices)} {e}", f"""
            %r = adj.gather %t[%i] axis {axis} : {ty(table)}, {ty(indices)} -> {ty(out, e)}
            return %r : {ty(out, e)}""", {"t": table, "i": indices})

    # scatter_add along each axis; repeated indices accumulate.
    for shape, axis, indices in [((6, 3), 0, np.array([5, 0, 5, 5], np.int64)),
                                 ((2, 4, 3), 1,
                                  np.array([[3, 1, 3], [0, 3, 3]], np.int32)),
                                 ((2, 3, 4), 2, np.array([0, 0, 0], np.int64)),
                                 ((7,), 0, np.array([6, 1, 6, 6, 0], np.int64))]:
        updates_shape = shape[:axis] + indices.shape + shape[axis + 1:]
        u = T.randn(*updates_shape, dtype=dtype)
        check(f"scatter_add {shape} axis {axis} {T.elem(indices)} {e}", f"""
            %r = adj.scatter_add %u[%i] axis {axis} : {ty(u)}, {ty(indices)} -> {ty(shape, e)}
            return %r : {ty(shape, e)}""", {"u": u, "i": indices})

    # Constant indices along an axis between unit dimensions: MLIR 19's
    # canonicalizer, folding the constant offset of a rank-reducing
    # tensor.extract_slice, moves its unit size to the first unit
    # dimension: index 0 read the wrong elements silently, index 1 read out
    # of bounds (a trilinear Upsample's gradient).
    for index in (0, 1):
        shape, indices = (1, 3, 3, 3), np.full(4, index, np.int64)
        u = T.randn(1, 3, 4, 3, dtype=dtype)
        check(f"scatter_add constant indices {index} {e}", f"""
            %i = adj.constant dense<{index}> : tensor<4xi64>
            %r = adj.scatter_add %u[%i] axis 2 : {ty(u)}, tensor<4xi64> -> {ty(shape, e)}
            return %r : {ty(shape, e)}""", {"u": u})

    # A label outside [0, num_classes) gives a row of zeros.
    for labels in (np.array([0, 3, 9, -1, 2], np.int64),
                   np.array([[1, 0], [4, 3]], np.int32)):
        out = labels.shape + (4,)
        unary(f"one_hot {labels.shape} {T.elem(labels)} {e}", labels,
              f"adj.one_hot %x : {ty(labels)} -> {ty(out, e)}", ty(out, e))

    x = T.randn(2, 3, 4, dtype=dtype)
    for dims in ([0], [2], [0, 1, 2], [1, 2]):
        unary(f"reverse {dims} {e}", x,
              f"adj.reverse %x dims {dims} : {ty(x)}", ty(x))

# Shape ops on integers and i1.
m = T.rng.random((2, 3)) < 0.5
unary("reverse i1", m, f"adj.reverse %x dims [1] : {ty(m)}", ty(m))
k = T.randint(-9, 9, 2, 3)
unary("reshape i64", k, f"adj.reshape %x : {ty(k)} -> {ty((3, 2), 'i64')}",
      ty((3, 2), "i64"))
unary("broadcast_to i1", m,
      f"adj.broadcast_to %x : {ty(m)} -> {ty((4, 2, 3), 'i1')}",
      ty((4, 2, 3), "i1"))
check("concat i64", f"""
    %r = adj.concat %a, %a axis 0 : {ty(k)}, {ty(k)} -> {ty((4, 3), "i64")}
    return %r : {ty((4, 3), "i64")}""", {"a": k})
unary("slice i1", m,
      f"adj.slice %x start [0, 0] limit [2, 3] stride [1, 2] : {ty(m)} -> "
      f"{ty((2, 2), 'i1')}", ty((2, 2), "i1"))

# Out-of-range indices are errors for the evaluator (and for compiled code,
# by default: adj-check-indices); what the lowering computes, with the check
# off, clamps them to [0, size - 1] (NumPy's mode="clip") so that it never
# leaves its buffers, in gather and in scatter_add, its transpose. Checked
# against NumPy, as the evaluator rejects these inputs.
table = T.randn(5, 3)
indices = np.array([-3, 0, 7, 4, 5, -1], np.int64)
updates = T.randn(6, 3)
clipped = np.clip(indices, 0, 4)
scattered = np.zeros((5, 3))
np.add.at(scattered, clipped, updates)
for label, body, inputs, want in [
        ("gather clamps out-of-range indices", f"""
            %r = adj.gather %t[%i] axis 0 : {ty(table)}, {ty(indices)} -> {ty((6, 3), "f64")}
            return %r : {ty((6, 3), "f64")}""", {"t": table, "i": indices},
         np.take(table, indices, 0, mode="clip")),
        ("scatter_add clamps out-of-range indices", f"""
            %r = adj.scatter_add %u[%i] axis 0 : {ty(updates)}, {ty(indices)} -> {ty(table)}
            return %r : {ty(table)}""", {"u": updates, "i": indices},
         scattered)]:
    try:
        got = ct.compile_source(T.func(body, inputs),
                                ["--check-indices=false"]).call(
            "main", *inputs.values())[0]
        T.expect(label, np.allclose(got, want, rtol=1e-12, atol=0),
                 f"got {got}, expected {want}")
    except (AssertionError, RuntimeError, OSError) as e:
        T.expect(label, False, str(e))

T.done()
ct.done()
