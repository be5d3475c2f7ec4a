#!/usr/bin/env bash
# The benchmark in one command (docs/performance.md), on Debian 12 as root:
#   bash tools/bench/run.sh [--rounds N] [--quick] [--smoke] [--out DIR] ...
# Installs what the baselines need, builds Adjoint in ./build if needed, then
# runs tools/bench/bench.py with the given options (see its --help).
set -euo pipefail
cd "$(dirname "$0")/../.."

# PyTorch and NumPy are the baselines; matplotlib draws the chart. Debian's
# torch and numpy call libblas.so.3: without OpenBLAS that is the slow
# reference BLAS, and OpenBLAS's OpenMP build keeps 2-thread torch from
# fighting OpenBLAS's own threads (docs/performance.md, "Pitfalls").
packages=(gcc python3-torch python3-numpy python3-matplotlib libopenblas0
  libopenblas0-openmp)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) != 0 ]]; then
    echo "error: missing Debian packages ${missing[*]}; install them as root" >&2
    exit 1
  fi
  echo "== installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi

if [[ ! -x build/bin/adjoint-compile ]]; then
  bash tools/bootstrap.sh
else
  ninja -C build adjoint-compile
fi
# OpenBLAS 0.3.21 takes some AVX-512 guests for a Prescott and runs its SSE
# kernels there (about 30 instead of 130 GFLOP/s): a baseline that weak
# would flatter Adjoint (docs/performance.md, "Pitfalls").
# A setting of the environment's own is kept, but one that names AVX2
# kernels on an AVX-512 CPU halves the baselines' matmuls: say so.
if grep -qw avx512f /proc/cpuinfo; then
  if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
    export OPENBLAS_CORETYPE=SkylakeX
    echo "== OPENBLAS_CORETYPE=SkylakeX (AVX-512 CPU)"
  elif [[ ! "$OPENBLAS_CORETYPE" =~ ^(SkylakeX|Cooperlake|SapphireRapids)$ ]]; then
    echo "== warning: OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE runs OpenBLAS's kernels" \
      "without AVX-512 on this AVX-512 CPU: PyTorch's and NumPy's matmuls get" \
      "about half as fast; run with OPENBLAS_CORETYPE=SkylakeX for a fair baseline" >&2
  fi
fi
exec /usr/bin/python3 tools/bench/bench.py "$@"
