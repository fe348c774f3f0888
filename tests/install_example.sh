#!/usr/bin/env bash
# install_example.sh - the public library as a user meets it: `cmake --install` into a scratch
# prefix, then scripts/examples/train_loop.c (GreedyLR, cosine and Adam in a loop of its own,
# with a save and resume) built with the plain pkg-config line and run, against the shared
# library and against the static one, from the prefix and from a copy moved elsewhere.
# Checks that only lrlab.h is installed, that both libraries export only lrlab_ symbols, and
# that the shared one has a soname and needs neither Lua, libcsv nor BLAS.
# usage: install_example.sh SRC_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log"
pc=$(find "$tmp/prefix" -name lrlab.pc)
[ -n "$pc" ] || fail "no lrlab.pc installed"
libdir=$(dirname "$(dirname "$pc")")

# the one header
headers=$(cd "$tmp/prefix/include" && find . -type f | sort)
[ "$headers" = "./lrlab.h" ] || fail "installed headers are not just lrlab.h: $headers"

# exported symbols: lrlab_ only, in both libraries
so=$(readlink -f "$libdir/liblrlab.so")
[ -f "$so" ] && [ -f "$libdir/liblrlab.a" ] || fail "liblrlab.so and liblrlab.a not both installed"
others=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^lrlab_' || true)
[ -z "$others" ] || fail "liblrlab.so exports non-lrlab_ symbols: $(echo $others | head -c 300)"
others=$(nm -g --defined-only "$libdir/liblrlab.a" | awk 'NF == 3 {print $3}' | grep -v '^lrlab_' || true)
[ -z "$others" ] || fail "liblrlab.a defines non-lrlab_ globals: $(echo $others | head -c 300)"
n=$(nm -D --defined-only "$so" | grep -c ' T lrlab_')
[ "$n" -ge 20 ] || fail "liblrlab.so exports $n lrlab_ functions (expected the API's 21)"
readelf -d "$so" | grep -q 'SONAME.*\[liblrlab\.so\.0\]' || fail "no soname liblrlab.so.0"
needed=$(readelf -d "$so" | grep NEEDED || true)
if echo "$needed" | grep -Eq 'lua|csv|blas'; then fail "liblrlab.so needs $needed"; fi

# the plain pkg-config line, any prefix: lrlab.pc finds everything from its own place
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$pc")
[ "$(pkg-config --variable=prefix lrlab)" -ef "$tmp/prefix" ] \
  || fail "lrlab.pc's prefix $(pkg-config --variable=prefix lrlab) is not $tmp/prefix"
ex=$src/scripts/examples/train_loop.c
cc -std=c11 -Wall -Wextra -Werror "$ex" $(pkg-config --cflags --libs lrlab) -lm -o "$tmp/loop_shared"
LD_LIBRARY_PATH=$libdir "$tmp/loop_shared" > "$tmp/shared.out" || { cat "$tmp/shared.out"; fail "the example failed (shared)"; }
# static: the archive with the private libraries pkg-config --static names
cc -std=c11 -Wall -Wextra -Werror "$ex" $(pkg-config --cflags lrlab) "$libdir/liblrlab.a" \
  $(pkg-config --static --libs lrlab | sed 's/-llrlab//') -lm -o "$tmp/loop_static"
"$tmp/loop_static" > "$tmp/static.out" || { cat "$tmp/static.out"; fail "the example failed (static)"; }
cmp -s "$tmp/shared.out" "$tmp/static.out" || fail "shared and static runs print differently"
if ldd "$tmp/loop_static" | grep -q liblrlab; then fail "the static build loads liblrlab.so"; fi
grep -q "the same weights, bit for bit" "$tmp/static.out" || fail "no resume line"

# moved elsewhere as a whole
mv "$tmp/prefix" "$tmp/moved"
PKG_CONFIG_PATH=${PKG_CONFIG_PATH/prefix/moved}
cc -std=c11 -Wall -Wextra -Werror "$ex" $(pkg-config --cflags --libs lrlab) -lm -o "$tmp/loop_moved"
LD_LIBRARY_PATH=${libdir/prefix/moved} "$tmp/loop_moved" > "$tmp/moved.out"
cmp -s "$tmp/shared.out" "$tmp/moved.out" || fail "the moved install runs differently"
cat "$tmp/shared.out"
echo "install: lrlab.h, liblrlab.so.0 and liblrlab.a usable from any prefix with the plain pkg-config line"
