#include "measure/gemm_shapes.hpp"

namespace nnk_measure {

std::vector<GemmShape> benchmark_shapes() {
  using nnk::Trans;
  std::vector<GemmShape> shapes;
  for (std::int64_t size : {64, 128, 256, 512, 1024, 2048}) shapes.push_back({Trans::No, Trans::No, size, size, size});
  // Layer 784 -> 1024, batch 256, examples as columns.
  shapes.push_back({Trans::No, Trans::No, 1024, 256, 784});   // forward:  Z = W X
  shapes.push_back({Trans::Yes, Trans::No, 784, 256, 1024});  // backward: dX = W^T dZ
  shapes.push_back({Trans::No, Trans::Yes, 1024, 784, 256});  // backward: dW = dZ X^T
  // Forward GEMMs of small layers: 784 -> 128 on a batch of 64, and a 128 -> 10 output layer on a batch of 256.
  shapes.push_back({Trans::No, Trans::No, 128, 64, 784});
  shapes.push_back({Trans::No, Trans::No, 10, 256, 128});
  return shapes;
}

}  // namespace nnk_measure
