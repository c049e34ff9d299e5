// What export_onnx accepts: preprocessing that fits the network, in values a float graph can hold.
#include "onnx/export_checks.hpp"

#include <cmath>
#include <cstdint>
#include <set>

#include "nnk/error.hpp"

namespace nnk::onnx_export {

namespace {

// The graph computes in float: a double that overflows (or, for a divisor, underflows to 0) there is an error.
bool fits_float(double v) { return std::isfinite(static_cast<float>(v)); }
bool positive_float(double v) { return fits_float(v) && static_cast<float>(v) > 0; }

void check_standardization(const Network& network, const OnnxPreprocessing& p) {
  const auto inputs = static_cast<std::size_t>(network.inputs());
  if (p.feature_mean.empty() && p.feature_scale.empty()) return;
  if (p.feature_mean.size() != inputs || p.feature_scale.size() != inputs)
    detail::fail(kCaller, ": feature_mean and feature_scale must both be empty or have one entry per network input (",
                 inputs, "), got ", p.feature_mean.size(), " and ", p.feature_scale.size());
  for (std::size_t i = 0; i < inputs; ++i) {
    if (!fits_float(p.feature_mean[i]))
      detail::fail(kCaller, ": feature_mean[", i, "] must be finite in float, got ", p.feature_mean[i]);
    if (!positive_float(p.feature_scale[i]))
      detail::fail(kCaller, ": feature_scale[", i, "] must be > 0 and finite in float, got ", p.feature_scale[i]);
  }
}

void check_target_scaling(const Network& network, const OnnxPreprocessing& p) {
  if (network.spec().loss != Loss::MeanSquaredError) {
    if (p.target_mean != 0 || p.target_scale != 1)
      detail::fail(kCaller, ": target_mean and target_scale apply to mean-squared-error networks only; this network "
                   "uses ", to_string(network.spec().loss), " and got target_mean ", p.target_mean,
                   ", target_scale ", p.target_scale, " (expected 0 and 1)");
    return;
  }
  if (!fits_float(p.target_mean)) detail::fail(kCaller, ": target_mean must be finite in float, got ", p.target_mean);
  if (!positive_float(p.target_scale))
    detail::fail(kCaller, ": target_scale must be > 0 and finite in float, got ", p.target_scale);
}

void check_class_labels(const Network& network, const OnnxPreprocessing& p) {
  if (p.class_labels.empty()) return;
  const Loss loss = network.spec().loss;
  const auto outputs = static_cast<std::size_t>(network.outputs());
  if (loss == Loss::MeanSquaredError)
    detail::fail(kCaller, ": class_labels must be empty for a mean-squared-error network, got ",
                 p.class_labels.size());
  if (loss == Loss::BinaryCrossEntropy && outputs > 1)
    detail::fail(kCaller, ": class_labels must be empty for a network of ", outputs,
                 " independent sigmoid outputs, got ", p.class_labels.size());
  const std::size_t classes = loss == Loss::BinaryCrossEntropy ? 2 : outputs;
  if (p.class_labels.size() != classes)
    detail::fail(kCaller, ": class_labels must be empty or have one label per class (", classes, "), got ",
                 p.class_labels.size());
}

void check_names(const Network& network, const OnnxPreprocessing& p) {
  const auto inputs = static_cast<std::size_t>(network.inputs());
  if (!p.feature_names.empty() && p.feature_names.size() != inputs)
    detail::fail(kCaller, ": feature_names must be empty or have one name per network input (", inputs, "), got ",
                 p.feature_names.size());
  check_class_labels(network, p);
  std::set<std::string> keys = {"feature_names", "class_labels"};
  for (const auto& [key, value] : p.metadata) {
    if (key.empty()) detail::fail(kCaller, ": a metadata key is empty");
    if (!keys.insert(key).second)
      detail::fail(kCaller, ": metadata key '", key, "' is given twice or is one export_onnx writes itself");
  }
}

}  // namespace

void check_export_arguments(const Network& network, const OnnxPreprocessing& preprocessing, const std::string& path) {
  if (path.empty()) detail::fail(kCaller, ": path is empty");
  check_standardization(network, preprocessing);
  check_target_scaling(network, preprocessing);
  check_names(network, preprocessing);
}

}  // namespace nnk::onnx_export
