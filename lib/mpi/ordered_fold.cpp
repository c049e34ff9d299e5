#include "mpi/ordered_fold.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <string>
#include <utility>

#include "nn/parameter_update.hpp"
#include "mpi/mpi_call.hpp"
#include "nnk/error.hpp"
#include "nnk/mpi.hpp"

namespace nnk::mpi::detail {
namespace {

constexpr int chain_tag(int tag) { return 2 * tag; }
constexpr int result_tag(int tag) { return 2 * tag + 1; }

// MPI_Test that also accepts MPI_REQUEST_NULL (complete by definition).
bool complete(MPI_Request& request) {
  if (request == MPI_REQUEST_NULL) return true;
  int done = 0;
  check_mpi(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test (nnk::mpi ordered fold)");
  return done != 0;
}

}  // namespace

int max_fold_tag(MPI_Comm comm) {
  void* value = nullptr;
  int found = 0;
  check_mpi(MPI_Comm_get_attr(comm, MPI_TAG_UB, &value, &found), "MPI_Comm_get_attr(MPI_TAG_UB)");
  // The standard guarantees MPI_TAG_UB >= 32767; Open MPI's is INT_MAX.
  const int tag_upper_bound = found ? *static_cast<int*>(value) : 32767;
  return (tag_upper_bound - 1) / 2;
}

OrderedFold::~OrderedFold() {
  if (flight_.active)
    abort_job(flight_.comm, "an ordered fold (tag " + std::to_string(flight_.tag) +
                                ") was destroyed before it finished; the other ranks would wait for it forever");
}

OrderedFold::OrderedFold(OrderedFold&& other) noexcept : flight_(std::exchange(other.flight_, Flight{})) {}

OrderedFold& OrderedFold::operator=(OrderedFold&& other) noexcept {
  if (this != &other) {
    if (flight_.active)
      abort_job(flight_.comm, "an ordered fold (tag " + std::to_string(flight_.tag) +
                                  ") was overwritten before it finished; the other ranks would wait for it forever");
    flight_ = std::exchange(other.flight_, Flight{});
  }
  return *this;
}

void OrderedFold::start(MPI_Comm comm, std::span<float> accumulator, std::span<const float* const> partials,
                        int tag, std::size_t chunk_floats) {
  constexpr const char* kWhere = "nnk::mpi::detail::OrderedFold::start: ";
  if (flight_.active)
    nnk::detail::fail(kWhere, "a fold (tag ", flight_.tag, ") is still in flight; wait() for it first");
  if (comm == MPI_COMM_NULL) nnk::detail::fail(kWhere, "comm must be a communicator, got MPI_COMM_NULL");
  const int max_tag = max_fold_tag(comm);
  if (tag < 0 || tag > max_tag) nnk::detail::fail(kWhere, "tag must be in [0, ", max_tag, "], got ", tag);
  if (chunk_floats < 1 || chunk_floats > static_cast<std::size_t>(INT_MAX))
    nnk::detail::fail(kWhere, "chunk_floats must be in [1, ", INT_MAX, "] (an MPI count), got ", chunk_floats);
  if (!accumulator.empty()) {
    if (accumulator.data() == nullptr) nnk::detail::fail(kWhere, "accumulator is null with size ", accumulator.size());
    for (std::size_t k = 0; k < partials.size(); ++k)
      if (partials[k] == nullptr)
        nnk::detail::fail(kWhere, "partials[", k, "] must point at ", accumulator.size(), " floats, got null");
  }

  // Into flight_ itself, so that the vectors keep their storage from one step's fold to the next (no allocation).
  Flight& flight = flight_;
  flight.added = flight.sent = flight.received = flight.forwarded = 0;
  flight.comm = comm;
  flight.rank = rank_of(comm);
  flight.size = size_of(comm);
  flight.tag = tag;
  flight.accumulator = accumulator.data();
  flight.length = accumulator.size();
  flight.chunk = chunk_floats;
  flight.chunks = (accumulator.size() + chunk_floats - 1) / chunk_floats;
  flight.partials.assign(partials.begin(), partials.end());
  for (auto* requests : {&flight.chain_in, &flight.out, &flight.result_in, &flight.result_out})
    requests->assign(flight.chunks, MPI_REQUEST_NULL);
  flight.active = true;

  // Every chain message can be received as soon as it is sent: post all those receives now.
  if (flight_.rank > 0)
    for (std::size_t c = 0; c < flight_.chunks; ++c)
      post_receive(flight_.chain_in, c, flight_.rank - 1, chain_tag(tag));
  advance();  // rank 0 sends its first chunks right away
}

void OrderedFold::post_send(std::vector<MPI_Request>& requests, std::size_t chunk, int destination, int tag) {
  const std::size_t offset = chunk * flight_.chunk;
  const int count = static_cast<int>(std::min(flight_.chunk, flight_.length - offset));
  check_mpi(MPI_Isend(flight_.accumulator + offset, count, MPI_FLOAT, destination, tag, flight_.comm,
                      &requests[chunk]),
            "MPI_Isend (nnk::mpi ordered fold)");
}

void OrderedFold::post_receive(std::vector<MPI_Request>& requests, std::size_t chunk, int source, int tag) {
  const std::size_t offset = chunk * flight_.chunk;
  const int count = static_cast<int>(std::min(flight_.chunk, flight_.length - offset));
  check_mpi(MPI_Irecv(flight_.accumulator + offset, count, MPI_FLOAT, source, tag, flight_.comm, &requests[chunk]),
            "MPI_Irecv (nnk::mpi ordered fold)");
}

bool OrderedFold::advance() {
  Flight& f = flight_;
  const int last = f.size - 1;
  bool moved = false;
  // The chain: this rank's partials go onto the chunk once it holds the fold of the ranks before.
  while (f.added < f.chunks && complete(f.chain_in[f.added])) {
    const std::size_t offset = f.added * f.chunk;
    const std::size_t count = std::min(f.chunk, f.length - offset);
    const auto rows = static_cast<std::int64_t>(count);
    for (const float* partial : f.partials)
      nn::add_into(MatrixView(f.accumulator + offset, rows, 1, rows), ConstMatrixView(partial + offset, rows, 1, rows));
    if (f.rank < last) post_send(f.out, f.added, f.rank + 1, chain_tag(f.tag));
    if (f.rank == last && f.size > 1) post_send(f.out, f.added, 0, result_tag(f.tag));
    ++f.added;
    moved = true;
  }
  // The result may land in a chunk only once this rank's send from it has completed (MPI's rule on send buffers).
  while (f.sent < f.added && complete(f.out[f.sent])) {
    if (f.rank <= last - 1) post_receive(f.result_in, f.sent, f.rank == 0 ? last : f.rank - 1, result_tag(f.tag));
    ++f.sent;
    moved = true;
  }
  while (f.received < f.sent && complete(f.result_in[f.received])) {
    if (f.rank <= last - 2) post_send(f.result_out, f.received, f.rank + 1, result_tag(f.tag));
    ++f.received;
    moved = true;
  }
  while (f.forwarded < f.received && complete(f.result_out[f.forwarded])) {
    ++f.forwarded;
    moved = true;
  }
  if (f.forwarded == f.chunks) {  // finished: nothing of the caller's is referenced any more
    f.active = false;
    f.accumulator = nullptr;
    f.partials.clear();
  }
  return moved;
}

bool OrderedFold::test() {
  if (flight_.active) advance();
  return !flight_.active;
}

void OrderedFold::block_on_next_message() {
  // The request at the head of each unfinished stage; at least one exists while the fold is in flight.
  Flight& f = flight_;
  std::array<MPI_Request*, 4> heads{};
  std::size_t count = 0;
  if (f.added < f.chunks) heads[count++] = &f.chain_in[f.added];
  if (f.sent < f.added) heads[count++] = &f.out[f.sent];
  if (f.received < f.sent) heads[count++] = &f.result_in[f.received];
  if (f.forwarded < f.received) heads[count++] = &f.result_out[f.forwarded];
  std::array<MPI_Request, 4> requests{};
  for (std::size_t i = 0; i < count; ++i) requests[i] = *heads[i];
  int index = MPI_UNDEFINED;
  check_mpi(MPI_Waitany(static_cast<int>(count), requests.data(), &index, MPI_STATUS_IGNORE),
            "MPI_Waitany (nnk::mpi ordered fold)");
  if (index != MPI_UNDEFINED) *heads[static_cast<std::size_t>(index)] = MPI_REQUEST_NULL;
}

void OrderedFold::wait() {
  while (flight_.active)
    if (!advance() && flight_.active) block_on_next_message();
}

void ordered_fold(MPI_Comm comm, std::span<float> accumulator, std::span<const float* const> partials,
                  std::size_t chunk_floats) {
  OrderedFold fold;
  fold.start(comm, accumulator, partials, max_fold_tag(comm), chunk_floats);
  fold.wait();
}

}  // namespace nnk::mpi::detail
