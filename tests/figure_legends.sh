#!/usr/bin/env bash
# figure_legends.sh - every figure lrlab draws labels what it plots, and draws each scheduler
# alike: the figures of lrlab run, lrlab report and lrlab trace --plot.
#
# What: runs tests/e2e/legends.lua (greedy, constant, cosine, hd-group, sls; two tasks, two
# optimizers, three seeds), lrlab report on it, and lrlab trace --plot for the three of those
# schedulers that trace can draw; trace keeps its script only while gnuplot runs, so its
# scripts are written by the same functions through tests/test_trace_plot.c. Then parses
# every gnuplot script:
#  1. in every plot command, every series has a title or is explicitly notitle;
#  2. in a figure drawn per scheduler (run's figures, report's lr__, valloss__, rivals__,
#     target and profiles, trace's), the titled series are schedulers of the plan, none twice
#     in one plot command, and the plot commands of a figure together title exactly the
#     schedulers it draws (run's and report's lr__/valloss__: all five);
#  3. each scheduler has one `lc rgb`/`dt` in every series of every figure (harness/analysis/style.h),
#     GreedyLR black, no other scheduler black;
#  4. every PNG is a non-empty PNG, and gnuplot, run again on each script, warns of no missing
#     data, empty ranges or keys out of range (run's figures/gnuplot.log included).
# Why: legends cut off, schedulers unlabelled or sharing a style made figures unreadable.
# usage: figure_legends.sh SRC_DIR LRLAB_BIN TEST_TRACE_PLOT_BIN
set -euo pipefail
src=$1 bin=$2 trace_plot=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"
real_gnuplot=$(command -v gnuplot) || fail "gnuplot not found"

"$bin" run tests/e2e/legends.lua --out "$tmp/run" --quiet > /dev/null || fail "lrlab run"
(cd "$tmp" && "$bin" report run --paper paper > report.out) || fail "lrlab report"

# trace: its PNGs drawn by lrlab trace --plot; its scripts, which it keeps only while gnuplot
# runs, written by the same functions (harness/analysis/trace.h) through test_trace_plot
mkdir -p "$tmp/trace"
seq 50 | awk '{ print 1 / $1 }' > "$tmp/metrics"
for s in constant cosine greedy; do
  set -- --lr 0.1 --steps 50 --plot "$tmp/trace/$s.png"
  [ "$s" != greedy ] || set -- "$@" --metrics "$tmp/metrics"
  "$bin" trace "$s" "$@" > /dev/null || fail "lrlab trace $s --plot"
done
"$trace_plot" "$tmp/trace" constant cosine greedy || fail "test_trace_plot"

python3 - "$tmp" <<'EOPY' || exit 1
import glob, os, re, sys
tmp = sys.argv[1]
scheds = ["constant", "cosine", "hd-group", "sls", "greedy"]
bad = []
def fail(m): bad.append(m)

def unescape(s):  # gnuplot_str's \ooo escapes
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)

def split_series(cmd):  # the series of one plot command, split at top-level commas
    out, depth, cur, q = [], 0, "", None
    for ch in cmd:
        if q:
            cur += ch
            if ch == q: q = None
            continue
        if ch in "'\"": q = ch
        elif ch in "([": depth += 1
        elif ch in ")]": depth -= 1
        elif ch == "," and depth == 0:
            out.append(cur); cur = ""; continue
        cur += ch
    out.append(cur)
    return [s.strip() for s in out]

def plots(path):  # the plot commands of a script, continuation lines joined
    text = open(path, encoding="utf-8").read().replace("\\\n", " ")
    return [l[5:] for l in text.split("\n") if l.startswith("plot ")]

style = {}  # scheduler -> (rgb, dt), over every figure
nseries = [0]
figs = ([("run", p) for p in glob.glob(tmp + "/run/figures/*.gp")] +
        [("report", p) for p in glob.glob(tmp + "/paper/figures/*.gp")] +
        [("trace", p) for p in glob.glob(tmp + "/trace/*.gp")])
