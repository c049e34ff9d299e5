#include "mpi/sharded_examples.hpp"

#include <algorithm>
#include <cstring>
#include <tuple>

#include "cpu/parallel.hpp"
#include "mpi/block_ranges.hpp"
#include "mpi/mpi_call.hpp"
#include "nn/evaluation.hpp"
#include "nn/step_plan.hpp"
#include "nnk/error.hpp"

namespace nnk::mpi::detail {

namespace {

constexpr const char* kFunction = "nnk::mpi::fit_sharded";

// A matrix of rows x cols, reallocated only when its shape changes.
void shape(Matrix& m, std::int64_t rows, std::int64_t cols) {
  if (m.rows() != rows || m.cols() != cols) m = Matrix(rows, cols);
}

MPI_Datatype column_type(std::int64_t rows) {
  MPI_Datatype type = MPI_DATATYPE_NULL;
  check_mpi(MPI_Type_contiguous(static_cast<int>(rows), MPI_FLOAT, &type), "MPI_Type_contiguous");
  check_mpi(MPI_Type_commit(&type), "MPI_Type_commit");
  return type;
}

// Copies column source_column(k) of source to column target_column(k) of target for the k in [0, count) whose
// target column is not negative, on nnk's threads (a memory-bound copy of scattered columns).
template <typename Source, typename Target>
void copy_columns(ConstMatrixView source, MatrixView target, std::int64_t count, Source source_column,
                  Target target_column) {
  const auto bytes = static_cast<std::size_t>(source.rows()) * sizeof(float);
  cpu::parallel_for(count, std::max<std::int64_t>(1, 16 * 1024 / std::max<std::int64_t>(source.rows(), 1)),
                    [&](std::int64_t begin, std::int64_t end) {
                      for (std::int64_t k = begin; k < end; ++k)
                        if (const std::int64_t j = target_column(k); j >= 0)
                          std::memcpy(target.col(j), source.col(source_column(k)), bytes);
                    });
}

}  // namespace

ShardedExamples::ShardedExamples(MPI_Comm comm, ConstMatrixView x, ConstMatrixView y)
    : rank_(rank_of(comm)), size_(size_of(comm)), x_(x), y_(y) {
  if (x.cols() != y.cols())
    nnk::detail::fail(kFunction, ": x and y must hold the same examples, got x.cols() = ", x.cols(),
                      " and y.cols() = ", y.cols());
  check_mpi(MPI_Comm_dup(comm, &comm_), "MPI_Comm_dup");
  std::vector<std::int64_t> counts(static_cast<std::size_t>(size_));
  const std::int64_t mine = x.cols();
  check_mpi(MPI_Allgather(&mine, 1, MPI_INT64_T, counts.data(), 1, MPI_INT64_T, comm_), "MPI_Allgather");
  firsts_.assign(static_cast<std::size_t>(size_) + 1, 0);
  for (int r = 0; r < size_; ++r)
    firsts_[static_cast<std::size_t>(r) + 1] = firsts_[static_cast<std::size_t>(r)] + counts[static_cast<std::size_t>(r)];
  x_column_ = column_type(x.rows());
  y_column_ = column_type(y.rows());
}

ShardedExamples::~ShardedExamples() {
  MPI_Type_free(&x_column_);
  MPI_Type_free(&y_column_);
  MPI_Comm_free(&comm_);
}

int ShardedExamples::owner_of(std::int64_t e) const {
  // The last rank whose shard starts at or before e (empty shards start where the next one does).
  return static_cast<int>(std::upper_bound(firsts_.begin() + 1, firsts_.end() - 1, e) - (firsts_.begin() + 1));
}

nn::DataFingerprint ShardedExamples::chained_fingerprint(ConstMatrixView data) {
  nn::DataFingerprint so_far = nn::fingerprint(data.col_block(0, 0));
  if (rank_ > 0)
    check_mpi(MPI_Recv(&so_far.fnv1a, 1, MPI_UINT64_T, rank_ - 1, 0, comm_, MPI_STATUS_IGNORE), "MPI_Recv");
  so_far = nn::continue_fingerprint(so_far, data);
  if (rank_ + 1 < size_) check_mpi(MPI_Send(&so_far.fnv1a, 1, MPI_UINT64_T, rank_ + 1, 0, comm_), "MPI_Send");
  check_mpi(MPI_Bcast(&so_far.fnv1a, 1, MPI_UINT64_T, size_ - 1, comm_), "MPI_Bcast");
  return {data.rows(), examples(), so_far.fnv1a};
}

void ShardedExamples::exchange(const std::vector<std::int64_t>& wanted, const std::vector<int>& consumer, Matrix& x,
                               Matrix& y, std::vector<std::int64_t>& column_of) {
  const auto ranks = static_cast<std::size_t>(size_);
  const auto me = static_cast<std::size_t>(rank_);
  // The columns this rank both owns and consumes are copied in place, not sent: the send buffer and MPI's counts
  // leave them out, the arrival buffer keeps their group (receive_counts_[me] is 0 for MPI, their offset is kept).
  send_counts_.assign(ranks, 0);
  receive_counts_.assign(ranks, 0);
  for (std::size_t k = 0; k < wanted.size(); ++k) {
    const auto owner = static_cast<std::size_t>(owner_of(wanted[k]));
    const auto c = static_cast<std::size_t>(consumer[k]);
    if (owner == me && c != me) ++send_counts_[c];
    if (c == me) ++receive_counts_[owner];
  }
  const auto offsets = [&](const std::vector<int>& counts, std::vector<int>& result) {
    result.assign(ranks, 0);
    for (std::size_t r = 1; r < ranks; ++r) result[r] = result[r - 1] + counts[r - 1];
    return result.back() + counts.back();
  };
  const int sent = offsets(send_counts_, send_offsets_);
  const int received = offsets(receive_counts_, receive_offsets_);
  receive_counts_[me] = 0;
  shape(send_x_, x_.rows(), sent);
  shape(send_y_, y_.rows(), sent);
  shape(x, x_.rows(), received);
  shape(y, y_.rows(), received);

  // Where each position's column goes: in the send buffer, grouped by consumer; on arrival, grouped by owner; both
  // in position order within a group, so that sender and receiver agree without telling each other.
  column_of.assign(wanted.size(), -1);
  send_columns_.assign(wanted.size(), -1);
  kept_columns_.assign(wanted.size(), -1);
  next_send_ = send_offsets_;
  next_receive_ = receive_offsets_;
  for (std::size_t k = 0; k < wanted.size(); ++k) {
    const auto owner = static_cast<std::size_t>(owner_of(wanted[k]));
    const auto c = static_cast<std::size_t>(consumer[k]);
    if (c == me) column_of[k] = next_receive_[owner]++;
    if (owner == me && c == me) kept_columns_[k] = column_of[k];
    if (owner == me && c != me) send_columns_[k] = next_send_[c]++;
  }
  const std::int64_t first = firsts_[me];
  const auto shard_column = [&](std::int64_t k) { return wanted[static_cast<std::size_t>(k)] - first; };
  const auto count = static_cast<std::int64_t>(wanted.size());
  for (const auto& [source, sent_to, kept_in] :
       {std::tuple<ConstMatrixView, Matrix*, Matrix*>{x_, &send_x_, &x}, {y_, &send_y_, &y}}) {
    copy_columns(source, sent_to->view(), count, shard_column,
                 [&](std::int64_t k) { return send_columns_[static_cast<std::size_t>(k)]; });
    copy_columns(source, kept_in->view(), count, shard_column,
                 [&](std::int64_t k) { return kept_columns_[static_cast<std::size_t>(k)]; });
  }

  check_mpi(MPI_Alltoallv(send_x_.data(), send_counts_.data(), send_offsets_.data(), x_column_, x.data(),
                          receive_counts_.data(), receive_offsets_.data(), x_column_, comm_),
            "MPI_Alltoallv");
  check_mpi(MPI_Alltoallv(send_y_.data(), send_counts_.data(), send_offsets_.data(), y_column_, y.data(),
                          receive_counts_.data(), receive_offsets_.data(), y_column_, comm_),
            "MPI_Alltoallv");
  bytes_sent_ += static_cast<std::int64_t>(sent) * (x_.rows() + y_.rows()) * static_cast<std::int64_t>(sizeof(float));
}

void ShardedExamples::fetch_validation(const std::vector<std::int64_t>& held_out, Matrix& x, Matrix& y) {
  const auto count = static_cast<std::int64_t>(held_out.size());
  consumer_.resize(held_out.size());
  for (int r = 0; r < size_; ++r) {
    const Columns c = columns_of_rank(count, nn::Evaluation::kBlockColumns, r, size_);
    std::fill(consumer_.begin() + c.begin, consumer_.begin() + c.end, r);
  }
  Matrix arrived_x, arrived_y;
  std::vector<std::int64_t> column_of;
  exchange(held_out, consumer_, arrived_x, arrived_y, column_of);
  // In position order: this rank's positions are one contiguous run, its columns a permutation of the arrivals.
  const Columns part = columns_of_rank(count, nn::Evaluation::kBlockColumns, rank_, size_);
  x = Matrix(x_.rows(), part.end - part.begin);
  y = Matrix(y_.rows(), part.end - part.begin);
  for (const auto& [source, target] : {std::pair<const Matrix*, Matrix*>{&arrived_x, &x}, {&arrived_y, &y}})
    copy_columns(source->view(), target->view(), part.end - part.begin,
                 [&](std::int64_t i) { return column_of[static_cast<std::size_t>(part.begin + i)]; },
                 [](std::int64_t i) { return i; });
}

nn::EpochExamples ShardedExamples::fetch_epoch(const std::vector<std::int64_t>& order, std::int64_t batch) {
  // Position k of the epoch is in batch k / batch; each batch's gradient blocks go to the ranks as in the step.
  const auto count = static_cast<std::int64_t>(order.size());
  consumer_.resize(order.size());
  for (std::int64_t first = 0; first < count; first += batch) {
    const std::int64_t columns = std::min(batch, count - first);
    for (int r = 0; r < size_; ++r) {
      const Columns c = columns_of_rank(columns, nn::kGradientBlockColumns, r, size_);
      std::fill(consumer_.begin() + first + c.begin, consumer_.begin() + first + c.end, r);
    }
  }
  exchange(order, consumer_, epoch_x_, epoch_y_, epoch_columns_);
  return {epoch_x_.view(), epoch_y_.view(), &epoch_columns_};
}

}  // namespace nnk::mpi::detail
