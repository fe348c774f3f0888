#!/usr/bin/env bash
# slurm.sh - scripts/slurm/ on a real one-node Slurm cluster, started and stopped here.
#
# What: as root, starts a private munged, slurmctld and slurmd from a scratch folder (the
# one-node recipe for Debian's slurm-wlm 22.05: this host's short name, nproc CPUs, unused
# ports, proctrack/linuxproc, task/none; state, spool, logs and pid files in the scratch
# folder; munged with its own key, socket and pid file there too), then
#   1. submit.sh runs tests/e2e/tiny.lua as 2 shards and a merge job: every job completes and
#      the merged runs.csv, curves.csv, evals.csv and plan.csv are byte-identical to a local
#      `lrlab run`;
#   2. with a crashing cell (LRLAB_FAULT_CRASH) in shard 2, that array task fails, the merge
#      job is cancelled, shard 1 completes; the same submit.sh with --retry-failed resumes:
#      shard 1 trains nothing, shard 2 only the failed cell, and the merge gives the same bytes;
#   3. tests/e2e/tune_extend.lua (a tuning stage of six rounds) in two phases: the tuning array
#      trains round 1 in halves, the join job the later rounds, the evaluation array the
#      evaluation cells (no tuning cell), and the merge gives a local run's bytes, tuning.csv
#      and tuning-cells.csv included; OUT is named "out 3 %x'$(id)" (sbatch's log names read
#      %x as the job's name; the job scripts must quote the rest);
#   4. tests/e2e/arms.lua, which needs --define arm=NAME, in two phases with `-- --define
#      arm=cosine`: every job gets it (each folder's provenance.txt has the defines line) and
#      the merge gives a local run's bytes with the same --define.
# Every daemon it started is stopped by pid (after cancelling what is left in its queue) and
# the scratch folder removed, whatever the outcome. Two copies can run at once: each has its
# own scratch folder and the first free pair of ports from 16817/16818 up.
# Why: the cluster scripts are shell around sbatch; only a real Slurm shows that the array ids,
# the shard numbers, the dependency and the paths fit together.
# Needs: root, Debian slurm-wlm and munge (bash scripts/bootstrap.sh test installs them); fails,
# never skips, without them.
# usage: slurm.sh SRC_DIR LRLAB_BIN
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: slurm.sh SRC_DIR LRLAB_BIN" >&2; exit 2; }
fail() { echo "FAIL: $*" >&2; exit 1; }
src=$(cd "$1" && pwd)
bin=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
export PATH="$PATH:/usr/sbin:/sbin"
# seconds for each wait on jobs: all the waits together stay well inside the CTest TIMEOUT,
# whose SIGKILL would leave the daemons running
wait_limit=${LRLAB_SLURM_WAIT:-120}

# --- requirements: fail with the fix, never skip -----------------------------------------------
[[ $(id -u) -eq 0 ]] || fail "slurm test: must run as root, to start munged, slurmctld and slurmd" \
  "(got uid $(id -u)); run it as root, e.g. sudo bash scripts/bootstrap.sh test"
for c in munged mungekey munge unmunge slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
  command -v "$c" > /dev/null \
    || fail "slurm test: $c not found; install: apt-get install -y --no-install-recommends" \
      "slurm-wlm munge (bash scripts/bootstrap.sh test does it)"
done
id munge > /dev/null 2>&1 || fail "slurm test: no munge user; install the munge package"
[[ -x $bin ]] || fail "$bin: no lrlab binary"
host=$(hostname -s)
getent hosts "$host" > /dev/null \
  || fail "slurm test: this host's short name '$host' does not resolve (slurm.conf names it);" \
    "add it to /etc/hosts"

# --- scratch folder and cleanup ----------------------------------------------------------------
scratch=$(mktemp -d /tmp/lrlab-slurm.XXXXXX)
chmod 755 "$scratch" # munged runs as user munge and needs to reach its folder
munged_pid='' ctld_pid='' slurmd_pid=''

