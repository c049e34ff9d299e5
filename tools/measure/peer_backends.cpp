// The list of peers this build was configured with.
#include "measure/gemm_backend.hpp"

namespace nnk_measure {

std::vector<GemmBackend> peer_backends() {
  std::vector<GemmBackend> peers;
#ifdef NNK_MEASURE_HAVE_OPENBLAS
  peers.push_back(openblas_backend());
#endif
#ifdef NNK_MEASURE_HAVE_DNNL
  peers.push_back(onednn_backend());
#endif
  return peers;
}

}  // namespace nnk_measure
