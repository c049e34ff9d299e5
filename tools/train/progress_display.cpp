// The progress bar and the plain per-epoch lines.
#include "progress_display.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "metrics_report.hpp"

namespace nnk::train_cli {

namespace {

constexpr int kBarWidth = 24;
// Thousands of tiny epochs a second would otherwise spend their time writing to the terminal.
constexpr std::chrono::milliseconds kRedrawInterval{50};

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

// "850ms", "12.3s", "4m05s", "2h13m".
std::string duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds < 0.01) return format("%.2fms", seconds * 1e3);
  if (seconds < 1) return format("%.0fms", seconds * 1e3);
  if (seconds < 60) return format("%.1fs", seconds);
  const auto s = static_cast<long long>(std::llround(seconds));
  char text[64];
  if (s < 3600) std::snprintf(text, sizeof text, "%lldm%02llds", s / 60, s % 60);
  else std::snprintf(text, sizeof text, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  return text;
}

// "12.3k", "1.20M" examples per second.
std::string rate(double per_second) {
  if (!std::isfinite(per_second)) return "?";
  if (per_second >= 1e6) return format("%.2fM", per_second / 1e6);
  if (per_second >= 1e3) return format("%.1fk", per_second / 1e3);
  return format("%.0f", per_second);
}

}  // namespace

ProgressDisplay::ProgressDisplay(ProgressMode mode, std::FILE* out, const TargetEncoding& target,
                                 double target_scale)
    : mode_(mode), out_(out), target_(target), target_scale_(target_scale) {
  if (mode_ == ProgressMode::Auto) mode_ = ::isatty(::fileno(out_)) ? ProgressMode::Bar : ProgressMode::Lines;
}

ProgressDisplay::~ProgressDisplay() { finish(); }

std::string ProgressDisplay::figures(const EpochReport& r) const {
  auto one = [&](const char* prefix, const Metrics& m) {
    std::string text = std::string(prefix) + "loss " + format("%.4f", m.loss);
    if (target_.classification()) text += " " + std::string(prefix) + "acc " + format("%.2f%%", 100 * m.accuracy);
    else text += " " + std::string(prefix) + "mse " + format("%.4g", mse_in_target_units(m, target_scale_));
    return text;
  };
  std::string text = one("", r.train);
  if (r.validation) text += "  " + one("val_", *r.validation);
  text += "  lr " + format("%.3g", r.learning_rate);
  if (r.best_epoch == r.epoch) text += " best";  // early stopping: the lowest validation loss so far
  return text;
}

void ProgressDisplay::epoch(const EpochReport& r) {
  if (mode_ == ProgressMode::None) return;
  elapsed_seconds_ += r.seconds;
  ++epochs_shown_;  // not r.epoch: a resumed run starts after its checkpoint's epoch
  const double per_second = static_cast<double>(r.train.examples) / r.seconds;
  const double left = elapsed_seconds_ / static_cast<double>(epochs_shown_) * static_cast<double>(r.epochs - r.epoch);
  const int width = static_cast<int>(std::to_string(r.epochs).size());
  char head[64];
  std::snprintf(head, sizeof head, "epoch %*lld/%lld", width, static_cast<long long>(r.epoch),
                static_cast<long long>(r.epochs));

  if (mode_ == ProgressMode::Lines) {
    const std::string timing = r.epoch == r.epochs ? "total " + duration(elapsed_seconds_) : "left " + duration(left);
    std::fprintf(out_, "%s  %s  %s ex/s  %s  %s\n", head, figures(r).c_str(), rate(per_second).c_str(),
                 duration(r.seconds).c_str(), timing.c_str());
    std::fflush(out_);
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (open_line_ && r.epoch != r.epochs && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  const int filled = static_cast<int>(kBarWidth * r.epoch / std::max<std::int64_t>(r.epochs, 1));
  const std::string bar = std::string(static_cast<std::size_t>(filled), '#') +
                          std::string(static_cast<std::size_t>(kBarWidth - filled), '.');
  const std::string line = std::string(head) + " [" + bar + "] " + figures(r) + "  " + rate(per_second) +
                           " ex/s  " + (r.epoch == r.epochs ? "took " + duration(elapsed_seconds_)
                                                            : "ETA " + duration(left));
  const std::size_t pad = last_width_ > line.size() ? last_width_ - line.size() : 0;
  std::fprintf(out_, "\r%s%s", line.c_str(), std::string(pad, ' ').c_str());
  std::fflush(out_);
  last_width_ = line.size();
  open_line_ = true;
}

void ProgressDisplay::finish() {
  if (!open_line_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  open_line_ = false;
}

}  // namespace nnk::train_cli
