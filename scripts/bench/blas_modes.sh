#!/usr/bin/env bash
# blas_modes.sh - what portable BLAS mode costs against native mode on this machine.
#
# What: the same work under OpenBLAS's portable kernel (Haswell, lrlab's default) and under
# the kernel it picks for this CPU (lrlab's --blas native), alternately, REPEATS times, CPU
# time of each process:
#   mlp      the MLP step of peers.sh (784-256-10, Fashion-MNIST, batch 128, SGD)
#   charlm   the transformer step of peers.sh (2 layers x 64, 4 heads, 16 x 64 tokens, Adam)
#   nmf      the NMF step of peers.sh (KJV 952 x 4096, rank 40, batch 16)
#   quick    lrlab run scripts/quick.lua -j 1 (216 runs; user + system CPU seconds)
# and prints per work the medians [min, max] and the median ratio portable / native.
# Why: results are made in portable mode so that any x86-64 machine gives the same bytes; a
# researcher who trades that for speed (--blas native) should know what the trade is worth.
# usage: bash scripts/bench/blas_modes.sh [REPEATS (3)]   (from anywhere; needs build/ and data)
# env: LRLAB_DATA (default data), LRLAB_BIN (default build/lrlab)
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-3}
bin=${LRLAB_BIN:-build/lrlab}
drv=build/bench/bench_tasks
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=scripts/bench/driver.sh
. scripts/bench/driver.sh
build_driver "$drv"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 LRLAB_DATA=${LRLAB_DATA:-data}
unset LRLAB_BLAS

native=unknown
one() { # MODE WORK REPEAT: CPU ms per step (or CPU s for quick) into $tmp/WORK.MODE
  local mode=$1 work=$2 ct
  if [ "$mode" = portable ]; then ct=(env OPENBLAS_CORETYPE=Haswell); else ct=(env -u OPENBLAS_CORETYPE); fi
  if [ "$work" = quick ]; then
    /usr/bin/time -f '%U %S' -o "$tmp/time" "${ct[@]}" "$bin" run scripts/quick.lua \
      --out "$tmp/q.$mode" -j 1 --fresh --quiet --blas "$mode" > /dev/null
    awk '{ print $1 + $2 }' "$tmp/time" >> "$tmp/$work.$mode"
  else
    "${ct[@]}" "$drv" "$work" > "$tmp/out" 2>&1 || { cat "$tmp/out" >&2; exit 1; }
    core=$(sed -n 's/^blas .*; core \([A-Za-z0-9]*\);.*/\1/p' "$tmp/out")
    if [ "$mode" = native ]; then native=$core
    elif [ "$core" != Haswell ]; then echo "blas_modes.sh: $work ran $core in portable mode" >&2; exit 1; fi
    awk '$1 == "cpu_ms_per_step" { print $2; exit }' "$tmp/out" >> "$tmp/$work.$mode"
  fi
}
for r in $(seq 1 "$reps"); do
  for w in mlp charlm nmf quick; do
    if [ $((r % 2)) -eq 1 ]; then one portable $w "$r"; one native $w "$r"
    else one native $w "$r"; one portable $w "$r"; fi
  done
done
same=
for f in runs.csv evals.csv; do
  cmp -s "$tmp/q.portable/$f" "$tmp/q.native/$f" && same="$same $f" || true
done

stat() { sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "%.4g [%.4g, %.4g]", m, v[1], v[NR] }'; }
echo "portable (Haswell) against native ($native) BLAS, $reps repeats alternated, CPU time, $(date -u +%F)"
echo "machine: $(getconf _NPROCESSORS_ONLN) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
  "$(sed -n 's/^blas \(OpenBLAS [0-9.]*\).*/\1/p' "$tmp/out" | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
printf '%-8s %-26s %-26s %s\n' work "portable" "native" "portable / native (median)"
for w in mlp charlm nmf quick; do
  unit=$([ $w = quick ] && echo "s" || echo "ms/step")
  ratio=$(paste "$tmp/$w.portable" "$tmp/$w.native" | awk '{ print $1 / $2 }' | sort -g |
    awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  printf '%-8s %-26s %-26s %sx\n' $w "$(stat < "$tmp/$w.portable") $unit" "$(stat < "$tmp/$w.native") $unit" "$ratio"
done
echo "quick.lua results of the two modes byte-identical:${same:- no (expected: the kernels differ)}"
