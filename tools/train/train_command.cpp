// The training run of nnk-train.
#include "train_command.hpp"

#include <algorithm>
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
#include "nnk/table.hpp"
#include "nnk/train.hpp"
#include "option_values.hpp"
#include "output_files.hpp"
#include "progress_display.hpp"
#include "sharded_standardizer.hpp"
#include "task_inference.hpp"
#include "training_control_run.hpp"
#include "training_shard.hpp"

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
    case Task::Binary: return "binary classification (classes " + format_classes(t) + ")";
    case Task::Multiclass:
      return "multi-class classification (" + std::to_string(t.class_labels.size()) + " classes: " +
             format_classes(t) + ")";
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

// The data as the network takes it before standardization: encoded inputs, and targets that are numbers or class
// indices; with the encoding that made them (saved in the bundle) and what it counted.
struct PreparedData {
  Dataset train;                     // this rank's shard of the training split: all of it unless shard says less
  TrainingShard shard;
  std::optional<Dataset> test;
  TableEncoding encoding;
  Matrix all_targets;                // every target value of the data file: the task is inferred from all of them
                                     // (fashion-mnist: the whole training split's labels)
  std::string source;                // the CSV file, or fashion-mnist's directory
  std::string split_text;
  std::int64_t examples = 0;         // rows with a target, before the split
  std::vector<std::string> report;   // missing values and unseen categories, one line each
};

Dataset as_dataset(EncodedTable&& encoded, const TableEncoding& encoding) {
  return {.features = std::move(encoded.features), .targets = std::move(encoded.targets),
          .feature_names = encoding.input_names(), .target_name = encoding.target};
}

void add_report(PreparedData& data, const EncodingReport& report, const std::string& where) {
  const ReportLines lines = report_lines(report, data.encoding, where);
  if (lines.any_missing) data.report.push_back(lines.missing);
  data.report.insert(data.report.end(), lines.warnings.begin(), lines.warnings.end());
}

// With shards, this rank reads the images of its share alone; the labels file is small and read whole (the task
// and the classes are inferred from every label). Rank 0 alone tests the model: the others skip the t10k files.
PreparedData prepare_fashion_mnist(const TrainSettings& s, const TrainingRanks& ranks) {
  const FashionMnistFiles files = fashion_mnist_files(s.data_dir);
  const std::int64_t train_examples = idx_image_count(files.train_images);
  PreparedData data;
  data.shard = ranks.fit_shards && ranks.size > 1 ? rank_share(train_examples, ranks.rank, ranks.size)
                                                 : whole_training_set(train_examples);
  data.train = load_idx_rows(files.train_images, files.train_labels, data.shard.first, data.shard.count);
  data.all_targets = load_idx_labels(files.train_labels);
  data.source = files.directory;
  data.examples = train_examples;
  if (ranks.rank == 0) {
    data.test = load_idx(files.test_images, files.test_labels);
    data.examples += data.test->examples();
    data.split_text = std::to_string(data.test->examples()) + " test (the data set's own: its t10k files)";
  }
  return data;
}

