#!/usr/bin/env bash
# perf_identity.sh - the tasks and optimizer paths that scripts/bench/RESULTS.md speeds up
# still train to the committed bytes.
#
# What: runs tests/e2e/perf_identity.lua (charlm's transformer with both inits and its mlp with
# tanh and relu, the mlp and cnn classifiers, textcls on the e-mails and on synthetic documents;
# adam, amsgrad, adamw, sgd and sgd with momentum, adagrad, two adafactors; constant and sls) in
# portable BLAS mode, under an ambient OPENBLAS_CORETYPE of SkylakeX, and compares the sha256
# of runs.csv, curves.csv and evals.csv with
# tests/expected/perf_identity/sha256, made by the binary before the speed-ups
# (scripts/golden/gen_perf_identity.sh). A difference names the file.
# usage: perf_identity.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$1 bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
cd "$src"
env -u LRLAB_BLAS OPENBLAS_CORETYPE=SkylakeX "$bin" run tests/e2e/perf_identity.lua \
  --out "$tmp/p" --quiet -j 2 > "$tmp/out" 2>&1 ||
  { cat "$tmp/out" >&2; echo "FAIL: lrlab run tests/e2e/perf_identity.lua failed" >&2; exit 1; }
if ! (cd "$tmp/p" && sha256sum --quiet -c "$src/tests/expected/perf_identity/sha256"); then
  echo "FAIL: tests/e2e/perf_identity.lua: results differ from tests/expected/perf_identity" >&2
  exit 1
fi
echo "perf_identity: runs.csv, curves.csv and evals.csv as committed"
