// Checks that a call rejects bad input with nnk::Error and a message that says what was wrong.
#pragma once

#include <functional>
#include <initializer_list>
#include <string_view>

#include <gtest/gtest.h>

namespace nnk::test {

// Success when call() throws nnk::Error whose message contains every fragment, e.g.
//   EXPECT_TRUE(throws_error_containing([&] { f(bad); }, {"nnk::ref::sgemm", "lda", "= 31", "got 7"}));
// Fails (naming the message) when nothing is thrown, another exception type is thrown, or a fragment is missing.
::testing::AssertionResult throws_error_containing(const std::function<void()>& call,
                                                   std::initializer_list<std::string_view> fragments);

}  // namespace nnk::test
