// BLIS-style blocking (nc -> kc -> mc -> nr -> mr) with threads over a fixed partition of C.
//
// Determinism: every element of C is the sum over the same kc blocks, in the same order, by the same arithmetic,
// whichever thread computes it and however C is partitioned; K is never split across threads.
#include "gemm/gemm_driver.hpp"

#include <algorithm>
#include <cstdlib>
#include <new>

#include "cpu/float_env.hpp"
#include "cpu/parallel.hpp"
#include "gemm/gemm_kernels.hpp"
#include "nnk/cpu.hpp"

namespace nnk::gemm {

namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// Products below this many multiply-adds run on the calling thread: a TBB fork and join cost more than splitting
// them saves (docs/performance.md).
constexpr std::int64_t kMinParallelFmas = std::int64_t{1} << 18;

// op(A) is used unpacked (no packing copy) when it is column-major and either small (it stays in L2 while every
// column panel of B passes over it) or used once (B has at most two micro-panels, e.g. a matrix-vector product).
constexpr std::int64_t kMaxUnpackedAFloats = 64 * 1024;

// op(B) is read in place (no packing copy) when few row panels of A pass over it: packing costs more than the
// strided reads it saves only when a packed panel is reused many times.
constexpr std::int64_t kMaxRowPanelsForUnpackedB = 4;

// Packing space of one thread, grown on demand and kept: a GEMM after the first of its size allocates nothing.
class PackBuffer {
 public:
  float* get(std::int64_t floats) {
    if (floats > capacity_) {
      std::free(data_);
      const std::size_t bytes = (static_cast<std::size_t>(floats) * sizeof(float) + 63) / 64 * 64;
      data_ = static_cast<float*>(std::aligned_alloc(64, bytes));
      if (data_ == nullptr) throw std::bad_alloc();
      capacity_ = floats;
    }
    return data_;
  }
  ~PackBuffer() { std::free(data_); }

 private:
  float* data_ = nullptr;
  std::int64_t capacity_ = 0;
};

struct ThreadPackBuffers {
  PackBuffer a;
  PackBuffer b;
};

ThreadPackBuffers& thread_pack_buffers() {
  thread_local ThreadPackBuffers buffers;
  return buffers;
}

// A rectangle of C computed by one task: rows [row0, row1) x columns [col0, col1).
struct Block {
  std::int64_t row0, row1, col0, col1;
};

// A finished tile whose epilogue has not run yet.
struct PendingEpilogue {
  float* c = nullptr;
  std::int64_t row0 = 0, col0 = 0, rows = 0, cols = 0;
  void run(const TileEpilogue* epilogue, std::int64_t ldc) {
    if (c != nullptr) epilogue->apply(epilogue->context, c, ldc, row0, col0, rows, cols);
    c = nullptr;
  }
};

// The blocked loops over one rectangle of C, on the calling thread.
void run_block(const GemmKernelSet& ks, const GemmArgs& g, bool unpacked_a, bool unpacked_b, const Block& blk,
               const TileEpilogue* epilogue) {
  ThreadPackBuffers& buffers = thread_pack_buffers();
  const std::int64_t kc_max = std::min(ks.kc, g.k);
  // Sized from the whole problem, not this block: every thread that runs a block of this GEMM asks for the same
  // size, so once a GEMM of a given shape has run on a thread, no later one of that shape allocates there.
  const std::int64_t b_floats = kc_max * ceil_div(std::min(ks.nc, g.n), ks.nr) * ks.nr;
  const std::int64_t a_floats = kc_max * ceil_div(std::min(ks.mc, g.m), ks.mr) * ks.mr;
  float* packed_b = unpacked_b ? nullptr : buffers.b.get(b_floats);
  float* packed_a = unpacked_a ? nullptr : buffers.a.get(a_floats);

  for (std::int64_t jc = blk.col0; jc < blk.col1; jc += ks.nc) {
    const std::int64_t nc = std::min(ks.nc, blk.col1 - jc);
    for (std::int64_t pc = 0; pc < g.k; pc += ks.kc) {
      const std::int64_t kc = std::min(ks.kc, g.k - pc);
      const float beta = pc == 0 ? g.beta : 1.0f;
      const bool last_k_block = pc + kc == g.k;
      if (!unpacked_b) ks.pack_b(g.trans_b, g.b, g.ldb, pc, kc, jc, nc, packed_b);

      for (std::int64_t ic = blk.row0; ic < blk.row1; ic += ks.mc) {
        const std::int64_t mc = std::min(ks.mc, blk.row1 - ic);
        if (!unpacked_a) ks.pack_a(g.trans_a, g.a, g.lda, ic, mc, pc, kc, packed_a);
        // The epilogue of a tile runs after the next tile's micro-kernel: reading C right after the kernel's
        // (masked) stores would wait for them to retire, as masked stores do not forward to loads.
        PendingEpilogue pending;

        for (std::int64_t jr = 0; jr < nc; jr += ks.nr) {
          const std::int64_t nr = std::min(ks.nr, nc - jr);
          for (std::int64_t ir = 0; ir < mc; ir += ks.mr) {
            const std::int64_t mr = std::min(ks.mr, mc - ir);
            MicroTile tile;
            tile.kc = kc;
            tile.a = unpacked_a ? g.a + (ic + ir) + pc * g.lda : packed_a + ir * kc;
            tile.a_stride = unpacked_a ? g.lda : ks.mr;
            tile.c = g.c + (ic + ir) + (jc + jr) * g.ldc;
            tile.ldc = g.ldc;
            tile.m_rem = mr;
            tile.n_rem = nr;
            tile.alpha = g.alpha;
            tile.beta = beta;
            if (unpacked_b) {
              // op(B)(p, j) = B[p + j * ldb] (B as stored) or B[j + p * ldb] (B transposed).
              const bool plain = g.trans_b == Trans::No;
              const std::int64_t p0 = pc, j0 = jc + jr;
              tile.b = plain ? g.b + p0 + j0 * g.ldb : g.b + j0 + p0 * g.ldb;
              tile.b_packed = false;
              tile.b_step_stride = plain ? 1 : g.ldb;
              tile.b_col_stride = plain ? g.ldb : 1;
            } else {
              tile.b = packed_b + jr * kc;
            }
            if (last_k_block && epilogue != nullptr && epilogue->prefetch != nullptr)
              epilogue->prefetch(epilogue->context, ic + ir, jc + jr, mr, nr);
            select_kernel(ks, mr, nr)(tile);
            if (last_k_block && epilogue != nullptr) {
              pending.run(epilogue, g.ldc);
              pending = {tile.c, ic + ir, jc + jr, mr, nr};
            }
          }
        }
        pending.run(epilogue, g.ldc);
      }
    }
  }
}

// k == 0 or alpha == 0: C <- beta * C (zeros when beta == 0, C unread), then the epilogue on every tile.
void scale_only(const GemmKernelSet& ks, const GemmArgs& g, const TileEpilogue* epilogue) {
  for (std::int64_t j = 0; j < g.n; ++j) {
    float* col = g.c + j * g.ldc;
    if (g.beta == 0.0f) {
      std::fill_n(col, g.m, 0.0f);
    } else {
      for (std::int64_t i = 0; i < g.m; ++i) col[i] *= g.beta;
    }
  }
  if (epilogue == nullptr) return;
  for (std::int64_t j = 0; j < g.n; j += ks.nr)
    for (std::int64_t i = 0; i < g.m; i += ks.mr)
      epilogue->apply(epilogue->context, g.c + i + j * g.ldc, g.ldc, i, j, std::min(ks.mr, g.m - i),
                      std::min(ks.nr, g.n - j));
}

// Splits C into row_parts x col_parts rectangles (at most `threads` of them, on tile boundaries), choosing the
// split that packs the least: every column part packs its rows of A, every row part packs its columns of B.
struct Partition {
  std::int64_t row_parts = 1;
  std::int64_t col_parts = 1;
};

Partition choose_partition(const GemmKernelSet& ks, const GemmArgs& g, std::int64_t threads) {
  const std::int64_t row_tiles = ceil_div(g.m, ks.mr);
  const std::int64_t col_tiles = ceil_div(g.n, ks.nr);
  Partition best;
  double best_cost = -1;
  for (std::int64_t rows = 1; rows <= std::min(threads, row_tiles); ++rows) {
    const std::int64_t cols = std::min(threads / rows, col_tiles);
    const std::int64_t parts = rows * cols;
    const double packing = static_cast<double>(cols) * g.m + static_cast<double>(rows) * g.n;
    // More parts first (use the threads), then the least packing.
    const double cost = -static_cast<double>(parts) * 1e18 + packing;
    if (best_cost == -1 || cost < best_cost) {
      best = {rows, cols};
      best_cost = cost;
    }
  }
  return best;
}

// Boundary of part `index` of `parts` over `tiles` tiles of `tile` elements, clipped to `size`.
std::int64_t part_boundary(std::int64_t index, std::int64_t parts, std::int64_t tiles, std::int64_t tile,
                           std::int64_t size) {
  return std::min(size, (tiles * index / parts) * tile);
}

}  // namespace