is_daemon() { # is_daemon PID NAME: PID is alive and is NAME (not a recycled pid)
  [[ -n $1 ]] && kill -0 "$1" 2> /dev/null && [[ $(cat "/proc/$1/comm" 2> /dev/null) == "$2"* ]]
}
stop() { # stop PID NAME: SIGTERM, up to 10 s, then SIGKILL
  is_daemon "$1" "$2" || return 0
  kill -TERM "$1" 2> /dev/null || true
  for _ in $(seq 1 50); do is_daemon "$1" "$2" || return 0; sleep 0.2; done
  echo "slurm test: $2 ($1) ignored SIGTERM; SIGKILL" >&2
  kill -KILL "$1" 2> /dev/null || true
}
cleanup() {
  local rc=$? jobs
  set +e
  # a daemon that wrote its pid file late is still found
  [[ -n $munged_pid ]] || munged_pid=$(cat "$scratch/munge/munged.pid" 2> /dev/null)
  [[ -n $ctld_pid ]] || ctld_pid=$(cat "$scratch/slurmctld.pid" 2> /dev/null)
  [[ -n $slurmd_pid ]] || slurmd_pid=$(cat "$scratch/slurmd.pid" 2> /dev/null)
  if is_daemon "$ctld_pid" slurmctld; then
    jobs=$(squeue -h -o %A 2> /dev/null | sort -u)
    if [[ -n $jobs ]]; then
      # shellcheck disable=SC2086 # one job id per word
      scancel $jobs 2> /dev/null
      for _ in $(seq 1 30); do [[ -z $(squeue -h 2> /dev/null) ]] && break; sleep 0.5; done
    fi
  fi
  if [[ $rc -ne 0 ]]; then
    for f in "$scratch"/log/*.log "$scratch"/out*/slurm/*.out; do
      [[ -f $f ]] || continue
      echo "--- $f (last 25 lines)" >&2
      tail -n 25 "$f" >&2
    done
  fi
  stop "$slurmd_pid" slurmd
  stop "$ctld_pid" slurmctld
  stop "$munged_pid" munged
  rm -rf "$scratch"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_pidfile() { # wait_pidfile FILE NAME: print the pid in FILE once the daemon wrote it
  local pid
  for _ in $(seq 1 100); do
    pid=$(cat "$1" 2> /dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]] && is_daemon "$pid" "$2"; then echo "$pid"; return 0; fi
    sleep 0.1
  done
  fail "$2 did not start (no live pid in $1)"
}

# --- munged: own key, socket, pid, log and seed files ------------------------------------------
mkdir "$scratch/munge"
mungekey --create --keyfile="$scratch/munge/munge.key" 2> /dev/null \
  || fail "mungekey could not create a key"
chown -R munge:munge "$scratch/munge"
chmod 755 "$scratch/munge" # the socket's folder must be searchable by every user
chmod 600 "$scratch/munge/munge.key"
sock=$scratch/munge/munge.socket
runuser -u munge -- munged --socket="$sock" --key-file="$scratch/munge/munge.key" \
  --pid-file="$scratch/munge/munged.pid" --log-file="$scratch/munge/munged.log" \
  --seed-file="$scratch/munge/munged.seed" \
  || fail "munged did not start: $(tail -n 3 "$scratch/munge/munged.log" 2> /dev/null)"
munged_pid=$(wait_pidfile "$scratch/munge/munged.pid" munged)
munge -S "$sock" -n | unmunge -S "$sock" | grep -q 'STATUS: *Success' \
  || fail "munge -n | unmunge: no STATUS: Success from the private munged"

# --- slurm.conf, ports and daemons -------------------------------------------------------------
cpus=$(nproc)
mem=$(awk '/^MemTotal:/ { m = int($2 / 1024); print (m < 4000 ? m : 4000) }' /proc/meminfo)
mkdir -p "$scratch/state" "$scratch/spool" "$scratch/log"
busy() { (: > "/dev/tcp/127.0.0.1/$1") 2> /dev/null; } # something listens on port $1
# the lock keeps a concurrent copy from choosing the same ports before these daemons listen
exec 9> /tmp/lrlab-slurm-ports.lock
flock -w 60 9 || fail "could not lock /tmp/lrlab-slurm-ports.lock within 60 s"
port=16817
while busy "$port" || busy $((port + 1)); do
  port=$((port + 2))
  [[ $port -lt 16917 ]] || fail "no free pair of ports in 16817-16918"
done
export SLURM_CONF=$scratch/slurm.conf
cat > "$SLURM_CONF" << EOF
# slurm.conf - a private one-node cluster for tests/slurm.sh (generated; removed at the end)
ClusterName=lrlabtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/slurmctld.pid
SlurmdPidFile=$scratch/slurmd.pid
SlurmctldLogFile=$scratch/log/slurmctld.log
SlurmdLogFile=$scratch/log/slurmd.log
SlurmctldPort=$port
SlurmdPort=$((port + 1))
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
ctld_pid=$(wait_pidfile "$scratch/slurmctld.pid" slurmctld)
slurmd -f "$SLURM_CONF" || fail "slurmd did not start"
slurmd_pid=$(wait_pidfile "$scratch/slurmd.pid" slurmd)
state=''
for _ in $(seq 1 60); do
  state=$(sinfo -h -n "$host" -o %T 2> /dev/null || true)
  [[ $state == idle ]] && break
  sleep 0.5
done
[[ $state == idle ]] || fail "node $host not idle within 30 s (sinfo: '${state:-no answer}')"
flock -u 9
exec 9>&-
echo "ok: munged $munged_pid, slurmctld $ctld_pid, slurmd $slurmd_pid;" \
  "node $host idle ($cpus CPUs, ports $port-$((port + 1)))"

# --- helpers for the rounds --------------------------------------------------------------------
cd "$src"
script=tests/e2e/tiny.lua
submit() { # submit OUT [SUBMIT ARGS]: run submit.sh; set array_id and merge_id
  local out=$1
  shift
  LRLAB_BIN=$bin bash scripts/slurm/submit.sh "$script" "$out" 2 --cpus-per-task=1 --time=10 "$@" \
    > "$scratch/submit.out" 2>&1 || fail "submit.sh: $(cat "$scratch/submit.out")"
  array_id=$(sed -n 's/^submit: array job \([0-9]*\):.*/\1/p' "$scratch/submit.out")
  merge_id=$(sed -n 's/^submit: merge job \([0-9]*\):.*/\1/p' "$scratch/submit.out")
  [[ -n $array_id && -n $merge_id ]] || fail "no job ids from submit.sh: $(cat "$scratch/submit.out")"
  grep -q "^submit: merged results: $out/runs.csv" "$scratch/submit.out" \
    || fail "submit.sh does not say where the results land: $(cat "$scratch/submit.out")"
}
wait_jobs() { # wait_jobs: until the queue holds neither job (squeue only, no accounting)
  local q
  for _ in $(seq 1 $((wait_limit * 2))); do
    q=$(squeue -h -j "$array_id,$merge_id" -o '%i %T' 2>&1) || fail "squeue: $q"
    [[ -z $q ]] && return 0
    sleep 0.5
  done
  fail "jobs $array_id, $merge_id still queued after $wait_limit s: $q"
}
states() { # states JOBID: "JobState ExitCode" of each job (each array task), one per line
  scontrol -o show job "$1" \
    | sed -n 's/.* JobState=\([A-Z_]*\) .* ExitCode=\([0-9:]*\) .*/\1 \2/p' | sort
}
same() { # same DIR1 DIR2: the reproducible result files are byte-identical
  for f in runs.csv curves.csv evals.csv plan.csv; do
    [[ -f $2/$f ]] || fail "$2/$f missing"
    cmp -s "$1/$f" "$2/$f" || fail "$f differs between the local run and the Slurm run ($2)"
  done
}
shard_log() { # shard_log OUT K: the log of array task K-1 of the last submission
  cat "$1/slurm/lrlab-${array_id}_$(($2 - 1)).out"
}

