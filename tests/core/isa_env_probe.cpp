// Prints the ISA nnk chose; ctest runs it with NNK_ISA set to good and bad values (see tests/CMakeLists.txt).
#include <cstdio>
#include <exception>
#include <string>

#include "nnk/cpu.hpp"

int main() {
  try {
    std::printf("active ISA: %s\n", std::string(nnk::to_string(nnk::active_isa())).c_str());
    return 0;
  } catch (const std::exception& e) {
    std::printf("error: %s\n", e.what());
    return 1;
  }
}
