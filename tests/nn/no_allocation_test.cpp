// train_step allocates nothing after the first call at a given batch size (docs/design.md: buffers are sized once
// and reused). This program replaces the global operator new/delete and interposes malloc and friends, counting
// every call made while a step runs, on any thread (TBB workers included).
//
// Warm-up first: the first step at a batch size sizes the workspace and creates the optimizer state, and TBB
// allocates on first use. On more than one thread there is one more source, outside the network layer: nnk::sgemm's
// packing buffers are thread-local and grow-only, sized to the block of C a thread packs for. Which thread gets
// which block is up to TBB (a worker joins only when it wakes up in time), so without help a worker's buffers
// reach their final size at an unpredictable step. The multi-threaded case therefore first has every thread run a
// whole training step on one thread (ScopedNumThreads(1)): its blocks are then whole matrices, at least as large
// as any block of a split GEMM, so no packing buffer grows afterwards.
#include <malloc.h>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <thread>

#include <gtest/gtest.h>

#include "support/networks.hpp"
#include "nnk/cpu.hpp"
#include "nnk/network.hpp"
#include "nnk/train.hpp"

// AddressSanitizer and ThreadSanitizer own malloc and operator new themselves: under them the hooks are left out
// and the allocation test is skipped (the regular build runs it).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NNK_ALLOCATION_HOOKS 0
#else
#define NNK_ALLOCATION_HOOKS 1
#endif

namespace {

std::atomic<bool> counting{false};
std::atomic<std::int64_t> malloc_calls{0};
std::atomic<std::int64_t> new_calls{0};

}  // namespace

#if NNK_ALLOCATION_HOOKS
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);
}

