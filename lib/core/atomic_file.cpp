// Temporary file + fsync + rename: the one way nnk's library writes files.
#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "nnk/error.hpp"

namespace nnk::detail {

namespace {

[[noreturn]] void fail_write(const char* caller, const std::string& path, const std::string& what, int error) {
  fail(caller, ": cannot write '", path, "': ", what, ": ", std::strerror(error));
}

}  // namespace

void write_file_atomically(const char* caller, const std::string& path, const void* data, std::size_t size) {
  // pid + counter: concurrent writers of the same path (threads or processes) never share a temporary file.
  static std::atomic<std::uint64_t> counter{0};
  const std::string temporary = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail_write(caller, path, "creating the temporary file '" + temporary + "'", errno);
  const auto* bytes = static_cast<const char*>(data);
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd, bytes + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      ::close(fd);
      ::unlink(temporary.c_str());
      fail_write(caller, path, "writing '" + temporary + "'", error);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    fail_write(caller, path, "flushing '" + temporary + "'", error);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    fail_write(caller, path, "renaming '" + temporary + "' into place", error);
  }
}

}  // namespace nnk::detail
