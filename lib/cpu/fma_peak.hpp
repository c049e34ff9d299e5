// The FMA peak loop of each ISA (internal). Returns the flops performed.
#pragma once

#include <cstdint>

namespace nnk::cpu {

double fma_peak_loop_avx512(std::int64_t rounds);
double fma_peak_loop_avx2(std::int64_t rounds);
double fma_peak_loop_generic(std::int64_t rounds);

}  // namespace nnk::cpu
