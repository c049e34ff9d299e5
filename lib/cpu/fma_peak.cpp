#include "cpu/fma_peak.hpp"

#include "nnk/cpu.hpp"
#include "nnk/error.hpp"
#include "nnk/peak.hpp"

namespace nnk {

double run_fma_peak_loop(std::int64_t rounds) {
  if (rounds < 0) detail::fail("nnk::run_fma_peak_loop: rounds must be >= 0, got ", rounds);
  switch (active_isa()) {
    case Isa::Avx512: return cpu::fma_peak_loop_avx512(rounds);
    case Isa::Avx2: return cpu::fma_peak_loop_avx2(rounds);
    case Isa::Generic: break;
  }
  return cpu::fma_peak_loop_generic(rounds);
}

}  // namespace nnk
