#!/usr/bin/env bash
# submit.sh - submit an lrlab experiment to Slurm: a job array of N shards and a merge job.
#
# What: checks the experiment with `lrlab run --check` here, then submits
#   1. lrlab-array.sh as --array=0-(N-1): array task i runs shard i+1 of N into OUT/shard-K-of-N
#   2. a merge job with --dependency=afterok:ARRAY that runs
#      `lrlab merge OUT OUT/shard-1-of-N ... OUT/shard-N-of-N`,
# and prints both job ids and where the merged results will be. The merged runs.csv,
# curves.csv and evals.csv are byte-identical to a single `lrlab run` of the same script.
# Why: one command from a login node to the merged results of a matrix spread over a cluster.
# Resume: run the same command again (same OUT and N): every shard trains only what is still
# missing, and a new merge job follows.
#
# Usage: scripts/slurm/submit.sh EXPERIMENT.lua OUT N [SBATCH OPTIONS] [-- RUN OPTIONS]
#   OUT                 output folder on a filesystem every node sees (created)
#   N                   number of shards (array tasks)
#   SBATCH OPTIONS      given to both jobs after the defaults, so they win
#                       (e.g. -p long --time=12:00:00 --cpus-per-task=16 -A project)
#   RUN OPTIONS         more `lrlab run` options for every shard (--cell-timeout S,
#                       --retry-failed, --seed N)
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
jobid() { # jobid OUTPUT: the id in sbatch --parsable's "ID" or "ID;CLUSTER"
  local id=${1%%;*}
  [[ $id =~ ^[0-9]+$ ]] || die "sbatch: unexpected answer '$1'"
  printf '%s\n' "$id"
}

array=$(sbatch --parsable --array="0-$((n - 1))" --job-name="lrlab-${name:-array}" \
  --output="$out/slurm/lrlab-%A_%a.out" "${sbatch_opts[@]}" \
  "$here/lrlab-array.sh" --bin "$bin" --data "$data" --shards "$n" "$script" "$out" \
  -- "${run_args[@]}") || die "sbatch refused the array job; nothing submitted"
array=$(jobid "$array")

# the merge job's script, given to sbatch on stdin; the shard folders are listed, not
# globbed, so a missing shard is named and a stale folder of another N is never merged
dirs=()
for k in $(seq 1 "$n"); do dirs+=("$out/shard-$k-of-$n"); done
merge_cmd=$(printf '%q ' "$bin" merge "$out" "${dirs[@]}")
printf -v q_out '%q' "$out"
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --job-name="lrlab-${name:-array}-merge" --nodes=1 --ntasks=1 --cpus-per-task=1 \
  --output="$out/slurm/merge-%j.out" "${sbatch_opts[@]}" <<MERGE
#!/usr/bin/env bash
# lrlab merge job: joins the $n shards of array job $array (submitted by submit.sh)
set -euo pipefail
echo "lrlab merge on \$(hostname -s):" $q_out
exec $merge_cmd
MERGE
) || die "sbatch refused the merge job; the array $array is queued: merge by hand when it is done (lrlab merge $out $out/shard-*-of-$n)"
merge=$(jobid "$merge")

echo "submit: ${name:-experiment}: ${cells:-?} cells in $n shards"
echo "submit: array job $array: tasks 0-$((n - 1)) run shards 1-$n of $n into $out/shard-K-of-$n"
echo "submit: merge job $merge: after every array task succeeded (afterok:$array)"
echo "submit: merged results: $out/runs.csv, curves.csv, evals.csv, comparisons.csv, figures/"
echo "submit: logs: $out/slurm/; watch: squeue -j $array,$merge"
echo "submit: after a failure or a time limit, the same command resumes every shard"
