#!/usr/bin/env bash
# matrix.sh - the whole-matrix comparison: the same cells (scripts/bench/matrix.lua: the
# network tasks and synthetic problems of the first study, constant, cosine, linear and
# GreedyLR, Adam, 3 seeds: 84 cells) trained by `lrlab run -j 2` and by a PyTorch harness
# with one process per core (scripts/bench/matrix_torch.py), alternately (lrlab first in odd
# repeats), REPEATS times. Prints per repeat and as medians:
#   wall      seconds for the 84 cells, data loading, figures and comparisons included;
#             cells per second = 84 / wall
#   cell      the cells' own seconds summed (lrlab's timing.csv; the harness's per-cell
#             timer), loading excluded
# and the ratio PyTorch / lrlab of each (target: lrlab at least 10x). Then the extrapolated
# time of the first study's matrix in each (results/paper's plan.csv and tuning-cells.csv:
# its cells of these seven tasks, 13,860 in all with NMF, times each task's mean cell
# seconds here, on 2 cores), with NMF left out (not in the slice). Last, the ceiling: each
# task's FLOPs a cell (scripts/bench/flops.py on lrlab's last repeat) at the single-thread SGEMM
# rate of the Haswell kernel that lrlab's portable mode runs, and the largest ratio that allows.
# Both sides: OPENBLAS_NUM_THREADS=1, one thread per process, LRLAB_DATA (default data).
# usage: bash scripts/bench/matrix.sh [REPEATS (3)]
# About 1 minute a repeat on the project's 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-3}
bin=${LRLAB_BIN:-build/lrlab}
data=${LRLAB_DATA:-data}
py=/usr/bin/python3
[ -x "$bin" ] || { echo "matrix.sh: $bin: not built (run bash scripts/bootstrap.sh quick)" >&2; exit 2; }
$py -c 'import torch, sklearn, scipy' 2> /dev/null || {
  echo "matrix.sh: needs python3-torch, python3-sklearn, python3-scipy (apt-get install -y --no-install-recommends python3-torch python3-sklearn)" >&2
  exit 2
}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 LRLAB_DATA=$data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

lrlab_side() { # REPEAT: wall seconds and summed cell seconds into $tmp/lrlab.REPEAT
  rm -rf "$tmp/out"
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" run scripts/bench/matrix.lua --out "$tmp/out" -j 2 --quiet > /dev/null
  t1=$(date +%s.%N)
  $py - "$tmp/out" "$t0" "$t1" > "$tmp/lrlab.$1" <<'PY'
import csv, sys
out, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
plan = {r["cell"]: r["task"] for r in csv.DictReader(open(out + "/plan.csv"))}
per = {}
for r in csv.DictReader(open(out + "/timing.csv")):
    per.setdefault(plan[r["cell"]], []).append(float(r["seconds"]))
print("wall %.3f" % (t1 - t0))
print("cell %.3f" % sum(sum(v) for v in per.values()))
for t, v in per.items():  # the mean: timing.csv counts milliseconds
    print("task %s %.6f" % (t, sum(v) / len(v)))
PY
}

