// Thread control: a process-wide thread count, a per-thread scoped override, and one oneTBB arena per count.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "cpu/float_env.hpp"
#include "cpu/parallel.hpp"
#include "nnk/cpu.hpp"
#include "nnk/error.hpp"

namespace nnk {

namespace {

int default_threads() { return std::max(1, tbb::info::default_concurrency()); }

std::atomic<int> process_threads{0};  // 0: not set, use default_threads()
thread_local int scoped_threads = 0;  // 0: no ScopedNumThreads active on this thread

void check_thread_count(const char* function, int n) {
  if (n < 1) detail::fail(function, ": n must be >= 1, got ", n);
}

// Arenas are created on first use of a thread count and live until exit: creating one per call would cost more
// than the small GEMMs it runs.
tbb::task_arena& arena_for(int threads) {
  static std::mutex mutex;
  static std::map<int, std::unique_ptr<tbb::task_arena>> arenas;
  std::lock_guard lock(mutex);
  auto& arena = arenas[threads];
  // More slots than cores would only make oneTBB warn and ignore the request: the work is still split for
  // `threads` (callers partition by num_threads()), it just runs on the cores there are.
  if (!arena) arena = std::make_unique<tbb::task_arena>(std::min(threads, default_threads()));
  return *arena;
}

}  // namespace

int num_threads() {
  if (scoped_threads > 0) return scoped_threads;
  const int n = process_threads.load(std::memory_order_relaxed);
  return n > 0 ? n : default_threads();
}

void set_num_threads(int n) {
  check_thread_count("nnk::set_num_threads", n);
  process_threads.store(n, std::memory_order_relaxed);
}

ScopedNumThreads::ScopedNumThreads(int n) : previous_(scoped_threads) {
  check_thread_count("nnk::ScopedNumThreads", n);
  scoped_threads = n;
}

ScopedNumThreads::~ScopedNumThreads() { scoped_threads = previous_; }

namespace cpu {

void parallel_for_chunks(std::int64_t count, std::int64_t grain, RangeFunction function, void* context) {
  if (count <= 0) return;
  grain = std::max<std::int64_t>(grain, 1);
  const int threads = num_threads();
  // Every chunk runs with denormals flushed, on whichever thread runs it, inline or not: the same arithmetic for
  // any thread count (cpu/float_env.hpp). The scope is per chunk, so workers and the caller get their MXCSR back.
  if (threads == 1 || count <= grain) {
    const FlushDenormalsScope flush;
    for (std::int64_t begin = 0; begin < count; begin += grain) function(context, begin, std::min(count, begin + grain));
    return;
  }
  arena_for(threads).execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::int64_t>(0, count, grain),
        [&](const tbb::blocked_range<std::int64_t>& r) {
          const FlushDenormalsScope flush;
          function(context, r.begin(), r.end());
        },
        tbb::simple_partitioner());
  });
}

}  // namespace cpu
}  // namespace nnk
