# cmake --install: libnnk.a, include/nnk/*.hpp and an exported package, so that another project does
#   find_package(nnk 0.1 REQUIRED)  and  target_link_libraries(app PRIVATE nnk::nnk)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(NNK_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/nnk)

install(TARGETS nnk EXPORT nnkTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/nnk DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp"
        PATTERN onnx.hpp EXCLUDE PATTERN mpi.hpp EXCLUDE)
install(EXPORT nnkTargets NAMESPACE nnk:: DESTINATION ${NNK_CMAKE_DIR})

# The optional nnk::onnx, in an export set of its own: find_package(nnk COMPONENTS onnx) loads it.
if(TARGET nnk_onnx)
  install(TARGETS nnk_onnx EXPORT nnkOnnxTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(FILES include/nnk/onnx.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/nnk)
  install(EXPORT nnkOnnxTargets NAMESPACE nnk:: DESTINATION ${NNK_CMAKE_DIR})
endif()

# The optional nnk::mpi likewise: find_package(nnk COMPONENTS mpi) loads it.
if(TARGET nnk_mpi)
  install(TARGETS nnk_mpi EXPORT nnkMpiTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(FILES include/nnk/mpi.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/nnk)
  install(EXPORT nnkMpiTargets NAMESPACE nnk:: DESTINATION ${NNK_CMAKE_DIR})
endif()

configure_package_config_file(cmake/nnkConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/nnkConfig.cmake
                              INSTALL_DESTINATION ${NNK_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/nnkConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/nnkConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/nnkConfigVersion.cmake
        DESTINATION ${NNK_CMAKE_DIR})
