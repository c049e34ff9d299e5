// The argument checks of nnk::export_onnx (internal to nnk::onnx): nnk::Error naming the argument, the expected and
// the actual value, thrown before anything is written.
#pragma once

#include "nnk/network.hpp"
#include "nnk/onnx.hpp"

namespace nnk::onnx_export {

inline constexpr const char* kCaller = "nnk::export_onnx";

void check_export_arguments(const Network& network, const OnnxPreprocessing& preprocessing, const std::string& path);

}  // namespace nnk::onnx_export
