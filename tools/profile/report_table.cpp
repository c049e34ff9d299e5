#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "nnk/cpu.hpp"
#include "report.hpp"

namespace nnk_profile {

namespace {

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string percent_of_ceiling(const Row& row) {
  if (row.ceiling <= 0) return "-";
  return format("%.1f", 100 * row.ceiling_fraction()) + (row.unit == RateUnit::Flops ? " peak" : " triad");
}

std::string ratio(double value) { return value > 0 ? format("%.2f", value) : "-"; }

}  // namespace

const char* unit_name(RateUnit unit) { return unit == RateUnit::Flops ? "GFLOP/s" : "GB/s"; }

double rate_in_unit(const Row& row) { return row.rate() * 1e-9; }

void print_progress(std::ostream& out, const Row& row) {
  out << "  " << row.kernel << "  " << row.shape << "  threads " << row.threads << ": "
      << format("%.2f ", rate_in_unit(row)) << unit_name(row.unit) << " (" << percent_of_ceiling(row) << ")\n";
}

void print_table(std::ostream& out, const std::vector<Row>& rows, const Ceilings& ceilings) {
  out << "nnk-profile: ISA " << nnk::to_string(nnk::active_isa()) << ", nnk::num_threads() " << nnk::num_threads();
  out << "\n";
  // The best peak measured per thread count: the ceiling of the GFLOP/s rows (every measurement is in --json).
  std::map<int, double> peaks;
  for (const CeilingSample& s : ceilings.peak_samples()) peaks[s.threads] = std::max(peaks[s.threads], s.rate);
  if (!peaks.empty()) {
    out << "FMA peak (best of this run):";
    for (const auto& [threads, rate] : peaks) out << format(" %.1f GFLOP/s", rate * 1e-9) << " on " << threads << ";";
    out << "\n";
  }
  // The memory roof: the median triad on the largest arrays measured, per thread count.
  std::int64_t largest = 0;
  for (const CeilingSample& s : ceilings.triad_samples()) largest = std::max(largest, s.elements);
  std::map<int, std::vector<double>> triads;
  for (const CeilingSample& s : ceilings.triad_samples())
    if (s.elements == largest) triads[s.threads].push_back(s.rate);
  if (!triads.empty()) {
    const double bytes = 4.0 * static_cast<double>(largest);
    out << "triad on "
        << (bytes >= (1 << 20) ? format("%.0f MiB", bytes / (1 << 20)) : format("%.0f KiB", bytes / 1024))
        << " arrays (median of this run):";
    for (auto& [threads, rates] : triads) {
      std::sort(rates.begin(), rates.end());
      out << format(" %.1f GB/s", rates[rates.size() / 2] * 1e-9) << " on " << threads << ";";
    }
    out << "\n";
  }
  out << "\n";

  const std::vector<std::string> header{"kernel",    "shape", "threads", "rate", "unit",
                                        "% ceiling", "x ref", "x nnk",   "note"};
  std::vector<std::vector<std::string>> cells;
  for (const Row& r : rows)
    cells.push_back({r.kernel, r.shape, std::to_string(r.threads), format("%.2f", rate_in_unit(r)), unit_name(r.unit),
                     percent_of_ceiling(r), ratio(r.speedup_vs_reference()), ratio(r.speedup_vs_nnk()),
                     r.reference_note});
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& line : cells) width[c] = std::max(width[c], line[c].size());
  }
  // Text columns left-aligned, numbers right-aligned.
  const std::vector<bool> numeric{false, false, true, true, false, true, true, true, false};
  auto print_line = [&](const std::vector<std::string>& line) {
    std::string text;
    for (std::size_t c = 0; c < line.size(); ++c) {
      const std::string pad(width[c] - line[c].size(), ' ');
      text += numeric[c] ? pad + line[c] : line[c] + pad;
      if (c + 1 < line.size()) text += "  ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  };
  print_line(header);
  std::vector<std::string> rule;
  for (std::size_t w : width) rule.push_back(std::string(w, '-'));
  print_line(rule);
  for (const auto& line : cells) print_line(line);
  out << "\n% ceiling: of the FMA peak (GFLOP/s rows; the best measured in this run) or of the triad on arrays of the\n"
         "same size timed in alternation with the kernel (GB/s rows), on the same threads. x ref: rate over "
         "nnk::ref's\n"
         "(single-threaded; on fewer columns where the note says so). x nnk: a peer's rate over nnk's on the same\n"
         "shape and threads.\n";
}

}  // namespace nnk_profile
