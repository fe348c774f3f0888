#!/usr/bin/env bash
# submit.sh - submit an lrlab experiment to Slurm: a job array of N shards and a merge job.
#
# What: checks the experiment with `lrlab run --check` here, then submits
#   1. lrlab-array.sh as --array=0-(N-1): array task i runs shard i+1 of N into OUT/shard-K-of-N
#   2. a merge job with --dependency=afterok:ARRAY that runs
#      `lrlab merge OUT OUT/shard-1-of-N ... OUT/shard-N-of-N`,
# and prints both job ids and where the merged results will be. The merged runs.csv,
# curves.csv and evals.csv are byte-identical to a single `lrlab run` of the same script.
# An experiment with a tuning stage is submitted in two phases, so that no node trains the
# whole tuning stage:
#   1. lrlab-array.sh --phase tune as --array=0-(N-1): task i trains its share of the tuning
#      stage's first round into OUT/tune-K-of-N;
#   2. a tuning join job (--dependency=afterok:1) that runs `lrlab run EXPERIMENT.lua --phase
#      tune --out OUT --reuse OUT/tune-1-of-N ...`: takes round 1 from the shards, trains any
#      later rounds (grid-edge extensions) on its own node, and writes OUT/tuning.csv,
#      tuning-cells.csv and plan.csv;
#   3. lrlab-array.sh --phase eval (afterok:2): task i trains its share of the evaluation cells
#      into OUT/shard-K-of-N, reading the tuning from OUT (--reuse OUT);
#   4. the merge job (afterok:3), as above; OUT's tuning.csv is then that of a single run too.
# Why: one command from a login node to the merged results of a matrix spread over a cluster.
# Resume: run the same command again (same OUT and N): every shard trains only what is still
# missing, and a new merge job follows.
#
# Usage: scripts/slurm/submit.sh EXPERIMENT.lua OUT N [SBATCH OPTIONS] [-- RUN OPTIONS]
#   OUT                 output folder on a filesystem every node sees (created)
#   N                   number of shards (array tasks)
#   SBATCH OPTIONS      given to both jobs after the defaults, so they win
#                       (e.g. -p long --time=12:00:00 --cpus-per-task=16 -A project)
#   RUN OPTIONS         more `lrlab run` options for every job that runs it: the check here,
#                       the tuning array, the join, the array (--cell-timeout S,
#                       --retry-failed, --seed N, --define KEY=VALUE: one arm of a study)
# Environment: LRLAB_BIN (default: build/lrlab of this repository, else lrlab on PATH),
#   LRLAB_DATA (default: ./data if it exists, else the repository's data/). Every path is
#   made absolute before submitting; the binary, the script, the data and OUT must be
#   visible at the same paths on the compute nodes.
# Logs: OUT/slurm/lrlab-ARRAYJOB_TASK.out and OUT/slurm/merge-JOB.out.
# Exit status: 0 submitted; 2 bad usage, a bad experiment or sbatch refused.
set -euo pipefail

