#!/usr/bin/env bash
# Installs what Adjoint needs from Debian 12's packages (as root), then
# configures and builds it in ./build. Used by the README's two commands and
# by CI. `--test` also installs what the test suite's oracles need (NumPy,
# PyTorch, ONNX to export models) and Graphviz (the DOT rendering test).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake ninja-build g++ llvm-19-dev libmlir-19-dev mlir-19-tools
  llvm-19-tools libomp-19-dev libfmt-dev zlib1g-dev libzstd-dev python3
  python3-numpy python3-sklearn libonnx-dev libprotobuf-dev)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(python3-torch python3-onnx valgrind graphviz)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi

echo "== building Adjoint in ./build"
cmake -G Ninja -S . -B build \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-19/build/utils/lit/lit.py >/dev/null
ninja -C build
