// Reading a raw CSV file for a model's encoding (nnk::TableEncoding): its text columns read as text, the rows
// encoded, and the counts of missing and unseen values as the lines nnk-train prints.
#pragma once

#include <string>
#include <vector>

#include "nnk/table.hpp"

namespace nnk::train_cli {

// The columns a file must read as text for this encoding: its text features, and a text target.
std::vector<std::string> text_columns(const TableEncoding& encoding);

// load_table(path, text_columns(encoding)), then encoding.encode(table, use).
EncodedTable read_encoded(const std::string& path, const TableEncoding& encoding, TargetUse use);

struct ReportLines {
  bool any_missing = false;           // whether a value was missing or a row dropped
  std::string missing;                // "missing values in <where>: ..." (or "... none")
  std::vector<std::string> warnings;  // "warning: column 'c': 3 values not seen in training ..."
};
ReportLines report_lines(const EncodingReport& report, const TableEncoding& encoding, const std::string& where);

}  // namespace nnk::train_cli
