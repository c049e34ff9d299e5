// The bad-input table: one row per (entry point, bad input, expected message fragments), checked with
// throws_error_containing and recorded, so the whole run can print the table of inputs and the messages they gave.
//
// Set NNK_BAD_INPUT_TABLE=<path> to have the run write the table as Markdown (entry point | bad input | message).
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace nnk::test {

struct BadInput {
  std::string entry_point;  // e.g. "nnk::sgemm (BLAS form)"
  std::string input;        // what is wrong, e.g. "lda < m"
  std::function<void()> call;
  std::vector<std::string> fragments;  // every one must appear in the nnk::Error message
};

// Checks every row (a gtest failure names the row and the message it got) and records the messages for the table.
void expect_rows_rejected(const std::vector<BadInput>& rows);

// Records a row checked elsewhere (e.g. in a forked child): its message goes into the table as is.
void record_row(std::string_view entry_point, std::string_view input, std::string_view message);

}  // namespace nnk::test
