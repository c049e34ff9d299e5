// The networks users train, as benchmark cases shared by bench/bench_network.cpp and nnk-profile's train_step rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nnk/matrix.hpp"
#include "nnk/network.hpp"

namespace nnk_measure {

struct NetworkCase {
  std::string name;  // layer widths and batch, e.g. "784-256-128-10/m:128"
  nnk::NetworkSpec spec;
  std::int64_t batch;
};

// The MLP shapes of issue 18's table (Fashion-MNIST's 784-256-128-10 at m = 32, 128, 256; 784-1024-1024-10;
// a deep tanh regression net; a small tabular net), the wide binary net and the tiny net (fixed costs per step).
std::vector<NetworkCase> user_network_cases();

// 2 m (3 W - W[0]) for W weights in all and W[0] in the first layer: each layer has a forward, a dW and (except the
// first) a dZ GEMM. Elementwise work is not counted.
double flops_per_step(const NetworkCase& c);

// Deterministic inputs in [-1, 1) and targets that suit the loss (one-hot classes, 0/1 labels or values).
void fill_batch(const NetworkCase& c, nnk::Matrix& x, nnk::Matrix& y);

}  // namespace nnk_measure
