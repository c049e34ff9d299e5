// Model bundle files: Network::save's binary file plus a JSON sidecar with the preprocessing.
#include "model_bundle.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <system_error>

#include "nnk/checksum.hpp"
#include "nnk/data.hpp"
#include "nnk/error.hpp"
#include "nnk/version.hpp"
#include "output_files.hpp"

namespace nnk::train_cli {

namespace {

using nlohmann::json;

constexpr const char* kFormat = "nnk-train model";
constexpr int kFormatVersion = 2;  // 2: the table encoding and class names (1 is still read)

std::string hex(std::uint64_t v) {
  char text[20];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(v));
  return text;
}

// Reading the sidecar: each accessor names the file and the field that is missing or of the wrong type.
class SidecarReader {
 public:
  SidecarReader(const std::string& path, const json& root) : path_(path), root_(root) {}

  const json& field(const char* key, json::value_t type, const char* what) const {
    const auto it = root_.find(key);
    if (it == root_.end()) detail::fail(path_, ": field '", key, "' is missing");
    const bool number_ok = type == json::value_t::number_float && it->is_number();
    if (it->type() != type && !number_ok) detail::fail(path_, ": field '", key, "' must be ", what);
    return *it;
  }
  std::string string(const char* key) const { return field(key, json::value_t::string, "a string").get<std::string>(); }
  double number(const char* key) const { return field(key, json::value_t::number_float, "a number").get<double>(); }
  std::vector<double> numbers(const char* key) const {
    const json& array = field(key, json::value_t::array, "an array of numbers");
    std::vector<double> out;
    for (const json& v : array) {
      if (!v.is_number()) detail::fail(path_, ": field '", key, "' must be an array of numbers");
      out.push_back(v.get<double>());
    }
    return out;
  }
  std::vector<std::string> strings(const char* key) const {
    const json& array = field(key, json::value_t::array, "an array of strings");
    std::vector<std::string> out;
    for (const json& v : array) {
      if (!v.is_string()) detail::fail(path_, ": field '", key, "' must be an array of strings");
      out.push_back(v.get<std::string>());
    }
    return out;
  }

 private:
  const std::string& path_;
  const json& root_;
};

const char* type_word(ColumnType type) { return type == ColumnType::Text ? "text" : "number"; }

json encoding_json(const TableEncoding& e) {
  json columns = json::array();
  for (const FeatureEncoding& f : e.features) {
    if (f.type == ColumnType::Number) {
      columns.push_back({{"name", f.name}, {"type", "number"}, {"fill", f.fill}});
    } else {
      columns.push_back({{"name", f.name}, {"type", "text"}, {"categories", f.categories},
                         {"missing_category", f.missing_category}});
    }
  }
  return {{"target_type", type_word(e.target_type)},
          {"missing", e.missing == MissingValues::Drop ? "drop" : "impute"},
          {"columns", columns}};
}

ColumnType type_of(const std::string& sidecar, const std::string& word) {
  if (word == "number") return ColumnType::Number;
  if (word == "text") return ColumnType::Text;
  detail::fail(sidecar, ": an encoding type is '", word, "', expected number or text");
}

TableEncoding encoding_from_json(const std::string& sidecar, const json& root, const std::string& target,
                                 const std::vector<std::string>& classes) {
  const auto it = root.find("encoding");
  if (it == root.end() || !it->is_object()) detail::fail(sidecar, ": field 'encoding' must be an object");
  const SidecarReader read(sidecar, *it);
  TableEncoding e;
  e.target = target;
  e.classes = classes;
  e.target_type = type_of(sidecar, read.string("target_type"));
  const std::string missing = read.string("missing");
  if (missing != "impute" && missing != "drop")
    detail::fail(sidecar, ": encoding.missing is '", missing, "', expected impute or drop");
  e.missing = missing == "drop" ? MissingValues::Drop : MissingValues::Impute;
  for (const json& column : read.field("columns", json::value_t::array, "an array of columns")) {
    if (!column.is_object()) detail::fail(sidecar, ": every encoding column must be an object");
    const SidecarReader c(sidecar, column);
    FeatureEncoding f{.name = c.string("name"), .type = type_of(sidecar, c.string("type")), .fill = 0,
                      .categories = {}, .missing_category = false};
    if (f.type == ColumnType::Number) {
      f.fill = c.number("fill");
      if (!std::isfinite(f.fill)) detail::fail(sidecar, ": column '", f.name, "' has a fill that is not finite");
    } else {
      f.categories = c.strings("categories");
      f.missing_category = c.field("missing_category", json::value_t::boolean, "true or false").get<bool>();
    }
    e.features.push_back(std::move(f));
  }
  return e;
}

}  // namespace

