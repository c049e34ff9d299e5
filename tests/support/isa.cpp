#include "support/isa.hpp"

#include <cstdlib>
#include <string_view>

namespace nnk::test {

const std::vector<Isa>& all_isas() {
  static const std::vector<Isa> isas{Isa::Avx512, Isa::Avx2, Isa::Generic};
  return isas;
}

std::string isa_param_name(const ::testing::TestParamInfo<Isa>& info) { return std::string(to_string(info.param)); }

void PerIsaTest::SetUp() {
  const Isa isa = GetParam();
  bool supported = false;
  for (Isa s : supported_isas()) supported = supported || s == isa;
  if (!supported) GTEST_SKIP() << "this CPU does not support " << to_string(isa);
  const char* forced = std::getenv("NNK_ISA");
  if (forced != nullptr && *forced != '\0' && std::string_view(forced) != to_string(isa))
    GTEST_SKIP() << "NNK_ISA=" << forced << " restricts the run to that ISA";
  previous_ = active_isa();
  set_active_isa(isa);
  switched_ = true;
}

void PerIsaTest::TearDown() {
  if (switched_) set_active_isa(previous_);
}

}  // namespace nnk::test
