#!/usr/bin/env bash
# peers.sh - lrlab against PyTorch, numpy and scikit-learn on the same work, one thread each
# side. Measures, per benchmark, time per training step (CPU time of the process,
# and wall time), the ratio peer / lrlab (how many times faster lrlab is), peak memory:
#   mlp     784-256-10 MLP on Fashion-MNIST, batch 128, SGD, one epoch (429 steps) per block,
#           lrlab against PyTorch from the same initial parameters on the same batches; and
#           the step's achieved GFLOP/s against the single-thread SGEMM rate (2048^2) measured
#           in the same process (target: lrlab <= 1.0x PyTorch's time, >= 85% of SGEMM)
#   gemms   that step's GEMMs alone (lrlab only): how close the GEMMs themselves come
#   digits  64-32-10 MLP on the 8x8 digits, batch 32, per-operation overhead (target >= 10x)
#   charlm  the charlm transformer, 2 layers, 64 wide, 4 heads, 16 x 64 tokens, Adam
#           (target >= 2x)
#   cnn*    the cnn task as scripts/paper.lua's cnn-fashion (conv 4, conv 8, fc 32; cnn32 at
#           batch 32, cnn128 at batch 128) and 4x as wide (conv 16, conv 32, fc 128; cnnx4-32,
#           cnnx4-128), SGD lr 0.02, 105 steps, against PyTorch (nn.Conv2d, NCHW) from the same
#           initial parameters on the same batches (target: lrlab >= 1.5x)
#   nmf     an NMF epoch (KJV chapters x 4096 words, rank 40, batch 16, projected SGD) against
#           the same update in numpy; scikit-learn's NMF (400 x 4096, rank 40, 200 iterations
#           of coordinate descent) as a reference point
#   quick   `lrlab run scripts/quick.lua` wall time and peak memory with -j 1 and -j 2
#           (targets: under 2 minutes, under 300 MB per worker)
# Each benchmark runs in its own processes, lrlab and peer alternately (lrlab first in odd
# repeats, the peer first in even ones), REPEATS times; it prints medians over repeats with
# [min, max], and the median of the per-repeat ratios (the two sides measured a few seconds
# apart, so a busy moment hits both). The primary figure is CPU time: on a shared machine
# it leaves out the time another process held the core; wall times are printed beside it.
# Mean training losses of both sides are printed as a check that they did the same work
# (mlp, digits, cnn, nmf start from the same parameters on the same batches).
# Prints the BLAS kernel each side ran (OPENBLAS_CORETYPE is left as the machine sets it)
# and the thread counts: OPENBLAS_NUM_THREADS=1 and OMP_NUM_THREADS=1 for every process,
# torch.set_num_threads(1).
# Builds scripts/bench/bench_tasks.c (CMake target bench_tasks, the harness's library)
# (build/bench/bench_tasks). Installs the peers when missing (as root; otherwise prints the
# apt-get line and exits 2): python3-torch, python3-numpy, python3-sklearn, run with
# /usr/bin/python3. The 8x8 digits come from python3-sklearn's digits.csv.gz.
# usage: bash scripts/bench/peers.sh [REPEATS (5)] [QUICK_REPEATS (2), 0 skips quick.lua]
# About 15 minutes with the defaults on the project's 2-core machine.
# env: LRLAB_DATA (default data), LRLAB_BIN (default build/lrlab)
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-5}
qreps=${2:-2}
py=/usr/bin/python3
bin=${LRLAB_BIN:-build/lrlab}
data=${LRLAB_DATA:-data}
drv=build/bench/bench_tasks
peers="python3-torch python3-numpy python3-sklearn"
digits_gz=/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- prerequisites ----
if [ ! -x "$bin" ]; then
  echo "peers.sh: $bin: not built (run bash scripts/bootstrap.sh quick)" >&2
  exit 2
fi
for f in fashion-mnist/train-images-idx3-ubyte.gz kjv/kjv_ref.txt; do
  if [ ! -f "$data/$f" ]; then
    echo "peers.sh: $data/$f: missing (bash scripts/fetch-data.sh all)" >&2
    exit 2
  fi
done
if ! $py -c 'import torch, numpy, sklearn' 2> /dev/null; then
  line="apt-get install -y --no-install-recommends $peers"
  if [ "$(id -u)" -ne 0 ]; then
    echo "peers.sh: the peers are missing; as root run: $line" >&2
    exit 2
  fi
  echo "peers.sh: installing the peers: $line"
  DEBIAN_FRONTEND=noninteractive $line > "$tmp/apt.log" 2>&1 ||
    { apt-get update > /dev/null && DEBIAN_FRONTEND=noninteractive $line > "$tmp/apt.log" 2>&1; } ||
    { cat "$tmp/apt.log" >&2; echo "peers.sh: $line failed" >&2; exit 1; }
