#!/usr/bin/env python3
"""makespan.py - how long a result folder's experiment would take on W workers, from the
wall seconds its cells took.

What: reads a folder of `lrlab run` and simulates the plan-level makespan (the wall time from
the first job's start to the last cell's end) of its cells on W single-core workers for
    (a) the old flow: W shards, each training the whole tuning stage, then its share of the
        evaluation cells (plan index % W);
    (b) the two-phase flow (README.md, "The command line" and "On a Slurm cluster"): W tuning
        shards (round 1 of the tuning stage, the cells whose index in tuning-cells.csv % W is
        the shard's), a barrier, the join (the later rounds, grid-edge extensions, one round
        after the other on one node of --join-cores cores), a barrier, W evaluation shards
        (plan index % W);
    (c) a lower bound that no assignment of these cells to W workers (and the join's cores)
        can beat while the evaluation waits for the tuning: the larger of the work per core,
        (round 1 + evaluation) / W + later rounds / max(W, join cores), and the critical path
        of the two barriers, the longest tuning cell plus the longest evaluation cell (the two
        lower bounds of multiprocessor scheduling that list scheduling comes within one
        longest job of: R. L. Graham, "Bounds on Multiprocessing Timing Anomalies", SIAM J.
        Appl. Math. 17(2), 1969).
It prints the totals of each phase, a table of the three makespans with the speed-up of (b)
over one worker, its efficiency (speed-up / W) and the imbalance of the static assignment
(the largest shard's load over the mean load per worker, per phase), and where the speed-up
stops and why.
Why: a cluster's gain from sharding is bounded by what no worker can split (the longest cell
of each phase, the later tuning rounds on one node) and by the fixed index % N assignment
(no work stealing); this says from measured times where those bounds bite.

Inputs (in DIR; each file may instead be packed as FILE.gz or parts FILE.K-N.gz, whose
decompressed bytes joined in K order are FILE's: scripts/pack.sh; FILE itself comes first):
    plan.csv            index,cell,...,task,optimizer,scheduler,seed,...: the evaluation cells
    tuning-cells.csv    cell,round,index,task,optimizer,scheduler,lr,hyper,seed: the tuning
                        cells in training order (required when tuning.csv is there; a folder
                        with neither has no tuning stage)
    cells/timing.log    lines "id,seconds", one per cell trained (the last line of an id wins)
    timing.csv          cell,seconds: the evaluation cells
    tuning-timing.csv   cell,seconds: the tuning cells
A cell's seconds come from cells/timing.log when it has the cell, else from the two CSVs; a
cell with none is an error.

The model and its assumptions:
  - a worker is one single-core job (a shard with -j 1) and trains its cells one after the
    other, each in the seconds measured; the cells' times do not depend on which node or how
    many workers run (no contention for memory or the shared filesystem);
  - every job starts when its phase may start (no queue wait) and costs --overhead seconds
    (default 0: starting lrlab, loading data and reading --reuse folders not counted) on top
    of its cells; phases (tuning array, join, evaluation array) are separated by barriers;
  - the join trains the cells of each later round in tuning-cells.csv's order on J cores, each
    free core taking the next cell (list scheduling), a round starting when the one before it
    has ended;
  - the merge job is not modelled (it reads and writes files, trains nothing, and is the same
    job in (a) and (b));
  - the seconds are those the folder's run measured, on its machine with its -j; a run with
    -j equal to the cores shares memory bandwidth and caches as a cluster node's workers
    would, and the cells' other costs (a data set loaded once per worker) are not in them.

Output: text on stdout (or with --csv one row per W, every duration in seconds); errors: one
line on stderr, exit code 2.
Usage: python3 scripts/makespan.py DIR [W ...] [--join-cores J] [--overhead S] [--csv]
       (W: worker counts, default 1 10 100 1000)
Standard library only.
"""
import heapq
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resultfiles import Refusal, read_csv, read_text  # noqa: E402

DEFAULT_WORKERS = [1, 10, 100, 1000]


def integer(name, line, key, value, least):
    if not re.fullmatch(r"[0-9]+", value) or int(value) < least:
        raise Refusal("%s: line %d: %s: invalid value (expected an integer >= %d, got %s)"
                      % (name, line, key, least, value))
    return int(value)


def seconds(name, line, value):
    try:
        s = float(value)
    except ValueError:
        s = float("nan")
    if not math.isfinite(s) or s < 0:
        raise Refusal("%s: line %d: seconds: invalid value (expected a finite number >= 0, got %s)"
                      % (name, line, value))
    return s