die() {
  echo "submit: $*" >&2
  exit 2
}
usage() {
  echo "usage: scripts/slurm/submit.sh EXPERIMENT.lua OUT N [SBATCH OPTIONS] [-- RUN OPTIONS]" >&2
  exit 2
}
abspath() { # abspath PATH: PATH made absolute against the current directory (need not exist)
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$PWD/${1#./}" ;;
  esac
}

case ${1:-} in
  -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
esac
[[ $# -ge 3 ]] || usage
script=$(abspath "$1") out=$(abspath "$2") n=$3
shift 3
[[ $n =~ ^[1-9][0-9]*$ ]] || die "N: invalid value (expected a positive number of shards, got '$n')"
sbatch_opts=()
while [[ $# -gt 0 && $1 != -- ]]; do
  sbatch_opts+=("$1")
  shift
done
[[ $# -gt 0 ]] && shift
run_args=("$@")

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${LRLAB_BIN:-}
if [[ -z $bin ]]; then
  if [[ -x $repo/build/lrlab ]]; then
    bin=$repo/build/lrlab
  else
    bin=$(command -v lrlab) || die "no lrlab binary (expected LRLAB_BIN, $repo/build/lrlab or lrlab on PATH)"
  fi
fi
bin=$(abspath "$bin")
[[ -x $bin ]] || die "$bin: not an executable lrlab binary"
data=${LRLAB_DATA:-}
if [[ -z $data ]]; then
  if [[ -d data ]]; then data=data; else data=$repo/data; fi
fi
data=$(abspath "$data")
[[ -d $data ]] || die "$data: no such data folder (set LRLAB_DATA)"
[[ -r $script ]] || die "$script: cannot read the experiment"
command -v sbatch > /dev/null || die "sbatch not found (run this on a Slurm login node)"

# the script and its data are checked before anything is queued
check=$(LRLAB_DATA=$data "$bin" run "$script" --check "${run_args[@]}" 2>&1) \
  || { printf '%s\n' "$check" >&2; die "$script: the experiment does not check; nothing submitted"; }
name=$(printf '%s\n' "$check" | sed -n 's/^experiment \([^ ]*\) .*/\1/p' | head -n 1)
cells=$(printf '%s\n' "$check" | sed -n 's/^cells: \([0-9]*\) .*/\1/p' | head -n 1)
if [[ -n $cells && $n -gt $cells ]]; then
  echo "submit: warning: $n shards for $cells cells: $((n - cells)) shard(s) will have nothing to train" >&2
fi

mkdir -p "$out/slurm"
# sbatch reads --output as a pattern (%j: the job id; %% a %), except a name holding a
# backslash, which it takes as it is: a % of OUT itself is doubled
logs=$out/slurm
[[ $logs == *\\* ]] || logs=${logs//%/%%}
jobid() { # jobid OUTPUT: the id in sbatch --parsable's "ID" or "ID;CLUSTER"
  local id=${1%%;*}
  [[ $id =~ ^[0-9]+$ ]] || die "sbatch: unexpected answer '$1'"
  printf '%s\n' "$id"
}

# with a tuning stage: the tuning shards and the tuning join job first
tuned=0
printf '%s\n' "$check" | grep -q '^tuning: ' && tuned=1
after=()
phase=all
if [[ $tuned -eq 1 ]]; then
  tune_array=$(sbatch --parsable --array="0-$((n - 1))" --job-name="lrlab-${name:-array}-tune" \
    --output="$logs/tune-%A_%a.out" "${sbatch_opts[@]}" \
    "$here/lrlab-array.sh" --phase tune --bin "$bin" --data "$data" --shards "$n" "$script" \
    "$out" -- "${run_args[@]}") || die "sbatch refused the tuning array job; nothing submitted"
  tune_array=$(jobid "$tune_array")
  join_cmd=("$bin" run "$script" --phase tune --out "$out")
  for k in $(seq 1 "$n"); do join_cmd+=(--reuse "$out/tune-$k-of-$n"); done
  join_cmd_q=$(printf '%q ' "${join_cmd[@]}" "${run_args[@]}")
  printf -v q_data '%q' "$data"
  tune_join=$(sbatch --parsable --dependency="afterok:$tune_array" --kill-on-invalid-dep=yes \
    --job-name="lrlab-${name:-array}-tune-join" --nodes=1 --ntasks=1 \
    --output="$logs/tune-join-%j.out" "${sbatch_opts[@]}" <<JOIN
#!/usr/bin/env bash
# lrlab tuning join: the $n tuning shards of array job $tune_array, then the later rounds
set -euo pipefail
export LRLAB_DATA=$q_data
exec $join_cmd_q -j "\${SLURM_CPUS_PER_TASK:-1}"
JOIN
) || die "sbatch refused the tuning join job; the tuning array $tune_array is queued"
  tune_join=$(jobid "$tune_join")
  after=(--dependency="afterok:$tune_join" --kill-on-invalid-dep=yes)
  phase=eval
fi

array=$(sbatch --parsable --array="0-$((n - 1))" --job-name="lrlab-${name:-array}" \
  --output="$logs/lrlab-%A_%a.out" "${after[@]}" "${sbatch_opts[@]}" \
  "$here/lrlab-array.sh" --phase "$phase" --bin "$bin" --data "$data" --shards "$n" "$script" \
  "$out" -- "${run_args[@]}") || die "sbatch refused the array job; nothing submitted"
array=$(jobid "$array")

# the merge job's script, given to sbatch on stdin; the shard folders are listed, not
# globbed, so a missing shard is named and a stale folder of another N is never merged
dirs=()
for k in $(seq 1 "$n"); do dirs+=("$out/shard-$k-of-$n"); done
merge_cmd=$(printf '%q ' "$bin" merge "$out" "${dirs[@]}")
printf -v q_out '%q' "$out"
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --job-name="lrlab-${name:-array}-merge" --nodes=1 --ntasks=1 --cpus-per-task=1 \
  --output="$logs/merge-%j.out" "${sbatch_opts[@]}" <<MERGE
#!/usr/bin/env bash
# lrlab merge job: joins the $n shards of array job $array (submitted by submit.sh)
set -euo pipefail
echo "lrlab merge on \$(hostname -s):" $q_out
exec $merge_cmd
MERGE
) || die "sbatch refused the merge job; the array $array is queued: merge by hand when it is done (lrlab merge $out $out/shard-*-of-$n)"
merge=$(jobid "$merge")

echo "submit: ${name:-experiment}: ${cells:-?} cells in $n shards"
if [[ $tuned -eq 1 ]]; then
  echo "submit: tuning array job $tune_array: tasks 0-$((n - 1)) train round 1 of the tuning stage into $out/tune-K-of-$n"
  echo "submit: tuning join job $tune_join: after every tuning task succeeded (afterok:$tune_array): $out/tuning.csv, plan.csv"
fi
echo "submit: array job $array: tasks 0-$((n - 1)) run shards 1-$n of $n into $out/shard-K-of-$n$([[ $tuned -eq 1 ]] && echo " (evaluation cells, after the tuning join: afterok:$tune_join)")"
echo "submit: merge job $merge: after every array task succeeded (afterok:$array)"
echo "submit: merged results: $out/runs.csv, curves.csv, evals.csv, comparisons.csv, figures/"
echo "submit: logs: $out/slurm/; watch: squeue -j $([[ $tuned -eq 1 ]] && echo "$tune_array,$tune_join,")$array,$merge"
echo "submit: after a failure or a time limit, the same command resumes every shard"