t0=$SECONDS
"$bin" run "$script" --out "$scratch/local" -j 2 --quiet > /dev/null
cells=$(($(wc -l < "$scratch/local/plan.csv") - 1))

# --- 1. two shards and a merge -----------------------------------------------------------------
out=$scratch/out1
submit "$out"
wait_jobs
[[ $(states "$array_id") == $'COMPLETED 0:0\nCOMPLETED 0:0' ]] \
  || fail "array job $array_id: $(states "$array_id" | tr '\n' ' ') (expected 2 x COMPLETED 0:0)"
[[ $(states "$merge_id") == 'COMPLETED 0:0' ]] \
  || fail "merge job $merge_id: $(states "$merge_id") (expected COMPLETED 0:0)"
for k in 1 2; do
  shard_log "$out" $k | grep -q "shard $k of 2 into $out/shard-$k-of-2" \
    || fail "shard $k log: $(shard_log "$out" $k)"
  n=$(find "$out/shard-$k-of-2/cells" -name '*.csv' | wc -l)
  [[ $n -eq $((cells / 2)) ]] || fail "shard $k: $n cell files (expected $((cells / 2)))"
done
same "$scratch/local" "$out"
echo "ok: array $array_id (2 shards) and merge $merge_id: $cells cells," \
  "the same bytes as lrlab run ($((SECONDS - t0)) s)"

