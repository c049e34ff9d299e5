// Bundled data set lookup. The build defines NNK_TRAIN_SOURCE_DATA_DIR (the source tree's tools/data) and
// NNK_TRAIN_INSTALLED_DATA_DIR (the install data directory relative to the install bin directory).
#include "bundled_data.hpp"

#include <filesystem>
#include <system_error>
#include <vector>

#include "nnk/error.hpp"

#ifndef NNK_TRAIN_SOURCE_DATA_DIR
#error "the build must define NNK_TRAIN_SOURCE_DATA_DIR"
#endif
#ifndef NNK_TRAIN_INSTALLED_DATA_DIR
#error "the build must define NNK_TRAIN_INSTALLED_DATA_DIR"
#endif

namespace nnk::train_cli {

namespace {

namespace fs = std::filesystem;

// The directory of the running executable (Linux), or nothing.
std::optional<fs::path> executable_directory() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (error) return std::nullopt;
  return self.parent_path();
}

}  // namespace

std::string bundled_dataset_path(const std::string& name, const std::optional<std::string>& data_dir) {
  const std::string file = name + ".csv";
  std::vector<fs::path> places;
  if (data_dir) {
    places.emplace_back(*data_dir);
  } else {
    if (const auto bin = executable_directory()) places.push_back(*bin / NNK_TRAIN_INSTALLED_DATA_DIR);
    places.emplace_back(NNK_TRAIN_SOURCE_DATA_DIR);
  }
  std::string searched;
  for (const fs::path& dir : places) {
    const fs::path candidate = (dir / file).lexically_normal();
    std::error_code error;
    if (fs::is_regular_file(candidate, error)) return candidate.string();
    searched += (searched.empty() ? "" : ", ") + candidate.string();
  }
  detail::fail("bundled data set '", name, "' not found (looked for ", searched, ")",
               data_dir ? "" : "; point --data-dir at the directory with the data sets");
}

}  // namespace nnk::train_cli