void run_gemm(const GemmArgs& g, const TileEpilogue* epilogue) {
  // Denormals flushed on the calling thread too (parallel_for's chunks flush on theirs): a GEMM gives the same bits
  // whether it runs inline or split across threads.
  const cpu::FlushDenormalsScope flush;
  const GemmKernelSet& ks = gemm_kernel_set(active_isa());
  if (g.k == 0 || g.alpha == 0.0f) {
    scale_only(ks, g, epilogue);
    return;
  }
  const bool unpacked_a = g.trans_a == Trans::No && (g.m * g.k <= kMaxUnpackedAFloats || g.n <= 2 * ks.nr);
  const bool unpacked_b = ceil_div(g.m, ks.mr) <= kMaxRowPanelsForUnpackedB;

  const std::int64_t fmas = g.m * g.n * g.k;
  const std::int64_t threads = fmas < kMinParallelFmas ? 1 : num_threads();
  const Partition part = choose_partition(ks, g, threads);
  const std::int64_t row_tiles = ceil_div(g.m, ks.mr);
  const std::int64_t col_tiles = ceil_div(g.n, ks.nr);

  auto run_part = [&](std::int64_t index) {
    const std::int64_t r = index / part.col_parts;
    const std::int64_t c = index % part.col_parts;
    const Block blk{part_boundary(r, part.row_parts, row_tiles, ks.mr, g.m),
                    part_boundary(r + 1, part.row_parts, row_tiles, ks.mr, g.m),
                    part_boundary(c, part.col_parts, col_tiles, ks.nr, g.n),
                    part_boundary(c + 1, part.col_parts, col_tiles, ks.nr, g.n)};
    if (blk.row0 < blk.row1 && blk.col0 < blk.col1) run_block(ks, g, unpacked_a, unpacked_b, blk, epilogue);
  };
  const std::int64_t parts = part.row_parts * part.col_parts;
  if (parts == 1) {
    run_part(0);
    return;
  }
  cpu::parallel_for(parts, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t index = begin; index < end; ++index) run_part(index);
  });
}

}  // namespace nnk::gemm
