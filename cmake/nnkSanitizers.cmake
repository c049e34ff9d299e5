# NNK_SANITIZE: build everything with sanitizers, e.g. -DNNK_SANITIZE=address,undefined (CI) or thread.
# Run the address build with ASAN_OPTIONS=allocator_may_return_null=1: tests ask for impossible sizes on purpose
# and expect an nnk::Error, not the sanitizer's abort.
set(NNK_SANITIZE "" CACHE STRING "Comma-separated -fsanitize= list for the whole build (empty: none)")
if(NNK_SANITIZE)
  add_compile_options(-fsanitize=${NNK_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${NNK_SANITIZE})
endif()

# NNK_FUZZ: the libFuzzer targets of tests/fuzz. libFuzzer ships with clang only. Every object of the build gets
# the fuzzer's coverage instrumentation (fuzzer-no-link) and AddressSanitizer + UndefinedBehaviorSanitizer, so a
# memory error or undefined behaviour anywhere in nnk stops the fuzzer with the input that caused it; only the fuzz
# executables link libFuzzer's main (tests/fuzz/CMakeLists.txt).
if(NNK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "NNK_FUZZ needs clang (libFuzzer): configure a separate build directory with "
                        "-DCMAKE_CXX_COMPILER=clang++; this one uses ${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER}")
  endif()
  if(NNK_SANITIZE)
    message(FATAL_ERROR "NNK_FUZZ brings its own sanitizers (address,undefined); leave NNK_SANITIZE empty, "
                        "got '${NNK_SANITIZE}'")
  endif()
  set(NNK_FUZZ_SANITIZERS address,undefined)
  add_compile_options(-fsanitize=fuzzer-no-link,${NNK_FUZZ_SANITIZERS} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${NNK_FUZZ_SANITIZERS})
endif()