PreparedData prepare_csv(const TrainSettings& s) {
  PreparedData data;
  data.source = s.dataset.empty() ? s.data_path : bundled_dataset_path(s.dataset, s.data_dir);
  const Table table = load_table(data.source);
  const std::string target = s.target ? *s.target : table.columns.back().name;
  const EncodingOptions options{.target = target, .features = s.feature_columns, .ignore = s.ignore_columns,
                                .max_categories = s.max_categories,
                                .missing = s.missing == MissingPolicy::Drop ? MissingValues::Drop : MissingValues::Impute};
  const std::size_t target_column = table.column_index(target);

  // What the whole file says of the target: its rows with a value, and the values the task is inferred from.
  const TableColumn& target_values = table.columns[target_column];
  data.examples = table.rows() - target_values.missing;
  if (target_values.type == ColumnType::Number) {
    std::vector<float> targets;
    for (std::int64_t r = 0; r < table.rows(); ++r)
      if (!table.is_missing(target_column, r)) targets.push_back(table.numbers(static_cast<std::int64_t>(target_column), r));
    data.all_targets = Matrix(1, static_cast<std::int64_t>(targets.size()));
    for (std::size_t j = 0; j < targets.size(); ++j) data.all_targets(0, static_cast<std::int64_t>(j)) = targets[j];
  }
  // The classes of a text target are those of the whole file, so that a class rare enough to fall only in the
  // test split is still one of the model's.
  std::vector<std::string> classes;
  for (const std::int32_t code : target_values.codes)
    if (code >= 0) classes.push_back(target_values.categories[static_cast<std::size_t>(code)]);
  std::sort(classes.begin(), classes.end());
  classes.erase(std::unique(classes.begin(), classes.end()), classes.end());

  std::optional<TableSplit> split;  // without a split, the whole table is the training data (no copy)
  if (s.test_data_path) {
    data.split_text = "from '" + *s.test_data_path + "'";
  } else if (s.test_fraction > 0) {
    split = split_table(table, s.test_fraction, s.split_seed);
    char text[128];
    std::snprintf(text, sizeof text, "(--test-fraction %g, --split-seed %llu)", s.test_fraction,
                  static_cast<unsigned long long>(s.split_seed));
    data.split_text = text;
  } else {
    data.split_text = "no test split";
  }
  const Table& train = split ? split->train : table;

  data.encoding = TableEncoding::fit(train, options);
  if (data.encoding.target_type == ColumnType::Text) data.encoding.classes = classes;

  EncodedTable train_encoded = data.encoding.encode(train, TargetUse::Required);
  add_report(data, train_encoded.report, split ? "the training split" : "the training data");
  data.train = as_dataset(std::move(train_encoded), data.encoding);
  if (s.test_data_path) {
    EncodedTable test_encoded = read_encoded(*s.test_data_path, data.encoding, TargetUse::Required);
    add_report(data, test_encoded.report, "'" + *s.test_data_path + "'");
    data.test = as_dataset(std::move(test_encoded), data.encoding);
  } else if (split) {
    EncodedTable test_encoded = data.encoding.encode(split->test, TargetUse::Required);
    add_report(data, test_encoded.report, "the test split");
    data.test = as_dataset(std::move(test_encoded), data.encoding);
  }
  if (data.test) data.split_text = std::to_string(data.test->examples()) + " test " + data.split_text;
  data.shard = whole_training_set(data.train.examples());
  return data;
}

// Standardization statistics of the training split (over the ranks' shards where it is sharded); one-hot inputs
// keep mean 0 and scale 1 (they stay 0/1).
Standardizer fit_standardizer(const PreparedData& data, const TrainingRanks& ranks) {
  const Standardizer fitted =
      data.shard.spread ? fit_standardizer_on_shards(data.train.features, data.shard, ranks.sums_in_rank_order)
                        : Standardizer::fit(data.train.features);
  const TableEncoding& encoding = data.encoding;
  std::vector<double> mean = fitted.mean(), scale = fitted.stddev();
  const std::vector<bool> one_hot = encoding.one_hot_inputs();
  for (std::size_t i = 0; i < one_hot.size() && i < mean.size(); ++i)
    if (one_hot[i]) {
      mean[i] = 0;
      scale[i] = 1;
    }
  return Standardizer::from(std::move(mean), std::move(scale));
}

std::string describe_columns(const TableEncoding& encoding) {
  std::int64_t numbers = 0, texts = 0;
  for (const FeatureEncoding& f : encoding.features) (f.type == ColumnType::Number ? numbers : texts) += 1;
  if (texts == 0) return "";
  std::string text = "columns: " + std::to_string(numbers) + " numeric, " + std::to_string(texts) +
                     " categorical (one-hot:";
  for (const FeatureEncoding& f : encoding.features)
    if (f.type == ColumnType::Text)
      text += " '" + f.name + "' " + std::to_string(f.categories.size() + (f.missing_category ? 1 : 0)) + " inputs,";
  text.back() = ')';
  return text + " -> " + std::to_string(encoding.inputs()) + " network inputs";
}

// "2 ranks x 1 thread" under MPI, "4 threads" alone: --threads counts the threads of each rank.
std::string describe_parallelism(const TrainingRanks& ranks) {
  const int threads = num_threads();
  const std::string thread_text = std::to_string(threads) + (threads == 1 ? " thread" : " threads");
  if (ranks.size == 1) return thread_text;
  return std::to_string(ranks.size) + " ranks x " + thread_text;
}

}  // namespace

