// Checks inside fuzz targets: a failed check prints what broke and aborts, which libFuzzer reports as a crash
// (and saves the input). Also used when the targets replay their corpora under ctest.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

namespace nnk::fuzz {

inline void check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "nnk fuzz check failed: %s\n", what);
  std::abort();
}

// nnk::Error messages start with the name of the function that threw and say something after it.
inline void check_error_message(const std::exception& error, std::string_view function) {
  const std::string_view message = error.what();
  if (message.size() > function.size() + 2 && message.substr(0, function.size()) == function) return;
  std::fprintf(stderr, "nnk fuzz check failed: error message does not start with '%.*s' plus a reason: '%s'\n",
               static_cast<int>(function.size()), function.data(), error.what());
  std::abort();
}

}  // namespace nnk::fuzz
