#!/usr/bin/env bash
# gen_perf_identity.sh - the reference of tests/e2e/perf_identity.lua (the tasks and optimizer
# paths the speed-ups of scripts/bench/RESULTS.md touch): the sha256 of its runs.csv,
# curves.csv and evals.csv made in portable BLAS mode, in tests/expected/perf_identity/sha256.
# Why: a speed-up must not change one bit of training; tests/perf_identity.sh runs the
# experiment again and compares. Made with the binary of the commit before the speed-ups
# (661d24c) and checked equal with the binary after them; the two textcls tasks were added
# with the binary of c032d89, before their features were cached and built faster, and so were
# the two Adafactor optimizers and Adagrad, before their updates were vectorised. Regenerate
# only when a change is meant to change results (and raise the components' versions first).
# usage: bash scripts/golden/gen_perf_identity.sh [LRLAB_BIN]   (from the repository root)
set -euo pipefail
bin=${1:-build/lrlab}
out=tests/expected/perf_identity
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
env -u LRLAB_BLAS "$bin" run tests/e2e/perf_identity.lua --out "$tmp/p" --quiet -j 2 \
  --blas portable > /dev/null
mkdir -p "$out"
(cd "$tmp/p" && sha256sum runs.csv curves.csv evals.csv) > "$out/sha256"
