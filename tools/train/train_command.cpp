// The training run of nnk-train.
#include "train_command.hpp"

#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bundled_data.hpp"
#include "csv_columns.hpp"
#include "metrics_log.hpp"
#include "metrics_report.hpp"
#include "model_bundle.hpp"
#include "model_use.hpp"
#include "nnk/cpu.hpp"
#include "nnk/data.hpp"
#include "nnk/error.hpp"
#include "nnk/network.hpp"
#include "nnk/train.hpp"
#include "option_values.hpp"
#include "output_files.hpp"
#include "progress_display.hpp"
#include "task_inference.hpp"
#include "training_control_run.hpp"

namespace nnk::train_cli {

namespace {

Activation hidden_activation(HiddenActivation a) {
  switch (a) {
    case HiddenActivation::ReLU: return Activation::ReLU;
    case HiddenActivation::Tanh: return Activation::Tanh;
    case HiddenActivation::Sigmoid: return Activation::Sigmoid;
    case HiddenActivation::Identity: return Activation::Identity;
  }
  return Activation::ReLU;
}

const char* activation_name(HiddenActivation a) {
  switch (a) {
    case HiddenActivation::ReLU: return "relu";
    case HiddenActivation::Tanh: return "tanh";
    case HiddenActivation::Sigmoid: return "sigmoid";
    case HiddenActivation::Identity: return "identity";
  }
  return "?";
}

NetworkSpec network_spec(const TrainSettings& s, std::int64_t inputs, const TargetEncoding& target) {
  NetworkSpec spec{.inputs = inputs, .layers = {}, .loss = loss_for(target.task), .seed = s.seed,
                   .l1 = static_cast<float>(s.l1), .l2 = static_cast<float>(s.l2)};
  for (const std::int64_t units : s.hidden_layers)
    spec.layers.push_back({.units = units, .activation = hidden_activation(s.activation),
                           .dropout = static_cast<float>(s.dropout)});
  spec.layers.push_back({.units = target.outputs(), .activation = output_activation(spec.loss), .dropout = 0});
  return spec;
}

Optimizer optimizer(const TrainSettings& s) {
  if (s.optimizer == OptimizerKind::Sgd)
    return Sgd{.learning_rate = static_cast<float>(s.learning_rate), .momentum = static_cast<float>(s.momentum)};
  return Adam{.learning_rate = static_cast<float>(s.learning_rate)};
}

std::string describe_task(const TargetEncoding& t) {
  switch (t.task) {
    case Task::Binary: return "binary classification (classes " + format_labels(t.class_labels) + ")";
    case Task::Multiclass:
      return "multi-class classification (" + std::to_string(t.class_labels.size()) + " classes: " +
             format_labels(t.class_labels) + ")";
    case Task::Regression: return "regression";
  }
  return "?";
}

std::string describe_network(const NetworkSpec& spec, const TrainSettings& s) {
  std::string shape = std::to_string(spec.inputs);
  for (const LayerSpec& l : spec.layers) shape += "-" + std::to_string(l.units);
  std::string text = shape + " (" + (s.hidden_layers.empty() ? "no hidden layer" : activation_name(s.activation)) +
                     ", " + std::string(to_string(spec.loss)) + ")";
  char details[256];
  std::snprintf(details, sizeof details, "; %s lr %g%s, l1 %g, l2 %g, dropout %g; %lld epochs, batch %lld, seed %llu",
                s.optimizer == OptimizerKind::Adam ? "adam" : "sgd", s.learning_rate,
                s.optimizer == OptimizerKind::Sgd && s.momentum > 0 ? (" momentum " + number_text(s.momentum)).c_str() : "",
                s.l1, s.l2, s.dropout, static_cast<long long>(s.epochs), static_cast<long long>(s.batch_size),
                static_cast<unsigned long long>(s.seed));
  return text + details;
}

// Population mean and standard deviation (1 when constant) of a 1 x m row, in double.
std::pair<double, double> mean_and_scale(ConstMatrixView y) {
  double sum = 0, square_sum = 0;
  for (std::int64_t j = 0; j < y.cols(); ++j) sum += y(0, j);
  const double mean = sum / static_cast<double>(y.cols());
  for (std::int64_t j = 0; j < y.cols(); ++j) square_sum += (y(0, j) - mean) * (y(0, j) - mean);
  const double scale = std::sqrt(square_sum / static_cast<double>(y.cols()));
  return {mean, scale > 0 && std::isfinite(scale) ? scale : 1.0};
}

// The data named by --data or --dataset, and the test set where the data set comes with one.
struct LoadedData {
  Dataset data;
  std::optional<Dataset> test;  // fashion-mnist: its t10k files
  std::string source;           // the CSV file, or fashion-mnist's directory
};

LoadedData load_training_data(const TrainSettings& s) {
  if (s.dataset == kFashionMnist) {
    const FashionMnistFiles files = fashion_mnist_files(s.data_dir);
    return {load_idx(files.train_images, files.train_labels), load_idx(files.test_images, files.test_labels),
            files.directory};
  }
  const std::string path = s.dataset.empty() ? s.data_path : bundled_dataset_path(s.dataset, s.data_dir);
  return {s.target ? load_csv(path, *s.target) : load_csv(path, std::int64_t{-1}), std::nullopt, path};
}

}  // namespace

void run_train(const TrainSettings& s, std::FILE* out) {
  std::optional<ScopedNumThreads> threads;
  if (s.threads) threads.emplace(*s.threads);

  LoadedData loaded = load_training_data(s);
  Dataset& data = loaded.data;
  const TargetEncoding target = infer_target(data.targets, s.task, data.target_name);

  // Outputs are checked before the work that produces them.
  if (s.save_path) {
    check_can_create("--save", *s.save_path);
    check_can_create("--save", sidecar_path(*s.save_path));
  }
  if (s.control.checkpoint_path) check_can_create("--checkpoint", *s.control.checkpoint_path);

  // The train / test split; the test part comes with the data set (fashion-mnist), or from --test-data when given.
  Dataset train, test;
  std::string split_text;
  if (loaded.test) {
    test = std::move(*loaded.test);
    train = std::move(data);
    split_text = std::to_string(test.examples()) + " test (the data set's own: its t10k files)";
  } else if (s.test_data_path) {
    SelectedColumns columns = read_columns(*s.test_data_path, data.feature_names, data.target_name, true,
                                           "--test-data needs the target to test against");
    test = Dataset{.features = std::move(columns.features), .targets = std::move(*columns.target),
                   .feature_names = data.feature_names, .target_name = data.target_name};
    train = std::move(data);
    split_text = std::to_string(test.examples()) + " test from '" + *s.test_data_path + "'";
  } else if (s.test_fraction > 0) {
    TrainTestSplit split = train_test_split(data, s.test_fraction, s.split_seed);
    train = std::move(split.train);
    test = std::move(split.test);
    char text[128];
    std::snprintf(text, sizeof text, "%lld test (--test-fraction %g, --split-seed %llu)",
                  static_cast<long long>(test.examples()), s.test_fraction,
                  static_cast<unsigned long long>(s.split_seed));
    split_text = text;
  } else {
    train = std::move(data);
    split_text = "no test split";
  }
  const bool has_test = test.examples() > 0;

  // Standardize on the training split only; regression targets too (the network learns (y - mean) / scale).
  const Standardizer scaler = Standardizer::fit(train.features);
  scaler.transform(train.features);
  if (has_test) scaler.transform(test.features);
  const auto [target_mean, target_scale] =
      target.task == Task::Regression ? mean_and_scale(train.targets) : std::pair<double, double>{0.0, 1.0};
  const Matrix train_y = network_targets(target, train.targets, train.target_name, target_mean, target_scale);
  const Matrix test_y =
      has_test ? network_targets(target, test.targets, test.target_name, target_mean, target_scale) : Matrix();

  const NetworkSpec spec = network_spec(s, train.features.rows(), target);
  Network net(spec);

  const auto validation_count =
      static_cast<long long>(std::llround(s.validation_fraction * static_cast<double>(train.examples())));
  std::fprintf(out, "data: %s: %lld examples, %lld features, target '%s': %s\n", loaded.source.c_str(),
               static_cast<long long>(train.examples() + (s.test_data_path ? 0 : test.examples())),
               static_cast<long long>(train.features.rows()), train.target_name.c_str(), describe_task(target).c_str());
  std::fprintf(out, "split: %lld training (%lld of them for validation), %s; features standardized on the training split\n",
               static_cast<long long>(train.examples()), validation_count, split_text.c_str());
  std::fprintf(out, "network: %s\n", describe_network(spec, s).c_str());
  std::fprintf(out, "running on %d thread%s, ISA %s\n", num_threads(), num_threads() == 1 ? "" : "s",
               std::string(to_string(active_isa())).c_str());
  std::fflush(out);

  std::optional<MetricsLog> log;
  if (s.log_path) log.emplace(*s.log_path, target, target_scale);
  ProgressDisplay progress(s.progress, out, target, target_scale);

  // The preprocessing goes into checkpoints, and a resumed run must have the same; the network is set after training.
  ModelBundle bundle{.network = net, .feature_names = train.feature_names, .target_name = train.target_name,
                     .target = target, .feature_mean = scaler.mean(), .feature_scale = scaler.stddev(),
                     .target_mean = target_mean, .target_scale = target_scale};
  const std::string preprocessing = preprocessing_json(bundle);
  announce_training_control(s.control, preprocessing, s.epochs, out);

  const auto start = std::chrono::steady_clock::now();
  FitOptions fit_options{.epochs = s.epochs, .batch_size = s.batch_size, .shuffle = true,
                         .validation_fraction = s.validation_fraction, .seed = s.seed,
                         .on_epoch = [&](const EpochReport& r) {
                           progress.epoch(r);
                           if (log) log->write(r);
                         }};
  apply_training_control(s.control, preprocessing, fit_options);
  const std::vector<EpochReport> reports = fit(net, train.features, train_y, optimizer(s), fit_options);
  progress.finish();
  print_stop(out, reports, s.control);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(out, "trained in %.2f s\n", seconds);

  if (has_test) {
    print_metrics(out, "test", evaluate(net, test.features, test_y), target, target_scale);
  } else {
    print_metrics(out, "training set (no test split)", evaluate(net, train.features, train_y), target, target_scale);
  }

  if (s.save_path) {
    bundle.network = net;
    save_bundle(bundle, *s.save_path);
    std::fprintf(out, "saved the model to %s (preprocessing in %s)\n", s.save_path->c_str(),
                 sidecar_path(*s.save_path).c_str());
  }
  std::fflush(out);
}

}  // namespace nnk::train_cli
