#include "support/concurrency/training_problems.hpp"

#include "support/networks.hpp"
#include "support/random.hpp"

namespace nnk::test {

TrainingProblem training_problem(int index) {
  constexpr Loss kLossOf[] = {Loss::BinaryCrossEntropy, Loss::CategoricalCrossEntropy, Loss::MeanSquaredError};
  const Loss loss = kLossOf[index % 3];
  const std::uint64_t seed = derive_seed(900 + static_cast<std::uint64_t>(index));
  const std::int64_t inputs = 64, examples = 320, outputs = loss == Loss::CategoricalCrossEntropy ? 10 : 2;
  NetworkSpec spec = make_spec(inputs, {128, 64}, index % 2 ? Activation::ReLU : Activation::Tanh, outputs, loss, seed);
  spec.layers[0].dropout = index % 2 ? 0.2f : 0.0f;
  spec.l2 = 1e-4f;
  const Optimizer optimizer = index % 2 ? Optimizer{Adam{}} : Optimizer{Sgd{.learning_rate = 0.05f, .momentum = 0.9f}};
  return {.spec = spec,
          .x = random_matrix(inputs, examples, seed + 1),
          .y = random_targets(loss, outputs, examples, seed + 2),
          .optimizer = optimizer,
          .options = {.epochs = 2, .batch_size = 128, .validation_fraction = 0.1, .seed = seed + 3}};
}

Network train(const TrainingProblem& problem) {
  Network net(problem.spec);
  fit(net, problem.x, problem.y, problem.optimizer, problem.options);
  return net;
}

Network train_steps(const TrainingProblem& problem, int steps) {
  Network net(problem.spec);
  const std::int64_t m = problem.options.batch_size;
  for (int s = 0; s < steps; ++s)
    net.train_step(problem.x.col_block(0, m), problem.y.col_block(0, m), problem.optimizer);
  return net;
}

}  // namespace nnk::test
