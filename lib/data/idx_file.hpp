// Reading MNIST's IDX format (internal to lib/data): what nnk::load_idx, nnk::load_idx_rows, nnk::idx_image_count
// and nnk::load_idx_labels share, each naming itself in its messages.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "nnk/data.hpp"
#include "nnk/matrix.hpp"

namespace nnk::detail {

// A range of examples [first, first + count) of an IDX data set.
struct IdxRange {
  std::int64_t first = 0;
  std::int64_t count = 0;
};

// The examples choose_range picks, given the images file's count (it may throw), of an images file and its labels
// file, checked as nnk::load_idx documents. Only the range's images are kept: a plain file is read from the range's
// first byte (and its size checked against the header), a gzip file inflated up to the range's end; the data after
// the range is checked only where the range reaches the end of the file. The labels file is read whole.
Dataset read_idx_examples(const char* function, const std::string& images_path, const std::string& labels_path,
                          const std::function<IdxRange(std::int64_t images)>& choose_range);

// The image count in the header of an images file (the header alone is read).
std::int64_t read_idx_image_count(const char* function, const std::string& images_path);

// Every label of a labels file, as a 1 x count row.
Matrix read_idx_labels(const char* function, const std::string& labels_path);

}  // namespace nnk::detail
