// The calling thread's denormal mode, for tests and diagnostics (the scope itself is inline: it wraps hot loops).
#include "cpu/float_env.hpp"

namespace nnk::cpu {

bool denormals_flushed() noexcept {
#if NNK_HAS_MXCSR
  return (read_mxcsr() & kMxcsrFlushDenormals) == kMxcsrFlushDenormals;
#else
  return false;
#endif
}

}  // namespace nnk::cpu
