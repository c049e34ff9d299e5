#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build Release, run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
build/tools/nnk-demo "$@"
