// Uses the installed nnk::onnx (find_package(nnk COMPONENTS onnx)): exports a small classifier to the file named
// on the command line. Exit code 0 when the file was written.
#include <nnk/nnk.hpp>
#include <nnk/onnx.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: nnk_export_onnx FILE.onnx\n");
    return 2;
  }
  try {
    const nnk::Network net({.inputs = 2,
                            .layers = {{.units = 4, .activation = nnk::Activation::Tanh},
                                       {.units = 3, .activation = nnk::Activation::Softmax}},
                            .loss = nnk::Loss::CategoricalCrossEntropy,
                            .seed = 1});
    nnk::export_onnx(net, {.feature_mean = {1, 2}, .feature_scale = {3, 4}, .class_labels = {"a", "b", "c"}}, argv[1]);
    std::printf("nnk_export_onnx: wrote %s (%llu bytes)\n", argv[1],
                static_cast<unsigned long long>(std::filesystem::file_size(argv[1])));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nnk_export_onnx: %s\n", e.what());
    return 1;
  }
  return 0;
}
