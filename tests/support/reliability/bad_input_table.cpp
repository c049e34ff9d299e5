#include "support/reliability/bad_input_table.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <mutex>

#include "support/errors.hpp"

namespace nnk::test {

namespace {

struct Recorded {
  std::string entry_point, input, message;
};

std::vector<Recorded>& recorded() {
  static std::vector<Recorded> rows;
  return rows;
}

// Markdown cells: a '|' inside a message would split the cell.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

// Writes the table after the last test, when NNK_BAD_INPUT_TABLE names a file.
class TableWriter : public ::testing::Environment {
 public:
  void TearDown() override {
    const char* path = std::getenv("NNK_BAD_INPUT_TABLE");
    if (path == nullptr || *path == '\0') return;
    std::ofstream out(path);
    out << "| entry point | bad input | nnk::Error message |\n|---|---|---|\n";
    for (const Recorded& r : recorded())
      out << "| " << cell(r.entry_point) << " | " << cell(r.input) << " | " << cell(r.message) << " |\n";
  }
};

[[maybe_unused]] ::testing::Environment* const table_writer = ::testing::AddGlobalTestEnvironment(new TableWriter);

}  // namespace

void record_row(std::string_view entry_point, std::string_view input, std::string_view message) {
  recorded().push_back({std::string(entry_point), std::string(input), std::string(message)});
}

void expect_rows_rejected(const std::vector<BadInput>& rows) {
  constexpr std::string_view kPrefix = "threw nnk::Error: ";
  for (const BadInput& row : rows) {
    SCOPED_TRACE(row.entry_point + ": " + row.input);
    // One call per row (a call may change state, e.g. fit's restored network): throws_error_containing checks that
    // it throws nnk::Error, then each fragment is looked for in that one message.
    const ::testing::AssertionResult thrown = throws_error_containing(row.call, {});
    EXPECT_TRUE(thrown);
    if (!thrown) {
      record_row(row.entry_point, row.input, std::string("(FAILED) ") + thrown.message());
      continue;
    }
    const std::string message = std::string(thrown.message()).substr(kPrefix.size());
    bool all_found = true;
    for (const std::string& fragment : row.fragments) {
      const bool found = message.find(fragment) != std::string::npos;
      EXPECT_TRUE(found) << "the nnk::Error message \"" << message << "\" lacks \"" << fragment << "\"";
      all_found = all_found && found;
    }
    record_row(row.entry_point, row.input, all_found ? message : "(FAILED) " + message);
  }
}

}  // namespace nnk::test
