#!/usr/bin/env bash
# Builds oneTBB with ThreadSanitizer for nnk's TSan build and prints its install prefix.
#   tests/concurrency/build_tsan_onetbb.sh WORKDIR     (reuses WORKDIR/install when it is already there)
#
# Why: Debian's libtbb is not instrumented, so TSan cannot see the synchronization inside it (task hand-off between
# threads, the join at the end of a parallel_for). Every parallel_for then shows up as data races on the task
# objects and on whatever the tasks read or write: hundreds of false reports, which suppressions could only hide by
# also hiding real races in nnk's own parallel code. oneTBB's answer is to build it with -fsanitize=thread
# (TBB_SANITIZE), where its synchronization is plain std::atomic that TSan understands. This fetches the source of
# the very package installed (Debian's onetbb, with apt-get source and a private package list: nothing in /etc
# changes) and builds libtbb only (nnk does not use tbbmalloc).
set -euo pipefail
work=$(realpath -m "${1:?usage: build_tsan_onetbb.sh WORKDIR}")
prefix="$work/install"
if [ -f "$prefix/lib/cmake/TBB/TBBConfig.cmake" ] || [ -f "$prefix/lib64/cmake/TBB/TBBConfig.cmake" ]; then
  echo "$prefix"
  exit 0
fi
mkdir -p "$work/apt/lists/partial" "$work/apt/archives/partial" "$work/src"
version=$(dpkg-query -W -f='${Version}' libtbb-dev)
cat > "$work/apt/sources.list" <<LIST
deb-src http://deb.debian.org/debian bookworm main
deb-src http://deb.debian.org/debian-security bookworm-security main
deb-src http://deb.debian.org/debian bookworm-updates main
LIST
apt_private=(-o Dir::Etc::SourceList="$work/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
             -o Dir::State::Lists="$work/apt/lists" -o Dir::Cache::Archives="$work/apt/archives")
apt-get "${apt_private[@]}" update -qq >&2
(cd "$work/src" && apt-get "${apt_private[@]}" source --download-only -qq "onetbb=$version" >&2)
tar -xf "$work"/src/onetbb_*.orig.tar.* -C "$work/src"
source_dir=$(find "$work/src" -maxdepth 1 -type d -iname 'onetbb-*' | head -1)
# TBB_STRICT=OFF: oneTBB's -Werror would stop at GCC's warnings about fences under TSan.
cmake -S "$source_dir" -B "$work/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTBB_SANITIZE=thread -DTBB_STRICT=OFF \
      -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBBMALLOC_BUILD=OFF -DCMAKE_INSTALL_PREFIX="$prefix" >&2
cmake --build "$work/build" -j"$(nproc)" >&2
cmake --install "$work/build" >&2
echo "$prefix"
