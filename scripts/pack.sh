#!/usr/bin/env bash
# pack.sh - replaces result files by their packed form, which every lrlab command reads
# (harness/fsutil.h, fs_read_packed): FILE.gz when that is under the limit, else parts
# FILE.1-N.gz ... FILE.N-N.gz cut at line ends, each under the limit (the count in every name
# lets a reader see a missing last part). The parts' decoded bytes,
# joined, are FILE's bytes exactly (checked before FILE is removed), so compare, report and
# verify give the same results. gzip -n -9: no name or time in the files, so the same FILE
# gives the same bytes. Kept small so that committed results stay below 2 MiB a file.
# usage: bash scripts/pack.sh FILE...          (e.g. results/paper/runs.csv results/paper/evals.csv)
set -euo pipefail
# bytes per packed file, with room to spare under 2 MiB (PACK_LIMIT: smaller, for tests)
limit=${PACK_LIMIT:-$((2 * 1024 * 1024 - 65536))}
[ $# -ge 1 ] || { echo "usage: $0 FILE..." >&2; exit 2; }
for f in "$@"; do
  [ -f "$f" ] || { echo "pack: $f: not a file (expected a result file to pack)" >&2; exit 2; }
done
for f in "$@"; do
  rm -f "$f.gz" "$f".[0-9]*-[0-9]*.gz
  size=$(gzip -n -9 -c "$f" | wc -c)
  if [ "$size" -le "$limit" ]; then
    gzip -n -9 -c "$f" > "$f.gz.tmp" && mv "$f.gz.tmp" "$f.gz"
    parts=("$f.gz")
  else
    # as many parts as the compressed size needs, with a margin for uneven compression
    n=$(( (size * 5 / 4 + limit - 1) / limit ))
    tmp=$(mktemp -d)
    split -n "l/$n" -d -a 4 "$f" "$tmp/part." # n parts of about equal size, whole lines
    parts=()
    k=0
    for p in "$tmp"/part.*; do
      k=$((k + 1))
      gzip -n -9 -c "$p" > "$f.$k-$n.gz"
      parts+=("$f.$k-$n.gz")
    done
    rm -rf "$tmp"
  fi
  for p in "${parts[@]}"; do
    [ "$(wc -c < "$p")" -le "$limit" ] || { echo "pack: $p: $(wc -c < "$p") bytes, over the limit of $limit" >&2; rm -f "${parts[@]}"; exit 1; }
  done
  cat "${parts[@]}" | gzip -dc | cmp -s - "$f" || { echo "pack: $f: the packed form does not decode to the same bytes" >&2; rm -f "${parts[@]}"; exit 1; }
  rm "$f"
  echo "pack: $f -> ${parts[*]##*/} ($(cat "${parts[@]}" | wc -c) bytes)"
done
