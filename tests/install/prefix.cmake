# prefix.cmake - the install.prefix test: cmake --install of this build into PREFIX,
# which the other install.* tests then use. Checks what is installed: the shared
# runtime's soname, and that the installed asyncc finds its own <asyncc.h>.
#
#   cmake -DBUILD=<build dir> -DPREFIX=<scratch prefix> -DSRC=<tests/install> -P prefix.cmake
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
require_vars(BUILD PREFIX SRC)

file(REMOVE_RECURSE "${PREFIX}")
run_in("${BUILD}" 0 ${CMAKE_COMMAND} --install "${BUILD}" --prefix "${PREFIX}")
# The multiarch libdir (lib/<triplet>) is only for the prefix /usr: here, lib.
foreach(file bin/asyncc include/asyncc/asyncc.h include/asyncc/ac_runtime.h
             lib/libasyncc_runtime.a lib/libasyncc_runtime.so lib/pkgconfig/asyncc.pc
             lib/cmake/asyncc/asyncc-config.cmake lib/cmake/asyncc/Asyncc.cmake
             share/asyncc/asyncc.mk)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "cmake --install did not install ${file}")
  endif()
endforeach()

find_program(READELF readelf)
if(READELF)
  run_in("${PREFIX}" 0 ${READELF} -d lib/libasyncc_runtime.so)
  expect_in("the runtime's dynamic section" "${last_output}" "[libasyncc_runtime.so.0]")
endif()

# No -I: the installed asyncc looks beside itself, not in a checkout.
file(WRITE "${PREFIX}/check/plain.c" "#include <asyncc.h>\nasync int f(void) { return 1; }\n")
run_in("${PREFIX}/check" 0 "${PREFIX}/bin/asyncc" plain.c -o plain.gen.c)
file(REMOVE_RECURSE "${PREFIX}/check")
message(STATUS "installed into ${PREFIX}")
