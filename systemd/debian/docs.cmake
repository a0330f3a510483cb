# SPDX-License-Identifier: MIT
#
# The Debian documentation of each package, run by cpack (CPACK_PRE_BUILD_SCRIPTS,
# package.cmake) after the files are staged and before the .deb is made, so
# that it sees the version cpack builds (`cpack -D CPACK_DEBIAN_PACKAGE_VERSION=`
# included) and works alike with one package or one per CPack component:
#
#   /usr/share/doc/<package>/copyright            systemd/debian/copyright (DEP-5)
#   /usr/share/doc/<package>/changelog.Debian.gz  systemd/debian/changelog, gzip -9n
#   /usr/share/lintian/overrides/<package>        systemd/debian/<package>.lintian-overrides,
#                                                 when there is one
#
# The changelog's latest entry must be the package's version (package.cmake
# takes the version from it).  A package built as another version (a local
# rebuild, the upgrade test) gets an UNRELEASED entry on top saying so, as
# `dch --local` would write, so that its changelog still names its version.

set(_debian "${CPACK_EXEMPLAR_DEBIAN_DIR}")
set(_stage "${CPACK_TEMPORARY_INSTALL_DIRECTORY}")

# name|staging directory, one per package cpack makes from this stage
set(_packages)
if(CPACK_DEB_COMPONENT_INSTALL)
  foreach(_comp IN LISTS CPACK_COMPONENTS_ALL)
    string(TOUPPER "${_comp}" _COMP)
    if(CPACK_DEBIAN_${_COMP}_PACKAGE_NAME)
      set(_name "${CPACK_DEBIAN_${_COMP}_PACKAGE_NAME}")
    else()
      set(_name "${CPACK_PACKAGE_NAME}-${_comp}")
    endif()
    string(TOLOWER "${_name}" _name)
    list(APPEND _packages "${_name}|${_stage}/${_comp}")
  endforeach()
else()
  list(APPEND _packages "${CPACK_DEBIAN_PACKAGE_NAME}|${_stage}")
endif()

# The changelog, with a local entry when cpack builds another version.
file(READ "${_debian}/changelog" _changelog)
if(NOT _changelog MATCHES "^([a-z0-9][a-z0-9.+-]*) \\(([^ )]+)\\)")
  message(FATAL_ERROR "${_debian}/changelog does not start with 'SOURCE (VERSION)'")
endif()
set(_source "${CMAKE_MATCH_1}")
set(_latest "${CMAKE_MATCH_2}")
if(NOT _latest STREQUAL CPACK_DEBIAN_PACKAGE_VERSION)
  message(STATUS "exemplar: packaging version ${CPACK_DEBIAN_PACKAGE_VERSION}, "
                 "not the changelog's ${_latest}: adding an UNRELEASED entry")
  string(TIMESTAMP _date "%a, %d %b %Y %H:%M:%S +0000" UTC)
  set(_changelog
"${_source} (${CPACK_DEBIAN_PACKAGE_VERSION}) UNRELEASED; urgency=medium

  * Local build of ${_latest} as version ${CPACK_DEBIAN_PACKAGE_VERSION}; not a release.

 -- ${CPACK_DEBIAN_PACKAGE_MAINTAINER}  ${_date}

${_changelog}")
endif()
file(WRITE "${CPACK_TOPLEVEL_DIRECTORY}/changelog.Debian" "${_changelog}")

foreach(_package IN LISTS _packages)
  string(REPLACE "|" ";" _package "${_package}")
  list(GET _package 0 _name)
  list(GET _package 1 _dir)
  set(_doc "${_dir}/usr/share/doc/${_name}")
  file(MAKE_DIRECTORY "${_doc}")
  file(COPY_FILE "${_debian}/copyright" "${_doc}/copyright")
  execute_process(COMMAND "${CPACK_EXEMPLAR_GZIP}" -9nc "${CPACK_TOPLEVEL_DIRECTORY}/changelog.Debian"
                  OUTPUT_FILE "${_doc}/changelog.Debian.gz" RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "gzip of the changelog failed (${_rc})")
  endif()
  set(_made "${_dir}/usr/share/doc" "${_doc}")
  if(EXISTS "${_debian}/${_name}.lintian-overrides")
    set(_overrides "${_dir}/usr/share/lintian/overrides")
    file(MAKE_DIRECTORY "${_overrides}")
    file(COPY_FILE "${_debian}/${_name}.lintian-overrides" "${_overrides}/${_name}")
    list(APPEND _made "${_dir}/usr/share/lintian" "${_overrides}")
  endif()
  # Whatever the umask of the build: directories 0755, files 0644.
  file(CHMOD ${_made} PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
       GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  file(GLOB _files "${_doc}/*" "${_dir}/usr/share/lintian/overrides/*")
  file(CHMOD ${_files} PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endforeach()
