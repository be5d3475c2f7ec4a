# --loss softmax_cross_entropy on logits of rank > 2: a language model's
# [B, T, V] logits against [B, T] labels is PyTorch's
# F.cross_entropy(logits.reshape(-1, V), labels.reshape(-1)), the mean over
# all B*T positions with the class dimension last; checked against PyTorch
# in f64 (forward, loss, gradients, 1 and 2 threads) for an embedding +
# linear LM and a [B, H, W, C] per-pixel classifier. Labels of the wrong
# shape, labels out of range and logits without a class dimension are clear
# errors.
# RUN: %python %s %t.dir

import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn

import torchexport
from torchexport import failures, run

torchexport.setup(sys.argv[1])


class LM(nn.Module):
    def __init__(self, vocab=11, dim=6):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.fc = nn.Linear(dim, vocab)

    def forward(self, tokens):
        return self.fc(torch.tanh(self.emb(tokens)))


class Pixels(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)

    def forward(self, x):
        return self.fc(x)


tokens = np.random.randint(0, 11, size=(2, 5)).astype(np.int64)
run("lm", LM(), {"tokens": tokens}, "softmax_cross_entropy", 17,
    threads=(1, 2))
pixels = np.random.randn(2, 3, 5, 3).astype(np.float32)
run("pixels", Pixels(), {"x": pixels}, "softmax_cross_entropy", 17)

# Labels flattened to [B*T] (or float) are refused with the shape expected.
import adjoint
m = adjoint.load(os.path.join(torchexport.out, "liblm.so"))
for labels in (np.zeros(10, np.int64), np.zeros((2, 5), np.float32)):
    try:
        m.loss_value_and_grad(tokens=tokens, labels=labels,
                              **m.initial_values())
        failures.append(f"labels {labels.shape}: no error")
    except Exception as e:
        ok = "expected an int64 array of shape (2, 5)" in str(e)
        print(f"{'ok  ' if ok else 'FAIL'} labels {labels.dtype} "
              f"{labels.shape}: {e}")
        if not ok:
            failures.append(f"labels {labels.shape}")

# A label out of range: the error names the loss (no node of the model).
try:
    m.loss_value_and_grad(tokens=tokens, labels=np.full((2, 5), 11),
                          **m.initial_values())
    failures.append("label 11: no error")
except adjoint.CallError as e:
    ok = ('adj.softmax_cross_entropy at "--loss softmax_cross_entropy"('
          in e.message and "read a label outside [0, 11)" in e.message)
    print(f"{'ok  ' if ok else 'FAIL'} label 11: {e.message}")
    if not ok:
        failures.append("label 11")

# A 1-D output has no class dimension: an error naming the graph output.
path = os.path.join(torchexport.out, "vector.onnx")
torch.onnx.export(nn.Linear(3, 4), (torch.randn(3),), path,
                  input_names=["x"], output_names=["y"])
r = subprocess.run(["adjoint-compile", path, "-o", path + ".so", "--loss",
                    "softmax_cross_entropy", "--value-and-grad", "loss"],
                   capture_output=True, text=True)
want = ("error: --loss softmax_cross_entropy needs logits with a class "
        "dimension, the last one")
ok = r.returncode == 1 and want in r.stderr and "graph output 'y'" in r.stderr
print(f"{'ok  ' if ok else 'FAIL'} 1-D output: {r.stderr.strip()}")
if not ok:
    failures.append("1-D output")

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
