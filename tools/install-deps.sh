#!/usr/bin/env bash
# Installs the Debian 12 packages nnk needs that are missing (nothing when all are there). Run as root or with sudo.
#   tools/install-deps.sh            build, tests and benchmarks
#   tools/install-deps.sh --peers    also OpenBLAS and oneDNN, the optional benchmark peers
set -euo pipefail

packages=(
  cmake g++ make binutils pkg-config
  libtbb-dev libxsimd-dev           # the library
  libgtest-dev libgmock-dev         # tests
  libbenchmark-dev                  # benchmarks
  libblas-test                      # netlib's BLAS testers, run against nnk_blas
)
if [ "${1:-}" = "--peers" ]; then
  packages+=(libopenblas-dev libdnnl-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "nnk: installing ${missing[*]}"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "nnk: run as root (or install sudo) to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
