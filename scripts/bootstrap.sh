#!/usr/bin/env bash
# bootstrap.sh - install what lrlab needs, build it, fetch its data, then run the quick demo or the tests.
#
# What: checks the Debian packages the build needs (installs the missing ones as root, else
# prints the exact apt-get line), configures CMake once, builds, fetches the data (the default
# set for quick, every set for test), then runs the quick experiment (quick) or the test suite
# under ctest (test).
# Why: one command from a fresh Debian 12 machine to results, the same for a developer and CI;
# every step is skipped or incremental when nothing changed, so a second run is fast.
#
# Usage: bash scripts/bootstrap.sh quick [ARGS...]   ARGS go to `lrlab run scripts/quick.lua`
#        bash scripts/bootstrap.sh test  [ARGS...]   ARGS go to ctest
# Environment: CI=true configures with -DLRLAB_WERROR=ON; LRLAB_DATA moves the data folder.
# Exit status: the demo's or ctest's own; 2 on bad usage or missing packages without root.
set -euo pipefail

# Debian packages the build and the quick demo need. gnuplot-nox stands for any gnuplot
# (gnuplot, gnuplot-qt, gnuplot-x11): a gnuplot binary on PATH is what counts.
PACKAGES="gcc make cmake pkg-config liblua5.4-dev libopenblas-dev libcsv-dev zlib1g-dev gnuplot-nox"
# Extra packages only the test suite needs: a real one-node Slurm for tests/slurm.sh, and
# Python 3 (standard library only) for scripts/makespan.py (tests/makespan.sh), and a headless
# Chromium that opens report.html (tests/report_html.sh), and the pinned formatter and the
# static analyser of tests/format.sh and tests/lint.sh.
TEST_PACKAGES="slurm-wlm munge python3 chromium clang-format-14 cppcheck"

usage() {
  echo "usage: bash scripts/bootstrap.sh quick|test [ARGS...]" >&2
  exit 2
}

say() { echo "bootstrap: $*"; }

MODE=${1:-}
case $MODE in
  quick|test) shift ;;
  -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
  *) usage ;;
esac

cd "$(dirname "$0")/.."

# --- a. Debian packages -----------------------------------------------------------------------
installed() { [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]; }

wanted=$PACKAGES
if [[ $MODE == test ]]; then wanted="$wanted $TEST_PACKAGES"; fi
missing=()
for pkg in $wanted; do
  if [[ $pkg == gnuplot-nox ]]; then
    command -v gnuplot >/dev/null 2>&1 || missing+=("$pkg")
  else
    installed "$pkg" || missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: missing Debian packages; run: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 2
  fi
  say "installing ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
fi

# --- b. configure (once) and build (incremental) ----------------------------------------------
if [[ ! -f CMakeLists.txt ]]; then
  echo "bootstrap: no CMakeLists.txt in $(pwd)" >&2
  exit 2
fi
# Configure when there is no cache, or when an earlier configure failed and left a cache but
# no build system; otherwise the build re-runs CMake by itself whenever CMakeLists.txt changes.
if [[ ! -f build/CMakeCache.txt ]] || [[ ! -f build/Makefile && ! -f build/build.ninja ]]; then
  cmake_args=(-S . -B build -DCMAKE_BUILD_TYPE=Release)
  if [[ ${CI:-} == true ]]; then cmake_args+=(-DLRLAB_WERROR=ON); fi
  cmake "${cmake_args[@]}"
fi
cmake --build build -j "$(nproc)"

# --- c. data ----------------------------------------------------------------------------------
# The demo needs the default set (faces); the tests load every data set (tests/test_data_real.c).
if [[ $MODE == test ]]; then
  bash scripts/fetch-data.sh all
else
  bash scripts/fetch-data.sh
fi

# --- d. run -----------------------------------------------------------------------------------
if [[ $MODE == quick ]]; then
  ./build/lrlab run scripts/quick.lua "$@"
  say "results in results/quick/: runs.csv (one row per cell and stage), curves.csv, evals.csv, comparisons.csv, figures/*.png"
  if compgen -G 'results/quick/figures/*.png' >/dev/null; then
    for f in results/quick/figures/*.png; do say "  $f"; done
  fi
else
  rc=0
  (cd build && ctest --output-on-failure -j "$(nproc)" "$@") || rc=$?
  exit "$rc"
fi
