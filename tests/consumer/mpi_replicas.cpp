// Uses the installed nnk::mpi (find_package(nnk COMPONENTS mpi)); run under mpirun with any number of ranks: every
// rank checks that the others hold the same network (check_replicas on its checksum) and that any_rank agrees.
// Exit code 0 on every rank when they do.
#include <nnk/mpi.hpp>
#include <nnk/nnk.hpp>

#include <cstdint>
#include <cstdio>
#include <exception>

namespace {

// FNV-1a over every weight and bias, column by column.
std::uint64_t parameter_checksum(const nnk::Network& net) {
  nnk::Fnv1a64 hash;
  for (std::size_t l = 0; l < net.num_layers(); ++l)
    for (const nnk::ConstMatrixView m : {net.weights(l), net.bias(l)})
      for (std::int64_t j = 0; j < m.cols(); ++j)
        hash.add(m.data() + j * m.ld(), static_cast<std::size_t>(m.rows()) * sizeof(float));
  return hash.value();
}

}  // namespace

int main() {
  nnk::mpi::Environment mpi;
  try {
    // The same seed on every rank: the same initial parameters, so the same checksum.
    const nnk::Network net({.inputs = 3, .layers = {{.units = 2, .activation = nnk::Activation::Sigmoid}},
                            .loss = nnk::Loss::BinaryCrossEntropy, .seed = 7});
    nnk::mpi::check_replicas(MPI_COMM_WORLD, parameter_checksum(net), "the initial parameters");
    if (nnk::mpi::any_rank(MPI_COMM_WORLD, false) || !nnk::mpi::any_rank(MPI_COMM_WORLD, mpi.rank() == 0)) {
      std::fprintf(stderr, "nnk_mpi_consumer: any_rank gave the wrong answer on rank %d\n", mpi.rank());
      return 1;
    }
    if (mpi.rank() == 0) std::printf("nnk_mpi_consumer: %d ranks hold the same network\n", mpi.size());
  } catch (const std::exception& e) {
    nnk::mpi::abort_job(MPI_COMM_WORLD, e.what());
  }
  return 0;
}
