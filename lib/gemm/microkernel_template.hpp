// The micro-kernel, written once over an ISA V of the SIMD layer (simd/simd.hpp) and compiled into each ISA's
// translation unit (included only there; internal linkage). The contract is in gemm_kernels.hpp.
//
// The accumulator tile is MV x NR registers (MV vectors of kLanes rows per column). Loops over MV and NR have
// compile-time bounds and are fully unrolled, so the tile lives in registers for the whole k loop.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>

#include "gemm/gemm_kernels.hpp"
#include "simd/simd.hpp"

namespace nnk::gemm {
namespace {

// kPackedB: B is a packed panel (NR floats per step, consecutive columns); otherwise each column has its own
// pointer (computed once, clamped to the last stored column so that no column past n_rem is read).
template <typename V, int MV, int NR, int NC, bool kMaskedA, bool kPackedB>
void microkernel(const MicroTile& t) {
  using Reg = typename V::Floats;
  using Mask = typename V::LaneMask;
  Mask masks[MV];
#pragma GCC unroll 4
  for (int v = 0; v < MV; ++v)
    masks[v] = V::first_lanes(static_cast<int>(std::clamp<std::int64_t>(t.m_rem - v * V::kLanes, 0, V::kLanes)));

  Reg acc[MV][NC];
#pragma GCC unroll 32
  for (int j = 0; j < NC; ++j)
#pragma GCC unroll 4
    for (int v = 0; v < MV; ++v) acc[v][j] = V::zero();

  float* const c = t.c;
  const std::int64_t ldc = t.ldc;
  const std::int64_t n_rem = t.n_rem;
  // C is needed only after the k loop: ask for it kPrefetchSteps steps before the end, late enough that the A panel
  // streaming through L1 does not evict it again, early enough that its lines arrive while the FMAs run.
  constexpr std::int64_t kPrefetchSteps = 24;
  auto prefetch_c = [&] {
#pragma GCC unroll 32
    for (int j = 0; j < NC; ++j) {
      if (j >= n_rem) break;
#pragma GCC unroll 4
      for (int v = 0; v < MV; ++v) __builtin_prefetch(c + j * ldc + v * V::kLanes, 1, 3);
    }
  };
  const std::int64_t prefetch_at = std::max<std::int64_t>(0, t.kc - kPrefetchSteps);

  const float* a = t.a;
  const std::int64_t a_stride = t.a_stride;
  auto load_a = [&](Reg* av) {
#pragma GCC unroll 4
    for (int v = 0; v < MV; ++v)
      av[v] = kMaskedA ? V::load_first(a + v * V::kLanes, masks[v]) : V::load(a + v * V::kLanes);
    a += a_stride;
  };
  auto update = [&](const Reg* av, int j, float bj) {
    const Reg bv = V::broadcast(bj);
#pragma GCC unroll 4
    for (int v = 0; v < MV; ++v) acc[v][j] = V::mul_add(av[v], bv, acc[v][j]);
  };

  if constexpr (kPackedB) {
    const float* b = t.b;
    auto steps = [&](std::int64_t count) {
      for (std::int64_t p = 0; p < count; ++p) {
        Reg av[MV];
        load_a(av);
#pragma GCC unroll 32
        for (int j = 0; j < NC; ++j) update(av, j, b[j]);
        b += NR;
      }
    };
    steps(prefetch_at);
    prefetch_c();
    steps(t.kc - prefetch_at);
  } else if (t.n_rem == NC && t.b_col_stride == 1) {
    // op(B)'s rows are contiguous (B transposed, read in place): one pointer, the columns at constant offsets.
    const float* b = t.b;
    const std::int64_t step = t.b_step_stride;
    prefetch_c();
    for (std::int64_t p = 0; p < t.kc; ++p) {
      Reg av[MV];
      load_a(av);
#pragma GCC unroll 32
      for (int j = 0; j < NC; ++j) update(av, j, b[j]);
      b += step;
    }
  } else if (t.n_rem == NC && t.b_step_stride == 1) {
    // B as stored, read in place: columns ld apart. Three base pointers and two strides address four columns
    // each (base, base + ld, base + 2 ld, base + 3 ld) instead of one pointer per column, which spilled.
    static_assert(NC <= 12, "three base pointers of four columns");
    const std::int64_t ld = t.b_col_stride, ld3 = 3 * ld;
    const float* base[3] = {t.b, t.b + 4 * ld, t.b + 8 * ld};
    prefetch_c();
    for (std::int64_t p = 0; p < t.kc; ++p) {
      Reg av[MV];
      load_a(av);
#pragma GCC unroll 32
      for (int j = 0; j < NC; ++j) {
        const float* q = base[j / 4] + p;
        const int r = j % 4;
        update(av, j, r == 0 ? q[0] : r == 1 ? q[ld] : r == 2 ? q[2 * ld] : q[ld3]);
      }
    }
  } else {
    // An edge tile: each column has its own pointer, clamped so that no column past n_rem is read.
    const float* cols[NC];
#pragma GCC unroll 32
    for (int j = 0; j < NC; ++j) cols[j] = t.b + std::min<std::int64_t>(j, n_rem - 1) * t.b_col_stride;
    const std::int64_t step = t.b_step_stride;
    prefetch_c();
    for (std::int64_t p = 0; p < t.kc; ++p) {
      Reg av[MV];
      load_a(av);
#pragma GCC unroll 32
      for (int j = 0; j < NC; ++j) update(av, j, cols[j][p * step]);
    }
  }

  const Reg valpha = V::broadcast(t.alpha);
  const Reg vbeta = V::broadcast(t.beta);
  const bool read_c = t.beta != 0.0f;
  // Every load of C before the first store: a short tile's masked store spans the next columns' addresses, and a
  // load behind such a store waits for it to retire (masked stores do not forward).
#pragma GCC unroll 32
  for (int j = 0; j < NC; ++j) {
    if (j >= n_rem) break;
#pragma GCC unroll 4
    for (int v = 0; v < MV; ++v) {
      acc[v][j] = V::mul(valpha, acc[v][j]);
      if (read_c) acc[v][j] = V::mul_add(vbeta, V::load_first(c + j * ldc + v * V::kLanes, masks[v]), acc[v][j]);
    }
  }
#pragma GCC unroll 32
  for (int j = 0; j < NC; ++j) {
    if (j >= n_rem) break;
#pragma GCC unroll 4
    for (int v = 0; v < MV; ++v) V::store_first(c + j * ldc + v * V::kLanes, masks[v], acc[v][j]);
  }
}

// A short tile reads its A rows under a mask: an unpacked A may end right after row m_rem - 1.
// NC <= NR columns are computed (n_rem <= NC): narrow edge tiles skip the zero columns of their B panel.
template <typename V, int MV, int NR, int NC>
void microkernel_entry(const MicroTile& t) {
  const bool full_rows = t.m_rem >= MV * V::kLanes;
  if (t.b_packed) {
    if (full_rows)
      microkernel<V, MV, NR, NC, false, true>(t);
    else
      microkernel<V, MV, NR, NC, true, true>(t);
  } else {
    if (full_rows)
      microkernel<V, MV, NR, NC, false, false>(t);
    else
      microkernel<V, MV, NR, NC, true, false>(t);
  }
}

// The kernel table of one ISA: kernels[v][s] computes v + 1 row vectors and (s + 1) * NR / kColumnSteps columns.
template <typename V, int NR, int kColumnSteps>
struct MicroKernelTable {
  static_assert(NR % kColumnSteps == 0);
  template <int MV, int... S>
  static constexpr void fill_row(MicroKernel* row, std::integer_sequence<int, S...>) {
    ((row[S] = &microkernel_entry<V, MV, NR, (S + 1) * (NR / kColumnSteps)>), ...);
  }
  static constexpr KernelGrid make() {
    KernelGrid grid{};
    grid.column_steps = kColumnSteps;
    fill_row<1>(grid.kernels[0], std::make_integer_sequence<int, kColumnSteps>{});
    fill_row<2>(grid.kernels[1], std::make_integer_sequence<int, kColumnSteps>{});
    return grid;
  }
};

}  // namespace
}  // namespace nnk::gemm
