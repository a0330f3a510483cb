# SPDX-License-Identifier: MIT
#
# Finishes the -dbgsym package CPack made (CPACK_POST_BUILD_SCRIPTS,
# package.cmake) as dh_strip would have: CMake 3.25's DEB generator lists
# the debug files in its md5sums under their absolute staging paths (so
# `dpkg --verify` and debsums find none of them), marks them executable, and
# gives the package no copyright.  Each <package>-dbgsym .ddeb is unpacked,
# its md5sums written again with the paths dpkg installs, the .debug files
# made 0644, /usr/share/doc/<package>-dbgsym made a link to <package>'s
# documentation (which the exact Depends: <package> (= version) guarantees),
# and packed again with dpkg-deb.

foreach(_ddeb IN LISTS CPACK_PACKAGE_FILES)
  if(NOT _ddeb MATCHES "/([^/_]+)-dbgsym_[^/]*\\.ddeb$")
    continue()
  endif()
  set(_package "${CMAKE_MATCH_1}")
  set(_tree "${CPACK_TOPLEVEL_DIRECTORY}/${_package}-dbgsym.fix")
  file(REMOVE_RECURSE "${_tree}")
  execute_process(COMMAND "${CPACK_EXEMPLAR_DPKG_DEB}" --raw-extract "${_ddeb}" "${_tree}"
                  RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "dpkg-deb --raw-extract ${_ddeb} failed (${_rc})")
  endif()
  file(GLOB_RECURSE _files LIST_DIRECTORIES false RELATIVE "${_tree}" "${_tree}/usr/*")
  list(SORT _files)
  set(_md5sums "")
  foreach(_file IN LISTS _files)
    file(CHMOD "${_tree}/${_file}" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
    file(MD5 "${_tree}/${_file}" _sum)
    string(APPEND _md5sums "${_sum}  ${_file}\n")
  endforeach()
  file(WRITE "${_tree}/DEBIAN/md5sums" "${_md5sums}")
  file(CHMOD "${_tree}/DEBIAN/md5sums" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  file(MAKE_DIRECTORY "${_tree}/usr/share/doc")
  file(CHMOD "${_tree}/usr/share" "${_tree}/usr/share/doc" PERMISSIONS OWNER_READ OWNER_WRITE
       OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  file(CREATE_LINK "${_package}" "${_tree}/usr/share/doc/${_package}-dbgsym" SYMBOLIC)
  execute_process(COMMAND "${CPACK_EXEMPLAR_DPKG_DEB}" --root-owner-group --build "${_tree}" "${_ddeb}"
                  OUTPUT_QUIET RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "dpkg-deb --build ${_ddeb} failed (${_rc})")
  endif()
  file(REMOVE_RECURSE "${_tree}")
endforeach()
