// The one line nnk-train prints for an error: the exception's message without the library function it came from.
#pragma once

#include <exception>
#include <string>

namespace nnk::train_cli {

// The loaders' and fit's messages already name the file (and for a CSV line and column) or the option; their
// function names ("nnk::load_csv: ") are noise on a command line.
std::string error_message(const std::exception& error);

}  // namespace nnk::train_cli
