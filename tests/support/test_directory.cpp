// Per-test scratch directories.
#include "support/test_directory.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <system_error>

namespace nnk::test {

namespace fs = std::filesystem;

TestDirectory::TestDirectory(const std::string& prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  path_ = fs::temp_directory_path() /
          ("nnk_" + prefix + "_" + std::to_string(::getpid()) + "_" + (info != nullptr ? info->name() : "suite"));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

std::string TestDirectory::write(const std::string& name, const std::string& content) const {
  const std::string path = file(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TestDirectory::~TestDirectory() {
  std::error_code ignored;  // a destructor must not throw; a leftover directory is harmless
  fs::remove_all(path_, ignored);
}

}  // namespace nnk::test
