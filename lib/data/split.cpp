// Seeded permutations, column selection and the train/test split.
#include <cmath>
#include <cstdint>
#include <new>
#include <utility>
#include <vector>

#include "core/counter_random.hpp"
#include "nnk/data.hpp"
#include "data/split_rows.hpp"
#include "nnk/error.hpp"

namespace nnk {

Matrix select_columns(ConstMatrixView x, const std::vector<std::int64_t>& columns) {
  Matrix out(x.rows(), static_cast<std::int64_t>(columns.size()));
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const std::int64_t j = columns[k];
    if (j < 0 || j >= x.cols())
      detail::fail("nnk::select_columns: columns[", k, "] must be in [0, ", x.cols(), "), got ", j);
    for (std::int64_t i = 0; i < x.rows(); ++i) out(i, static_cast<std::int64_t>(k)) = x(i, j);
  }
  return out;
}

std::vector<std::int64_t> seeded_permutation(std::int64_t n, std::uint64_t seed) {
  if (n < 0) detail::fail("nnk::seeded_permutation: n must be >= 0, got ", n);
  std::vector<std::int64_t> order;
  // Beyond max_size() no allocator is asked (an instrumented operator new would abort rather than throw).
  if (static_cast<std::uint64_t>(n) > order.max_size())
    detail::fail("nnk::seeded_permutation: n = ", n, " exceeds the largest index vector, ", order.max_size());
  try {
    order.reserve(static_cast<std::size_t>(n));
  } catch (const std::bad_alloc&) {
    detail::fail("nnk::seeded_permutation: cannot allocate a permutation of n = ", n, " indices");
  }
  detail::fill_permutation(order, n, detail::CounterStream(seed, detail::RandomPurpose::Permutation, 0, 0));
  return order;
}

namespace detail {

SplitRows split_rows(const char* function, std::int64_t rows, double test_fraction, std::uint64_t seed) {
  if (!(test_fraction > 0 && test_fraction < 1))
    fail(function, ": test_fraction must be in (0, 1), got ", test_fraction);
  const auto test_count = static_cast<std::int64_t>(std::llround(test_fraction * static_cast<double>(rows)));
  if (test_count < 1 || test_count >= rows)
    fail(function, ": test_fraction = ", test_fraction, " of ", rows, " examples gives ", test_count,
         " test examples, expected between 1 and ", rows - 1);
  const std::vector<std::int64_t> order = seeded_permutation(rows, seed);
  return {.train = std::vector<std::int64_t>(order.begin() + test_count, order.end()),
          .test = std::vector<std::int64_t>(order.begin(), order.begin() + test_count)};
}

}  // namespace detail

TrainTestSplit train_test_split(const Dataset& data, double test_fraction, std::uint64_t seed) {
  constexpr const char* kFunction = "nnk::train_test_split";
  if (!(test_fraction > 0 && test_fraction < 1))
    detail::fail(kFunction, ": test_fraction must be in (0, 1), got ", test_fraction);
  if (data.targets.cols() != data.features.cols())
    detail::fail(kFunction, ": data.targets has ", data.targets.cols(), " columns, expected one per example (",
                 data.features.cols(), ")");
  const detail::SplitRows rows = detail::split_rows(kFunction, data.examples(), test_fraction, seed);
  TrainTestSplit split;
  for (auto [part, columns] : {std::pair{&split.train, &rows.train}, std::pair{&split.test, &rows.test}}) {
    part->features = select_columns(data.features, *columns);
    part->targets = select_columns(data.targets, *columns);
    part->feature_names = data.feature_names;
    part->target_name = data.target_name;
  }
  return split;
}

}  // namespace nnk
