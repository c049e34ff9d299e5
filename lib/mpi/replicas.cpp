#include <cstdint>
#include <ios>
#include <sstream>
#include <vector>

#include "mpi/mpi_call.hpp"
#include "nnk/error.hpp"
#include "nnk/mpi.hpp"

namespace nnk::mpi {

bool any_rank(MPI_Comm comm, bool local) {
  // A logical OR has no rounding: the order MPI_Allreduce combines in does not matter here.
  int mine = local ? 1 : 0;
  int any = 0;
  detail::check_mpi(MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_LOR, comm), "MPI_Allreduce (nnk::mpi::any_rank)");
  return any != 0;
}

void check_replicas(MPI_Comm comm, std::uint64_t checksum, std::string_view what) {
  const int size = detail::size_of(comm);
  std::vector<std::uint64_t> checksums(static_cast<std::size_t>(size));
  detail::check_mpi(MPI_Allgather(&checksum, 1, MPI_UINT64_T, checksums.data(), 1, MPI_UINT64_T, comm),
                    "MPI_Allgather (nnk::mpi::check_replicas)");
  // Every rank sees the same gathered values, so every rank throws the same message, or none does.
  std::ostringstream ranks;
  std::ostringstream values;
  values << std::hex << "rank 0: 0x" << checksums[0];
  int differing = 0;
  for (int r = 1; r < size; ++r) {
    const std::uint64_t value = checksums[static_cast<std::size_t>(r)];
    if (value == checksums[0]) continue;
    ranks << (differing++ == 0 ? "" : ", ") << r;
    values << "; rank " << std::dec << r << ": 0x" << std::hex << value;
  }
  if (differing > 0)
    nnk::detail::fail("nnk::mpi::check_replicas: ", what, ": ", differing == 1 ? "rank " : "ranks ", ranks.str(),
                      " of ", size, " differ from rank 0 (checksums ", values.str(), ")");
}

}  // namespace nnk::mpi
