// Model files that cannot be read or written: Network::load on truncated, corrupt, foreign and oversized files,
// Network::save to an unwritable path and to a full disk, each leaving the previous file byte for byte intact.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/networks.hpp"
#include "nnk/error.hpp"
#include "nnk/network.hpp"
#include "support/reliability/bad_input_table.hpp"

namespace nnk::test {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

// Offsets of the version 1 format (lib/nn/model_file.cpp): magic, version, body size, body, FNV-1a checksum.
constexpr std::size_t kVersionOffset = 8;
constexpr std::size_t kBodySizeOffset = 12;
constexpr std::size_t kBodyOffset = 20;

Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void put_le(Bytes& bytes, std::size_t offset, std::uint64_t value, int width) {
  for (int i = 0; i < width; ++i)
    bytes[offset + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value >> (8 * i));
}

// FNV-1a 64, written here from its definition (an independent check of the library's checksum).
std::uint64_t fnv1a(const Bytes& bytes, std::size_t count) {
  std::uint64_t hash = 14695981039346656037ull;
  for (std::size_t i = 0; i < count; ++i) hash = (hash ^ bytes[i]) * 1099511628211ull;
  return hash;
}

// A file with this body and a correct header and checksum: only the spec or the sizes inside can be wrong.
Bytes well_formed_file(const Bytes& body) {
  constexpr std::uint8_t kMagic[8] = {0x89, 'N', 'N', 'K', 0x0D, 0x0A, 0x1A, 0x0A};
  Bytes file(kBodyOffset + body.size() + 8, 0);
  for (std::size_t i = 0; i < 8; ++i) file[i] = kMagic[i];
  put_le(file, kVersionOffset, 1, 4);
  put_le(file, kBodySizeOffset, body.size(), 8);
  for (std::size_t i = 0; i < body.size(); ++i) file[kBodyOffset + i] = body[i];
  put_le(file, kBodyOffset + body.size(), fnv1a(file, kBodyOffset + body.size()), 8);
  return file;
}

// The body of a spec with one layer and no parameters after it: inputs, loss, seed, l1, l2, 1 layer of `units`.
Bytes spec_only_body(std::int64_t inputs, std::uint32_t loss, std::int64_t units, std::uint32_t activation) {
  Bytes body(8 + 4 + 8 + 4 + 4 + 4 + 8 + 4 + 4, 0);
  put_le(body, 0, static_cast<std::uint64_t>(inputs), 8);
  put_le(body, 8, loss, 4);
  put_le(body, 28, 1, 4);  // layer count
  put_le(body, 32, static_cast<std::uint64_t>(units), 8);
  put_le(body, 40, activation, 4);
  return body;
}

class ModelFileFailures : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nnk_reliability_model_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    net_.save(good_path());
    good_ = read_bytes(good_path());
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path good_path() const { return dir_ / "good.nnk"; }
  std::string file(const std::string& name, const Bytes& bytes) {
    write_bytes(dir_ / name, bytes);
    return (dir_ / name).string();
  }
  // Files in the folder other than good.nnk: a failed save must leave no temporary file behind.
  std::vector<std::string> stray_files() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_))
      if (entry.path().filename() != "good.nnk") names.push_back(entry.path().filename().string());
    return names;
  }

  fs::path dir_;
  Network net_{make_spec(3, {4}, Activation::Tanh, 1, Loss::BinaryCrossEntropy, 1)};
  Bytes good_;
};

