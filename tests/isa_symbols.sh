#!/usr/bin/env bash
# Fails if a per-ISA object defines a weak (COMDAT) symbol: the linker keeps one copy of each weak symbol for the
# whole program, so an AVX-512 copy of, say, an inline std:: helper could be the one a generic caller runs, and an
# older CPU would die with SIGILL (dependencies.md). The per-ISA files keep their code in anonymous namespaces.
set -euo pipefail
status=0
for object in "$@"; do
  weak=$(nm -C --defined-only "$object" | awk '$2 == "W" || $2 == "V" || $2 == "u"' || true)
  if [ -n "$weak" ]; then
    echo "FAIL: $object defines weak symbols shared across ISAs:"
    echo "$weak"
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "OK: $# per-ISA objects define no weak symbols"
exit "$status"
