# Shared build settings for every Strato target.
add_library(strato_build INTERFACE)
target_compile_options(strato_build INTERFACE -Wall -Wextra -Werror)
# GCC 12 reports std::string concatenation at -O3 as overflowing (GCC bugs
# 105329/105651), and a std::variant alternative read after a check of the
# index as maybe-uninitialized (GCC bug 80635 and its kin): false positives
# that would fail -Werror builds.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(strato_build INTERFACE -Wno-stringop-overflow -Wno-restrict -Wno-array-bounds
    -Wno-maybe-uninitialized)
endif()
target_include_directories(strato_build INTERFACE ${CMAKE_SOURCE_DIR})
if(STRATO_SANITIZERS)
  string(REPLACE "," ";" _strato_sanitizers "${STRATO_SANITIZERS}")
  foreach(_san IN LISTS _strato_sanitizers)
    target_compile_options(strato_build INTERFACE -fsanitize=${_san})
    target_link_options(strato_build INTERFACE -fsanitize=${_san})
  endforeach()
  target_compile_options(strato_build INTERFACE -fno-omit-frame-pointer -fno-sanitize-recover=all)
endif()

# strato_add_library(NAME SOURCES ... DEPS ... [PUBLIC_DEPS ...])
function(strato_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC strato_build ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_DEPS})
endfunction()

# strato_add_test(NAME LABEL SOURCES ... DEPS ...): one doctest executable whose
# cases are each registered with ctest under LABEL.
function(strato_add_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${CMAKE_SOURCE_DIR}/tests/support/doctest_main.cpp ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE strato_build doctest::doctest ${ARG_DEPS})
  doctest_discover_tests(${name}
    PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT}
    ADD_LABELS 0)
endfunction()
