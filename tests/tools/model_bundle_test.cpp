// Model bundles: what is saved comes back exactly, a loaded bundle predicts as the library does with the same
// preprocessing, and sidecars that do not belong to their model file are rejected.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

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

}  // namespace
}  // namespace nnk::train_cli
