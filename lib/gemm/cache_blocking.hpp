// mc and nc from the cache sizes the OS reports for cpu0 (internal to lib/gemm; see the per-ISA kernel sets).
//
// kc stays a per-ISA constant: it sets how each element's sum over K is split into blocks, so the bits of a result,
// and those must not change from one host to another of the same ISA. mc and nc only order the loops.
#pragma once

#include <algorithm>
#include <cstdint>

#include "cpu/cache_sizes.hpp"

namespace nnk::gemm {

// Rows of A packed per block: the mc x kc block fills `l2_share` of L2, in whole micro-panels of mr rows.
inline std::int64_t mc_for_l2(std::int64_t mr, std::int64_t kc, double l2_share) {
  const double rows = static_cast<double>(cpu::l2_cache_bytes()) * l2_share / static_cast<double>(kc * 4);
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(rows) / mr * mr, mr, 64 * mr);
}

// Columns of B packed per block: the kc x nc panel fills a quarter of the last-level cache (the share of a VM's
// cores is what sysfs reports), in whole micro-panels of nr columns.
inline std::int64_t nc_for_last_level_cache(std::int64_t nr, std::int64_t kc) {
  const double columns = static_cast<double>(cpu::last_level_cache_bytes()) / 4.0 / static_cast<double>(kc * 4);
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(columns) / nr * nr, 16 * nr, 4096 * nr);
}

}  // namespace nnk::gemm
