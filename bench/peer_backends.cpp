// The list of peers this build was configured with.
#include "gemm_backend.hpp"

namespace nnk_bench {

std::vector<GemmBackend> peer_backends() {
  std::vector<GemmBackend> peers;
#ifdef NNK_BENCH_HAVE_OPENBLAS
  peers.push_back(openblas_backend());
#endif
#ifdef NNK_BENCH_HAVE_DNNL
  peers.push_back(onednn_backend());
#endif
  return peers;
}

}  // namespace nnk_bench
