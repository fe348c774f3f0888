# driver.sh - sourced by the benchmarks (peers.sh, blas_modes.sh): build_driver OUT builds
# scripts/bench/bench_tasks.c, CMake's target bench_tasks (linked against the harness's own
# library, with the flags of every other target), and copies it to OUT; exits 2 when build/
# is not a configured CMake tree.
build_driver() {
  local out=$1
  if [ ! -f build/CMakeCache.txt ]; then
    echo "$0: build/: not configured (run bash scripts/bootstrap.sh quick)" >&2
    exit 2
  fi
  cmake --build build --target bench_tasks > /dev/null
  mkdir -p "$(dirname "$out")"
  [ build/bench/bench_tasks -ef "$out" ] || cp build/bench/bench_tasks "$out"
}
