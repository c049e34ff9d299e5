#include "measure/triad.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "nnk/matrix.hpp"

namespace nnk_measure {

namespace {
using Clock = std::chrono::steady_clock;
}  // namespace

struct Triad::Arrays {
  Arrays(std::int64_t n, int threads) : a(n, 1), b(n, 1), c(n, 1), arena(threads) {
    b.fill(1.0f);
    c.fill(2.0f);
  }
  nnk::Matrix a, b, c;  // 64-byte aligned, like the kernels' operands
  tbb::task_arena arena;
};

Triad::Triad(std::int64_t elements, int threads)
    : elements_(elements), threads_(threads), arrays_(std::make_unique<Arrays>(elements, threads)) {}

Triad::~Triad() = default;

void Triad::run() {
  float* a = arrays_->a.data();
  const float* b = arrays_->b.data();
  const float* c = arrays_->c.data();
  const float s = 0.5f;
  auto triad = [=](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) a[i] = b[i] + s * c[i];
  };
  if (threads_ == 1) {
    triad(0, elements_);
    return;
  }
  arrays_->arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, elements_),
                      [&](const tbb::blocked_range<std::int64_t>& r) { triad(r.begin(), r.end()); },
                      tbb::static_partitioner());
  });
}

double TriadRates::bytes_per_second(std::int64_t elements, int threads) {
  std::unique_ptr<Triad>& triad = triads_[{elements, threads}];
  if (!triad) {
    triad = std::make_unique<Triad>(elements, threads);
    // Faults the pages in, starts the threads, lets the cores reach their clock.
    for (const auto until = Clock::now() + std::chrono::milliseconds(200); Clock::now() < until;) triad->run();
  }
  std::vector<double> rates;
  for (int r = 0; r < 3; ++r) {
    std::int64_t calls = 0;
    const auto start = Clock::now();
    double seconds = 0;
    do {
      triad->run();
      ++calls;
      seconds = std::chrono::duration<double>(Clock::now() - start).count();
    } while (seconds < 0.01);
    rates.push_back(triad->bytes_per_call() * static_cast<double>(calls) / seconds);
  }
  std::sort(rates.begin(), rates.end());
  return rates[1];
}

}  // namespace nnk_measure
