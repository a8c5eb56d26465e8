# common.cmake - what the install checks share (include() it from a -P script).

# Stop the check unless each variable in ARGN is defined (-D<name>=...).
function(require_vars)
  foreach(var IN LISTS ARGN)
    if(NOT DEFINED ${var})
      message(FATAL_ERROR "${CMAKE_CURRENT_LIST_FILE}: -D${var}=... is missing")
    endif()
  endforeach()
endfunction()

# Run a command in `dir`; stop the check unless it exits with `want`. Its standard
# output and error are left in last_output.
function(run_in dir want)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${dir}"
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status STREQUAL "${want}")
    message(FATAL_ERROR "`${ARGN}` (in ${dir}) exited with ${status}, expected ${want}\n"
                        "${out}${err}")
  endif()
  set(last_output "${out}${err}" PARENT_SCOPE)
endfunction()

# Stop the check unless `text` contains `part`.
function(expect_in what text part)
  string(FIND "${text}" "${part}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what} lacks '${part}':\n${text}")
  endif()
endfunction()

# Stop the check if `text` contains `part`.
function(expect_not_in what text part)
  string(FIND "${text}" "${part}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "${what} has '${part}':\n${text}")
  endif()
endfunction()
