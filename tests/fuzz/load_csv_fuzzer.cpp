// Fuzz target for nnk::load_csv. Any input must give a Dataset or an nnk::Error, never a crash, a sanitizer report
// or another exception. An accepted file is checked against the independent reading in csv_reference.hpp (same
// shape, bitwise the same numbers) and loaded a second time by its target's name (the same data, or an error that
// says the name is ambiguous).
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "support/fuzz/csv_reference.hpp"
#include "support/fuzz/fuzz_check.hpp"
#include "support/fuzz/memory_file.hpp"
#include "nnk/data.hpp"
#include "nnk/error.hpp"

namespace {

using nnk::fuzz::check;

bool same_bits(nnk::ConstMatrixView a, nnk::ConstMatrixView b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (std::int64_t j = 0; j < a.cols(); ++j)
    for (std::int64_t i = 0; i < a.rows(); ++i)
      if (std::bit_cast<std::uint32_t>(a(i, j)) != std::bit_cast<std::uint32_t>(b(i, j))) return false;
  return true;
}

void check_against_reference(const nnk::Dataset& data, std::string_view content) {
  const std::optional<nnk::fuzz::ReferenceTable> table = nnk::fuzz::read_reference_table(content);
  check(table.has_value(), "load_csv accepted a file that the reference reading rejects");
  const std::size_t columns = table->header.size();
  check(columns == data.feature_names.size() + 1, "column count differs from the reference");
  check(static_cast<std::int64_t>(table->rows.size()) == data.examples(), "row count differs from the reference");
  check(data.target_name == table->header.back(), "target (index -1) is not the last header name");
  for (std::size_t c = 0; c + 1 < columns; ++c)
    check(data.feature_names[c] == table->header[c], "feature name differs from the reference");
  for (std::int64_t j = 0; j < data.examples(); ++j) {
    const std::vector<float>& row = table->rows[static_cast<std::size_t>(j)];
    for (std::size_t c = 0; c + 1 < columns; ++c)
      check(std::bit_cast<std::uint32_t>(data.features(static_cast<std::int64_t>(c), j)) ==
                std::bit_cast<std::uint32_t>(row[c]),
            "a feature value differs from strtof's reading of its field");
    check(std::bit_cast<std::uint32_t>(data.targets(0, j)) == std::bit_cast<std::uint32_t>(row.back()),
          "a target value differs from strtof's reading of its field");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  nnk::fuzz::MemoryFile& file = nnk::fuzz::input_file();
  file.assign(bytes, size);

  std::optional<nnk::Dataset> by_index;
  try {
    by_index = nnk::load_csv(file.path(), std::int64_t{-1});
  } catch (const nnk::Error& e) {
    nnk::fuzz::check_error_message(e, "nnk::load_csv: ");
    return 0;
  }
  const nnk::Dataset& data = *by_index;
  check(data.examples() >= 1, "an accepted file has no examples");
  check(data.features.rows() == static_cast<std::int64_t>(data.feature_names.size()),
        "feature rows differ from the feature names");
  check(data.targets.rows() == 1 && data.targets.cols() == data.examples(), "targets are not 1 x examples");
  for (std::int64_t j = 0; j < data.examples(); ++j) {
    check(std::isfinite(data.targets(0, j)), "a target is not finite");
    for (std::int64_t i = 0; i < data.features.rows(); ++i)
      check(std::isfinite(data.features(i, j)), "a feature is not finite");
  }
  check_against_reference(data, std::string_view(reinterpret_cast<const char*>(bytes), size));

  try {
    const nnk::Dataset by_name = nnk::load_csv(file.path(), data.target_name);
    check(same_bits(by_name.features, data.features) && same_bits(by_name.targets, data.targets),
          "loading by the target's name gives other data than loading by its index");
  } catch (const nnk::Error& e) {
    check(std::string_view(e.what()).find("more than one column named") != std::string_view::npos,
          "loading by the target's name failed although loading by index worked, and not for a duplicate name");
  }
  return 0;
}
