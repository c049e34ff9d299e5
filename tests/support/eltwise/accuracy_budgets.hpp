// The accuracy of the activation kernels, in ulp from the reference's correctly rounded result, per ISA: the one
// set of numbers that include/nnk/kernels.hpp documents and that tests/eltwise enforces (the accuracy sweep and the
// kernel tests). Change one here and in the header together.
#pragma once

#include <cstdint>

#include "nnk/cpu.hpp"
#include "nnk/types.hpp"

namespace nnk::test {

struct UlpPerIsa {
  std::uint64_t avx512, avx2, generic;

  constexpr std::uint64_t on(Isa isa) const {
    switch (isa) {
      case Isa::Avx512: return avx512;
      case Isa::Avx2: return avx2;
      case Isa::Generic: break;
    }
    return generic;
  }
};

// bias_activation_forward, the largest errors the accuracy sweep finds: every float of [-100, 100] (sigmoid, tanh),
// softmax per element.
inline constexpr UlpPerIsa kSigmoidUlp{.avx512 = 2, .avx2 = 2, .generic = 2};
inline constexpr UlpPerIsa kTanhUlp{.avx512 = 2, .avx2 = 2, .generic = 3};
inline constexpr UlpPerIsa kSoftmaxUlp{.avx512 = 3, .avx2 = 3, .generic = 3};
// With a bias, sigmoid and tanh take z + bias rounded to float (the reference adds in double); near 0 that rounding
// dominates: sigmoid may be off by this much absolute, tanh by one more ulp. Softmax forms z + bias exactly.
inline constexpr double kSigmoidBiasAbsoluteError = 1e-7;
inline constexpr std::uint64_t kTanhBiasExtraUlp = 1;

// activation_derivative (sigmoid, tanh): one rounding with FMA, where the reference rounds twice.
inline constexpr UlpPerIsa kDerivativeUlp{.avx512 = 1, .avx2 = 1, .generic = 2};
// activation_backward (sigmoid, tanh): the derivative's error plus the product's rounding.
inline constexpr UlpPerIsa kBackwardUlp{.avx512 = 2, .avx2 = 2, .generic = 3};

}  // namespace nnk::test