fi
zcat "$digits_gz" > "$tmp/digits.csv"

# ---- the driver, with the compile flags and libraries of CMake's own targets ----
# shellcheck source=scripts/bench/driver.sh
. scripts/bench/driver.sh
build_driver "$drv"

export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 LRLAB_DATA="$data"
dump="$tmp/dump"
mkdir -p "$dump" "$tmp/out"

# ---- benchmarks: NAME LRLAB-COMMAND PEER-COMMAND (the peer reads what lrlab dumped) ----
lrlab_cmd() {
  case $1 in
    mlp) $drv mlp --dump "$dump" ;;
    digits) $drv digits --digits "$tmp/digits.csv" --dump "$dump" ;;
    charlm) $drv charlm ;;
    nmf) $drv nmf --dump "$dump" ;;
    gemms) $drv gemms ;;
    cnn32) $drv cnn --batch 32 --dump "$dump" ;;
    cnn128) $drv cnn --batch 128 --dump "$dump" ;;
    cnnx4-32) $drv cnn --widen 4 --batch 32 --dump "$dump" ;;
    cnnx4-128) $drv cnn --widen 4 --batch 128 --dump "$dump" ;;
  esac
}
peer_cmd() {
  case $1 in
    mlp) $py scripts/bench/peer_torch.py mlp --data "$data" --dump "$dump" ;;
    digits) $py scripts/bench/peer_torch.py digits --digits "$tmp/digits.csv" --dump "$dump" ;;
    charlm) $py scripts/bench/peer_torch.py charlm --data "$data" ;;
    nmf) $py scripts/bench/peer_nmf.py numpy --dump "$dump" ;;
    sklearn) $py scripts/bench/peer_nmf.py sklearn --dump "$dump" --blocks 1 ;;
    cnn32) $py scripts/bench/peer_torch.py cnn --data "$data" --batch 32 --dump "$dump" ;;
    cnn128) $py scripts/bench/peer_torch.py cnn --data "$data" --batch 128 --dump "$dump" ;;
    cnnx4-32) $py scripts/bench/peer_torch.py cnn --data "$data" --widen 4 --batch 32 \
      --dump "$dump" ;;
    cnnx4-128) $py scripts/bench/peer_torch.py cnn --data "$data" --widen 4 --batch 128 \
      --dump "$dump" ;;
  esac
}
run() { # run SIDE NAME REPEAT
  local out="$tmp/out/$2.$1.$3"
  if ! { if [ "$1" = lrlab ]; then lrlab_cmd "$2"; else peer_cmd "$2"; fi; } \
    > "$out" 2> "$out.err"; then
    cat "$out" "$out.err" >&2
    echo "peers.sh: $2 ($1) failed" >&2
    exit 1
  fi
}
# lrlab runs first in repeat 1 and writes the files its peer reads (every run rewrites them).
for r in $(seq 1 "$reps"); do
  for b in mlp digits charlm nmf cnn32 cnn128 cnnx4-32 cnnx4-128; do
    if [ $((r % 2)) -eq 1 ]; then
      run lrlab $b "$r" && run peer $b "$r"
    else
      run peer $b "$r" && run lrlab $b "$r"
    fi
  done
  run lrlab gemms "$r"
  run peer sklearn "$r"
done

# ---- quick.lua ----
if [ "$qreps" -gt 0 ]; then
  for r in $(seq 1 "$qreps"); do
    for j in 1 2; do
      /usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" run scripts/quick.lua --out "$tmp/quick$j" \
        -j $j --fresh --quiet > /dev/null
      cat "$tmp/time" >> "$tmp/quick.j$j"
    done
  done
fi

# ---- report ----
val() { awk -v k="$1" '$1 == k { print $2; exit }' "$2"; }
series() { for r in $(seq 1 "$reps"); do val "$1" "$tmp/out/$2.$3.$r"; done; } # KEY NAME SIDE
stat() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) { print "n/a"; exit }
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "%.4g [%.4g, %.4g]\n", m, v[1], v[NR] }'; }
med() { stat | cut -d' ' -f1; }
ratios() { # KEY NAME: peer / lrlab per repeat
  for r in $(seq 1 "$reps"); do
    awk -v a="$(val "$1" "$tmp/out/$2.peer.$r")" -v b="$(val "$1" "$tmp/out/$2.lrlab.$r")" \
      'BEGIN { printf "%.4f\n", a / b }'
  done
}
verdict() { awk -v x="$1" -v t="$2" 'BEGIN { print (x >= t) ? "met" : "NOT met" }'; }
below() { awk -v x="$1" -v t="$2" 'BEGIN { print (x < t) ? "met" : "NOT met" }'; }

echo "lrlab against its peers, $reps repeats each (median [min, max] over repeats), $(date -u +%F)"
echo "machine: $(getconf _NPROCESSORS_ONLN) cores," \
  "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
  "Linux $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "OPENBLAS_CORETYPE: ${OPENBLAS_CORETYPE:-unset (OpenBLAS chose the kernel for this CPU)}"
