// export: the bundle's network and preprocessing handed to nnk::export_onnx, and a summary of the file's columns.
#include "model_export.hpp"

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "model_bundle.hpp"
#include "nnk/onnx.hpp"
#include "output_files.hpp"

namespace nnk::train_cli {

namespace {

// A class label as predict writes it.
std::string label_text(double label) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", label);
  return text;
}

// "a, b, c"; a long list as its first names and "...".
std::string joined(const std::vector<std::string>& items) {
  constexpr std::size_t kShown = 12;
  std::string text;
  for (std::size_t i = 0; i < items.size() && i < kShown; ++i) text += (i > 0 ? ", " : "") + items[i];
  if (items.size() > kShown) text += ", ...";
  return text;
}

OnnxPreprocessing onnx_preprocessing(const ModelBundle& bundle) {
  OnnxPreprocessing p{.feature_mean = bundle.feature_mean,
                      .feature_scale = bundle.feature_scale,
                      .feature_names = bundle.feature_names,
                      .metadata = {{"target", bundle.target_name},
                                   {"task", std::string(to_string(bundle.target.task))}}};
  if (bundle.target.task == Task::Regression) {
    p.target_mean = bundle.target_mean;
    p.target_scale = bundle.target_scale;
  }
  if (!bundle.target.class_names.empty())  // a text target: its classes by name
    p.class_labels = bundle.target.class_names;
  else
    for (const double label : bundle.target.class_labels) p.class_labels.push_back(label_text(label));
  return p;
}

std::string output_text(const ModelBundle& bundle, const OnnxPreprocessing& p) {
  switch (bundle.target.task) {
    case Task::Binary:
      return "the probability that " + bundle.target_name + " is " + p.class_labels[1];
    case Task::Multiclass:
      return "the probability of each class of " + bundle.target_name + ": " + joined(p.class_labels);
    case Task::Regression: break;
  }
  return bundle.target_name + " in its own units";
}

}  // namespace

void run_export(const ExportSettings& s, std::FILE* out) {
  check_can_create("--output", s.output_path);
  const ModelBundle bundle = load_bundle(s.model_path);
  const OnnxPreprocessing p = onnx_preprocessing(bundle);
  export_onnx(bundle.network, p, s.output_path);
  const bool regression = bundle.target.task == Task::Regression;
  std::fprintf(out, "wrote %s (ONNX, opset %d, %llu bytes)\n", s.output_path.c_str(), kOnnxOpsetVersion,
               static_cast<unsigned long long>(std::filesystem::file_size(s.output_path)));
  const auto inputs = static_cast<long long>(bundle.network.inputs());
  std::fprintf(out, "  input  %s [N, %lld]: raw values of %s (%lld columns, in the order of the metadata's "
               "feature_names)\n", kOnnxInputName, inputs, joined(bundle.feature_names).c_str(), inputs);
  std::fprintf(out, "  output %s [N, %lld]: %s\n", regression ? kOnnxValuesName : kOnnxProbabilitiesName,
               static_cast<long long>(bundle.network.outputs()), output_text(bundle, p).c_str());
  std::fflush(out);
}

}  // namespace nnk::train_cli
