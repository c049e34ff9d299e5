// The fused epilogue: the driver hands each finished tile to the active ISA's vectorized epilogue kernel
// (epilogue_tile.hpp): bias, activation, derivative product, per-tile row sums.
//
// Row sums stay deterministic across thread counts: each tile writes the sums of its own columns into a slot keyed
// by its column-tile index, and the slots are added in index order once every tile is done.
#include "gemm/epilogue.hpp"

#include <cstdlib>
#include <new>

#include "cpu/float_env.hpp"
#include "gemm/gemm_kernels.hpp"
#include "nnk/cpu.hpp"

namespace nnk::gemm {

namespace {

struct EpilogueContext {
  const GemmEpilogue* spec;
  EpilogueKernel kernel;      // the active ISA's
  std::int64_t tile_cols;     // columns of one epilogue tile (NR)
  float* partial_row_sums;    // [column tile][row], m floats per column tile
  std::int64_t m;
};

void apply_tile(void* context, float* c, std::int64_t ldc, std::int64_t row0, std::int64_t col0, std::int64_t rows,
                std::int64_t cols) {
  const auto& ctx = *static_cast<const EpilogueContext*>(context);
  EpilogueTile tile{ctx.spec, c, ldc, row0, col0, rows, cols, nullptr};
  if (ctx.partial_row_sums != nullptr) tile.partial_row_sums = ctx.partial_row_sums + (col0 / ctx.tile_cols) * ctx.m + row0;
  ctx.kernel(tile);
}

// The tile of derivative_of that apply_tile will read: one line per 16 floats of each column.
void prefetch_tile(void* context, std::int64_t row0, std::int64_t col0, std::int64_t rows, std::int64_t cols) {
  const GemmEpilogue& e = *static_cast<const EpilogueContext*>(context)->spec;
  for (std::int64_t j = 0; j < cols; ++j) {
    const float* col = e.derivative_of + row0 + (col0 + j) * e.derivative_ld;
    for (std::int64_t i = 0; i < rows; i += 16) __builtin_prefetch(col + i, 0, 3);
    __builtin_prefetch(col + rows - 1, 0, 3);
  }
}

// Grow-only scratch for the partial row sums of the calling thread's GEMMs.
float* partial_sums_buffer(std::int64_t floats) {
  struct Buffer {
    float* data = nullptr;
    std::int64_t capacity = 0;
    ~Buffer() { std::free(data); }
  };
  thread_local Buffer buffer;
  if (floats > buffer.capacity) {
    std::free(buffer.data);
    buffer.data = static_cast<float*>(std::malloc(static_cast<std::size_t>(floats) * sizeof(float)));
    if (buffer.data == nullptr) throw std::bad_alloc();
    buffer.capacity = floats;
  }
  return buffer.data;
}

}  // namespace

void run_gemm_with_epilogue(const GemmArgs& args, const GemmEpilogue& epilogue) {
  const cpu::FlushDenormalsScope flush;  // also over the final row-sum reduction, which runs here
  const GemmKernelSet& ks = gemm_kernel_set(active_isa());
  EpilogueContext ctx{&epilogue, ks.select_epilogue(epilogue), ks.nr, nullptr, args.m};
  const std::int64_t column_tiles = (args.n + ctx.tile_cols - 1) / ctx.tile_cols;
  if (epilogue.row_sums != nullptr) ctx.partial_row_sums = partial_sums_buffer(column_tiles * args.m);
  // The g' source is prefetched tile by tile only when it is too big to have stayed in L2 since it was written.
  constexpr std::int64_t kPrefetchAboveFloats = 64 * 1024;  // 256 KiB
  const bool prefetch = epilogue.derivative_of != nullptr && args.m * args.n > kPrefetchAboveFloats;
  const TileEpilogue hook{&apply_tile, &ctx, prefetch ? &prefetch_tile : nullptr};
  run_gemm(args, &hook);
  if (epilogue.row_sums == nullptr) return;
  for (std::int64_t i = 0; i < args.m; ++i) {
    float sum = 0.0f;
    for (std::int64_t t = 0; t < column_tiles; ++t) sum += ctx.partial_row_sums[t * args.m + i];
    epilogue.row_sums[i] = epilogue.row_sums_scale * sum;
  }
}

}  // namespace nnk::gemm
