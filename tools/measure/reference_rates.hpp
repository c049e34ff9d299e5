// The reference's FLOP rate per shape, measured at startup, so that every GEMM benchmark can report its speed-up.
#pragma once

#include <map>
#include <tuple>
#include <vector>

#include "measure/gemm_backend.hpp"

namespace nnk_measure {

class ReferenceRates {
 public:
  // Times `reference` (median of 3 calls after a warm-up) on each shape it runs single-threaded.
  void measure(const GemmBackend& reference, const std::vector<GemmShape>& shapes);

  // FLOP/s of the reference on this shape, or 0 if it was not measured (the shape is too large for it).
  double flops_per_second(const GemmShape& shape) const;

 private:
  using Key = std::tuple<nnk::Trans, nnk::Trans, std::int64_t, std::int64_t, std::int64_t>;
  static Key key(const GemmShape& s) { return {s.trans_a, s.trans_b, s.m, s.n, s.k}; }
  std::map<Key, double> rates_;
};

}  // namespace nnk_measure
