# Runs a command and checks its exit status and its stderr: the bad-flag tests of nnk-profile.
#   cmake -DCOMMAND="prog::arg::..." -DEXPECT_EXIT=2 -DEXPECT_STDERR=regex -P expect_exit.cmake
string(REPLACE "::" ";" COMMAND "${COMMAND}")  # ctest passes the list with "::" between items
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status STREQUAL EXPECT_EXIT)
  message(FATAL_ERROR "exit status ${status}, expected ${EXPECT_EXIT}\nstdout: ${out}\nstderr: ${err}")
endif()
if(NOT err MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "stderr does not match '${EXPECT_STDERR}':\n${err}")
endif()
string(REGEX MATCHALL "\n" newlines "${err}")
list(LENGTH newlines lines)
if(NOT lines EQUAL 1)
  message(FATAL_ERROR "expected one line on stderr, got ${lines}:\n${err}")
endif()
