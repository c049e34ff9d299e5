// A deadlock guard for concurrency tests: if the guarded scope has not ended after the time limit, the watchdog
// prints what hung and aborts the process, so ctest reports a failure instead of waiting forever.
//
//   const nnk::test::Watchdog watchdog("sgemm inside a user's tbb::parallel_for", std::chrono::seconds(120));
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace nnk::test {

class Watchdog {
 public:
  Watchdog(std::string what, std::chrono::seconds limit);
  ~Watchdog();  // ends the watch
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable finished_changed_;
  bool finished_ = false;
  std::thread thread_;
};

}  // namespace nnk::test
