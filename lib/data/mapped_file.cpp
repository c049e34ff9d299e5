// Mapping or reading a file for the CSV reader.
#include "data/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "nnk/error.hpp"

namespace nnk::detail {

MappedFile::MappedFile(const std::string& path, const char* function) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(function, ": cannot open '", path, "': ", std::strerror(errno));
  struct stat info {};
  if (::fstat(fd, &info) != 0 || S_ISDIR(info.st_mode)) {
    const int error = S_ISDIR(info.st_mode) ? EISDIR : errno;
    ::close(fd);
    fail(function, ": cannot read '", path, "': ", std::strerror(error));
  }
  if (S_ISREG(info.st_mode) && info.st_size > 0) {
    mapped_size_ = static_cast<std::size_t>(info.st_size);
    mapping_ = ::mmap(nullptr, mapped_size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (mapping_ == MAP_FAILED) {
      mapping_ = nullptr;
      mapped_size_ = 0;
    } else {
      ::madvise(mapping_, mapped_size_, MADV_SEQUENTIAL);
      bytes_ = std::string_view(static_cast<const char*>(mapping_), static_cast<std::size_t>(info.st_size));
    }
  }
  if (mapping_ == nullptr) {  // a pipe, an empty file, or a file that cannot be mapped
    char block[1 << 16];
    while (true) {
      const ssize_t n = ::read(fd, block, sizeof block);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int error = errno;
        ::close(fd);
        fail(function, ": cannot read '", path, "': ", std::strerror(error));
      }
      if (n == 0) break;
      buffer_.append(block, static_cast<std::size_t>(n));
    }
    bytes_ = buffer_;
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapped_size_);
}

}  // namespace nnk::detail
