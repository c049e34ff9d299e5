// A float as failure messages show it: its bits in hex and its value, so that NaN payloads and signed zeros differ.
#pragma once

#include <string>

namespace nnk::test {

// "0x7FBADBAD (nan)".
std::string describe_bits(float x);

}  // namespace nnk::test
