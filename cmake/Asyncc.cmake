# Asyncc.cmake - build C programs written with asyncc's `async` and `await`.
#
#   asyncc_target_sources(<target> <annotated.c>...)
#       Runs asyncc on each file and compiles what it writes,
#       ${CMAKE_CURRENT_BINARY_DIR}/<stem>.gen.c, as part of <target>. asyncc sees the
#       target's include directories and compile definitions (including those its
#       linked libraries bring), so it parses the file exactly as the compiler would.
#       A file is transformed again when it, any header it includes (asyncc writes a
#       depfile), or asyncc itself changes. The file's own directory is searched for
#       its quoted includes, as it would be had the source been compiled in place.
#       Each file is transformed once per directory, and stems must be unique there.
#       The files of a target may await, spawn and block on each other's async
#       functions, declared `async` in a header they share (grammar/abi.md,
#       section 8): each file is transformed on its own, and a change to that
#       header transforms every file that includes it again.
#
#   asyncc_add_executable(<name> <annotated.c>...)
#       add_executable(<name>) of the transformed files, linked to asyncc::runtime.
#       Add plain (unannotated) sources with target_sources() as usual.
#
# Example:
#       asyncc_add_executable(fetch fetch.c)
#       asyncc_add_executable(server main.c handlers.c)   # handlers.h shared
#
# Needs the `asyncc` executable target (add_subdirectory(asyncc) before including
# this file) and the runtime library target asyncc::runtime.

# Transform one annotated file for `target`; returns the generated file's path in
# `out_var`.
function(asyncc_transform target src out_var)
  get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  get_filename_component(dir "${abs}" DIRECTORY)
  get_filename_component(stem "${abs}" NAME_WLE)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${stem}.gen.c")

  # One rule per output file: a second rule (another target, or another file with
  # the same stem) would race the first one and overwrite its output.
  get_property(owner DIRECTORY PROPERTY "asyncc_owner_${stem}")
  if(owner)
    message(FATAL_ERROR "asyncc: ${abs} (for target ${target}) would be transformed into "
                        "${out}, which ${owner} already is; transform each file once "
                        "per directory (put shared code in a library)")
  endif()
  set_property(DIRECTORY PROPERTY "asyncc_owner_${stem}" "${abs} (for target ${target})")

  set(incs "$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>")
  set(defs "$<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND $<TARGET_FILE:asyncc> "${abs}" -o "${out}" --depfile "${out}.d" --
            "$<$<BOOL:${incs}>:-I$<JOIN:${incs},;-I>>"
            "$<$<BOOL:${defs}>:-D$<JOIN:${defs},;-D>>"
    DEPENDS "${abs}" asyncc
    DEPFILE "${out}.d"
    COMMENT "asyncc ${src} -> ${stem}.gen.c"
    COMMAND_EXPAND_LISTS
    VERBATIM)
  # The generated file lives in the build tree; its quoted includes still name
  # headers beside the source.
  set_property(SOURCE "${out}" APPEND PROPERTY INCLUDE_DIRECTORIES "${dir}")
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

function(asyncc_target_sources target)
  if(NOT TARGET asyncc)
    message(FATAL_ERROR "asyncc_target_sources: the asyncc target does not exist; "
                        "add_subdirectory(asyncc) before include(Asyncc)")
  endif()
  foreach(src IN LISTS ARGN)
    asyncc_transform(${target} "${src}" out)
    target_sources(${target} PRIVATE "${out}")
  endforeach()
endfunction()

function(asyncc_add_executable name)
  add_executable(${name})
  asyncc_target_sources(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE asyncc::runtime)
endfunction()
