#!/usr/bin/env bash
# Builds Adjoint's libFuzzer targets with clang-19 in ./build-fuzz (ASan,
# UBSan and coverage over Adjoint's own code), seeds their corpora from the
# test suite, and runs each for a bounded time.
#
#   tools/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 600; 0 = build and seed only); TARGETs among
# fuzz-parse fuzz-compile fuzz-npy (default: all three, one after another).
# To use two cores, build once (`run.sh 0`), then run two invocations side
# by side with FUZZ_NO_BUILD=1 (two builds in one directory would clash).
# Needs clang-19 and libclang-rt-19-dev, and Debian's /usr/bin/python3 with
# python3-numpy for the .npy seeds.
# Findings land in build-fuzz/artifacts/<target>/, logs in
# build-fuzz/logs/<target>.log; the growing corpus in build-fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-600}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(fuzz-parse fuzz-compile fuzz-npy)
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
  case "$t" in
    fuzz-parse|fuzz-compile) seed_mlir "$out/seeds/$t"; max_len=16384 ;;
    fuzz-npy) seed_npy "$out/seeds/$t"; max_len=4096 ;;
    *) echo "unknown target $t" >&2; exit 2 ;;
  esac
  ((seconds > 0)) || continue
  mkdir -p "$out/corpus/$t" "$out/artifacts/$t"
  echo "== $t: ${seconds}s, -max_len=$max_len"
  set +e
  LD_PRELOAD="$asan_rt" nice -n 10 "$out/bin/$t" "$out/corpus/$t" "$out/seeds/$t" \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=30 \
    -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$t/" >"$out/logs/$t.log" 2>&1
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
