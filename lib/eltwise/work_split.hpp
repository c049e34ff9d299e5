// How the elementwise entry points cut a matrix into parts for the kernels and spread them over threads (internal).
//
// Elementwise work: parts of about kElementsPerTask elements, whole columns, or ranges of one contiguous array when
// every operand is contiguous (ld == rows) and no operand is per-row (bias): small columns then cost no masked tail
// each. Which part a thread runs never changes an element's result.
//
// Reductions (costs): column chunks fixed by the shape alone, never by the thread count; each chunk's partial sum is
// computed by one kernel call and the partials are added in chunk order, so the result has the same bits for any
// number of threads.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "cpu/float_env.hpp"
#include "cpu/parallel.hpp"
#include "eltwise/eltwise_kernels.hpp"
#include "nnk/matrix.hpp"

namespace nnk::eltwise {

// About 256 KiB of floats per task: tens of microseconds of work against a few of scheduling, and hundreds of tasks
// for a 64 MiB array. Smaller problems run on the calling thread.
inline constexpr std::int64_t kElementsPerTask = 1 << 16;
// A reduction's partial sums live on the stack.
inline constexpr std::int64_t kMaxReductionChunks = 256;

// ld == rows (or at most one column): the matrix is one array of rows * cols floats.
inline bool is_contiguous(ConstMatrixView v) { return v.ld() == v.rows() || v.cols() <= 1; }

// Part of an elementwise problem: columns [begin, end) of every operand or, when `flat`, elements [begin, end) of
// every operand seen as one contiguous array (a single column).
struct Part {
  bool flat;
  std::int64_t begin;
  std::int64_t end;
};

inline ConstBlock part_of(ConstMatrixView v, Part p) {
  if (p.flat) return {v.data() + p.begin, p.end - p.begin, 1, std::max<std::int64_t>(1, p.end - p.begin)};
  return {v.data() + p.begin * v.ld(), v.rows(), p.end - p.begin, v.ld()};
}

inline Block part_of(MatrixView v, Part p) {
  if (p.flat) return {v.data() + p.begin, p.end - p.begin, 1, std::max<std::int64_t>(1, p.end - p.begin)};
  return {v.data() + p.begin * v.ld(), v.rows(), p.end - p.begin, v.ld()};
}

// work(part) over all of a rows x cols problem, in parts of about kElementsPerTask elements, on nnk's threads.
template <class Work>
void for_each_part(std::int64_t rows, std::int64_t cols, bool flat, Work&& work) {
  if (rows == 0 || cols == 0) return;
  const std::int64_t elements = rows * cols;
  const cpu::FlushDenormalsScope flush;  // the one-task path bypasses parallel_for and its scope
  if (elements <= kElementsPerTask) {  // one task: skip the thread machinery (a few tens of ns on small calls)
    work(Part{flat, 0, flat ? elements : cols});
    return;
  }
  if (flat) {
    const std::int64_t parts = (elements + kElementsPerTask - 1) / kElementsPerTask;
    cpu::parallel_for(parts, 1, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t k = begin; k < end; ++k)
        work(Part{true, k * kElementsPerTask, std::min(elements, (k + 1) * kElementsPerTask)});
    });
  } else {
    const std::int64_t columns_per_task = std::max<std::int64_t>(1, kElementsPerTask / rows);
    cpu::parallel_for(cols, columns_per_task,
                      [&](std::int64_t begin, std::int64_t end) { work(Part{false, begin, end}); });
  }
}

// sum over chunks of chunk_sum(part), with the parts fixed by (rows, cols, flat) and added in order. Sum must be
// default-constructible to zero; add(total, partial) accumulates.
template <class Sum, class ChunkSum, class Add>
Sum sum_over_chunks(std::int64_t rows, std::int64_t cols, bool flat, ChunkSum&& chunk_sum, Add&& add) {
  Sum total{};
  if (rows == 0 || cols == 0) return total;
  const std::int64_t elements = rows * cols;
  // As many chunks as kElementsPerTask-sized pieces, at most kMaxReductionChunks, at most one per column.
  const std::int64_t units = flat ? elements : cols;
  const std::int64_t wanted = (elements + kElementsPerTask - 1) / kElementsPerTask;
  const std::int64_t chunks = std::clamp<std::int64_t>(wanted, 1, std::min(kMaxReductionChunks, units));
  auto chunk_part = [&](std::int64_t c) { return Part{flat, c * units / chunks, (c + 1) * units / chunks}; };

  const cpu::FlushDenormalsScope flush;  // the one-chunk path bypasses parallel_for and its scope
  if (chunks == 1) return chunk_sum(chunk_part(0));  // small problems: no partials, no thread machinery
  std::array<Sum, kMaxReductionChunks> partial{};
  cpu::parallel_for(chunks, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t c = begin; c < end; ++c) partial[c] = chunk_sum(chunk_part(c));
  });
  for (std::int64_t c = 0; c < chunks; ++c) add(total, partial[c]);
  return total;
}

}  // namespace nnk::eltwise
