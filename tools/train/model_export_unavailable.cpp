// export in an nnk-train built without ONNX (CMake did not find libonnx-dev and libprotobuf-dev).
#include "model_export.hpp"

#include "nnk/error.hpp"

namespace nnk::train_cli {

void run_export(const ExportSettings& s, std::FILE*) {
  detail::fail("cannot export '", s.model_path, "': this nnk-train was built without ONNX support (install "
               "libonnx-dev and libprotobuf-dev, then configure and build again)");
}

}  // namespace nnk::train_cli