TableEncoding numeric_encoding(const std::vector<std::string>& feature_names, const std::vector<double>& mean,
                               const std::string& target_name) {
  TableEncoding e;
  e.target = target_name;
  for (std::size_t i = 0; i < feature_names.size(); ++i)
    e.features.push_back({.name = feature_names[i], .type = ColumnType::Number,
                          .fill = i < mean.size() ? mean[i] : 0.0, .categories = {}, .missing_category = false});
  return e;
}

namespace {

void check_bundle(const std::string& sidecar, const ModelBundle& b) {
  const std::int64_t features = static_cast<std::int64_t>(b.feature_names.size());
  if (b.network.inputs() != features)
    detail::fail(sidecar, ": lists ", features, " features, the model file's network has ", b.network.inputs(),
                 " inputs");
  if (b.feature_mean.size() != b.feature_names.size() || b.feature_scale.size() != b.feature_names.size())
    detail::fail(sidecar, ": feature_mean and feature_scale must have one entry per feature (", features, ")");
  for (std::size_t i = 0; i < b.feature_scale.size(); ++i)
    if (!(std::isfinite(b.feature_mean[i]) && std::isfinite(b.feature_scale[i]) && b.feature_scale[i] > 0))
      detail::fail(sidecar, ": feature '", b.feature_names[i], "' has mean ", b.feature_mean[i], " and scale ",
                   b.feature_scale[i], ", expected finite values and scale > 0");
  if (!(std::isfinite(b.target_mean) && std::isfinite(b.target_scale) && b.target_scale > 0))
    detail::fail(sidecar, ": target_mean ", b.target_mean, " / target_scale ", b.target_scale,
                 " must be finite with scale > 0");
  const auto& labels = b.target.class_labels;
  if (b.target.classification()) {
    if (labels.size() < 2) detail::fail(sidecar, ": a classification model needs at least 2 class labels");
    for (std::size_t i = 1; i < labels.size(); ++i)
      if (!(labels[i - 1] < labels[i])) detail::fail(sidecar, ": class_labels must be strictly ascending");
    if (b.target.task == Task::Binary && labels.size() != 2)
      detail::fail(sidecar, ": a binary model needs exactly 2 class labels, found ", labels.size());
  }
  if (b.network.outputs() != b.target.outputs())
    detail::fail(sidecar, ": task ", to_string(b.target.task), " with ", labels.size(),
                 " classes needs a network with ", b.target.outputs(), " outputs, the model file's has ",
                 b.network.outputs());
  if (b.network.spec().loss != loss_for(b.target.task))
    detail::fail(sidecar, ": task ", to_string(b.target.task), " needs loss ", to_string(loss_for(b.target.task)),
                 ", the model file's network uses ", to_string(b.network.spec().loss));
  if (b.encoding.input_names() != b.feature_names)
    detail::fail(sidecar, ": the encoding's ", b.encoding.inputs(), " inputs do not match the ",
                 b.feature_names.size(), " features listed");
  if (b.target.class_names.size() != (b.encoding.target_type == ColumnType::Text ? b.target.class_labels.size() : 0))
    detail::fail(sidecar, ": class_names must name every class of a text target, and only then");
}

}  // namespace

std::string sidecar_path(const std::string& model_path) { return model_path + ".json"; }

FileFingerprint fingerprint_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) detail::fail("cannot open '", path, "': ", std::strerror(errno));
  FileFingerprint f{.size = 0, .fnv1a = 0};
  Fnv1a64 hash;
  char buffer[1 << 14];
  while (in) {
    in.read(buffer, sizeof buffer);
    const std::streamsize n = in.gcount();
    hash.add(buffer, static_cast<std::size_t>(n));
    f.size += static_cast<std::uint64_t>(n);
  }
  if (in.bad()) detail::fail("cannot read '", path, "'");
  f.fnv1a = hash.value();
  return f;
}

namespace {

// The sidecar's preprocessing fields: everything but the format and the model file's fingerprint.
json preprocessing_fields(const ModelBundle& bundle) {
  return {
      {"task", std::string(to_string(bundle.target.task))},
      {"target", bundle.target_name},
      {"class_labels", bundle.target.class_labels},
      {"features", bundle.feature_names},
      {"feature_mean", bundle.feature_mean},
      {"feature_scale", bundle.feature_scale},
      {"target_mean", bundle.target_mean},
      {"target_scale", bundle.target_scale},
      {"class_names", bundle.target.class_names},
      {"encoding", encoding_json(bundle.encoding.features.empty() && !bundle.feature_names.empty()
                                     ? numeric_encoding(bundle.feature_names, bundle.feature_mean, bundle.target_name)
                                     : bundle.encoding)},
  };
}

}  // namespace

