// The cache sizes the OS reports for cpu0 (internal service of lib/cpu).
#pragma once

#include <cstdint>

namespace nnk::cpu {

// Bytes of the highest-level cache that cpu0 shares (sysfs: on virtual machines glibc's sysconf may report the
// whole socket's L3 instead), 32 MiB where it cannot be read. Read once.
std::int64_t last_level_cache_bytes();

// Bytes of cpu0's level-2 cache (sysfs), 1 MiB where it cannot be read. Read once.
std::int64_t l2_cache_bytes();

}  // namespace nnk::cpu
