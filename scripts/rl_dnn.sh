#!/usr/bin/env bash
# rl_dnn.sh - the learned schedule with the DNN paper's state and reward, end to end
# (Subramanian et al., ICLR 2023 tiny paper; paper/protocol.md section 7):
#   1. trains results/policies/dnn.policy (scripts/policy_dnn.lua): resumed where an earlier
#      call stopped, nothing trained when it is complete;
#   2. runs scripts/eval_rl_dnn.lua and scripts/grid_rl_dnn.lua (cells already in their
#      folders are kept);
#   3. prints the learned schedule against step decay, cosine annealing and the tuned constant
#      rate (scripts/rl_tables.sh), against the best rate of the equal-cost grid
#      (scripts/rl_vs_grid.sh), and the training cost beside the gain: episodes, SGD steps,
#      and the wall and CPU seconds of training. lrlab train-policy records no time (its
#      files are the same bytes on every run), so this script appends one row per call that
#      trained to results/policies/dnn-training.csv and adds them up.
# usage: bash scripts/rl_dnn.sh [-j N]   from the source folder; N workers for the two
#        experiments (default 2); LRLAB_BIN names the binary (default ./build/lrlab)
set -euo pipefail
bin=${LRLAB_BIN:-./build/lrlab}
jobs=2
if [ $# -eq 2 ] && [ "$1" = -j ] && [[ $2 =~ ^[1-9][0-9]*$ ]]; then
  jobs=$2
elif [ $# -ne 0 ]; then
  echo "usage: $0 [-j N] (N a positive number of workers, got: $*)" >&2
  exit 2
fi
script=scripts/policy_dnn.lua pol=results/policies/dnn.policy log=results/policies/dnn-training.csv
for f in "$script" scripts/eval_rl_dnn.lua scripts/grid_rl_dnn.lua scripts/rl_tables.sh \
         scripts/rl_vs_grid.sh; do
  [ -f "$f" ] || { echo "$0: $f: missing (expected to run from lrlab's source folder)" >&2; exit 2; }
done
[ -x "$bin" ] || { echo "$0: $bin: not an executable (expected lrlab; set LRLAB_BIN)" >&2; exit 2; }
# the training's shape, from its script: episodes, episodes per update (the normalization
# probe runs one batch more), steps per episode
shape=$(grep -o 'episodes = [0-9]*, batch = [0-9]*, steps = [0-9]*' "$script" | head -1)
read -r episodes batch steps < <(echo "$shape" | tr -dc '0-9 ' | awk '{ print $1, $2, $3 }')
if [ -z "${steps:-}" ]; then
  echo "$0: $script: no line 'episodes = E, batch = B, steps = S' (expected the training's shape)" >&2
  exit 2
fi
done_episodes() { # episodes the policy file says were trained, 0 without one
  if [ -f "$pol" ]; then awk '$1 == "training_episodes" { print $2 }' "$pol"; else echo 0; fi
}

# ---- 1. training ----
before=$(done_episodes)
if [ "$before" -lt "$episodes" ]; then
  echo "training $pol: episodes $before to $episodes"
  times=$(mktemp)
  trap 'rm -f "$times"' EXIT
  TIMEFORMAT='%R %U %S' # train-policy's messages go to stderr (fd 3), the times to a file
  { time "$bin" train-policy "$script" --resume > /dev/null 2>&3; } 3>&2 2> "$times"
  read -r wall user sys < "$times"
  [ -f "$log" ] || echo "date,episodes_before,episodes_after,wall_seconds,cpu_seconds" > "$log"
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$before,$(done_episodes),$wall,$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" >> "$log"
fi

# ---- 2. the experiments ----
"$bin" run scripts/eval_rl_dnn.lua -j "$jobs" --quiet
"$bin" run scripts/grid_rl_dnn.lua -j "$jobs" --quiet

# ---- 3. the comparison and the cost ----
echo
echo "Final validation loss, mean over seeds 1 to 10 (in parentheses: on how many the learned schedule was lower):"
bash scripts/rl_tables.sh results/eval_rl_dnn val_loss
echo
echo "Against the best constant rate of the equal-cost grid:"
bash scripts/rl_vs_grid.sh results/grid_rl_dnn results/eval_rl_dnn | tee results/grid_rl_dnn/rl_vs_grid.md
echo
trained=$(done_episodes)
grid=$(awk -F'|' 'NR == 3 { gsub(/ /, "", $5); print $5 }' results/grid_rl_dnn/rl_vs_grid.md)
awk -F, -v e="$trained" -v b="$batch" -v s="$steps" -v grid="$grid" -v logf="$log" '
  FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  FILENAME == logf { wall += $col["wall_seconds"]; cpu += $col["cpu_seconds"]; rows++; next }
  $col["stage"] != 100 || $col["seed"] < 1 || $col["seed"] > 10 { next }
  {
    k = $col["scheduler"]; n[k]++
    if ($col["status"] == "ok") sum[k] += $col["val_loss"]; else bad[k]++
  }
  function mean(k) { return bad[k] ? bad[k] " diverged" : sprintf("%.4f", sum[k] / n[k]) }
  function gain(name, v) {
    printf "; %s %s", name, v
    if (!bad["rl"] && v ~ /^[0-9.]+$/) printf " (rl - it = %+.4f)", sum["rl"] / n["rl"] - v
  }
  END {
    t = rows ? sprintf("%.0f s of wall time, %.0f s of CPU (%s)", wall, cpu, logf) \
             : "its time was not recorded (no " logf ")"
    printf "training cost: %d episodes (and %d for the input normalization) of %d SGD steps, " \
           "%d steps in all; %s\n", e, b, s, (e + b) * s, t
    printf "gain (mean final validation loss, seeds 1 to 10, lower is better): rl %s", mean("rl")
    split("cosine step constant", ks, " ")
    for (i = 1; i <= 3; i++) if (ks[i] in n) gain(ks[i], mean(ks[i]))
    if (grid != "") gain("the equal-cost grid'"'"'s best constant rate", grid)
    printf "\n"
  }' $([ -f "$log" ] && echo "$log") results/eval_rl_dnn/runs.csv
