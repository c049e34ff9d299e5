// End to end on a real-looking CSV file: quoted fields with commas, quotes and line breaks, \r\n line ends, a header
// of names with spaces and parentheses, a string target, a categorical column and missing values. nnk-train trains
// on it, predict writes class names for a raw file (other column order, no target, an unseen category) and
// evaluate reads the raw file; the counts it reports are checked against the ones the test wrote.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "support/fuzz/csv_reference.hpp"
#include "support/tools/program_runner.hpp"

namespace nnk::train_test {
namespace {

struct MessyFile {
  std::string text;                 // the training file
  std::string predict_text;         // its features in another order, no target, some plans unseen
  std::vector<std::string> labels;  // per row, "" where the target is missing
  int missing_target = 0, missing_age = 0, missing_plan = 0, unseen_plan = 0;
};

// Churn is "yes, soon" for young basic customers and for low incomes: learnable from the age, income and plan.
MessyFile messy_file(int rows) {
  std::mt19937_64 random(19);
  MessyFile f;
  f.text = "\"customer id\",age,\"income (k$)\",plan,\"notes, free text\",churned\r\n";
  f.predict_text = "plan,\"income (k$)\",age\n";
  const std::vector<std::string> plans = {"basic", "pro", "enterprise, annual"};
  for (int r = 0; r < rows; ++r) {
    const int age = 18 + static_cast<int>(random() % 60);
    const int income = 10 + static_cast<int>(random() % 190);
    const std::string plan = plans[random() % plans.size()];
    const bool churn = (age < 35 && plan == "basic") || income < 50;
    const std::string label = churn ? "yes, soon" : "no";
    std::string age_field = std::to_string(age), plan_field = "\"" + plan + "\"", label_field = "\"" + label + "\"";
    if (random() % 12 == 0) {
      age_field = std::vector<std::string>{"", "NA", "?"}[random() % 3];
      ++f.missing_age;
    }
    if (random() % 15 == 0) {
      plan_field = "";
      ++f.missing_plan;
    }
    if (random() % 25 == 0) {
      label_field = "NA";
      ++f.missing_target;
    }
    f.labels.push_back(label_field == "NA" ? "" : label);
    const std::string note = random() % 4 == 0 ? "\"called, said \"\"bye\"\"\r\nthen left\"" : "ok";
    f.text += std::to_string(r) + "," + age_field + "," + std::to_string(income) + "," + plan_field + "," + note +
              "," + label_field + "\r\n";
    const bool unseen = random() % 10 == 0;
    f.unseen_plan += unseen;
    f.predict_text += (unseen ? std::string("trial") : plan_field) + "," + std::to_string(income) + "," + age_field + "\n";
  }
  return f;
}

int number_in(const std::string& text, const std::string& pattern) {
  const std::string found = first_match(text, pattern);
  return found.empty() ? 0 : std::stoi(found);
}

TEST(TrainCsvProgram, MessyFileTrainsPredictsNamesAndEvaluatesTheRawFile) {
  const std::string dir = fresh_test_directory();
  const MessyFile f = messy_file(600);
  write_text(dir + "/customers.csv", f.text);
  write_text(dir + "/new_customers.csv", f.predict_text);

  const RunResult trained = run_nnk_train({"--data", dir + "/customers.csv", "--target", "churned", "--ignore",
                                           "customer id,\"notes, free text\"", "--epochs", "60", "--learning-rate",
                                           "0.01", "--progress", "none", "--save", dir + "/m.nnk"});
  ASSERT_EQ(trained.status, 0) << trained.err;
  EXPECT_NE(trained.out.find("binary classification (classes 'no', 'yes, soon')"), std::string::npos) << trained.out;
  EXPECT_NE(trained.out.find("columns: 2 numeric, 1 categorical (one-hot: 'plan' 4 inputs) -> 6 network inputs"),
            std::string::npos) << trained.out;
  // The counts of the two splits add up to what the file holds.
  const int dropped = number_in(trained.out, R"(training split: (\d+) rows? without a target)") +
                      number_in(trained.out, R"(test split: (\d+) rows? without a target)");
  EXPECT_EQ(dropped, f.missing_target) << trained.out;
  EXPECT_GT(number_in(trained.out, R"(training split: .*'age': (\d+) filled with the training mean)"), 0) << trained.out;
  EXPECT_NE(trained.out.find("'plan': "), std::string::npos);
  EXPECT_NE(trained.out.find("in their own category"), std::string::npos);

  // evaluate on the raw training file: the rows without a target are dropped and counted; the classes by name.
  const RunResult evaluated = run_nnk_train({"evaluate", "--model", dir + "/m.nnk", "--data", dir + "/customers.csv"});
  ASSERT_EQ(evaluated.status, 0) << evaluated.err;
  EXPECT_EQ(number_in(evaluated.out, R"((\d+) rows? without a target dropped)"), f.missing_target) << evaluated.out;
  EXPECT_EQ(number_in(evaluated.out, R"('age': (\d+) filled)"), [&] {
    int n = 0;  // missing ages among the rows that have a target: the dropped rows are not encoded
    const auto records = nnk::fuzz::read_reference_records(f.text);
    for (std::size_t r = 1; r < records->size(); ++r)
      n += (*records)[r][5] != "NA" && ((*records)[r][1].empty() || (*records)[r][1] == "NA" || (*records)[r][1] == "?");
    return n;
  }());
  EXPECT_NE(evaluated.out.find("yes, soon"), std::string::npos) << evaluated.out;  // the confusion matrix's labels
  const int correct = number_in(evaluated.out, R"(evaluate accuracy [0-9.]+% \((\d+) of)");
  const int total = number_in(evaluated.out, R"(evaluate accuracy [0-9.]+% \(\d+ of (\d+)\))");
  EXPECT_EQ(total, 600 - f.missing_target);
  EXPECT_GT(correct, total * 7 / 10) << evaluated.out;  // the rule is learnable; chance is about 0.6

  // predict on the raw training file: one class name per row; where there is a label, they agree as often as
  // evaluate says.
  const RunResult predicted = run_nnk_train({"predict", "--model", dir + "/m.nnk", "--data", dir + "/customers.csv"});
  ASSERT_EQ(predicted.status, 0) << predicted.err;
  const auto rows = nnk::fuzz::read_reference_records(predicted.out);
  ASSERT_TRUE(rows.has_value()) << predicted.out;
  ASSERT_EQ(rows->size(), 601u);
  EXPECT_EQ((*rows)[0], (std::vector<std::string>{"prediction", "probability"}));
  int agree = 0;
  for (std::size_t r = 1; r < rows->size(); ++r) {
    const std::string& name = (*rows)[r][0];
    ASSERT_TRUE(name == "no" || name == "yes, soon") << name;
    agree += name == f.labels[r - 1];
  }
  EXPECT_EQ(agree, correct);

  // predict on a file of new customers: other column order, no target, some plans never seen in training.
  const RunResult fresh = run_nnk_train({"predict", "--model", dir + "/m.nnk", "--data", dir + "/new_customers.csv",
                                         "--output", dir + "/predictions.csv"});
  ASSERT_EQ(fresh.status, 0) << fresh.err;
  EXPECT_EQ(number_in(fresh.err, R"(column 'plan' of '[^']*': (\d+) values? of a category not seen in training)"),
            f.unseen_plan) << fresh.err;
  const auto fresh_rows = nnk::fuzz::read_reference_records(read_text(dir + "/predictions.csv"));
  ASSERT_TRUE(fresh_rows.has_value());
  EXPECT_EQ(fresh_rows->size(), 601u);
}

TEST(TrainCsvProgram, DropModeFeatureChoiceAndCategoryLimit) {
  const std::string dir = fresh_test_directory();
  const MessyFile f = messy_file(300);
  write_text(dir + "/customers.csv", f.text);
  const RunResult dropped = run_nnk_train({"--data", dir + "/customers.csv", "--target", "churned", "--features",
                                           "income (k$), plan", "--missing", "drop", "--epochs", "2", "--progress",
                                           "none", "--test-fraction", "0"});
  ASSERT_EQ(dropped.status, 0) << dropped.err;
  EXPECT_NE(dropped.out.find("columns: 1 numeric, 1 categorical (one-hot: 'plan' 3 inputs) -> 4 network inputs"),
            std::string::npos) << dropped.out;
  EXPECT_EQ(number_in(dropped.out, R"((\d+) rows? without a target dropped)"), f.missing_target) << dropped.out;
  EXPECT_GT(number_in(dropped.out, R"((\d+) rows? with a missing feature dropped)"), 0) << dropped.out;

  // A text column of more categories than allowed: an error that names it and says what to do.
  const RunResult few = run_nnk_train({"--data", dir + "/customers.csv", "--target", "churned", "--ignore",
                                       "customer id", "--max-categories", "1", "--epochs", "1", "--progress", "none"});
  EXPECT_EQ(few.status, 1);
  EXPECT_NE(few.err.find("column 'plan' has 3 categories in the training rows, more than max_categories "
                         "(--max-categories) = 1; leave it out with --ignore 'plan'"),
            std::string::npos) << few.err;
  EXPECT_EQ(few.err.find('\n'), few.err.size() - 1);  // one line

  const RunResult bad_list = run_nnk_train({"--data", dir + "/customers.csv", "--features", "age,\"plan"});
  EXPECT_EQ(bad_list.status, 2);
  EXPECT_NE(bad_list.err.find("--features: an unclosed quote"), std::string::npos) << bad_list.err;
  const RunResult unknown = run_nnk_train({"--data", dir + "/customers.csv", "--target", "churned", "--features",
                                           "age,income"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.err.find("has no column named 'income'; its columns are: customer id, age, income (k$)"),
            std::string::npos) << unknown.err;
}

// A categorical column whose values look like numbers in the test file ("1", "2": the "x" of training is absent)
// is still read as categories there, and the target's classes too.
TEST(TrainCsvProgram, TestDataReadsTheModelsTextColumnsAsText) {
  const std::string dir = fresh_test_directory();
  std::string train = "grade,size,label\n", test = "size,grade,label\n";
  for (int r = 0; r < 60; ++r) {
    const std::string grade = r % 3 == 0 ? "x" : std::to_string(1 + r % 2);
    train += grade + "," + std::to_string(r % 7) + "," + (r % 2 ? "1" : "b") + "\n";
    if (r % 3) test += std::to_string(r % 7) + "," + grade + "," + (r % 2 ? "1" : "b") + "\n";
  }
  write_text(dir + "/train.csv", train);
  write_text(dir + "/test.csv", test);
  const RunResult r = run_nnk_train({"--data", dir + "/train.csv", "--target", "label", "--test-data", dir + "/test.csv",
                                     "--epochs", "3", "--progress", "none", "--save", dir + "/m.nnk"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("(classes '1', 'b')"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("one-hot: 'grade' 3 inputs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("40 test from '"), std::string::npos) << r.out;
  const RunResult e = run_nnk_train({"evaluate", "--model", dir + "/m.nnk", "--data", dir + "/test.csv"});
  ASSERT_EQ(e.status, 0) << e.err;
  EXPECT_NE(e.out.find("evaluate accuracy"), std::string::npos);
}

}  // namespace
}  // namespace nnk::train_test
