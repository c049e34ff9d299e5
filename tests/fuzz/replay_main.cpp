// Replays fuzz inputs through a fuzz target without libFuzzer, so that the normal (g++) test suite runs every seed
// and every saved crash input: nnk_fuzz_replay_<target> DIR_OR_FILE...  Each regular file found (directories are
// read one level deep, in name order, skipping names that start with a dot) is passed to LLVMFuzzerTestOneInput once. A failed check aborts, as under
// the fuzzer; a path that does not exist is an error. Prints how many inputs ran.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::filesystem::path> inputs_under(const std::filesystem::path& path) {
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path)) {
    for (const auto& entry : std::filesystem::directory_iterator(path))
      if (entry.is_regular_file() && !entry.path().filename().string().starts_with("."))  // .keep holds a folder
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
  } else if (std::filesystem::is_regular_file(path)) {
    files.push_back(path);
  }
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  std::size_t replayed = 0;
  for (int a = 1; a < argc; ++a) {
    if (!std::filesystem::exists(argv[a])) {
      std::fprintf(stderr, "%s: '%s' does not exist\n", argv[0], argv[a]);
      return 2;
    }
    for (const std::filesystem::path& file : inputs_under(argv[a])) {
      std::ifstream in(file, std::ios::binary);
      const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof()) {
        std::fprintf(stderr, "%s: cannot read '%s'\n", argv[0], file.c_str());
        return 2;
      }
      std::printf("%s\n", file.c_str());
      std::fflush(stdout);  // so that the last name printed is the input that crashed, if one does
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      ++replayed;
    }
  }
  std::printf("replayed %zu inputs\n", replayed);
  return replayed > 0 ? 0 : 1;
}