namespace {

void count_malloc() {
  if (counting.load(std::memory_order_relaxed)) malloc_calls.fetch_add(1, std::memory_order_relaxed);
}

void* counted_new(std::size_t size, std::size_t alignment) {
  if (counting.load(std::memory_order_relaxed)) new_calls.fetch_add(1, std::memory_order_relaxed);
  void* p = alignment <= alignof(std::max_align_t) ? std::malloc(size ? size : 1)
                                                    : std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

// --- the C allocator, interposed (glibc exports its implementation under __libc_* names)
extern "C" {
void* malloc(std::size_t size) {
  count_malloc();
  return __libc_malloc(size);
}
void* calloc(std::size_t n, std::size_t size) {
  count_malloc();
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t size) {
  count_malloc();
  return __libc_realloc(p, size);
}
void* memalign(std::size_t alignment, std::size_t size) {
  count_malloc();
  return __libc_memalign(alignment, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) {
  count_malloc();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  count_malloc();
  void* p = __libc_memalign(alignment, size);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}
void free(void* p) { __libc_free(p); }
}

// --- the C++ allocator
void* operator new(std::size_t size) { return counted_new(size, 0); }
void* operator new[](std::size_t size) { return counted_new(size, 0); }
void* operator new(std::size_t size, std::align_val_t a) { return counted_new(size, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t size, std::align_val_t a) { return counted_new(size, static_cast<std::size_t>(a)); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try { return counted_new(size, 0); } catch (...) { return nullptr; }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try { return counted_new(size, 0); } catch (...) { return nullptr; }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
#endif  // NNK_ALLOCATION_HOOKS

namespace nnk::test {
namespace {

struct Counts {
  std::int64_t malloc_calls, new_calls;
};

template <typename Body>
Counts count_allocations(Body body) {
  malloc_calls = 0;
  new_calls = 0;
  counting = true;
  body();
  counting = false;
  return {malloc_calls.load(), new_calls.load()};
}

TEST(NoAllocation, HookCountsWhatItShould) {
  if (!NNK_ALLOCATION_HOOKS) GTEST_SKIP() << "the sanitizer owns the allocator";
  const Counts counts = count_allocations([] {
    Matrix m(10, 10);                     // aligned_alloc
    auto* p = new std::int64_t[4];  // operator new[]
    delete[] p;
  });
  EXPECT_GE(counts.malloc_calls, 2);
  EXPECT_EQ(counts.new_calls, 1);
}

// Runs single-threaded training steps (on a copy of net, at both batch sizes) once on each of the process's TBB
// threads: a spin barrier keeps each thread on its own chunk until all have arrived (or a second has passed).
void grow_packing_buffers_of_every_thread(const Network& net, ConstMatrixView x1, ConstMatrixView y1,
                                          ConstMatrixView x2, ConstMatrixView y2, const Optimizer& optimizer) {
  const int threads = tbb::info::default_concurrency();
  std::atomic<int> arrived{0};
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<int>(0, threads, 1), [&](const tbb::blocked_range<int>&) {
      arrived.fetch_add(1);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      while (arrived.load() < threads && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
      const ScopedNumThreads one(1);
      Network copy = net;
      copy.train_step(x1, y1, optimizer);
      copy.train_step(x2, y2, optimizer);
    }, tbb::simple_partitioner());
  });
}

// Every optimizer, dropout and L1/L2, on 1 and 2 threads; batches of 64 and a partial one of 37, alternating.
TEST(NoAllocation, TrainStepAfterWarmUp) {
  if (!NNK_ALLOCATION_HOOKS) GTEST_SKIP() << "the sanitizer owns the allocator";
  NetworkSpec spec = make_spec(128, {256, 64}, Activation::ReLU, 10, Loss::CategoricalCrossEntropy, 3);
  spec.layers[1].activation = Activation::Tanh;
  spec.layers[0].dropout = 0.2f;
  const Optimizer optimizers[] = {Sgd{.learning_rate = 0.05f}, Sgd{.learning_rate = 0.05f, .momentum = 0.9f},
                                  Adam{}};
  const Matrix x = random_matrix(128, 64, 4);
  const Matrix y = random_targets(spec.loss, 10, 64, 5);
  const ConstMatrixView x_full = x.col_block(0, 64), y_full = y.col_block(0, 64);
  const ConstMatrixView x_part = x.col_block(0, 37), y_part = y.col_block(0, 37);
  for (const float l1 : {0.0f, 1e-4f}) {
    spec.l1 = l1;
    spec.l2 = 1e-3f;
    for (const Optimizer& optimizer : optimizers) {
      for (const int threads : {1, 2}) {
        const ScopedNumThreads scoped(threads);
        Network net(spec);
        const auto steps = [&] {
          for (int step = 0; step < 10; ++step) {
            net.train_step(x_full, y_full, optimizer);
            net.train_step(x_part, y_part, optimizer);
          }
        };
        steps();  // the first steps at each batch size size the workspace and create the optimizer state
        if (threads > 1) grow_packing_buffers_of_every_thread(net, x_full, y_full, x_part, y_part, optimizer);
        const Counts counts = count_allocations([&] {
          steps();
          steps();
        });
        EXPECT_EQ(counts.new_calls, 0) << "optimizer " << optimizer.index() << ", l1 " << l1 << ", " << threads << " threads";
        EXPECT_EQ(counts.malloc_calls, 0) << "optimizer " << optimizer.index() << ", l1 " << l1 << ", " << threads << " threads";
      }
    }
  }
}

// fit's epochs allocate nothing but their reports (a regression network's reports hold no heap storage): fits of 2
// and of 6 epochs make the same allocations. Validation, shuffling, a schedule and early stopping (which keeps the
// best epoch's parameters) are on; one thread, so that no TBB worker's first use is counted.
TEST(NoAllocation, FitEpochsAfterTheFirst) {
  if (!NNK_ALLOCATION_HOOKS) GTEST_SKIP() << "the sanitizer owns the allocator";
  const NetworkSpec spec = make_spec(24, {32, 16}, Activation::ReLU, 2, Loss::MeanSquaredError, 5);
  const Matrix x = random_matrix(24, 300, 6);
  const Matrix y = random_targets(spec.loss, 2, 300, 7);
  const ScopedNumThreads one(1);
  const auto allocations_of_fit = [&](std::int64_t epochs) {
    Network net(spec);
    const FitOptions options{.epochs = epochs, .batch_size = 32, .validation_fraction = 0.25, .seed = 3,
                             .schedule = {.kind = ScheduleKind::Cosine},
                             .early_stopping_patience = 100};
    return count_allocations([&] { fit(net, x, y, Adam{}, options); });
  };
  allocations_of_fit(2);  // first uses: the packing buffers, the kernels' tables, ...
  const Counts two = allocations_of_fit(2), six = allocations_of_fit(6);
  EXPECT_EQ(six.new_calls, two.new_calls);
  EXPECT_EQ(six.malloc_calls, two.malloc_calls);
}

}  // namespace
}  // namespace nnk::test
