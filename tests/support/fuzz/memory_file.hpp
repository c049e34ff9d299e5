// A file that lives in memory (memfd) and can be opened by path: nnk::load_csv and nnk::Network::load take paths,
// and a fuzzer runs them thousands of times a second, so each input goes to RAM rather than to a temporary file on
// disk (no I/O, nothing left behind when a crashing input kills the process).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace nnk::fuzz {

class MemoryFile {
 public:
  MemoryFile();  // aborts with a message if the kernel refuses a memfd: the harness cannot work without it
  ~MemoryFile();
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  // Replaces the whole content.
  void assign(const std::uint8_t* data, std::size_t size);
  // A path that opens the current content from its start: /proc/self/fd/N.
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

// One MemoryFile per process, shared by the calls of a fuzz target (libFuzzer calls it from one thread).
MemoryFile& input_file();

}  // namespace nnk::fuzz
