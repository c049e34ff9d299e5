// The GEMM shapes the benchmark runs.
#pragma once

#include <vector>

#include "measure/gemm_problem.hpp"

namespace nnk_measure {

// Square NN problems from 64 to 2048, then the three GEMMs of a 784-1024-... layer on a batch of 256 (forward, dA,
// dW) and two smaller layers' forward GEMMs.
std::vector<GemmShape> benchmark_shapes();

}  // namespace nnk_measure
