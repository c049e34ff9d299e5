# nnk_warnings: the warning set every target of the project compiles with (not exported).
add_library(nnk_warnings INTERFACE)
target_compile_options(nnk_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                              $<$<BOOL:${NNK_WERROR}>:-Werror>
                                              # GCC 12 bug 105329: false -Wrestrict inside std::string at -O3.
                                              $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
