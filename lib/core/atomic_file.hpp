// Writing a whole file so that a reader sees the old file or the new one, never a partial one (internal).
#pragma once

#include <cstddef>
#include <string>

namespace nnk::detail {

// Writes size bytes to a new file next to path, flushes it to disk and renames it over path. On failure the
// temporary file is removed, path is left as it was, and nnk::Error says "<caller>: cannot write '<path>': ...".
void write_file_atomically(const char* caller, const std::string& path, const void* data, std::size_t size);

}  // namespace nnk::detail
