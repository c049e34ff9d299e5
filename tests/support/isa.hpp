// Running a test once per ISA: every ISA the CPU supports, or only the one NNK_ISA names.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nnk/cpu.hpp"

namespace nnk::test {

// Every ISA nnk has kernels for (the parameter list of per-ISA tests; unsupported ones skip visibly).
const std::vector<Isa>& all_isas();

// "avx512", for test names.
std::string isa_param_name(const ::testing::TestParamInfo<Isa>& info);

// Base fixture: makes GetParam() the active ISA for the test's duration, or skips the test (saying why) when the
// CPU lacks the ISA or the environment variable NNK_ISA selects another one.
class PerIsaTest : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override;
  void TearDown() override;

 private:
  bool switched_ = false;
  Isa previous_ = Isa::Generic;
};

}  // namespace nnk::test
