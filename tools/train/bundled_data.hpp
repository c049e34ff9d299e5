// Where the bundled data sets (tools/data/*.csv) are: --data-dir when given; otherwise next to an installed
// nnk-train (<prefix>/<datadir>/nnk/data, found from the executable's own path), then the source tree it was built
// from.
#pragma once

#include <optional>
#include <string>

namespace nnk::train_cli {

// The CSV file of a bundled data set (name from bundled_dataset_names()). nnk::Error listing the places searched
// when it is in none of them.
std::string bundled_dataset_path(const std::string& name, const std::optional<std::string>& data_dir);

}  // namespace nnk::train_cli
