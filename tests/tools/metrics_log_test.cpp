// The JSON-lines log: the schema other tools read (key order included), regression units, no validation key
// without a validation split.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "metrics_log.hpp"

namespace nnk::train_cli {
namespace {

TEST(MetricsLog, ClassificationLineHasTheSchemaInOrder) {
  EpochReport r;
  r.epoch = 3;
  r.epochs = 50;
  r.seconds = 0.5;
  r.train.loss = 0.25;
  r.train.accuracy = 0.875;
  r.train.examples = 1000;
  r.validation = Metrics{};
  r.validation->loss = 0.5;
  r.validation->accuracy = 0.75;
  r.learning_rate = static_cast<double>(1e-3f);  // written as the float's shortest decimal
  const std::string line = epoch_log_line(r, true, 1.0);
  EXPECT_EQ(line,
            "{\"epoch\":3,\"epochs\":50,\"seconds\":0.5,\"examples_per_second\":2000.0,\"learning_rate\":0.001,"
            "\"train\":{\"loss\":0.25,\"accuracy\":0.875},\"validation\":{\"loss\":0.5,\"accuracy\":0.75}}");
  EXPECT_TRUE(nlohmann::json::accept(line));
}

TEST(MetricsLog, RegressionReportsMseInTargetUnitsAndOmitsAbsentValidation) {
  EpochReport r;
  r.epoch = 1;
  r.epochs = 1;
  r.seconds = 0.25;
  r.train.loss = 0.5;
  r.train.mse = 0.5;
  r.train.r2 = 0.5;
  r.train.examples = 10;
  const nlohmann::json j = nlohmann::json::parse(epoch_log_line(r, false, 10.0));
  EXPECT_FALSE(j.contains("validation"));
  EXPECT_EQ(j["train"]["mse"].get<double>(), 50.0);   // 0.5 * 10^2
  EXPECT_EQ(j["train"]["r2"].get<double>(), 0.5);
  EXPECT_FALSE(j["train"].contains("accuracy"));
}

TEST(MetricsLog, NonFiniteValuesAreNull) {
  EpochReport r;
  r.epoch = 1;
  r.epochs = 1;
  r.seconds = 1;
  r.train.examples = 1;
  r.train.loss = std::numeric_limits<double>::infinity();
  const nlohmann::json j = nlohmann::json::parse(epoch_log_line(r, true, 1.0));
  EXPECT_TRUE(j["train"]["loss"].is_null());
}

}  // namespace
}  // namespace nnk::train_cli
