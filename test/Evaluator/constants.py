# RUN: %python %s
# adj.constant, adj.fill, adj.iota and arith.constant (functions without
# arguments) against NumPy.
import numpy as np
import adjtest as T
from adjtest import ty

CASES = [  # op text (without the result type), result type, expected
    ("adj.constant dense<[[1.0, 2.5], [-3.0, 4.25]]>", "tensor<2x2xf32>",
     [[1.0, 2.5], [-3.0, 4.25]]),
    # The f32 attribute holds the f32 nearest 0.1.
    ("adj.constant dense<[0.1, -1.0e-3]>", "tensor<2xf32>",
     np.array([0.1, -1.0e-3], np.float32).astype(np.float64)),
    ("adj.constant dense<[0.1, 1.0e300, -2.0e-300]>", "tensor<3xf64>", [0.1, 1e300, -2e-300]),
    ("adj.constant dense<0.1>", "tensor<2x3xf64>", np.full((2, 3), 0.1)),
    ("adj.constant dense<-7.5>", "tensor<f32>", np.array(-7.5)),
    ("adj.constant dense<[[1, -2, 3]]>", "tensor<1x3xi64>", np.array([[1, -2, 3]])),
    ("adj.constant dense<4>", "tensor<2x2xi32>", np.full((2, 2), 4)),
    ("adj.constant dense<[true, false, true]>", "tensor<3xi1>", np.array([True, False, True])),
    ("adj.fill 1.0", "tensor<16xf32>", np.ones(16)),
    ("adj.fill -2.5", "tensor<2x3xf32>", np.full((2, 3), -2.5)),
    ("adj.fill 0.1", "tensor<3x1xf64>", np.full((3, 1), 0.1)),
    ("adj.fill 3.0", "tensor<f64>", np.array(3.0)),
    # An f32 fill holds the f32 nearest its f64 value, as the splat constant
    # it folds to.
    ("adj.fill 0.1", "tensor<2xf32>", np.full(2, np.float32(0.1))),
    # func bodies may also use tensor-valued arith.constant.
    ("arith.constant dense<[1.5, -2.0]>", "tensor<2xf64>", np.array([1.5, -2.0])),
    ("arith.constant dense<[3, -4]>", "tensor<2xi32>", np.array([3, -4])),
    ("adj.iota dim 1", "tensor<4x8xf32>", np.broadcast_to(np.arange(8.0), (4, 8))),
    ("adj.iota dim 0", "tensor<4x3xf64>", np.broadcast_to(np.arange(4.0)[:, None], (4, 3))),
    ("adj.iota dim 0", "tensor<5xi64>", np.arange(5)),
    ("adj.iota dim 1", "tensor<3x2xi32>", np.broadcast_to(np.arange(2), (3, 2))),
    ("adj.iota dim 2", "tensor<2x3x4xi64>", np.broadcast_to(np.arange(4), (2, 3, 4))),
    ("adj.iota dim 1", "tensor<2x3x4xf64>",
     np.broadcast_to(np.arange(3.0)[:, None], (2, 3, 4))),
]
for op, t, want in CASES:
    T.check(f"{op} : {t}", f"""
        %r = {op} : {t}
        return %r : {t}""", {}, np.asarray(want))

# Constants feeding computation, and one function returning several results.
x = T.randn(2, 3)
T.check("constant and fill in an expression", """
    %c = adj.constant dense<[1.0, 2.0, 4.0]> : tensor<3xf64>
    %f = adj.fill 0.5 : tensor<2x1xf64>
    %i = adj.iota dim 1 : tensor<2x3xf64>
    %a = adj.mul %x, %c : tensor<2x3xf64>, tensor<3xf64>
    %b = adj.sub %a, %f : tensor<2x3xf64>, tensor<2x1xf64>
    %r = adj.add %b, %i : tensor<2x3xf64>
    return %r, %i, %c : tensor<2x3xf64>, tensor<2x3xf64>, tensor<3xf64>""",
        {"x": x}, [x * [1.0, 2.0, 4.0] - 0.5 + np.arange(3.0), np.tile(np.arange(3.0), (2, 1)),
                   np.array([1.0, 2.0, 4.0])])

T.done()
