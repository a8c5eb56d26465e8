# consumer.cmake - the install.cmake and install.subdirectory tests: builds the
# project consumer/ outside this tree, with the installed asyncc (find_package) or
# with this checkout as its subdirectory, and runs its programs. Then checks that
# compile_commands.json has the flags of the annotated sources, and that touching
# a header they include makes asyncc transform them again.
#
#   cmake -DSRC=<tests/install> -DWORK=<scratch dir> -DCC=<C compiler>
#         -DGENERATOR=<CMake generator>
#         (-DPREFIX=<install prefix> | -DCHECKOUT=<asyncc checkout>)
#         [-DLDFLAGS=<link flags, e.g. the sanitizers the runtime was built with>]
#         -P consumer.cmake
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
require_vars(SRC WORK CC GENERATOR)

file(REMOVE_RECURSE "${WORK}")
file(COPY "${SRC}/consumer" DESTINATION "${WORK}")
set(project "${WORK}/consumer")
set(build "${WORK}/build")
set(configure ${CMAKE_COMMAND} -S "${project}" -B "${build}" -G "${GENERATOR}"
              -DCMAKE_C_COMPILER=${CC} -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
if(LDFLAGS)
  list(APPEND configure "-DCMAKE_EXE_LINKER_FLAGS=${LDFLAGS}"
                        "-DCMAKE_SHARED_LINKER_FLAGS=${LDFLAGS}")
endif()
if(CHECKOUT)
  # Built by the parent: asyncc's own tests, examples and install rules stay out.
  list(APPEND configure -DASYNCC_CHECKOUT=${CHECKOUT})
else()
  require_vars(PREFIX)
  list(APPEND configure -DCMAKE_PREFIX_PATH=${PREFIX})
endif()
run_in("${WORK}" 0 ${configure})
run_in("${WORK}" 0 ${CMAKE_COMMAND} --build "${build}")

set(expected_hello "hello: tick 1\nhello: tick 2\nhello: tick 3\nhello: 3 ticks\n")
set(expected_fetch "fetch: tick 1\nfetch again: tick 1\nfetch again: tick 2\nfetch: 3 ticks\n")
set(expected_counter "counter: 10\n")
set(expected_stepper "steps: 14\n")
foreach(program hello fetch counter stepper)
  run_in("${build}" 0 "${build}/${program}")
  if(NOT last_output STREQUAL expected_${program})
    message(FATAL_ERROR "${program} printed:\n${last_output}\nexpected:\n${expected_${program}}")
  endif()
endforeach()
message(STATUS "hello, fetch, counter and stepper print what they should")

# The parent's build type is its own (empty here), not asyncc's default.
file(STRINGS "${build}/CMakeCache.txt" build_type REGEX "^CMAKE_BUILD_TYPE:")
if(NOT build_type STREQUAL "CMAKE_BUILD_TYPE:STRING=")
  message(FATAL_ERROR "the consumer's cache has ${build_type}")
endif()

# clangd's view: the annotated file, with the flags that compile its plain meaning.
file(READ "${build}/compile_commands.json" commands)
expect_in("compile_commands.json" "${commands}" "\"file\": \"${project}/ticks.c\"")
expect_in("compile_commands.json" "${commands}" "-DASYNCC_SEQUENTIAL")
run_in("${WORK}" 0 ${CMAKE_COMMAND} --build "${build}" --target hello_asyncc_sources)

# A header's change transforms every file that includes it again, in both targets.
file(TOUCH "${project}/ticks.h")
run_in("${WORK}" 0 ${CMAKE_COMMAND} --build "${build}")
foreach(target hello fetch)
  expect_in("the rebuild after touching ticks.h" "${last_output}"
            "asyncc ticks.c -> ${target}.asyncc/ticks.gen.c")
endforeach()
expect_in("the rebuild after touching ticks.h" "${last_output}"
          "asyncc hello.c -> hello.asyncc/hello.gen.c")
expect_not_in("the rebuild after touching ticks.h" "${last_output}" "asyncc counter.c")
message(STATUS "touching ticks.h transforms hello.c, fetch.c and ticks.c (twice) again")
