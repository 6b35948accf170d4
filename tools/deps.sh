#!/usr/bin/env bash
# tools/deps.sh: install the Debian 12 packages splite needs to build and test,
# only those missing (apt-get; run as root). clang (with libFuzzer, in
# libclang-rt-14-dev) builds the fuzz harnesses tools/fuzz runs. libevtx-dev
# (libyal) is the reference the EVTX decoder is compared and fuzzed against
# (test_evtx_libevtx, fuzz_evtx_libevtx; docs/EVTX.md); splite itself does
# not link it. libhyperscan-dev (Hyperscan) is the shared scan's multi-literal
# matcher (src/multi/).
set -euo pipefail
pkgs=(cmake make gcc pkg-config libsqlite3-dev libyaml-dev libjansson-dev libcmocka-dev
      libexpat1-dev libpcre2-dev libzstd-dev lemon sqlite3
      libgeoip-dev geoip-database clang libclang-rt-14-dev libevtx-dev libhyperscan-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
