// How many OS threads this process has now (the entries of /proc/self/task): a black-box view of how many threads
// nnk made oneTBB start, since oneTBB starts its worker threads only when an arena asks for them.
#pragma once

#include <cstdint>

namespace nnk::test {

std::int64_t count_os_threads();

}  // namespace nnk::test