TEST_F(ModelFileFailures, LoadRejectsBadFiles) {
  Bytes truncated(good_.begin(), good_.begin() + static_cast<std::ptrdiff_t>(good_.size() / 2));
  Bytes flipped = good_;
  flipped[kBodyOffset + 40] ^= 0x10;  // a bit of the parameters
  Bytes version2 = good_;
  put_le(version2, kVersionOffset, 2, 4);
  Bytes trailing = good_;
  trailing.push_back(0);
  Bytes huge_body = good_;
  put_le(huge_body, kBodySizeOffset, ~std::uint64_t{0}, 8);
  const Bytes foreign = {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const Bytes header_only(good_.begin(), good_.begin() + 12);
  // Sizes a corrupt (or hostile) file may claim, with a valid checksum: nothing may be allocated for them.
  const Bytes claims_2tib = well_formed_file(spec_only_body(std::int64_t{1} << 19, 2, std::int64_t{1} << 20, 0));
  const Bytes claims_2p62 = well_formed_file(spec_only_body(4, 2, std::int64_t{1} << 62, 0));
  const Bytes bad_loss = well_formed_file(spec_only_body(4, 7, 1, 0));

  const std::string missing = (dir_ / "missing.nnk").string();
  const std::string t = file("truncated.nnk", truncated), f = file("flipped.nnk", flipped),
                    v = file("version2.nnk", version2), tr = file("trailing.nnk", trailing),
                    h = file("huge_body.nnk", huge_body), fo = file("foreign.nnk", foreign),
                    ho = file("header_only.nnk", header_only), c1 = file("claims_2tib.nnk", claims_2tib),
                    c2 = file("claims_2p62.nnk", claims_2p62), bl = file("bad_loss.nnk", bad_loss),
                    empty = file("empty.nnk", {});
  const std::string prefix = "nnk::Network::load: '";
  expect_rows_rejected({
      {"nnk::Network::load", "missing file", [&] { Network::load(missing); },
       {"nnk::Network::load: cannot open '" + missing + "': No such file or directory"}},
      {"nnk::Network::load", "a directory", [&] { Network::load(dir_.string()); },
       {"nnk::Network::load: cannot read '" + dir_.string() + "': Is a directory"}},
      {"nnk::Network::load", "empty file", [&] { Network::load(empty); },
       {prefix + empty + "' is not an nnk model file"}},
      {"nnk::Network::load", "a ZIP file (foreign magic)", [&] { Network::load(fo); },
       {prefix + fo + "' is not an nnk model file (it does not start with the nnk model magic bytes)"}},
      {"nnk::Network::load", "cut inside the header", [&] { Network::load(ho); },
       {prefix + ho + "' is truncated: 12 bytes, shorter than the 20-byte header"}},
      {"nnk::Network::load", "truncated to half", [&] { Network::load(t); },
       {prefix + t + "' is truncated: " + std::to_string(truncated.size()) + " bytes, but its header announces a "}},
      {"nnk::Network::load", "one bit flipped in the parameters", [&] { Network::load(f); },
       {prefix + f + "' is corrupt: checksum mismatch"}},
      {"nnk::Network::load", "format version 2", [&] { Network::load(v); },
       {prefix + v + "' has model format version 2; this build reads version 1"}},
      {"nnk::Network::load", "a byte after the checksum", [&] { Network::load(tr); },
       {prefix + tr + "' is corrupt: 1 unexpected bytes after the checksum"}},
      {"nnk::Network::load", "header claims a 2^64-1 byte body", [&] { Network::load(h); },
       {prefix + h + "' is truncated: ", "announces a 18446744073709551615-byte body"}},
      {"nnk::Network::load", "spec claims 2^39 parameters (2 TiB), valid checksum", [&] { Network::load(c1); },
       {prefix + c1 + "' is corrupt: its spec needs 2199027449856 bytes of parameters, the body holds 0"}},
      {"nnk::Network::load", "spec claims a layer of 2^62 units, valid checksum", [&] { Network::load(c2); },
       {prefix + c2 + "' holds an invalid network: the network spec: spec.layers[0] brings the parameter count "
                      "above the limit of 1099511627776"}},
      {"nnk::Network::load", "spec with loss = 7, valid checksum", [&] { Network::load(bl); },
       {prefix + bl + "' holds an invalid network: the network spec: spec.loss must be a nnk::Loss enumerator, got 7"}},
  });
}

TEST_F(ModelFileFailures, SaveToAnUnwritablePathKeepsTheOldFile) {
  // Root ignores directory permissions (CI runs as root): paths under a non-directory and in /proc fail for anyone.
  const std::string under_file = "/dev/null/model.nnk";
  const std::string in_proc = "/proc/version";
  const std::string over_directory = dir_.string();  // the model's own folder: rename cannot replace a directory
  expect_rows_rejected({
      {"nnk::Network::save", "a path under /dev/null (not a directory)", [&] { net_.save(under_file); },
       {"nnk::Network::save: cannot write '/dev/null/model.nnk': creating the temporary file '/dev/null/model.nnk.tmp.",
        "Not a directory"}},
      {"nnk::Network::save", "a file in /proc", [&] { net_.save(in_proc); },
       {"nnk::Network::save: cannot write '/proc/version': creating the temporary file '/proc/version.tmp."}},
      {"nnk::Network::save", "a path that is a directory", [&] { net_.save(over_directory); },
       {"nnk::Network::save: cannot write '" + over_directory + "': renaming '", "into place: Is a directory"}},
  });
  EXPECT_EQ(read_bytes(good_path()), good_);
  EXPECT_TRUE(stray_files().empty()) << stray_files().front();
}

// A full disk, simulated in a child process: RLIMIT_FSIZE caps file size (writes past it fail with EFBIG once
// SIGXFSZ is ignored). The child overwrites good.nnk with another network and reports the error it got.
TEST_F(ModelFileFailures, SaveToAFullDiskKeepsTheOldFile) {
  const Network other(make_spec(3, {40}, Activation::ReLU, 2, Loss::MeanSquaredError, 2));
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{64, 64};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::string message = "no error";
    int status = 1;
    try {
      other.save(good_path().string());
    } catch (const Error& e) {
      message = e.what();
      status = 0;
    }
    (void)!::write(pipe_fds[1], message.data(), message.size());
    ::_exit(status);
  }
  ::close(pipe_fds[1]);
  std::string message;
  char buffer[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;)
    message.append(buffer, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "the child's save did not throw nnk::Error: " << message;
  const std::string expected = "nnk::Network::save: cannot write '" + good_path().string() + "': writing '";
  EXPECT_NE(message.find(expected), std::string::npos) << message;
  EXPECT_NE(message.find("File too large"), std::string::npos) << message;
  record_row("nnk::Network::save", "a full disk (RLIMIT_FSIZE = 64 bytes, writes fail with EFBIG)", message);
  EXPECT_EQ(read_bytes(good_path()), good_) << "the previous model file changed";
  EXPECT_TRUE(stray_files().empty()) << stray_files().front();
  // And the intact file still loads into the network that was saved.
  EXPECT_TRUE(same_parameters(Network::load(good_path().string()), net_));
}

}  // namespace
}  // namespace nnk::test
