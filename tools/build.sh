#!/usr/bin/env bash
# Configures and builds nnk (Release) in build/, installing missing Debian packages first.
# Extra arguments go to the CMake configure step, e.g. tools/build.sh -DNNK_WERROR=ON
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j"$(nproc)"
