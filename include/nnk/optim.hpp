// Optimizer and regularization settings.
#pragma once

namespace nnk {

// Stochastic gradient descent; with momentum mu: v = mu * v + g, w -= learning_rate * v.
struct Sgd {
  float learning_rate = 0.01f;
  float momentum = 0;
};

// Adam (Kingma & Ba 2015) with bias correction at step t = 1, 2, ...
struct Adam {
  float learning_rate = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-8f;
};

// Added to the gradient of every weight (never a bias): l1 * sign(w) + l2 * w; to the cost: l1*sum|w| + l2/2*sum w^2.
struct Regularization {
  float l1 = 0;
  float l2 = 0;
};

}  // namespace nnk
