#include "error_message.hpp"

#include <string_view>

namespace nnk::train_cli {

std::string error_message(const std::exception& error) {
  std::string message = error.what();
  for (const std::string_view prefix :
       {"nnk::load_csv: ", "nnk::load_idx: ", "nnk::load_idx_rows: ", "nnk::idx_image_count: ",
        "nnk::load_idx_labels: ", "nnk::load_table: ", "nnk::fit: ", "nnk::read_checkpoint_info: "})
    if (message.starts_with(prefix)) message.erase(0, prefix.size());
  return message;
}

}  // namespace nnk::train_cli
