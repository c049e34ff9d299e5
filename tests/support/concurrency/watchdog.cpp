#include "support/concurrency/watchdog.hpp"

#include <cstdio>
#include <cstdlib>

namespace nnk::test {

Watchdog::Watchdog(std::string what, std::chrono::seconds limit)
    : thread_([this, what = std::move(what), limit] {
        std::unique_lock lock(mutex_);
        if (finished_changed_.wait_for(lock, limit, [this] { return finished_; })) return;
        std::fprintf(stderr, "\nWatchdog: '%s' did not finish within %lld s: deadlock (or a machine far too slow); "
                             "aborting\n", what.c_str(), static_cast<long long>(limit.count()));
        std::fflush(stderr);
        std::abort();
      }) {}

Watchdog::~Watchdog() {
  {
    const std::lock_guard lock(mutex_);
    finished_ = true;
  }
  finished_changed_.notify_one();
  thread_.join();
}

}  // namespace nnk::test
