"""Checks a model exported from PyTorch to ONNX against PyTorch in f64:
`run` exports it, compiles it with a loss and compares the forward output,
the loss and the gradient of every parameter and input (f32 results, 1e-4
relative to the largest magnitude), at 1 and 2 threads; the library's
initial values must be the PyTorch parameters the model was exported with.
`failures` collects what did not match."""

import ctypes
import os
import shutil

import numpy as np
import torch
import torch.nn.functional as F

import adjoint

failures = []
out = None


def setup(directory):
    """Start a test: `directory` (emptied) takes its files; seeds fixed."""
    global out
    out = directory
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    torch.manual_seed(0)
    np.random.seed(0)


def compile_nodes(nodes, inputs, outputs, name, initializers=(), opset=17,
                  value_and_grad=None):
    """Nodes built with onnx.helper compiled as a model: `inputs` ({name:
    array}) are the graph inputs, `outputs` ({name: ONNX element type}) its
    outputs, `initializers` (name, array) pairs."""
    from onnx import TensorProto, helper, numpy_helper
    types = {np.dtype(np.float32): TensorProto.FLOAT,
             np.dtype(np.int64): TensorProto.INT64}
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(k, types[v.dtype], v.shape)
         for k, v in inputs.items()],
        [helper.make_tensor_value_info(k, t, None)
         for k, t in outputs.items()],
        [numpy_helper.from_array(v, k) for k, v in initializers])
    path = os.path.join(out, name + ".onnx")
    with open(path, "wb") as f:
        f.write(helper.make_model(graph, opset_imports=[
            helper.make_opsetid("", opset)]).SerializeToString())
    return adjoint.compile(path, output=os.path.join(out, f"lib{name}.so"),
                           value_and_grad=value_and_grad)


def check(what, got, want, tol=1e-4, floor=1e-3):
    """`got` within `tol` of `want`, relative to its largest magnitude or
    `floor`: a gradient that is 0 in exact arithmetic (c1's bias, which batch
    norm cancels) is f32 rounding noise of sums whose terms are about 1e-3
    and larger, and its size depends on the order of summation."""
    want = np.asarray(want, np.float64)
    # Equal entries (an infinite mask's) are exact.
    diff = np.where(got == want, 0.0, np.abs(got - want))
    err = np.max(diff) if want.size else 0.0
    finite = np.abs(want[np.isfinite(want)])
    scale = max(np.max(finite) if finite.size else 0.0, floor)
    ok = got.shape == want.shape and err <= tol * scale
    print(f"{'ok  ' if ok else 'FAIL'} {what}: max error {err:.3g} "
          f"(scale {scale:.3g})")
    if not ok:
        failures.append(what)


def run(name, model, inputs, loss, opset, training=False, threads=(1,),
        reference=None):
    """Exports `model` called on `inputs` (a dict of arrays by name) into
    the folder `out`, compiles it with `loss` and compares it with PyTorch
    at each number of `threads`. `reference(model, *inputs)`, if given, is
    what the exported graph means where ONNX's operator differs from the
    PyTorch one exported (bilinear Upsample before opset 11)."""
    model.train(training)
    path = os.path.join(out, f"{name}.onnx")
    mode = (torch.onnx.TrainingMode.TRAINING if training
            else torch.onnx.TrainingMode.EVAL)
    # Without constant folding, the initializers keep PyTorch's names.
    torch.onnx.export(model, tuple(torch.tensor(v) for v in inputs.values()),
                      path, opset_version=opset, training=mode,
                      do_constant_folding=False, input_names=list(inputs),
                      output_names=["y"])
    m = adjoint.compile(path, loss=loss, value_and_grad="loss",
                        output=os.path.join(out, f"lib{name}.so"))

    # The exported initial values are the model's parameters.
    initial = m.initial_values()
    params = dict(model.named_parameters())
    buffers = {k: b for k, b in model.named_buffers()
               if b.dtype.is_floating_point}
    names = {k.replace(".", "_"): k for k in list(params) + list(buffers)}
    if set(initial) != set(names):
        failures.append(f"{name}: initial values")
        print(f"FAIL {name}: initial values {sorted(initial)} vs {sorted(names)}")
        return
    read = getattr(m.dll, m.prefix + "_initial_value")
    read.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    if read(b"no_such_parameter", None) != 1:
        failures.append(f"{name}: initial value of an unknown name")
    for arg, value in initial.items():
        torch_value = (params.get(names[arg], buffers.get(names[arg]))
                       .detach().numpy())
        check(f"{name}: initial value of {arg}", value, torch_value, 0.0, 0.0)

    # PyTorch in f64 on the same values.
    model.double()
    tensors = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
               if v.dtype == np.float32 else torch.tensor(v)
               for k, v in inputs.items()}
    y = (reference(model, *tensors.values()) if reference
         else model(*tensors.values()))
    if loss == "softmax_cross_entropy":
        # The class dimension is the last: labels have the others, and the
        # loss is the mean over all of them.
        labels = np.random.randint(0, y.shape[-1], size=y.shape[:-1])
        lt = F.cross_entropy(y.reshape(-1, y.shape[-1]),
                             torch.tensor(labels).reshape(-1))
    else:
        labels = np.random.randn(*y.shape).astype(np.float32)
        lt = F.mse_loss(y, torch.tensor(labels, dtype=torch.float64))
    lt.backward()

    for n in threads:
        m.set_num_threads(n)
        at = f"{name}" + (f" ({n} threads)" if len(threads) > 1 else "")
        check(f"{at}: forward", m.forward(**inputs, **initial),
              y.detach().numpy())
        r = m.loss_value_and_grad(**inputs, labels=labels, **initial)
        check(f"{at}: loss", r.loss, lt.detach().numpy())
        for k, t in tensors.items():
            if t.requires_grad:
                check(f"{at}: gradient of {k}", getattr(r, "grad_" + k),
                      t.grad.numpy())
        for arg, torch_name in names.items():
            if torch_name in params:
                want = params[torch_name].grad.numpy()
            elif training:  # the loss does not use the running statistics
                want = np.zeros(initial[arg].shape)
            else:  # PyTorch has no gradient w.r.t. the running statistics
                continue
            check(f"{at}: gradient of {arg}", getattr(r, "grad_" + arg),
                  want)
    model.float()


