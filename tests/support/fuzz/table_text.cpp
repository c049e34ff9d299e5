#include "support/fuzz/table_text.hpp"

#include <bit>
#include <cstdint>
#include <sstream>

#include "nnk/data.hpp"
#include "nnk/error.hpp"
#include "nnk/table.hpp"

namespace nnk::fuzz {

namespace {

void put_bits(std::ostringstream& out, ConstMatrixView m) {
  out << m.rows() << "x" << m.cols() << ":";
  for (std::int64_t j = 0; j < m.cols(); ++j)
    for (std::int64_t i = 0; i < m.rows(); ++i) out << std::bit_cast<std::uint32_t>(m(i, j)) << ",";
  out << "\n";
}

}  // namespace

std::string table_text(const std::string& path) {
  std::ostringstream out;
  try {
    const Table t = load_table(path);
    for (const TableColumn& c : t.columns) {
      out << c.name << "|" << (c.type == ColumnType::Text ? "text" : "number") << "|" << c.missing << "|";
      for (const std::string& category : c.categories) out << category.size() << ":" << category;
      out << "|";
      for (const std::int32_t code : c.codes) out << code << ",";
      out << "\n";
    }
    put_bits(out, t.numbers);
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
  return out.str();
}

std::string dataset_text(const std::string& path) {
  std::ostringstream out;
  try {
    const Dataset d = load_csv(path, std::int64_t{-1});
    for (const std::string& name : d.feature_names) out << name.size() << ":" << name;
    out << "|" << d.target_name << "\n";
    put_bits(out, d.features);
    put_bits(out, d.targets);
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
  return out.str();
}

}  // namespace nnk::fuzz
