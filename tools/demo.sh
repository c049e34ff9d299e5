#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build Release, then the main job: train a classifier on the
# bundled wdbc data (progress bar on a terminal, test accuracy at the end), then a short nnk-profile table.
# Extra arguments go to nnk-train, e.g. tools/demo.sh --threads 1 --epochs 50
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
build/tools/train/nnk-train --dataset wdbc "$@"
echo
build/tools/profile/nnk-profile --quick
