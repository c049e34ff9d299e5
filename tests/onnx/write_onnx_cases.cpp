// nnk_onnx_write_cases DIR: exports every case of export_cases.hpp to DIR/<name>.onnx, with 64 rows of raw features
// (DIR/<name>.inputs.txt, one example per line), what nnk computes for them (DIR/<name>.expected.txt) and the
// target's mean and scale (DIR/<name>.target.txt), for check_onnx_cases.py to compare with its own evaluation.
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>

#include "export_cases.hpp"

namespace {

void write_rows(const std::string& path, const std::vector<std::vector<double>>& rows) {
  std::ofstream out(path);
  char text[32];
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      std::snprintf(text, sizeof text, "%.17g", row[i]);  // doubles (and floats) read back exactly
      out << (i > 0 ? " " : "") << text;
    }
    out << '\n';
  }
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: nnk_onnx_write_cases DIR\n");
    return 2;
  }
  try {
    const std::string dir = argv[1];
    std::uint64_t seed = 77;
    for (const nnk::test::ExportCase& c : nnk::test::export_cases()) {
      const nnk::Matrix raw = nnk::test::raw_features(c, 64, seed++);
      nnk::export_onnx(c.network, c.preprocessing, dir + "/" + c.name + ".onnx");
      std::vector<std::vector<double>> inputs(static_cast<std::size_t>(raw.cols()));
      for (std::int64_t j = 0; j < raw.cols(); ++j)
        for (std::int64_t i = 0; i < raw.rows(); ++i) inputs[static_cast<std::size_t>(j)].push_back(raw(i, j));
      write_rows(dir + "/" + c.name + ".inputs.txt", inputs);
      write_rows(dir + "/" + c.name + ".expected.txt", nnk::test::nnk_outputs(c, raw));
      write_rows(dir + "/" + c.name + ".target.txt", {{c.preprocessing.target_mean, c.preprocessing.target_scale}});
      std::printf("%s\n", c.name.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nnk_onnx_write_cases: %s\n", e.what());
    return 1;
  }
  return 0;
}
