#!/usr/bin/env bash
# pack.sh - replaces result files by their packed form, which every lrlab command reads
# (harness/base/fsutil.h, fs_read_packed): FILE.gz when that is under the limit, else parts
# FILE.1-N.gz ... FILE.N-N.gz cut at line ends, each under the limit (the count in every name
# lets a reader see a missing last part). The parts' decoded bytes,
# joined, are FILE's bytes exactly (checked before FILE is removed), so compare, report and
# verify give the same results. gzip -n -9: no name or time in the files, so the same FILE
# gives the same bytes. Kept small so that committed results stay below 2 MiB a file.
#
# --store DIR first writes the folder's cell store, what `lrlab run --reuse DIR` takes cells
# from once the per-cell folders are gone (harness/engine/reuse.h): DIR/cells.csv, every cell file's
# rows (cells/ID.csv) prefixed by the cell's id, its kind (eval: a row of plan.csv; tune: a row
# of tuning-cells.csv) and its order there, and DIR/tuning-evals.csv, the tuning cells'
# evaluations in evals.csv's columns, and DIR/tuning-timing.csv, their wall seconds (cell,
# seconds; timing.csv has the evaluation cells'); then packs runs.csv, evals.csv, cells.csv and
# tuning-evals.csv. The per-cell folders are left: commit the packed files, plan.csv,
# tuning.csv, tuning-cells.csv, timing.csv, tuning-timing.csv, provenance.txt and the curves/ID.csv worth keeping
# (a store keeps those curves; reuse gives other cells an empty curve). A result folder is
# untrusted input: cell ids must be 16 hex digits, no file is read or written through a
# symbolic link (refused, exit 2), and every file is written beside its name and moved over it.
# usage: bash scripts/pack.sh FILE...          (e.g. results/paper/runs.csv results/paper/evals.csv)
#        bash scripts/pack.sh --store DIR
set -euo pipefail
# bytes per packed file, with room to spare under 2 MiB (PACK_LIMIT: smaller, for tests)
limit=${PACK_LIMIT:-$((2 * 1024 * 1024 - 65536))}
[ $# -ge 1 ] || { echo "usage: $0 FILE... | --store DIR" >&2; exit 2; }
file_ok() { [ -f "$1" ] && [ ! -L "$1" ]; } # a regular file, not read through a link
mode=$(printf '%o' $((0666 & ~$(umask)))) # of the files written (mktemp makes them 0600)
list='' cells_tmp='' tevals_tmp='' ttime_tmp='' gz_tmp=''
trap 'rm -f "$list" "$cells_tmp" "$tevals_tmp" "$ttime_tmp" "$gz_tmp"' EXIT
if [ "$1" = --store ]; then
  [ $# -eq 2 ] || { echo "usage: $0 --store DIR" >&2; exit 2; }
  d=$2
  for f in plan.csv runs.csv evals.csv; do
    file_ok "$d/$f" || { echo "pack: $d/$f: not a file (expected a result folder of lrlab run with its per-cell files)" >&2; exit 2; }
  done
  [ -d "$d/cells" ] && [ ! -L "$d/cells" ] || { echo "pack: $d/cells: not a folder (expected the per-cell files of lrlab run)" >&2; exit 2; }
  [ ! -L "$d/evals" ] || { echo "pack: $d/evals: a symbolic link (expected the folder of lrlab run; pack never reads through a link)" >&2; exit 2; }
  tc=$d/tuning-cells.csv
  # the folder's files are read and written under names checked here: ids of 16 hex digits,
  # no link read through, new files made beside their names (mktemp) and moved over them
  list=$(mktemp)
  cells_tmp=$(mktemp "$d/.cells.csv.XXXXXX") tevals_tmp=$(mktemp "$d/.tuning-evals.csv.XXXXXX")
  ttime_tmp=$(mktemp "$d/.tuning-timing.csv.XXXXXX")
  # the cells in order: plan.csv's (index,cell,...) then tuning-cells.csv's (cell,round,...)
  awk -F, 'NR > 1 { print $2 ",eval," $1 }' "$d/plan.csv" > "$list"
  if file_ok "$tc"; then awk -F, 'NR > 1 { print $1 ",tune," NR - 2 }' "$tc" >> "$list"; fi
  while IFS=, read -r id kind _; do
    [[ $id =~ ^[0-9a-f]{16}$ ]] || { echo "pack: $d: cell '$id' (expected an id of 16 hex digits in plan.csv and tuning-cells.csv)" >&2; exit 2; }
    file_ok "$d/cells/$id.csv" || { echo "pack: $d/cells/$id.csv: missing or a link (expected every cell complete)" >&2; exit 2; }
    [ "$kind" = eval ] || file_ok "$d/evals/$id.csv" || { echo "pack: $d/evals/$id.csv: missing or a link (expected every cell complete)" >&2; exit 2; }
  done < "$list"
  # awk gets the folder from the environment: -v would read backslashes in it as escapes
  { echo "cell,kind,order,$(head -n 1 "$d/cells/$(head -n 1 "$list" | cut -d, -f1).csv")"
    D=$d awk -F, '{ f = ENVIRON["D"] "/cells/" $1 ".csv"; n = 0
        while ((getline line < f) > 0) if (n++ > 0) print $0 "," line
        close(f) }' "$list"; } > "$cells_tmp"
  { echo "cell,task,optimizer,scheduler,seed,step,train_loss,val_loss,metric,lr"
    if file_ok "$tc"; then
      D=$d awk -F, 'NR > 1 { f = ENVIRON["D"] "/evals/" $1 ".csv"; n = 0
          while ((getline line < f) > 0) if (n++ > 0) print $1 "," $4 "," $5 "," $6 "," $NF "," line
          close(f) }' "$tc"
    fi; } > "$tevals_tmp"
  # the tuning cells' wall seconds (timing.csv has the evaluation cells'), the last line of
  # each id in the timing log, in tuning-cells.csv's order
  if file_ok "$tc" && file_ok "$d/cells/timing.log"; then
    awk -F, 'NR == FNR { if (NF == 2) s[$1] = $2; next }
             FNR == 1 { print "cell,seconds"; next }
             { print $1 "," ($1 in s ? s[$1] : "nan") }' "$d/cells/timing.log" "$tc" > "$ttime_tmp"
    chmod "$mode" "$ttime_tmp"
    mv -fT "$ttime_tmp" "$d/tuning-timing.csv"
  fi
  chmod "$mode" "$cells_tmp" "$tevals_tmp"
  mv -fT "$cells_tmp" "$d/cells.csv"
  mv -fT "$tevals_tmp" "$d/tuning-evals.csv"
  echo "pack: $d/cells.csv: $(($(wc -l < "$d/cells.csv") - 1)) rows; $d/tuning-evals.csv: $(($(wc -l < "$d/tuning-evals.csv") - 1)) rows"
  set -- "$d/runs.csv" "$d/evals.csv" "$d/cells.csv" "$d/tuning-evals.csv"
fi
for f in "$@"; do
  file_ok "$f" || { echo "pack: $f: not a file or a link (expected a result file to pack)" >&2; exit 2; }
done
for f in "$@"; do
  rm -f "$f.gz" "$f".[0-9]*-[0-9]*.gz
  size=$(gzip -n -9 -c "$f" | wc -c)
  if [ "$size" -le "$limit" ]; then
    gz_tmp=$(mktemp "$f.gz.XXXXXX")
    gzip -n -9 -c "$f" > "$gz_tmp" && chmod "$mode" "$gz_tmp" && mv -fT "$gz_tmp" "$f.gz"
    parts=("$f.gz")
  else
    # as many parts as the compressed size needs, with a margin for uneven compression;
    # one more part at a time while some part still compresses to more than the limit
    n=$(( (size * 5 / 4 + limit - 1) / limit ))
    lines=$(wc -l < "$f")
    tmp=$(mktemp -d)
    while :; do
      rm -f "$tmp"/*
      split -n "l/$n" -d -a 4 "$f" "$tmp/part." # n parts of about equal size, whole lines
      over=0
      for p in "$tmp"/part.*; do
        gzip -n -9 -c "$p" > "$p.gz"
        [ "$(wc -c < "$p.gz")" -le "$limit" ] || over=1
      done
      [ $over = 1 ] && [ "$n" -lt "$lines" ] || break
      n=$((n + 1))
    done
    parts=()
    k=0
    for p in "$tmp"/part.*[0-9]; do
      k=$((k + 1))
      mv -f "$p.gz" "$f.$k-$n.gz" && chmod "$mode" "$f.$k-$n.gz"
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
