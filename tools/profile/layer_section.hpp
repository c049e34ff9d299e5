// A layer's GEMM with its elementwise work fused into the epilogue (nnk::sgemm with nnk::GemmEpilogue), on the
// 784 -> 1024 layer of tools/measure/gemm_shapes.cpp at a batch of 256, against the reference computing the same in
// passes:
//   layer_forward[g]   A = g(W X + b)                               NN 1024x256x784
//   layer_backward[g]  dZ_prev = (W^T dZ) o g'(A_prev), db_prev = rowsum(dZ_prev) / m   TN 784x256x1024
#pragma once

#include "profile_run.hpp"

namespace nnk_profile {

Section layer_section();

}  // namespace nnk_profile
