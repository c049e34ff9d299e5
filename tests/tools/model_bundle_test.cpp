// Model bundles: what is saved comes back exactly, a loaded bundle predicts as the library does with the same
// preprocessing, and sidecars that do not belong to their model file are rejected.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "model_bundle.hpp"
#include "model_use.hpp"
#include "nnk/data.hpp"
#include "nnk/error.hpp"
#include "nnk/train.hpp"

namespace nnk::train_cli {
namespace {

namespace fs = std::filesystem;

std::string fresh_directory() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path dir = fs::path(NNK_TRAIN_TEST_TMP) / (std::string(info->test_suite_name()) + "." + info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

// A bundle trained briefly on iris (3 classes) or diabetes (regression) through the library directly.
struct Trained {
  Dataset raw;  // unstandardized, all rows
  ModelBundle bundle;
};

Trained train_small(const std::string& name, std::uint64_t seed) {
  Dataset raw = load_csv(std::string(NNK_DATA_DIR) + "/" + name + ".csv", std::int64_t{-1});
  const TargetEncoding target = infer_target(raw.targets, TaskChoice::Auto, raw.target_name);
  Matrix x = Matrix::from(raw.features);
  const Standardizer scaler = Standardizer::fit(x);
  scaler.transform(x);
  double mean = 0, scale = 1;
  if (target.task == Task::Regression) { mean = 150; scale = 75; }
  const Matrix y = network_targets(target, raw.targets, raw.target_name, mean, scale);
  const Loss loss = loss_for(target.task);
  Network net({.inputs = x.rows(),
               .layers = {{.units = 8, .activation = Activation::Tanh}, {.units = target.outputs(), .activation = output_activation(loss)}},
               .loss = loss, .seed = seed});
  fit(net, x, y, Adam{.learning_rate = 1e-2f}, {.epochs = 5, .batch_size = 16, .seed = seed});
  ModelBundle bundle{.network = net, .feature_names = raw.feature_names, .target_name = raw.target_name,
                     .target = target, .feature_mean = scaler.mean(), .feature_scale = scaler.stddev(),
                     .target_mean = mean, .target_scale = scale, .encoding = {}};  // {}: all number columns
  return {std::move(raw), std::move(bundle)};
}

void expect_same_bits(ConstMatrixView a, ConstMatrixView b) {
  ASSERT_EQ(a.rows(), b.rows());
  ASSERT_EQ(a.cols(), b.cols());
  for (std::int64_t j = 0; j < a.cols(); ++j)
    for (std::int64_t i = 0; i < a.rows(); ++i)
      ASSERT_EQ(std::bit_cast<std::uint32_t>(a(i, j)), std::bit_cast<std::uint32_t>(b(i, j))) << "(" << i << ", " << j << ")";
}

std::string error_of(const std::string& model_path) {
  try {
    load_bundle(model_path);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ModelBundle, RoundTripKeepsEverything) {
  const std::string dir = fresh_directory();
  for (const std::string name : {"iris", "diabetes"}) {
    const Trained t = train_small(name, 3);
    const std::string path = dir + "/" + name + ".nnk";
    save_bundle(t.bundle, path);
    ASSERT_TRUE(fs::exists(path + ".json"));
    const ModelBundle back = load_bundle(path);
    EXPECT_EQ(back.feature_names, t.bundle.feature_names);
    EXPECT_EQ(back.target_name, t.bundle.target_name);
    EXPECT_EQ(back.target.task, t.bundle.target.task);
    EXPECT_EQ(back.target.class_labels, t.bundle.target.class_labels);
    EXPECT_EQ(back.feature_mean, t.bundle.feature_mean);    // doubles, exactly (JSON keeps 17 digits)
    EXPECT_EQ(back.feature_scale, t.bundle.feature_scale);
    EXPECT_EQ(back.target_mean, t.bundle.target_mean);
    EXPECT_EQ(back.target_scale, t.bundle.target_scale);
    for (std::size_t l = 0; l < back.network.num_layers(); ++l) {
      expect_same_bits(back.network.weights(l), t.bundle.network.weights(l));
      expect_same_bits(back.network.bias(l), t.bundle.network.bias(l));
    }
  }
}

TEST(ModelBundle, StandardizationMatchesTheLibrarysStandardizer) {
  const Trained t = train_small("iris", 1);
  Matrix ours = Matrix::from(t.raw.features), library = Matrix::from(t.raw.features);
  standardize_features(t.bundle, ours);
  Standardizer::fit(t.raw.features).transform(library);
  expect_same_bits(ours, library);
}

TEST(ModelBundle, PredictionsAreTheLibrarysOutputs) {
  const std::string dir = fresh_directory();
  const Trained t = train_small("iris", 5);
  save_bundle(t.bundle, dir + "/m.nnk");
  const ModelBundle loaded = load_bundle(dir + "/m.nnk");
  const std::vector<Prediction> predictions = predict_examples(loaded, t.raw.features);

  // Reference: the library alone, on the saved network file and a freshly fit Standardizer.
  Matrix x = Matrix::from(t.raw.features);
  Standardizer::fit(t.raw.features).transform(x);
  const Matrix out = Network::load(dir + "/m.nnk").predict(x);
  ASSERT_EQ(predictions.size(), static_cast<std::size_t>(x.cols()));
  std::int64_t correct = 0;
  for (std::int64_t j = 0; j < x.cols(); ++j) {
    std::int64_t best = 0;
    for (std::int64_t k = 1; k < out.rows(); ++k)
      if (out(k, j) > out(best, j)) best = k;
    EXPECT_EQ(predictions[static_cast<std::size_t>(j)].value, static_cast<double>(best)) << j;  // iris labels 0..2
    EXPECT_EQ(predictions[static_cast<std::size_t>(j)].probability, static_cast<double>(out(best, j))) << j;
    correct += best == static_cast<std::int64_t>(t.raw.targets(0, j));
  }
  const Metrics m = evaluate_examples(loaded, t.raw.features, t.raw.targets);
  EXPECT_DOUBLE_EQ(m.accuracy, static_cast<double>(correct) / static_cast<double>(x.cols()));
}

TEST(ModelBundle, RegressionPredictionsAreInTargetUnits) {
  const std::string dir = fresh_directory();
  const Trained t = train_small("diabetes", 2);
  save_bundle(t.bundle, dir + "/r.nnk");
  const ModelBundle loaded = load_bundle(dir + "/r.nnk");
  const std::vector<Prediction> predictions = predict_examples(loaded, t.raw.features);
  Matrix x = Matrix::from(t.raw.features);
  Standardizer::fit(t.raw.features).transform(x);
  const Matrix out = t.bundle.network.predict(x);
  for (std::int64_t j = 0; j < x.cols(); ++j)
    EXPECT_EQ(predictions[static_cast<std::size_t>(j)].value, static_cast<double>(out(0, j)) * 75 + 150) << j;
}

TEST(ModelBundle, ASidecarOfAnotherModelIsRejected) {
  const std::string dir = fresh_directory();
  save_bundle(train_small("iris", 1).bundle, dir + "/a.nnk");
  save_bundle(train_small("iris", 2).bundle, dir + "/b.nnk");
  fs::copy_file(dir + "/b.nnk.json", dir + "/a.nnk.json", fs::copy_options::overwrite_existing);
  EXPECT_NE(error_of(dir + "/a.nnk").find("'" + dir + "/a.nnk.json' does not belong to '" + dir + "/a.nnk'"),
            std::string::npos) << error_of(dir + "/a.nnk");
}

TEST(ModelBundle, MissingOrBrokenFilesAreClearErrors) {
  const std::string dir = fresh_directory();
  EXPECT_NE(error_of(dir + "/none.nnk").find("model file '" + dir + "/none.nnk' does not exist"), std::string::npos);

  save_bundle(train_small("iris", 1).bundle, dir + "/m.nnk");
  fs::copy_file(dir + "/m.nnk", dir + "/alone.nnk");
  EXPECT_NE(error_of(dir + "/alone.nnk").find("'" + dir + "/alone.nnk.json' does not exist"), std::string::npos);

  std::ofstream(dir + "/alone.nnk.json") << "{\"format\": ";
  EXPECT_NE(error_of(dir + "/alone.nnk").find("alone.nnk.json: not valid JSON"), std::string::npos)
      << error_of(dir + "/alone.nnk");

  // A sidecar that belongs to the file (same checksum) but disagrees with the network.
  nlohmann::json sidecar = nlohmann::json::parse(std::ifstream(dir + "/m.nnk.json"));
  sidecar["features"].erase(sidecar["features"].size() - 1);
  std::ofstream(dir + "/m.nnk.json", std::ios::trunc) << sidecar.dump();
  EXPECT_NE(error_of(dir + "/m.nnk").find("lists 3 features, the model file's network has 4 inputs"),
            std::string::npos) << error_of(dir + "/m.nnk");

  sidecar.erase("features");
  std::ofstream(dir + "/m.nnk.json", std::ios::trunc) << sidecar.dump();
  EXPECT_NE(error_of(dir + "/m.nnk").find("field 'features' is missing"), std::string::npos) << error_of(dir + "/m.nnk");
}

// --- the table encoding in the bundle: a text encoding and class names come back exactly, a format_version 1
// sidecar (no encoding) reads as number columns filled with their means, a mismatched encoding is refused, and
// predictions write class names as CSV fields.

// A binary model on 'price' (number) and 'color' (red, blue, and a missing category), with classes by name.
ModelBundle text_bundle() {
  TableEncoding encoding;
  encoding.target = "label";
  encoding.target_type = ColumnType::Text;
  encoding.classes = {"no", "yes, soon"};
  encoding.features = {{.name = "price", .type = ColumnType::Number, .fill = 27.5, .categories = {},
                        .missing_category = false},
                       {.name = "color", .type = ColumnType::Text, .fill = 0, .categories = {"blue", "red"},
                        .missing_category = true}};
  Network net({.inputs = 4, .layers = {{.units = 1, .activation = Activation::Sigmoid}},
               .loss = Loss::BinaryCrossEntropy, .seed = 3});
  return ModelBundle{.network = net, .feature_names = encoding.input_names(), .target_name = "label",
                     .target = {.task = Task::Binary, .class_labels = {0, 1}, .class_names = encoding.classes},
                     .feature_mean = {27.5, 0, 0, 0}, .feature_scale = {4, 1, 1, 1}, .target_mean = 0,
                     .target_scale = 1, .encoding = encoding};
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

void write_json(const std::string& path, const nlohmann::json& j) { std::ofstream(path) << j.dump(2); }

TEST(ModelBundleEncoding, TextEncodingAndClassNamesRoundTrip) {
  const std::string dir = fresh_directory();
  const ModelBundle saved = text_bundle();
  save_bundle(saved, dir + "/m.nnk");
  const ModelBundle back = load_bundle(dir + "/m.nnk");
  EXPECT_EQ(back.feature_names, (std::vector<std::string>{"price", "color=blue", "color=red", "color=(missing)"}));
  EXPECT_EQ(back.target.class_names, saved.target.class_names);
  EXPECT_EQ(back.encoding.target_type, ColumnType::Text);
  EXPECT_EQ(back.encoding.classes, saved.encoding.classes);
  ASSERT_EQ(back.encoding.features.size(), 2u);
  EXPECT_EQ(back.encoding.features[0].fill, 27.5);
  EXPECT_EQ(back.encoding.features[1].categories, (std::vector<std::string>{"blue", "red"}));
  EXPECT_TRUE(back.encoding.features[1].missing_category);
  EXPECT_EQ(read_json(dir + "/m.nnk.json")["format_version"], 2);
}

TEST(ModelBundleEncoding, FormatVersionOneReadsAsNumberColumns) {
  const std::string dir = fresh_directory();
  ModelBundle numeric = text_bundle();
  numeric.encoding = {};  // written as number columns
  numeric.feature_names = {"a", "b", "c", "d"};
  numeric.target = {.task = Task::Binary, .class_labels = {0, 1}, .class_names = {}};
  numeric.feature_mean = {1.5, 2.5, 3.5, 4.5};
  save_bundle(numeric, dir + "/v1.nnk");
  nlohmann::json j = read_json(dir + "/v1.nnk.json");
  j["format_version"] = 1;
  j.erase("encoding");
  j.erase("class_names");
  write_json(dir + "/v1.nnk.json", j);
  const ModelBundle back = load_bundle(dir + "/v1.nnk");
  ASSERT_EQ(back.encoding.features.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(back.encoding.features[i].name, numeric.feature_names[i]);
    EXPECT_EQ(back.encoding.features[i].type, ColumnType::Number);
    EXPECT_EQ(back.encoding.features[i].fill, numeric.feature_mean[i]);
  }
  EXPECT_TRUE(back.target.class_names.empty());
}

TEST(ModelBundleEncoding, AnEncodingThatDoesNotMatchTheFeaturesIsRefused) {
  const std::string dir = fresh_directory();
  save_bundle(text_bundle(), dir + "/m.nnk");
  nlohmann::json j = read_json(dir + "/m.nnk.json");
  j["encoding"]["columns"][1]["categories"] = nlohmann::json::array({"blue"});
  write_json(dir + "/m.nnk.json", j);
  EXPECT_NE(error_of(dir + "/m.nnk").find("the encoding's 3 inputs do not match the 4 features listed"),
            std::string::npos) << error_of(dir + "/m.nnk");
  j["encoding"]["columns"][1]["type"] = "date";
  write_json(dir + "/m.nnk.json", j);
  EXPECT_NE(error_of(dir + "/m.nnk").find("an encoding type is 'date', expected number or text"), std::string::npos);
  j.erase("encoding");
  write_json(dir + "/m.nnk.json", j);
  EXPECT_NE(error_of(dir + "/m.nnk").find("field 'encoding' must be an object"), std::string::npos);
}

TEST(ModelBundleEncoding, PredictionsWriteClassNamesAsCsvFields) {
  const ModelBundle b = text_bundle();
  std::ostringstream out;
  write_predictions_csv(out, b, {{.value = 1, .probability = 0.75}, {.value = 0, .probability = 0.5}});
  EXPECT_EQ(out.str(), "prediction,probability\n\"yes, soon\",0.750000\nno,0.500000\n");
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field(" padded"), "\" padded\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

}  // namespace
}  // namespace nnk::train_cli
