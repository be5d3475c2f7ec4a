#!/usr/bin/env bash
# Trains the MLP of examples/mlp.mlir on scikit-learn's 8x8 digits, from C:
# exports the data set, compiles the model (loss and gradient) into a shared
# library with adjoint-compile, builds train.c against it and runs it.
#
#   bash examples/digits/run.sh [BUILD_DIR [OUT_DIR]]
#
# BUILD_DIR is a built Adjoint (default ./build, which must hold
# bin/adjoint-compile); everything is written to OUT_DIR (default
# BUILD_DIR/digits).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
model="$(cd "$here/.." && pwd)/mlp.mlir"
build="${1:-build}"
out="${2:-$build/digits}"
compiler="$build/bin/adjoint-compile"
python=/usr/bin/python3  # Debian's, where python3-sklearn installs

if [[ ! -x "$compiler" ]]; then
  echo "error: $compiler not found; build Adjoint first" \
    "(bash tools/bootstrap.sh, or ninja -C $build adjoint-compile)" >&2
  exit 1
fi
if ! "$python" -c "import sklearn" 2>/dev/null; then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "== installing python3-sklearn (for the digits data set)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends python3-sklearn
  else
    echo "error: scikit-learn is missing: apt-get install python3-sklearn" >&2
    exit 1
  fi
fi
mkdir -p "$out"

echo "== Exporting the digits data set to $out/data"
"$python" "$here/export_digits.py" "$out/data"

echo "== Compiling $model to $out/libdigits.so and $out/digits.h"
"$compiler" "$model" -o "$out/libdigits.so" --prefix digits
"$compiler" "$model" -o "$out/digits.h" --prefix digits --emit=header

echo "== Building $out/train from train.c"
# rpath $ORIGIN: train finds libdigits.so next to itself, wherever out is.
# shellcheck disable=SC2016  # $ORIGIN is for the linker, not the shell
"${CC:-cc}" -std=c99 -O2 -Wall -Wextra "$here/train.c" -I"$out" \
  -L"$out" -ldigits -Wl,-rpath,'$ORIGIN' -lm -o "$out/train"

echo "== Training: $out/train $out/data"
"$out/train" "$out/data"

echo "== Done. The same loop from Python (the adjoint package, NumPy):"
echo "   $python $here/train.py $out/data $out/libdigits.so"
