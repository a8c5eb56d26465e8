# check.cmake - asyncc -p DIR takes a file's flags from DIR/compile_commands.json.
#   cmake -DASYNCC=<asyncc> -DSRC=<this directory> -DWORK=<scratch dir> -P check.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(input "${SRC}/needs_flags.c")
file(WRITE "${WORK}/compile_commands.json" "[
  {\"directory\": \"${WORK}\",
   \"command\": \"cc -DFROM_DB=1 -I${SRC}/inc -c ${input} -o needs_flags.o\",
   \"file\": \"${input}\"}
]
")

# Without the database the file cannot be parsed...
execute_process(COMMAND "${ASYNCC}" "${input}" -o "${WORK}/without.c"
                RESULT_VARIABLE status ERROR_VARIABLE err)
if(status EQUAL 0 OR NOT err MATCHES "FROM_DB is not defined")
  message(FATAL_ERROR "without -p: expected the #error, got status ${status}: ${err}")
endif()
if(EXISTS "${WORK}/without.c")
  message(FATAL_ERROR "without -p: an output file was written despite the error")
endif()

# ...with it, it transforms.
execute_process(COMMAND "${ASYNCC}" -p "${WORK}" "${input}" -o "${WORK}/with.c"
                RESULT_VARIABLE status ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "with -p: status ${status}: ${err}")
endif()
file(READ "${WORK}/with.c" out)
if(NOT out MATCHES "ac_poll answer_poll\\(answer_frame \\*self, ac_cx \\*cx, int \\*out\\)")
  message(FATAL_ERROR "with -p: no answer_poll in the output:\n${out}")
endif()
message(STATUS "asyncc -p: flags taken from compile_commands.json")
