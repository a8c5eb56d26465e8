# Asyncc.cmake - build C programs written with asyncc's `async` and `await`.
#
# An installed asyncc: find_package(asyncc) includes this file. A checkout of asyncc
# inside your project: add_subdirectory(<checkout>) does.
#
#   asyncc_add_executable(<name> <annotated.c>...)
#       add_executable(<name>) of the transformed files, linked to asyncc::runtime.
#       Add plain (unannotated) sources with target_sources() as usual.
#
#   asyncc_add_library(<name> [STATIC|SHARED|MODULE|OBJECT] <annotated.c>...)
#       The same for add_library(); the library passes asyncc::runtime on to what
#       links it, as its headers declare async functions with <asyncc.h>.
#
#   asyncc_target_sources(<target> <annotated.c>...)
#       Runs asyncc on each file and compiles what it writes,
#       ${CMAKE_CURRENT_BINARY_DIR}/<target>.asyncc/<stem>.gen.c, as part of <target>,
#       which it links to asyncc::runtime (PRIVATE for an executable, PUBLIC for a
#       library; this is the keyword signature, which your own
#       target_link_libraries of <target> must use too).
#       asyncc sees the target's include directories and compile definitions
#       (including those its linked libraries bring), so it parses the file exactly
#       as the compiler would. A file is transformed again when it, any header it
#       includes (asyncc writes a depfile), or asyncc itself changes. The file's own
#       directory is searched for its quoted includes, as it would be had the source
#       been compiled in place. A source may belong to several targets (each
#       transforms it with its own flags); within a target, stems must be unique.
#       The files of a target may await, spawn and block on each other's async
#       functions, declared `async` in a header they share (grammar/abi.md,
#       section 8): each file is transformed on its own, and a change to that
#       header transforms every file that includes it again.
#       With CMAKE_EXPORT_COMPILE_COMMANDS on, compile_commands.json lists the
#       annotated files too, compiled as their sequential meaning (ASYNCC_SEQUENTIAL)
#       by <target>_asyncc_sources, an object library outside `all`: clangd then has
#       the flags of the files you edit, not only of the generated ones.
#
# Example:
#       asyncc_add_executable(fetch fetch.c)
#       asyncc_add_executable(server main.c handlers.c)   # handlers.h shared

# Transform one annotated file for `target`; returns the generated file's path in
# `out_var`.
function(asyncc_transform target src out_var)
  get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  get_filename_component(dir "${abs}" DIRECTORY)
  get_filename_component(stem "${abs}" NAME_WLE)
  set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/${target}.asyncc")
  set(out "${out_dir}/${stem}.gen.c")
  file(MAKE_DIRECTORY "${out_dir}") # Make's generators do not create it

  # One rule per output file: a second rule (another file with the same stem) would
  # race the first one and overwrite its output.
  get_property(owner TARGET ${target} PROPERTY "asyncc_owner_${stem}")
  if(owner)
    message(FATAL_ERROR "asyncc: ${abs} would be transformed into ${out}, which ${owner} "
                        "already is; the files of target ${target} need different names")
  endif()
  set_property(TARGET ${target} PROPERTY "asyncc_owner_${stem}" "${abs}")

  set(incs "$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>")
  set(defs "$<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND asyncc::asyncc "${abs}" -o "${out}" --depfile "${out}.d" --
            "$<$<BOOL:${incs}>:-I$<JOIN:${incs},;-I>>"
            "$<$<BOOL:${defs}>:-D$<JOIN:${defs},;-D>>"
    DEPENDS "${abs}" asyncc::asyncc
    DEPFILE "${out}.d"
    COMMENT "asyncc ${src} -> ${target}.asyncc/${stem}.gen.c"
    COMMAND_EXPAND_LISTS
    VERBATIM)
  # The generated file lives in the build tree; its quoted includes still name
  # headers beside the source.
  set_property(SOURCE "${out}" APPEND PROPERTY INCLUDE_DIRECTORIES "${dir}")
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# compile_commands.json: an entry for each annotated file, with the target's flags.
function(asyncc_editor_sources target)
  set(side ${target}_asyncc_sources)
  if(NOT TARGET ${side})
    add_library(${side} OBJECT EXCLUDE_FROM_ALL)
    target_compile_definitions(${side} PRIVATE ASYNCC_SEQUENTIAL
                               $<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>)
    target_include_directories(${side} PRIVATE $<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>)
    target_compile_options(${side} PRIVATE $<TARGET_PROPERTY:${target},COMPILE_OPTIONS>)
  endif()
  target_sources(${side} PRIVATE ${ARGN})
endfunction()

function(asyncc_target_sources target)
  if(NOT TARGET asyncc::asyncc OR NOT TARGET asyncc::runtime)
    message(FATAL_ERROR "asyncc_target_sources: no asyncc::asyncc or asyncc::runtime target; "
                        "use find_package(asyncc) or add_subdirectory() of asyncc first")
  endif()
  foreach(src IN LISTS ARGN)
    asyncc_transform(${target} "${src}" out)
    target_sources(${target} PRIVATE "${out}")
  endforeach()
  if(CMAKE_EXPORT_COMPILE_COMMANDS)
    asyncc_editor_sources(${target} ${ARGN})
  endif()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    target_link_libraries(${target} PRIVATE asyncc::runtime)
  else()
    target_link_libraries(${target} PUBLIC asyncc::runtime)
  endif()
endfunction()

function(asyncc_add_executable name)
  add_executable(${name})
  asyncc_target_sources(${name} ${ARGN})
endfunction()

function(asyncc_add_library name)
  set(type "")
  if(ARGV1 MATCHES "^(STATIC|SHARED|MODULE|OBJECT)$")
    set(type ${ARGV1})
    list(REMOVE_AT ARGN 0)
  endif()
  add_library(${name} ${type})
  asyncc_target_sources(${name} ${ARGN})
endfunction()
