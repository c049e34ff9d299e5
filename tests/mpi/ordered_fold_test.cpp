// The ordered fold (lib/mpi/ordered_fold.hpp) against the serial fold of all blocks on one rank, bit for bit, for
// every way of spreading the blocks over the ranks, blocking and non-blocking, several folds in flight.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "mpi/ordered_fold.hpp"
#include "support/errors.hpp"
#include "support/float_bits.hpp"
#include "support/random.hpp"
#include "world.hpp"

namespace {

using nnk::test::world_rank;
using nnk::test::world_size;

using nnk::mpi::detail::kFoldChunkFloats;
using nnk::mpi::detail::OrderedFold;

// Who holds which gradient blocks: rank 0 folds blocks [0, rank0_folded) into its accumulator itself and passes
// the next rank0_passed as partials; rank r > 0 passes blocks_of[r] partials. Blocks are numbered in rank order.
struct BlockSpread {
  const char* name;
  int rank0_folded;
  int rank0_passed;
  std::vector<int> blocks_of;  // [0] unused

  int total() const {
    int sum = rank0_folded + rank0_passed;
    for (std::size_t r = 1; r < blocks_of.size(); ++r) sum += blocks_of[r];
    return sum;
  }
  int first_block_of(int rank) const {
    int first = rank0_folded + rank0_passed;
    for (int r = 1; r < rank; ++r) first += blocks_of[static_cast<std::size_t>(r)];
    return first;
  }
};

std::vector<BlockSpread> spreads_for(int size) {
  const auto per_rank = [size](auto count_of) {
    std::vector<int> counts(static_cast<std::size_t>(size), 0);
    for (int r = 1; r < size; ++r) counts[static_cast<std::size_t>(r)] = count_of(r);
    return counts;
  };
  return {
      {"one block per rank", 1, 0, per_rank([](int) { return 1; })},
      // Ranks with no partials (odd ones) only pass the vector on; rank 0 both folds and passes.
      {"rank 0 folds 2 and passes 2, odd ranks none", 2, 2, per_rank([](int r) { return r % 2 == 1 ? 0 : 3; })},
      // Only the last rank adds anything after rank 0: every middle rank is a relay.
      {"rank 0 folds 3, only the last rank adds", 3, 0, per_rank([size](int r) { return r == size - 1 ? 4 : 0; })},
  };
}

// Block b's partial: the same on every rank (a function of b and i), magnitudes from 2^-14 to 2^14 and both signs,
// so that a sum taken in another order rounds differently.
std::vector<float> block_partial(int block, std::size_t length) {
  nnk::test::Rng rng(nnk::test::derive_seed(0x0F01D000u + static_cast<std::uint64_t>(block)));
  std::vector<float> values(length);
  for (float& v : values) v = std::ldexp(rng.uniform(-1.0f, 1.0f), static_cast<int>(rng.uniform_int(-14, 14)));
  return values;
}

std::vector<std::vector<float>> all_partials(int blocks, std::size_t length) {
  std::vector<std::vector<float>> partials;
  for (int b = 0; b < blocks; ++b) partials.push_back(block_partial(b, length));
  return partials;
}

// The single-process fold in the given block order: ((p[o0] + p[o1]) + p[o2]) + ...
std::vector<float> serial_fold(const std::vector<std::vector<float>>& partials, const std::vector<int>& order) {
  std::vector<float> sum = partials[static_cast<std::size_t>(order[0])];
  for (std::size_t k = 1; k < order.size(); ++k)
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] = sum[i] + partials[static_cast<std::size_t>(order[k])][i];
  return sum;
}

std::vector<int> block_order(int blocks, bool reversed) {
  std::vector<int> order(static_cast<std::size_t>(blocks));
  for (int b = 0; b < blocks; ++b) order[static_cast<std::size_t>(b)] = reversed ? blocks - 1 - b : b;
  return order;
}

::testing::AssertionResult same_bits(const std::vector<float>& actual, const std::vector<float>& expected) {
  if (actual.size() != expected.size())
    return ::testing::AssertionFailure() << "length " << actual.size() << ", expected " << expected.size();
  for (std::size_t i = 0; i < actual.size(); ++i)
    if (std::bit_cast<std::uint32_t>(actual[i]) != std::bit_cast<std::uint32_t>(expected[i]))
      return ::testing::AssertionFailure() << "element " << i << " of " << actual.size() << " is "
                                           << nnk::test::describe_bits(actual[i]) << ", the serial fold gives "
                                           << nnk::test::describe_bits(expected[i]);
  return ::testing::AssertionSuccess();
}