def read_plan(d):
    got = read_text(os.path.join(d, "plan.csv"))
    if got is None:
        raise Refusal("%s: missing (expected the plan of lrlab run)" % os.path.join(d, "plan.csv"))
    name, text = got
    cells, seen = [], {}
    for line, r in read_csv(name, text, ["index", "cell", "task", "optimizer", "scheduler", "seed"]):
        index = integer(name, line, "index", r["index"], 0)
        if r["cell"] in seen:
            raise Refusal("%s: line %d: cell %s again (first on line %d; expected each cell once)"
                          % (name, line, r["cell"], seen[r["cell"]]))
        seen[r["cell"]] = line
        cells.append({"cell": r["cell"], "index": index,
                      "what": "%s/%s/%s, seed %s" % (r["task"], r["optimizer"], r["scheduler"], r["seed"])})
    if not cells:
        raise Refusal("%s: no rows (expected at least one evaluation cell)" % name)
    return cells


def read_tuning(d):
    path = os.path.join(d, "tuning-cells.csv")
    got = read_text(path)
    if got is None:
        if read_text(os.path.join(d, "tuning.csv")) is not None:
            raise Refusal("%s: missing (expected the tuning cells, which lrlab run writes beside "
                          "tuning.csv)" % path)
        return []
    name, text = got
    cells, seen = [], {}
    for line, r in read_csv(name, text, ["cell", "round", "index", "task", "optimizer",
                                         "scheduler", "lr", "seed"]):
        rnd = integer(name, line, "round", r["round"], 1)
        index = integer(name, line, "index", r["index"], 0)
        if r["cell"] in seen:
            raise Refusal("%s: line %d: cell %s again (first on line %d; expected each cell once)"
                          % (name, line, r["cell"], seen[r["cell"]]))
        seen[r["cell"]] = line
        cells.append({"cell": r["cell"], "round": rnd, "index": index,
                      "what": "%s/%s/%s, lr %s, round %d" % (r["task"], r["optimizer"],
                                                              r["scheduler"], r["lr"], rnd)})
    rounds = [c["round"] for c in cells]
    if rounds != sorted(rounds):
        raise Refusal("%s: rounds out of order (expected the cells in training order, round 1 first)"
                      % name)
    return cells


def read_timing_csv(d, base, into):
    got = read_text(os.path.join(d, base))
    if got is None:
        return
    name, text = got
    lines = {}
    for line, r in read_csv(name, text, ["cell", "seconds"]):
        if r["cell"] in lines:
            raise Refusal("%s: line %d: cell %s again (first on line %d; expected each cell once)"
                          % (name, line, r["cell"], lines[r["cell"]]))
        lines[r["cell"]] = line
        if r["cell"] in into:
            into[r["cell"]] = (seconds(name, line, r["seconds"]), base)


def read_timing_log(d, into):
    got = read_text(os.path.join(d, "cells", "timing.log"))
    if got is None:
        return
    name, text = got
    for line, row in enumerate(text.splitlines(), 1):
        m = re.fullmatch(r"([0-9a-f]{16}),(.*)", row)
        if not m:
            raise Refusal("%s: line %d: expected id,seconds (16 hex digits, a number), got %s"
                          % (name, line, row[:60]))
        if m.group(1) in into:
            into[m.group(1)] = (seconds(name, line, m.group(2)), "cells/timing.log")


def read_seconds(d, evals, tunes):
    """Each cell's seconds, from cells/timing.log before timing.csv and tuning-timing.csv."""
    want = {c["cell"]: None for c in evals + tunes}
    read_timing_csv(d, "timing.csv", want)
    read_timing_csv(d, "tuning-timing.csv", want)
    read_timing_log(d, want)
    for c in evals + tunes:
        got = want[c["cell"]]
        if got is None:
            raise Refusal("%s: no seconds for cell %s (%s) in cells/timing.log, timing.csv or "
                          "tuning-timing.csv (expected every cell's wall seconds)"
                          % (d, c["cell"], c["what"]))
        c["seconds"], c["source"] = got


def shard_loads(cells, w):
    loads = [0.0] * w
    for c in cells:
        loads[c["index"] % w] += c["seconds"]
    return loads


def list_schedule(times, cores):
    """The end of the last of times taken in order by cores, each free core taking the next."""
    free = [0.0] * min(cores, max(len(times), 1))
    for t in times:
        heapq.heappush(free, heapq.heappop(free) + t)
    return max(free)


