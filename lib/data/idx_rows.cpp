// nnk::load_idx_rows, nnk::idx_image_count, nnk::load_idx_labels: a range of an IDX data set (one MPI rank's share),
// and what choosing the ranges takes.
#include "data/idx_file.hpp"
#include "nnk/data.hpp"
#include "nnk/error.hpp"

namespace nnk {

Dataset load_idx_rows(const std::string& images_path, const std::string& labels_path, std::int64_t first,
                      std::int64_t count) {
  constexpr const char* kFunction = "nnk::load_idx_rows";
  return detail::read_idx_examples(kFunction, images_path, labels_path, [&](std::int64_t images) {
    if (first < 0 || count < 0 || first > images - count)
      detail::fail(kFunction, ": first = ", first, " and count = ", count, " ask for images beyond those of '",
                   images_path, "', expected first >= 0, count >= 0 and first + count <= ", images,
                   " (the images it holds)");
    return detail::IdxRange{.first = first, .count = count};
  });
}

std::int64_t idx_image_count(const std::string& images_path) {
  return detail::read_idx_image_count("nnk::idx_image_count", images_path);
}

Matrix load_idx_labels(const std::string& labels_path) {
  return detail::read_idx_labels("nnk::load_idx_labels", labels_path);
}

}  // namespace nnk