torch_side() {
  local t0 t1
  t0=$(date +%s.%N)
  $py scripts/bench/matrix_torch.py --data "$data" --jobs 2 --out "$tmp/torch.csv" 2> /dev/null > /dev/null
  t1=$(date +%s.%N)
  $py - "$tmp/torch.csv" "$t0" "$t1" > "$tmp/torch.$1" <<'PY'
import csv, sys
rows, t0, t1 = list(csv.DictReader(open(sys.argv[1]))), float(sys.argv[2]), float(sys.argv[3])
per = {}
for r in rows:
    per.setdefault(r["task"], []).append(float(r["seconds"]))
print("wall %.3f" % (t1 - t0))
print("cell %.3f" % sum(float(r["seconds"]) for r in rows))
for t, v in per.items():
    print("task %s %.6f" % (t, sum(v) / len(v)))
PY
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(getconf _NPROCESSORS_ONLN) cores"
echo "lrlab: $($bin --version | head -1); $($py -c 'import torch; print("torch", torch.__version__)')"
for r in $(seq 1 "$reps"); do
  if [ $((r % 2)) -eq 1 ]; then lrlab_side "$r"; torch_side "$r"; else torch_side "$r"; lrlab_side "$r"; fi
  printf 'repeat %d: lrlab wall %s s, cells %s s; PyTorch wall %s s, cells %s s\n' "$r" \
    "$(sed -n 's/^wall //p' "$tmp/lrlab.$r")" "$(sed -n 's/^cell //p' "$tmp/lrlab.$r")" \
    "$(sed -n 's/^wall //p' "$tmp/torch.$r")" "$(sed -n 's/^cell //p' "$tmp/torch.$r")"
done
# the ceiling: the FLOPs of lrlab's last repeat (scripts/bench/flops.py, counted from the
# tasks' shapes) at the single-thread SGEMM rate of the kernel lrlab ran (portable mode:
# OpenBLAS's Haswell kernel), which no implementation of these cells on one core would beat
: > "$tmp/flops"
if [ -x build/bench/bench_tasks ]; then
  OPENBLAS_CORETYPE=Haswell $py scripts/bench/flops.py "$tmp/out" > "$tmp/flops" 2> /dev/null || : > "$tmp/flops"
fi
$py - "$tmp" "$reps" <<'PY'
import csv, gzip, os, re, statistics as st, sys
tmp, reps = sys.argv[1], int(sys.argv[2])
def read(side, r):
    d = {"task": {}}
    for line in open(os.path.join(tmp, "%s.%d" % (side, r))):
        k, *v = line.split()
        if k == "task":
            d["task"][v[0]] = float(v[1])
        else:
            d[k] = float(v[0])
    return d
L = [read("lrlab", r) for r in range(1, reps + 1)]
T = [read("torch", r) for r in range(1, reps + 1)]
med = lambda xs: st.median(xs)
for key, what in (("wall", "wall, loading included"), ("cell", "the cells' own seconds")):
    lw, tw = med([x[key] for x in L]), med([x[key] for x in T])
    ratio = med([t[key] / l[key] for l, t in zip(L, T)])
    print("%-4s (%s): lrlab %.2f s (%.1f cells/s), PyTorch %.2f s (%.1f cells/s): %.1fx"
          % (key, what, lw, 84 / lw, tw, 84 / tw, ratio))
# the first study's matrix: its cells of these tasks, evaluation and tuning rounds
count = {}
for path in ("results/paper/plan.csv", "results/paper/tuning-cells.csv"):
    with open(path) as f:
        for r in csv.DictReader(f):
            count[r["task"]] = count.get(r["task"], 0) + 1
tasks = L[0]["task"].keys()
n = sum(count.get(t, 0) for t in tasks)
lt = sum(count.get(t, 0) * med([x["task"][t] for x in L]) for t in tasks) / 2
tt = sum(count.get(t, 0) * med([x["task"][t] for x in T]) for t in tasks) / 2
print("first study's matrix, its %d cells of these tasks on 2 cores (NMF's %d left out): "
      "lrlab %.1f min, PyTorch %.1f min (%.1fx)"
      % (n, sum(count.values()) - n, lt / 60, tt / 60, tt / lt))
for t in tasks:
    l, p = med([x["task"][t] for x in L]), med([x["task"][t] for x in T])
    print("  %-13s %5d cells: lrlab %8.2f ms/cell, PyTorch %8.2f ms/cell (%s)"
          % (t, count.get(t, 0), 1e3 * l, 1e3 * p,
             "%.1fx" % (p / l) if l > 0 else "lrlab under timing.csv's 1 ms"))
lines = open(os.path.join(tmp, "flops")).read().splitlines()
head = [l for l in lines if l.startswith("FLOPs of ")]
mflop = {l.split()[0]: float(l.split()[6]) for l in lines if l.split() and l.split()[0] in tasks}
if not head or set(mflop) != set(tasks):
    print("ceiling: not computed (needs build/bench/bench_tasks: cmake --build build --target "
          "bench_tasks)")
else:
    rate = float(re.search(r"SGEMM ([0-9.]+) GFLOP/s", head[0]).group(1))
    peak = {t: mflop[t] / (rate * 1e3) for t in tasks}  # seconds a cell at the SGEMM rate
    lo = 12 * sum(peak.values())  # the slice: 12 cells a task
    tc = med([x["cell"] for x in T])
    print("ceiling: every FLOP of lrlab's cells at the Haswell kernel's single-thread SGEMM rate "
          "(%.1f GFLOP/s): the cells at least %.2f s, so PyTorch / lrlab at most %.1fx on the "
          "cells" % (rate, lo, tc / lo))
    for t in tasks:
        p = med([x["task"][t] for x in T])
        print("  %-13s at the SGEMM rate %8.3f ms/cell: at most %s" % (
            t, 1e3 * peak[t], "%.1fx" % (p / peak[t]) if peak[t] > 0 else "(no FLOPs)"))
PY
