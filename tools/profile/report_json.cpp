#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "measure/gemm_backend.hpp"
#include "nnk/cpu.hpp"
#include "nnk/version.hpp"
#include "report.hpp"

namespace nnk_profile {

namespace {

using nlohmann::json;

// "model name" from /proc/cpuinfo, or "" where there is none.
std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
  }
  return "";
}

json or_null(double value) { return value > 0 ? json(value) : json(nullptr); }

json machine(const Ceilings& ceilings) {
  json isas = json::array();
  for (nnk::Isa isa : nnk::supported_isas()) isas.push_back(std::string(nnk::to_string(isa)));
  json peaks = json::array();
  for (const CeilingSample& s : ceilings.peak_samples())
    peaks.push_back({{"threads", s.threads}, {"gflops", s.rate * 1e-9}, {"at_seconds", s.at_seconds}});
  json triads = json::array();
  for (const CeilingSample& s : ceilings.triad_samples())
    triads.push_back({{"threads", s.threads},
                      {"elements", s.elements},
                      {"array_bytes", 4 * s.elements},
                      {"gbps", s.rate * 1e-9},
                      {"at_seconds", s.at_seconds}});
  json peers = json::array();
  for (const nnk_measure::GemmBackend& peer : nnk_measure::peer_backends())
    peers.push_back({{"library", peer.library}, {"kernels", peer.isa}});
  const char* coretype = std::getenv("OPENBLAS_CORETYPE");
  return {{"cpu", cpu_model()},     {"isa", std::string(nnk::to_string(nnk::active_isa()))},
          {"supported_isas", isas}, {"num_threads", nnk::num_threads()},
          {"fma_peak", peaks},      {"triad", triads},
          {"peers", peers},         {"openblas_coretype", coretype != nullptr ? json(coretype) : json(nullptr)}};
}

json row_json(const Row& r) {
  json row{{"kernel", r.kernel},
           {"shape", r.shape},
           {"isa", r.isa},
           {"threads", r.threads},
           {"unit", unit_name(r.unit)},
           {"rate", rate_in_unit(r)},
           {"seconds_per_call", r.seconds},
           {"flops", r.flops},
           {"bytes", r.bytes},
           {"gflops", r.flops / r.seconds * 1e-9},
           {"arithmetic_intensity", r.arithmetic_intensity()},
           {"ceiling_kind", r.unit == RateUnit::Flops ? "fma_peak" : "triad"},
           {"ceiling", r.ceiling * 1e-9},
           {"ceiling_percent", 100 * r.ceiling_fraction()},
           {"reference_rate", or_null(r.reference_rate * 1e-9)},
           {"speedup_vs_reference", or_null(r.speedup_vs_reference())},
           {"reference_note", r.reference_note},
           {"speedup_vs_nnk", or_null(r.speedup_vs_nnk())}};
  if (r.gemm.m > 0)
    row["gemm"] = {{"transposes", r.gemm.transposes}, {"m", r.gemm.m}, {"n", r.gemm.n}, {"k", r.gemm.k}};
  return row;
}

}  // namespace

void print_json(std::ostream& out, const std::vector<Row>& rows, const Ceilings& ceilings,
                const ProfileOptions& options) {
  json list = json::array();
  for (const Row& r : rows) list.push_back(row_json(r));
  const json document{{"tool", "nnk-profile"},
                      {"version", std::to_string(nnk::kVersionMajor) + "." + std::to_string(nnk::kVersionMinor) + "." +
                                      std::to_string(nnk::kVersionPatch)},
                      {"machine", machine(ceilings)},
                      {"options",
                       {{"threads", options.threads},
                        {"min_time", options.min_time},
                        {"repetitions", options.repetitions},
                        {"quick", options.quick},
                        {"filter", options.filter}}},
                      {"rows", list}};
  out << document.dump(2) << "\n";
}

}  // namespace nnk_profile