void save_bundle(const ModelBundle& bundle, const std::string& model_path) {
  bundle.network.save(model_path);
  const FileFingerprint model = fingerprint_file(model_path);
  json root = {
      {"format", kFormat},
      {"format_version", kFormatVersion},
      {"nnk_version", std::to_string(kVersionMajor) + "." + std::to_string(kVersionMinor) + "." +
                          std::to_string(kVersionPatch)},
      {"model_file", std::filesystem::path(model_path).filename().string()},
      {"model_bytes", model.size},
      {"model_fnv1a64", hex(model.fnv1a)},
  };
  root.update(preprocessing_fields(bundle));
  write_file_atomically(sidecar_path(model_path), root.dump(2) + "\n");
}

ModelBundle load_bundle(const std::string& model_path) {
  const std::string sidecar = sidecar_path(model_path);
  {
    std::error_code error;
    if (!std::filesystem::exists(model_path, error)) detail::fail("model file '", model_path, "' does not exist");
    if (!std::filesystem::exists(sidecar, error))
      detail::fail("'", sidecar, "' does not exist: nnk-train saves a model as two files, '", model_path,
                   "' and its preprocessing in '", sidecar, "'");
  }
  std::ifstream in(sidecar, std::ios::binary);
  if (!in) detail::fail("cannot open '", sidecar, "': ", std::strerror(errno));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    detail::fail(sidecar, ": not valid JSON (byte ", e.byte, ")");
  }
  if (!root.is_object()) detail::fail(sidecar, ": expected a JSON object");
  const SidecarReader read(sidecar, root);
  if (read.string("format") != kFormat)
    detail::fail(sidecar, ": format is '", read.string("format"), "', expected '", kFormat, "'");
  const double version = read.number("format_version");
  if (version != 1 && version != kFormatVersion)
    detail::fail(sidecar, ": format_version is ", version, ", this nnk-train reads 1 and ", kFormatVersion);

  const FileFingerprint model = fingerprint_file(model_path);
  const std::string expected_hash = read.string("model_fnv1a64");
  if (read.number("model_bytes") != static_cast<double>(model.size) || expected_hash != hex(model.fnv1a))
    detail::fail("'", sidecar, "' does not belong to '", model_path, "': it describes a model file of ",
                 read.number("model_bytes"), " bytes with checksum ", expected_hash, ", the file has ", model.size,
                 " bytes with checksum ", hex(model.fnv1a), " (save both files together)");

  const std::string task = read.string("task");
  if (task != "binary" && task != "multiclass" && task != "regression")
    detail::fail(sidecar, ": task is '", task, "', expected binary, multiclass or regression");
  ModelBundle bundle{
      .network = Network::load(model_path),
      .feature_names = read.strings("features"),
      .target_name = read.string("target"),
      .target = {.task = task_from_string(task), .class_labels = read.numbers("class_labels"), .class_names = {}},
      .feature_mean = read.numbers("feature_mean"),
      .feature_scale = read.numbers("feature_scale"),
      .target_mean = read.number("target_mean"),
      .target_scale = read.number("target_scale"),
      .encoding = {},
  };
  if (!bundle.target.classification()) bundle.target.class_labels.clear();
  if (version == 1) {
    bundle.encoding = numeric_encoding(bundle.feature_names, bundle.feature_mean, bundle.target_name);
  } else {
    bundle.target.class_names = read.strings("class_names");
    bundle.encoding = encoding_from_json(sidecar, root, bundle.target_name, bundle.target.class_names);
  }
  check_bundle(sidecar, bundle);
  return bundle;
}

void standardize_features(const ModelBundle& bundle, MatrixView features) {
  if (features.rows() != static_cast<std::int64_t>(bundle.feature_mean.size()))
    detail::fail("standardize_features: ", features.rows(), " feature rows, the model has ",
                 bundle.feature_mean.size());
  Standardizer::from(bundle.feature_mean, bundle.feature_scale).transform(features);  // bitwise as in training
}

// What a checkpoint of nnk-train carries: the sidecar's preprocessing fields, without the model's fingerprint.
std::string preprocessing_json(const ModelBundle& bundle) { return preprocessing_fields(bundle).dump(); }

}  // namespace nnk::train_cli
