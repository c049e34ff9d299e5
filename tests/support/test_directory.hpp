// A fresh, empty directory for the running test, removed with the object: <temp>/nnk_<prefix>_<pid>_<test name>
// (the pid keeps the processes that ctest -j runs at once apart). Make it a member of the fixture.
#pragma once

#include <filesystem>
#include <string>

namespace nnk::test {

class TestDirectory {
 public:
  explicit TestDirectory(const std::string& prefix);
  ~TestDirectory();
  TestDirectory(const TestDirectory&) = delete;
  TestDirectory& operator=(const TestDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The path of `name` in the directory.
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  // Writes `content` (bytes as they are) to `name` in the directory and returns its path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

}  // namespace nnk::test
