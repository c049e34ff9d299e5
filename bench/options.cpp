#include "options.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nnk_bench {

namespace {

std::vector<std::string> split(std::string_view list) {
  std::vector<std::string> items;
  while (!list.empty()) {
    const auto comma = list.find(',');
    items.emplace_back(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return items;
}

std::vector<nnk::Isa> parse_isas(std::string_view value) {
  if (value == "active") return {nnk::active_isa()};
  if (value == "all") return nnk::supported_isas();
  std::vector<nnk::Isa> isas;
  for (const std::string& name : split(value)) {
    const auto& supported = nnk::supported_isas();
    const auto found = std::find_if(supported.begin(), supported.end(),
                                    [&](nnk::Isa isa) { return nnk::to_string(isa) == name; });
    if (found == supported.end())
      throw std::invalid_argument("--nnk_isas: '" + name + "' is not an ISA this CPU supports (try 'all')");
    isas.push_back(*found);
  }
  if (isas.empty()) throw std::invalid_argument("--nnk_isas: empty list");
  return isas;
}

std::vector<int> parse_threads(std::string_view value) {
  std::vector<int> threads;
  for (const std::string& item : split(value)) {
    std::size_t used = 0;
    int count = 0;
    try {
      count = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || count < 1)
      throw std::invalid_argument("--nnk_threads: expected positive integers, got '" + item + "'");
    threads.push_back(count);
  }
  if (threads.empty()) throw std::invalid_argument("--nnk_threads: empty list");
  return threads;
}

}  // namespace

Options take_options(int& argc, char** argv) {
  const char* isas_env = std::getenv("NNK_BENCH_ISAS");
  std::string_view isas = isas_env != nullptr && *isas_env != '\0' ? isas_env : "active";
  std::string_view threads = "1,2";
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--nnk_isas=")) {
      isas = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--nnk_threads=")) {
      threads = arg.substr(arg.find('=') + 1);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  argv[argc] = nullptr;  // argv keeps its C shape for Google Benchmark
  return {parse_isas(isas), parse_threads(threads)};
}

}  // namespace nnk_bench
