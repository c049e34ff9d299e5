// throws_error_containing: the call, the exception type, the message fragments.
#include "support/errors.hpp"

#include <exception>

#include "nnk/error.hpp"

namespace nnk::test {

::testing::AssertionResult throws_error_containing(const std::function<void()>& call,
                                                   std::initializer_list<std::string_view> fragments) {
  try {
    call();
  } catch (const nnk::Error& error) {
    const std::string_view message = error.what();
    for (std::string_view fragment : fragments)
      if (message.find(fragment) == std::string_view::npos)
        return ::testing::AssertionFailure() << "the nnk::Error message \"" << message << "\" lacks \"" << fragment
                                             << "\"";
    return ::testing::AssertionSuccess() << "threw nnk::Error: " << message;
  } catch (const std::exception& other) {
    return ::testing::AssertionFailure() << "threw another exception instead of nnk::Error: " << other.what();
  }
  return ::testing::AssertionFailure() << "threw nothing; expected nnk::Error";
}

}  // namespace nnk::test