# --- 2. a failed shard, the merge cancelled, then resumed --------------------------------------
t0=$SECONDS
out=$scratch/out2
crash=$(sed -n '3p' "$scratch/local/plan.csv" | cut -d, -f2) # plan index 1: shard 2 of 2
LRLAB_FAULT_CRASH=$crash submit "$out"
wait_jobs
[[ $(states "$array_id") == $'COMPLETED 0:0\nFAILED 1:0' ]] \
  || fail "array job $array_id with a crashing cell: $(states "$array_id" | tr '\n' ' ')" \
    "(expected COMPLETED 0:0 and FAILED 1:0)"
[[ $(states "$merge_id") == CANCELLED* ]] \
  || fail "merge job $merge_id after a failed shard: $(states "$merge_id") (expected CANCELLED)"
[[ ! -e $out/runs.csv ]] || fail "a merge ran after a failed shard"
grep -q "crashed (signal 11" "$out/shard-2-of-2/cells/$crash.csv" \
  || fail "the crash is not recorded"
submit "$out" -- --retry-failed
wait_jobs
[[ $(states "$array_id") == $'COMPLETED 0:0\nCOMPLETED 0:0' ]] \
  || fail "resumed array job $array_id: $(states "$array_id" | tr '\n' ' ')"
[[ $(states "$merge_id") == 'COMPLETED 0:0' ]] || fail "merge job $merge_id after the resume: $(states "$merge_id")"
shard_log "$out" 1 | grep -q "(0 trained now, $((cells / 2)) already done" \
  || fail "shard 1 trained again: $(shard_log "$out" 1)"
shard_log "$out" 2 | grep -q "(1 trained now, $((cells / 2 - 1)) already done" \
  || fail "shard 2 did not retrain only the failed cell: $(shard_log "$out" 2)"
same "$scratch/local" "$out"
echo "ok: a failed shard cancels the merge; submitting again resumes to the same bytes ($((SECONDS - t0)) s)"

# --- 3. a tuning stage in two phases: tuning shards, the join, evaluation shards, the merge ----
t0=$SECONDS
script=tests/e2e/tune_extend.lua # six tuning rounds: the join trains rounds 2-6 itself
"$bin" run "$script" --out "$scratch/tlocal" -j 2 --quiet > /dev/null
out="$scratch/out 3 %x'\$(id)" # a space, a %, a quote and a command go through the job scripts
submit "$out"
tune_id=$(sed -n 's/^submit: tuning array job \([0-9]*\):.*/\1/p' "$scratch/submit.out")
join_id=$(sed -n 's/^submit: tuning join job \([0-9]*\):.*/\1/p' "$scratch/submit.out")
[[ -n $tune_id && -n $join_id ]] || fail "no tuning jobs from submit.sh: $(cat "$scratch/submit.out")"
merge_id=$merge_id,$tune_id,$join_id # wait_jobs waits for all of them
wait_jobs
merge_id=${merge_id%%,*}
[[ $(states "$tune_id") == $'COMPLETED 0:0\nCOMPLETED 0:0' ]] \
  || fail "tuning array $tune_id: $(states "$tune_id" | tr '\n' ' ') (expected 2 x COMPLETED 0:0)"
