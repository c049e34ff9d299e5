// nnk::regularization_cost, sgd_update, adam_update: the regularization cost and one optimizer step on a weight
// matrix.
#include <cmath>
#include <cstdint>

#include "core/eltwise_argument_checks.hpp"
#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/work_split.hpp"
#include "nnk/cpu.hpp"
#include "nnk/kernels.hpp"

namespace nnk {

double regularization_cost(ConstMatrixView w, Regularization reg) {
  detail::check_regularization("nnk::regularization_cost", reg);
  const eltwise::EltwiseKernelSet& kernels = eltwise::eltwise_kernel_set(active_isa());
  const eltwise::RegularizationSums sums = eltwise::sum_over_chunks<eltwise::RegularizationSums>(
      w.rows(), w.cols(), eltwise::is_contiguous(w),
      [&](eltwise::Part part) { return kernels.regularization_sums(eltwise::part_of(w, part)); },
      [](eltwise::RegularizationSums& total, const eltwise::RegularizationSums& partial) {
        total.abs_sum += partial.abs_sum;
        total.square_sum += partial.square_sum;
      });
  return static_cast<double>(reg.l1) * sums.abs_sum + 0.5 * static_cast<double>(reg.l2) * sums.square_sum;
}

void sgd_update(MatrixView w, ConstMatrixView dw, MatrixView velocity, const Sgd& opt, Regularization reg) {
  const bool uses_momentum = detail::check_sgd_update("nnk::sgd_update", w, dw, velocity, opt, reg);
  const eltwise::EltwiseKernelSet& kernels = eltwise::eltwise_kernel_set(active_isa());
  const eltwise::SgdStep step{.learning_rate = opt.learning_rate,
                              .momentum = uses_momentum ? opt.momentum : 0.0f,
                              .l1 = reg.l1,
                              .l2 = reg.l2};
  const bool flat = eltwise::is_contiguous(w) && eltwise::is_contiguous(dw) &&
                    (!uses_momentum || eltwise::is_contiguous(velocity));
  eltwise::for_each_part(w.rows(), w.cols(), flat, [&](eltwise::Part part) {
    const eltwise::Block v = uses_momentum ? eltwise::part_of(velocity, part) : eltwise::Block{nullptr, 0, 0, 1};
    kernels.sgd_update(eltwise::part_of(w, part), eltwise::part_of(dw, part), v, step);
  });
}

void adam_update(MatrixView w, ConstMatrixView dw, MatrixView m1, MatrixView m2, std::int64_t step, const Adam& opt,
                 Regularization reg) {
  detail::check_adam_update("nnk::adam_update", w, dw, m1, m2, step, opt, reg);
  const eltwise::EltwiseKernelSet& kernels = eltwise::eltwise_kernel_set(active_isa());
  // The bias corrections, computed once in double as the reference does.
  const double correction1 = 1.0 - std::pow(static_cast<double>(opt.beta1), static_cast<double>(step));
  const double correction2 = 1.0 - std::pow(static_cast<double>(opt.beta2), static_cast<double>(step));
  const eltwise::AdamStep constants{
      .beta1 = opt.beta1,
      .beta2 = opt.beta2,
      .one_minus_beta1 = static_cast<float>(1.0 - static_cast<double>(opt.beta1)),
      .one_minus_beta2 = static_cast<float>(1.0 - static_cast<double>(opt.beta2)),
      .step_size = static_cast<float>(static_cast<double>(opt.learning_rate) / correction1),
      .inverse_sqrt_correction2 = static_cast<float>(1.0 / std::sqrt(correction2)),
      .epsilon = opt.epsilon,
      .l1 = reg.l1,
      .l2 = reg.l2,
  };
  const bool flat = eltwise::is_contiguous(w) && eltwise::is_contiguous(dw) && eltwise::is_contiguous(m1) &&
                    eltwise::is_contiguous(m2);
  eltwise::for_each_part(w.rows(), w.cols(), flat, [&](eltwise::Part part) {
    kernels.adam_update(eltwise::part_of(w, part), eltwise::part_of(dw, part), eltwise::part_of(m1, part),
                        eltwise::part_of(m2, part), constants);
  });
}

}  // namespace nnk
