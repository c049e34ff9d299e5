#include "support/eltwise/streaming.hpp"

namespace nnk::test {

const std::vector<StreamingShape>& streaming_shapes() {
  static const std::vector<StreamingShape> shapes = {
      {1, 1, 0, 3},      {5, 1, 0, 0},     {7, 3, 0, 1},      {16, 4, 0, 0},  {17, 5, 3, 0},
      {33, 9, 0, 15},    {33, 9, 5, 8},    {100, 7, 1, 4},    {1000, 70, 0, 7},  // flat: 2 parts, unaligned
      {1001, 67, 0, 0},  {1000, 70, 3, 13}, {4096, 3, 0, 5},  {4097, 2, 0, 2},   // softmax scratch edge
  };
  return shapes;
}

}  // namespace nnk::test
