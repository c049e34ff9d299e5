// Where the bundled data sets (tools/data/*.csv) are: --data-dir when given; otherwise next to an installed
// nnk-train (<prefix>/<datadir>/nnk/data, found from the executable's own path), then the source tree it was built
// from. Fashion-MNIST is not shipped: its IDX files come from Debian's dataset-fashion-mnist package.
#pragma once

#include <optional>
#include <string>

namespace nnk::train_cli {

// The CSV file of a bundled data set (name from bundled_dataset_names()). nnk::Error listing the places searched
// when it is in none of them.
std::string bundled_dataset_path(const std::string& name, const std::optional<std::string>& data_dir);

// Fashion-MNIST's four files (the package's names) and the directory that holds them.
struct FashionMnistFiles {
  std::string directory;
  std::string train_images, train_labels, test_images, test_labels;
};

// In data_dir when given, else where the package installs them (NNK_FASHION_MNIST_DIR, by default
// /usr/share/datasets/fashion-mnist). nnk::Error naming the missing files and how to install the package.
FashionMnistFiles fashion_mnist_files(const std::optional<std::string>& data_dir);

}  // namespace nnk::train_cli
