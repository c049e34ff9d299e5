#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build Release, run the whole test suite through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh "$@"
ctest --test-dir build --output-on-failure -j"$(nproc)"