def join_seconds(tunes, cores):
    later = sorted({c["round"] for c in tunes if c["round"] >= 2})
    return sum(list_schedule([c["seconds"] for c in tunes if c["round"] == r], cores) for r in later)


def simulate(evals, tunes, w, cores, overhead):
    """The makespans of the old flow, the two-phase flow and the bound on w workers."""
    round1 = [c for c in tunes if c["round"] == 1]
    t_tune = sum(c["seconds"] for c in tunes)
    t1 = sum(c["seconds"] for c in round1)
    t_eval = sum(c["seconds"] for c in evals)
    eval_loads = shard_loads(evals, w)
    old = overhead + t_tune + max(eval_loads)
    if tunes:
        tune_loads = shard_loads(round1, w)
        phases = (max(tune_loads), join_seconds(tunes, cores), max(eval_loads))
        two = 3 * overhead + sum(phases)
        tune_imb = max(tune_loads) / (t1 / w) if t1 > 0 else 1.0
    else:  # no tuning stage: one array of evaluation shards
        phases = (0.0, 0.0, max(eval_loads))
        two, tune_imb = old, float("nan")
    longest = max(c["seconds"] for c in tunes) if tunes else 0.0
    work = (t1 + t_eval) / w + (t_tune - t1) / max(w, cores)
    bound = max(work, longest + max(c["seconds"] for c in evals))
    eval_imb = max(eval_loads) / (t_eval / w) if t_eval > 0 else 1.0
    return {"workers": w, "old": old, "two_phase": two, "bound": bound, "tune": phases[0],
            "join": phases[1], "eval": phases[2], "tune_imbalance": tune_imb,
            "eval_imbalance": eval_imb}


def duration(s):
    if s >= 7200:
        return "%.2f h" % (s / 3600)
    if s >= 120:
        return "%.1f min" % (s / 60)
    return "%.1f s" % s if s >= 10 else "%.2f s" % s


def ratio(x):
    return "-" if math.isnan(x) else "%.2f" % x


