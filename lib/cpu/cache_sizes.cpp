#include "cpu/cache_sizes.hpp"

#include <fstream>
#include <string>

namespace nnk::cpu {

namespace {

constexpr std::int64_t kDefaultLastLevelCacheBytes = std::int64_t{32} << 20;
constexpr std::int64_t kDefaultL2CacheBytes = std::int64_t{1} << 20;

// The data or unified caches of cpu0 in sysfs, as (level, bytes) per index directory.
struct CacheLevel {
  std::int64_t level = 0;
  std::int64_t bytes = 0;
};

// Size of the cache at sysfs index `index` ("48K", "32768K"); level 0 when the index does not exist or holds
// instructions only.
CacheLevel cache_at_index(int index) {
  const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
  std::ifstream level_file(dir + "level"), size_file(dir + "size"), type_file(dir + "type");
  CacheLevel cache;
  std::string unit, type;
  if (!(level_file >> cache.level) || !(size_file >> cache.bytes)) return {};
  size_file >> unit;  // "K" or "M" right after the number, or nothing
  if (!unit.empty() && unit[0] == 'K') cache.bytes <<= 10;
  if (!unit.empty() && unit[0] == 'M') cache.bytes <<= 20;
  if (type_file >> type && type == "Instruction") cache.level = -1;
  return cache;
}

// The largest level (level_wanted == 0) or the given level's size, or 0 when sysfs does not say.
std::int64_t cache_bytes_from_sysfs(std::int64_t level_wanted) {
  CacheLevel best;
  for (int index = 0; index < 16; ++index) {
    const CacheLevel cache = cache_at_index(index);
    if (cache.level == 0) break;
    if (level_wanted != 0 ? cache.level == level_wanted : cache.level > best.level) best = cache;
  }
  return best.bytes;
}

}  // namespace

std::int64_t last_level_cache_bytes() {
  static const std::int64_t bytes = [] {
    const std::int64_t from_sysfs = cache_bytes_from_sysfs(0);
    return from_sysfs > 0 ? from_sysfs : kDefaultLastLevelCacheBytes;
  }();
  return bytes;
}

std::int64_t l2_cache_bytes() {
  static const std::int64_t bytes = [] {
    const std::int64_t from_sysfs = cache_bytes_from_sysfs(2);
    return from_sysfs > 0 ? from_sysfs : kDefaultL2CacheBytes;
  }();
  return bytes;
}

}  // namespace nnk::cpu
