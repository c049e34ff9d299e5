// JSON-lines metrics log (nlohmann::ordered_json keeps the schema's key order).
#include "metrics_log.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <string>
#include <cstring>
#include <nlohmann/json.hpp>

#include "metrics_report.hpp"
#include "nnk/error.hpp"

namespace nnk::train_cli {

namespace {

using nlohmann::ordered_json;

// The rate is a float: its shortest decimal ("0.001"), not the 17 digits of the double it widens to.
double float_decimal(double rate) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, static_cast<float>(rate)).ptr;
  return std::strtod(std::string(text, end).c_str(), nullptr);
}

ordered_json metrics_json(const Metrics& m, bool classification, double target_scale) {
  ordered_json j;
  j["loss"] = m.loss;
  if (classification) {
    j["accuracy"] = m.accuracy;
  } else {
    j["mse"] = mse_in_target_units(m, target_scale);
    j["r2"] = m.r2;
  }
  return j;
}

}  // namespace

std::string epoch_log_line(const EpochReport& r, bool classification, double target_scale) {
  ordered_json line;
  line["epoch"] = r.epoch;
  line["epochs"] = r.epochs;
  line["seconds"] = r.seconds;
  line["examples_per_second"] = r.seconds > 0 ? static_cast<double>(r.train.examples) / r.seconds : 0.0;
  line["learning_rate"] = float_decimal(r.learning_rate);
  line["train"] = metrics_json(r.train, classification, target_scale);
  if (r.validation) line["validation"] = metrics_json(*r.validation, classification, target_scale);
  if (r.best_epoch > 0) line["best_epoch"] = r.best_epoch;  // early stopping only
  if (r.clipped_steps > 0) line["clipped_steps"] = r.clipped_steps;
  if (r.stop != StopReason::None) line["stop"] = r.stop == StopReason::EarlyStopping ? "early_stopping" : "callback";
  return line.dump();
}

MetricsLog::MetricsLog(const std::string& path, const TargetEncoding& target, double target_scale)
    : path_(path), out_(path, std::ios::trunc), classification_(target.classification()),
      target_scale_(target_scale) {
  if (!out_) detail::fail("cannot write --log file '", path, "': ", std::strerror(errno));
}

void MetricsLog::write(const EpochReport& report) {
  out_ << epoch_log_line(report, classification_, target_scale_) << '\n';
  out_.flush();
  if (!out_) detail::fail("cannot write --log file '", path_, "' (disk full?)");
}

}  // namespace nnk::train_cli
