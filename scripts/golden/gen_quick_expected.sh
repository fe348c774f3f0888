#!/usr/bin/env bash
# gen_quick_expected.sh - the committed reference of the default experiment, for checks across
# machines: tests/expected/quick/ holds scripts/quick.lua's runs.csv and evals.csv as made in
# portable BLAS mode, and curves.sha256 (the sha256 of curves.csv, then of each cell's curve
# rows, so that a difference names its cells; curves.csv itself is 16 MB), and versions.txt
# (lrlab list --versions: the version of each task, optimizer and scheduler it uses).
# Why: the same plan gives the same bytes on any x86-64 machine; tests/quick_expected.sh runs
# the experiment again and compares. Regenerate only when a change of lrlab's arithmetic is
# meant to change results, and say so in the commit; a change of a component's arithmetic first
# raises that component's version (its definition's .version), which versions.txt records.
# usage: bash scripts/golden/gen_quick_expected.sh [LRLAB_BIN]   (from the repository root)
set -euo pipefail
bin=${1:-build/lrlab}
out=tests/expected/quick
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
env -u LRLAB_BLAS "$bin" run scripts/quick.lua --out "$tmp/q" --quiet --blas portable > /dev/null
mkdir -p "$out"
cp "$tmp/q/runs.csv" "$tmp/q/evals.csv" "$out/"
bash "$(dirname "$0")/curves_sha256.sh" "$tmp/q/curves.csv" > "$out/curves.sha256"
grep -E '^(blas_mode|blas_kernel|blas|cpu|lua|libcsv|glibc|lrlab_version|git_commit):' \
  "$tmp/q/provenance.txt" > "$out/provenance.txt"
"$bin" list --versions scripts/quick.lua > "$out/versions.txt"
echo "wrote $out: runs.csv evals.csv curves.sha256 versions.txt provenance.txt (what made them)"