echo "threads: OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS OMP_NUM_THREADS=$OMP_NUM_THREADS;" \
  "torch.set_num_threads(1)"
echo "  lrlab: $(awk '$1 == "blas" { $1 = ""; print substr($0, 2); exit }' "$tmp/out/mlp.lrlab.1")"
echo "  torch: $(awk '$1 == "blas" { $1 = ""; print substr($0, 2); exit }' "$tmp/out/mlp.peer.1")"
echo "  numpy: $(awk '$1 == "blas" { $1 = ""; print substr($0, 2); exit }' "$tmp/out/nmf.peer.1")"
echo
printf '%-10s %-22s %-22s %-22s %-18s %s\n' bench "lrlab ms/step (CPU)" "peer ms/step (CPU)" \
  "peer/lrlab (CPU)" "target" "wall: lrlab, peer, ratio"
for b in mlp digits charlm nmf cnn32 cnn128 cnnx4-32 cnnx4-128; do
  case $b in mlp) t=1.0 ;; digits) t=10 ;; charlm) t=2 ;; nmf) t= ;; cnn*) t=1.5 ;; esac
  rc=$(ratios cpu_ms_per_step $b | stat)
  v=$([ -n "$t" ] && echo ">= ${t}x: $(verdict "${rc%% *}" "$t")" || echo "(none)")
  printf '%-10s %-22s %-22s %-22s %-18s %s, %s, %s\n' $b \
    "$(series cpu_ms_per_step $b lrlab | stat)" \
    "$(series cpu_ms_per_step $b peer | stat)" "$rc" "$v" \
    "$(series ms_per_step $b lrlab | med)" "$(series ms_per_step $b peer | med)" \
    "$(ratios ms_per_step $b | med)"
done
echo
echo "GEMM-bound MLP step (784-256-10, batch 128; FLOPs of its GEMMs, no input gradient):"
echo "  lrlab $(series gflops mlp lrlab | stat) GFLOP/s; SGEMM 2048^2 in the same process" \
  "$(series sgemm_gflops mlp lrlab | stat) GFLOP/s"
fr=$(series fraction_of_sgemm mlp lrlab | stat)
echo "  fraction of SGEMM: $fr (target >= 0.85: $(verdict "${fr%% *}" 0.85))"
echo "  PyTorch $(series gflops mlp peer | stat) GFLOP/s"
echo "  the GEMMs alone: $(series cpu_ms_per_step gemms lrlab | stat) ms," \
  "$(series gflops gemms lrlab | stat) GFLOP/s"
echo
echo "scikit-learn NMF, 400 x 4096, rank 40, 200 iterations:" \
  "$(series cpu_s_per_fit sklearn peer | stat) s CPU," \
  "$(series s_per_fit sklearn peer | med) s wall," \
  "relative error $(val rel_error "$tmp/out/sklearn.peer.1")"
echo "lrlab NMF epoch (59 steps): $(series cpu_ms_per_step nmf lrlab | med) ms/step," \
  "$(series cpu_ms_per_step nmf lrlab | med | awk '{ printf "%.3g", $1 * 59 / 1000 }') s CPU"
echo
echo "same work (mean training loss of the timed steps, repeat 1): lrlab / peer"
for b in mlp digits nmf cnn32 cnn128 cnnx4-32 cnnx4-128 charlm; do
  echo "  $b: $(val loss_mean "$tmp/out/$b.lrlab.1") / $(val loss_mean "$tmp/out/$b.peer.1")"
done
echo "peak memory (MB, max RSS): lrlab / peer"
for b in mlp digits charlm nmf cnn32 cnn128 cnnx4-32 cnnx4-128; do
  echo "  $b: $(series peak_rss_mb $b lrlab | med) / $(series peak_rss_mb $b peer | med)"
done
if [ "$qreps" -gt 0 ]; then
  echo
  echo "scripts/quick.lua ($qreps repeats, /usr/bin/time -f '%e %M'; the max RSS is that of the"
  echo "largest single process: the runner or one worker):"
  for j in 1 2; do
    w=$(cut -d' ' -f1 "$tmp/quick.j$j" | stat)
    m=$(cut -d' ' -f2 "$tmp/quick.j$j" | awk '{ printf "%.1f\n", $1 / 1024 }' | stat)
    echo "  -j $j: wall $w s (target < 120 s: $(below "${w%% *}" 120));" \
      "peak memory $m MB (target < 300 MB: $(below "${m%% *}" 300))"
  done
fi
if [ -f scripts/paper.lua ]; then
  echo "scripts/paper.lua: not timed here (target < 60 min; run it with /usr/bin/time)"
else
  echo "scripts/paper.lua: not in this tree; its 60-minute target is not measured"
fi
