#include "support/fuzz/memory_file.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace nnk::fuzz {

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "nnk fuzz harness: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

}  // namespace

MemoryFile::MemoryFile() : fd_(::memfd_create("nnk-fuzz-input", MFD_CLOEXEC)) {
  if (fd_ < 0) die("memfd_create");
  path_ = "/proc/self/fd/" + std::to_string(fd_);
}

MemoryFile::~MemoryFile() { ::close(fd_); }

void MemoryFile::assign(const std::uint8_t* data, std::size_t size) {
  if (::ftruncate(fd_, 0) != 0) die("ftruncate");
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::pwrite(fd_, data + written, size - written, static_cast<off_t>(written));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) die("pwrite");
    written += static_cast<std::size_t>(n);
  }
}

MemoryFile& input_file() {
  static MemoryFile file;
  return file;
}

}  // namespace nnk::fuzz
