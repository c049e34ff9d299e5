// --features / --ignore values: names with spaces and parentheses as they are, quoted names with commas and
// quotes, and each malformed list as a UsageError naming the flag.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "column_names_option.hpp"
#include "command_line.hpp"

namespace nnk::train_cli {
namespace {

using Names = std::vector<std::string>;

TEST(ColumnNamesOption, SplitsAtCommasKeepingSpacesAndParentheses) {
  EXPECT_EQ(column_names_value("--features", "age"), Names{"age"});
  EXPECT_EQ(column_names_value("--features", "income (k$), customer id ,x"), (Names{"income (k$)", "customer id", "x"}));
  EXPECT_EQ(column_names_value("--ignore", "\"notes, free text\",\"say \"\"hi\"\"\""),
            (Names{"notes, free text", "say \"hi\""}));
}

TEST(ColumnNamesOption, MalformedListsAreUsageErrors) {
  for (const std::string bad : {"", "a,,b", "a,", "\"a", "\"a\"b", "a,a"}) {
    try {
      column_names_value("--features", bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("--features: ", 0), 0u) << e.what();
    }
  }
}

TEST(ColumnNamesOption, TrainFlagsReachTheSettings) {
  const std::vector<std::string> args = {"nnk-train", "--data", "f.csv", "--features", "a b,(c)", "--ignore", "id",
                                         "--max-categories", "7", "--missing", "drop"};
  const auto s = std::get<TrainSettings>(parse_command_line(args).command);
  EXPECT_EQ(s.feature_columns, (Names{"a b", "(c)"}));
  EXPECT_EQ(s.ignore_columns, Names{"id"});
  EXPECT_EQ(s.max_categories, 7);
  EXPECT_EQ(s.missing, MissingPolicy::Drop);
  const std::vector<std::string> bad = {"nnk-train", "--data", "f.csv", "--missing", "zero"};
  EXPECT_THROW(parse_command_line(bad), UsageError);
  const std::vector<std::string> idx = {"nnk-train", "--dataset", "fashion-mnist", "--ignore", "x"};
  EXPECT_THROW(parse_command_line(idx), UsageError);
}

}  // namespace
}  // namespace nnk::train_cli
