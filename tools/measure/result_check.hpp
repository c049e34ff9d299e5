// Startup check that every backend computes the right product, so that a wrongly mapped call is never benchmarked.
#pragma once

#include <ostream>
#include <vector>

#include "measure/gemm_backend.hpp"

namespace nnk_measure {

// Runs each backend on one odd-sized shape in all four transpose combinations and compares C with nnk::ref::sgemm
// (which sums in double) and, for the peers, with nnk::sgemm at the active ISA. Logs one line per backend and
// combination; returns false if any max |difference| from the reference exceeds 64 * eps * sqrt(k) * max(1, max|C|).
bool check_results(const std::vector<GemmBackend>& backends, std::ostream& log);

}  // namespace nnk_measure
