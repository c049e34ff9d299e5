// check_mpi: turns the error code of an MPI call into nnk::Error. Under MPI's default handler
// (MPI_ERRORS_ARE_FATAL) a failing call aborts the job before returning; this matters where a communicator has
// MPI_ERRORS_RETURN.
#pragma once

#include <mpi.h>

#include <string_view>

namespace nnk::mpi::detail {

// Throws nnk::Error "nnk::mpi: <call> failed: <MPI's error string>" unless code is MPI_SUCCESS.
void check_mpi(int code, std::string_view call);

// The rank of the calling process in comm, and comm's size.
int rank_of(MPI_Comm comm);
int size_of(MPI_Comm comm);

}  // namespace nnk::mpi::detail
