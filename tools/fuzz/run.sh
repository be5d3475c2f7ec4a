#!/usr/bin/env bash
# Builds Adjoint's libFuzzer targets with clang-19 in ./build-fuzz (ASan,
# UBSan and coverage over Adjoint's own code), seeds their corpora from the
# test suite, and runs each for a bounded time.
#
#   tools/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 600; 0 = build and seed only); TARGETs among
# fuzz-parse fuzz-compile fuzz-npy fuzz-onnx (default: all four, one after
# another).
# To use two cores, build once (`run.sh 0`), then run two invocations side
# by side with FUZZ_NO_BUILD=1 (two builds in one directory would clash).
# Needs clang-19 and libclang-rt-19-dev, and Debian's /usr/bin/python3 with
# python3-numpy for the .npy seeds and python3-onnx and python3-torch for
# the ONNX seeds.
# Findings land in build-fuzz/artifacts/<target>/, logs in
# build-fuzz/logs/<target>.log; the growing corpus in build-fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-600}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(fuzz-parse fuzz-compile fuzz-npy fuzz-onnx)
jobs="${FUZZ_BUILD_JOBS:--j2}"
out=build-fuzz

# FUZZ_NO_BUILD=1 runs what is built (e.g. while another invocation builds).
if [[ -z "${FUZZ_NO_BUILD:-}" ]]; then
cmake -G Ninja -S . -B "$out" \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link" \
  -DADJOINT_SANITIZE=ON -DADJOINT_FUZZ=ON \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-19/build/utils/lit/lit.py >/dev/null
nice -n 10 ninja -C "$out" "$jobs" "${targets[@]}"
fi

# Seeds. MLIR: every test and example, one seed per `// -----` section (the
# split-input-file tests mix valid and invalid sections).
seed_mlir() {
  local dir="$1"
  rm -rf "$dir" && mkdir -p "$dir"
  /usr/bin/python3 - "$dir" <<'PY'
import pathlib, re, sys
out = pathlib.Path(sys.argv[1])
files = sorted(pathlib.Path("test").rglob("*.mlir")) + sorted(pathlib.Path("examples").glob("*.mlir"))
n = 0
for f in files:
    for part in re.split(r"^// -----\s*$", f.read_text(), flags=re.M):
        if part.strip():
            (out / f"{n:04d}-{f.stem}.mlir").write_text(part)
            n += 1
print(f"{n} MLIR seeds from {len(files)} files")
PY
}
seed_npy() {
  local dir="$1"
  rm -rf "$dir" && mkdir -p "$dir"
  /usr/bin/python3 - "$dir" <<'PY'
import sys, numpy as np
d = sys.argv[1]
r = np.random.default_rng(0)
np.save(f"{d}/f32.npy", r.standard_normal((3, 4)).astype(np.float32))
np.save(f"{d}/f64-scalar.npy", np.float64(2.5))
np.save(f"{d}/i32.npy", np.arange(6, dtype=np.int32).reshape(2, 3))
np.save(f"{d}/i64.npy", np.arange(5, dtype=np.int64))
np.save(f"{d}/bool.npy", np.array([True, False, True]))
np.save(f"{d}/f64-fortran.npy", np.asfortranarray(r.standard_normal((2, 3))))
np.save(f"{d}/f32-bigendian.npy", np.arange(4, dtype=">f4"))
np.save(f"{d}/empty.npy", np.zeros((0, 3), np.float32))
np.savez(f"{d}/stored.npz", W=np.ones((2, 2), np.float32), b=np.zeros(2, np.float64), y=np.arange(3))
np.savez_compressed(f"{d}/deflated.npz", x=r.standard_normal((4, 4)), labels=np.arange(4, dtype=np.int64))
print("10 .npy/.npz seeds")
PY
}

# ONNX: the importer tests' onnx.helper models (some wrong on purpose) and
# a few small PyTorch models, exported at opsets 14 and 17.
seed_onnx() {
  local dir="$1" dict="$2"
  rm -rf "$dir" && mkdir -p "$dir"
  for script in test/Import/Inputs/make_*.py; do
    /usr/bin/python3 "$script" "$dir"
  done
  /usr/bin/python3 - "$dir" <<'PY'
import os, sys, warnings
import torch, torch.nn as nn, torch.nn.functional as F
warnings.filterwarnings("ignore")
out = sys.argv[1]
torch.manual_seed(0)

class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(6, 8), nn.Linear(8, 3)
    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))

