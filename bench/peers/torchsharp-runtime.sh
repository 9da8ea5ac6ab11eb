#!/usr/bin/env bash
# Runs the TorchSharp peer (bench/peers/GraphGen.Peers, built) on a C++ runtime that TorchSharp 0.107 loads.
#
#   bash bench/peers/torchsharp-runtime.sh torchsharp [--threads 1,2] [case...]
#
# Why: TorchSharp 0.107.0's libLibTorchSharp.so was built with GCC 13 and asks for GLIBCXX_3.4.32
# (for std::ios_base_library_init, the symbol GCC 13's <iostream> references so that the stream
# initialiser is linked in; nothing calls it). Debian 12's libstdc++6 (GCC 12) stops at
# GLIBCXX_3.4.30, so TorchSharp fails to load ("doesn't contain a reference to libtorch-cpu-linux-x64").
# No Debian 12 package (nor bookworm-backports) has a newer libstdc++; Debian 13's libstdc++6 14.2
# has it but needs glibc 2.38 (__isoc23_strtoul), and Debian 12 has 2.36, so putting that library
# alone on LD_LIBRARY_PATH fails with "GLIBC_2.38 not found".
#
# What this does, for this one process and nothing else: downloads (apt-get download, from Debian 13
# "trixie", with a private apt state under artifacts/peers/apt; the system's sources and installed
# packages stay as they are) libc6, libgcc-s1 and libstdc++6, unpacks them under
# artifacts/peers/trixie-runtime, makes a copy of the peer's apphost whose ELF interpreter is that
# glibc's loader (patchelf, Debian 12's), and runs the copy with LD_LIBRARY_PATH on those libraries. The
# .NET runtime and libtorch then run on glibc 2.41 and libstdc++ 14.2; the malloc tunables
# (GLIBC_TUNABLES) mean the same there. Where the system's libstdc++ already has GLIBCXX_3.4.32 the
# peer runs directly.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="$ROOT/bench/peers/GraphGen.Peers/bin/Release/net10.0"
PEER="$BIN/GraphGen.Peers"
[ -x "$PEER" ] || { echo "build the peer first: dotnet build -c Release bench/peers/GraphGen.Peers" >&2; exit 2; }

system_libstdcxx="$(/sbin/ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ {path = $NF} END {print path}')"
if grep -qa GLIBCXX_3.4.32 "$system_libstdcxx"; then
  exec "$PEER" "$@"
fi

APT="$ROOT/artifacts/peers/apt"
RUNTIME="$ROOT/artifacts/peers/trixie-runtime"
LIB="$RUNTIME/usr/lib/x86_64-linux-gnu"
if [ ! -e "$LIB/libstdc++.so.6" ] || [ ! -e "$LIB/ld-linux-x86-64.so.2" ]; then
  mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$RUNTIME"
  echo "deb http://deb.debian.org/debian trixie main" > "$APT/sources.list"
  opts=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" update -qq >&2
  (cd "$APT" && rm -f ./*.deb && apt-get "${opts[@]}" download libc6 libgcc-s1 libstdc++6 >&2)
  for deb in "$APT"/*.deb; do dpkg-deb -x "$deb" "$RUNTIME"; echo "unpacked $(basename "$deb")" >&2; done
fi

PATCHED="$BIN/GraphGen.Peers.trixie"
if [ ! -x "$PATCHED" ] || [ "$PEER" -nt "$PATCHED" ]; then
  command -v patchelf >/dev/null || { apt-get update -qq && apt-get install -y -qq patchelf >/dev/null; } >&2
  cp "$PEER" "$PATCHED.tmp"
  patchelf --set-interpreter "$LIB/ld-linux-x86-64.so.2" "$PATCHED.tmp"
  mv "$PATCHED.tmp" "$PATCHED"
fi
LD_LIBRARY_PATH="$LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$PATCHED" "$@"
