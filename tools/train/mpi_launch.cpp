#include "mpi_launch.hpp"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace nnk::train_cli {

namespace {

// The first of the variables that holds a whole number >= 0.
std::optional<int> first_number(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const char* text = std::getenv(name);
    if (text == nullptr) continue;
    int value = -1;
    const char* end = text + std::strlen(text);
    const auto [stop, error] = std::from_chars(text, end, value);
    if (error == std::errc() && stop == end && value >= 0) return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<MpiLaunch> mpi_launch_from_environment() {
  const std::optional<int> rank = first_number({"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"});
  const std::optional<int> size = first_number({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"});
  if (!rank && !size) return std::nullopt;
  return MpiLaunch{.rank = rank.value_or(0), .size = size};
}

}  // namespace nnk::train_cli