def report(d, evals, tunes, rows, base, cores, overhead):
    round1 = [c for c in tunes if c["round"] == 1]
    later = [c for c in tunes if c["round"] >= 2]
    t1 = sum(c["seconds"] for c in round1)
    t_later = sum(c["seconds"] for c in later)
    t_eval = sum(c["seconds"] for c in evals)
    sources = {}
    for c in evals + tunes:
        sources[c["source"]] = sources.get(c["source"], 0) + 1
    print("makespan: %s: %d tuning cells (round 1: %d; rounds 2 and on: %d), %d evaluation cells; "
          "seconds from %s" % (d, len(tunes), len(round1), len(later), len(evals),
                               ", ".join("%s (%d cells)" % kv for kv in sorted(sources.items()))))
    if tunes:
        lt = max(tunes, key=lambda c: c["seconds"])
        print("  tuning:     %.1f CPU s (round 1: %.1f, rounds 2 and on: %.1f); longest cell %.3f s, "
              "%s (%s)" % (t1 + t_later, t1, t_later, lt["seconds"], lt["cell"], lt["what"]))
    le = max(evals, key=lambda c: c["seconds"])
    print("  evaluation: %.1f CPU s; longest cell %.3f s, %s (%s)"
          % (t_eval, le["seconds"], le["cell"], le["what"]))
    print("  total:      %.1f CPU s = %s" % (t1 + t_later + t_eval, duration(t1 + t_later + t_eval)))
    print("model: every worker a single-core job (-j 1); the join on %d core%s; %g s overhead per "
          "job; the merge not modelled; no queue wait" % (cores, "s" if cores > 1 else "", overhead))
    print()
    print("| workers | old flow (a) | two-phase (b) | (b) = tuning + join + evaluation | bound (c) "
          "| speed-up of (b) | efficiency | max/mean tuning | max/mean evaluation |")
    print("|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        s = base / r["two_phase"] if r["two_phase"] > 0 else float("nan")
        print("| %d | %s | %s | %s + %s + %s | %s | %.1f | %.3g%% | %s | %s |"
              % (r["workers"], duration(r["old"]), duration(r["two_phase"]), duration(r["tune"]),
                 duration(r["join"]), duration(r["eval"]), duration(r["bound"]), s,
                 100 * s / r["workers"], ratio(r["tune_imbalance"]), ratio(r["eval_imbalance"])))
    print()
    join = join_seconds(tunes, cores)
    floor = ((max(c["seconds"] for c in round1) if round1 else 0.0) + join + le["seconds"]
             + (3 if tunes else 1) * overhead)
    n = max([c["index"] + 1 for c in round1 + evals])
    print("where it stops:")
    print("  - the two-phase flow cannot end before the longest round-1 tuning cell, then the later "
          "rounds on the join's %d core%s (%s), then the longest evaluation cell: %s, reached at the "
          "latest when every worker holds at most one cell of each phase (W >= %d); the speed-up "
          "over one worker stops at %.1f" % (cores, "s" if cores > 1 else "", duration(join),
                                             duration(floor), n, base / floor))
    if tunes:
        print("  - tuning workers idle from W = %d (round 1 has %d cells), evaluation workers from "
              "W = %d (%d cells)" % (len(round1) + 1, len(round1), len(evals) + 1, len(evals)))
    for phase, key, count in (("tuning", "tune_imbalance", len(round1)),
                              ("evaluation", "eval_imbalance", len(evals))):
        busy = [r for r in rows if 2 <= r["workers"] <= count and not math.isnan(r[key])]
        if busy:
            worst = max(busy, key=lambda r: r[key])
            print("  - static index %% W assignment (no work stealing) of the %s phase: its largest "
                  "shard carries %.2f times the mean load at W = %d (of the W in the table up to its "
                  "%d cells), so the phase takes that much longer than its work / W"
                  % (phase, worst[key], worst["workers"], count))
    if tunes:
        print("  - the old flow trains the whole tuning stage on every shard: it never ends before "
              "%s, a speed-up of at most %.1f" % (duration(t1 + t_later + overhead),
                                                   base / (t1 + t_later + overhead)))


def parse_args(argv):
    usage = "usage: makespan.py DIR [W ...] [--join-cores J] [--overhead S] [--csv]"
    args = {"dir": None, "workers": [], "cores": 1, "overhead": 0.0, "csv": False}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--join-cores", "--overhead"):
            if i + 1 >= len(argv):
                raise Refusal("%s: missing value (%s)" % (a, usage))
            v = argv[i + 1]
            if a == "--join-cores":
                if not re.fullmatch(r"[0-9]+", v) or int(v) < 1:
                    raise Refusal("--join-cores: invalid value (expected an integer >= 1, "
                                  "got %s)" % v)
                args["cores"] = int(v)
            else:
                try:
                    o = float(v)
                except ValueError:
                    o = float("nan")
                if not math.isfinite(o) or o < 0:
                    raise Refusal("--overhead: invalid value (expected seconds, a finite "
                                  "number >= 0, got %s)" % v)
                args["overhead"] = o
            i += 2
            continue
        if a == "--csv":
            args["csv"] = True
        elif a.startswith("-"):
            raise Refusal("%s: unknown option (%s)" % (a, usage))
        elif args["dir"] is None:
            args["dir"] = a
        else:
            if not re.fullmatch(r"[0-9]+", a) or int(a) < 1:
                raise Refusal("W: invalid value (expected a number of workers, an "
                              "integer >= 1, got %s)" % a)
            args["workers"].append(int(a))
        i += 1
    if args["dir"] is None:
        raise Refusal("no result folder (%s)" % usage)
    if not os.path.isdir(args["dir"]):
        raise Refusal("%s: not a folder (expected a result folder of lrlab run)" % args["dir"])
    args["workers"] = args["workers"] or DEFAULT_WORKERS
    return args


def main(argv):
    args = parse_args(argv)
    d, cores, overhead = args["dir"], args["cores"], args["overhead"]
    evals = read_plan(d)
    tunes = read_tuning(d)
    read_seconds(d, evals, tunes)
    if sum(c["seconds"] for c in evals + tunes) <= 0:
        raise Refusal("%s: every cell took 0 s (expected measured wall seconds; a cell faster than a "
                      "millisecond is recorded as 0.000)" % d)
    base = simulate(evals, tunes, 1, cores, overhead)["two_phase"]
    rows = [simulate(evals, tunes, w, cores, overhead) for w in args["workers"]]
    if args["csv"]:
        keys = ["workers", "old", "two_phase", "bound", "tune", "join", "eval", "speedup",
                "efficiency", "tune_imbalance", "eval_imbalance"]
        print(",".join(keys))
        for r in rows:
            r["speedup"] = base / r["two_phase"] if r["two_phase"] > 0 else float("nan")
            r["efficiency"] = r["speedup"] / r["workers"]
            print(",".join(str(r["workers"]) if k == "workers" else "%.6f" % r[k] for k in keys))
    else:
        report(d, evals, tunes, rows, base, cores, overhead)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except Refusal as e:
        print("makespan: %s" % e, file=sys.stderr)
        sys.exit(2)
