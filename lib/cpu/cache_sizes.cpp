#include "cpu/cache_sizes.hpp"

#include <fstream>
#include <string>

namespace nnk::cpu {

namespace {

constexpr std::int64_t kDefaultLastLevelCacheBytes = std::int64_t{32} << 20;

// The size of the highest-level cache of cpu0 in sysfs ("32768K"), or 0.
std::int64_t last_level_cache_bytes_from_sysfs() {
  std::int64_t best_level = 0, best_bytes = 0;
  for (int index = 0; index < 16; ++index) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
    std::ifstream level_file(dir + "level"), size_file(dir + "size");
    std::int64_t level = 0, size = 0;
    std::string unit;
    if (!(level_file >> level) || !(size_file >> size)) break;
    size_file >> unit;  // "K" or "M" right after the number, or nothing
    if (!unit.empty() && unit[0] == 'K') size <<= 10;
    if (!unit.empty() && unit[0] == 'M') size <<= 20;
    if (level > best_level) {
      best_level = level;
      best_bytes = size;
    }
  }
  return best_bytes;
}

}  // namespace

std::int64_t last_level_cache_bytes() {
  static const std::int64_t bytes = [] {
    const std::int64_t from_sysfs = last_level_cache_bytes_from_sysfs();
    return from_sysfs > 0 ? from_sysfs : kDefaultLastLevelCacheBytes;
  }();
  return bytes;
}

}  // namespace nnk::cpu
