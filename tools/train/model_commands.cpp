// predict and evaluate: a model bundle applied to a raw CSV file through its encoding.
#include "model_commands.hpp"

#include <optional>
#include <sstream>

#include "csv_columns.hpp"
#include "metrics_report.hpp"
#include "model_bundle.hpp"
#include "model_use.hpp"
#include "nnk/cpu.hpp"
#include "output_files.hpp"

namespace nnk::train_cli {

namespace {

void print_lines(std::FILE* to, const std::vector<std::string>& lines) {
  for (const std::string& line : lines) std::fprintf(to, "%s\n", line.c_str());
}

}  // namespace

void run_predict(const PredictSettings& s, std::FILE* out) {
  std::optional<ScopedNumThreads> threads;
  if (s.threads) threads.emplace(*s.threads);
  if (s.output_path) check_can_create("--output", *s.output_path);
  const ModelBundle bundle = load_bundle(s.model_path);
  const EncodedTable data = read_encoded(s.data_path, bundle.encoding, TargetUse::Ignored);
  // Predictions go to stdout (or --output): the counts go to stderr, so that the CSV stays clean.
  const ReportLines report = report_lines(data.report, bundle.encoding, "'" + s.data_path + "'");
  if (report.any_missing) std::fprintf(stderr, "nnk-train: %s\n", report.missing.c_str());
  for (const std::string& w : report.warnings) std::fprintf(stderr, "nnk-train: %s\n", w.c_str());
  std::ostringstream csv;
  write_predictions_csv(csv, bundle, predict_examples(bundle, data.features));
  if (s.output_path) {
    write_file_atomically(*s.output_path, csv.str());
  } else {
    std::fputs(csv.str().c_str(), out);
    std::fflush(out);
  }
}

void run_evaluate(const EvaluateSettings& s, std::FILE* out) {
  std::optional<ScopedNumThreads> threads;
  if (s.threads) threads.emplace(*s.threads);
  const ModelBundle bundle = load_bundle(s.model_path);
  const EncodedTable data = read_encoded(s.data_path, bundle.encoding, TargetUse::Required);
  const ReportLines report = report_lines(data.report, bundle.encoding, "'" + s.data_path + "'");
  if (report.any_missing) std::fprintf(out, "%s\n", report.missing.c_str());
  print_lines(out, report.warnings);
  const Metrics m = evaluate_examples(bundle, data.features, data.targets);
  print_metrics(out, "evaluate", m, bundle.target, bundle.target_scale);
  std::fflush(out);
}

}  // namespace nnk::train_cli
