#!/usr/bin/env bash
# blas_kernels.sh - the same bytes whatever kernel OpenBLAS would pick (portable mode), and the
# proof that the check can fail (native mode differs between kernels).
#
# What: runs tests/blas/kernels.lua (NMF, MLP, CNN, both character models: every task that
# calls BLAS) in portable mode under each ambient OPENBLAS_CORETYPE this CPU can execute
# (unset, Haswell, Zen, Sandybridge, and SkylakeX when the CPU has AVX-512), and requires
# runs.csv, curves.csv and evals.csv identical in every case, with provenance naming the
# portable mode and the Haswell kernel. Then runs it in native mode under Sandybridge and
# Haswell (by --blas native and by LRLAB_BLAS=native) and requires the bytes to differ and
# provenance to name each kernel: without the portable mode the check above would fail. Last,
# bad values of --blas and LRLAB_BLAS are refused with one line and exit code 2.
# Why: results must be byte-identical on any x86-64 machine (README: The same bytes on any machine);
# this runs the kernels of other CPUs on this one, which the kernels allow (each one runs on
# any CPU that has its instruction set).
# usage: blas_kernels.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$1 bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"
unset LRLAB_BLAS

if [ "$(uname -m)" != x86_64 ]; then
  echo "not an x86-64 machine ($(uname -m)): portable mode runs the machine's kernel here"
  "$bin" run tests/blas/kernels.lua --out "$tmp/p" --quiet -j 2 > /dev/null
  grep -qx 'blas_mode: portable-unavailable' "$tmp/p/provenance.txt" || fail "provenance mode"
  exit 0
fi

flags=$(grep -m1 '^flags' /proc/cpuinfo)
has() { [[ " $flags " == *" $1 "* ]]; }
for f in avx avx2 fma; do has $f || fail "this CPU lacks $f: the portable kernel cannot run here"; done
types="unset Haswell Zen Sandybridge"
if has avx512f && has avx512bw && has avx512dq && has avx512vl; then
  types="$types SkylakeX"
else
  echo "no AVX-512 here: the SkylakeX kernel is not tried"
fi

run() { # NAME CORETYPE [ARGS...]: the matrix into $tmp/NAME with that ambient kernel
  local name=$1 ct=$2
  shift 2
  if [ "$ct" = unset ]; then
    env -u OPENBLAS_CORETYPE "$bin" run tests/blas/kernels.lua --out "$tmp/$name" --quiet -j 2 "$@"
  else
    OPENBLAS_CORETYPE=$ct "$bin" run tests/blas/kernels.lua --out "$tmp/$name" --quiet -j 2 "$@"
  fi > "$tmp/$name.out" 2>&1 || { cat "$tmp/$name.out" >&2; fail "$name: lrlab run failed"; }
  grep -q ',failed,\|,diverged,' "$tmp/$name/runs.csv" && fail "$name: a cell failed or diverged"
  return 0
}
prov() { sed -n "s/^$2: //p" "$tmp/$1/provenance.txt"; }

first=
for ct in $types; do
  run "p-$ct" "$ct"
  [ "$(prov "p-$ct" blas_mode)" = portable ] || fail "p-$ct: provenance blas_mode $(prov "p-$ct" blas_mode)"
  [ "$(prov "p-$ct" blas_kernel)" = Haswell ] || fail "p-$ct: provenance blas_kernel $(prov "p-$ct" blas_kernel)"
  if [ -z "$first" ]; then
    first=p-$ct
    continue
  fi
  for f in runs.csv curves.csv evals.csv; do
    cmp "$tmp/$first/$f" "$tmp/p-$ct/$f" || fail "portable mode: $f differs between ambient kernels ${first#p-} and $ct"
  done
  echo "portable under $ct: identical to ${first#p-}"
done

run n-Sandybridge Sandybridge --blas native
LRLAB_BLAS=native run n-Haswell Haswell
for k in Sandybridge Haswell; do
  [ "$(prov "n-$k" blas_mode)" = native ] || fail "n-$k: provenance blas_mode $(prov "n-$k" blas_mode)"
  [ "$(prov "n-$k" blas_kernel)" = "$k" ] || fail "n-$k: provenance blas_kernel $(prov "n-$k" blas_kernel)"
done
cmp -s "$tmp/n-Sandybridge/runs.csv" "$tmp/n-Haswell/runs.csv" &&
  fail "native mode: Sandybridge and Haswell gave the same runs.csv (the check above could not fail)"
cmp -s "$tmp/n-Haswell/runs.csv" "$tmp/$first/runs.csv" ||
  fail "native Haswell differs from portable mode (which runs Haswell)"
echo "native: Sandybridge and Haswell differ; native Haswell equals portable"

# bad values: one line, exit code 2, nothing written
set +e
"$bin" run tests/blas/kernels.lua --out "$tmp/bad1" --blas fast > "$tmp/stdout" 2> "$tmp/stderr"
rc=$?
set -e
[ $rc -eq 2 ] || fail "--blas fast: exit $rc"
[ "$(head -1 "$tmp/stderr")" = "lrlab: run: --blas: invalid value (expected portable or native, got fast)" ] ||
  fail "--blas fast: $(head -1 "$tmp/stderr")"
set +e
LRLAB_BLAS=Haswell "$bin" run tests/blas/kernels.lua --out "$tmp/bad2" > "$tmp/stdout" 2> "$tmp/stderr"
rc=$?
set -e
[ $rc -eq 2 ] || fail "LRLAB_BLAS=Haswell: exit $rc"
[ "$(head -1 "$tmp/stderr")" = "lrlab: LRLAB_BLAS: invalid value (expected portable or native, got Haswell)" ] ||
  fail "LRLAB_BLAS=Haswell: $(head -1 "$tmp/stderr")"
# a CPU without AVX2 or FMA (simulated): one line naming the CPU and what it lacks, exit 2
for miss in avx2 fma; do
  set +e
  LRLAB_FAULT_CPU=no-$miss "$bin" run tests/blas/kernels.lua --out "$tmp/bad-$miss" > "$tmp/stdout" 2> "$tmp/stderr"
  rc=$?
  set -e
  want="without $(echo $miss | tr a-z A-Z))"
  [ $rc -eq 2 ] || fail "no $miss: exit $rc"
  line=$(head -1 "$tmp/stderr")
  [[ $line == "lrlab: blas: "*": this CPU cannot run the portable kernel (expected x86-64 with AVX2 and FMA, got x86-64 $want" ]] ||
    fail "no $miss: $line"
  sed -n 2p "$tmp/stderr" | grep -q '^hint: --blas native runs' || fail "no $miss: no hint"
  [ ! -s "$tmp/stdout" ] && [ ! -e "$tmp/bad-$miss" ] || fail "no $miss: wrote something"
done
LRLAB_FAULT_CPU=no-avx2 "$bin" run tests/blas/kernels.lua --out "$tmp/native-ok" --quiet --blas native > /dev/null ||
  fail "native mode refused on a CPU without AVX2"
[ ! -e "$tmp/bad1" ] && [ ! -e "$tmp/bad2" ] || fail "a refused run wrote its folder"
echo "ok: portable mode gives one set of bytes under $types"
