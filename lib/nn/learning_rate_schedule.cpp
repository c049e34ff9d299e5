// The learning-rate schedules of nnk/schedule.hpp.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>
#include <string>

#include "nnk/error.hpp"
#include "nnk/schedule.hpp"

namespace nnk {

void check_schedule(const char* name, const LearningRateSchedule& s) {
  const auto positive = [](double v) { return std::isfinite(v) && v > 0; };
  if (s.warmup_epochs < 0) detail::fail(name, ".warmup_epochs must be >= 0, got ", s.warmup_epochs);
  switch (s.kind) {
    case ScheduleKind::Constant:
    case ScheduleKind::Cosine: return;
    case ScheduleKind::Step:
      if (s.every < 1) detail::fail(name, ".every must be >= 1 for a step schedule, got ", s.every);
      if (!positive(s.factor)) detail::fail(name, ".factor must be finite and > 0, got ", s.factor);
      return;
    case ScheduleKind::Exponential:
      if (!positive(s.gamma)) detail::fail(name, ".gamma must be finite and > 0, got ", s.gamma);
      return;
  }
  detail::fail(name, ".kind is not a schedule kind (", static_cast<int>(s.kind), ")");
}

float scheduled_learning_rate(const LearningRateSchedule& s, float base_rate, std::int64_t epoch, std::int64_t epochs) {
  const double r0 = base_rate;
  if (epoch <= s.warmup_epochs)
    return static_cast<float>(r0 * static_cast<double>(epoch) / static_cast<double>(s.warmup_epochs + 1));
  const auto k = static_cast<double>(epoch - s.warmup_epochs - 1);
  switch (s.kind) {
    case ScheduleKind::Constant: return base_rate;
    case ScheduleKind::Cosine: {
      const auto span = static_cast<double>(std::max<std::int64_t>(epochs - s.warmup_epochs, 1));
      return static_cast<float>(r0 * (1 + std::cos(std::numbers::pi * k / span)) / 2);
    }
    case ScheduleKind::Step:
      return static_cast<float>(r0 * std::pow(s.factor, std::floor(k / static_cast<double>(s.every))));
    case ScheduleKind::Exponential: return static_cast<float>(r0 * std::pow(s.gamma, k));
  }
  return base_rate;
}

std::string to_string(const LearningRateSchedule& s) {
  std::ostringstream out;
  switch (s.kind) {
    case ScheduleKind::Constant: out << "constant"; break;
    case ScheduleKind::Cosine: out << "cosine"; break;
    case ScheduleKind::Step: out << "step:" << s.every << ":" << s.factor; break;
    case ScheduleKind::Exponential: out << "exponential:" << s.gamma; break;
  }
  if (s.warmup_epochs > 0) out << " warmup " << s.warmup_epochs;
  return out.str();
}

}  // namespace nnk
