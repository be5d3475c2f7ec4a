#!/usr/bin/env bash
# The README's main job: installs the dependencies and builds Adjoint, then
# takes the bundled MLP classifier through what Adjoint does today: verify
# the model, derive its gradient symbolically as adj IR, evaluate the loss,
# and check the derived gradient against finite differences.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/bootstrap.sh
bin=build/bin

echo "== The model, examples/mlp.mlir, verified by adjoint-opt"
$bin/adjoint-opt examples/mlp.mlir

echo "== Its loss and gradient, derived as adj IR (inlined and cleaned up)"
$bin/adjoint-opt examples/mlp.mlir -adj-differentiate -inline -canonicalize \
  -cse -symbol-dce | sed -n '/func.func @loss_and_gradients/,/^  }/p'

echo "== The loss on random parameters and data (seed 0, labels in [0, 10))"
$bin/adjoint-run examples/mlp.mlir --fn loss --seed 0 --int-range 0:10

echo "== The derived gradient against finite differences (reference evaluator, f64)"
$bin/adjoint-run examples/mlp.mlir --fn loss --seed 0 --int-range 0:10 --check-grad
