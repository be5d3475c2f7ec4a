#!/usr/bin/env bash
# Installs the dependencies, builds Adjoint and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/bootstrap.sh --test
cd build
ctest --output-on-failure
