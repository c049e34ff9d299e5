#include "nn/dropout.hpp"

#include "nn/parallel_blocks.hpp"

namespace nnk::nn {

namespace {

// Multiplies by the mask column by column; the index of (i, j) is i + (first_column + j) * rows, independent of the
// blocking.
void apply_mask(ConstMatrixView in, MatrixView out, float rate, const detail::CounterStream& stream,
                std::int64_t first_column) {
  const std::int64_t rows = in.rows();
  for_each_column_block(rows, in.cols(), [&](std::int64_t col0, std::int64_t ncols) {
    for (std::int64_t j = col0; j < col0 + ncols; ++j) {
      const float* source = in.col(j);
      float* target = out.col(j);
      const auto first = static_cast<std::uint64_t>((first_column + j) * rows);
      for (std::int64_t i = 0; i < rows; ++i)
        target[i] = source[i] * dropout_factor(stream, first + static_cast<std::uint64_t>(i), rate);
    }
  });
}

}  // namespace

void dropout_forward(ConstMatrixView in, MatrixView out, float rate, const detail::CounterStream& stream,
                     std::int64_t first_column) {
  apply_mask(in, out, rate, stream, first_column);
}

void dropout_backward(MatrixView dz, float rate, const detail::CounterStream& stream, std::int64_t first_column) {
  apply_mask(dz, dz, rate, stream, first_column);
}

}  // namespace nnk::nn
