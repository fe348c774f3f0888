#!/usr/bin/env bash
# install_example.sh - `cmake --install` into a scratch prefix, then build the example of
# scripts/examples/ against the installed library with pkg-config alone, and run it.
# usage: install_example.sh SRC_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log"
pc=$(find "$tmp/prefix" -name lrlab.pc)
[ -n "$pc" ] || { echo "FAIL: no lrlab.pc installed" >&2; exit 1; }
# an install at any prefix: pkg-config finds everything from the .pc file's own place
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$pc")
[ "$(pkg-config --variable=prefix lrlab)" -ef "$tmp/prefix" ] \
  || { echo "FAIL: lrlab.pc's prefix $(pkg-config --variable=prefix lrlab) is not $tmp/prefix" >&2; exit 1; }
cc -std=c11 -Wall -Wextra -Werror "$src/scripts/examples/greedy_loop.c" \
  $(pkg-config --cflags --libs lrlab) -o "$tmp/greedy_loop"
# and moved elsewhere as a whole
mv "$tmp/prefix" "$tmp/moved"
PKG_CONFIG_PATH=${PKG_CONFIG_PATH/prefix/moved}
cc -std=c11 -Wall -Wextra -Werror "$src/scripts/examples/greedy_loop.c" \
  $(pkg-config --cflags --libs lrlab) -o "$tmp/greedy_loop_moved"
"$tmp/greedy_loop_moved" > /dev/null
"$tmp/greedy_loop"
echo "install: headers, library and pkg-config file usable from outside the tree"
