// Files nnk-train writes: checked before the work that produces them, written so a failure leaves no partial file.
#pragma once

#include <cstdio>
#include <string>

namespace nnk::train_cli {

// nnk::Error naming flag and path when path cannot be created: its directory is missing or not writable, or path
// is a directory. Checked before training so a long run does not end in a failed save.
void check_can_create(const std::string& flag, const std::string& path);

// Writes text to path through a temporary file in the same directory, renamed into place. nnk::Error on failure.
void write_file_atomically(const std::string& path, const std::string& text);

// A stream that drops what is written to it (/dev/null, open for the object's lifetime): the output of a rank that
// does not report. nnk::Error when /dev/null cannot be opened.
class DiscardingStream {
 public:
  DiscardingStream();
  ~DiscardingStream();
  DiscardingStream(const DiscardingStream&) = delete;
  DiscardingStream& operator=(const DiscardingStream&) = delete;

  std::FILE* get() const { return file_; }

 private:
  std::FILE* file_;
};

}  // namespace nnk::train_cli