void run_train(const TrainSettings& s, std::FILE* out, const TrainingRanks& ranks) {
  std::optional<ScopedNumThreads> threads;
  if (s.threads) threads.emplace(*s.threads);
  // The other ranks train the same model: what they would print and write is rank 0's.
  const bool reporting = ranks.rank == 0;
  std::optional<DiscardingStream> discarded;
  if (!reporting) out = discarded.emplace().get();

  PreparedData prepared = s.dataset == kFashionMnist ? prepare_fashion_mnist(s, ranks) : prepare_csv(s);
  const TargetEncoding target =
      prepared.encoding.target_type == ColumnType::Text
          ? infer_text_target(prepared.encoding.classes, s.task, prepared.encoding.target)
          : infer_target(prepared.all_targets, s.task, prepared.train.target_name);

  // Outputs are checked before the work that produces them, where they are written: on rank 0 (which alone writes
  // the checkpoints too, so that they may be on its own disk).
  if (reporting && s.save_path) {
    check_can_create("--save", *s.save_path);
    check_can_create("--save", sidecar_path(*s.save_path));
  }
  if (reporting && s.control.checkpoint_path) check_can_create("--checkpoint", *s.control.checkpoint_path);

  Dataset& train = prepared.train;
  Dataset test = prepared.test ? std::move(*prepared.test) : Dataset();
  const bool has_test = test.examples() > 0;
  // Standardize on the training split only; regression targets too (the network learns (y - mean) / scale).
  const Standardizer scaler = fit_standardizer(prepared, ranks);
  if (s.dataset == kFashionMnist)  // IDX pixels: every input a number column
    prepared.encoding = numeric_encoding(train.feature_names, scaler.mean(), train.target_name);
  scaler.transform(train.features);
  if (has_test) scaler.transform(test.features);
  const ConstMatrixView training_targets =
      prepared.shard.spread ? ConstMatrixView(prepared.all_targets) : ConstMatrixView(train.targets);
  const auto [target_mean, target_scale] =
      target.task == Task::Regression ? mean_and_scale(training_targets) : std::pair<double, double>{0.0, 1.0};
  const Matrix train_y = network_targets(target, train.targets, train.target_name, target_mean, target_scale);
  const Matrix test_y =
      has_test ? network_targets(target, test.targets, test.target_name, target_mean, target_scale) : Matrix();

  const NetworkSpec spec = network_spec(s, train.features.rows(), target);
  Network net(spec);

  const auto validation_count =
      static_cast<long long>(std::llround(s.validation_fraction * static_cast<double>(prepared.shard.examples)));
  std::fprintf(out, "data: %s: %lld examples, %lld features, target '%s': %s\n", prepared.source.c_str(),
               static_cast<long long>(prepared.examples), static_cast<long long>(train.features.rows()),
               train.target_name.c_str(), describe_task(target).c_str());
  if (const std::string columns = describe_columns(prepared.encoding); !columns.empty())
    std::fprintf(out, "%s\n", columns.c_str());
  for (const std::string& line : prepared.report) std::fprintf(out, "%s\n", line.c_str());
  std::fprintf(out, "split: %lld training (%lld of them for validation), %s; features standardized on the training split\n",
               static_cast<long long>(prepared.shard.examples), validation_count, prepared.split_text.c_str());
  if (prepared.shard.spread)
    std::fprintf(out, "shards: each of the %d ranks reads and holds its share of the training examples (rank 0: %s)\n",
                 ranks.size, prepared.shard.range_text().c_str());
  std::fprintf(out, "network: %s\n", describe_network(spec, s).c_str());
  std::fprintf(out, "running on %s, ISA %s\n", describe_parallelism(ranks).c_str(),
               std::string(to_string(active_isa())).c_str());
  std::fflush(out);

  std::optional<MetricsLog> log;
  if (reporting && s.log_path) log.emplace(*s.log_path, target, target_scale);
  ProgressDisplay progress(reporting ? s.progress : ProgressMode::None, out, target, target_scale);

  // The preprocessing goes into checkpoints, and a resumed run must have the same; the network is set after training.
  ModelBundle bundle{.network = net, .feature_names = train.feature_names, .target_name = train.target_name,
                     .target = target, .feature_mean = scaler.mean(), .feature_scale = scaler.stddev(),
                     .target_mean = target_mean, .target_scale = target_scale, .encoding = prepared.encoding};
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
  const Optimizer selected = optimizer(s);
  const TrainingRanks::Fit& fit_on_ranks = prepared.shard.spread ? ranks.fit_shards : ranks.fit;
  const std::vector<EpochReport> reports = fit_on_ranks
                                               ? fit_on_ranks(net, train.features, train_y, selected, fit_options)
                                               : fit(net, train.features, train_y, selected, fit_options);
  progress.finish();
  if (!reporting) return;  // rank 0 tests and saves the model, the same on every rank
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
