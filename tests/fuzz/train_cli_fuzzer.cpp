// Fuzz target for nnk-train's command line (tools/train/command_line.hpp). The input is split at NUL bytes into
// arguments after the program name. parse_command_line must return settings that respect every documented range,
// or throw UsageError with a one-line printable message; it must never crash, exit, print, or throw anything else.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "command_line.hpp"
#include "support/fuzz/fuzz_check.hpp"

namespace {

using nnk::fuzz::check;
namespace cli = nnk::train_cli;

bool in_unit_interval(double x) { return x >= 0 && x < 1; }  // [0, 1), NaN excluded

void check_settings(const cli::TrainSettings& s) {
  check(s.data_path.empty() != s.dataset.empty(), "train: not exactly one of --data and --dataset");
  for (std::int64_t width : s.hidden_layers) check(width >= 1 && width <= (1 << 20), "train: layer width out of range");
  check(s.epochs >= 1 && s.batch_size >= 1, "train: epochs or batch size below 1");
  check(std::isfinite(s.learning_rate) && s.learning_rate > 0, "train: learning rate not > 0");
  check(in_unit_interval(s.momentum) && in_unit_interval(s.dropout), "train: momentum or dropout outside [0, 1)");
  check(std::isfinite(s.l1) && s.l1 >= 0 && std::isfinite(s.l2) && s.l2 >= 0, "train: l1 or l2 negative");
  check(in_unit_interval(s.validation_fraction) && in_unit_interval(s.test_fraction), "train: fraction outside [0, 1)");
  check(!s.threads || *s.threads >= 1, "train: threads below 1");
  check(!s.test_data_path || s.test_fraction == 0, "train: --test-data with a test fraction");
}

void check_model_paths(const std::string& model, const std::string& data, const std::optional<int>& threads) {
  check(!model.empty() && !data.empty(), "predict/evaluate: empty --model or --data accepted");
  check(!threads || *threads >= 1, "predict/evaluate: threads below 1");
}

void check_usage_message(const cli::UsageError& e) {
  const std::string_view message = e.what();
  check(!message.empty(), "UsageError with an empty message");
  for (const char c : message)
    check(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f, "UsageError message holds a control character");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  std::vector<std::string> args = {"nnk-train"};
  const std::string_view input(reinterpret_cast<const char*>(bytes), size);
  if (!input.empty()) {
    std::size_t start = 0;
    while (true) {
      const std::size_t nul = input.find('\0', start);
      args.emplace_back(input.substr(start, nul == std::string_view::npos ? input.npos : nul - start));
      if (nul == std::string_view::npos) break;
      start = nul + 1;
    }
  }
  try {
    const cli::ParsedCommand parsed = cli::parse_command_line(args);
    if (const auto* train = std::get_if<cli::TrainSettings>(&parsed.command)) check_settings(*train);
    if (const auto* predict = std::get_if<cli::PredictSettings>(&parsed.command))
      check_model_paths(predict->model_path, predict->data_path, predict->threads);
    if (const auto* evaluate = std::get_if<cli::EvaluateSettings>(&parsed.command))
      check_model_paths(evaluate->model_path, evaluate->data_path, evaluate->threads);
    if (const auto* exported = std::get_if<cli::ExportSettings>(&parsed.command))
      check(!exported->model_path.empty() && !exported->output_path.empty(), "export: empty --model or --output");
    if (const auto* shown = std::get_if<cli::ShowText>(&parsed.command))
      check(!shown->text.empty(), "--help or --version with no text");
  } catch (const cli::UsageError& e) {
    check_usage_message(e);
  }
  return 0;
}
