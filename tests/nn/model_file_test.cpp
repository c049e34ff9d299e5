// Network::save / Network::load: exact round trip, atomic replacement, and clear errors for truncated, corrupt and
// foreign files (which leave the caller's network untouched).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/networks.hpp"
#include "nnk/network.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class ModelFile : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return dir_.file(name); }

  static std::vector<char> read(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void write(const std::string& p, const std::vector<char>& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

  TestDirectory dir_{"model_file"};
};

NetworkSpec sample_spec() {
  NetworkSpec spec = make_spec(6, {9, 5}, Activation::ReLU, 3, Loss::CategoricalCrossEntropy, 77);
  spec.layers[1].activation = Activation::Tanh;
  spec.layers[0].dropout = 0.25f;
  spec.l1 = 1e-4f;
  spec.l2 = 1e-3f;
  return spec;
}

// FNV-1a 64, as the format defines it: lets a test forge a file whose checksum is right.
std::uint64_t fnv1a64(const std::vector<char>& bytes, std::size_t count) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i < count; ++i) {
    hash ^= static_cast<std::uint8_t>(bytes[i]);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

void reseal(std::vector<char>& bytes) {
  const std::uint64_t sum = fnv1a64(bytes, bytes.size() - 8);
  for (int i = 0; i < 8; ++i) bytes[bytes.size() - 8 + i] = static_cast<char>(sum >> (8 * i));
}

TEST_F(ModelFile, RoundTripPredictsBitIdentically) {
  Network net(sample_spec());
  const Matrix x = random_matrix(6, 50, 1);
  net.train_step(x, random_targets(Loss::CategoricalCrossEntropy, 3, 50, 2), Adam{.learning_rate = 0.01f});
  net.save(path("model.nnk"));
  const Network loaded = Network::load(path("model.nnk"));

  const NetworkSpec& a = net.spec();
  const NetworkSpec& b = loaded.spec();
  EXPECT_EQ(a.inputs, b.inputs);
  EXPECT_EQ(a.loss, b.loss);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.l1, b.l1);
  EXPECT_EQ(a.l2, b.l2);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    EXPECT_EQ(a.layers[l].units, b.layers[l].units);
    EXPECT_EQ(a.layers[l].activation, b.layers[l].activation);
    EXPECT_EQ(a.layers[l].dropout, b.layers[l].dropout);
  }
  EXPECT_TRUE(same_parameters(net, loaded));
  EXPECT_TRUE(matrices_equal(net.predict(x), loaded.predict(x)));
}

TEST_F(ModelFile, SaveReplacesAtomicallyAndLeavesNoTemporaryFile) {
  Network first(sample_spec()), second(make_spec(2, {}, Activation::Identity, 1, Loss::MeanSquaredError, 3));
  first.save(path("model.nnk"));
  second.save(path("model.nnk"));  // replaces the existing file
  EXPECT_EQ(Network::load(path("model.nnk")).inputs(), 2);
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_.path())) names.push_back(entry.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"model.nnk"});
  EXPECT_TRUE(throws_error_containing([&] { first.save(path("missing/dir/model.nnk")); },
                                      {"nnk::Network::save: cannot write", "missing/dir/model.nnk"}));
}

TEST_F(ModelFile, TruncatedFilesAreRejected) {
  Network(sample_spec()).save(path("model.nnk"));
  const std::vector<char> bytes = read(path("model.nnk"));
  for (const std::size_t size : {std::size_t{0}, std::size_t{5}, std::size_t{8}, std::size_t{19}, std::size_t{20},
                                 std::size_t{60}, bytes.size() / 2, bytes.size() - 8, bytes.size() - 1}) {
    write(path("cut.nnk"), std::vector<char>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size)));
    const bool short_of_magic = size < 8;
    EXPECT_TRUE(throws_error_containing([&] { Network::load(path("cut.nnk")); },
                                        {"nnk::Network::load", "cut.nnk", short_of_magic ? "not an nnk model file" : "truncated"}))
        << size << " bytes";
  }
}

TEST_F(ModelFile, CorruptAndForeignFilesAreRejected) {
  Network(sample_spec()).save(path("model.nnk"));
  const std::vector<char> bytes = read(path("model.nnk"));

  std::vector<char> flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;  // one bit of a parameter
  write(path("flipped.nnk"), flipped);
  EXPECT_TRUE(throws_error_containing([&] { Network::load(path("flipped.nnk")); }, {"is corrupt: checksum mismatch"}));

  std::vector<char> longer = bytes;
  longer.push_back(0);
  write(path("longer.nnk"), longer);
  EXPECT_TRUE(throws_error_containing([&] { Network::load(path("longer.nnk")); }, {"1 unexpected bytes after the checksum"}));

  std::vector<char> newer = bytes;
  newer[8] = 2;  // format version 2
  write(path("newer.nnk"), newer);
  EXPECT_TRUE(throws_error_containing([&] { Network::load(path("newer.nnk")); },
                                      {"has model format version 2; this build reads version 1"}));

  write(path("text.csv"), {'a', ',', 'b', '\n', '1', ',', '2', '\n', '3', ',', '4', '\n', '5', ',', '6', '\n',
                           '7', ',', '8', '\n', '9', ',', '0', '\n'});
  EXPECT_TRUE(throws_error_containing([&] { Network::load(path("text.csv")); }, {"is not an nnk model file"}));
  EXPECT_TRUE(throws_error_containing([&] { Network::load(path("absent.nnk")); }, {"cannot open", "absent.nnk"}));
}

// A forged file with a valid checksum but a spec that does not fit its parameters (or is invalid) is refused
// before anything is allocated for it.
TEST_F(ModelFile, ForgedSpecsAreRejected) {
  Network(make_spec(2, {}, Activation::Identity, 1, Loss::MeanSquaredError, 3)).save(path("model.nnk"));
  const std::vector<char> bytes = read(path("model.nnk"));
  // Body: i64 inputs at offset 20, u32 loss at 28, ... the layer's i64 units at 52.
  std::vector<char> huge = bytes;
  huge[52 + 5] = 0x10;  // units = 1 + 2^44
  reseal(huge);
  write(path("huge.nnk"), huge);
  EXPECT_TRUE(throws_error_containing([&] { Network::load(path("huge.nnk")); }, {"holds an invalid network"}));

  std::vector<char> wider = bytes;
  wider[20] = 3;  // inputs 3: the spec needs more parameters than the file holds
  reseal(wider);
  write(path("wider.nnk"), wider);
  EXPECT_TRUE(throws_error_containing([&] { Network::load(path("wider.nnk")); }, {"is corrupt: its spec needs"}));

  std::vector<char> bad_loss = bytes;
  bad_loss[28] = 9;
  reseal(bad_loss);
  write(path("loss.nnk"), bad_loss);
  EXPECT_TRUE(throws_error_containing([&] { Network::load(path("loss.nnk")); }, {"spec.loss must be a nnk::Loss"}));
}

TEST_F(ModelFile, FailedLoadLeavesTheNetworkUntouched) {
  Network net(sample_spec());
  const Network before = net;
  Network(make_spec(2, {}, Activation::Identity, 1, Loss::MeanSquaredError, 3)).save(path("model.nnk"));
  std::vector<char> bytes = read(path("model.nnk"));
  bytes.back() ^= 1;
  write(path("model.nnk"), bytes);
  EXPECT_THROW(net = Network::load(path("model.nnk")), Error);
  EXPECT_EQ(net.inputs(), 6);
  EXPECT_TRUE(same_parameters(net, before));
}

}  // namespace
}  // namespace nnk::test
