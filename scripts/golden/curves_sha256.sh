#!/usr/bin/env bash
# curves_sha256.sh - prints the sha256 of a merged curves.csv, then one line per cell: the
# sha256 of its rows (header excluded) and its id, in the file's order. Used by
# gen_quick_expected.sh and tests/quick_expected.sh.
# usage: curves_sha256.sh CURVES.CSV
set -euo pipefail
f=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "$(sha256sum < "$f" | cut -d' ' -f1)  curves.csv"
awk -F, -v d="$tmp" 'NR > 1 { if ($1 != last) { if (out) close(out); out = d "/" $1; last = $1; print $1 > (d "/order") } print > out }' "$f"
while read -r id; do
  echo "$(sha256sum < "$tmp/$id" | cut -d' ' -f1)  $id"
done < "$tmp/order"
