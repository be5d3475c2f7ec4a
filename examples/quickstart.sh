#!/usr/bin/env bash
# The README's main job: installs the dependencies, builds Adjoint, then shows
# the bundled MLP classifier's IR and evaluates its loss on random inputs with
# the reference evaluator.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/bootstrap.sh

echo "== the model: examples/mlp.mlir, as adjoint-opt reads and verifies it"
build/bin/adjoint-opt examples/mlp.mlir

echo "== its loss on random parameters and data (seed 0, labels in [0, 10))"
build/bin/adjoint-run examples/mlp.mlir --fn loss --seed 0 --int-range 0:10
