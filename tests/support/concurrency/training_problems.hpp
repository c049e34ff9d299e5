// Small training problems for the concurrency tests: big enough that nnk's GEMMs split across threads (above
// 2^18 multiply-adds), small enough to train many times over under ThreadSanitizer.
#pragma once

#include <cstdint>

#include "nnk/matrix.hpp"
#include "nnk/network.hpp"
#include "nnk/train.hpp"

namespace nnk::test {

struct TrainingProblem {
  NetworkSpec spec;
  Matrix x;          // inputs x examples
  Matrix y;          // outputs x examples
  Optimizer optimizer;
  FitOptions options;
};

// Problem `index` (any number): the loss, optimizer, dropout and seeds vary with it.
TrainingProblem training_problem(int index);

// fit() on a new network of the problem's spec, with the calling thread's nnk settings.
Network train(const TrainingProblem& problem);

// `steps` train_step calls on the problem's first batch (problem.options.batch_size columns), from the problem's
// freshly initialized network.
Network train_steps(const TrainingProblem& problem, int steps);

}  // namespace nnk::test
