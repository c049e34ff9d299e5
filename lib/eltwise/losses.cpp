// nnk::loss_and_delta and nnk::bias_gradient: the output layer's cost and delta, and the bias gradient of a layer.
#include <algorithm>
#include <cstdint>

#include "core/eltwise_argument_checks.hpp"
#include "cpu/parallel.hpp"
#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/streaming_threshold.hpp"
#include "eltwise/work_split.hpp"
#include "nnk/cpu.hpp"
#include "nnk/kernels.hpp"

namespace nnk {

double loss_and_delta(Loss loss, ConstMatrixView z, ConstMatrixView y, MatrixView delta) {
  detail::check_loss_and_delta("nnk::loss_and_delta", loss, z, y, delta);
  const eltwise::EltwiseKernelSet& kernels = eltwise::eltwise_kernel_set(active_isa());
  // Categorical cross-entropy normalizes each column: it needs whole columns.
  const bool flat = loss != Loss::CategoricalCrossEntropy && eltwise::is_contiguous(z) && eltwise::is_contiguous(y) &&
                    eltwise::is_contiguous(delta);
  const eltwise::Stores stores = eltwise::streams_output(delta.rows(), delta.cols())
      ? eltwise::Stores::Streaming : eltwise::Stores::Cached;
  const double loss_sum = eltwise::sum_over_chunks<double>(
      z.rows(), z.cols(), flat,
      [&](eltwise::Part part) {
        return kernels.loss_and_delta(loss, eltwise::part_of(z, part), eltwise::part_of(y, part),
                                      eltwise::part_of(delta, part), stores);
      },
      [](double& total, double partial) { total += partial; });
  return loss_sum / static_cast<double>(z.cols());
}

void bias_gradient(ConstMatrixView dz, float scale, MatrixView db) {
  detail::check_bias_gradient("nnk::bias_gradient", dz, db);
  const eltwise::EltwiseKernelSet& kernels = eltwise::eltwise_kernel_set(active_isa());
  // Each task sums a block of rows over every column: the reference's order, whatever the thread count.
  constexpr std::int64_t kRows = eltwise::kBiasGradientRowBlock;
  const std::int64_t blocks = (dz.rows() + kRows - 1) / kRows;
  const std::int64_t block_elements = std::max<std::int64_t>(1, kRows * dz.cols());
  const std::int64_t blocks_per_task = std::max<std::int64_t>(1, eltwise::kElementsPerTask / block_elements);
  cpu::parallel_for(blocks, blocks_per_task, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t b = begin; b < end; ++b) {
      const std::int64_t row0 = b * kRows;
      const std::int64_t rows = std::min(kRows, dz.rows() - row0);
      kernels.bias_gradient({dz.data() + row0, rows, dz.cols(), dz.ld()}, scale, db.data() + row0);
    }
  });
}

}  // namespace nnk