bool any_bits_differ(const std::vector<float>& a, const std::vector<float>& b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::bit_cast<std::uint32_t>(a[i]) != std::bit_cast<std::uint32_t>(b[i])) return true;
  return false;
}

// This rank's side of one fold: its accumulator on entry and the partials it passes.
struct RankInputs {
  std::vector<float> accumulator;
  std::vector<const float*> partials;
};

RankInputs inputs_of(int rank, const BlockSpread& spread, const std::vector<std::vector<float>>& partials,
                     std::size_t length) {
  RankInputs in;
  int first = 0;
  int count = 0;
  if (rank == 0) {
    in.accumulator = serial_fold(partials, block_order(spread.rank0_folded, false));
    first = spread.rank0_folded;
    count = spread.rank0_passed;
  } else {
    // Ignored on entry: NaN shows it if it were read.
    in.accumulator.assign(length, std::numeric_limits<float>::quiet_NaN());
    first = spread.first_block_of(rank);
    count = spread.blocks_of[static_cast<std::size_t>(rank)];
  }
  for (int b = first; b < first + count; ++b) in.partials.push_back(partials[static_cast<std::size_t>(b)].data());
  return in;
}

struct FoldCase {
  std::size_t length;
  std::size_t chunk;
};

std::vector<FoldCase> fold_cases() {
  const std::size_t c = kFoldChunkFloats;
  return {{0, c},  {1, c},  {17, c},  {c - 1, c}, {c, c},  {c + 1, c}, {3 * c + 5, c},
          // Small chunks: many of them in flight on short vectors.
          {0, 16}, {1, 16}, {15, 16}, {16, 16},   {17, 16}, {100, 16}, {1000, 7}};
}

TEST(MpiOrderedFold, BlockingEqualsTheSerialFoldBitForBit) {
  const int rank = world_rank();
  for (const BlockSpread& spread : spreads_for(world_size())) {
    for (const FoldCase& fc : fold_cases()) {
      SCOPED_TRACE(::testing::Message() << spread.name << ", length " << fc.length << ", chunk " << fc.chunk);
      const auto partials = all_partials(spread.total(), fc.length);
      RankInputs in = inputs_of(rank, spread, partials, fc.length);
      nnk::mpi::detail::ordered_fold(MPI_COMM_WORLD, in.accumulator, in.partials, fc.chunk);
      const std::vector<float> expected = serial_fold(partials, block_order(spread.total(), false));
      EXPECT_TRUE(same_bits(in.accumulator, expected));
      // The data would catch a fold in another order: summed backwards, some element rounds differently.
      if (fc.length >= 17 && spread.total() >= 3) {
        EXPECT_TRUE(any_bits_differ(serial_fold(partials, block_order(spread.total(), true)), expected));
      }
    }
  }
}

TEST(MpiOrderedFold, SeveralNonBlockingFoldsInFlightEqualTheSerialFolds) {
  const int rank = world_rank();
  const BlockSpread spread = spreads_for(world_size())[1];
  const std::vector<FoldCase> cases = {{17, 4}, {kFoldChunkFloats + 1, kFoldChunkFloats}, {1000, 16}, {0, 16}};
  std::vector<std::vector<std::vector<float>>> partials;
  std::vector<RankInputs> inputs;
  for (const FoldCase& fc : cases) {
    partials.push_back(all_partials(spread.total(), fc.length));
    inputs.push_back(inputs_of(rank, spread, partials.back(), fc.length));
  }
  std::vector<OrderedFold> folds(cases.size());
  for (std::size_t k = 0; k < cases.size(); ++k)
    folds[k].start(MPI_COMM_WORLD, inputs[k].accumulator, inputs[k].partials, static_cast<int>(k), cases[k].chunk);
  // Advance them in an order that differs from rank to rank, as a training step would between its GEMMs.
  for (int round = 0; round < 1000; ++round) {
    bool all_done = true;
    for (std::size_t j = 0; j < folds.size(); ++j)
      all_done = folds[(j + static_cast<std::size_t>(rank)) % folds.size()].test() && all_done;
    if (all_done) break;
  }
  for (OrderedFold& fold : folds) fold.wait();  // the same order on every rank
  for (std::size_t k = 0; k < cases.size(); ++k) {
    SCOPED_TRACE(::testing::Message() << "fold " << k << ", length " << cases[k].length);
    EXPECT_FALSE(folds[k].in_flight());
    EXPECT_TRUE(same_bits(inputs[k].accumulator, serial_fold(partials[k], block_order(spread.total(), false))));
  }
}

