# release.cmake - the build.release test: this checkout configured and built again
# as a Release build (-O3, -DNDEBUG) with warnings as errors, then its e2e tests
# run there. scripts/build-types.sh does the same for every build type and both
# compilers.
#
#   cmake -DCHECKOUT=<asyncc checkout> -DWORK=<scratch build dir> -DCC=<C compiler>
#         -DGENERATOR=<CMake generator> [-DSANITIZE=<ASYNCC_SANITIZE>] -P release.cmake
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
require_vars(CHECKOUT WORK CC GENERATOR)

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
run_in("${WORK}" 0 ${CMAKE_COMMAND} -S "${CHECKOUT}" -B "${WORK}" -G "${GENERATOR}"
       -DCMAKE_C_COMPILER=${CC} -DCMAKE_BUILD_TYPE=Release -DASYNCC_WERROR=ON
       -DASYNCC_BENCH=OFF "-DASYNCC_SANITIZE=${SANITIZE}")
run_in("${WORK}" 0 ${CMAKE_COMMAND} --build "${WORK}" --parallel 2)
message(STATUS "Release build with ${CC}: no warnings")
run_in("${WORK}" 0 ${CMAKE_CTEST_COMMAND} --test-dir "${WORK}" -L "^e2e$|^examples$"
       -LE valgrind -j2 --timeout 120)
message(STATUS "its e2e and examples tests pass")