for j in "$join_id" "$merge_id"; do
  [[ $(states "$j") == 'COMPLETED 0:0' ]] || fail "job $j: $(states "$j") (expected COMPLETED 0:0)"
done
[[ $(states "$array_id") == $'COMPLETED 0:0\nCOMPLETED 0:0' ]] \
  || fail "evaluation array $array_id: $(states "$array_id" | tr '\n' ' ')"
round1=$(awk -F, 'NR > 1 && $2 == 1' "$scratch/tlocal/tuning-cells.csv" | wc -l)
for k in 1 2; do
  n=$(find "$out/tune-$k-of-2/cells" -name '*.csv' | wc -l)
  [[ $n -eq $((round1 / 2)) ]] || fail "tuning shard $k: $n cell files (expected $((round1 / 2)) of round 1's $round1)"
  n=$(find "$out/shard-$k-of-2/cells" -name '*.csv' | wc -l)
  [[ $n -eq 1 ]] || fail "evaluation shard $k: $n cell files (expected its 1 evaluation cell, no tuning cell)"
done
grep -q "($((round1)) taken from --reuse\|taken from --reuse" "$out"/slurm/tune-join-*.out \
  || fail "the tuning join took nothing from the shards: $(cat "$out"/slurm/tune-join-*.out)"
same "$scratch/tlocal" "$out"
for f in tuning.csv tuning-cells.csv; do
  cmp -s "$scratch/tlocal/$f" "$out/$f" || fail "$f differs between the local run and the two-phase Slurm run"
done
echo "ok: tuning array $tune_id, join $join_id, evaluation array $array_id and merge $merge_id:" \
  "the same bytes as lrlab run, tuning.csv included ($((SECONDS - t0)) s)"

# --- 4. --define reaches every job: the arms of one script, in two phases -----------------------
t0=$SECONDS
script=tests/e2e/arms.lua # refused without --define arm=NAME
"$bin" run "$script" --out "$scratch/alocal" -j 2 --quiet --define arm=cosine > /dev/null
out=$scratch/out4
submit "$out" -- --define arm=cosine
tune_id=$(sed -n 's/^submit: tuning array job \([0-9]*\):.*/\1/p' "$scratch/submit.out")
join_id=$(sed -n 's/^submit: tuning join job \([0-9]*\):.*/\1/p' "$scratch/submit.out")
[[ -n $tune_id && -n $join_id ]] || fail "no tuning jobs from submit.sh: $(cat "$scratch/submit.out")"
merge_id=$merge_id,$tune_id,$join_id
wait_jobs
merge_id=${merge_id%%,*}
for j in "$tune_id" "$array_id"; do
  [[ $(states "$j") == $'COMPLETED 0:0\nCOMPLETED 0:0' ]] || fail "array $j: $(states "$j" | tr '\n' ' ')"
done
for j in "$join_id" "$merge_id"; do
  [[ $(states "$j") == 'COMPLETED 0:0' ]] || fail "job $j: $(states "$j") (expected COMPLETED 0:0)"
done
for d in tune-1-of-2 tune-2-of-2 . shard-1-of-2 shard-2-of-2; do
  grep -qx 'defines: arm=cosine' "$out/$d/provenance.txt" \
    || fail "$out/$d/provenance.txt: no line \"defines: arm=cosine\" (a job ran without --define)"
done
same "$scratch/alocal" "$out"
cmp -s "$scratch/alocal/tuning.csv" "$out/tuning.csv" || fail "tuning.csv differs between the local run and the Slurm run of arm cosine"
echo "ok: --define arm=cosine reaches the tuning array $tune_id, join $join_id, evaluation array" \
  "$array_id and merge $merge_id: the same bytes as lrlab run --define arm=cosine ($((SECONDS - t0)) s)"
