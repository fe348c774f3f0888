#!/usr/bin/env bash
# lrlab-array.sh - a Slurm job array that runs an lrlab experiment, one shard per array task.
#
# What: array task i runs `lrlab run EXPERIMENT.lua --shard K/N --out OUT/shard-K-of-N
# -j $SLURM_CPUS_PER_TASK`, where
#   i = SLURM_ARRAY_TASK_ID     0-based, the array is submitted as --array=0-(N-1)
#   K = i + 1                   1-based, as `lrlab run --shard K/N` counts
#   N = SLURM_ARRAY_TASK_COUNT  or --shards N / LRLAB_SHARDS (needed when only some tasks of
#                               the array are resubmitted, e.g. --array=1,3)
# Shard K trains the cells whose plan index % N == K-1; `lrlab merge OUT OUT/shard-*-of-N`
# then joins the shards into the same bytes one `lrlab run` would write.
# With a tuning stage, submit.sh runs the array twice: --phase tune (task i trains its share
# of the tuning stage's first round into OUT/tune-K-of-N: `lrlab run --phase tune --shard
# K/N`), then, once a join job has made OUT's tuning, --phase eval (task i trains its share of
# the evaluation cells into OUT/shard-K-of-N, reading the tuning from OUT: `lrlab run --phase
# eval --shard K/N --reuse OUT`).
# Why: a matrix of cells spread over a cluster with nothing but Slurm, a shared filesystem and
# the same binary. lrlab resumes by default, so submitting the same array again after a
# failure, a time limit or a cancelled job trains only the cells still missing in each shard.
# submit.sh submits this array and the dependent merge job in one command.
#
# Usage: sbatch --array=0-(N-1) [SBATCH OPTIONS] lrlab-array.sh [--bin LRLAB_BIN]
#               [--data LRLAB_DATA] [--shards N] [EXPERIMENT.lua [OUT]] [-- RUN OPTIONS]
#   EXPERIMENT.lua, OUT   the script and the output folder (or LRLAB_SCRIPT, LRLAB_OUT);
#                         both on a filesystem every node sees
#   --bin                 lrlab binary (or LRLAB_BIN; default $SLURM_SUBMIT_DIR/build/lrlab
#                         if present, else lrlab on PATH)
#   --data                data folder (or LRLAB_DATA; default lrlab's own: ./data in the
#                         submit directory)
#   --phase P             all (default: the whole run, tuning in every shard), tune or eval
#                         (the two phases above)
#   RUN OPTIONS           more `lrlab run` options, the same for every shard
#                         (--cell-timeout S, --retry-failed, --seed N, --define KEY=VALUE)
# Arguments win over the environment. The #SBATCH lines below are defaults; sbatch options
# on the command line override them (e.g. --cpus-per-task=16 --time=12:00:00 -p long).
# Exit status: lrlab's (0 done; 1 a cell failed; 2 bad input; 143 stopped by Slurm, e.g. at
# the time limit: submit again to resume); 2 on bad usage.
#
#SBATCH --job-name=lrlab
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4
#SBATCH --output=lrlab-%A_%a.out
#SBATCH --open-mode=append
set -euo pipefail

die() {
  echo "lrlab-array: $*" >&2
  exit 2
}

bin=${LRLAB_BIN:-}
data=${LRLAB_DATA:-}
script=${LRLAB_SCRIPT:-}
out=${LRLAB_OUT:-}
shards=${LRLAB_SHARDS:-}
phase=all
positional=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --bin) [[ $# -ge 2 ]] || die "--bin: missing value"; bin=$2; shift 2 ;;
    --data) [[ $# -ge 2 ]] || die "--data: missing value"; data=$2; shift 2 ;;
    --shards) [[ $# -ge 2 ]] || die "--shards: missing value"; shards=$2; shift 2 ;;
    --phase) [[ $# -ge 2 ]] || die "--phase: missing value"; phase=$2; shift 2
      [[ $phase == all || $phase == tune || $phase == eval ]] \
        || die "--phase: invalid value (expected all, tune or eval, got '$phase')" ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;/^#SBATCH/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    --) shift; break ;;
    -*) die "$1: unknown option (expected --bin, --data, --shards, --phase or --)" ;;
    *) positional+=("$1"); shift ;;
  esac
done
run_args=("$@")
[[ ${#positional[@]} -le 2 ]] || die "too many arguments: ${positional[*]} (expected EXPERIMENT.lua [OUT])"
[[ ${#positional[@]} -ge 1 ]] && script=${positional[0]}
[[ ${#positional[@]} -ge 2 ]] && out=${positional[1]}

[[ -n $script ]] || die "no experiment (expected EXPERIMENT.lua as argument or LRLAB_SCRIPT)"
[[ -n $out ]] || die "no output folder (expected OUT as argument or LRLAB_OUT)"
[[ -n ${SLURM_ARRAY_TASK_ID:-} ]] \
  || die "not a Slurm array task (expected sbatch --array=0-(N-1) ...; SLURM_ARRAY_TASK_ID is unset)"
if [[ -z $shards ]]; then
  shards=${SLURM_ARRAY_TASK_COUNT:?}
  # with ids other than 0..COUNT-1 the count is not the number of shards
  [[ ${SLURM_ARRAY_TASK_MIN:-0} -eq 0 && ${SLURM_ARRAY_TASK_MAX:-0} -eq $((shards - 1)) ]] \
    || die "array ${SLURM_ARRAY_TASK_MIN:-?}-${SLURM_ARRAY_TASK_MAX:-?} is not 0-$((shards - 1)) (expected --array=0-(N-1), or give --shards N)"
fi
[[ $shards =~ ^[1-9][0-9]*$ ]] || die "--shards: invalid value (expected a positive integer, got '$shards')"
id=$SLURM_ARRAY_TASK_ID
[[ $id =~ ^[0-9]+$ && $id -lt $shards ]] \
  || die "array task $id: out of range (expected 0..$((shards - 1)) for $shards shards)"
k=$((id + 1))

if [[ -z $bin ]]; then
  if [[ -x ${SLURM_SUBMIT_DIR:-.}/build/lrlab ]]; then
    bin=${SLURM_SUBMIT_DIR:-.}/build/lrlab
  else
    bin=$(command -v lrlab) || die "no lrlab binary (expected --bin, LRLAB_BIN, \$SLURM_SUBMIT_DIR/build/lrlab or lrlab on PATH)"
  fi
fi
[[ -x $bin ]] || die "$bin: not an executable lrlab binary"
[[ -r $script ]] || die "$script: cannot read the experiment on $(hostname -s) (is it on a shared filesystem?)"
if [[ -n $data ]]; then
  [[ -d $data ]] || die "$data: no such data folder on $(hostname -s)"
  export LRLAB_DATA=$data
fi

dir=$out/shard-$k-of-$shards
phase_args=()
case $phase in
  tune) dir=$out/tune-$k-of-$shards; phase_args=(--phase tune) ;;
  eval) phase_args=(--phase eval --reuse "$out") ;;
esac
cmd=("$bin" run "$script" --shard "$k/$shards" --out "$dir" "${phase_args[@]}" -j "${SLURM_CPUS_PER_TASK:-1}" "${run_args[@]}")
echo "lrlab-array: job ${SLURM_ARRAY_JOB_ID:-?}_$id on $(hostname -s): ${phase/all/shard} $k of $shards into $dir"
echo "lrlab-array: LRLAB_DATA=${LRLAB_DATA:-data}; ${cmd[*]}"
exec "${cmd[@]}"
