# NNK_SANITIZE: build everything with sanitizers, e.g. -DNNK_SANITIZE=address,undefined (CI) or thread.
# Run the address build with ASAN_OPTIONS=allocator_may_return_null=1: tests ask for impossible sizes on purpose
# and expect an nnk::Error, not the sanitizer's abort.
set(NNK_SANITIZE "" CACHE STRING "Comma-separated -fsanitize= list for the whole build (empty: none)")
if(NNK_SANITIZE)
  add_compile_options(-fsanitize=${NNK_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${NNK_SANITIZE})
endif()
