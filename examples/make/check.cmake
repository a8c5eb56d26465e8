# check.cmake - the examples.make test: builds the Make example in a scratch copy
# with the asyncc and runtime of this build, runs it, and checks that the depfile
# makes a header change rebuild the program.
#
#   cmake -DSRC=<examples/make> -DWORK=<scratch dir> -DMAKE=<make> -DASYNCC=<asyncc>
#         -DASYNCC_INCLUDE=<runtime/include> -DASYNCC_LIB=<runtime library>
#         [-DLDFLAGS=<link flags, e.g. the sanitizers the runtime was built with>]
#         -P check.cmake

foreach(var SRC WORK MAKE ASYNCC ASYNCC_INCLUDE ASYNCC_LIB)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check.cmake: -D${var}=... is missing")
  endif()
endforeach()

# Run a command in WORK; stop the test unless it exits with `want`.
function(run_in_work want)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${WORK}"
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status STREQUAL "${want}")
    message(FATAL_ERROR "`${ARGN}` exited with ${status}, expected ${want}\n${out}${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

set(make_vars ASYNCC=${ASYNCC} ASYNCC_INCLUDE=${ASYNCC_INCLUDE} ASYNCC_LIB=${ASYNCC_LIB})
if(LDFLAGS)
  list(APPEND make_vars "LDFLAGS=${LDFLAGS}")
endif()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(COPY "${SRC}/Makefile" "${SRC}/countdown.c" "${SRC}/countdown.h" DESTINATION "${WORK}")

run_in_work(0 ${MAKE} ${make_vars})
run_in_work(0 ./countdown)
file(READ "${SRC}/expected.txt" expected)
if(NOT last_output STREQUAL expected)
  message(FATAL_ERROR "countdown printed:\n${last_output}\nexpected:\n${expected}")
endif()
message(STATUS "built with make; output as expected")

# Up to date now; a newer header must make the program out of date again.
run_in_work(0 ${MAKE} -q ${make_vars})
file(TOUCH "${WORK}/countdown.h")
run_in_work(1 ${MAKE} -q ${make_vars} countdown.gen.c)
message(STATUS "touching countdown.h makes countdown.gen.c out of date")
run_in_work(0 ${MAKE} ${make_vars})
run_in_work(0 ${MAKE} -q ${make_vars})
