// nnk::load_idx: every example of an IDX data set (data/idx_file.hpp reads it).
#include "data/idx_file.hpp"
#include "nnk/data.hpp"

namespace nnk {

Dataset load_idx(const std::string& images_path, const std::string& labels_path) {
  return detail::read_idx_examples("nnk::load_idx", images_path, labels_path,
                                   [](std::int64_t images) { return detail::IdxRange{.first = 0, .count = images}; });
}

}  // namespace nnk
