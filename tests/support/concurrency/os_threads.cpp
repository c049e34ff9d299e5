#include "support/concurrency/os_threads.hpp"

#include <filesystem>

namespace nnk::test {

std::int64_t count_os_threads() {
  std::int64_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ++count;
  return count;
}

}  // namespace nnk::test
