// predict and evaluate: a model bundle applied to a CSV file.
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

void run_predict(const PredictSettings& s, std::FILE* out) {
  std::optional<ScopedNumThreads> threads;
  if (s.threads) threads.emplace(*s.threads);
  if (s.output_path) check_can_create("--output", *s.output_path);
  const ModelBundle bundle = load_bundle(s.model_path);
  const SelectedColumns columns = read_columns(s.data_path, bundle.feature_names, bundle.target_name, false, "");
  std::ostringstream csv;
  write_predictions_csv(csv, bundle, predict_examples(bundle, columns.features));
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
  const SelectedColumns columns = read_columns(s.data_path, bundle.feature_names, bundle.target_name, true,
                                               "evaluate compares the predictions with it");
  const Metrics m = evaluate_examples(bundle, columns.features, *columns.target);
  print_metrics(out, "evaluate", m, bundle.target, bundle.target_scale);
  std::fflush(out);
}

}  // namespace nnk::train_cli