TEST(MpiOrderedFold, ABlockingFoldMayRunWhileNonBlockingOnesAreInFlight) {
  const int rank = world_rank();
  const BlockSpread spread = spreads_for(world_size())[2];
  const auto partials_a = all_partials(spread.total(), 300);
  const auto partials_b = all_partials(spread.total(), 33);
  RankInputs a = inputs_of(rank, spread, partials_a, 300);
  RankInputs b = inputs_of(rank, spread, partials_b, 33);
  OrderedFold fold_a;
  fold_a.start(MPI_COMM_WORLD, a.accumulator, a.partials, 5, 32);
  nnk::mpi::detail::ordered_fold(MPI_COMM_WORLD, b.accumulator, b.partials, 8);
  fold_a.wait();
  EXPECT_TRUE(same_bits(a.accumulator, serial_fold(partials_a, block_order(spread.total(), false))));
  EXPECT_TRUE(same_bits(b.accumulator, serial_fold(partials_b, block_order(spread.total(), false))));
  // A finished fold starts again with the same tag (the next training step's).
  fold_a.start(MPI_COMM_WORLD, a.accumulator, {}, 5, 32);
  fold_a.wait();
  EXPECT_TRUE(same_bits(a.accumulator, serial_fold(partials_a, block_order(spread.total(), false))));
}

TEST(MpiOrderedFold, BadArgumentsAreErrorsOnEveryRank) {
  std::vector<float> accumulator(10, 1.0f);
  const std::vector<const float*> null_partial = {accumulator.data(), nullptr};
  const int max_tag = nnk::mpi::detail::max_fold_tag(MPI_COMM_WORLD);
  EXPECT_GE(max_tag, 16383);  // MPI guarantees tags up to 32767; a fold takes two
  OrderedFold fold;
  EXPECT_TRUE(nnk::test::throws_error_containing([&] { fold.start(MPI_COMM_WORLD, accumulator, {}, -1); },
                                                 {"OrderedFold::start", "tag must be in [0, ", "got -1"}));
  EXPECT_TRUE(nnk::test::throws_error_containing(
      [&] { fold.start(MPI_COMM_WORLD, accumulator, {}, max_tag + 1); },
      {"tag must be in [0, " + std::to_string(max_tag) + "]", "got " + std::to_string(max_tag + 1)}));
  EXPECT_TRUE(nnk::test::throws_error_containing([&] { fold.start(MPI_COMM_WORLD, accumulator, null_partial, 0); },
                                                 {"partials[1] must point at 10 floats, got null"}));
  EXPECT_TRUE(nnk::test::throws_error_containing([&] { fold.start(MPI_COMM_WORLD, accumulator, {}, 0, 0); },
                                                 {"chunk_floats must be in [1, ", "got 0"}));
  EXPECT_TRUE(nnk::test::throws_error_containing([&] { fold.start(MPI_COMM_NULL, accumulator, {}, 0); },
                                                 {"comm must be a communicator, got MPI_COMM_NULL"}));
  EXPECT_FALSE(fold.in_flight());
  fold.start(MPI_COMM_WORLD, accumulator, {}, 3);
  // On one rank the fold finishes inside start(); elsewhere it is (almost always) still waiting for messages.
  if (fold.in_flight()) {
    EXPECT_TRUE(nnk::test::throws_error_containing([&] { fold.start(MPI_COMM_WORLD, accumulator, {}, 4); },
                                                   {"a fold (tag 3) is still in flight"}));
  }
  fold.wait();
  EXPECT_TRUE(fold.test());  // finished, and nothing to advance
}

}  // namespace
