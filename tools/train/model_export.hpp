// 'nnk-train export': a saved model bundle as an ONNX file (nnk::export_onnx, in the optional nnk::onnx library).
#pragma once

#include <cstdio>

#include "command_line.hpp"

namespace nnk::train_cli {

// Writes settings.output_path (replaced only once complete) and prints what its input and output columns are.
// In an nnk-train built without ONNX: nnk::Error saying so, and nothing is written.
void run_export(const ExportSettings& settings, std::FILE* out);

}  // namespace nnk::train_cli
