// The fused epilogue, scalar for now: bias, activation, derivative product, per-tile row sums.
//
// Row sums stay deterministic across thread counts: each tile writes the sums of its own columns into a slot keyed
// by its column-tile index, and the slots are added in index order once every tile is done.
#include "gemm/epilogue.hpp"

#include <cmath>
#include <cstdlib>
#include <new>

namespace nnk::gemm {

namespace {

float activate(Activation g, float x) {
  switch (g) {
    case Activation::Sigmoid: return 1.0f / (1.0f + std::exp(-x));
    case Activation::Tanh: return std::tanh(x);
    case Activation::ReLU: return x > 0.0f || std::isnan(x) ? x : 0.0f;
    default: return x;
  }
}

// g' from the activation output s.
float derivative_from_output(Activation g, float s) {
  switch (g) {
    case Activation::Sigmoid: return s * (1.0f - s);
    case Activation::Tanh: return 1.0f - s * s;
    case Activation::ReLU: return s > 0.0f ? 1.0f : 0.0f;
    default: return 1.0f;
  }
}

struct EpilogueContext {
  const GemmEpilogue* spec;
  std::int64_t tile_cols;     // columns of one epilogue tile (NR)
  float* partial_row_sums;    // [column tile][row], m floats per column tile
  std::int64_t m;
};

void apply_tile(void* context, float* c, std::int64_t ldc, std::int64_t row0, std::int64_t col0, std::int64_t rows,
                std::int64_t cols) {
  const auto& ctx = *static_cast<const EpilogueContext*>(context);
  const GemmEpilogue& e = *ctx.spec;
  float* partial = ctx.partial_row_sums != nullptr ? ctx.partial_row_sums + (col0 / ctx.tile_cols) * ctx.m + row0
                                                   : nullptr;
  for (std::int64_t j = 0; j < cols; ++j) {
    float* col = c + j * ldc;
    const float* source = e.derivative_of != nullptr ? e.derivative_of + row0 + (col0 + j) * e.derivative_ld : nullptr;
    for (std::int64_t i = 0; i < rows; ++i) {
      float x = col[i];
      if (e.bias != nullptr) x += e.bias[row0 + i];
      x = activate(e.activation, x);
      if (source != nullptr) x *= derivative_from_output(e.derivative_activation, source[i]);
      col[i] = x;
      if (partial != nullptr) partial[i] = j == 0 ? x : partial[i] + x;
    }
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
  EpilogueContext ctx{&epilogue, epilogue_tile_cols(), nullptr, args.m};
  const std::int64_t column_tiles = (args.n + ctx.tile_cols - 1) / ctx.tile_cols;
  if (epilogue.row_sums != nullptr) ctx.partial_row_sums = partial_sums_buffer(column_tiles * args.m);
  const TileEpilogue hook{&apply_tile, &ctx};
  run_gemm(args, &hook);
  if (epilogue.row_sums == nullptr) return;
  for (std::int64_t i = 0; i < args.m; ++i) {
    float sum = 0.0f;
    for (std::int64_t t = 0; t < column_tiles; ++t) sum += ctx.partial_row_sums[t * args.m + i];
    epilogue.row_sums[i] = epilogue.row_sums_scale * sum;
  }
}

}  // namespace nnk::gemm
