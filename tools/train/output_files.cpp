// Output file checks and atomic writes.
#include "output_files.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "nnk/error.hpp"

namespace nnk::train_cli {

namespace fs = std::filesystem;

void check_can_create(const std::string& flag, const std::string& path) {
  std::error_code error;
  if (fs::is_directory(path, error)) detail::fail("cannot write ", flag, " '", path, "': it is a directory");
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, error))
    detail::fail("cannot write ", flag, " '", path, "': directory '", dir.string(), "' does not exist");
  if (::access(dir.c_str(), W_OK) != 0)
    detail::fail("cannot write ", flag, " '", path, "': directory '", dir.string(), "' is not writable (",
                 std::strerror(errno), ")");
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) detail::fail("cannot write '", temporary, "': ", std::strerror(errno));
    out << text;
    out.flush();
    if (!out) {
      out.close();
      std::remove(temporary.c_str());
      detail::fail("cannot write '", temporary, "' (disk full?)");
    }
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) {
    std::remove(temporary.c_str());
    detail::fail("cannot rename '", temporary, "' to '", path, "': ", error.message());
  }
}

DiscardingStream::DiscardingStream() : file_(std::fopen("/dev/null", "w")) {
  if (file_ == nullptr) detail::fail("cannot open /dev/null for writing: ", std::strerror(errno));
}

DiscardingStream::~DiscardingStream() { std::fclose(file_); }

}  // namespace nnk::train_cli
