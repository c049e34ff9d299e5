// A whole file's bytes, read-only (internal to lib/data): mapped into memory when it is a regular file (no copy, no
// fresh pages to zero: a 133 MB CSV costs its page-cache pages only), read into a buffer otherwise (a pipe).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nnk::detail {

class MappedFile {
 public:
  // nnk::Error prefixed by `function` when the file cannot be opened or read.
  MappedFile(const std::string& path, const char* function);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return bytes_; }

 private:
  void* mapping_ = nullptr;
  std::size_t mapped_size_ = 0;
  std::string buffer_;  // when not mapped
  std::string_view bytes_;
};

}  // namespace nnk::detail
