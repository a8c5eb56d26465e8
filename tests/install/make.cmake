# make.cmake - the install.make test: builds examples/make (a Makefile using
# pkg-config and the installed asyncc.mk) in a scratch copy against the install in
# PREFIX, runs it, and checks the depfile: touching a header makes asyncc run
# again, and deleting a header the source no longer includes does not stop make.
#
#   cmake -DSRC=<examples/make> -DWORK=<scratch dir> -DPREFIX=<install prefix>
#         -DMAKE=<make> [-DLDFLAGS=<link flags, e.g. the runtime's sanitizers>]
#         -P make.cmake
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
require_vars(SRC WORK PREFIX MAKE)

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(COPY "${SRC}/Makefile" "${SRC}/countdown.c" "${SRC}/countdown.h" DESTINATION "${WORK}")
# The shared runtime, found at run time through the rpath.
set(make ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${PREFIX}/lib/pkgconfig ${MAKE}
         "LDFLAGS=-Wl,-rpath,${PREFIX}/lib ${LDFLAGS}")
file(READ "${SRC}/expected.txt" expected)

function(countdown_check)
  run_in("${WORK}" 0 ./countdown)
  if(NOT last_output STREQUAL expected)
    message(FATAL_ERROR "countdown printed:\n${last_output}\nexpected:\n${expected}")
  endif()
endfunction()

run_in("${WORK}" 0 ${make})
countdown_check()
find_program(READELF readelf)
if(READELF)
  run_in("${WORK}" 0 ${READELF} -d countdown)
  expect_in("countdown's dynamic section" "${last_output}" "[libasyncc_runtime.so.0]")
endif()
message(STATUS "built with make and pkg-config; output as expected")

# Up to date now; a newer header must make the generated file out of date again.
run_in("${WORK}" 0 ${make} -q)
file(TOUCH "${WORK}/countdown.h")
run_in("${WORK}" 1 ${make} -q countdown.gen.c)
run_in("${WORK}" 0 ${make})
expect_in("make after touching countdown.h" "${last_output}" "asyncc countdown.c -o countdown.gen.c")
run_in("${WORK}" 0 ${make} -q)
message(STATUS "touching countdown.h transforms countdown.c again")

# The header's settings move into the source and the header goes: the old depfile
# still names it, which its empty rule makes harmless.
file(READ "${WORK}/countdown.c" source)
file(READ "${WORK}/countdown.h" header)
string(REPLACE "#include \"countdown.h\"" "${header}" source "${source}")
file(WRITE "${WORK}/countdown.c" "${source}")
file(REMOVE "${WORK}/countdown.h")
run_in("${WORK}" 0 ${make})
countdown_check()
message(STATUS "deleting countdown.h: make still builds countdown")
