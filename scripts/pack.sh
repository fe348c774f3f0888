#!/usr/bin/env bash
# pack.sh - replaces result files by their packed form, which every lrlab command reads
# (harness/fsutil.h, fs_read_packed): FILE.gz when that is under the limit, else parts
# FILE.1-N.gz ... FILE.N-N.gz cut at line ends, each under the limit (the count in every name
# lets a reader see a missing last part). The parts' decoded bytes,
# joined, are FILE's bytes exactly (checked before FILE is removed), so compare, report and
# verify give the same results. gzip -n -9: no name or time in the files, so the same FILE
# gives the same bytes. Kept small so that committed results stay below 2 MiB a file.
#
# --store DIR first writes the folder's cell store, what `lrlab run --reuse DIR` takes cells
# from once the per-cell folders are gone (harness/reuse.h): DIR/cells.csv, every cell file's
# rows (cells/ID.csv) prefixed by the cell's id, its kind (eval: a row of plan.csv; tune: a row
# of tuning-cells.csv) and its order there, and DIR/tuning-evals.csv, the tuning cells'
# evaluations in evals.csv's columns, and DIR/tuning-timing.csv, their wall seconds (cell,
# seconds; timing.csv has the evaluation cells'); then packs runs.csv, evals.csv, cells.csv and
# tuning-evals.csv. The per-cell folders are left: commit the packed files, plan.csv,
# tuning.csv, tuning-cells.csv, timing.csv, tuning-timing.csv, provenance.txt and the curves/ID.csv worth keeping
# (a store keeps those curves; reuse gives other cells an empty curve).
# usage: bash scripts/pack.sh FILE...          (e.g. results/paper/runs.csv results/paper/evals.csv)
#        bash scripts/pack.sh --store DIR
set -euo pipefail
# bytes per packed file, with room to spare under 2 MiB (PACK_LIMIT: smaller, for tests)
limit=${PACK_LIMIT:-$((2 * 1024 * 1024 - 65536))}
[ $# -ge 1 ] || { echo "usage: $0 FILE... | --store DIR" >&2; exit 2; }
if [ "$1" = --store ]; then
  [ $# -eq 2 ] || { echo "usage: $0 --store DIR" >&2; exit 2; }
  d=$2
  for f in plan.csv runs.csv evals.csv; do
    [ -f "$d/$f" ] || { echo "pack: $d/$f: not a file (expected a result folder of lrlab run with its per-cell files)" >&2; exit 2; }
  done
  [ -d "$d/cells" ] || { echo "pack: $d/cells: not a folder (expected the per-cell files of lrlab run)" >&2; exit 2; }
  tc=$d/tuning-cells.csv
  # the cells in order: plan.csv's (index,cell,...) then tuning-cells.csv's (cell,round,...)
  list=$(mktemp)
  trap 'rm -f "$list" "$d/cells.csv.tmp" "$d/tuning-evals.csv.tmp"' EXIT
  awk -F, 'NR > 1 { print $2 ",eval," $1 }' "$d/plan.csv" > "$list"
  if [ -f "$tc" ]; then awk -F, 'NR > 1 { print $1 ",tune," NR - 2 }' "$tc" >> "$list"; fi
  while IFS=, read -r id _ _; do
    [ -f "$d/cells/$id.csv" ] || { echo "pack: $d/cells/$id.csv: missing (expected every cell complete)" >&2; exit 2; }
  done < "$list"
  { echo "cell,kind,order,$(head -n 1 "$d/cells/$(head -n 1 "$list" | cut -d, -f1).csv")"
    awk -F, -v d="$d" '{ f = d "/cells/" $1 ".csv"; n = 0
        while ((getline line < f) > 0) if (n++ > 0) print $0 "," line
        close(f) }' "$list"; } > "$d/cells.csv.tmp"
  { echo "cell,task,optimizer,scheduler,seed,step,train_loss,val_loss,metric,lr"
    if [ -f "$tc" ]; then
      awk -F, -v d="$d" 'NR > 1 { f = d "/evals/" $1 ".csv"; n = 0
          while ((getline line < f) > 0) if (n++ > 0) print $1 "," $4 "," $5 "," $6 "," $NF "," line
          close(f) }' "$tc"
    fi; } > "$d/tuning-evals.csv.tmp"
  # the tuning cells' wall seconds (timing.csv has the evaluation cells'), the last line of
  # each id in the timing log, in tuning-cells.csv's order
  if [ -f "$tc" ] && [ -f "$d/cells/timing.log" ]; then
    awk -F, 'NR == FNR { if (NF == 2) s[$1] = $2; next }
             FNR == 1 { print "cell,seconds"; next }
             { print $1 "," ($1 in s ? s[$1] : "nan") }' "$d/cells/timing.log" "$tc" > "$d/tuning-timing.csv"
  fi
  mv "$d/cells.csv.tmp" "$d/cells.csv"
  mv "$d/tuning-evals.csv.tmp" "$d/tuning-evals.csv"
  echo "pack: $d/cells.csv: $(($(wc -l < "$d/cells.csv") - 1)) rows; $d/tuning-evals.csv: $(($(wc -l < "$d/tuning-evals.csv") - 1)) rows"
  set -- "$d/runs.csv" "$d/evals.csv" "$d/cells.csv" "$d/tuning-evals.csv"
fi
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
