// Bundled data set lookup. The build defines NNK_TRAIN_SOURCE_DATA_DIR (the source tree's tools/data),
// NNK_TRAIN_INSTALLED_DATA_DIR (the install data directory relative to the install bin directory) and
// NNK_TRAIN_FASHION_MNIST_DIR (where dataset-fashion-mnist puts its files).
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
#ifndef NNK_TRAIN_FASHION_MNIST_DIR
#error "the build must define NNK_TRAIN_FASHION_MNIST_DIR"
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

FashionMnistFiles fashion_mnist_files(const std::optional<std::string>& data_dir) {
  const fs::path dir = fs::path(data_dir ? *data_dir : NNK_TRAIN_FASHION_MNIST_DIR).lexically_normal();
  const auto in_dir = [&](const char* name) { return (dir / name).string(); };
  FashionMnistFiles files{.directory = dir.string(),
                          .train_images = in_dir("train-images-idx3-ubyte.gz"),
                          .train_labels = in_dir("train-labels-idx1-ubyte.gz"),
                          .test_images = in_dir("t10k-images-idx3-ubyte.gz"),
                          .test_labels = in_dir("t10k-labels-idx1-ubyte.gz")};
  std::string missing;
  for (const std::string* path : {&files.train_images, &files.train_labels, &files.test_images, &files.test_labels}) {
    std::error_code error;
    if (!fs::is_regular_file(*path, error))
      missing += (missing.empty() ? "" : ", ") + fs::path(*path).filename().string();
  }
  if (!missing.empty())
    detail::fail("data set 'fashion-mnist' not found in '", files.directory, "' (missing ", missing,
                 "); install Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist, or "
                 "tools/install-deps.sh --datasets)",
                 data_dir ? "" : ", or point --data-dir at a directory with those four files");
  return files;
}

}  // namespace nnk::train_cli
