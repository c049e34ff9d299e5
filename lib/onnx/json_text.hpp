// A list of strings as a JSON array, for the model's metadata_props (internal to nnk::onnx).
#pragma once

#include <string>
#include <vector>

namespace nnk::onnx_export {

// ["a","b \"c\""]: quotes, backslashes and control characters escaped; other bytes (UTF-8) as they are.
std::string json_string_array(const std::vector<std::string>& items);

}  // namespace nnk::onnx_export
