# RUN: %python %s
# An ODE solver unrolled into a long program, as scientific users write one:
# 30 classical Runge-Kutta steps of a 2-variable Lotka-Volterra-like system
# (ds/dt = a*s + b*prod(s), each step a call, each evaluation a call), the
# loss the squared distance of the final state to a target. Value and
# gradient w.r.t. the initial state and both parameters, in f64 and f32,
# against PyTorch autograd in f64 on the same unrolled computation. The
# program has ~2,000 adj ops after inlining: the sibling merges and
# producer fusion of adj-fuse-elementwise across its steps run on it, and
# adj-outline-long-functions cuts its value and gradient into functions of
# at most 2000 ops (checked in the LLVM IR).
import subprocess

import numpy as np
import torch

import compiletest as ct

STEPS, DT = 30, 0.05


def source(e):
    T, S = f"tensor<2x{e}>", f"tensor<{e}>"
    calls = "\n".join(
        f"  %s{i + 1} = func.call @step(%s{i}, %a, %b) : ({T}, {T}, {T}) -> {T}"
        for i in range(STEPS))
    return f"""
func.func private @f(%s: {T}, %a: {T}, %b: {T}) -> {T} {{
  %p = adj.prod %s : {T} -> {S}
  %l = adj.mul %a, %s : {T}
  %q = adj.mul %b, %p : {T}, {S}
  %r = adj.add %l, %q : {T}
  return %r : {T}
}}
func.func private @step(%s: {T}, %a: {T}, %b: {T}) -> {T} {{
  %h = adj.constant dense<{DT / 2}> : {S}
  %dt = adj.constant dense<{DT}> : {S}
  %six = adj.constant dense<{DT / 6}> : {S}
  %two = adj.constant dense<2.0> : {S}
  %k1 = func.call @f(%s, %a, %b) : ({T}, {T}, {T}) -> {T}
  %t1 = adj.mul %k1, %h : {T}, {S}
  %s1 = adj.add %s, %t1 : {T}
  %k2 = func.call @f(%s1, %a, %b) : ({T}, {T}, {T}) -> {T}
  %t2 = adj.mul %k2, %h : {T}, {S}
  %s2 = adj.add %s, %t2 : {T}
  %k3 = func.call @f(%s2, %a, %b) : ({T}, {T}, {T}) -> {T}
  %t3 = adj.mul %k3, %dt : {T}, {S}
  %s3 = adj.add %s, %t3 : {T}
  %k4 = func.call @f(%s3, %a, %b) : ({T}, {T}, {T}) -> {T}
  %m2 = adj.mul %k2, %two : {T}, {S}
  %m3 = adj.mul %k3, %two : {T}, {S}
  %u1 = adj.add %k1, %m2 : {T}
  %u2 = adj.add %u1, %m3 : {T}
  %u3 = adj.add %u2, %k4 : {T}
  %u4 = adj.mul %u3, %six : {T}, {S}
  %r = adj.add %s, %u4 : {T}
  return %r : {T}
}}
func.func @loss(%s0: {T}, %a: {T}, %b: {T}, %target: {T}) -> {S} {{
{calls}
  %d = adj.sub %s{STEPS}, %target : {T}
  %sq = adj.square %d : {T}
  %l = adj.sum %sq : {T} -> {S}
  return %l : {S}
}}"""


def oracle(s0, a, b, target):
    s0, a, b = (torch.tensor(v, dtype=torch.float64, requires_grad=True)
                for v in (s0, a, b))
    f = lambda s: a * s + b * torch.prod(s)
    s = s0
    for _ in range(STEPS):
        k1 = f(s)
        k2 = f(s + DT / 2 * k1)
        k3 = f(s + DT / 2 * k2)
        k4 = f(s + DT * k3)
        s = s + DT / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    loss = ((s - torch.tensor(target, dtype=torch.float64)) ** 2).sum()
    loss.backward()
    return [loss.item(), s0.grad.numpy(), a.grad.numpy(), b.grad.numpy()]


inputs = [np.array([1.0, 0.5]), np.array([0.6, -0.8]),
          np.array([-0.4, 0.3]), np.array([0.9, 0.7])]
want = oracle(*inputs)

src = ct.tmpdir() + "/solver.mlir"
with open(src, "w") as f:
    f.write(source("f32"))
ir = subprocess.run([ct.COMPILE, src, "-o", "-", "--emit=llvm-ir", "--prefix",
                     "t", "--value-and-grad", "loss:wrt=0,1,2"],
                    capture_output=True, text=True, check=True).stdout
parts = ir.count("define internal fastcc void @t_loss_value_and_grad_part")
assert parts >= 2, f"expected the value and gradient in pieces, got {parts}"
print(f"f32 value and gradient: {parts} pieces")
for dtype, e, rtol in [(np.float64, "f64", 1e-12), (np.float32, "f32", 2e-5)]:
    lib = ct.compile_source(source(e), ["--value-and-grad", "loss:wrt=0,1,2"])
    got = lib.call("loss_value_and_grad", *[x.astype(dtype) for x in inputs])
    scale = max(np.abs(g).max() for g in want[1:])
    np.testing.assert_allclose(got[0], want[0], rtol=rtol)
    for g, w in zip(got[1:], want[1:]):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=rtol * scale)
    print(f"{e}: loss {float(got[0]):.6g}, gradients match PyTorch")
