// The ordered fold: a sum over ranks whose order of additions is fixed, so that its bits do not depend on the
// number of ranks. Data-parallel training cuts each mini-batch into gradient blocks; one process folds the blocks'
// partial gradients left to right, ((p0 + p1) + p2) + ...; under MPI rank r owns a contiguous range of blocks and
// the fold continues across the ranks in rank order. MPI_Allreduce promises no order, so it cannot do this.
//
// How (every rank passes the same vector length):
//   chain         rank 0 adds its partials to its accumulator and sends it to rank 1; rank r receives, adds its
//                 partials in the order given, sends to r + 1. The vector goes in chunks, so that rank r forwards
//                 chunk c while chunk c + 1 arrives: about one vector transfer plus R short hops, not R transfers.
//   distribution  the last rank holds the result; it goes on around the ring, R-1 -> 0 -> 1 -> ... -> R-2, chunk by
//                 chunk, with point-to-point messages (tags, not a collective: several folds may be in flight
//                 and finish in any order).
#pragma once

#include <mpi.h>

#include <cstddef>
#include <span>
#include <vector>

namespace nnk::mpi::detail {

// The chunk the vector travels in: 64 Ki floats, 256 KiB (stays in L2 while its partials are added to it).
inline constexpr std::size_t kFoldChunkFloats = std::size_t{1} << 16;

// The largest tag OrderedFold::start accepts on comm: a fold with tag t sends with the MPI tags 2t (chain) and
// 2t + 1 (distribution), so the tags of different folds never meet. The blocking ordered_fold uses this tag.
int max_fold_tag(MPI_Comm comm);

// One ordered fold in flight, advanced by test() between the caller's computations (Open MPI progresses messages
// only inside MPI calls) and finished by wait(). Several folds with different tags may be in flight at once; every
// rank must wait() for them in the same order (as for MPI collectives), test() may be called in any order.
class OrderedFold {
 public:
  OrderedFold() = default;
  // A fold still in flight ends the job (abort_job): this rank leaving it would leave the others waiting forever.
  ~OrderedFold();
  OrderedFold(OrderedFold&& other) noexcept;
  OrderedFold& operator=(OrderedFold&& other) noexcept;
  OrderedFold(const OrderedFold&) = delete;
  OrderedFold& operator=(const OrderedFold&) = delete;

  // Collective over comm. partials[k] points at accumulator.size() floats. On rank 0 `accumulator` holds rank 0's
  // fold on entry; on other ranks its contents are ignored. When the fold has finished every rank's accumulator
  // holds (((acc0 + partials of rank 0 in order) + partials of rank 1 in order) + ...), one float addition per
  // element per partial. The caller keeps the accumulator and the partials alive and unchanged until then; the
  // pointers are copied, the span of them need not outlive this call. Throws nnk::Error on a bad argument.
  void start(MPI_Comm comm, std::span<float> accumulator, std::span<const float* const> partials, int tag,
             std::size_t chunk_floats = kFoldChunkFloats);
  // Advances the fold as far as the messages that have arrived allow, without blocking. True when it has finished
  // (or none was started).
  bool test();
  // Blocks until the fold has finished.
  void wait();
  bool in_flight() const noexcept { return flight_.active; }

 private:
  // Everything about the fold in flight; a moved-from OrderedFold keeps a default (idle) one.
  struct Flight {
    bool active = false;
    MPI_Comm comm = MPI_COMM_NULL;
    int rank = 0;
    int size = 1;
    int tag = 0;
    float* accumulator = nullptr;
    std::size_t length = 0;
    std::size_t chunk = 0;
    std::size_t chunks = 0;
    std::vector<const float*> partials;
    // Per chunk, MPI_REQUEST_NULL where this rank has no such message (a null request counts as complete).
    std::vector<MPI_Request> chain_in;    // from rank - 1 (ranks > 0)
    std::vector<MPI_Request> out;         // to rank + 1, or the last rank's result to rank 0
    std::vector<MPI_Request> result_in;   // the result from the previous rank in the ring (ranks <= R - 2)
    std::vector<MPI_Request> result_out;  // the result forwarded to rank + 1 (ranks <= R - 3)
    // The stages, each a count of chunks done, in chunk order: added <= sent <= received <= forwarded.
    std::size_t added = 0;      // partials added, `out` posted
    std::size_t sent = 0;       // `out` completed, `result_in` posted
    std::size_t received = 0;   // `result_in` completed, `result_out` posted
    std::size_t forwarded = 0;  // `result_out` completed
  };

  bool advance();  // true when some stage moved on
  void post_send(std::vector<MPI_Request>& requests, std::size_t chunk, int destination, int tag);
  void post_receive(std::vector<MPI_Request>& requests, std::size_t chunk, int source, int tag);
  void block_on_next_message();

  Flight flight_;
};

// The blocking fold: start + wait, with the tag max_fold_tag(comm) (keep it free of non-blocking folds).
void ordered_fold(MPI_Comm comm, std::span<float> accumulator, std::span<const float* const> partials,
                  std::size_t chunk_floats = kFoldChunkFloats);

}  // namespace nnk::mpi::detail