if len([f for f in figs if f[0] == "run"]) != 4: fail("run: expected 4 figure scripts")
if len([f for f in figs if f[0] == "trace"]) != 3: fail("trace: expected 3 figure scripts")
for kind, path in figs:
    name = os.path.basename(path)[:-3]
    per_sched = kind in ("run", "trace") or re.match(r"(lr|valloss|rivals)__|target$|profiles$", name)
    titled = set()
    for cmd in plots(path):
        seen = []
        for s in split_series(cmd):
            if re.search(r"\bnotitle\b", s): continue
            m = re.search(r"\btitle\s+(\"(?:[^\"\\]|\\.)*\"|'[^']*')", s)
            if not m: fail(f"{kind} {name}: a series with neither title nor notitle: {s[:80]}"); continue
            t = unescape(m.group(1)[1:-1])
            nseries[0] += 1
            if not per_sched: continue
            if kind == "trace" and t == "metric": continue
            if t not in scheds: fail(f"{kind} {name}: title {t!r} is not a scheduler of the plan"); continue
            if t in seen: fail(f"{kind} {name}: {t} titled twice in one plot command")
            seen.append(t)
            lc = re.search(r"lc rgb '(#[0-9A-Fa-f]{6})'", s)
            dt = re.search(r"\bdt (\d+)", s)
            if not lc or not dt: fail(f"{kind} {name}: {t} without lc rgb and dt: {s[:80]}"); continue
            st = (lc.group(1).lower(), dt.group(1))
            if style.setdefault(t, st) != st:
                fail(f"{kind} {name}: {t} drawn as {st}, elsewhere as {style[t]}")
        titled |= set(seen)
    if kind == "trace":
        want = {name}
    elif kind == "run" or re.match(r"(lr|valloss)__", name):
        want = set(scheds)
    else:
        want = None  # rivals, target, profiles: their own subsets, checked for styles only
    if want is not None and titled != want:
        fail(f"{kind} {name}: titled {sorted(titled)}, expected {sorted(want)}")
if style.get("greedy", ("",))[0] != "#000000": fail("greedy is not black")
for t, st in style.items():
    if t != "greedy" and st[0] == "#000000": fail(f"{t} is black like greedy")
if len(set(style.values())) != len(style): fail(f"two schedulers share a style: {style}")
for m in bad: print("FAIL:", m, file=sys.stderr)
if not bad: print(f"{len(figs)} scripts, {nseries[0]} titled series, {len(style)} schedulers' styles")
sys.exit(1 if bad else 0)
EOPY
echo "ok: every series titled or notitle; each figure titles its schedulers; one style each"

# 4. the PNGs, and gnuplot's warnings
for p in "$tmp"/run/figures/*.png "$tmp"/paper/figures/*.png "$tmp"/trace/*.png; do
  [ -s "$p" ] && head -c 8 "$p" | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a' ||
    fail "$p: not a non-empty PNG"
done
warn='warning|missing|out of range|empty|skipping|no valid points'
if [ -s "$tmp/run/figures/gnuplot.log" ] && grep -Eiq "$warn" "$tmp/run/figures/gnuplot.log"; then
  fail "run: figures/gnuplot.log: $(grep -Ei "$warn" "$tmp/run/figures/gnuplot.log" | head -3)"
fi
for g in "$tmp"/paper/figures/*.gp; do
  (cd "$tmp/paper/figures" && "$real_gnuplot" "$(basename "$g")" > /dev/null 2> "$tmp/log") ||
    fail "$g: gnuplot failed: $(head -3 "$tmp/log")"
  ! grep -Eiq "$warn" "$tmp/log" || fail "$(basename "$g"): gnuplot: $(grep -Ei "$warn" "$tmp/log" | head -3)"
done
for g in "$tmp"/trace/*.gp; do
  (cd "$tmp/trace" && "$real_gnuplot" "$(basename "$g")" > /dev/null 2> "$tmp/log") ||
    fail "$g: gnuplot failed: $(head -3 "$tmp/log")"
  ! grep -Eiq "$warn" "$tmp/log" || fail "$(basename "$g"): gnuplot: $(grep -Ei "$warn" "$tmp/log" | head -3)"
done
for g in "$tmp"/run/figures/*.gp; do
  (cd "$tmp/run" && "$real_gnuplot" "figures/$(basename "$g")" > /dev/null 2> "$tmp/log") ||
    fail "$g: gnuplot failed"
  ! grep -Eiq "$warn" "$tmp/log" || fail "$(basename "$g"): gnuplot: $(grep -Ei "$warn" "$tmp/log" | head -3)"
done
echo "ok: every PNG drawn; gnuplot warned of nothing"