class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.bn = nn.Conv2d(1, 2, 3, padding=1), nn.BatchNorm2d(2)
        self.c2, self.fc = nn.Conv2d(2, 2, 3, stride=2), nn.Linear(2, 3)
    def forward(self, x):
        x = F.max_pool2d(torch.relu(self.bn(self.c1(x))), 2)
        x = F.avg_pool2d(torch.sigmoid(self.c2(x)), 1)
        return self.fc(x.view(x.size(0), -1))

class Attention(nn.Module):
    def __init__(self, d=4):
        super().__init__()
        self.qkv, self.ln = nn.Linear(d, 3 * d), nn.LayerNorm(d)
    def forward(self, x):
        q, k, v = self.qkv(x).split(x.shape[-1], dim=-1)
        a = torch.softmax(q @ k.transpose(-2, -1) / 2.0, dim=-1) @ v
        return self.ln(x + F.gelu(a))

class Mixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(5, 3)
        self.v = nn.Parameter(torch.randn(3))
    def forward(self, tokens, x):
        e = self.emb(tokens).sum(1) / tokens.shape[1]
        h = torch.cat([e, x.exp().log1p(), x[:, :1].abs().sqrt()], dim=1)
        return F.log_softmax(h[:, 1:5] * (e @ self.v).unsqueeze(1), dim=1)

models = [("mlp", MLP(), (torch.randn(2, 6),), 14),
          ("cnn", CNN(), (torch.randn(1, 1, 8, 8),), 14),
          ("attention14", Attention(), (torch.randn(1, 3, 4),), 14),
          ("attention17", Attention(), (torch.randn(1, 3, 4),), 17),
          ("mixed", Mixed(), (torch.tensor([[1, 2], [3, 4]]), torch.randn(2, 3)), 14)]
for name, model, args, opset in models:
    torch.onnx.export(model.eval(), args, os.path.join(out, f"torch-{name}.onnx"),
                      opset_version=opset, do_constant_folding=False)
PY
  echo "$(ls "$dir" | wc -l) ONNX seeds"
  # A libFuzzer dictionary of the operator and attribute names the importer
  # reads: a mutation that renames a node's op_type then lands on a
  # converter rather than on "unsupported operator".
  /usr/bin/python3 - "$dict" <<'PY'
import glob, re, sys
src = "".join(open(f).read() for f in glob.glob("lib/Import/Onnx*.cpp"))
words = set(re.findall(r'^\s*\{"([A-Za-z]+)", \d', src, re.M))
words |= set(re.findall(r'(?:attr|get(?:Int|Ints|Float|String))\("([a-z_]+)"', src))
open(sys.argv[1], "w").write("".join(f'"{w}"\n' for w in sorted(words)))
print(f"{len(words)} dictionary entries")
PY
}

# Leak checking is off: the process-wide MLIRContext grows by design and
# leaks are not what these targets look for; any ASan/UBSan report aborts.
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
# The build uses clang's shared sanitizer runtime (Adjoint's libraries are
# shared); libFuzzer's link puts libstdc++ ahead of it, which ASan refuses,
# so preload it.
asan_rt=$(clang++-19 -print-file-name=libclang_rt.asan-x86_64.so)
mkdir -p "$out/logs"
status=0
for t in "${targets[@]}"; do
  extra=()
  case "$t" in
    fuzz-parse|fuzz-compile) seed_mlir "$out/seeds/$t"; max_len=16384 ;;
    fuzz-npy) seed_npy "$out/seeds/$t"; max_len=4096 ;;
    fuzz-onnx) seed_onnx "$out/seeds/$t" "$out/seeds/$t.dict"; max_len=8192
      extra=(-dict="$out/seeds/$t.dict") ;;
    *) echo "unknown target $t" >&2; exit 2 ;;
  esac
  ((seconds > 0)) || continue
  mkdir -p "$out/corpus/$t" "$out/artifacts/$t"
  echo "== $t: ${seconds}s, -max_len=$max_len"
  set +e
  LD_PRELOAD="$asan_rt" nice -n 10 "$out/bin/$t" "$out/corpus/$t" "$out/seeds/$t" \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=30 \
    -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$t/" "${extra[@]}" >"$out/logs/$t.log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/logs/$t.log" |
    tail -1 | awk '{print $2}')
  echo "== $t: exit $rc, executions ${execs:-?}," \
    "corpus $(ls "$out/corpus/$t" | wc -l) files," \
    "artifacts: $(ls "$out/artifacts/$t" | tr '\n' ' ')"
  ((rc == 0)) || status=1
done
exit "$status"
