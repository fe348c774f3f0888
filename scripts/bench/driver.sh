# driver.sh - sourced by the benchmarks (peers.sh, blas_modes.sh): build_driver OUT compiles
# scripts/bench/bench_tasks.c against build/liblrlab.a with the compile flags and libraries of
# CMake's own targets (build/ configured with CMake's default Makefile generator); exits 2
# when build/ is not such a tree.
build_driver() {
  local out=$1
  local flags=build/CMakeFiles/lrlab_core.dir/flags.make link=build/CMakeFiles/lrlab.dir/link.txt
  if [ ! -f "$flags" ] || [ ! -f "$link" ] || [ ! -f build/liblrlab.a ]; then
    echo "$0: $flags: not found (configure and build build/ with CMake's default Makefile generator)" >&2
    exit 2
  fi
  local cc
  cc=$(sed -n 's|^# compile C with ||p' "$flags")
  mkdir -p "$(dirname "$out")"
  # shellcheck disable=SC2046 # the flags are lists of words
  $cc $(sed -n 's/^C_FLAGS = //p' "$flags") $(sed -n 's/^C_INCLUDES = //p' "$flags") \
    -D_DEFAULT_SOURCE scripts/bench/bench_tasks.c -o "$out" \
    $(grep -o -- '-Wl,-rpath,[^ ]*' "$link" || true) \
    build/liblrlab.a $(sed -n 's/.* liblrlab\.a //p' "$link")
}
