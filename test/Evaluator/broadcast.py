# RUN: %python %s
# Broadcasting binary ops, adj.compare, adj.select and adj.broadcast_to
# against NumPy.
import numpy as np
import adjtest as T
from adjtest import elem, f64, ty

T.seed(2)

BINARY = [("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
          ("div", np.divide), ("pow", np.power), ("maximum", np.maximum),
          ("minimum", np.minimum)]
# Same shapes, rank 0 on either side, size-1 dims on both sides, different
# ranks.
SHAPES = [((3, 4), (3, 4)), ((), (2, 3)), ((2, 3), ()), ((3, 1), (1, 4)),
          ((4,), (2, 3, 4)), ((2, 1, 4), (3, 1)), ((1,), (5,)),
          ((1, 1), (1,)), ((), ())]

def binary_case(op, oracle, a, b):
    out = np.broadcast_shapes(a.shape, b.shape)
    types = ty(a) if a.shape == b.shape else f"{ty(a)}, {ty(b)}"
    T.check(f"{op} {ty(a)}, {ty(b)}", f"""
        %r = adj.{op} %a, %b : {types}
        return %r : {ty(out, elem(a))}""", {"a": a, "b": b},
            oracle(f64(a), f64(b)))

for op, oracle in BINARY:
    for i, (sa, sb) in enumerate(SHAPES):
        dtype = np.float32 if i % 3 == 2 else np.float64
        # pow: a positive base with non-integer exponents.
        a = T.randn(*sa, dtype=dtype, positive=(op == "pow"))
        b = T.randn(*sb, dtype=dtype)
        binary_case(op, oracle, a, b)
# pow of a negative base by integer-valued exponents is defined.
binary_case("pow", np.power, T.randn(2, 5), np.array([0.0, 1.0, 2.0, 3.0, -2.0]))

# IEEE special values (as C's arithmetic and pow), and zero-size operands.
nan, inf = np.nan, np.inf
SPECIAL = [
    ("add", [inf, inf, nan, 1e308], [-inf, inf, 1.0, 1e308]),
    ("sub", [inf, inf, nan], [inf, -inf, 1.0]),
    ("mul", [0.0, inf, -inf, nan, 1e200], [inf, -2.0, -inf, 0.0, 1e200]),
    ("div", [1.0, -1.0, 0.0, inf, 1.0, 1e-300], [0.0, 0.0, 0.0, inf, -0.0, 1e300]),
    ("pow", [0.0, 0.0, -8.0, nan, 1.0, -inf, 2.0, -2.0],
            [0.0, -1.0, 1 / 3, 0.0, nan, 3.0, 2000.0, 0.5]),
    ("maximum", [inf, -inf, 1.0], [1.0, 1.0, -inf]),
    ("minimum", [inf, -inf, 1.0], [1.0, 1.0, -inf]),
]
with np.errstate(all="ignore"):
    for op, a, b in SPECIAL:
        binary_case(op, dict(BINARY)[op], np.array(a), np.array(b))
# Signed zeros: -0 is smaller than +0, as in the compiled code's IEEE 754
# maximum and minimum (NumPy returns either zero); 1/x shows the sign.
a, b = np.array([-0.0, 0.0, -0.0, 0.0]), np.array([0.0, -0.0, -0.0, 0.0])
for op, expected in [("maximum", [inf, inf, -inf, inf]),
                     ("minimum", [-inf, -inf, -inf, inf])]:
    T.check(f"{op} of signed zeros", f"""
        %m = adj.{op} %a, %b : {ty(a)}
        %one = adj.constant dense<1.0> : {ty(a)}
        %r = adj.div %one, %m : {ty(a)}
        return %r : {ty(a)}""", {"a": a, "b": b}, np.array(expected))
for sa, sb in [((0, 3), (3,)), ((0, 1), (1, 4)), ((2, 0), ())]:
    binary_case("add", np.add, T.randn(*sa), T.randn(*sb))

# adj.compare: integer-valued floats, so every direction sees ties.
DIRECTIONS = [("eq", np.equal), ("ne", np.not_equal), ("lt", np.less),
              ("le", np.less_equal), ("gt", np.greater), ("ge", np.greater_equal)]
for d, oracle in DIRECTIONS:
    for sa, sb, dtype in [((3, 4), (3, 4), np.float64), ((4, 3), (3,), np.float32),
                          ((), (2, 2), np.float64), ((2, 1), (1, 3), np.float64)]:
        a = T.randint(0, 3, *sa).astype(dtype)
        b = T.randint(0, 3, *sb).astype(dtype)
        types = ty(a) if sa == sb else f"{ty(a)}, {ty(b)}"
        out = ty(np.broadcast_shapes(sa, sb), "i1")
        T.check(f"compare {d} {ty(a)}, {ty(b)}", f"""
            %r = adj.compare {d}, %a, %b : {types}
            return %r : {out}""", {"a": a, "b": b}, oracle(a, b))

# NaN compares unequal to everything (ne is true), infinities equal.
a = np.array([nan, 1.0, nan, inf, -inf, inf])
b = np.array([1.0, nan, nan, inf, -inf, -inf])
for d, oracle in DIRECTIONS:
    T.check(f"compare {d} special values", f"""
        %r = adj.compare {d}, %a, %b : {ty(a)}
        return %r : {ty(a.shape, "i1")}""", {"a": a, "b": b}, oracle(a, b))

# adj.select: NumPy's where over three broadcast operands; the mask is an
# argument or computed by adj.compare.
for sc, st, sf, dtype in [((3, 4), (3, 4), (3, 4), np.float64),
                          ((2, 1, 4), (3, 1), (), np.float64),
                          ((), (2, 3), (2, 3), np.float32),
                          ((3,), (2, 1), (1, 3), np.float32),
                          ((4, 1), (1,), (4, 5), np.float64)]:
    c = T.rng.random(sc) < 0.5
    a, b = T.randn(*st, dtype=dtype), T.randn(*sf, dtype=dtype)
    out = ty(np.broadcast_shapes(sc, st, sf), elem(a))
    T.check(f"select {ty(c)}, {ty(a)}, {ty(b)}", f"""
        %r = adj.select %c, %a, %b : {ty(c)}, {ty(a)}, {ty(b)}
        return %r : {out}""", {"c": c, "a": a, "b": b}, np.where(c, f64(a), f64(b)))
x = T.randn(4, 3)
T.check("select from compare (relu by hand)", f"""
    %zero = adj.constant dense<0.0> : tensor<f64>
    %m = adj.compare gt, %x, %zero : tensor<4x3xf64>, tensor<f64>
    %r = adj.select %m, %x, %zero : tensor<4x3xi1>, tensor<4x3xf64>, tensor<f64>
    return %r : tensor<4x3xf64>""", {"x": x}, np.where(x > 0, x, 0.0))

# adj.broadcast_to, including integer and i1 tensors.
for x, shape in [(T.randn(3), (2, 3)), (np.array(1.5), (2, 2)),
                 (T.randn(3, 1, dtype=np.float32), (2, 3, 4)),
                 (T.randn(1, 1), (1, 1)), (T.randn(2, 1, 3), (4, 2, 5, 3)),
                 (T.randint(-9, 9, 1, 3), (2, 3)),
                 (T.randint(-9, 9, 2, 1, dtype=np.int32), (2, 2)),
                 (np.array([True, False]), (3, 2))]:
    out = ty(shape, elem(x))
    T.check(f"broadcast_to {ty(x)} -> {out}", f"""
        %r = adj.broadcast_to %x : {ty(x)} -> {out}
        return %r : {out}""", {"x": x},
            np.broadcast_to(x if x.dtype.kind in "biu" else f64(x), shape))

T.done()
