# SPDX-License-Identifier: MIT
#
# Drops the .comment and .note sections (the compiler's version strings)
# from every ELF file cpack staged (CPACK_PRE_BUILD_SCRIPTS, package.cmake),
# as dh_strip does; lintian's binary-has-unneeded-section otherwise.  The
# build id (.note.gnu.build-id) stays: the -dbgsym package is keyed by it.
# CPack's DEB generator then strips the rest into the -dbgsym package.

file(GLOB_RECURSE _files LIST_DIRECTORIES false "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*")
foreach(_file IN LISTS _files)
  if(IS_SYMLINK "${_file}")
    continue()
  endif()
  file(READ "${_file}" _magic LIMIT 4 HEX)
  if(NOT _magic STREQUAL "7f454c46") # \177ELF
    continue()
  endif()
  execute_process(COMMAND "${CPACK_EXEMPLAR_OBJCOPY}" --remove-section=.comment
                          --remove-section=.note "${_file}"
                  RESULT_VARIABLE _rc ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "objcopy --remove-section on ${_file} failed: ${_err}")
  endif()
endforeach()
