# RUN: %python %s
# Reductions (sum, mean, max, min, prod, logsumexp) over axes lists, with and
# without keepdims, against NumPy.
import numpy as np
import adjtest as T
from adjtest import f64, ty

T.seed(4)

def logsumexp(x, axis, keepdims):
    m = np.max(x, axis=axis, keepdims=True)
    r = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return r if keepdims else np.squeeze(r, axis=axis)

OPS = [("sum", np.sum), ("mean", np.mean), ("max", np.max), ("min", np.min),
       ("prod", np.prod), ("logsumexp", logsumexp)]
# axes None: the attribute is absent (all axes); [] reduces nothing.
AXES = [((2, 3, 4), None, False), ((2, 3, 4), None, True), ((2, 3, 4), [0], False),
        ((2, 3, 4), [1], True), ((2, 3, 4), [2], False), ((2, 3, 4), [0, 2], False),
        ((2, 3, 4), [2, 0], True), ((2, 3, 4), [0, 1, 2], False), ((2, 3, 4), [], False),
        ((2, 3, 4), [], True), ((5,), None, False), ((5,), [0], True),
        ((), None, False), ((3, 1), [1], False), ((1, 6), [0, 1], True)]

def reduction_case(op, oracle, x, axes, keepdims):
    axis = None if axes is None else tuple(axes)
    want = np.asarray(oracle(f64(x), axis=axis, keepdims=keepdims))
    attrs = ("" if axes is None else f" axes {axes}") + (" keepdims" if keepdims else "")
    out = ty(want.shape, T.elem(x))
    T.check(f"{op}{attrs} {ty(x)}", f"""
        %r = adj.{op} %x{attrs} : {ty(x)} -> {out}
        return %r : {out}""", {"x": x}, want)

for op, oracle in OPS:
    for i, (shape, axes, keepdims) in enumerate(AXES):
        x = T.randn(*shape, dtype=np.float32 if i % 4 == 3 else np.float64)
        reduction_case(op, oracle, x, axes, keepdims)

# logsumexp must not overflow or underflow; max/min see ties and infinities.
big = T.randn(3, 4) * 10
for x in [big + 1000.0, big - 1000.0, np.array([[-np.inf, 0.0], [-np.inf, 1.5]])]:
    reduction_case("logsumexp", logsumexp, x, [1], False)
x = np.array([[1.0, np.inf, 1.0], [-np.inf, 2.0, 2.0]])
for op, oracle in OPS[2:4]:
    reduction_case(op, oracle, x, [1], False)

# Zero-size operands: an empty sum is 0, an empty product 1, an empty mean
# NaN (0 / 0) and an empty logsumexp -inf (log 0); reducing a non-empty axis
# of an empty tensor gives an empty result.
with np.errstate(all="ignore"):
    for op, oracle in [("sum", np.sum), ("prod", np.prod), ("mean", np.mean),
                       ("logsumexp", lambda x, axis, keepdims: np.log(np.sum(
                           np.exp(x), axis=axis, keepdims=keepdims)))]:
        for shape, axes, keepdims in [((0, 3), [0], False), ((0, 3), None, True),
                                      ((3, 0), [1], True), ((0, 3), [1], False)]:
            reduction_case(op, oracle, np.zeros(shape), axes, keepdims)

T.done()
