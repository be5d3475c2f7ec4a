# Installs Adjoint's libraries, headers (hand-written and generated) and a
# CMake package so that another project can `find_package(Adjoint)` and link
# the dialect, e.g. to build a plugin.

set(ADJOINT_LIBRARIES AdjointAdjDialect AdjointAdjToLinalg AdjointDifferentiation
  AdjointEvaluator AdjointGradientCheck AdjointImport AdjointPipelines AdjointSupport
  AdjointTarget AdjointTransforms)
install(TARGETS ${ADJOINT_LIBRARIES}
  EXPORT AdjointTargets
  LIBRARY DESTINATION lib
  ARCHIVE DESTINATION lib
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/adjoint
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${PROJECT_BINARY_DIR}/include/adjoint
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.inc")

set(ADJOINT_CMAKE_DIR lib/cmake/Adjoint)
install(EXPORT AdjointTargets
  NAMESPACE Adjoint::
  DESTINATION ${ADJOINT_CMAKE_DIR})
include(CMakePackageConfigHelpers)
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/AdjointConfig.cmake.in
  ${PROJECT_BINARY_DIR}/AdjointConfig.cmake
  INSTALL_DESTINATION ${ADJOINT_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/AdjointConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/AdjointConfig.cmake
  ${PROJECT_BINARY_DIR}/AdjointConfigVersion.cmake
  DESTINATION ${ADJOINT_CMAKE_DIR})
