#include "mpi_sums_in_rank_order.hpp"

#include "nnk/error.hpp"

namespace nnk::train_cli {

namespace {

constexpr int kSumsTag = 7301;  // nnk::mpi::fit works on a duplicate of the communicator: no message of its meets it

void check(int code, const char* call) {
  if (code != MPI_SUCCESS) detail::fail("summing over the ranks: ", call, " failed with MPI error code ", code);
}

}  // namespace

void mpi_sums_in_rank_order(MPI_Comm comm, std::vector<double>& sums,
                            const std::function<void(std::vector<double>&)>& continue_sums) {
  int rank = 0, size = 1;
  check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  const int count = static_cast<int>(sums.size());
  if (rank > 0)
    check(MPI_Recv(sums.data(), count, MPI_DOUBLE, rank - 1, kSumsTag, comm, MPI_STATUS_IGNORE), "MPI_Recv");
  continue_sums(sums);
  if (rank + 1 < size) check(MPI_Send(sums.data(), count, MPI_DOUBLE, rank + 1, kSumsTag, comm), "MPI_Send");
  check(MPI_Bcast(sums.data(), count, MPI_DOUBLE, size - 1, comm), "MPI_Bcast");
}

}  // namespace nnk::train_cli
