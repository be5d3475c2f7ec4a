#!/usr/bin/env bash
# The README's main job: installs the dependencies and builds Adjoint, shows
# what it does to the bundled MLP classifier (its gradient derived as adj IR,
# checked against finite differences), then compiles the model into a shared
# library and trains it from C on scikit-learn's digits.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/bootstrap.sh
bin=build/bin

echo "== The loss and gradient of examples/mlp.mlir, derived as adj IR"
$bin/adjoint-opt examples/mlp.mlir -adj-differentiate -inline -canonicalize \
  -cse -symbol-dce | sed -n '/func.func @loss_and_gradients/,/^  }/p'

echo "== The derived gradient against finite differences (reference evaluator, f64)"
$bin/adjoint-run examples/mlp.mlir --fn loss --seed 0 --int-range 0:10 --check-grad

echo "== Compile the model to a shared library and train it on the digits"
bash examples/digits/run.sh build
