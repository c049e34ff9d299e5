#include "support/float_bits.hpp"

#include <bit>
#include <cstdint>
#include <iomanip>
#include <sstream>

namespace nnk::test {

std::string describe_bits(float x) {
  std::ostringstream out;
  out << "0x" << std::hex << std::uppercase << std::setw(8) << std::setfill('0') << std::bit_cast<std::uint32_t>(x)
      << std::dec << " (" << x << ")";
  return out.str();
}

}  // namespace nnk::test
