# The runtime exports only `ac_` names: everything its files share is `aci_` with
# hidden visibility (runtime/src/internal.h). Run as
#   cmake -DLIB=<libasyncc_runtime.a> -DLD=<ld> -DOBJCOPY=<objcopy> -DNM=<nm> -DOUT=<dir> -P symbols.cmake
# It links the archive's objects into one (ld -r), turns the hidden symbols local, as
# linking a shared library would, and fails naming every exported symbol without the
# `ac_` prefix (nm -g --defined-only).
set(obj ${OUT}/runtime_symbols.o)
execute_process(COMMAND ${LD} -r --whole-archive ${LIB} -o ${obj} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ld -r of ${LIB} failed")
endif()
execute_process(COMMAND ${OBJCOPY} --localize-hidden ${obj} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "objcopy --localize-hidden failed")
endif()
execute_process(COMMAND ${NM} -g --defined-only --format=posix ${obj}
                OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(count 0)
set(bad "")
foreach(line IN LISTS lines)
  if(line MATCHES "^([^ ]+) ")
    # Copied first: the next MATCHES resets CMAKE_MATCH_1.
    set(name ${CMAKE_MATCH_1})
    math(EXPR count "${count} + 1")
    # A sanitizer's instrumentation adds symbols of its own (__odr_asan.NAME, ...).
    if(NOT name MATCHES "^ac_" AND NOT name MATCHES "^__(odr_)?(asan|ubsan|tsan)")
      list(APPEND bad ${name})
    endif()
  endif()
endforeach()
if(bad)
  message(FATAL_ERROR "exported without the ac_ prefix: ${bad}")
endif()
if(count EQUAL 0)
  message(FATAL_ERROR "no exported symbol found in ${LIB}")
endif()
message(STATUS "${count} exported symbols, all ac_")
