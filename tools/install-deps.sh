#!/usr/bin/env bash
# Installs the Debian 12 packages nnk needs that are missing (nothing when all are there). Run as root or with sudo.
#   tools/install-deps.sh                  build, tests, benchmarks and tools
#   tools/install-deps.sh --peers          also OpenBLAS and oneDNN, the optional benchmark peers
#   tools/install-deps.sh --plots          also matplotlib, for tools/plot_metrics.py
#   tools/install-deps.sh --reliability    also clang and its sanitizer/libFuzzer runtimes (fuzz and TSan builds),
#                                          and OpenCV (a second runtime for the ONNX export tests)
#   tools/install-deps.sh --datasets       also Fashion-MNIST (nnk-train --dataset fashion-mnist; 30 MB)
# Flags combine: tools/install-deps.sh --plots --reliability
set -euo pipefail

packages=(
  cmake g++ make binutils pkg-config
  libtbb-dev libxsimd-dev zlib1g-dev # the library (zlib: gzip-compressed IDX files)
  libgtest-dev libgmock-dev          # tests
  libbenchmark-dev                   # benchmarks
  libblas-test                       # netlib's BLAS testers, run against nnk_blas
  libcli11-dev nlohmann-json3-dev    # tools: argument parsing, JSON output
  libonnx-dev libprotobuf-dev        # nnk::onnx, the optional ONNX export (no protoc needed: no .proto is compiled)
  python3-onnx                       # its tests: onnx's checker (numpy comes along)
  libopenmpi-dev openmpi-bin         # nnk::mpi, the optional data-parallel training (mpicc, mpirun)
)
for flag in "$@"; do
  case "$flag" in
    --peers) packages+=(libopenblas-dev libdnnl-dev) ;;
    --plots) packages+=(python3 python3-matplotlib) ;;
    --reliability) packages+=(clang libclang-rt-14-dev python3-opencv) ;;
    --datasets) packages+=(dataset-fashion-mnist) ;;
    *) echo "install-deps.sh: unknown flag '$flag' (expected --peers, --plots, --reliability or --datasets)" >&2; exit 2 ;;
  esac
done

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
